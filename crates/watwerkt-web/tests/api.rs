//! The JSON API under `/api/v1`, black-box: every endpoint over real HTTP, problem documents,
//! cursor paging, conditional GET, CORS, the rate limit, and a sweep of bad input that must
//! always be a 4xx.

mod common;

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::Arc;

use common::{Reply, TestApp};
use serde_json::Value;
use watwerkt_catalog::Catalog;
use watwerkt_domain::ProjectNumber;
use watwerkt_domain::record::ProjectRecord;

fn json(r: &Reply) -> Value {
    serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("{e}: {}", r.body))
}

/// Asserts `r` is a problem document of `status` whose type ends in `code`.
fn assert_problem(r: &Reply, status: u16, code: &str, what: &str) {
    assert_eq!(r.status, status, "{what}: {}", r.body);
    assert_eq!(
        r.header("content-type"),
        Some("application/problem+json"),
        "{what}"
    );
    let p = json(r);
    assert_eq!(p["status"], status, "{what}");
    assert_eq!(
        p["type"].as_str().unwrap(),
        format!("https://watwerkt.nl/problems/{code}"),
        "{what}"
    );
    assert!(p["title"].is_string(), "{what}");
}

#[tokio::test]
async fn every_endpoint_answers_json() {
    let app = TestApp::spawn().await;
    for target in [
        "/api/v1/projects?q=schulden",
        "/api/v1/projects/535006006",
        "/api/v1/projects/535006006/similar?limit=3",
        "/api/v1/suggest?q=schu",
        "/api/v1/organisations",
        "/api/v1/municipalities",
        "/api/v1/themes",
        "/api/v1/funding-rounds",
        "/api/v1/timeline",
        "/api/v1/evidence-map",
        "/api/v1/openapi.json",
    ] {
        let r = app.get(target).await;
        assert_eq!(r.status, 200, "{target}: {}", r.body);
        assert_eq!(
            r.header("content-type"),
            Some("application/json"),
            "{target}"
        );
        json(&r);
    }
    let similar = json(&app.get("/api/v1/projects/535006006/similar?limit=3").await);
    let similar = similar.as_array().unwrap();
    assert!(!similar.is_empty() && similar.len() <= 3);
    assert!(similar.iter().all(|s| s["project_number"] != "535006006"));
    assert!(similar[0]["terms"].is_array());

    let themes = json(&app.get("/api/v1/themes").await);
    let reintegratie = themes
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["slug"] == "re-integratie")
        .unwrap();
    let search = app.get(reintegratie["search_url"].as_str().unwrap()).await;
    assert_eq!(json(&search)["total"], reintegratie["projects"]);

    let orgs = json(&app.get("/api/v1/municipalities").await);
    let first = &orgs.as_array().unwrap()[0];
    assert!(first["projects"].as_u64().unwrap() > 0);
    assert_eq!(
        app.get(first["url"].as_str().unwrap()).await.status,
        200,
        "its page"
    );
    assert!(
        !json(&app.get("/api/v1/funding-rounds").await)
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert!(
        !json(&app.get("/api/v1/timeline").await)
            .as_array()
            .unwrap()
            .is_empty()
    );

    let docs = app.get("/api/v1/docs").await;
    assert_eq!(docs.status, 200);
    assert!(
        docs.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(
        docs.body
            .contains("<code>GET /api/v1/projects/{project_number}</code>")
    );
    assert!(docs.body.contains("href=\"/api/v1/openapi.json\""));
    let doc = json(&app.get("/api/v1/openapi.json").await);
    assert_eq!(doc["openapi"], "3.1.0");
}

#[tokio::test]
async fn a_project_is_the_export_record() {
    let app = TestApp::spawn().await;
    let r = app.get("/api/v1/projects/535006006").await;
    let p = app
        .catalog
        .project(&ProjectNumber::parse("535006006").unwrap())
        .unwrap()
        .unwrap();
    let export = serde_json::to_value(ProjectRecord::from(&p)).unwrap();
    assert!(export["derived"]["target_groups"].is_array(), "labelled");
    assert_eq!(json(&r), export);
}

#[tokio::test]
async fn unknown_and_malformed_projects_are_problems() {
    let app = TestApp::spawn().await;
    let missing = app.get("/api/v1/projects/000000000").await;
    assert_problem(&missing, 404, "not_found", "unknown number");
    assert!(
        json(&missing)["detail"]
            .as_str()
            .unwrap()
            .contains("000000000")
    );
    assert_problem(
        &app.get("/api/v1/projects/000000000/similar").await,
        404,
        "not_found",
        "similar of an unknown number",
    );
    for bad in ["abc", "12", "5350060061234567890123", "535006006x"] {
        assert_problem(
            &app.get(&format!("/api/v1/projects/{bad}")).await,
            400,
            "invalid_project_number",
            bad,
        );
    }
    assert_problem(
        &app.get("/api/v1/bestaat-niet").await,
        404,
        "not_found",
        "unknown path",
    );
}

/// Follows `next_cursor` from `first` to the end; the project numbers in order.
async fn walk(app: &TestApp, first: &str) -> (u64, Vec<String>) {
    let mut target = first.to_owned();
    let mut numbers = Vec::new();
    let mut total = None;
    loop {
        let page = json(&app.get(&target).await);
        let t = page["total"].as_u64().unwrap();
        assert_eq!(*total.get_or_insert(t), t, "the total stays");
        numbers.extend(
            page["hits"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h["project_number"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => target = format!("{first}&cursor={c}"),
            None => return (t, numbers),
        }
        assert!(numbers.len() <= 1000, "no end");
    }
}

#[tokio::test]
async fn cursors_walk_every_result_once() {
    let app = TestApp::spawn().await;
    for first in [
        "/api/v1/projects?f=theme%3ARe-integratie&limit=3",
        "/api/v1/projects?q=werk&limit=7&sort=newest",
        "/api/v1/projects?limit=100",
        "/api/v1/projects?limit=1&f=target_group:statushouders",
    ] {
        let (total, numbers) = walk(&app, first).await;
        assert!(total > 0, "{first}");
        assert_eq!(numbers.len() as u64, total, "{first}");
        let unique: HashSet<&String> = numbers.iter().collect();
        assert_eq!(unique.len(), numbers.len(), "{first}: no duplicates");
    }
    let all = json(&app.get("/api/v1/projects?limit=100").await);
    assert_eq!(
        all["total"].as_u64().unwrap(),
        app.catalog.index().len(),
        "an empty query lists every project"
    );
}

#[tokio::test]
async fn forged_and_foreign_cursors_are_refused() {
    let app = TestApp::spawn().await;
    let first = json(&app.get("/api/v1/projects?q=werk&limit=2").await);
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();
    let ok = app
        .get(&format!("/api/v1/projects?q=werk&limit=5&cursor={cursor}"))
        .await;
    assert_eq!(ok.status, 200, "the page size may change while paging");
    let mut forged = cursor.clone();
    forged.replace_range(..8, "00000010");
    for (target, what) in [
        (
            format!("/api/v1/projects?q=werk&cursor={forged}"),
            "forged offset",
        ),
        (
            format!("/api/v1/projects?q=schulden&cursor={cursor}"),
            "another search",
        ),
        (
            "/api/v1/projects?q=werk&cursor=garbage".to_owned(),
            "garbled",
        ),
        ("/api/v1/projects?q=werk&cursor=".to_owned(), "empty"),
        (
            format!("/api/v1/projects?q=werk&cursor={}", &cursor[..39]),
            "cut short",
        ),
    ] {
        assert_problem(&app.get(&target).await, 400, "invalid_cursor", what);
    }
    // A change of the catalogue ends the cursors cut from the old one.
    app.import(
        r#"{"project_number":"999000002","title":"Werk in uitvoering","question":"Werkt het?","theme":"Re-integratie"}"#,
    );
    let stale = app
        .get(&format!("/api/v1/projects?q=werk&limit=2&cursor={cursor}"))
        .await;
    assert_problem(&stale, 400, "invalid_cursor", "stale");
    assert!(json(&stale)["detail"].as_str().unwrap().contains("changed"));
}

#[tokio::test]
async fn api_answers_carry_validators_and_cors() {
    let app = TestApp::spawn().await;
    let r = app.get("/api/v1/projects?q=schulden").await;
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    let etag = r.header("etag").unwrap().to_owned();
    let again = app
        .request(
            "GET",
            "/api/v1/projects?q=schulden",
            &format!("If-None-Match: {etag}\r\n"),
        )
        .await;
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    assert_eq!(again.header("access-control-allow-origin"), Some("*"));
    for target in ["/api/v1/themes", "/api/v1/projects/535006006"] {
        let r = app.get(target).await;
        let etag = r.header("etag").unwrap();
        let again = app
            .request("GET", target, &format!("If-None-Match: {etag}\r\n"))
            .await;
        assert_eq!(again.status, 304, "{target}");
    }

    let preflight = app
        .request(
            "OPTIONS",
            "/api/v1/projects?q=x",
            "Origin: https://example.org\r\nAccess-Control-Request-Method: GET\r\n\
             Access-Control-Request-Headers: if-none-match\r\n",
        )
        .await;
    assert_eq!(preflight.status, 204);
    assert_eq!(preflight.header("access-control-allow-origin"), Some("*"));
    assert!(
        preflight
            .header("access-control-allow-methods")
            .unwrap()
            .contains("GET")
    );
    assert!(
        preflight
            .header("access-control-allow-headers")
            .unwrap()
            .contains("If-None-Match")
    );
    let problem = app.get("/api/v1/projects/abc").await;
    assert_eq!(
        problem.header("access-control-allow-origin"),
        Some("*"),
        "clients read the problems too"
    );
    assert_eq!(
        app.get("/zoeken")
            .await
            .header("access-control-allow-origin"),
        None,
        "pages are not the API"
    );
}

#[tokio::test]
async fn the_rate_limit_answers_429_with_retry_after() {
    let dir = tempfile::tempdir().unwrap();
    let (catalog, _) = Catalog::open_bundled(dir.path()).unwrap();
    let config = watwerkt_web::WebConfig {
        api_requests_per_minute: 3,
    };
    let accounts = Arc::new(watwerkt_accounts::Accounts::open_in(dir.path()).unwrap());
    let app = watwerkt_web::router(Arc::new(catalog), accounts, config)
        .into_make_service_with_connect_info::<SocketAddr>();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let get = |target: &'static str| async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        let req = format!("GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        s.write_all(req.as_bytes()).await.unwrap();
        let mut buf = String::new();
        s.read_to_string(&mut buf).await.unwrap();
        buf
    };
    for _ in 0..3 {
        assert!(get("/api/v1/themes").await.starts_with("HTTP/1.1 200"));
    }
    let limited = get("/api/v1/themes").await;
    assert!(limited.starts_with("HTTP/1.1 429"), "{limited}");
    let lower = limited.to_lowercase();
    assert!(lower.contains("\r\nretry-after: 20\r\n"), "{limited}");
    assert!(lower.contains("application/problem+json"));
    assert!(limited.contains("https://watwerkt.nl/problems/rate_limited"));
    assert!(
        get("/programma").await.starts_with("HTTP/1.1 200"),
        "pages are not limited"
    );
}

#[tokio::test]
async fn bad_input_is_a_4xx_never_a_500() {
    let app = TestApp::spawn().await;
    let cases: &[(&str, u16, &str)] = &[
        ("/api/v1/projects?page=2", 400, "unknown_parameter"),
        ("/api/v1/projects?qq=schulden", 400, "unknown_parameter"),
        ("/api/v1/themes?x=1", 400, "unknown_parameter"),
        (
            "/api/v1/projects/535006006?full=ja",
            400,
            "unknown_parameter",
        ),
        ("/api/v1/evidence-map?thema=x", 400, "unknown_parameter"),
        ("/api/v1/suggest?q=a&limit=3", 400, "unknown_parameter"),
        ("/api/v1/projects?limit=0", 400, "invalid_parameter"),
        ("/api/v1/projects?limit=-1", 400, "invalid_parameter"),
        ("/api/v1/projects?limit=101", 400, "invalid_parameter"),
        (
            "/api/v1/projects?limit=99999999999999999999",
            400,
            "invalid_parameter",
        ),
        ("/api/v1/projects?limit=ten", 400, "invalid_parameter"),
        ("/api/v1/projects?limit=1.5", 400, "invalid_parameter"),
        ("/api/v1/projects?sort=oldest", 400, "invalid_parameter"),
        ("/api/v1/projects?sort=", 400, "invalid_parameter"),
        (
            "/api/v1/projects?concepten=misschien",
            400,
            "invalid_parameter",
        ),
        (
            "/api/v1/projects/535006006/similar?limit=0",
            400,
            "invalid_parameter",
        ),
        (
            "/api/v1/projects/535006006/similar?limit=x",
            400,
            "invalid_parameter",
        ),
        ("/api/v1/projects?f=nofacet:x", 400, "bad_request"),
        (
            "/api/v1/projects?f=target_group:bejaarden",
            400,
            "bad_request",
        ),
        ("/api/v1/projects?f=evidence_level:9", 400, "bad_request"),
        ("/api/v1/projects?q=%FF", 400, "bad_request"),
        ("/api/v1/projects?q=%zz", 400, "bad_request"),
        ("/api/v1/evidence-map?status=bijna", 400, "bad_request"),
        ("/api/v1/projects?cursor=%00", 400, "invalid_cursor"),
        ("/api/v1/projects/%FF", 400, "bad_request"),
        ("/api/v1/projects/-1", 400, "invalid_project_number"),
        ("/api/v1/projects/99999999999999999999", 404, "not_found"),
        ("/api/v1/projects/", 404, "not_found"),
        ("/api/v1/", 404, "not_found"),
    ];
    for (target, status, code) in cases {
        assert_problem(&app.get(target).await, *status, code, target);
    }
    let long = format!("/api/v1/projects?q={}", "a".repeat(40_000));
    assert_problem(&app.get(&long).await, 400, "bad_request", "oversized");
    let post = app
        .request("POST", "/api/v1/projects", "Content-Length: 0\r\n")
        .await;
    assert_problem(&post, 405, "method_not_allowed", "POST");
    assert!(post.header("allow").unwrap().contains("GET"));
    // Odd but valid: answered.
    for target in [
        "/api/v1/projects?q=%00",
        "/api/v1/projects?q=%F0%9F%98%80&f=year:abc",
        "/api/v1/projects?f=theme:",
        "/api/v1/suggest?q=%22",
        "/api/v1/suggest",
        "/api/v1/evidence-map?theme=&design=&status=",
    ] {
        assert_eq!(app.get(target).await.status, 200, "{target}");
    }
}
