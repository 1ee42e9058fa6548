//! The back office over real HTTP: signing in (CSRF, session fixation, second factor,
//! throttling), who may do what, editing a project through the form and the API, revisions,
//! and the audit log.

mod common;

use common::{Reply, TestApp};
use watwerkt_accounts::secret::totp_code;
use watwerkt_accounts::unix_now;
use watwerkt_domain::{Email, Role};

const PASSWORD: &str = "een lang genoeg wachtwoord";
const FORM: (&str, &str) = ("Content-Type", "application/x-www-form-urlencoded");

fn cookie(r: &Reply) -> Option<String> {
    r.head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        let v = v.trim();
        (k.eq_ignore_ascii_case("set-cookie")
            && v.starts_with("watwerkt_sessie=")
            && !v.contains("Max-Age=0"))
        .then(|| v.split(';').next().unwrap().to_owned())
    })
}

/// The value of a hidden or text input in a page.
fn input(body: &str, name: &str) -> Option<String> {
    let at = body.find(&format!("name=\"{name}\" value=\""))?;
    let rest = &body[at + name.len() + 15..];
    Some(rest[..rest.find('"')?].to_owned())
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn add(app: &TestApp, email: &str, role: Role) {
    app.accounts
        .add_user(&Email::parse(email).unwrap(), role, PASSWORD, unix_now())
        .unwrap();
}

/// Signs in through the forms (enrolling a second factor for staff); the session cookie.
async fn sign_in(app: &TestApp, email: &str) -> String {
    let page = app.get("/beheer/inloggen").await;
    assert_eq!(page.status, 200);
    let pre = cookie(&page).expect("a pre-login session");
    let csrf = input(&page.body, "csrf").unwrap();
    let r = app
        .send(
            "POST",
            "/beheer/inloggen",
            &[FORM, ("Cookie", &pre)],
            &form(&[("email", email), ("wachtwoord", PASSWORD), ("csrf", &csrf)]),
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let session = cookie(&r).expect("a new session at login");
    assert_ne!(session, pre, "login starts a new session");
    if r.header("location") == Some("/beheer/tweede-stap") {
        let page = app
            .send("GET", "/beheer/tweede-stap", &[("Cookie", &session)], "")
            .await;
        let seed = input(&page.body, "geheim").expect("enrolment shows a new key");
        let csrf = input(&page.body, "csrf").unwrap();
        let code = totp_code(&seed, unix_now()).unwrap();
        let r = app
            .send(
                "POST",
                "/beheer/tweede-stap",
                &[FORM, ("Cookie", &session)],
                &form(&[("code", &code), ("geheim", &seed), ("csrf", &csrf)]),
            )
            .await;
        assert_eq!(
            (r.status, r.header("location")),
            (303, Some("/beheer")),
            "{}",
            r.body
        );
    }
    session
}

#[tokio::test]
async fn the_back_office_needs_a_login_and_staff_a_second_factor() {
    let app = TestApp::spawn().await;
    let r = app.get("/beheer").await;
    assert_eq!(
        (r.status, r.header("location")),
        (303, Some("/beheer/inloggen"))
    );
    assert_eq!(r.header("cache-control"), Some("no-store"));

    add(&app, "redacteur@zonmw.nl", Role::Editor);
    let page = app.get("/beheer/inloggen").await;
    let pre = cookie(&page).unwrap();
    assert!(page.head.contains("HttpOnly") && page.head.contains("SameSite=Strict"));
    let csrf = input(&page.body, "csrf").unwrap();

    // Without the form's CSRF token the login is refused before the password is looked at.
    let r = app
        .send(
            "POST",
            "/beheer/inloggen",
            &[FORM, ("Cookie", &pre)],
            &form(&[
                ("email", "redacteur@zonmw.nl"),
                ("wachtwoord", PASSWORD),
                ("csrf", "vals"),
            ]),
        )
        .await;
    assert_eq!(r.status, 403);

    let r = app
        .send(
            "POST",
            "/beheer/inloggen",
            &[FORM, ("Cookie", &pre)],
            &form(&[
                ("email", "redacteur@zonmw.nl"),
                ("wachtwoord", PASSWORD),
                ("csrf", &csrf),
            ]),
        )
        .await;
    assert_eq!(r.header("location"), Some("/beheer/tweede-stap"));
    let half = cookie(&r).unwrap();
    // Session fixation: the id from before login is worth nothing now.
    let old = app.send("GET", "/beheer", &[("Cookie", &pre)], "").await;
    assert_eq!(old.header("location"), Some("/beheer/inloggen"));
    // Password alone is not enough for an editor.
    let r = app.send("GET", "/beheer", &[("Cookie", &half)], "").await;
    assert_eq!(r.header("location"), Some("/beheer/tweede-stap"));
    let page = app
        .send("GET", "/beheer/tweede-stap", &[("Cookie", &half)], "")
        .await;
    let seed = input(&page.body, "geheim").unwrap();
    let csrf = input(&page.body, "csrf").unwrap();
    let r = app
        .send(
            "POST",
            "/beheer/tweede-stap",
            &[FORM, ("Cookie", &half)],
            &form(&[("code", "000000"), ("geheim", &seed), ("csrf", &csrf)]),
        )
        .await;
    let code = totp_code(&seed, unix_now()).unwrap();
    if code != "000000" {
        assert_eq!(r.status, 401);
    }
    let r = app
        .send(
            "POST",
            "/beheer/tweede-stap",
            &[FORM, ("Cookie", &half)],
            &form(&[("code", &code), ("geheim", &seed), ("csrf", &csrf)]),
        )
        .await;
    assert_eq!(r.header("location"), Some("/beheer"));
    let r = app.send("GET", "/beheer", &[("Cookie", &half)], "").await;
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains("redacteur@zonmw.nl") && r.body.contains("/beheer/projecten/535006006")
    );

    // Signing out needs the token too, and ends the session.
    let r = app
        .send(
            "POST",
            "/beheer/uitloggen",
            &[FORM, ("Cookie", &half)],
            "csrf=vals",
        )
        .await;
    assert_eq!(r.status, 403);
    let r = app
        .send(
            "POST",
            "/beheer/uitloggen",
            &[FORM, ("Cookie", &half)],
            &form(&[("csrf", &csrf)]),
        )
        .await;
    assert_eq!(r.status, 303);
    let r = app.send("GET", "/beheer", &[("Cookie", &half)], "").await;
    assert_eq!(r.header("location"), Some("/beheer/inloggen"));
}

#[tokio::test]
async fn failed_logins_are_throttled() {
    let app = TestApp::spawn().await;
    add(&app, "a@gemeente.nl", Role::Applicant);
    let page = app.get("/beheer/inloggen").await;
    let pre = cookie(&page).unwrap();
    let csrf = input(&page.body, "csrf").unwrap();
    let attempt = |password: &'static str| {
        let (pre, csrf) = (pre.clone(), csrf.clone());
        let app = &app;
        async move {
            app.send(
                "POST",
                "/beheer/inloggen",
                &[FORM, ("Cookie", &pre)],
                &form(&[
                    ("email", "a@gemeente.nl"),
                    ("wachtwoord", password),
                    ("csrf", &csrf),
                ]),
            )
            .await
        }
    };
    for _ in 0..5 {
        assert_eq!(attempt("fout fout fout fout").await.status, 401);
    }
    let r = attempt(PASSWORD).await;
    assert_eq!(r.status, 429, "even the right password waits");
    assert!(r.header("retry-after").is_some());
    assert!(r.body.contains("Te veel mislukte pogingen"));
}

#[tokio::test]
async fn an_editor_edits_a_project_and_the_public_site_shows_it_at_once() {
    let app = TestApp::spawn().await;
    add(&app, "redacteur@zonmw.nl", Role::Editor);
    let s = sign_in(&app, "redacteur@zonmw.nl").await;
    let page = app
        .send("GET", "/beheer/projecten/535006006", &[("Cookie", &s)], "")
        .await;
    assert_eq!(page.status, 200);
    assert_eq!(input(&page.body, "revisie").as_deref(), Some("1"));
    let csrf = input(&page.body, "csrf").unwrap();
    let theme = input(&page.body, "title").unwrap();
    assert!(!theme.is_empty());

    let save = |title: &'static str, revision: &'static str, csrf: String| {
        let app = &app;
        let s = s.clone();
        async move {
            app.send(
                "POST",
                "/beheer/projecten/535006006",
                &[FORM, ("Cookie", &s)],
                &form(&[
                    ("csrf", &csrf),
                    ("revisie", revision),
                    ("title", title),
                    ("status", "Lopend"),
                ]),
            )
            .await
        }
    };
    let r = save("Zeppelinvaart naar werk", "1", csrf.clone()).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        r.header("location"),
        Some("/beheer/projecten/535006006?opgeslagen=2")
    );
    let public = app.project("535006006").await;
    assert!(public.body.contains("Zeppelinvaart naar werk"));
    let found = app.search("q=zeppelinvaart").await;
    assert!(found.body.contains("/project/535006006"));

    // A save from the old revision is refused and writes nothing.
    let r = save("Iets heel anders", "1", csrf.clone()).await;
    assert_eq!(r.status, 409);
    assert!(r.body.contains("intussen door een ander gewijzigd"));
    assert!(
        app.project("535006006")
            .await
            .body
            .contains("Zeppelinvaart naar werk")
    );
    // A bad value is named at its field.
    let r = app
        .send(
            "POST",
            "/beheer/projecten/535006006",
            &[FORM, ("Cookie", &s)],
            &form(&[("csrf", &csrf), ("revisie", "2"), ("start", "ooit")]),
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("veld-start-fout"), "{}", r.body);
    // A forged CSRF token writes nothing.
    let r = save("Vervalst", "2", "vals".into()).await;
    assert_eq!(r.status, 403);

    // The revisions name the editor; restoring the first is a new revision.
    let page = app
        .send(
            "GET",
            "/beheer/projecten/535006006/revisies",
            &[("Cookie", &s)],
            "",
        )
        .await;
    assert!(page.body.contains("redacteur@zonmw.nl") && page.body.contains("title"));
    let r = app
        .send(
            "POST",
            "/beheer/projecten/535006006/revisies/1/terugzetten",
            &[FORM, ("Cookie", &s)],
            &form(&[("csrf", &csrf), ("revisie", "2")]),
        )
        .await;
    assert_eq!(
        r.header("location"),
        Some("/beheer/projecten/535006006?opgeslagen=3")
    );
    assert!(
        !app.project("535006006")
            .await
            .body
            .contains("Zeppelinvaart")
    );
}

#[tokio::test]
async fn each_role_sees_only_what_it_may() {
    let app = TestApp::spawn().await;
    add(&app, "beoordelaar@uni.nl", Role::Reviewer);
    add(&app, "redacteur@zonmw.nl", Role::Editor);
    add(&app, "officer@zonmw.nl", Role::Officer);
    let reviewer = sign_in(&app, "beoordelaar@uni.nl").await;
    let editor = sign_in(&app, "redacteur@zonmw.nl").await;
    let officer = sign_in(&app, "officer@zonmw.nl").await;
    for path in [
        "/beheer/projecten/535006006",
        "/beheer/projecten/535006006/revisies",
        "/beheer/audit",
    ] {
        let r = app.send("GET", path, &[("Cookie", &reviewer)], "").await;
        assert_eq!(r.status, 404, "{path} for a reviewer");
    }
    // A reviewer's POST to the editor is refused the same way, whatever its token.
    let r = app
        .send(
            "POST",
            "/beheer/projecten/535006006",
            &[FORM, ("Cookie", &reviewer)],
            "title=x&revisie=1&csrf=x",
        )
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(
        app.send("GET", "/beheer/audit", &[("Cookie", &editor)], "")
            .await
            .status,
        404
    );
    let log = app
        .send("GET", "/beheer/audit", &[("Cookie", &officer)], "")
        .await;
    assert_eq!(log.status, 200);
    assert!(log.body.contains("login") && log.body.contains("redacteur@zonmw.nl"));
    let csv = app
        .send("GET", "/beheer/audit.csv", &[("Cookie", &officer)], "")
        .await;
    assert!(csv.body.starts_with("at,actor,action,target,detail,source"));
    // Hostile text is escaped in the editor too.
    let page = app
        .send(
            "GET",
            "/beheer/projecten/999000001",
            &[("Cookie", &editor)],
            "",
        )
        .await;
    assert!(page.body.contains("alert(1)") && !page.body.contains("<script>alert"));
}

#[tokio::test]
async fn the_api_edits_with_a_bearer_token_and_an_if_match_revision() {
    let app = TestApp::spawn().await;
    add(&app, "redacteur@zonmw.nl", Role::Editor);
    add(&app, "beoordelaar@uni.nl", Role::Reviewer);
    let editor = app
        .accounts
        .create_token(&Email::parse("redacteur@zonmw.nl").unwrap(), unix_now())
        .unwrap();
    let reviewer = app
        .accounts
        .create_token(&Email::parse("beoordelaar@uni.nl").unwrap(), unix_now())
        .unwrap();
    let json = ("Content-Type", "application/merge-patch+json");
    let path = "/api/v1/projects/535006006";
    let body = r#"{"title": "Zeppelinvaart via de API"}"#;

    let r = app.send("PATCH", path, &[json], body).await;
    assert_eq!(r.status, 401);
    assert!(
        r.header("www-authenticate")
            .is_some_and(|v| v.starts_with("Bearer"))
    );
    assert!(r.body.contains("/problems/unauthorized"));
    let bad = format!("Bearer {editor}x");
    assert_eq!(
        app.send("PATCH", path, &[json, ("Authorization", &bad)], body)
            .await
            .status,
        401
    );
    let rev = format!("Bearer {reviewer}");
    let r = app
        .send("PATCH", path, &[json, ("Authorization", &rev)], body)
        .await;
    assert_eq!(r.status, 403);

    let auth = format!("Bearer {editor}");
    let r = app
        .send(
            "PATCH",
            path,
            &[("Content-Type", "text/plain"), ("Authorization", &auth)],
            body,
        )
        .await;
    assert_eq!(r.status, 415);
    let r = app
        .send(
            "PATCH",
            path,
            &[json, ("Authorization", &auth)],
            "{not json",
        )
        .await;
    assert_eq!(r.status, 400);
    let r = app
        .send(
            "PATCH",
            path,
            &[json, ("Authorization", &auth)],
            r#"{"status": "Misschien"}"#,
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains(r#""field":"status""#), "{}", r.body);

    let r = app
        .send(
            "PATCH",
            path,
            &[json, ("Authorization", &auth), ("If-Match", "\"1\"")],
            body,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("etag"), Some("\"2\""));
    assert!(r.body.contains("Zeppelinvaart via de API"));
    let found = app.api_projects("q=zeppelinvaart").await;
    assert!(found.body.contains("535006006"));

    let r = app
        .send(
            "PATCH",
            path,
            &[json, ("Authorization", &auth), ("If-Match", "\"1\"")],
            r#"{"title":"x"}"#,
        )
        .await;
    assert_eq!(r.status, 409);
    assert!(
        r.body.contains(r#""current_revision":2"#) && r.body.contains("Zeppelinvaart via de API")
    );

    let revisions = format!("{path}/revisions");
    assert_eq!(app.get(&revisions).await.status, 401);
    let r = app
        .send("GET", &revisions, &[("Authorization", &auth)], "")
        .await;
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains(r#""author":"redacteur@zonmw.nl""#),
        "{}",
        r.body
    );
    assert_eq!(r.header("etag"), Some("\"2\""));
    assert_eq!(
        app.send(
            "GET",
            "/api/v1/projects/123456789/revisions",
            &[("Authorization", &auth)],
            ""
        )
        .await
        .status,
        404
    );
}

#[tokio::test]
async fn a_new_project_stays_a_draft_until_published() {
    let app = TestApp::spawn().await;
    add(&app, "redacteur@zonmw.nl", Role::Editor);
    add(&app, "beoordelaar@uni.nl", Role::Reviewer);
    let s = sign_in(&app, "redacteur@zonmw.nl").await;
    let reviewer = sign_in(&app, "beoordelaar@uni.nl").await;
    assert_eq!(
        app.send(
            "GET",
            "/beheer/projecten/nieuw",
            &[("Cookie", &reviewer)],
            ""
        )
        .await
        .status,
        404
    );

    let page = app
        .send("GET", "/beheer/projecten/nieuw", &[("Cookie", &s)], "")
        .await;
    assert_eq!(page.status, 200);
    let csrf = input(&page.body, "csrf").unwrap();
    let post = |target: &'static str, pairs: Vec<(&'static str, &'static str)>| {
        let (app, s, csrf) = (&app, s.clone(), csrf.clone());
        async move {
            let mut pairs = pairs;
            pairs.push(("csrf", &csrf));
            let body = form(&pairs);
            app.send("POST", target, &[FORM, ("Cookie", &s)], &body)
                .await
        }
    };
    // A number that is taken, and a bad one, are named at the number field.
    let taken = post(
        "/beheer/projecten/nieuw",
        vec![
            ("project_number", "535006006"),
            ("title", "x"),
            ("theme", "Re-integratie"),
            ("actie", "opslaan"),
        ],
    )
    .await;
    assert_eq!(taken.status, 422);
    assert!(taken.body.contains("bestaat al"));
    let bad = post(
        "/beheer/projecten/nieuw",
        vec![
            ("project_number", "12"),
            ("title", "x"),
            ("theme", "Re-integratie"),
            ("actie", "opslaan"),
        ],
    )
    .await;
    assert!(bad.body.contains("veld-project_number-fout"));

    let saved = post(
        "/beheer/projecten/nieuw",
        vec![
            ("project_number", "777000001"),
            ("title", "Luchtschipbouw als leerwerkplek"),
            ("theme", "Re-integratie"),
            ("status", "Lopend"),
            ("actie", "opslaan"),
        ],
    )
    .await;
    assert_eq!(
        saved.header("location"),
        Some("/beheer/concepten/777000001?opgeslagen=1"),
        "{}",
        saved.body
    );
    assert_eq!(
        app.project("777000001").await.status,
        404,
        "a draft is not public"
    );
    assert!(
        !app.search("q=luchtschipbouw")
            .await
            .body
            .contains("/project/777000001")
    );
    let dashboard = app.send("GET", "/beheer", &[("Cookie", &s)], "").await;
    assert!(dashboard.body.contains("/beheer/concepten/777000001"));

    // Publishing checks the catalogue's rules, then puts it on the site and in search.
    let finished = post(
        "/beheer/concepten/777000001",
        vec![
            ("title", "Luchtschipbouw als leerwerkplek"),
            ("theme", "Re-integratie"),
            ("status", "Afgerond"),
            ("actie", "publiceren"),
        ],
    )
    .await;
    assert_eq!(finished.status, 422);
    assert!(finished.body.contains("veld-outcome-fout"));
    let published = post(
        "/beheer/concepten/777000001",
        vec![
            ("title", "Luchtschipbouw als leerwerkplek"),
            ("theme", "Re-integratie"),
            ("status", "Lopend"),
            ("actie", "publiceren"),
        ],
    )
    .await;
    assert_eq!(
        published.header("location"),
        Some("/beheer/projecten/777000001?opgeslagen=1"),
        "{}",
        published.body
    );
    assert_eq!(app.project("777000001").await.status, 200);
    assert!(
        app.search("q=luchtschipbouw")
            .await
            .body
            .contains("/project/777000001")
    );
    assert_eq!(
        app.send("GET", "/beheer/concepten/777000001", &[("Cookie", &s)], "")
            .await
            .status,
        404,
        "the draft is gone"
    );
}
