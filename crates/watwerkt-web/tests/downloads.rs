//! Downloads over HTTP: the whole catalogue and any search as CSV (both separators), JSON
//! Lines and JSON, with the same projects in the same order as the search.

mod common;

use common::TestApp;
use serde_json::Value;

fn csv_rows(body: &str, delimiter: u8) -> Vec<csv::StringRecord> {
    let body = body
        .strip_prefix('\u{feff}')
        .expect("a byte order mark for spreadsheets");
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_reader(body.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect()
}

#[tokio::test]
async fn the_whole_catalogue_downloads_in_every_format() {
    let app = TestApp::spawn().await;
    let all = app.catalog.store().count().unwrap() as usize;

    let r = app.get("/export/projecten.csv").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("text/csv; charset=utf-8"));
    assert_eq!(
        r.header("content-disposition"),
        Some("attachment; filename=\"projecten.csv\"")
    );
    assert!(r.body.starts_with("\u{feff}project_number,title,"));
    let rows = csv_rows(&r.body, b',');
    assert_eq!(rows.len(), all);
    assert!(
        rows.iter()
            .any(|row| &row[1] == "<script>alert(1)</script> & co"),
        "text as it is, not HTML"
    );

    let r = app.get("/export/projecten-puntkomma.csv").await;
    assert!(r.body.starts_with("\u{feff}project_number;title;"));
    assert_eq!(csv_rows(&r.body, b';').len(), all);

    let r = app.get("/export/projecten.jsonl").await;
    assert_eq!(
        r.header("content-type"),
        Some("application/jsonl; charset=utf-8")
    );
    let lines: Vec<Value> = r
        .body
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), all);

    let r = app.get("/export/projecten.json").await;
    let json: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(json["projects"].as_array().unwrap().len(), all);
    assert!(json["programme"]["rounds"].is_array() || json["programme"].is_object());
}

#[tokio::test]
async fn a_search_downloads_its_hits_in_the_order_shown() {
    let app = TestApp::spawn().await;
    for query in [
        "q=schulden",
        "q=werk&sort=newest",
        "f=status%3AAfgerond",
        "q=jongeren&f=status%3ALopend",
    ] {
        let api: Value =
            serde_json::from_str(&app.api_projects(&format!("{query}&limit=100")).await.body)
                .unwrap();
        let want: Vec<&str> = api["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["project_number"].as_str().unwrap())
            .collect();
        assert!(!want.is_empty(), "{query} finds something");
        let r = app.get(&format!("/export/projecten.jsonl?{query}")).await;
        assert_eq!(r.status, 200, "{query}");
        let got: Vec<String> = r
            .body
            .lines()
            .map(|l| {
                serde_json::from_str::<Value>(l).unwrap()["project_number"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(got, want, "{query}");
        assert_eq!(r.header("x-watwerkt-truncated"), None);
    }
    // The search page links to its downloads.
    let page = app.search("q=schulden").await;
    assert!(
        page.body
            .contains("/export/projecten-puntkomma.csv?q=schulden")
    );
}

#[tokio::test]
async fn bad_download_addresses_are_refused() {
    let app = TestApp::spawn().await;
    assert_eq!(app.get("/export/projecten.xml").await.status, 404);
    assert_eq!(app.get("/export/projecten.csv?page=0").await.status, 400);
    assert_eq!(
        app.get("/export/projecten.csv?f=kleur%3Arood").await.status,
        400
    );
    // A query without searchable words finds nothing, as on the search page.
    let r = app.get("/export/projecten.jsonl?q=%22%22").await;
    assert_eq!((r.status, r.body.as_str()), (200, ""));
}
