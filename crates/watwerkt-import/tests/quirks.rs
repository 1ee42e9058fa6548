//! Each quirk of the published catalogue, on a minimal page, with what the importer makes of it.

use proptest::prelude::*;
use watwerkt_domain::{OutcomeKind, ProductsHeading, Project, Status};
use watwerkt_import::{ImportErrorKind, ParsedPage, QualityReport, parse_page};

const TAIL: &str = "Titel: Een volledige titel\nStartdatum en looptijd: juni 2016, 6 maanden\nStatus: Afgerond\nZonMw Projectnummer: 535006006\n";

/// A one-entry accordion page with `middle` between the entry head and the Gegevens block.
fn page(parties: &str, middle: &str, data: &str) -> String {
    format!(
        "Lees meer over project Een project\nDit item is dichtgeklapt\nDit item is opengeklapt\n\nEen project\n\n{parties}\n\n{middle}\n\nGegevens\n\n{data}\nNaar boven\nDirect naar: InhoudDirect naar: Onderkant website\n"
    )
}

const SECTIONS: &str =
    "Vraagstuk\n\nEen vraag.\n\nOnderzoek\n\nEen methode.\n\nResultaat\n\nEen resultaat.";

fn parse(text: &str) -> ParsedPage {
    parse_page("p.txt", text.as_bytes()).unwrap()
}

fn one(text: &str) -> (Project, QualityReport) {
    let mut page = parse(text);
    assert_eq!(page.projects.len(), 1, "{:?}", page.projects);
    (page.projects.remove(0), page.report)
}

#[test]
fn gemeente_and_gemeenten_and_both_kinds_of_institution_label() {
    let (p, _) = one(&page(
        "Gemeente: Rotterdam\nKennisinstellingen: Regioplan",
        SECTIONS,
        TAIL,
    ));
    assert_eq!(
        (p.municipalities, p.organisations[0].name.as_str()),
        (vec!["Rotterdam".to_owned()], "Regioplan")
    );
    let (p, _) = one(&page(
        "Gemeenten: Utrecht, Zeist en Houten\nKennisinstellingen en andere partijen: TNO en Universiteit van Tilburg",
        SECTIONS,
        TAIL,
    ));
    assert_eq!(p.municipalities, ["Utrecht", "Zeist", "Houten"]);
    assert_eq!(
        p.organisations
            .iter()
            .map(|o| o.name.as_str())
            .collect::<Vec<_>>(),
        ["TNO", "Universiteit van Tilburg"]
    );
}

#[test]
fn both_labels_on_one_line() {
    let (p, _) = one(&page(
        "Gemeenten: ’s Hertogenbosch, Best, Eindhoven Kennisinstellingen en andere partijen: Tilburg University, Samen Sterk zonder Stigma",
        SECTIONS,
        TAIL,
    ));
    assert_eq!(p.municipalities, ["’s Hertogenbosch", "Best", "Eindhoven"]);
    assert_eq!(p.organisations.len(), 2);
}

#[test]
fn stray_commas_drop_empty_items_and_are_reported() {
    let (p, report) = one(&page(
        "Gemeenten: , Amersfoort, Overbetuwe en Ede\nKennisinstellingen: Movisie,",
        SECTIONS,
        TAIL,
    ));
    assert_eq!(p.municipalities, ["Amersfoort", "Overbetuwe", "Ede"]);
    assert_eq!(p.organisations.len(), 1);
    assert_eq!(
        report
            .issues
            .iter()
            .filter(|i| i.message.contains("stray comma"))
            .count(),
        2
    );
}

#[test]
fn stray_colon_in_start_and_project_number_variants() {
    let data = TAIL
        .replace(
            "Startdatum en looptijd: juni",
            "Startdatum en looptijd: : juni",
        )
        .replace(
            "ZonMw Projectnummer: 535006006",
            "ZonMw Projectnummer:535006007",
        );
    let (p, report) = one(&page("Gemeente: Tiel", SECTIONS, &data));
    assert_eq!(p.number.as_str(), "535006007");
    assert_eq!(p.start.unwrap().to_string(), "2016-06");
    assert_eq!(p.duration_months, Some(6));
    assert!(
        report
            .issues
            .iter()
            .any(|i| i.message.contains("stray colon"))
    );
    assert!(
        report
            .issues
            .iter()
            .any(|i| i.message.contains("missing space"))
    );
    let (p, _) = one(&page(
        "Gemeente: Tiel",
        SECTIONS,
        &TAIL.replace("ZonMw Projectnummer", "Projectnummer"),
    ));
    assert_eq!(p.number.as_str(), "535006006");
    assert_eq!(p.status, Some(Status::Afgerond));
}

#[test]
fn product_headings_and_empty_product_lists() {
    for (heading, expected) in [
        ("Producten", ProductsHeading::Producten),
        ("Tussenproducten", ProductsHeading::Tussenproducten),
        ("Tussenproduct", ProductsHeading::Tussenproduct),
    ] {
        let middle =
            format!("{SECTIONS}\n\n{heading}\n\nRapport een\nFactsheet twee\n\nHandreiking drie");
        let (p, _) = one(&page("Gemeente: Tiel", &middle, TAIL));
        assert_eq!(p.products_heading, Some(expected));
        assert_eq!(
            p.products
                .iter()
                .map(|x| x.title.as_str())
                .collect::<Vec<_>>(),
            ["Rapport een", "Factsheet twee", "Handreiking drie"]
        );
    }
    let (p, _) = one(&page(
        "Gemeente: Tiel",
        &format!("{SECTIONS}\n\nProducten\n"),
        TAIL,
    ));
    assert!(p.products.is_empty());
    assert_eq!(p.products_heading, Some(ProductsHeading::Producten));
}

#[test]
fn a_section_glued_to_the_previous_sentence_is_split() {
    let middle = "Vraagstuk\n\nDe vraag wordt bereikt. OnderzoekVan 20 casussen wordt geleerd.\n\nResultaat\n\nEen resultaat.";
    let (p, report) = one(&page("Gemeente: Tiel", middle, TAIL));
    assert_eq!(p.question, "De vraag wordt bereikt.");
    assert_eq!(p.method, "Van 20 casussen wordt geleerd.");
    assert!(report.issues.iter().any(|i| i.message.contains("glued")));
}

#[test]
fn an_entry_without_its_repeated_title_takes_the_link_title() {
    let text =
        page("Gemeente: Tiel", SECTIONS, TAIL).replace("\nEen project\n\nGemeente", "\nGemeente");
    let (p, report) = one(&text);
    assert_eq!(p.title, "Een project");
    assert!(
        report
            .issues
            .iter()
            .any(|i| i.message.contains("no repeated title"))
    );
}

#[test]
fn furniture_and_outcome_kinds_stay_out_of_fields() {
    for (heading, kind) in [
        ("Resultaat", OutcomeKind::Resultaat),
        ("Uitkomst", OutcomeKind::Uitkomst),
        ("Verwachte uitkomst", OutcomeKind::VerwachteUitkomst),
    ] {
        let middle = format!(
            "Een teaser.\n\nVraagstuk\n\nEen vraag.\nNaar boven\n\nOnderzoek\n\nEen methode.\n\n{heading}\n\nEen resultaat.\n\nTweede alinea."
        );
        let (p, _) = one(&page("Gemeente: Tiel", &middle, TAIL));
        assert_eq!(p.outcome_kind, Some(kind));
        assert_eq!(p.outcome, "Een resultaat.\n\nTweede alinea.");
        assert_eq!(p.question, "Een vraag.");
        assert_eq!(p.teaser.as_deref(), Some("Een teaser."));
    }
}

#[test]
fn theme_texts_after_the_entries_are_not_project_text() {
    let text = format!(
        "{}\n2 mensen met elkaar in gesprek\n\nMethodisch werken betekent doelgericht handelen op basis van een methodiek.\n\nOnderstaande ZonMw-projecten sluiten aan op het thema Methodisch werken.\n\nColofon Redactie Iemand\n",
        page("Gemeente: Tiel", SECTIONS, TAIL)
    );
    let page = parse(&text);
    assert_eq!(page.projects[0].outcome, "Een resultaat.");
    let line = &page.programme.unwrap().lines[0];
    assert_eq!(
        line.intro.as_deref(),
        Some("Methodisch werken betekent doelgericht handelen op basis van een methodiek.")
    );
}

#[test]
fn bad_values_name_line_and_field() {
    let e = parse_page(
        "p.txt",
        page("Gemeente: Tiel", SECTIONS, &TAIL.replace("juni", "juin")).as_bytes(),
    )
    .unwrap_err();
    assert_eq!((e.line, e.field.as_deref()), (Some(24), Some("start")));
    let e = parse_page(
        "p.txt",
        page(
            "Gemeente: Tiel",
            SECTIONS,
            &TAIL.replace("Afgerond", "Klaar"),
        )
        .as_bytes(),
    )
    .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("status"));
    let truncated = page("Gemeente: Tiel", SECTIONS, "Titel: X\n");
    let e = parse_page("p.txt", truncated.as_bytes()).unwrap_err();
    assert!(matches!(e.kind, ImportErrorKind::Truncated { .. }));
    assert_eq!(e.line, Some(1));
    let e = parse_page("p.txt", b"Zomaar wat tekst zonder projecten.").unwrap_err();
    assert_eq!(e.kind, ImportErrorKind::UnknownFormat);
    let big = vec![b'a'; (watwerkt_import::MAX_PAGE_BYTES + 1) as usize];
    assert!(matches!(
        parse_page("big.txt", &big).unwrap_err().kind,
        ImportErrorKind::TooLarge { .. }
    ));
}

#[test]
fn the_same_number_twice_is_reported() {
    let one_entry = page("Gemeente: Tiel", SECTIONS, TAIL);
    let changed = one_entry.replace("Een vraag.", "Een andere vraag.");
    let p = parse(&format!("{one_entry}\n{changed}"));
    assert_eq!(p.projects.len(), 1);
    assert_eq!(p.projects[0].question, "Een andere vraag.");
    assert!(
        p.report
            .issues
            .iter()
            .any(|i| i.message.contains("different content"))
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn parsers_never_panic_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let _ = parse_page("x", &bytes);
        let _ = watwerkt_import::detect("x", &bytes);
        let _ = watwerkt_import::JsonlReader::new("x", &bytes[..]).count();
    }

    #[test]
    fn parsers_never_panic_on_page_like_text(lines in proptest::collection::vec(
        prop_oneof![
            Just("Lees meer over project X".to_owned()),
            Just("Gemeenten: , A en B,".to_owned()),
            Just("Vraagstuk".to_owned()), Just("Gegevens".to_owned()), Just("Producten".to_owned()),
            Just("ZonMw Projectnummer: 535006006".to_owned()), Just("Projectnummer: 1".to_owned()),
            Just("Looptijd: 2022 - 20".to_owned()), Just("Startdatum en looptijd: : juni 2016, 6 maanden".to_owned()),
            Just("Voortgang".to_owned()), Just("  • Op 1 juni 2017 is de eerste subsidieronde geopend.".to_owned()),
            Just(String::new()), "[a-zA-Z .:,]{0,40}",
        ], 0..60)) {
        let _ = parse_page("x", lines.join("\n").as_bytes());
    }
}
