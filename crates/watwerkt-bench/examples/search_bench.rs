//! Runs the search benchmark by hand: `cargo run --release -p watwerkt-bench --example
//! search_bench -- CORPUS.jsonl QUERIES.txt WORK_DIR` (the CLI's `watwerkt bench search` is the
//! usual way; this needs no CLI).

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [corpus, queries, work] = args.as_slice() else {
        anyhow::bail!("usage: search_bench CORPUS.jsonl QUERIES.txt WORK_DIR");
    };
    watwerkt_bench::run_search_bench(
        corpus.as_ref(),
        queries.as_ref(),
        work.as_ref(),
        &mut std::io::stdout(),
    )?;
    Ok(())
}
