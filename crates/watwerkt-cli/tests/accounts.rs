//! `watwerkt user …` and `watwerkt token …` on the real binary: accounts are made on the command
//! line, passwords only through standard input, and every change is in the audit log.

mod common;

use std::process::{Command, Output};

fn run(dir: &std::path::Path, args: &[&str], stdin: &str) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_watwerkt"));
    c.arg("--data-dir").arg(dir).args(args);
    common::run_with_stdin(&mut c, stdin)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn users_and_tokens_are_managed_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let add = |email: &str, role: &str, password: &str| {
        run(
            d,
            &["user", "add", email, "--role", role, "--password-stdin"],
            password,
        )
    };
    let ok = add(
        "Redacteur@ZonMw.nl",
        "editor",
        "een lang genoeg wachtwoord\n",
    );
    assert!(ok.status.success(), "{}", text(&ok.stderr));

    // Refusals say what was wrong and write nothing.
    let short = add("kort@zonmw.nl", "editor", "kort\n");
    assert_eq!(short.status.code(), Some(1));
    assert!(text(&short.stderr).contains("expected 12 to 128"));
    let role = add("x@zonmw.nl", "admin", "een lang genoeg wachtwoord\n");
    assert_eq!(role.status.code(), Some(2));
    assert!(text(&role.stderr).contains("expected officer, editor, reviewer or applicant"));
    let twice = add(
        "redacteur@zonmw.nl",
        "officer",
        "een lang genoeg wachtwoord\n",
    );
    assert!(text(&twice.stderr).contains("already an account"));
    let no_stdin = run(d, &["user", "add", "y@zonmw.nl", "--role", "editor"], "");
    assert_eq!(no_stdin.status.code(), Some(2));

    let list = run(d, &["--json", "user", "list"], "");
    let users: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(users.as_array().unwrap().len(), 1);
    assert_eq!(users[0]["email"], "redacteur@zonmw.nl");
    assert_eq!(users[0]["role"], "editor");

    let token = run(d, &["token", "create", "redacteur@zonmw.nl"], "");
    let token = text(&token.stdout).trim().to_owned();
    assert!(token.starts_with("wwt_") && token.len() > 40);
    let accounts = std::fs::read(d.join("accounts.sqlite")).unwrap();
    assert!(
        !accounts.windows(token.len()).any(|w| w == token.as_bytes()),
        "only the token's hash is stored"
    );
    let revoked = run(d, &["token", "revoke", "-"], &format!("{token}\n"));
    assert!(revoked.status.success(), "{}", text(&revoked.stderr));
    let again = run(d, &["token", "revoke", &token], "");
    assert_eq!(again.status.code(), Some(1));

    let reset = run(d, &["user", "reset", "redacteur@zonmw.nl"], "");
    assert!(text(&reset.stdout).starts_with("/beheer/herstel/"));
    let disabled = run(d, &["user", "disable", "redacteur@zonmw.nl"], "");
    assert!(disabled.status.success());
    let list = text(&run(d, &["user", "list"], "").stdout);
    assert!(
        list.contains("redacteur@zonmw.nl\teditor\tdisabled"),
        "{list}"
    );

    let log = watwerkt_accounts::Accounts::open_in(d)
        .unwrap()
        .audit(None, 100)
        .unwrap();
    let actions: Vec<&str> = log.iter().rev().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "user.add",
            "token.create",
            "token.revoke",
            "user.reset",
            "user.disable"
        ]
    );
    assert!(
        log.iter()
            .all(|e| e.source == "cli" && e.actor.starts_with("cli:"))
    );
}
