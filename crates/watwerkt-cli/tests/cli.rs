//! Black-box tests of the `watwerkt` binary: imports, exports, bad input, crash safety.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

mod common;
use common::big_jsonl;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_watwerkt")
}

fn seeds_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/seeds")
}

fn seed_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(seeds_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

/// One data directory and the binary run against it.
struct Cli {
    dir: tempfile::TempDir,
}

impl Cli {
    fn new() -> Self {
        Cli {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(bin());
        c.arg("--data-dir").arg(self.data()).args(args);
        c.env_remove("WATWERKT_DATA_DIR");
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "watwerkt {args:?} failed: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn import(&self, paths: &[PathBuf]) -> Output {
        let mut c = self.cmd(&["import"]);
        c.args(paths);
        c.output().unwrap()
    }

    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }

    fn export(&self) -> String {
        self.ok(&["export", "--format", "jsonl"])
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn import_of_the_seeds_gives_fifty_projects_and_a_report() {
    let cli = Cli::new();
    let out = cli.import(&seed_files());
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("50 new"), "{text}");
    assert!(text.contains("data-quality report"), "{text}");
    assert!(
        text.contains("Heurnen"),
        "the unknown municipality is reported: {text}"
    );

    let stats: Value = serde_json::from_str(&cli.ok(&["--json", "stats"])).unwrap();
    assert_eq!(stats["total"], 50);
    assert_eq!(stats["themes"]["Vergunninghouders"], 8);
    assert_eq!(stats["themes"]["Re-integratie"], 22);
    let lines = cli.export();
    assert_eq!(lines.lines().count(), 50);
}

#[test]
fn a_new_data_directory_gets_the_bundled_catalogue() {
    let cli = Cli::new();
    let stats: Value = serde_json::from_str(&cli.ok(&["--json", "stats"])).unwrap();
    assert_eq!(stats["total"], 50);
    // The index agrees with the store: no project of the killed import is found.
    let v: Value =
        serde_json::from_str(&cli.ok(&["--json", "search", "Project over schulden en werk"]))
            .unwrap();
    for hit in v["hits"].as_array().unwrap() {
        assert!(
            !hit["project_number"].as_str().unwrap().starts_with("99"),
            "{hit}"
        );
    }
}

#[test]
fn reimporting_changes_nothing() {
    let cli = Cli::new();
    cli.import(&seed_files());
    let out = cli
        .cmd(&["--json", "import"])
        .args(seed_files())
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["inserted"], 0);
    assert_eq!(v["updated"], 0);
    assert_eq!(v["unchanged"], 50);
    assert_eq!(v["generation"], 1);
}

#[test]
fn export_import_export_is_byte_identical() {
    let a = Cli::new();
    let first = a.export();
    let b = Cli::new();
    let file = b.file("export.jsonl", first.as_bytes());
    let out = b.import(&[file]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(b.export(), first);
    // The other formats carry the same projects.
    let csv = b.ok(&["export", "--format", "csv"]);
    assert_eq!(
        csv.lines().next().unwrap().split(',').next(),
        Some("project_number")
    );
    let json: Value = serde_json::from_str(&b.ok(&["export", "--format", "json"])).unwrap();
    assert_eq!(json["projects"].as_array().unwrap().len(), 50);
}

#[test]
fn a_changed_entry_updates_and_keeps_a_revision() {
    let cli = Cli::new();
    let export = cli.export();
    let changed = export.replacen("\"Afgerond\"", "\"Lopend\"", 1);
    let file = cli.file("changed.jsonl", changed.as_bytes());
    let out = cli.cmd(&["--json", "import"]).arg(&file).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["updated"], 1, "{v}");
    assert_eq!(v["unchanged"], 49);
}

/// Every bad file: exit 1, an error naming the file (and line where there is one), and the
/// store exactly as before.
#[test]
fn bad_input_is_refused_with_a_specific_error_and_nothing_written() {
    let cli = Cli::new();
    let before = cli.export();
    let good_line = before.lines().next().unwrap().to_owned();
    let cases: Vec<(&str, Vec<u8>, Vec<&str>)> = vec![
        (
            "binary.txt",
            vec![0x7f, b'E', b'L', b'F', 0, 0, 1, 2, 3, 0, 0, 0],
            vec!["binary.txt"],
        ),
        (
            "latin1.txt",
            b"Lees meer over project Caf\xe9\n".to_vec(),
            vec!["latin1.txt", "UTF-8"],
        ),
        ("empty.txt", Vec::new(), vec!["empty.txt", "empty"]),
        (
            "broken.jsonl",
            format!("{good_line}\n{{\"project_number\": \"123456789\", \"title\": \n").into_bytes(),
            vec!["broken.jsonl:2"],
        ),
        (
            "wrongtype.jsonl",
            format!("{good_line}\n{}\n", with_string_duration(&good_line)).into_bytes(),
            vec!["wrongtype.jsonl:2"],
        ),
        (
            "month.txt",
            std::fs::read_to_string(seeds_dir().join("001_4cf2a7037aa6f8f4.txt"))
                .unwrap()
                .replacen("juni 2016, 6 maanden", "juin 2016, 6 maanden", 1)
                .into_bytes(),
            vec!["month.txt:", "juin"],
        ),
    ];
    for (name, bytes, needles) in cases {
        // A good file in the same call must not be written either.
        let good = cli.file("good.jsonl", changed_project(&good_line).as_bytes());
        let bad = cli.file(name, &bytes);
        let out = cli.import(&[good, bad]);
        assert_eq!(out.status.code(), Some(1), "{name}: {}", stderr(&out));
        let err = stderr(&out);
        for n in needles {
            assert!(err.contains(n), "{name}: error should mention {n:?}: {err}");
        }
        assert_eq!(cli.export(), before, "{name}: the store changed");
    }
}

fn with_string_duration(line: &str) -> String {
    let mut v: Value = serde_json::from_str(line).unwrap();
    v["duration_months"] = Value::String("24".into());
    v.to_string()
}

fn changed_project(line: &str) -> String {
    let mut v: Value = serde_json::from_str(line).unwrap();
    v["title"] = Value::String("Gewijzigd".into());
    format!("{v}\n")
}

#[test]
fn an_oversized_page_is_refused() {
    let cli = Cli::new();
    let before = cli.export();
    let mut page = std::fs::read_to_string(seeds_dir().join("001_4cf2a7037aa6f8f4.txt")).unwrap();
    while (page.len() as u64) <= watwerkt_import::MAX_PAGE_BYTES {
        page.push_str(&page.clone());
    }
    let file = cli.file("huge.txt", page.as_bytes());
    let out = cli.import(&[file]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("huge.txt"), "{}", stderr(&out));
    assert_eq!(cli.export(), before);
}

#[test]
fn usage_errors_exit_2() {
    let cli = Cli::new();
    assert_eq!(cli.run(&["import"]).status.code(), Some(2));
    assert_eq!(cli.run(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(cli.run(&["stats", "--unknown-flag"]).status.code(), Some(2));
    assert_eq!(
        cli.run(&["search", "werk", "--filter", "nonsense"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        cli.run(&["search", "werk", "--filter", "colour=red"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        cli.run(&["export", "--format", "xml"]).status.code(),
        Some(2)
    );
}

#[test]
fn search_json_has_the_documented_shape() {
    let cli = Cli::new();
    let v: Value =
        serde_json::from_str(&cli.ok(&["--json", "search", "schulden jongeren", "--limit", "5"]))
            .unwrap();
    assert_eq!(v["hits"][0]["project_number"], "535002003");
    let hit = &v["hits"][0];
    for key in ["project_number", "title", "score", "snippets"] {
        assert!(hit.get(key).is_some(), "hit lacks {key}: {hit}");
    }
    for facet in [
        "theme",
        "status",
        "municipality",
        "organisation",
        "year",
        "product_kind",
    ] {
        assert!(
            v["facets"].get(facet).is_some(),
            "facets lack {facet}: {}",
            v["facets"]
        );
    }
    let filtered: Value = serde_json::from_str(&cli.ok(&[
        "--json",
        "search",
        "werk",
        "--filter",
        "theme=Vergunninghouders",
    ]))
    .unwrap();
    assert!(filtered["total"].as_u64().unwrap() <= 8);
}

#[test]
fn similar_vraagbaak_and_suggest() {
    let cli = Cli::new();
    let similar: Value =
        serde_json::from_str(&cli.ok(&["--json", "similar", "535002003", "--limit", "3"])).unwrap();
    let similar = similar.as_array().unwrap();
    assert_eq!(similar.len(), 3);
    for m in similar {
        assert_ne!(m["project_number"], "535002003");
        assert!(!m["terms"].as_array().unwrap().is_empty(), "{m}");
    }
    let out = cli.run(&["similar", "999999999"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no project 999999999"),
        "{}",
        stderr(&out)
    );
    assert_eq!(cli.run(&["similar", "not-a-number"]).status.code(), Some(2));

    let case = cli.file(
        "casus.txt",
        "Wij willen statushouders sneller aan werk helpen; de taalcursus sluit niet aan."
            .as_bytes(),
    );
    let found: Value =
        serde_json::from_str(&cli.ok(&["--json", "vraagbaak", case.to_str().unwrap()])).unwrap();
    assert!(
        found.as_array().unwrap()[..3].iter().any(|m| m["terms"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == "statushouders")),
        "{found}"
    );
    let mut child = cli
        .cmd(&["vraagbaak", "-", "--limit", "2"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(
        child.stdin.as_mut().unwrap(),
        "schulden bij jongeren".as_bytes(),
    )
    .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("via: "));
    let missing = cli.run(&["vraagbaak", "/nonexistent/casus.txt"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(stderr(&missing).contains("/nonexistent/casus.txt"));

    let suggestions: Value =
        serde_json::from_str(&cli.ok(&["--json", "suggest", "vergunn"])).unwrap();
    assert!(
        suggestions
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["kind"] == "term" && s["text"] == "vergunninghouders"),
        "{suggestions}"
    );
}

#[test]
fn the_index_follows_imports_and_is_rebuilt_when_missing() {
    let cli = Cli::new();
    let export = cli.export();
    let line = export.lines().next().unwrap();
    let mut v: Value = serde_json::from_str(line).unwrap();
    v["project_number"] = Value::String("777777777".into());
    v["title"] = Value::String("Zeppelinvaart voor werkzoekenden".into());
    v["sources"] = Value::Array(vec![]);
    let file = cli.file("new.jsonl", format!("{v}\n").as_bytes());
    assert!(cli.import(&[file]).status.success());
    let r: Value = serde_json::from_str(&cli.ok(&["--json", "search", "zeppelinvaart"])).unwrap();
    assert_eq!(r["hits"][0]["project_number"], "777777777");
    // A deleted index is detected and rebuilt from the store on the next command.
    std::fs::remove_dir_all(cli.data().join("index")).unwrap();
    let r: Value = serde_json::from_str(&cli.ok(&["--json", "search", "zeppelinvaart"])).unwrap();
    assert_eq!(r["total"], 1);
    assert!(cli.ok(&["reindex"]).contains("indexed 51 projects"));
}

#[test]
fn check_prints_the_report_of_files_without_writing() {
    let cli = Cli::new();
    let out = cli
        .cmd(&["--json", "check"])
        .args(seed_files())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let issues = v["issues"].as_array().unwrap();
    assert!(
        issues
            .iter()
            .any(|i| i["message"].as_str().unwrap_or("").contains("Heurnen"))
    );
    assert!(
        !cli.data().join("watwerkt.sqlite").exists(),
        "check PATH must not create a store"
    );
}

#[test]
fn kill_9_during_an_import_leaves_the_previous_state() {
    let cli = Cli::new();
    let before = cli.export();
    let file = cli.file("big.jsonl", big_jsonl(400_000).as_bytes());
    let mut child = cli
        .cmd(&["import"])
        .arg(&file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the transaction is demonstrably under way (uncommitted pages spilled to the WAL).
    let wal = cli.data().join("watwerkt.sqlite-wal");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let size = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
        if size > 4 << 20 {
            break;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the import finished before it could be killed"
        );
        assert!(Instant::now() < deadline, "import never started writing");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert_eq!(
        cli.export(),
        before,
        "a killed import must leave the previous state"
    );
    let stats: Value = serde_json::from_str(&cli.ok(&["--json", "stats"])).unwrap();
    assert_eq!(stats["total"], 50);
    // The index agrees with the store: no project of the killed import is found.
    let v: Value =
        serde_json::from_str(&cli.ok(&["--json", "search", "Project over schulden en werk"]))
            .unwrap();
    for hit in v["hits"].as_array().unwrap() {
        assert!(
            !hit["project_number"].as_str().unwrap().starts_with("99"),
            "{hit}"
        );
    }
}

#[test]
fn labels_show_each_label_with_its_sentence() {
    let cli = Cli::new();
    let text = cli.ok(&["labels", "535001001"]);
    assert!(text.contains("Voor wie (target groups):"), "{text}");
    assert!(text.contains("ouderen"), "{text}");
    assert!(
        text.contains("title: \"Aanpak om 45-plussers sneller aan werk te helpen\""),
        "{text}"
    );
    assert!(text.contains("Bewijskracht (evidence level): 2"), "{text}");
    let v: Value = serde_json::from_str(&cli.ok(&["--json", "labels", "535001001"])).unwrap();
    assert_eq!(v["derived"]["target_groups"][0]["id"], "ouderen");
    assert_eq!(v["derived"]["target_groups"][0]["field"], "title");
    assert_eq!(v["derived"]["evidence_level"]["level"], 2);
    let out = cli.run(&["labels", "999999999"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no project 999999999"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn label_filters_stats_check_and_csv() {
    let cli = Cli::new();
    let r: Value = serde_json::from_str(&cli.ok(&[
        "--json",
        "search",
        "",
        "--filter",
        "target_group=ouderen",
    ]))
    .unwrap();
    assert_eq!(r["total"], 1);
    assert_eq!(r["hits"][0]["project_number"], "535001001");
    let out = cli.run(&["search", "werk", "--filter", "target_group=bejaarden"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("expected one of jongeren, ouderen"),
        "{}",
        stderr(&out)
    );
    let out = cli.run(&["search", "werk", "--filter", "evidence_level=7"]);
    assert_eq!(out.status.code(), Some(2));
    let s: Value = serde_json::from_str(&cli.ok(&["--json", "stats"])).unwrap();
    assert_eq!(s["target_groups"]["ouderen"], 1);
    assert_eq!(s["designs"]["rct"], 1);
    let levels: u64 = s["evidence_levels"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(levels, 50);
    let c: Value = serde_json::from_str(&cli.ok(&["--json", "check"])).unwrap();
    // Projects still "Lopend" years after their planned end are flagged for an editor.
    let stale = c["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| {
            i["message"]
                .as_str()
                .unwrap()
                .contains("was planned to end by")
        })
        .count();
    assert!((20..=40).contains(&stale), "{stale} stale statuses");
    let gaps = &c["label_gaps"];
    assert!(gaps["no_target_group"].as_u64().unwrap() < 5, "{gaps}");
    assert_eq!(
        gaps["no_target_group_examples"].as_array().unwrap().len() as u64,
        gaps["no_target_group"].as_u64().unwrap()
    );
    let csv = cli.ok(&["export", "--format", "csv"]);
    let header = csv.lines().next().unwrap();
    assert!(
        header.ends_with("target_groups,designs,outcome_domains,evidence_level"),
        "{header}"
    );
}
