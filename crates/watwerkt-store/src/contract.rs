//! The contract every [`Store`] backend must pass. A backend's tests call [`run_all`] with a
//! function that makes a fresh, empty store (and whatever guard keeps its files alive).

use watwerkt_domain::{
    Organisation, OutcomeKind, PartialDate, Product, ProductsHeading, Programme, ProgrammeLine,
    Project, ProjectNumber, SourceRef, Status, Theme,
};

use crate::changes::{Changed, Pruned};
use crate::{Revision, Store, Upsert};

/// A realistic project whose number and title vary with `i`.
pub fn sample(i: u32) -> Project {
    Project {
        number: ProjectNumber::parse(&format!("535001{i:03}")).expect("valid number"),
        title: format!("Project {i}"),
        full_title: Some(format!("Volledige titel van project {i}")),
        teaser: None,
        question: "Wat werkt voor wie?\n\nEn waarom?".into(),
        method: "Interviews.".into(),
        outcome: "Een handreiking.".into(),
        outcome_kind: Some(OutcomeKind::Resultaat),
        products: vec![Product::new("Factsheet schulden")],
        products_heading: Some(ProductsHeading::Producten),
        municipalities: vec!["Zwolle".into(), "’s Hertogenbosch".into()],
        organisations: vec![Organisation::new("Hogeschool Utrecht")],
        lead_researcher: None,
        theme: Theme::ReIntegratie,
        status: Some(Status::Afgerond),
        start: PartialDate::month(2016, 6),
        end: None,
        duration_months: Some(6),
        sources: vec![SourceRef {
            file: "001.txt".into(),
            line: 22 + i,
        }],
        derived: Default::default(),
    }
}

/// Runs every contract check, each on a fresh store.
pub fn run_all<G, S: Store>(make: &dyn Fn() -> (G, S)) {
    type Check = fn(&dyn Store);
    let checks: &[(&str, Check)] = &[
        ("insert_and_get", insert_and_get),
        ("unchanged_reimport", unchanged_reimport),
        ("update_keeps_revision", update_keeps_revision),
        ("rollback_on_drop", rollback_on_drop),
        ("programme_merge", programme_merge),
        ("order_and_count", order_and_count),
        ("readers_see_committed_state", readers_see_committed_state),
        (
            "sources_only_change_is_not_a_revision",
            sources_only_change_is_not_a_revision,
        ),
        (
            "meta_commits_with_the_transaction",
            meta_commits_with_the_transaction,
        ),
        (
            "derived_labels_change_without_a_revision",
            derived_labels_change_without_a_revision,
        ),
        ("restore_copies_every_version", restore_copies_every_version),
        ("sound_after_writes", sound_after_writes),
        (
            "change_log_records_each_commit",
            change_log_records_each_commit,
        ),
        (
            "pruning_waits_for_live_readers",
            pruning_waits_for_live_readers,
        ),
    ];
    for (name, check) in checks {
        let (_guard, store) = make();
        eprintln!("store contract: {name}");
        check(&store);
    }
}

fn insert_and_get(s: &dyn Store) {
    assert_eq!(s.generation().unwrap(), 0);
    let p = sample(1);
    let mut tx = s.begin().unwrap();
    assert_eq!(tx.upsert_project(&p).unwrap(), Upsert::Inserted);
    assert_eq!(tx.changed(), std::slice::from_ref(&p.number));
    let sum = tx.commit().unwrap();
    assert_eq!((sum.inserted, sum.generation), (1, 1));
    assert_eq!(s.project(&p.number).unwrap(), Some(p));
    assert_eq!(
        s.project(&ProjectNumber::parse("999999").unwrap()).unwrap(),
        None
    );
}

fn unchanged_reimport(s: &dyn Store) {
    for _ in 0..2 {
        let mut tx = s.begin().unwrap();
        tx.upsert_project(&sample(1)).unwrap();
        tx.commit().unwrap();
    }
    let mut tx = s.begin().unwrap();
    assert_eq!(tx.upsert_project(&sample(1)).unwrap(), Upsert::Unchanged);
    assert!(tx.changed().is_empty());
    let sum = tx.commit().unwrap();
    assert_eq!(
        sum.generation, 1,
        "nothing changed, so the generation stays"
    );
    assert!(s.revisions(&sample(1).number).unwrap().is_empty());
}

fn update_keeps_revision(s: &dyn Store) {
    let old = sample(1);
    let mut tx = s.begin().unwrap();
    tx.upsert_project(&old).unwrap();
    tx.commit().unwrap();
    let mut new = old.clone();
    new.status = Some(Status::Lopend);
    let mut tx = s.begin().unwrap();
    assert_eq!(tx.upsert_project(&new).unwrap(), Upsert::Updated);
    assert_eq!(tx.commit().unwrap().generation, 2);
    assert_eq!(s.project(&new.number).unwrap(), Some(new.clone()));
    let revs = s.revisions(&new.number).unwrap();
    assert_eq!(revs.len(), 1);
    assert_eq!(revs[0].project, old);
    assert_eq!((revs[0].revision, revs[0].replaced_at_generation), (1, 2));
}

/// A store written only through the trait passes its own integrity check (`watwerkt verify`).
fn sound_after_writes(s: &dyn Store) {
    assert_eq!(s.check_integrity().unwrap(), Vec::<String>::new());
    update_keeps_revision(s);
    assert_eq!(s.check_integrity().unwrap(), Vec::<String>::new());
}

fn rollback_on_drop(s: &dyn Store) {
    let mut tx = s.begin().unwrap();
    tx.upsert_project(&sample(1)).unwrap();
    tx.merge_programme(Programme {
        name: "X".into(),
        ..Default::default()
    })
    .unwrap();
    drop(tx);
    assert_eq!(s.count().unwrap(), 0);
    assert_eq!(s.generation().unwrap(), 0);
    assert_eq!(s.programme().unwrap(), Programme::default());
    // The store is usable again after a rollback.
    let mut tx = s.begin().unwrap();
    tx.upsert_project(&sample(2)).unwrap();
    tx.commit().unwrap();
    assert_eq!(s.count().unwrap(), 1);
}

fn derived_labels_change_without_a_revision(s: &dyn Store) {
    let mut p = sample(1);
    let mut tx = s.begin().unwrap();
    tx.upsert_project(&p).unwrap();
    tx.commit().unwrap();
    p.derived.target_groups.push(watwerkt_domain::Label {
        id: "ouderen".into(),
        quote: "Aanpak 45-plussers".into(),
        field: watwerkt_domain::LabelSource::Title,
    });
    let mut tx = s.begin().unwrap();
    assert_eq!(tx.upsert_project(&p).unwrap(), Upsert::Updated);
    assert_eq!(tx.changed(), [p.number.clone()]);
    let summary = tx.commit().unwrap();
    assert_eq!(summary.generation, 2, "the index must follow new labels");
    assert_eq!(s.project(&p.number).unwrap().unwrap(), p);
    assert!(
        s.revisions(&p.number).unwrap().is_empty(),
        "labels are no new version"
    );
    let mut tx = s.begin().unwrap();
    assert_eq!(tx.upsert_project(&p).unwrap(), Upsert::Unchanged);
    tx.commit().unwrap();
}

fn meta_commits_with_the_transaction(s: &dyn Store) {
    assert_eq!(s.meta("labels_version").unwrap(), None);
    let mut tx = s.begin().unwrap();
    tx.set_meta("labels_version", "a").unwrap();
    drop(tx);
    assert_eq!(s.meta("labels_version").unwrap(), None);
    let mut tx = s.begin().unwrap();
    tx.set_meta("labels_version", "a").unwrap();
    tx.set_meta("labels_version", "b").unwrap();
    tx.commit().unwrap();
    assert_eq!(s.meta("labels_version").unwrap().as_deref(), Some("b"));
    assert_eq!(
        s.generation().unwrap(),
        0,
        "metadata alone changes no project"
    );
}

fn programme_merge(s: &dyn Store) {
    let line = |intro: Option<&str>, description: Option<&str>| ProgrammeLine {
        theme: Theme::Vergunninghouders,
        intro: intro.map(Into::into),
        description: description.map(Into::into),
    };
    let mut tx = s.begin().unwrap();
    tx.merge_programme(Programme {
        name: "Vakkundig aan het werk".into(),
        lines: vec![line(Some("Intro"), None)],
        ..Default::default()
    })
    .unwrap();
    tx.merge_programme(Programme {
        partners: vec!["Divosa".into()],
        lines: vec![line(None, Some("Beschrijving"))],
        ..Default::default()
    })
    .unwrap();
    assert_eq!(
        tx.commit().unwrap().generation,
        1,
        "a programme change bumps the generation"
    );
    let p = s.programme().unwrap();
    assert_eq!(p.name, "Vakkundig aan het werk");
    assert_eq!(p.partners, vec!["Divosa".to_owned()]);
    assert_eq!(p.lines, vec![line(Some("Intro"), Some("Beschrijving"))]);
}

fn order_and_count(s: &dyn Store) {
    let mut tx = s.begin().unwrap();
    for i in [5, 1, 3] {
        tx.upsert_project(&sample(i)).unwrap();
    }
    tx.commit().unwrap();
    assert_eq!(s.count().unwrap(), 3);
    let mut seen = Vec::new();
    s.for_each_project(&mut |p| {
        seen.push(p.title);
        Ok(())
    })
    .unwrap();
    assert_eq!(seen, ["Project 1", "Project 3", "Project 5"]);
}

fn readers_see_committed_state(s: &dyn Store) {
    let mut tx = s.begin().unwrap();
    tx.upsert_project(&sample(1)).unwrap();
    tx.commit().unwrap();
    let mut tx = s.begin().unwrap();
    tx.upsert_project(&sample(2)).unwrap();
    // While the write is open, readers see only what was committed.
    assert_eq!(s.count().unwrap(), 1);
    assert_eq!(s.project(&sample(2).number).unwrap(), None);
    tx.commit().unwrap();
    assert_eq!(s.count().unwrap(), 2);
}

fn sources_only_change_is_not_a_revision(s: &dyn Store) {
    let p = sample(1);
    let mut tx = s.begin().unwrap();
    tx.upsert_project(&p).unwrap();
    tx.commit().unwrap();
    let mut moved = p.clone();
    moved.sources = vec![SourceRef {
        file: "001.html".into(),
        line: 300,
    }];
    let mut tx = s.begin().unwrap();
    assert_eq!(tx.upsert_project(&moved).unwrap(), Upsert::Unchanged);
    tx.commit().unwrap();
    assert!(s.revisions(&p.number).unwrap().is_empty());
    assert_eq!(
        s.project(&p.number).unwrap().unwrap().sources,
        moved.sources
    );
}

fn restore_copies_every_version(s: &dyn Store) {
    let old = sample(1);
    let mut new = old.clone();
    new.status = Some(Status::Lopend);
    new.derived.target_groups.push(watwerkt_domain::Label {
        id: "ouderen".into(),
        quote: "Project 1".into(),
        field: watwerkt_domain::LabelSource::Title,
    });
    let revisions = vec![Revision {
        revision: 1,
        replaced_at_generation: 3,
        project: old,
    }];
    let mut tx = s.begin().unwrap();
    tx.restore_project(&new, &revisions).unwrap();
    tx.restore_project(&sample(2), &[]).unwrap();
    tx.set_meta("labels_version", "x").unwrap();
    tx.restore_generation(7).unwrap();
    assert_eq!(tx.changed(), [new.number.clone(), sample(2).number]);
    let summary = tx.commit().unwrap();
    assert_eq!((summary.inserted, summary.generation), (2, 7));
    assert_eq!(s.generation().unwrap(), 7);
    assert_eq!(s.project(&new.number).unwrap(), Some(new.clone()));
    assert_eq!(s.revisions(&new.number).unwrap(), revisions);
    assert_eq!(
        s.all_meta().unwrap(),
        [("labels_version".to_owned(), "x".to_owned())]
    );
    let mut tx = s.begin().unwrap();
    assert!(
        tx.restore_project(&new, &[]).is_err(),
        "a stored project is not restored over"
    );
    assert!(
        tx.restore_generation(6).is_err(),
        "generations never go back"
    );
    drop(tx);
    assert_eq!(s.generation().unwrap(), 7);
}

/// Every commit that changes something appends one row, numbered from 1 without gaps, with its
/// generation and the projects it changed; nothing else does.
fn change_log_records_each_commit(s: &dyn Store) {
    let empty = s.changes_since(0, 10).unwrap();
    assert_eq!((empty.head, empty.complete), (0, true));
    assert!(empty.changes.is_empty());
    let mut tx = s.begin().unwrap();
    tx.upsert_project(&sample(1)).unwrap();
    tx.upsert_project(&sample(2)).unwrap();
    tx.commit().unwrap();
    let mut tx = s.begin().unwrap();
    tx.upsert_project(&sample(3)).unwrap();
    drop(tx);
    let mut tx = s.begin().unwrap();
    tx.upsert_project(&sample(1)).unwrap();
    tx.commit().unwrap();
    let mut changed = sample(2);
    changed.title = "Ander".into();
    let mut tx = s.begin().unwrap();
    tx.upsert_project(&changed).unwrap();
    tx.commit().unwrap();
    let mut tx = s.begin().unwrap();
    tx.merge_programme(Programme {
        intro: Some("Inleiding.".into()),
        ..Default::default()
    })
    .unwrap();
    tx.commit().unwrap();
    let mut tx = s.begin().unwrap();
    tx.restore_project(&sample(9), &[]).unwrap();
    tx.restore_generation(10).unwrap();
    tx.commit().unwrap();

    let log = s.changes_since(0, 10).unwrap();
    assert_eq!((log.head, log.complete), (4, true));
    let rows: Vec<(u64, u64, Changed)> = log
        .changes
        .into_iter()
        .map(|c| (c.seq, c.generation, c.changed))
        .collect();
    let numbers = |ns: &[u32]| Changed::Projects(ns.iter().map(|&i| sample(i).number).collect());
    assert_eq!(
        rows,
        vec![
            (1, 1, numbers(&[1, 2])),
            (2, 2, numbers(&[2])),
            (3, 3, numbers(&[])),
            (4, 10, Changed::All),
        ],
        "a rolled-back or unchanged write logs nothing; a programme change logs no project; a restore logs everything"
    );
    let after = s.changes_since(2, 1).unwrap();
    assert_eq!((after.head, after.complete), (4, true));
    assert_eq!(after.changes.iter().map(|c| c.seq).collect::<Vec<_>>(), [3]);
    let head_only = s.changes_since(4, 0).unwrap();
    assert_eq!((head_only.head, head_only.complete), (4, true));
    assert!(head_only.changes.is_empty());
    assert!(!s.changes_since(5, 10).unwrap().complete, "past the head");
}

/// Pruning deletes old rows up to the slowest reader heard from within the retention, never the
/// newest row, and forgets readers silent for longer.
fn pruning_waits_for_live_readers(s: &dyn Store) {
    for i in 1..=3 {
        let mut tx = s.begin().unwrap();
        tx.upsert_project(&sample(i)).unwrap();
        tx.commit().unwrap();
    }
    let now = crate::changes::now();
    let later = now + 100;
    assert_eq!(
        s.prune_changes(now, 10).unwrap().rows,
        0,
        "rows younger than the retention stay"
    );
    s.record_position("slow", 1, later).unwrap();
    s.record_position("fast", 3, later).unwrap();
    let pruned = s.prune_changes(later, 10).unwrap();
    assert_eq!(
        pruned,
        Pruned {
            rows: 1,
            readers: 0,
            oldest: 2
        }
    );
    assert!(s.changes_since(1, 10).unwrap().complete);
    assert!(!s.changes_since(0, 10).unwrap().complete, "row 1 is gone");
    let much_later = later + 1000;
    s.record_position("fast", 3, much_later).unwrap();
    let pruned = s.prune_changes(much_later, 10).unwrap();
    assert_eq!(
        pruned,
        Pruned {
            rows: 1,
            readers: 1,
            oldest: 3
        },
        "the silent reader is not waited for; the newest row stays"
    );
    assert!(!s.changes_since(1, 10).unwrap().complete);
    assert!(s.changes_since(3, 10).unwrap().complete);
}
