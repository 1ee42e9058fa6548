//! `watwerkt-bench`: the figures the issues ask for, printed as tables. Benchmarks, not tests,
//! and not part of the shipped `watwerkt` binary: run them on a quiet machine with a release build
//! (`cargo run --release -p watwerkt-bench -- search|import|labels|parse …`).
//!
//! Exit codes: 0 ok, 1 the benchmark failed, 2 bad use (including a missing input file).

use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use watwerkt_bench::kit::{self, MissingInput};
use watwerkt_catalog::{BUNDLED_PAGES, Catalog};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Benchmarks of watwerkt: parse time, label derivation, bulk import, search latency.
#[derive(Debug, Parser)]
#[command(name = "watwerkt-bench", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    what: BenchCommand,
}

#[derive(Debug, Subcommand)]
enum BenchCommand {
    /// Parse time of the bundled catalogue pages (no database).
    Parse {
        #[arg(long, default_value_t = 50)]
        rounds: usize,
    },
    /// Search latency, index build time, size and memory, side by side with SQLite FTS5 and
    /// PostgreSQL full-text search.
    Search {
        /// Corpus sizes to run, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "10000,100000,1000000")]
        sizes: Vec<u64>,
        /// The latency query set.
        #[arg(long, default_value_os_t = kit::queries())]
        queries: PathBuf,
        /// The PostgreSQL server of the baseline (its column is skipped, with the reason, when it
        /// cannot be reached).
        #[arg(long, default_value = watwerkt_bench::POSTGRES_DEFAULT_URL)]
        postgres: String,
        /// Leave PostgreSQL out (its build takes minutes at a million projects).
        #[arg(long)]
        no_postgres: bool,
        #[command(flatten)]
        corpus: CorpusArgs,
    },
    /// Time to derive the "wat werkt voor wie" labels, per project, on one thread.
    Labels {
        #[arg(long, default_value_t = 100_000)]
        n: u64,
        #[command(flatten)]
        corpus: CorpusArgs,
    },
    /// Bulk JSONL import throughput and peak memory into an empty store.
    Import {
        /// Number of synthetic projects (gencorpus.py --n).
        #[arg(long, default_value_t = 1_000_000)]
        n: u64,
        /// Import twice, with and without deriving the "wat werkt voor wie" labels, and print
        /// what deriving adds.
        #[arg(long)]
        compare_labels: bool,
        #[command(flatten)]
        corpus: CorpusArgs,
    },
}

#[derive(Debug, clap::Args)]
struct CorpusArgs {
    /// The corpus generator (Python 3, standard library only).
    #[arg(long, default_value_os_t = kit::gencorpus())]
    gencorpus: PathBuf,
    /// Where corpora and scratch stores go (reused between runs).
    #[arg(long, default_value_os_t = kit::work_dir())]
    work_dir: PathBuf,
}

impl CorpusArgs {
    /// The corpus of `n` projects, generated once and cached in the work dir.
    fn corpus(&self, n: u64) -> anyhow::Result<PathBuf> {
        std::fs::create_dir_all(&self.work_dir)
            .with_context(|| format!("creating {}", self.work_dir.display()))?;
        let path = self.work_dir.join(format!("corpus-{n}.jsonl"));
        if path.exists() {
            return Ok(path);
        }
        kit::require(&self.gencorpus, "corpus generator", "--gencorpus")?;
        eprintln!(
            "generating {} with {} --n {n} --seed 1",
            kit::tidy(&path).display(),
            kit::tidy(&self.gencorpus).display()
        );
        let tmp = path.with_extension("jsonl.partial");
        let out = std::fs::File::create(&tmp)?;
        let status = Command::new("python3")
            .arg(&self.gencorpus)
            .args(["--n", &n.to_string(), "--seed", "1"])
            .stdout(Stdio::from(out))
            .status()
            .context("running python3")?;
        if !status.success() {
            bail!("gencorpus.py failed: {status}");
        }
        std::fs::rename(&tmp, &path)?;
        Ok(path)
    }

    fn fresh_dir(&self, name: &str) -> anyhow::Result<PathBuf> {
        let dir = self.work_dir.join(name);
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        Ok(dir)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.what) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is::<MissingInput>() => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn run(what: BenchCommand) -> anyhow::Result<()> {
    match what {
        BenchCommand::Parse { rounds } => parse(rounds.max(1)),
        BenchCommand::Labels { n, corpus } => labels(n, &corpus),
        BenchCommand::Import {
            n,
            compare_labels,
            corpus,
        } => {
            let with = import(n, &corpus, true)?;
            if compare_labels {
                let without = import(n, &corpus, false)?;
                println!(
                    "deriving labels adds {:.1}% to the import ({with:.2} s with, {without:.2} s without)",
                    (with / without - 1.0) * 100.0
                );
            }
            Ok(())
        }
        BenchCommand::Search {
            sizes,
            queries,
            postgres,
            no_postgres,
            corpus,
        } => search(
            &sizes,
            &queries,
            (!no_postgres).then_some(postgres.as_str()),
            &corpus,
        ),
    }
}

fn parse(rounds: usize) -> anyhow::Result<()> {
    let mut times = Vec::with_capacity(rounds);
    let mut projects = 0;
    for _ in 0..rounds {
        let start = Instant::now();
        projects = 0;
        for (name, bytes) in BUNDLED_PAGES {
            let page = watwerkt_import::parse_page(name, bytes)?;
            projects += page.projects.len();
        }
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let bytes: usize = BUNDLED_PAGES.iter().map(|(_, b)| b.len()).sum();
    println!(
        "parse of the bundled catalogue: {} pages, {bytes} bytes, {projects} projects",
        BUNDLED_PAGES.len()
    );
    println!(
        "  {rounds} rounds: min {:.3} ms, median {:.3} ms, max {:.3} ms",
        times[0],
        times[times.len() / 2],
        times[times.len() - 1]
    );
    Ok(())
}

fn labels(n: u64, args: &CorpusArgs) -> anyhow::Result<()> {
    let corpus = args.corpus(n)?;
    let name = corpus.display().to_string();
    let reader = std::io::BufReader::new(std::fs::File::open(&corpus)?);
    let projects =
        watwerkt_import::JsonlReader::new(&name, reader).collect::<Result<Vec<_>, _>>()?;
    let labeller = watwerkt_labels::Labeller::shipped();
    let mut cache = watwerkt_labels::LabelCache::default();
    let start = Instant::now();
    let mut labels = 0;
    for p in &projects {
        let d = labeller.derive_cached(p, &mut cache);
        labels += d.target_groups.len() + d.designs.len() + d.outcome_domains.len();
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "labels of {} projects: {secs:.2} s, {:.1} µs per project, {:.1} labels per project",
        projects.len(),
        secs * 1e6 / projects.len() as f64,
        labels as f64 / projects.len() as f64
    );
    Ok(())
}

/// One bulk import into an empty store; returns its wall time in seconds.
fn import(n: u64, args: &CorpusArgs, labels: bool) -> anyhow::Result<f64> {
    let corpus = args.corpus(n)?;
    let size = std::fs::metadata(&corpus)?.len();
    let dir = args.fresh_dir("import-store")?;
    let mut catalog = Catalog::open(&dir)?;
    if !labels {
        catalog = catalog.without_labels_for_benchmark();
    }
    let sampler = AnonSampler::start();
    let start = Instant::now();
    let outcome = catalog.import(std::slice::from_ref(&corpus), &|_| {})?;
    let total = start.elapsed().as_secs_f64();
    let records = outcome.inserted + outcome.updated + outcome.unchanged;
    println!(
        "bulk import of {} ({records} records, {:.0} MB) into an empty store, labels {}",
        kit::tidy(&corpus).display(),
        size as f64 / 1e6,
        if labels { "derived" } else { "not derived" }
    );
    println!(
        "  store (parse + one transaction): {:>8.2} s  {:>9.0} records/s",
        outcome.store_seconds,
        records as f64 / outcome.store_seconds
    );
    println!(
        "  search index build:              {:>8.2} s",
        outcome.index_seconds
    );
    println!(
        "  total:                           {:>8.2} s  {:>9.0} records/s",
        total,
        records as f64 / total
    );
    let anon = sampler.stop();
    match (anon, peak_memory_mb()) {
        (Some(anon), Some(hwm)) => {
            println!("  peak heap memory (RssAnon, sampled every 20 ms): {anon:.0} MB");
            println!("  peak resident memory incl. memory-mapped index files (VmHWM): {hwm:.0} MB");
        }
        _ => println!("  peak memory: /proc/self/status not readable here"),
    }
    Ok(total)
}

/// A field of Linux's /proc/self/status, in MB.
fn status_mb(field: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Peak resident memory of this process so far. It counts pages of memory-mapped files too
/// (the search index is read through mmap), so it overstates what the process allocates.
fn peak_memory_mb() -> Option<f64> {
    status_mb("VmHWM:")
}

/// Samples the process's anonymous (heap) memory on a thread, since Linux keeps no peak of it.
struct AnonSampler {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    handle: std::thread::JoinHandle<Option<f64>>,
}

impl AnonSampler {
    fn start() -> Self {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        let handle = std::thread::spawn(move || {
            let mut peak: Option<f64> = None;
            while !flag.load(std::sync::atomic::Ordering::Relaxed) {
                if let Some(mb) = status_mb("RssAnon:") {
                    peak = Some(peak.map_or(mb, |p: f64| p.max(mb)));
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            peak
        });
        Self { stop, handle }
    }

    fn stop(self) -> Option<f64> {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        self.handle.join().ok().flatten()
    }
}

fn search(
    sizes: &[u64],
    queries: &std::path::Path,
    postgres: Option<&str>,
    args: &CorpusArgs,
) -> anyhow::Result<()> {
    kit::require(queries, "query set", "--queries")?;
    for &n in sizes {
        let corpus = args.corpus(n)?;
        let work = args.fresh_dir(&format!("search-{n}"))?;
        std::fs::create_dir_all(&work)?;
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        watwerkt_bench::run_search_bench(&corpus, queries, &work, postgres, &mut out)?;
    }
    Ok(())
}
