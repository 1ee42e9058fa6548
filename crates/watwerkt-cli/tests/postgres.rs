//! The binary on PostgreSQL (`--database-url postgres://…`): the seeds import, search and export
//! as they do on SQLite, and `watwerkt migrate` copies a SQLite store into PostgreSQL with a
//! byte-identical export. Each test makes its own database (see `watwerkt_store_postgres::
//! test_db`); without a server the tests are skipped, and fail in CI.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use watwerkt_store_postgres::test_db::TestDatabase;

fn seed_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/seeds");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

/// Runs `watwerkt` on the data directory `data`, with the store at `database` if given.
fn run(data: &Path, database: Option<&str>, args: &[&str], files: &[PathBuf]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_watwerkt"));
    c.env_remove("WATWERKT_DATA_DIR")
        .env_remove("WATWERKT_DATABASE_URL")
        .arg("--data-dir")
        .arg(data);
    if let Some(url) = database {
        c.arg("--database-url").arg(url);
    }
    c.args(args).args(files).output().unwrap()
}

fn ok(data: &Path, database: Option<&str>, args: &[&str], files: &[PathBuf]) -> String {
    let out = run(data, database, args, files);
    assert!(
        out.status.success(),
        "watwerkt {args:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn export(data: &Path, database: Option<&str>) -> String {
    ok(data, database, &["export", "--format", "jsonl"], &[])
}

fn hits(data: &Path, database: Option<&str>, query: &str) -> Vec<Value> {
    let v: Value =
        serde_json::from_str(&ok(data, database, &["--json", "search", query], &[])).unwrap();
    v["hits"].as_array().unwrap().clone()
}

#[test]
fn the_seeds_import_search_and_export_on_postgres_as_on_sqlite() {
    let Some(db) = TestDatabase::create() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (pg, lite) = (dir.path().join("pg"), dir.path().join("lite"));
    let url = Some(db.url());
    let imported = ok(&pg, url, &["import"], &seed_files());
    assert!(imported.contains("50 new"), "{imported}");
    ok(&lite, None, &["import"], &seed_files());
    assert!(
        !pg.join("watwerkt.sqlite").exists(),
        "the store is in PostgreSQL, not in the data directory"
    );

    let found = hits(&pg, url, "schulden");
    assert!(!found.is_empty());
    assert_eq!(found, hits(&lite, None, "schulden"));
    assert_eq!(export(&pg, url), export(&lite, None));

    let again: Value =
        serde_json::from_str(&ok(&pg, url, &["--json", "import"], &seed_files())).unwrap();
    assert_eq!(
        (&again["unchanged"], &again["generation"]),
        (&50.into(), &1.into())
    );

    // Another data directory on the same database builds its own index from the store.
    let other = dir.path().join("other");
    let stats: Value = serde_json::from_str(&ok(&other, url, &["--json", "stats"], &[])).unwrap();
    assert_eq!(stats["total"], 50);
    assert_eq!(hits(&other, url, "schulden"), found);
}

#[test]
fn migrate_copies_a_sqlite_store_into_postgres_byte_for_byte() {
    let Some(db) = TestDatabase::create() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let lite = dir.path().join("lite");
    ok(&lite, None, &["import"], &seed_files());
    // A second version of one project, so there is a revision to copy.
    let first = export(&lite, None).lines().next().unwrap().to_owned();
    let changed = first.replacen("\"title\":\"", "\"title\":\"Herzien: ", 1);
    assert_ne!(changed, first);
    let file = dir.path().join("changed.jsonl");
    std::fs::write(&file, format!("{changed}\n")).unwrap();
    ok(&lite, None, &["import"], std::slice::from_ref(&file));

    let from = format!("sqlite:{}", lite.join("watwerkt.sqlite").display());
    let pg = dir.path().join("pg");
    let copied = ok(
        &pg,
        None,
        &["migrate", "--from", &from, "--to", db.url()],
        &[],
    );
    assert!(
        copied.contains("copied 50 projects (1 earlier versions), generation 2"),
        "{copied}"
    );
    let url = Some(db.url());
    assert_eq!(export(&pg, url), export(&lite, None));
    // The generation came along: importing the same version again changes nothing.
    let again: Value = serde_json::from_str(&ok(&pg, url, &["--json", "import"], &[file])).unwrap();
    assert_eq!(
        (&again["unchanged"], &again["generation"]),
        (&1.into(), &2.into())
    );

    let refused = run(
        &pg,
        None,
        &["migrate", "--from", &from, "--to", db.url()],
        &[],
    );
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success());
    assert!(stderr.contains("not empty"), "{stderr}");
}

#[test]
fn a_database_url_of_another_kind_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        dir.path(),
        Some("mysql://root:s3cret@db/w"),
        &["stats"],
        &[],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("postgres://") && stderr.contains("sqlite:PATH"),
        "{stderr}"
    );
    assert!(!stderr.contains("s3cret"), "{stderr}");
}

#[test]
fn an_index_is_rebuilt_when_its_data_directory_turns_to_another_store() {
    let Some(db) = TestDatabase::create() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (lite, other) = (dir.path().join("lite"), dir.path().join("other"));
    ok(&lite, None, &["import"], &seed_files());
    // The PostgreSQL store gets one project, at the same generation as the SQLite store.
    let one = dir.path().join("one.jsonl");
    let first = export(&lite, None).lines().next().unwrap().to_owned();
    std::fs::write(&one, format!("{first}\n")).unwrap();
    let url = Some(db.url());
    ok(&other, url, &["import"], &[one]);

    assert!(hits(&lite, None, "werk").len() > 1);
    assert!(
        hits(&lite, url, "werk").len() <= 1,
        "the index follows PostgreSQL"
    );
    assert!(hits(&lite, None, "werk").len() > 1, "and SQLite again");
}
