//! Pages saved as HTML give the same records as the published text of the same content.

use std::path::PathBuf;

use watwerkt_domain::Project;
use watwerkt_import::{Format, parse_page};

fn read(rel: &str) -> (String, Vec<u8>) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel);
    (
        path.file_name().unwrap().to_string_lossy().into_owned(),
        std::fs::read(&path).unwrap(),
    )
}

fn seed(prefix: &str) -> Vec<Project> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/seeds");
    let path = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .unwrap();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    parse_page(&name, &std::fs::read(&path).unwrap())
        .unwrap()
        .projects
}

/// The records without their sources (file and line differ between the two forms).
fn without_sources(mut p: Project) -> Project {
    p.sources.clear();
    p
}

fn assert_same_as_text(html: &[Project], text: &[Project]) {
    assert!(!html.is_empty());
    for h in html {
        let t = text
            .iter()
            .find(|t| t.number == h.number)
            .unwrap_or_else(|| panic!("{} not in the text page", h.number));
        assert_eq!(
            without_sources(h.clone()),
            without_sources(t.clone()),
            "project {}",
            h.number
        );
    }
}

#[test]
fn accordion_page_as_html() {
    let (name, bytes) = read("tests/fixtures/catalogus.html");
    let page = parse_page(&name, &bytes).unwrap();
    assert_eq!(page.format, Format::AccordionHtml);
    assert_eq!(page.projects.len(), 3);
    assert_same_as_text(&page.projects, &seed("001_"));
    // Line numbers point into the HTML source.
    assert!(page.projects[0].sources[0].line > 20);
    let programme = page.programme.unwrap();
    assert!(
        programme.lines[0]
            .intro
            .as_deref()
            .unwrap()
            .starts_with("Werkt een bepaalde methode")
    );
    assert!(page.report.to_string().contains("glued"), "{}", page.report);
}

#[test]
fn round_page_as_html() {
    let (name, bytes) = read("tests/fixtures/ronde-re-integratie.html");
    let page = parse_page(&name, &bytes).unwrap();
    assert_eq!(page.format, Format::RoundHtml);
    assert_eq!(page.projects.len(), 2);
    assert_same_as_text(&page.projects, &seed("003_"));
    let round = &page.programme.unwrap().rounds[0];
    assert_eq!(round.granted, Some(8));
}
