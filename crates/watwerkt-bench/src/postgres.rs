//! The PostgreSQL side of the benchmark: full-text search with the 'dutch' configuration, a
//! weighted tsvector (title A, teaser and question B, outcome C, the rest D) under a GIN index,
//! `ts_rank` ordering, and the same per-query work as watwerkt (top 10 + counts of all six facets
//! + total). Tables are UNLOGGED (a benchmark needs no crash safety) and prefixed `watwerkt_bench_`.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use postgres::types::ToSql;
use postgres::{Client, NoTls, Statement};

use crate::flat::flat;
use crate::{BenchQuery, EngineFigures, percentiles, time_rounds};

/// The local server the benchmark expects (trust authentication).
pub const DEFAULT_URL: &str = "host=127.0.0.1 port=5432 user=postgres dbname=test";

/// Connects, or says why not (the caller skips the column).
pub(crate) fn connect(url: &str) -> std::result::Result<Client, String> {
    Client::connect(url, NoTls).map_err(|e| format!("cannot connect to PostgreSQL ({url}): {e}"))
}

pub(crate) fn bench(
    mut client: Client,
    url: &str,
    corpus: &Path,
    queries: &[BenchQuery],
    rounds: usize,
) -> Result<EngineFigures> {
    let start = Instant::now();
    build(&mut client, url, corpus)?;
    let build = start.elapsed();
    let size: i64 = client
        .query_one(
            "SELECT pg_total_relation_size('watwerkt_bench_projects') \
             + pg_total_relation_size('watwerkt_bench_facets')",
            &[],
        )?
        .get(0);
    let prepared: Vec<Prepared> = queries
        .iter()
        .map(|q| prepare(&mut client, q))
        .collect::<Result<_>>()?;
    let (_, timings) = time_rounds(rounds, prepared.len(), |i| {
        run_query(&mut client, &prepared[i])
    })?;
    let (p50, p95, p99) = percentiles(timings);
    Ok(EngineFigures {
        engine: "PostgreSQL",
        build,
        size_bytes: u64::try_from(size).unwrap_or(0),
        // The work happens in the server's processes, not in this one.
        peak_memory_bytes: None,
        p50,
        p95,
        p99,
    })
}

fn build(client: &mut Client, url: &str, corpus: &Path) -> Result<()> {
    client.batch_execute(
        "DROP TABLE IF EXISTS watwerkt_bench_src, watwerkt_bench_projects, watwerkt_bench_facets;
         CREATE UNLOGGED TABLE watwerkt_bench_src(id int, number text, theme text, status text,
             year text, title text, teaser text, question text, outcome text, method text,
             extra text);
         CREATE UNLOGGED TABLE watwerkt_bench_facets(id int, facet text, value text);",
    )?;
    // Two connections, so the projects and their facet rows stream in one pass over the corpus.
    let mut facet_client = connect(url).map_err(anyhow::Error::msg)?;
    let name = corpus.display().to_string();
    let file = std::fs::File::open(corpus).with_context(|| format!("opening corpus {name}"))?;
    {
        let mut src = client.copy_in("COPY watwerkt_bench_src FROM STDIN")?;
        let mut facets = facet_client.copy_in("COPY watwerkt_bench_facets FROM STDIN")?;
        let mut id = 0u64;
        let mut row = String::new();
        for (i, line) in BufReader::new(file).lines().enumerate() {
            let line = line.with_context(|| format!("{name}:{}: reading", i + 1))?;
            if line.trim().is_empty() {
                continue;
            }
            let p = flat(&name, i + 1, &line)?;
            id += 1;
            row.clear();
            row.push_str(&id.to_string());
            let extra = format!("{} {}", p.products, p.organisations);
            for col in [
                &p.number,
                &p.theme,
                &p.status,
                &p.year,
                &p.title,
                &p.teaser,
                &p.question,
                &p.outcome,
                &p.method,
                &extra,
            ] {
                row.push('\t');
                escape_copy(&mut row, col);
            }
            row.push('\n');
            src.write_all(row.as_bytes())?;
            for (f, v) in &p.multi {
                row.clear();
                row.push_str(&format!("{id}\t{f}\t"));
                escape_copy(&mut row, v);
                row.push('\n');
                facets.write_all(row.as_bytes())?;
            }
        }
        src.finish()?;
        facets.finish()?;
    }
    client.batch_execute(
        "CREATE UNLOGGED TABLE watwerkt_bench_projects AS
             SELECT id, number, theme, status, year,
                 setweight(to_tsvector('dutch', title), 'A')
                 || setweight(to_tsvector('dutch', teaser || ' ' || question), 'B')
                 || setweight(to_tsvector('dutch', outcome), 'C')
                 || setweight(to_tsvector('dutch', method || ' ' || extra), 'D') AS tsv
             FROM watwerkt_bench_src;
         DROP TABLE watwerkt_bench_src;
         ALTER TABLE watwerkt_bench_projects ADD PRIMARY KEY (id);
         CREATE INDEX watwerkt_bench_tsv ON watwerkt_bench_projects USING gin(tsv);
         CREATE INDEX watwerkt_bench_facet_value ON watwerkt_bench_facets(facet, value, id);
         CREATE INDEX watwerkt_bench_facet_id ON watwerkt_bench_facets(id);
         ANALYZE watwerkt_bench_projects;
         ANALYZE watwerkt_bench_facets;",
    )?;
    Ok(())
}

/// COPY text format: backslash, tab, newline and carriage return are escaped.
fn escape_copy(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}

/// One query's three statements and their arguments ($1 is the query text).
struct Prepared {
    top: Statement,
    single: Statement,
    multi: Statement,
    args: Vec<String>,
}

fn prepare(client: &mut Client, q: &BenchQuery) -> Result<Prepared> {
    let mut filters = String::new();
    let mut args = vec![q.query.clone()];
    for (key, value) in &q.filters {
        args.push(value.clone());
        let n = args.len();
        match key.as_str() {
            "theme" => filters.push_str(&format!(" AND p.theme = ${n}")),
            "status" => filters.push_str(&format!(" AND p.status = ${n}")),
            "municipality" => filters.push_str(&format!(
                " AND p.id IN (SELECT id FROM watwerkt_bench_facets \
                 WHERE facet = 'municipality' AND value = ${n})"
            )),
            other => bail!(
                "query `{}`: filter `{other}` is not theme, status or municipality",
                q.query
            ),
        }
    }
    let from = "FROM watwerkt_bench_projects p CROSS JOIN plainto_tsquery('dutch', $1) q";
    let matched = format!("WHERE p.tsv @@ q{filters}");
    Ok(Prepared {
        top: client.prepare(&format!(
            "SELECT p.number {from} {matched} ORDER BY ts_rank(p.tsv, q) DESC LIMIT 10"
        ))?,
        single: client.prepare(&format!(
            "SELECT p.theme, p.status, p.year, count(*) {from} {matched} \
             GROUP BY GROUPING SETS ((p.theme), (p.status), (p.year))"
        ))?,
        multi: client.prepare(&format!(
            "SELECT f.facet, f.value, count(*) {from} \
             JOIN watwerkt_bench_facets f ON f.id = p.id {matched} GROUP BY f.facet, f.value"
        ))?,
        args,
    })
}

/// Top 10 by ts_rank, counts of every facet, and the total (the sum of the theme counts).
fn run_query(client: &mut Client, p: &Prepared) -> Result<()> {
    let args: Vec<&(dyn ToSql + Sync)> = p.args.iter().map(|a| a as &(dyn ToSql + Sync)).collect();
    let hits: Vec<String> = client
        .query(&p.top, &args)?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let single = client.query(&p.single, &args)?;
    let total: i64 = single
        .iter()
        .filter(|r| r.get::<_, Option<String>>(0).is_some())
        .map(|r| r.get::<_, i64>(3))
        .sum();
    let multi = client.query(&p.multi, &args)?;
    std::hint::black_box((hits, total, single.len(), multi.len()));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_text_is_escaped() {
        let mut s = String::new();
        escape_copy(&mut s, "a\tb\nc\\d");
        assert_eq!(s, "a\\tb\\nc\\\\d");
    }
}
