//! The search benchmark: builds watwerkt's index, an SQLite FTS5 table and (when a server is
//! reachable) PostgreSQL full-text search from the same JSONL corpus, runs the same queries
//! ("top 10 + counts of all six facets + total") on each, and prints one table with build time,
//! size, peak memory, latency p50/p95/p99 and the ratios.

mod flat;
mod fts5;
pub mod kit;
mod postgres;
mod queries;

pub use postgres::DEFAULT_URL as POSTGRES_DEFAULT_URL;

use std::cell::RefCell;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use watwerkt_domain::Project;
use watwerkt_domain::record::ProjectRecord;
use watwerkt_search::{SearchIndex, SearchRequest, Sort};

pub use queries::{BenchQuery, parse_queries};

/// Timed passes over the query set after one untimed warm-up pass.
const ROUNDS: usize = 3;

/// Figures for one engine.
#[derive(Debug, Clone, PartialEq)]
pub struct EngineFigures {
    pub engine: &'static str,
    pub build: Duration,
    pub size_bytes: u64,
    /// VmHWM of this process when the engine's phase ended (see `SearchBenchReport::memory_note`).
    pub peak_memory_bytes: Option<u64>,
    pub p50: Duration,
    pub p95: Duration,
    pub p99: Duration,
}

/// What one run measured.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchBenchReport {
    pub projects: u64,
    pub queries: usize,
    pub rounds: usize,
    pub watwerkt: EngineFigures,
    pub fts5: EngineFigures,
    /// PostgreSQL's figures, or why it was skipped.
    pub postgres: std::result::Result<EngineFigures, String>,
    /// How peak memory was measured, printed under the table.
    pub memory_note: &'static str,
    /// watwerkt's slowest queries (median over the rounds), to show where its tail comes from.
    pub slowest: Slowest,
    /// watwerkt's p50 and p99 in the warm-up pass, when its caches (common words' bitsets,
    /// score arrays and facet counts) are still being filled.
    pub first_pass: (Duration, Duration),
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(1e-12)
}

const MEMORY_NOTE: &str = "peak memory = VmHWM of the bench process when the engine's phase \
ended; watwerkt runs first, so its figure covers only its own build and searches (resident \
pages of the memory-mapped index included); the FTS5 figure is the maximum over both phases; \
PostgreSQL works in its server processes (n/a). Baselines count facets over the filtered hits \
(not disjunctively as watwerkt does: slightly less work).";

/// Runs the whole benchmark; `work_dir` receives the watwerkt and FTS5 indexes (replaced if
/// present); PostgreSQL at `postgres_url` gets its own tables (`None`: skipped).
pub fn run_search_bench(
    corpus_jsonl: &Path,
    queries: &Path,
    work_dir: &Path,
    postgres_url: Option<&str>,
    out: &mut dyn Write,
) -> Result<SearchBenchReport> {
    let text = std::fs::read_to_string(queries)
        .with_context(|| format!("reading queries {}", queries.display()))?;
    let queries =
        parse_queries(&text).with_context(|| format!("parsing queries {}", queries.display()))?;
    if queries.is_empty() {
        bail!("no queries in the query file");
    }
    std::fs::create_dir_all(work_dir)
        .with_context(|| format!("creating {}", work_dir.display()))?;

    writeln!(
        out,
        "watwerkt: building the index from {}",
        corpus_jsonl.display()
    )?;
    let (watwerkt, projects, slowest, first_pass) =
        bench_watwerkt(corpus_jsonl, &queries, work_dir)?;
    writeln!(out, "SQLite FTS5: building from the same corpus")?;
    let fts5 = fts5::bench(
        corpus_jsonl,
        &queries,
        &work_dir.join("fts5.sqlite"),
        ROUNDS,
    )?;
    let postgres = match postgres_url.map(|url| (url, postgres::connect(url))) {
        None => Err("skipped: --no-postgres".to_owned()),
        Some((_, Err(why))) => Err(format!("skipped: {why}")),
        Some((url, Ok(client))) => {
            writeln!(out, "PostgreSQL: building from the same corpus")?;
            Ok(postgres::bench(
                client,
                url,
                corpus_jsonl,
                &queries,
                ROUNDS,
            )?)
        }
    };
    let report = SearchBenchReport {
        projects,
        queries: queries.len(),
        rounds: ROUNDS,
        watwerkt,
        fts5,
        postgres,
        memory_note: MEMORY_NOTE,
        slowest,
        first_pass,
    };
    print_table(&report, out)?;
    Ok(report)
}

fn bench_watwerkt(
    corpus: &Path,
    queries: &[BenchQuery],
    work_dir: &Path,
) -> Result<(EngineFigures, u64, Slowest, (Duration, Duration))> {
    let dir = work_dir.join("watwerkt-index");
    let (index, count, build) = build_index(corpus, &dir)?;
    let size_bytes = dir_size(&dir)?;
    let (first, timings, mut slowest) = time_queries(&index, queries)?;
    slowest.truncate(5);
    let (first50, _, first99) = percentiles(first);
    let (p50, p95, p99) = percentiles(timings);
    Ok((
        EngineFigures {
            engine: "watwerkt",
            build,
            size_bytes,
            peak_memory_bytes: peak_memory_bytes(),
            p50,
            p95,
            p99,
        },
        count,
        slowest,
        (first50, first99),
    ))
}

/// Builds watwerkt's index of `corpus` in `dir` (replaced if present), its projects labelled
/// first: the index, the number of projects and the build time (labelling included).
pub fn build_index(corpus: &Path, dir: &Path) -> Result<(SearchIndex, u64, Duration)> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).with_context(|| format!("clearing {}", dir.display()))?;
    }
    let start = Instant::now();
    let index = SearchIndex::open(dir)?;
    let failure: RefCell<Option<anyhow::Error>> = RefCell::new(None);
    let count = std::cell::Cell::new(0u64);
    {
        // Labelled as an import labels them, so the label facets are counted as in production.
        let labeller = watwerkt_labels::Labeller::shipped();
        let mut cache = watwerkt_labels::LabelCache::default();
        let mut counted = read_projects(corpus, &failure)?.map(|mut p| {
            count.set(count.get() + 1);
            p.derived = labeller.derive_cached(&p, &mut cache);
            p
        });
        index.rebuild(&mut counted, 1, &|_| {})?;
    }
    if let Some(e) = failure.into_inner() {
        return Err(e);
    }
    Ok((index, count.get(), start.elapsed()))
}

/// Times the query set on `index`: the warm-up pass's timings, those of `ROUNDS` timed passes,
/// and the slowest queries.
pub fn time_queries(
    index: &SearchIndex,
    queries: &[BenchQuery],
) -> Result<(Vec<Duration>, Vec<Duration>, Slowest)> {
    let requests: Vec<SearchRequest> = queries
        .iter()
        .map(|q| SearchRequest {
            query: q.query.clone(),
            filters: q.filters.clone(),
            limit: 10,
            offset: 0,
            sort: Sort::Relevance,
            // Every matched field's snippet, as the CLI and the API give them.
            passages: None,
            concepts: Vec::new(),
        })
        .collect();
    let (first, timings) = time_rounds(ROUNDS, requests.len(), |i| {
        index.search(&requests[i]).map(|_| ()).map_err(Into::into)
    })?;
    let slowest = slowest_queries(&timings, queries, queries.len());
    Ok((first, timings, slowest))
}

/// Queries with their median time, slowest first.
pub type Slowest = Vec<(String, Duration)>;

/// The `n` queries with the highest median time over the rounds (timings are round-major).
fn slowest_queries(timings: &[Duration], queries: &[BenchQuery], n: usize) -> Slowest {
    let mut medians: Vec<(String, Duration)> = queries
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let mut t: Vec<Duration> = timings
                .iter()
                .skip(i)
                .step_by(queries.len())
                .copied()
                .collect();
            t.sort();
            let label = if q.filters.is_empty() {
                q.query.clone()
            } else {
                let filters: Vec<String> =
                    q.filters.iter().map(|(k, v)| format!("{k}={v}")).collect();
                format!("{} [{}]", q.query, filters.join(", "))
            };
            (label, t.get(t.len() / 2).copied().unwrap_or_default())
        })
        .collect();
    medians.sort_by_key(|m| std::cmp::Reverse(m.1));
    medians.truncate(n);
    medians
}

/// Streams the corpus as `Project`s; the first bad line is kept in `failure` and ends the stream.
fn read_projects<'a>(
    corpus: &Path,
    failure: &'a RefCell<Option<anyhow::Error>>,
) -> Result<impl Iterator<Item = Project> + 'a> {
    let name = corpus.display().to_string();
    let file = std::fs::File::open(corpus).with_context(|| format!("opening corpus {name}"))?;
    let mut lines = BufReader::new(file).lines().enumerate();
    Ok(std::iter::from_fn(move || {
        if failure.borrow().is_some() {
            return None;
        }
        loop {
            let (i, line) = lines.next()?;
            match parse_project(&name, i + 1, line) {
                Ok(Some(p)) => return Some(p),
                Ok(None) => continue,
                Err(e) => {
                    *failure.borrow_mut() = Some(e);
                    return None;
                }
            }
        }
    }))
}

fn parse_project(
    name: &str,
    line_no: usize,
    line: std::io::Result<String>,
) -> Result<Option<Project>> {
    let line = line.with_context(|| format!("{name}:{line_no}: reading"))?;
    if line.trim().is_empty() {
        return Ok(None);
    }
    let record = parse_record(name, line_no, &line)?;
    let project =
        Project::try_from(record).map_err(|e| anyhow::anyhow!("{name}:{line_no}: {e}"))?;
    Ok(Some(project))
}

pub(crate) fn parse_record(name: &str, line_no: usize, line: &str) -> Result<ProjectRecord> {
    serde_json::from_str(line)
        .with_context(|| format!("{name}:{line_no}: expected one JSON project record"))
}

/// One warm-up pass, then `rounds` timed passes over all `n` queries: the warm-up's timings and
/// the timed passes'.
pub(crate) fn time_rounds(
    rounds: usize,
    n: usize,
    mut run: impl FnMut(usize) -> Result<()>,
) -> Result<(Vec<Duration>, Vec<Duration>)> {
    let mut timed = |i: usize| -> Result<Duration> {
        let start = Instant::now();
        run(i)?;
        Ok(start.elapsed())
    };
    let first = (0..n).map(&mut timed).collect::<Result<Vec<_>>>()?;
    let mut timings = Vec::with_capacity(rounds * n);
    for _ in 0..rounds {
        for i in 0..n {
            timings.push(timed(i)?);
        }
    }
    Ok((first, timings))
}

/// Nearest-rank p50, p95, p99.
pub fn percentiles(mut timings: Vec<Duration>) -> (Duration, Duration, Duration) {
    timings.sort();
    let at = |p: f64| -> Duration {
        if timings.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((p / 100.0) * timings.len() as f64).ceil() as usize;
        timings[rank.clamp(1, timings.len()) - 1]
    };
    (at(50.0), at(95.0), at(99.0))
}

pub(crate) fn dir_size(path: &Path) -> Result<u64> {
    let meta = std::fs::metadata(path).with_context(|| format!("reading {}", path.display()))?;
    if meta.is_file() {
        return Ok(meta.len());
    }
    let mut total = 0;
    let mut stack: Vec<PathBuf> = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in
            std::fs::read_dir(&dir).with_context(|| format!("listing {}", dir.display()))?
        {
            let entry = entry?;
            let meta = entry.metadata()?;
            if meta.is_dir() {
                stack.push(entry.path());
            } else {
                total += meta.len();
            }
        }
    }
    Ok(total)
}

/// VmHWM (peak resident set) of this process, from Linux's /proc; `None` elsewhere.
pub(crate) fn peak_memory_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1000.0)
}

fn mib(b: Option<u64>) -> String {
    b.map_or("n/a".into(), |b| format!("{:.0}", b as f64 / 1048576.0))
}

/// "12.3× faster" or "2.9× slower", from a watwerkt/FTS5 latency ratio.
fn speed(ratio: f64) -> String {
    if ratio <= 1.0 {
        format!("{:.1}× faster", 1.0 / ratio.max(1e-12))
    } else {
        format!("{ratio:.1}× slower")
    }
}

fn print_table(r: &SearchBenchReport, out: &mut dyn Write) -> Result<()> {
    writeln!(
        out,
        "\n{} projects, {} queries, {} timed rounds after one warm-up; per query: top 10 + counts \
         of theme, status, municipality, organisation, year, product_kind + total",
        r.projects, r.queries, r.rounds
    )?;
    writeln!(
        out,
        "{:<12} {:>9} {:>10} {:>10} {:>10} {:>10} {:>10}",
        "engine", "build s", "size MiB", "peak MiB", "p50 ms", "p95 ms", "p99 ms"
    )?;
    for e in [&r.watwerkt, &r.fts5]
        .into_iter()
        .chain(r.postgres.as_ref().ok())
    {
        writeln!(
            out,
            "{:<12} {:>9.2} {:>10.1} {:>10} {:>10} {:>10} {:>10}",
            e.engine,
            e.build.as_secs_f64(),
            e.size_bytes as f64 / 1048576.0,
            mib(e.peak_memory_bytes),
            ms(e.p50),
            ms(e.p95),
            ms(e.p99)
        )?;
    }
    for e in [&r.fts5].into_iter().chain(r.postgres.as_ref().ok()) {
        let (r50, r99) = (ratio(r.watwerkt.p50, e.p50), ratio(r.watwerkt.p99, e.p99));
        writeln!(
            out,
            "ratio watwerkt/{}: p50 {r50:.4} ({}), p99 {r99:.4} ({})",
            e.engine,
            speed(r50),
            speed(r99)
        )?;
    }
    if let Err(why) = &r.postgres {
        writeln!(out, "PostgreSQL {why}")?;
    }
    writeln!(
        out,
        "watwerkt in the warm-up pass (its caches of common words' bitsets, score arrays and \
         facet counts still filling): p50 {} ms, p99 {} ms",
        ms(r.first_pass.0),
        ms(r.first_pass.1)
    )?;
    writeln!(out, "{}", r.memory_note)?;
    let slowest: Vec<String> = r
        .slowest
        .iter()
        .map(|(q, t)| format!("{q} {}", ms(*t)))
        .collect();
    writeln!(
        out,
        "watwerkt's slowest queries (median ms): {}",
        slowest.join("; ")
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speed_says_faster_or_slower() {
        assert_eq!(speed(0.01), "100.0× faster");
        assert_eq!(speed(2.95), "3.0× slower");
    }

    #[test]
    fn percentiles_nearest_rank() {
        let t: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        let (p50, p95, p99) = percentiles(t);
        assert_eq!(
            (p50, p95, p99),
            (
                Duration::from_millis(50),
                Duration::from_millis(95),
                Duration::from_millis(99)
            )
        );
        assert_eq!(
            percentiles(vec![Duration::from_millis(7)]).2,
            Duration::from_millis(7)
        );
    }

    #[test]
    fn bad_corpus_line_names_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("c.jsonl");
        std::fs::write(&corpus, "{\"project_number\": 1}\n").unwrap();
        let failure = RefCell::new(None);
        let n = read_projects(&corpus, &failure).unwrap().count();
        assert_eq!(n, 0);
        let msg = format!("{:#}", failure.into_inner().unwrap());
        assert!(msg.contains("c.jsonl:1"), "{msg}");
    }
}
