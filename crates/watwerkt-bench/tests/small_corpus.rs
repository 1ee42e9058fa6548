//! End to end on a small generated corpus: watwerkt and FTS5 build, answer every query, and the
//! table names both with a ratio; an unreachable PostgreSQL is skipped with its reason.

use std::process::Command;

#[test]
fn bench_runs_on_a_small_corpus() {
    let kit = watwerkt_bench::kit::kit_dir();
    // The kit sits beside the checkout (`../shared`), outside the repository: a clone elsewhere
    // has no generator to run.
    if !kit.join("gencorpus.py").exists() {
        eprintln!("skipped: no shared bench kit at {}", kit.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus.jsonl");
    let out = Command::new("python3")
        .arg(kit.join("gencorpus.py"))
        .args(["--n", "300", "--seed", "1"])
        .output()
        .expect("python3 runs the shared gencorpus.py");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(&corpus, &out.stdout).unwrap();

    let mut printed = Vec::new();
    let report = watwerkt_bench::run_search_bench(
        &corpus,
        &kit.join("queries.txt"),
        &dir.path().join("work"),
        // Port 1: nothing listens there, so the PostgreSQL column must be skipped, not fail.
        Some("host=127.0.0.1 port=1 user=postgres dbname=test connect_timeout=2"),
        &mut printed,
    )
    .unwrap();
    let printed = String::from_utf8(printed).unwrap();
    assert_eq!(report.projects, 300);
    assert_eq!(report.queries, 60);
    assert!(report.watwerkt.size_bytes > 0 && report.fts5.size_bytes > 0);
    assert!(report.watwerkt.p99 >= report.watwerkt.p50);
    assert!(
        printed.contains("SQLite FTS5") && printed.contains("ratio watwerkt/SQLite FTS5"),
        "{printed}"
    );
    assert!(report.postgres.is_err());
    assert!(
        printed.contains("PostgreSQL skipped: cannot connect"),
        "{printed}"
    );
}
