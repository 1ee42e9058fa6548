//! The SQLite FTS5 side of the benchmark: unicode61 with remove_diacritics 2, bm25 ranking, and
//! the same per-query work as watwerkt (top 10 + counts of all six facets + total).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use rusqlite::{Connection, params, params_from_iter};

use crate::flat::{SINGLE_FACETS, flat};
use crate::{BenchQuery, EngineFigures, dir_size, peak_memory_bytes, percentiles, time_rounds};

/// Column weights for bm25(): the same order of importance as watwerkt's field weights
/// (title ≫ teaser, question > outcome > method > products, organisations).
const BM25: &str = "bm25(docs, 10.0, 4.0, 4.0, 2.0, 1.5, 1.0, 1.0)";

pub(crate) fn bench(
    corpus: &Path,
    queries: &[BenchQuery],
    db_path: &Path,
    rounds: usize,
) -> Result<EngineFigures> {
    if db_path.exists() {
        std::fs::remove_file(db_path).with_context(|| format!("clearing {}", db_path.display()))?;
    }
    let start = Instant::now();
    let mut conn = Connection::open(db_path)?;
    build(&mut conn, corpus)?;
    let build = start.elapsed();
    let size_bytes = dir_size(db_path)?;

    let prepared: Vec<(String, Vec<String>)> = queries.iter().map(to_sql).collect::<Result<_>>()?;
    let (_, timings) = time_rounds(rounds, prepared.len(), |i| {
        let (where_sql, args) = &prepared[i];
        run_query(&conn, where_sql, args)
    })?;
    let (p50, p95, p99) = percentiles(timings);
    Ok(EngineFigures {
        engine: "SQLite FTS5",
        build,
        size_bytes,
        peak_memory_bytes: peak_memory_bytes(),
        p50,
        p95,
        p99,
    })
}

fn build(conn: &mut Connection, corpus: &Path) -> Result<()> {
    conn.execute_batch(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
         CREATE TABLE projects(id INTEGER PRIMARY KEY, number TEXT, theme TEXT, status TEXT, year TEXT);
         CREATE TABLE facets(id INTEGER, facet TEXT, value TEXT);
         CREATE VIRTUAL TABLE docs USING fts5(title, teaser, question, outcome, method, products,
             organisations, tokenize = \"unicode61 remove_diacritics 2\");",
    )?;
    let name = corpus.display().to_string();
    let file = std::fs::File::open(corpus).with_context(|| format!("opening corpus {name}"))?;
    let tx = conn.transaction()?;
    {
        let mut project = tx.prepare("INSERT INTO projects VALUES (?1, ?2, ?3, ?4, ?5)")?;
        let mut facet = tx.prepare("INSERT INTO facets VALUES (?1, ?2, ?3)")?;
        let mut doc = tx.prepare("INSERT INTO docs(rowid, title, teaser, question, outcome, method, products, organisations) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")?;
        let mut id = 0i64;
        for (i, line) in BufReader::new(file).lines().enumerate() {
            let line = line.with_context(|| format!("{name}:{}: reading", i + 1))?;
            if line.trim().is_empty() {
                continue;
            }
            let r = flat(&name, i + 1, &line)?;
            id += 1;
            project.execute(params![id, r.number, r.theme, r.status, r.year])?;
            for (f, v) in &r.multi {
                facet.execute(params![id, f, v])?;
            }
            doc.execute(params![
                id,
                r.title,
                r.teaser,
                r.question,
                r.outcome,
                r.method,
                r.products,
                r.organisations
            ])?;
        }
    }
    tx.commit()?;
    conn.execute_batch(
        "CREATE INDEX facets_value ON facets(facet, value, id); CREATE INDEX facets_id ON facets(id); INSERT INTO docs(docs) VALUES ('optimize'); ANALYZE;",
    )?;
    Ok(())
}

/// The WHERE clause (over `docs` joined to `projects p`) and its arguments; words are quoted
/// as FTS5 strings so hyphens and other punctuation cannot break the MATCH syntax.
fn to_sql(q: &BenchQuery) -> Result<(String, Vec<String>)> {
    let words: Vec<String> = q
        .query
        .split_whitespace()
        .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
        .collect();
    if words.is_empty() {
        bail!("query `{}`: FTS5 needs at least one word", q.query);
    }
    let mut sql = String::from("docs MATCH ?1");
    let mut args = vec![words.join(" ")];
    for (key, value) in &q.filters {
        args.push(value.clone());
        let n = args.len();
        match key.as_str() {
            "theme" => sql.push_str(&format!(" AND p.theme = ?{n}")),
            "status" => sql.push_str(&format!(" AND p.status = ?{n}")),
            "municipality" => sql.push_str(&format!(
                " AND p.id IN (SELECT id FROM facets WHERE facet = 'municipality' AND value = ?{n})"
            )),
            other => bail!(
                "query `{}`: filter `{other}` is not theme, status or municipality",
                q.query
            ),
        }
    }
    Ok((sql, args))
}

/// Top 10 by bm25, counts of every facet, and the total (the sum of the theme counts, since every
/// project has exactly one theme).
fn run_query(conn: &Connection, where_sql: &str, args: &[String]) -> Result<()> {
    let from = format!("FROM docs JOIN projects p ON p.id = docs.rowid WHERE {where_sql}");
    let mut top = conn.prepare_cached(&format!("SELECT p.number FROM docs JOIN projects p ON p.id = docs.rowid WHERE {where_sql} ORDER BY {BM25} LIMIT 10"))?;
    let hits: Vec<String> = top
        .query_map(params_from_iter(args), |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut total = 0u64;
    for facet in SINGLE_FACETS {
        let mut counts = conn.prepare_cached(&format!(
            "SELECT p.{facet}, count(*) {from} GROUP BY p.{facet}"
        ))?;
        let rows: Vec<(Option<String>, u64)> = counts
            .query_map(params_from_iter(args), |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        if facet == "theme" {
            total = rows.iter().map(|r| r.1).sum();
        }
    }
    let mut multi = conn.prepare_cached(&format!(
        "SELECT f.facet, f.value, count(*) FROM docs JOIN projects p ON p.id = docs.rowid \
         JOIN facets f ON f.id = p.id WHERE {where_sql} GROUP BY f.facet, f.value"
    ))?;
    let rows: Vec<(String, String, u64)> = multi
        .query_map(params_from_iter(args), |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    std::hint::black_box((hits, total, rows));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_and_filters_become_sql() {
        let (sql, args) = to_sql(&BenchQuery {
            query: "re-integratie \"x".into(),
            filters: vec![("municipality".into(), "Leeuwarden".into())],
        })
        .unwrap();
        assert_eq!(
            args,
            vec![
                "\"re-integratie\" \"\"\"x\"".to_string(),
                "Leeuwarden".to_string()
            ]
        );
        assert!(
            sql.ends_with(
                "p.id IN (SELECT id FROM facets WHERE facet = 'municipality' AND value = ?2)"
            ),
            "{sql}"
        );
        assert!(
            to_sql(&BenchQuery {
                query: "a".into(),
                filters: vec![("year".into(), "1".into())]
            })
            .is_err()
        );
    }
}
