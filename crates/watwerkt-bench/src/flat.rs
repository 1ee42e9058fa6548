//! A corpus project as the baselines (SQLite FTS5, PostgreSQL) store it: text columns and the six
//! facets' values, derived through watwerkt's own domain types so every engine counts the same.

use anyhow::Result;
use watwerkt_domain::Project;

use crate::parse_record;

/// The facets with one value per project (columns) and with several (rows of a side table).
pub(crate) const SINGLE_FACETS: [&str; 3] = ["theme", "status", "year"];

pub(crate) struct FlatProject {
    pub number: String,
    pub theme: String,
    pub status: String,
    pub year: String,
    pub title: String,
    pub teaser: String,
    pub question: String,
    pub outcome: String,
    pub method: String,
    pub products: String,
    pub organisations: String,
    /// (facet, value) for municipality, organisation and product_kind.
    pub multi: Vec<(&'static str, String)>,
}

/// Parses one corpus line (`name:line_no` names it in errors).
pub(crate) fn flat(name: &str, line_no: usize, line: &str) -> Result<FlatProject> {
    let record = parse_record(name, line_no, line)?;
    let p = Project::try_from(record).map_err(|e| anyhow::anyhow!("{name}:{line_no}: {e}"))?;
    let mut multi: Vec<(&'static str, String)> = Vec::new();
    multi.extend(p.municipalities.iter().map(|m| ("municipality", m.clone())));
    multi.extend(
        p.organisations
            .iter()
            .map(|o| ("organisation", o.name.clone())),
    );
    let mut kinds: Vec<&str> = p.products.iter().map(|x| x.kind.label()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    multi.extend(kinds.into_iter().map(|k| ("product_kind", k.to_owned())));
    let join = |v: Vec<&str>| v.join("; ");
    Ok(FlatProject {
        number: p.number.as_str().to_owned(),
        theme: p.theme.name().to_owned(),
        status: p.status.map_or("Onbekend", |s| s.name()).to_owned(),
        year: p
            .start
            .map(|d| d.get_year().to_string())
            .unwrap_or_default(),
        title: match &p.full_title {
            Some(full) => format!("{}\n{full}", p.title),
            None => p.title.clone(),
        },
        teaser: p.teaser.clone().unwrap_or_default(),
        question: p.question.clone(),
        outcome: p.outcome.clone(),
        method: p.method.clone(),
        products: join(p.products.iter().map(|x| x.title.as_str()).collect()),
        organisations: join(p.organisations.iter().map(|o| o.name.as_str()).collect()),
        multi,
    })
}
