//! The bundled seed pages, parsed and pinned: every record reviewed by eye once, then held by
//! insta snapshots so any change to the parser shows up as a diff to review.

use std::path::PathBuf;

use watwerkt_domain::record::ProjectRecord;
use watwerkt_import::{ParsedPage, parse_page};

fn seed(prefix: &str) -> (String, Vec<u8>) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/seeds");
    let entry = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .unwrap();
    (
        entry.file_name().unwrap().to_string_lossy().into_owned(),
        std::fs::read(&entry).unwrap(),
    )
}

fn parsed(prefix: &str) -> ParsedPage {
    let (name, bytes) = seed(prefix);
    parse_page(&name, &bytes).unwrap()
}

fn records(page: &ParsedPage) -> Vec<ProjectRecord> {
    page.projects.iter().map(ProjectRecord::from).collect()
}

#[test]
fn accordion_catalogue_001() {
    let page = parsed("001_");
    assert_eq!(page.projects.len(), 42);
    insta::assert_json_snapshot!("001_projects", records(&page));
    insta::assert_json_snapshot!("001_programme", page.programme);
    insta::assert_snapshot!("001_report", page.report.to_string());
}

#[test]
fn round_catalogue_003() {
    let page = parsed("003_");
    assert_eq!(page.projects.len(), 8);
    insta::assert_json_snapshot!("003_projects", records(&page));
    insta::assert_json_snapshot!("003_programme", page.programme);
    insta::assert_snapshot!("003_report", page.report.to_string());
}

#[test]
fn programme_page_002() {
    let page = parsed("002_");
    assert!(page.projects.is_empty());
    insta::assert_json_snapshot!("002_programme", page.programme);
    insta::assert_snapshot!("002_report", page.report.to_string());
}

#[test]
fn news_pages_000_and_004() {
    for prefix in ["000_", "004_"] {
        let page = parsed(prefix);
        assert!(page.projects.is_empty());
        insta::assert_json_snapshot!(format!("{prefix}programme"), page.programme);
    }
}
