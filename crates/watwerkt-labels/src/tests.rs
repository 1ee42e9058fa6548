use super::*;
use watwerkt_domain::{ProjectNumber, Theme};

fn project(method: &str) -> Project {
    Project {
        number: ProjectNumber::parse("535009001").unwrap(),
        title: "Een aanpak".into(),
        full_title: None,
        teaser: None,
        question: String::new(),
        method: method.into(),
        outcome: String::new(),
        outcome_kind: None,
        products: Vec::new(),
        products_heading: None,
        municipalities: Vec::new(),
        organisations: Vec::new(),
        lead_researcher: None,
        theme: Theme::ReIntegratie,
        status: Some(Status::Lopend),
        start: None,
        end: None,
        duration_months: None,
        sources: Vec::new(),
        derived: Derived::default(),
    }
}

fn ids(labels: &[Label]) -> Vec<&str> {
    labels.iter().map(|l| l.id.as_str()).collect()
}

fn designs(method: &str) -> Vec<String> {
    let d = Labeller::shipped().derive(&project(method));
    ids(&d.designs).into_iter().map(str::to_owned).collect()
}

#[test]
fn the_shipped_files_compile() {
    let l = Labeller::shipped();
    assert_eq!(l.version().len(), 16);
}

#[test]
fn a_label_keeps_its_sentence_and_field() {
    let d = Labeller::shipped().derive(&project(
        "Eerst wordt de aanpak beschreven. Met behulp van een gerandomiseerd experiment wordt de effectiviteit onderzocht.",
    ));
    assert_eq!(ids(&d.designs), ["rct"]);
    assert_eq!(
        d.designs[0].quote,
        "Met behulp van een gerandomiseerd experiment wordt de effectiviteit onderzocht."
    );
    assert_eq!(d.designs[0].field, LabelSource::Method);
    assert_eq!(d.evidence_level.level, 4);
    assert!(
        d.evidence_level
            .reason
            .starts_with("4 — gerandomiseerd experiment: 'Met behulp"),
        "{}",
        d.evidence_level.reason
    );
}

#[test]
fn negation_and_contrast_give_nothing() {
    assert!(designs("Er is geen controlegroep.").is_empty());
    assert!(designs("Het is niet gerandomiseerd.").is_empty());
    assert!(designs("Een meting zonder controlegroep, dus geen experiment.").is_empty());
    assert_eq!(
        designs("Er is wel een controlegroep."),
        ["quasi-experimenteel"]
    );
    // "niet alleen" negates nothing.
    assert_eq!(
        designs("Er worden niet alleen interviews gehouden."),
        ["kwalitatief"]
    );
}

#[test]
fn an_earlier_studys_design_is_not_the_projects() {
    assert!(designs("Uit een eerder experiment blijkt dat het werkt.").is_empty());
    // ... but reading earlier research is a literature review.
    assert_eq!(
        designs("Daarbij wordt eerder onderzoek gebruikt en worden klantmanagers geïnterviewd."),
        ["literatuuronderzoek", "kwalitatief"]
    );
}

#[test]
fn compounds_stems_and_accents_match() {
    assert_eq!(
        designs("In een veldexperiment worden twee vormen vergeleken."),
        ["quasi-experimenteel"]
    );
    assert_eq!(
        designs("Ook wordt er een kosten-batenanalyse uitgevoerd."),
        ["kosten-baten"]
    );
    assert_eq!(designs("Er worden enquêtes afgenomen."), ["vragenlijst"]);
    let d = Labeller::shipped().derive(&Project {
        title: "Aanpak om 45-plussers sneller aan werk te helpen".into(),
        ..project("")
    });
    assert_eq!(ids(&d.target_groups), ["ouderen"]);
    assert_eq!(ids(&d.outcome_domains), ["werk"]);
}

#[test]
fn a_written_form_is_not_its_stem() {
    let tg = |t: &str| {
        let d = Labeller::shipped().derive(&Project {
            title: t.into(),
            ..project("")
        });
        ids(&d.target_groups)
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(tg("Werk voor ouderen"), ["ouderen"]);
    assert!(tg("Gesprekken met ouders").is_empty());
}

#[test]
fn strongest_design_wins_for_one_measurement() {
    assert_eq!(
        designs("Met een gerandomiseerd experiment met controlegroep en een voormeting."),
        ["rct"]
    );
    assert_eq!(
        designs("Een controlegroep krijgt de gebruikelijke zorg; er zijn twee meetmomenten."),
        ["quasi-experimenteel"]
    );
}

#[test]
fn a_generic_effect_phrase_yields_to_a_named_design() {
    assert_eq!(
        designs("De effectiviteit wordt onderzocht met de Theory of Change methode."),
        ["beleidstheorie"]
    );
    assert_eq!(
        designs("De effectiviteit van de interventie wordt bepaald."),
        ["voor-nameting"]
    );
}

#[test]
fn no_design_is_level_zero() {
    let d = Labeller::shipped().derive(&project("Er komt een handreiking."));
    assert_eq!(d.evidence_level.level, 0);
    assert_eq!(d.evidence_level.reason, "0 — geen onderzoeksopzet genoemd");
}

#[test]
fn findings_come_from_results_not_plans() {
    let mut p = project("");
    p.outcome = "In de periode 2007 - 2016 leidde 30% van de trajecten tot uitstroom naar betaald werk. Er is een factsheet gemaakt.".into();
    p.outcome_kind = Some(OutcomeKind::Resultaat);
    p.status = Some(Status::Afgerond);
    let d = Labeller::shipped().derive(&p);
    assert_eq!(d.findings.len(), 1);
    assert!(d.findings[0].text.starts_with("In de periode 2007"));
    assert_eq!(d.findings[0].field, TextField::Outcome);
    p.outcome_kind = Some(OutcomeKind::VerwachteUitkomst);
    p.status = Some(Status::Lopend);
    assert!(Labeller::shipped().derive(&p).findings.is_empty());
}

#[test]
fn active_ingredients_are_statements() {
    let mut p = project("");
    p.teaser = Some("Wat zijn de werkzame elementen?".into());
    p.outcome = "Vertrouwen, kaders en kennis blijken belangrijke randvoorwaarden te zijn.".into();
    p.outcome_kind = Some(OutcomeKind::Resultaat);
    p.status = Some(Status::Afgerond);
    let d = Labeller::shipped().derive(&p);
    assert_eq!(d.active_ingredients.len(), 1);
    assert_eq!(d.active_ingredients[0].field, TextField::Outcome);
}

#[test]
fn overrides_win_and_name_their_reason() {
    let csv = "project_number,dimension,id,action,reason\n\
               535009001,design,rct,remove,Loting alleen voor de volgorde\n\
               535009001,target_group,ouderen,add,Het gaat om 50-plussers\n";
    let l = Labeller::new("o.csv", csv).unwrap();
    assert_ne!(l.version(), Labeller::shipped().version());
    let d = l.derive(&project("Met een gerandomiseerd experiment."));
    assert!(d.designs.is_empty());
    assert_eq!(d.evidence_level.level, 0);
    assert_eq!(d.target_groups[0].id, "ouderen");
    assert_eq!(d.target_groups[0].field, LabelSource::Override);
    assert_eq!(d.target_groups[0].quote, "Het gaat om 50-plussers");
}

#[test]
fn labels_follow_the_vocabulary_order() {
    let d = Labeller::shipped().derive(&project(
        "Er worden vragenlijsten afgenomen, interviews gehouden en er is een literatuurstudie.",
    ));
    assert_eq!(
        ids(&d.designs),
        ["literatuuronderzoek", "kwalitatief", "vragenlijst"]
    );
}

#[test]
fn sentences_split_at_ends_not_abbreviations() {
    let s: Vec<&str> =
        sentences("Dit werkt o.a. door besparingen. Is het effectief? Ja!\nNieuwe regel").collect();
    assert_eq!(
        s,
        [
            "Dit werkt o.a. door besparingen.",
            "Is het effectief?",
            "Ja!",
            "Nieuwe regel"
        ]
    );
}

#[test]
fn lexicon_errors_name_the_line() {
    let a = watwerkt_search::default_analyzer();
    let known = |d: Dimension, id: &str| Vocabulary::get().term(d, id).is_some();
    let e = Lexicon::parse("l.txt", "[design rct]\nrct\n[design gokken]\n", &a, &known)
        .err()
        .unwrap();
    assert_eq!(
        e.to_string(),
        "l.txt:3: unknown design id \"gokken\"; expected an id of data/vocabulary.json"
    );
    let e = Lexicon::parse("l.txt", "rct\n", &a, &known).err().unwrap();
    assert_eq!(e.line, 1);
    let e = Lexicon::parse("l.txt", "[design rct]\nx @body\n", &a, &known)
        .err()
        .unwrap();
    assert!(
        e.to_string().starts_with("l.txt:2: unknown field \"body\""),
        "{e}"
    );
}

#[test]
fn a_query_names_concepts_in_other_words() {
    let c = |q: &str| -> Vec<String> {
        Labeller::shipped()
            .concepts(q)
            .into_iter()
            .map(|(d, id)| format!("{}:{id}", d.facet()))
            .collect()
    };
    assert_eq!(c("55-plussers"), ["target_group:ouderen"]);
    assert_eq!(c("older jobseekers"), ["target_group:ouderen"]);
    assert_eq!(
        c("mensen met een beperking"),
        ["target_group:arbeidsbeperking"]
    );
    assert_eq!(c("rct"), ["design:rct"]);
    assert_eq!(c("kosten baten"), ["design:kosten-baten"]);
    assert_eq!(
        c("wat werkt bij jongeren met schulden"),
        ["target_group:jongeren", "target_group:schulden"]
    );
    assert!(c("experiment met controlegroep").contains(&"design:quasi-experimenteel".to_owned()));
    assert!(
        c("re-integratie").is_empty(),
        "outcome domains are no concepts"
    );
}

#[test]
fn an_instrument_labels_texts_but_is_no_concept_of_a_query() {
    let l = Labeller::shipped();
    assert!(l.concepts("loonkostensubsidie").is_empty());
    assert!(l.concepts("werken met loonwaarde").is_empty());
    let mut p = project("");
    p.question = "Hoe helpen we werknemers met loonkostensubsidie aan duurzaam werk?".into();
    assert_eq!(ids(&l.derive(&p).target_groups), ["arbeidsbeperking"]);
    let a = watwerkt_search::default_analyzer();
    let known = |d: Dimension, id: &str| Vocabulary::get().term(d, id).is_some();
    let e = Lexicon::parse("l.txt", "[negation]\n~niet\n", &a, &known)
        .err()
        .unwrap();
    assert!(e.to_string().starts_with("l.txt:2: `~`"), "{e}");
}
