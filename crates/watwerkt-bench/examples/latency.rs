//! Development aid for work on the engine's speed: build an index once, then time the query set
//! against it as often as needed (the `watwerkt-bench search` command always rebuilds and runs
//! the baselines too).
//!
//! cargo run --release -p watwerkt-bench --example latency -- build CORPUS.jsonl DIR
//! cargo run --release -p watwerkt-bench --example latency -- query DIR QUERIES [SLOWEST]

use std::path::Path;

use anyhow::{Context, bail};
use watwerkt_bench::{build_index, parse_queries, percentiles, time_queries};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["build", corpus, dir] => {
            let (_, n, took) = build_index(Path::new(corpus), Path::new(dir))?;
            println!("built {n} projects in {:.2} s", took.as_secs_f64());
        }
        ["query", dir, queries, rest @ ..] => {
            let slowest: usize = rest.first().map_or(Ok(10), |s| s.parse())?;
            let text = std::fs::read_to_string(queries).context("reading queries")?;
            let queries = parse_queries(&text)?;
            let index = watwerkt_search::SearchIndex::open(Path::new(dir))?;
            let (first, timings, mut worst) = time_queries(&index, &queries)?;
            let (first50, _, first99) = percentiles(first);
            println!(
                "first pass (caches filling): p50 {:.3} ms  p99 {:.3} ms",
                ms(first50),
                ms(first99)
            );
            let (p50, p95, p99) = percentiles(timings);
            println!(
                "p50 {:.3} ms  p95 {:.3} ms  p99 {:.3} ms",
                ms(p50),
                ms(p95),
                ms(p99)
            );
            worst.truncate(slowest);
            for (q, t) in worst {
                println!("{:>8.3}  {q}", ms(t));
            }
        }
        _ => bail!("usage: latency build CORPUS DIR | latency query DIR QUERIES [SLOWEST]"),
    }
    Ok(())
}
