//! Labels in the one write path: derived on import, stored with the project, indexed as
//! facets, overridden from the data directory, and derived again when the overrides change.

use std::path::Path;

use watwerkt_catalog::{Catalog, OVERRIDES_FILE};
use watwerkt_domain::record::ProjectRecord;
use watwerkt_domain::{LabelSource, ProjectNumber};
use watwerkt_search::SearchRequest;

const OLDER: &str = "535001001";

fn number(n: &str) -> ProjectNumber {
    ProjectNumber::parse(n).unwrap()
}

fn ids(c: &Catalog, n: &str, design: bool) -> Vec<String> {
    let p = c.project(&number(n)).unwrap().unwrap();
    let labels = if design {
        &p.derived.designs
    } else {
        &p.derived.target_groups
    };
    labels.iter().map(|l| l.id.clone()).collect()
}

fn filtered(c: &Catalog, facet: &str, value: &str) -> Vec<String> {
    let r = c
        .index()
        .search(&SearchRequest {
            filters: vec![(facet.into(), value.into())],
            limit: 100,
            ..Default::default()
        })
        .unwrap();
    r.hits.into_iter().map(|h| h.project_number).collect()
}

fn export(c: &Catalog) -> String {
    let mut out = String::new();
    c.store()
        .for_each_project(&mut |p| {
            out.push_str(&serde_json::to_string(&ProjectRecord::from(&p)).unwrap());
            out.push('\n');
            Ok(())
        })
        .unwrap();
    out
}

fn write_overrides(dir: &Path, rows: &str) {
    std::fs::write(
        dir.join(OVERRIDES_FILE),
        format!("project_number,dimension,id,action,reason\n{rows}"),
    )
    .unwrap();
}

#[test]
fn imported_projects_carry_labels_in_store_and_index() {
    let dir = tempfile::tempdir().unwrap();
    let (c, _) = Catalog::open_bundled(dir.path()).unwrap();
    assert_eq!(ids(&c, OLDER, false)[0], "ouderen");
    let p = c.project(&number(OLDER)).unwrap().unwrap();
    assert!(
        p.derived.target_groups[0].quote.contains("45"),
        "{:?}",
        p.derived.target_groups[0]
    );
    assert!(filtered(&c, "target_group", "ouderen").contains(&OLDER.to_owned()));
    // Every indexed project has its evidence level as a facet value.
    let levels: u64 = (0..=4)
        .map(|l| filtered(&c, "evidence_level", &l.to_string()).len() as u64)
        .sum();
    assert_eq!(levels, c.store().count().unwrap());
}

#[test]
fn overrides_win_survive_reopen_and_are_undone_when_removed() {
    let dir = tempfile::tempdir().unwrap();
    drop(Catalog::open_bundled(dir.path()).unwrap());
    write_overrides(
        dir.path(),
        &format!("{OLDER},design,rct,add,Loting volgens het onderzoeksplan\n"),
    );
    let c = Catalog::open(dir.path()).unwrap();
    assert!(c.index_in_step().unwrap());
    let p = c.project(&number(OLDER)).unwrap().unwrap();
    let rct = p.derived.designs.iter().find(|l| l.id == "rct").unwrap();
    assert_eq!(rct.field, LabelSource::Override);
    assert_eq!(rct.quote, "Loting volgens het onderzoeksplan");
    assert_eq!(p.derived.evidence_level.level, 4);
    assert!(filtered(&c, "design", "rct").contains(&OLDER.to_owned()));
    assert!(
        c.store().revisions(&number(OLDER)).unwrap().is_empty(),
        "new labels are no new version of the catalogue's content"
    );
    // A re-import keeps the override.
    drop(c);
    let c = Catalog::open(dir.path()).unwrap();
    c.seed_if_new().unwrap();
    assert!(ids(&c, OLDER, true).contains(&"rct".to_owned()));
    drop(c);
    std::fs::remove_file(dir.path().join(OVERRIDES_FILE)).unwrap();
    let c = Catalog::open(dir.path()).unwrap();
    assert!(!ids(&c, OLDER, true).contains(&"rct".to_owned()));
    assert!(!filtered(&c, "design", "rct").contains(&OLDER.to_owned()));
}

#[test]
fn overrides_naming_unknown_projects_or_ids_are_refused_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    drop(Catalog::open_bundled(dir.path()).unwrap());
    write_overrides(dir.path(), "999999999,design,rct,add,x\n");
    let e = Catalog::open(dir.path()).err().unwrap().to_string();
    assert!(
        e.contains("label-overrides.csv:2: project_number 999999999: no such project"),
        "{e}"
    );
    write_overrides(dir.path(), &format!("{OLDER},design,dobbelen,add,x\n"));
    let e = Catalog::open(dir.path()).err().unwrap().to_string();
    assert!(
        e.contains("label-overrides.csv:2: id \"dobbelen\" is not a design"),
        "{e}"
    );
}

#[test]
fn export_import_export_is_byte_identical() {
    let a = tempfile::tempdir().unwrap();
    let (ca, _) = Catalog::open_bundled(a.path()).unwrap();
    let first = export(&ca);
    assert!(
        first.contains("\"derived\":{\"target_groups\":["),
        "exports carry labels"
    );
    let file = a.path().join("export.jsonl");
    std::fs::write(&file, &first).unwrap();
    let b = tempfile::tempdir().unwrap();
    let cb = Catalog::open(b.path()).unwrap();
    cb.import(&[file], &|_| {}).unwrap();
    let second = export(&cb);
    // Sources name the file read; everything else, labels included, is the same.
    let strip = |s: &str| -> Vec<serde_json::Value> {
        s.lines()
            .map(|l| {
                let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
                v.as_object_mut().unwrap().remove("sources");
                v
            })
            .collect()
    };
    assert_eq!(strip(&first), strip(&second));
    let file2 = b.path().join("export.jsonl");
    std::fs::write(&file2, &second).unwrap();
    let c = tempfile::tempdir().unwrap();
    let cc = Catalog::open(c.path()).unwrap();
    cc.import(&[file2], &|_| {}).unwrap();
    assert_eq!(
        export(&cc),
        second,
        "a JSONL export re-imports to itself byte for byte"
    );
}

#[test]
fn a_query_naming_a_concept_finds_the_projects_labelled_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let (c, _) = Catalog::open_bundled(dir.path()).unwrap();
    let search = |q: &str, concepts: bool| {
        c.index()
            .search(&SearchRequest {
                query: q.into(),
                limit: 10,
                concepts: if concepts { c.concepts(q) } else { Vec::new() },
                ..Default::default()
            })
            .unwrap()
    };
    // No project says "older jobseekers": the bilingual term list reads it as ouderen, and the
    // project on 45-plussers, labelled ouderen, comes first with or without concepts.
    let with = search("older jobseekers", true);
    assert_eq!(with.hits[0].project_number, OLDER);
    assert_eq!(
        search("older jobseekers", false).hits[0].project_number,
        OLDER
    );
    // Words the term list does not know: only the label finds it.
    let with = search("boven de 50", true);
    assert_eq!(
        with.concepts,
        [("target_group".to_owned(), "ouderen".to_owned())]
    );
    assert!(with.hits.iter().any(|h| h.project_number == OLDER));
    let without = search("boven de 50", false);
    assert!(without.concepts.is_empty());
    assert!(without.hits.iter().all(|h| h.project_number != OLDER));
    // A concept adds the labelled projects after the text matches, and the total counts them.
    let rct = search("experiment met controlegroep", true);
    let labelled = filtered(&c, "design", "quasi-experimenteel");
    for n in &labelled {
        assert!(
            rct.hits.iter().any(|h| &h.project_number == n),
            "{n} missing"
        );
    }
    assert!(rct.total >= labelled.len() as u64);
}
