//! Hostile requests, each refused or made harmless with a specific status and never a 500:
//! security headers on every page type, path traversal, broken encodings, huge numbers, JSON
//! bombs and oversized bodies to the write API, and markup in the back office's forms.

mod common;

use common::TestApp;
use watwerkt_accounts::unix_now;
use watwerkt_domain::{Email, Role};

#[tokio::test]
async fn every_page_type_has_the_security_headers() {
    let app = TestApp::spawn().await;
    for path in [
        "/",
        "/zoeken?q=schulden",
        "/project/535006006",
        "/en/project/535006006",
        "/wat-werkt",
        "/bestaat-niet",
        "/zoeken?page=0",
        "/beheer/inloggen",
        "/beheer",
        "/api/v1/projects?q=werk",
        "/api/v1/projects/1",
        "/export/projecten.csv",
        "/feeds/projecten.atom",
        "/oai?verb=Identify",
        "/sitemap.xml",
    ] {
        let r = app.get(path).await;
        assert!(r.status < 500, "{path}: {}", r.status);
        let csp = r
            .header("content-security-policy")
            .unwrap_or_else(|| panic!("{path}: no CSP"));
        assert!(
            csp.contains("default-src 'none'") && !csp.contains("unsafe"),
            "{path}: {csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"), "{path}");
        assert_eq!(
            r.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(r.header("x-frame-options"), Some("DENY"), "{path}");
        assert!(r.header("referrer-policy").is_some(), "{path}");
    }
}

#[tokio::test]
async fn malformed_addresses_are_4xx() {
    let app = TestApp::spawn().await;
    // (address, status): not found, or refused as malformed; the back office sends a visitor
    // without a session to its login first, whatever the address; OAI-PMH answers its errors
    // in a 200 document, as the protocol says.
    for (target, status) in [
        ("/static/../../etc/passwd", 404),
        ("/static/%2e%2e/%2e%2e/etc/passwd", 404),
        ("/static/..%2f..%2fCargo.toml", 404),
        ("/project/%C0%AE%C0%AE", 400),
        ("/project/%FF%FE", 400),
        ("/zoeken?q=%FF%FE", 400),
        ("/zoeken?q=%C0%AE", 400),
        ("/zoeken?q=schulden&page=99999999999999999999", 400),
        ("/zoeken?q=schulden&page=4294967296", 400),
        ("/api/v1/projects?limit=99999999999999999999", 400),
        ("/api/v1/projects?limit=-1", 400),
        ("/export/..%2f..%2fCargo.toml", 404),
        ("/beheer/projecten/..%2f..%2fetc", 303),
        ("/beheer/herstel/%FF", 400),
        (
            "/oai?verb=GetRecord&identifier=%00&metadataPrefix=oai_dc",
            200,
        ),
    ] {
        let r = app.get(target).await;
        assert_eq!(r.status, status, "{target}");
        assert!(
            !r.body.contains("[package]") && !r.body.contains("root:x:"),
            "{target} leaked a file"
        );
        if target.starts_with("/oai") {
            assert!(
                r.body.contains("<error code=\"idDoesNotExist\"")
                    || r.body.contains("<error code=\"badArgument\""),
                "{}",
                r.body
            );
        }
    }
}

#[tokio::test]
async fn the_write_api_refuses_bombs_and_oversized_bodies() {
    let app = TestApp::spawn().await;
    app.accounts
        .add_user(
            &Email::parse("e@zonmw.nl").unwrap(),
            Role::Editor,
            "een lang genoeg wachtwoord",
            unix_now(),
        )
        .unwrap();
    let token = app
        .accounts
        .create_token(&Email::parse("e@zonmw.nl").unwrap(), unix_now())
        .unwrap();
    let auth = format!("Bearer {token}");
    let headers = [
        ("Content-Type", "application/merge-patch+json"),
        ("Authorization", auth.as_str()),
    ];
    let path = "/api/v1/projects/535006006";

    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let r = app.send("PATCH", path, &headers, &deep).await;
    assert_eq!(r.status, 400, "deeply nested JSON");
    let nested_patch = format!(
        "{{\"title\": {}1{}}}",
        "{\"a\":".repeat(200),
        "}".repeat(200)
    );
    let r = app.send("PATCH", path, &headers, &nested_patch).await;
    assert!(r.status == 400 || r.status == 422, "{}", r.status);
    let big = format!("{{\"question\": \"{}\"}}", "x".repeat(3 * 1024 * 1024));
    let r = app.send("PATCH", path, &headers, &big).await;
    assert_eq!(r.status, 413, "over the body limit");
    let many = format!(
        "{{\"municipalities\": [{}\"Zwolle\"]}}",
        "\"Zwolle\",".repeat(100_000)
    );
    let r = app.send("PATCH", path, &headers, &many).await;
    assert!(r.status < 500, "{}", r.status);
    let r = app
        .send("PATCH", path, &headers, "{\"title\": \"\\ud800\"}")
        .await;
    assert!(
        r.status == 400 || r.status == 422,
        "a lone surrogate: {}",
        r.status
    );
    // None of it changed the project.
    let record = app.get(path).await;
    assert!(!record.body.contains("xxxxxxxx"));
}

#[tokio::test]
async fn markup_in_back_office_forms_comes_back_escaped() {
    let app = TestApp::spawn().await;
    let page = app.get("/beheer/inloggen").await;
    let cookie = page
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let csrf = page
        .body
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let body = format!("email=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E&wachtwoord=x&csrf={csrf}");
    let r = app
        .send(
            "POST",
            "/beheer/inloggen",
            &[
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Cookie", &cookie),
            ],
            &body,
        )
        .await;
    assert_eq!(r.status, 401);
    assert!(
        !r.body.contains("<script>alert"),
        "the address typed is escaped"
    );
    assert!(r.body.contains("alert(1)"));
    // A form post of the wrong type is refused, not a 500.
    let r = app
        .send(
            "POST",
            "/beheer/inloggen",
            &[("Content-Type", "application/json"), ("Cookie", &cookie)],
            "{}",
        )
        .await;
    assert!((400..500).contains(&r.status), "{}", r.status);
}
