//! Several `watwerkt serve` nodes on one PostgreSQL database, each with its own data directory
//! and index, kept in step by the store's change log: three nodes on loopback take edits through
//! the back-office API in turn, one is killed with SIGKILL mid-stream and started again, and
//! every node must answer the same searches within a few seconds. Skipped without a server
//! (failing in CI), as the other PostgreSQL tests. `--ignored` also measures the figures quoted
//! in the README: the lag under 50 writes/s and the catch-up of 100,000 logged changes.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use watwerkt_store_postgres::test_db::TestDatabase;

const PASSWORD: &str = "a long password for the test\n";

fn watwerkt(data: &Path, url: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_watwerkt"));
    c.env_remove("WATWERKT_DATA_DIR")
        .env_remove("WATWERKT_DATABASE_URL")
        .arg("--data-dir")
        .arg(data)
        .arg("--database-url")
        .arg(url);
    c
}

fn ok(c: &mut Command, stdin: &str) -> String {
    let out = common::run_with_stdin(c, stdin);
    assert!(
        out.status.success(),
        "{c:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// One serving node: its data directory, process and address.
struct Node {
    data: PathBuf,
    url: String,
    child: Child,
    addr: String,
    token: String,
}

impl Node {
    /// Makes an editor and a token in `data` (accounts are per data directory), then serves.
    fn start(data: PathBuf, url: &str) -> Node {
        ok(
            watwerkt(&data, url).args([
                "user",
                "add",
                "editor@example.org",
                "--role",
                "editor",
                "--password-stdin",
            ]),
            PASSWORD,
        );
        let token = ok(
            watwerkt(&data, url).args(["token", "create", "editor@example.org"]),
            "",
        )
        .trim()
        .to_owned();
        let (child, addr) = serve(&data, url);
        Node {
            data,
            url: url.to_owned(),
            child,
            addr,
            token,
        }
    }

    fn kill(&mut self) {
        // Child::kill sends SIGKILL: no shutdown code runs.
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    fn restart(&mut self) {
        let (child, addr) = serve(&self.data, &self.url);
        self.child = child;
        self.addr = addr;
    }

    fn patch(&self, number: &str, title: &str) {
        let body = serde_json::json!({ "title": title }).to_string();
        let (status, text) = http(
            &self.addr,
            "PATCH",
            &format!("/api/v1/projects/{number}"),
            &[
                ("Authorization", &format!("Bearer {}", self.token)),
                ("Content-Type", "application/merge-patch+json"),
            ],
            &body,
        );
        assert_eq!(status, 200, "PATCH {number} on {}: {text}", self.addr);
    }

    fn search(&self, q: &str) -> (u64, Vec<(String, String)>) {
        let (status, text) = http(
            &self.addr,
            "GET",
            &format!("/api/v1/projects?q={q}&limit=50"),
            &[],
            "",
        );
        assert_eq!(status, 200, "{text}");
        let v: Value = serde_json::from_str(&text).unwrap();
        let mut hits: Vec<(String, String)> = v["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                (
                    h["project_number"].as_str().unwrap().to_owned(),
                    h["title"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        hits.sort();
        (v["total"].as_u64().unwrap(), hits)
    }

    /// `/healthz` as name → value.
    fn health(&self) -> Vec<(String, String)> {
        let (status, text) = http(&self.addr, "GET", "/healthz", &[], "");
        assert_eq!(status, 200);
        text.lines()
            .filter_map(|l| l.split_once(' '))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }

    fn health_value(&self, name: &str) -> u64 {
        let h = self.health();
        let v = h.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        v.and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("/healthz has no {name}: {h:?}"))
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `watwerkt serve` on a free loopback port; returns once it listens.
fn serve(data: &Path, url: &str) -> (Child, String) {
    let mut child = watwerkt(data, url)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("watwerkt: serving on http://")
        .unwrap_or_else(|| panic!("serve said {line:?}"))
        .to_owned();
    (child, addr)
}

/// One HTTP/1.1 request on its own connection; the status and the (de-chunked) body.
fn http(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let raw = String::from_utf8(raw).unwrap();
    let (head, rest) = raw.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let chunked = head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked");
    let body = if chunked {
        dechunk(rest)
    } else {
        rest.to_owned()
    };
    (status, body)
}

fn dechunk(mut rest: &str) -> String {
    let mut out = String::new();
    loop {
        let (size, after) = rest.split_once("\r\n").unwrap();
        let size = usize::from_str_radix(size.trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.push_str(&after[..size]);
        rest = &after[size + 2..];
    }
}

/// Waits until every node answers `q` as `expected`; how long that took.
fn converge(nodes: &[Node], q: &str, expected: &(u64, Vec<(String, String)>)) -> Duration {
    let started = Instant::now();
    loop {
        let answers: Vec<_> = nodes.iter().map(|n| n.search(q)).collect();
        if answers.iter().all(|a| a == expected) {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "nodes did not converge on {q:?} within 5 s: expected {expected:?}, got {answers:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn seed_files() -> Vec<PathBuf> {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/seeds");
    let mut files: Vec<PathBuf> = std::fs::read_dir(seeds)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

/// Times until `reader` applied what `writer` last applied.
fn visible(writer: &Node, reader: &Node) -> Duration {
    let head = writer.health_value("applied");
    let started = Instant::now();
    while reader.health_value("applied") < head {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "a write was not applied on another node within 5 s"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    started.elapsed()
}

fn median_and_max(mut lags: Vec<Duration>) -> (Duration, Duration) {
    lags.sort();
    (lags[lags.len() / 2], lags[lags.len() - 1])
}

#[test]
fn three_nodes_on_one_database_converge_after_one_is_killed() {
    let Some(db) = TestDatabase::create() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let url = db.url();
    ok(
        watwerkt(&dir.path().join("node0"), url)
            .arg("import")
            .args(seed_files()),
        "",
    );
    let mut nodes: Vec<Node> = (0..3)
        .map(|i| Node::start(dir.path().join(format!("node{i}")), url))
        .collect();
    let (total, everything) = nodes[0].search("");
    assert!(total >= 50, "{total}");
    let numbers: Vec<String> = everything.iter().take(5).map(|(n, _)| n.clone()).collect();

    // Writes go to each live node in turn; node 2 is killed after write 10 and started again
    // after write 20. After each write through one node, another must have applied it.
    let mut titles: Vec<String> = vec![String::new(); numbers.len()];
    let mut lags = Vec::new();
    for k in 0..30 {
        if k == 10 {
            nodes[2].kill();
        }
        if k == 20 {
            let started = Instant::now();
            nodes[2].restart();
            eprintln!("node 2 restarted and caught up in {:?}", started.elapsed());
        }
        let live = if (10..20).contains(&k) { 2 } else { 3 };
        let writer = k % live;
        let i = k % numbers.len();
        titles[i] = format!("Zebrapad proef {k}");
        nodes[writer].patch(&numbers[i], &titles[i]);
        lags.push(visible(&nodes[writer], &nodes[(writer + 1) % live]));
    }
    let (median, max) = median_and_max(lags);
    eprintln!("visibility on another node after a write: median {median:?}, max {max:?}");

    let mut expected: Vec<(String, String)> = numbers.iter().cloned().zip(titles).collect();
    expected.sort();
    let took = converge(&nodes, "zebrapad", &(expected.len() as u64, expected));
    let all = nodes[0].search("");
    converge(&nodes, "", &all);
    assert_eq!(all.0, total, "edits add no project");
    eprintln!("all nodes converged {took:?} after the last write");
    for n in &nodes {
        let h = n.health();
        assert_eq!(h.first().map(|(k, _)| k.as_str()), Some("ok"), "{h:?}");
        assert_eq!(n.health_value("lag"), 0, "{h:?}");
    }

    // Pruning with no retention while the nodes run: at most the newest row stays, and a node
    // the log no longer reaches rebuilds; they still agree after the next write.
    let pruned: Value = serde_json::from_str(&ok(
        watwerkt(&dir.path().join("pruner"), url).args([
            "--json",
            "prune-log",
            "--retention-hours",
            "0",
        ]),
        "",
    ))
    .unwrap();
    assert!(pruned["oldest"].as_u64().unwrap() > 1, "{pruned}");
    // Pages are cached per index generation: fetched now, they must still change.
    let pages = [
        "/zoeken?q=zebrapad".to_owned(),
        format!("/project/{}", numbers[0]),
    ];
    for n in &nodes {
        for page in &pages {
            let (status, body) = http(&n.addr, "GET", page, &[], "");
            assert_eq!(status, 200, "{page}");
            assert!(!body.contains("Zebrapad na het snoeien"));
        }
    }
    nodes[1].patch(&numbers[0], "Zebrapad na het snoeien");
    let mut after = nodes[1].search("zebrapad");
    assert!(
        after
            .1
            .contains(&(numbers[0].clone(), "Zebrapad na het snoeien".into()))
    );
    after.1.sort();
    converge(&nodes, "zebrapad", &after);
    for n in &nodes {
        for page in &pages {
            let (_, body) = http(&n.addr, "GET", page, &[], "");
            assert!(
                body.contains("Zebrapad na het snoeien"),
                "{page} on {} still shows the page from before the write",
                n.addr
            );
        }
    }
}

/// Appends `n` rows to the log straight into the table, one project of the catalogue each (in
/// turn), as `n` edits elsewhere would, and raises the generation to match.
fn log_edits(url: &str, n: u32) {
    let sql = format!(
        "WITH p AS (SELECT number, row_number() OVER (ORDER BY number) - 1 AS k FROM projects),
              c AS (SELECT COUNT(*) AS n FROM projects),
              h AS (SELECT MAX(seq) AS seq FROM change_log),
              g AS (SELECT value::bigint AS gen FROM meta WHERE key = 'generation')
         INSERT INTO change_log (seq, generation, projects, at)
         SELECT h.seq + i, g.gen + i, p.number, extract(epoch FROM now())::bigint
         FROM generate_series(1, {n}) AS i, h, g, c, p WHERE p.k = i % c.n;
         UPDATE meta SET value = (value::bigint + {n})::text WHERE key = 'generation';"
    );
    let out = Command::new("psql")
        .args([url, "-v", "ON_ERROR_STOP=1", "-qc", &sql])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The figures quoted in the README: a second node's lag while one takes 50 writes/s, how long
/// an import of 20,000 projects takes to reach another node, a new node's index build, and the
/// catch-up of a node that was down while 10,000 and 100,000 changes were logged.
#[test]
#[ignore = "figures; takes about a minute"]
fn figures_lag_catch_up_and_build() {
    let Some(db) = TestDatabase::create() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let url = db.url();
    let loader = dir.path().join("loader");
    ok(watwerkt(&loader, url).arg("import").args(seed_files()), "");
    let a = Node::start(dir.path().join("a"), url);
    let mut b = Node::start(dir.path().join("b"), url);
    let numbers: Vec<String> = a.search("").1.into_iter().map(|(n, _)| n).collect();
    let (mut lags, mut writes) = (Vec::new(), Vec::new());
    let started = Instant::now();
    for k in 0..250u32 {
        let due = started + Duration::from_millis(20) * k;
        std::thread::sleep(due.saturating_duration_since(Instant::now()));
        let write = Instant::now();
        a.patch(
            &numbers[k as usize % numbers.len()],
            &format!("Zebrapad {k}"),
        );
        writes.push(write.elapsed());
        lags.push(visible(&a, &b));
    }
    let (write_median, write_max) = median_and_max(writes);
    eprintln!("a PATCH took median {write_median:?}, max {write_max:?}");
    let (median, max) = median_and_max(lags);
    eprintln!(
        "250 writes in {:?} (50/s asked, 50 projects): lag on the other node median {median:?}, max {max:?}",
        started.elapsed()
    );

    let big = dir.path().join("big.jsonl");
    std::fs::write(&big, common::big_jsonl(20_000)).unwrap();
    ok(watwerkt(&loader, url).arg("import").arg(&big), "");
    let started = Instant::now();
    let head = a.health_value("head");
    while a.health_value("applied") < head || b.health_value("applied") < head {
        std::thread::sleep(Duration::from_millis(10));
    }
    eprintln!(
        "an import of 20,000 projects was applied by both nodes {:?} after it committed",
        started.elapsed()
    );
    let started = Instant::now();
    let c = Node::start(dir.path().join("c"), url);
    eprintln!(
        "a new node built its index of {} projects from PostgreSQL in {:?}",
        c.search("").0,
        started.elapsed()
    );
    for n in [10_000, 100_000] {
        b.kill();
        log_edits(url, n);
        let started = Instant::now();
        b.restart();
        eprintln!(
            "a node that was down caught up with {n} logged changes in {:?}",
            started.elapsed()
        );
        assert_eq!(b.health_value("lag"), 0);
    }
    assert_eq!(b.search("").0, c.search("").0);
}
