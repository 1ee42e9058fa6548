//! Runs the search benchmark by hand: `cargo run --release -p watwerkt-bench --example
//! search_bench -- CORPUS.jsonl QUERIES.txt WORK_DIR` (`watwerkt-bench search` is the usual way;
//! this takes no flags). PostgreSQL is the local default server
//! (`watwerkt_bench::POSTGRES_DEFAULT_URL`), skipped if it cannot be reached.

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [corpus, queries, work] = args.as_slice() else {
        anyhow::bail!("usage: search_bench CORPUS.jsonl QUERIES.txt WORK_DIR");
    };
    watwerkt_bench::run_search_bench(
        corpus.as_ref(),
        queries.as_ref(),
        work.as_ref(),
        Some(watwerkt_bench::POSTGRES_DEFAULT_URL),
        &mut std::io::stdout(),
    )?;
    Ok(())
}
