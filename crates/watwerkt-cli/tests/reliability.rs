//! Black-box tests of what `docs/reliability.md` promises, through the real binary: `verify`,
//! `backup` and `restore` (also while another process imports), and a closed pipe.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

mod common;
use common::big_jsonl;

fn watwerkt(data: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_watwerkt"));
    c.arg("--data-dir").arg(data).args(args);
    c.env_remove("WATWERKT_DATA_DIR");
    c
}

fn run(data: &Path, args: &[&str]) -> Output {
    watwerkt(data, args).output().unwrap()
}

/// Runs a command that must succeed; its standard output.
fn ok(data: &Path, args: &[&str]) -> String {
    let out = run(data, args);
    assert!(
        out.status.success(),
        "watwerkt {args:?} failed ({}): {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn export(data: &Path) -> String {
    ok(data, &["export", "--format", "jsonl"])
}

/// `verify --json` must say consistent and exit 0.
fn assert_verified(data: &Path) {
    let report: Value = serde_json::from_str(&ok(data, &["--json", "verify"])).unwrap();
    assert_eq!(report["consistent"], true, "{report:#}");
}

/// A data directory with the bundled catalogue and one changed project (so it holds a revision).
fn catalogue(root: &Path) -> PathBuf {
    let data = root.join("data");
    let first = export(&data).lines().next().unwrap().to_owned();
    let mut v: Value = serde_json::from_str(&first).unwrap();
    v["title"] = Value::String(format!("{} (herzien)", v["title"].as_str().unwrap()));
    let changed = root.join("changed.jsonl");
    std::fs::write(&changed, format!("{v}\n")).unwrap();
    ok(&data, &["import", changed.to_str().unwrap()]);
    data
}

#[test]
fn a_restored_backup_exports_byte_identically_and_verifies() {
    let root = tempfile::tempdir().unwrap();
    let data = catalogue(root.path());
    assert_verified(&data);
    let file = root.path().join("backup.sqlite");
    let done: Value =
        serde_json::from_str(&ok(&data, &["--json", "backup", file.to_str().unwrap()])).unwrap();
    assert_eq!(done["generation"], 2, "{done}");
    // A place it cannot write: refused by the name asked for, nothing left behind.
    let nowhere = root.path().join("missing/backup.sqlite");
    let out = run(&data, &["backup", nowhere.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(nowhere.to_str().unwrap()), "{err}");

    let restored = root.path().join("restored");
    let out = ok(&restored, &["restore", file.to_str().unwrap()]);
    assert!(out.contains("restored 50 projects"), "{out}");
    assert_eq!(export(&restored), export(&data));
    assert_verified(&restored);
    // The restored index finds the changed project as the original's does.
    let found = |d: &Path| {
        let out = ok(d, &["--json", "search", "herzien"]);
        serde_json::from_str::<Value>(&out).unwrap()["total"].clone()
    };
    assert_ne!(found(&data), 0);
    assert_eq!(found(&restored), found(&data));

    // Never over a catalogue: a usage error naming the directory, nothing touched.
    let before = export(&restored);
    let out = run(&restored, &["restore", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(restored.to_str().unwrap()) && err.contains("not empty"),
        "{err}"
    );
    assert_eq!(export(&restored), before);

    // A file that is not a backup: refused by name, no data directory left behind.
    let junk = root.path().join("junk.sqlite");
    std::fs::write(&junk, b"not a database at all, just text").unwrap();
    let elsewhere = root.path().join("elsewhere");
    let out = run(&elsewhere, &["restore", junk.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("junk.sqlite") && err.contains("watwerkt backup"),
        "{err}"
    );
    assert!(!elsewhere.exists());
}

#[test]
fn a_backup_taken_while_another_process_imports_is_consistent() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let before = export(&data);
    let file = root.path().join("big.jsonl");
    std::fs::write(&file, big_jsonl(150_000)).unwrap();
    let mut import = watwerkt(&data, &["import", file.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the import's transaction is demonstrably under way (pages spilled to the WAL).
    let wal = data.join("watwerkt.sqlite-wal");
    let deadline = Instant::now() + Duration::from_secs(120);
    while std::fs::metadata(&wal).map_or(0, |m| m.len()) < 4 << 20 {
        assert!(
            import.try_wait().unwrap().is_none(),
            "the import finished before a backup could be taken"
        );
        assert!(
            Instant::now() < deadline,
            "the import never started writing"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // Backups while it writes, then one after it committed.
    let mut backups = Vec::new();
    while import.try_wait().unwrap().is_none() && backups.len() < 3 {
        let b = root.path().join(format!("during-{}.sqlite", backups.len()));
        ok(&data, &["backup", b.to_str().unwrap()]);
        backups.push(b);
        std::thread::sleep(Duration::from_millis(300));
    }
    assert!(!backups.is_empty(), "no backup was taken during the import");
    let during = backups.len();
    assert!(import.wait().unwrap().success());
    let after_file = root.path().join("after.sqlite");
    ok(&data, &["backup", after_file.to_str().unwrap()]);
    backups.push(after_file);
    let after = export(&data);
    assert_ne!(before, after);
    assert_verified(&data);

    for (i, b) in backups.iter().enumerate() {
        let restored = root.path().join(format!("restored-{i}"));
        ok(&restored, &["restore", b.to_str().unwrap()]);
        assert_verified(&restored);
        let got = export(&restored);
        assert!(
            got == before || got == after,
            "backup {i} holds neither the state before the import nor after it"
        );
        if i == backups.len() - 1 {
            assert!(got == after, "the backup after the import must hold it");
        }
    }
    // The figures docs/reliability.md quotes (`-- --nocapture`).
    eprintln!(
        "{during} backup(s) during a 150,000-project import and one after: each restored, verified and equal to the state before or after"
    );
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    // More than a pipe buffer (64 KB), so the writer is still writing when the reader leaves.
    assert!(export(&data).len() > 128 << 10);
    for format in ["jsonl", "json", "csv"] {
        let mut child = watwerkt(&data, &["export", "--format", format])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut head = [0u8; 100];
        child.stdout.take().unwrap().read_exact(&mut head).unwrap();
        // The read end is dropped here, as `head -c 100` exits.
        let out = child.wait_with_output().unwrap();
        let code = out.status.code();
        let signal = std::os::unix::process::ExitStatusExt::signal(&out.status);
        assert!(
            code == Some(0) || code == Some(141) || signal == Some(13),
            "export --format {format}: {}",
            out.status
        );
        assert!(
            out.stderr.is_empty(),
            "export --format {format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn verify_lists_what_disagrees_and_exits_1() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    ok(&data, &["stats"]);
    let out = ok(&data, &["verify"]);
    assert!(out.contains("consistent: "), "{out}");
    // An index that lost its contents: verify sees it as it is (it repairs nothing).
    std::fs::remove_dir_all(data.join("index")).unwrap();
    let out = run(&data, &["verify"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("NOT consistent"), "{text}");
    assert!(text.contains("in the store, not in the index"), "{text}");
    let out = run(&data, &["--json", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["consistent"], false);
    let kinds: Vec<&str> = report["disagreements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"generation"), "{kinds:?}");
    assert!(kinds.contains(&"missing_from_index"), "{kinds:?}");
    // The next ordinary command rebuilds the index; then verify is clean.
    ok(&data, &["stats"]);
    assert_verified(&data);

    let out = run(&root.path().join("none"), &["verify"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no store here"));
}
