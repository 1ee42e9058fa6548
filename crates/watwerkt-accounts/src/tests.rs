//! The account rules, on a real SQLite file.

use super::*;

const NOW: i64 = 1_800_000_000;
const PASSWORD: &str = "lange zin als wachtwoord";

fn accounts() -> (tempfile::TempDir, Accounts) {
    let dir = tempfile::tempdir().unwrap();
    let a = Accounts::open(&dir.path().join("accounts.sqlite")).unwrap();
    (dir, a)
}

fn email(s: &str) -> Email {
    Email::parse(s).unwrap()
}

#[test]
fn a_user_logs_in_with_the_right_password_only() {
    let (_d, a) = accounts();
    let u = a
        .add_user(&email("r@zonmw.nl"), Role::Editor, PASSWORD, NOW)
        .unwrap();
    assert_eq!(
        a.login("R@zonmw.nl", PASSWORD, "ip", NOW).unwrap(),
        Login::Ok(u)
    );
    assert_eq!(
        a.login("r@zonmw.nl", "verkeerd wachtwoord", "ip", NOW)
            .unwrap(),
        Login::Refused
    );
    assert_eq!(
        a.login("x@zonmw.nl", PASSWORD, "ip", NOW).unwrap(),
        Login::Refused
    );
    assert!(matches!(
        a.add_user(&email("r@zonmw.nl"), Role::Officer, PASSWORD, NOW),
        Err(AccountError::Exists(_))
    ));
    assert!(matches!(
        a.add_user(&email("s@zonmw.nl"), Role::Officer, "kort", NOW),
        Err(AccountError::PasswordPolicy { found: 4, .. })
    ));
}

#[test]
fn failed_logins_are_throttled_per_account_then_released() {
    let (_d, a) = accounts();
    a.add_user(&email("r@zonmw.nl"), Role::Applicant, PASSWORD, NOW)
        .unwrap();
    for i in 0..MAX_FAILURES_PER_ACCOUNT {
        let l = a.login("r@zonmw.nl", "fout fout fout", "ip", NOW + i64::from(i));
        assert_eq!(l.unwrap(), Login::Refused);
    }
    // Even the right password is not checked while throttled.
    let err = a.login("r@zonmw.nl", PASSWORD, "ip", NOW + 10).unwrap_err();
    assert!(matches!(err, AccountError::Throttled { retry_after_secs } if retry_after_secs > 800));
    let later = NOW + THROTTLE_WINDOW_SECS + 5;
    assert!(matches!(
        a.login("r@zonmw.nl", PASSWORD, "ip", later).unwrap(),
        Login::Ok(_)
    ));
}

#[test]
fn a_disabled_account_cannot_log_in_and_loses_its_sessions() {
    let (_d, a) = accounts();
    let u = a
        .add_user(&email("a@gemeente.nl"), Role::Applicant, PASSWORD, NOW)
        .unwrap();
    let (sid, s) = a.start_session(Some(&u), NOW).unwrap();
    assert!(s.signed_in().is_some(), "applicants need no second factor");
    a.set_disabled(&u.email, true).unwrap();
    assert_eq!(a.session(&sid, NOW + 1).unwrap(), None);
    assert_eq!(
        a.login("a@gemeente.nl", PASSWORD, "ip", NOW).unwrap(),
        Login::Refused
    );
}

#[test]
fn sessions_expire_when_idle_and_at_their_maximum_age() {
    let (_d, a) = accounts();
    let (sid, _) = a.start_session(None, NOW).unwrap();
    assert!(
        a.session(&sid, NOW + SESSION_IDLE_SECS - 1)
            .unwrap()
            .is_some()
    );
    assert!(
        a.session(&sid, NOW + 2 * SESSION_IDLE_SECS)
            .unwrap()
            .is_none()
    );
    let (sid, _) = a.start_session(None, NOW).unwrap();
    let mut t = NOW;
    while t < NOW + SESSION_MAX_SECS {
        t += SESSION_IDLE_SECS - 60;
        if t <= NOW + SESSION_MAX_SECS {
            assert!(a.session(&sid, t).unwrap().is_some());
        }
    }
    assert!(a.session(&sid, t + 1).unwrap().is_none());
    assert!(a.session("made-up", NOW).unwrap().is_none());
}

#[test]
fn staff_need_a_totp_code_and_each_code_is_good_once() {
    let (_d, a) = accounts();
    let u = a
        .add_user(&email("o@zonmw.nl"), Role::Officer, PASSWORD, NOW)
        .unwrap();
    let (sid, s) = a.start_session(Some(&u), NOW).unwrap();
    assert!(s.signed_in().is_none());
    let seed = secret::new_totp_secret();
    let code = secret::totp_code(&seed, NOW).unwrap();
    assert!(!a.second_factor(&sid, "000000", Some(&seed), NOW).unwrap() || code == "000000");
    assert!(a.second_factor(&sid, &code, Some(&seed), NOW).unwrap());
    assert!(a.session(&sid, NOW).unwrap().unwrap().signed_in().is_some());
    // A new session: the same code again is refused (replay); the next one is taken.
    let (sid2, _) = a.start_session(Some(&u), NOW).unwrap();
    assert!(!a.second_factor(&sid2, &code, None, NOW).unwrap());
    let next = secret::totp_code(&seed, NOW + 30).unwrap();
    assert!(a.second_factor(&sid2, &next, None, NOW + 30).unwrap());
}

#[test]
fn api_tokens_are_hashed_and_revocable() {
    let (_d, a) = accounts();
    let u = a
        .add_user(&email("e@zonmw.nl"), Role::Editor, PASSWORD, NOW)
        .unwrap();
    let t = a.create_token(&u.email, NOW).unwrap();
    assert_eq!(a.token_user(&t).unwrap(), Some(u.clone()));
    let stored: i64 = a
        .conn()
        .query_row(
            "SELECT count(*) FROM api_tokens WHERE hash = ?1",
            [&t],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored, 0, "the token itself is never stored");
    a.revoke_token(&t, NOW).unwrap();
    assert_eq!(a.token_user(&t).unwrap(), None);
    assert!(matches!(
        a.revoke_token(&t, NOW),
        Err(AccountError::NoSuchToken)
    ));
}

#[test]
fn a_reset_token_sets_a_password_once() {
    let (_d, a) = accounts();
    let u = a
        .add_user(&email("e@zonmw.nl"), Role::Editor, PASSWORD, NOW)
        .unwrap();
    let t = a.create_reset(&u.email, NOW).unwrap();
    a.reset_password(&t, "een heel nieuw wachtwoord", NOW + 1)
        .unwrap();
    assert!(matches!(
        a.login("e@zonmw.nl", "een heel nieuw wachtwoord", "ip", NOW + 2)
            .unwrap(),
        Login::Ok(_)
    ));
    assert!(matches!(
        a.reset_password(&t, "nog een ander wachtwoord", NOW + 3),
        Err(AccountError::BadResetToken)
    ));
    let late = a.create_reset(&u.email, NOW).unwrap();
    assert!(matches!(
        a.reset_password(
            &late,
            "nog een ander wachtwoord",
            NOW + RESET_VALID_SECS + 1
        ),
        Err(AccountError::BadResetToken)
    ));
}

#[test]
fn the_audit_log_is_append_only() {
    let (_d, a) = accounts();
    let entry = AuditEntry {
        at: NOW,
        actor: "cli".into(),
        action: "user.add".into(),
        target: "user:e@zonmw.nl".into(),
        detail: "role editor".into(),
        source: "cli".into(),
    };
    a.record(&entry).unwrap();
    assert_eq!(a.audit(None, 10).unwrap(), vec![entry.clone()]);
    assert_eq!(a.audit(Some("user:e@zonmw.nl"), 10).unwrap().len(), 1);
    assert!(a.audit(Some("project:1"), 10).unwrap().is_empty());
    assert!(a.conn().execute("DELETE FROM audit", []).is_err());
    assert!(
        a.conn()
            .execute("UPDATE audit SET actor = 'x'", [])
            .is_err()
    );
}

#[test]
fn drafts_are_saved_replaced_listed_and_removed() {
    let (_d, a) = accounts();
    let draft = |record: &str, updated| Draft {
        number: "123456789".into(),
        record: record.into(),
        author: "e@zonmw.nl".into(),
        updated,
    };
    a.save_draft(&draft("{}", NOW)).unwrap();
    a.save_draft(&draft("{\"title\":\"x\"}", NOW + 1)).unwrap();
    assert_eq!(
        a.drafts().unwrap(),
        vec![draft("{\"title\":\"x\"}", NOW + 1)]
    );
    assert_eq!(a.draft("123456789").unwrap().unwrap().updated, NOW + 1);
    a.delete_draft("123456789").unwrap();
    assert!(a.draft("123456789").unwrap().is_none());
}
