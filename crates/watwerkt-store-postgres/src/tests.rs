//! The store's tests against a throwaway database (skipped outside CI when there is no server).

use super::*;
use crate::test_db::TestDatabase;

fn store() -> Option<(TestDatabase, PgStore)> {
    let db = TestDatabase::create()?;
    let store = PgStore::open(db.url()).unwrap();
    Some((db, store))
}

#[test]
fn passes_the_store_contract() {
    if store().is_none() {
        return;
    }
    watwerkt_store::contract::run_all(&|| store().expect("the server went away"));
}

#[test]
fn reopening_keeps_data_and_applies_no_migration_twice() {
    let Some((db, s)) = store() else { return };
    let mut tx = s.begin().unwrap();
    tx.upsert_project(&watwerkt_store::contract::sample(1))
        .unwrap();
    tx.commit().unwrap();
    drop(s);
    let s = PgStore::open(db.url()).unwrap();
    assert_eq!(s.count().unwrap(), 1);
    assert_eq!(s.generation().unwrap(), 1);
}

#[test]
fn refuses_a_store_from_a_newer_version() {
    let Some((db, s)) = store() else { return };
    drop(s);
    let mut c = postgres::Client::connect(db.url(), postgres::NoTls).unwrap();
    c.batch_execute("UPDATE schema_version SET version = 99")
        .unwrap();
    let err = PgStore::open(db.url()).err().unwrap().to_string();
    assert!(err.contains("newer"), "{err}");
}

#[test]
fn a_second_writer_gets_busy_and_readers_go_on() {
    let Some((db, a)) = store() else { return };
    let b = PgStore::open(db.url()).unwrap();
    let mut tx = a.begin().unwrap();
    tx.upsert_project(&watwerkt_store::contract::sample(1))
        .unwrap();
    let started = std::time::Instant::now();
    assert!(matches!(b.begin().err(), Some(StoreError::Busy)));
    assert!(started.elapsed() >= std::time::Duration::from_secs(4));
    assert_eq!(b.count().unwrap(), 0);
    tx.commit().unwrap();
    let mut tx = b.begin().unwrap();
    assert_eq!(
        tx.upsert_project(&watwerkt_store::contract::sample(1))
            .unwrap(),
        Upsert::Unchanged
    );
}

#[test]
fn errors_name_the_server_but_not_the_password() {
    let err = PgStore::open("postgres://ww:s3cret@127.0.0.1:1/none")
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("postgres://ww@127.0.0.1:1/none"), "{err}");
    assert!(!err.contains("s3cret"), "{err}");
}

#[test]
fn the_integrity_check_finds_a_generation_behind_its_changes() {
    let Some((db, s)) = store() else { return };
    assert_eq!(s.check_integrity().unwrap(), Vec::<String>::new());
    let mut tx = s.begin().unwrap();
    tx.upsert_project(&watwerkt_store::contract::sample(1))
        .unwrap();
    tx.commit().unwrap();
    assert_eq!(s.check_integrity().unwrap(), Vec::<String>::new());
    let mut c = postgres::Client::connect(db.url(), postgres::NoTls).unwrap();
    c.batch_execute("UPDATE meta SET value = '0' WHERE key = 'generation'")
        .unwrap();
    let problems = s.check_integrity().unwrap();
    assert!(
        problems.len() == 2
            && problems[0].contains("generation 0")
            && problems[1].contains("records generation 1, the store is at 0"),
        "the change log is out of step too: {problems:?}"
    );
}

#[test]
fn a_commit_wakes_a_listener_in_another_process() {
    let Some((db, a)) = store() else { return };
    let b = PgStore::open(db.url()).unwrap();
    // The first wait opens the listening connection; nothing has been committed yet.
    b.wait_for_changes(std::time::Duration::from_millis(10))
        .unwrap();
    let started = std::time::Instant::now();
    std::thread::scope(|s| {
        s.spawn(|| {
            std::thread::sleep(std::time::Duration::from_millis(100));
            let mut tx = a.begin().unwrap();
            tx.upsert_project(&watwerkt_store::contract::sample(1))
                .unwrap();
            tx.commit().unwrap();
        });
        b.wait_for_changes(std::time::Duration::from_secs(10))
            .unwrap();
    });
    let waited = started.elapsed();
    assert!(waited < std::time::Duration::from_secs(5), "{waited:?}");
    assert_eq!(b.changes_since(0, 10).unwrap().head, 1);
}
