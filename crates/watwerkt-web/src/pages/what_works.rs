//! "Wat werkt voor wie" (`/wat-werkt`, `/en/what-works`): the evidence gap map as a table and
//! its CSV download; its JSON is the API's (`crate::api`). All three read one [`GapMap`], kept per
//! index generation and filter set; each cell links to the search that finds its projects.

use std::sync::Arc;

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use watwerkt_domain::{Dimension, Theme};

use super::{Layout, blocking};
use crate::Shared;
use crate::error::AppError;
use crate::gap_map::{GapMap, MapFilters, STATUSES};
use crate::i18n::Lang;
use crate::vocab::{self, MAX_LEVEL};

/// Shades of a non-empty cell: more projects, darker (relative to the fullest cell).
const SHADES: u64 = 3;

pub(crate) async fn gap_map(app: &Shared, filters: MapFilters) -> Result<Arc<GapMap>, AppError> {
    if let Some(m) = app.gap_maps.cached(app.catalog.index(), &filters) {
        return Ok(m);
    }
    let a = app.clone();
    blocking(app, move |c| Ok(a.gap_maps.get(c.index(), filters)?)).await
}

/// A choice of a filter's select.
struct Choice {
    value: &'static str,
    label: String,
    selected: bool,
}

struct CellView {
    /// The column's name, for the link's text to screen readers (the row's is [`RowView::name`]).
    column: &'static str,
    count: u64,
    href: String,
    /// (level, projects), strongest first, levels without projects left out.
    levels: Vec<(u8, u64)>,
    /// (status word, projects), statuses without projects left out.
    statuses: Vec<(String, u64)>,
    /// 1 to [`SHADES`]; 0 for a gap.
    shade: u64,
}

struct RowView {
    name: &'static str,
    cells: Vec<CellView>,
}

#[derive(Template)]
#[template(path = "what-works.html")]
struct WhatWorksPage {
    l: Layout,
    action: String,
    csv: String,
    themes: Vec<Choice>,
    designs: Vec<Choice>,
    statuses: Vec<Choice>,
    /// "Programmalijn: Re-integratie", … for the caption.
    active: Vec<String>,
    total: u64,
    columns: Vec<&'static str>,
    rows: Vec<RowView>,
    levels: Vec<String>,
}

fn choices<T: Copy + PartialEq>(
    all: impl IntoIterator<Item = T>,
    selected: Option<T>,
    value: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> String,
) -> Vec<Choice> {
    all.into_iter()
        .map(|x| Choice {
            value: value(x),
            label: label(x),
            selected: selected == Some(x),
        })
        .collect()
}

fn with_query(path: String, query: &str) -> String {
    if query.is_empty() {
        path
    } else {
        format!("{path}?{query}")
    }
}

pub async fn page(
    State(app): State<Shared>,
    RawQuery(raw): RawQuery,
    l: Layout,
) -> Result<Response, AppError> {
    let filters = MapFilters::parse(raw.as_deref())?;
    let map = gap_map(&app, filters).await?;
    let lang = l.lang;
    let t = l.t;
    let max = (0..map.rows.len())
        .flat_map(|r| (0..map.columns.len()).map(move |c| (r, c)))
        .map(|(r, c)| map.cell(r, c).count)
        .max()
        .unwrap_or(0)
        .max(1);
    let rows = map
        .rows
        .iter()
        .enumerate()
        .map(|(r, row)| RowView {
            name: vocab::name(lang, row),
            cells: (0..map.columns.len())
                .map(|c| {
                    let cell = map.cell(r, c);
                    CellView {
                        column: vocab::name(lang, &map.columns[c]),
                        count: cell.count,
                        href: format!("{}{}", l.base, map.search(r, c).url()),
                        levels: (0..=MAX_LEVEL)
                            .rev()
                            .map(|n| (n, cell.by_level[usize::from(n)]))
                            .filter(|(_, k)| *k > 0)
                            .collect(),
                        statuses: STATUSES
                            .iter()
                            .zip(cell.by_status)
                            .filter(|(_, k)| *k > 0)
                            .map(|(s, k)| (lang.status(*s).to_lowercase(), k))
                            .collect(),
                        shade: cell.count.saturating_mul(SHADES).div_ceil(max),
                    }
                })
                .collect(),
        })
        .collect();
    let design_name = |id: &'static str| vocab::label_name(lang, Dimension::Design, id);
    let mut active = Vec::new();
    if let Some(th) = filters.theme {
        active.push(format!("{}: {}", t.theme, th.name()));
    }
    if let Some(d) = filters.design {
        active.push(format!("{}: {}", t.design, design_name(d)));
    }
    if let Some(s) = filters.status {
        active.push(format!("{}: {}", t.status, lang.status(s)));
    }
    let query = filters.query();
    let body = WhatWorksPage {
        action: l.link("/wat-werkt"),
        csv: with_query(l.link("/wat-werkt.csv"), &query),
        themes: choices(Theme::ALL, filters.theme, Theme::slug, |th| {
            th.name().to_owned()
        }),
        designs: choices(
            vocab::terms(Dimension::Design)
                .iter()
                .map(|d| d.id.as_str()),
            filters.design,
            |id| id,
            |id| design_name(id).to_owned(),
        ),
        statuses: choices(
            STATUSES,
            filters.status,
            |s| match s {
                watwerkt_domain::Status::Lopend => "lopend",
                watwerkt_domain::Status::Afgerond => "afgerond",
            },
            |s| lang.status(s).to_owned(),
        ),
        active,
        total: map.total,
        columns: map.columns.iter().map(|c| vocab::name(lang, c)).collect(),
        rows,
        levels: (0..=MAX_LEVEL)
            .rev()
            .map(|n| vocab::level_label(lang, n))
            .collect(),
        l,
    }
    .render()?;
    Ok(Html(body).into_response())
}

/// A CSV field, quoted when it holds a separator, quote or line break (RFC 4180).
fn csv_field(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\"")).into()
    } else {
        s.into()
    }
}

fn csv_body(map: &GapMap) -> String {
    let mut out = String::from("target_group,outcome_domain,count");
    for n in 0..=MAX_LEVEL {
        out.push_str(&format!(",level_{n}"));
    }
    for s in STATUSES {
        out.push(',');
        out.push_str(&s.name().to_lowercase());
    }
    out.push_str("\r\n");
    for (r, row) in map.rows.iter().enumerate() {
        for (c, column) in map.columns.iter().enumerate() {
            let cell = map.cell(r, c);
            out.push_str(&format!(
                "{},{},{}",
                csv_field(&row.id),
                csv_field(&column.id),
                cell.count
            ));
            for n in cell.by_level.iter().chain(&cell.by_status) {
                out.push_str(&format!(",{n}"));
            }
            out.push_str("\r\n");
        }
    }
    out
}

/// The map as CSV: one line per target group × outcome domain, gaps included (count 0).
pub async fn csv(
    State(app): State<Shared>,
    RawQuery(raw): RawQuery,
    lang: Lang,
) -> Result<Response, AppError> {
    let filters = MapFilters::parse(raw.as_deref())?;
    let map = gap_map(&app, filters).await?;
    let disposition = match lang {
        Lang::Nl => "attachment; filename=\"wat-werkt.csv\"",
        Lang::En => "attachment; filename=\"what-works.csv\"",
    };
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        csv_body(&map),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        assert_eq!(csv_field("ouderen"), "ouderen");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("zeg \"ja\""), "\"zeg \"\"ja\"\"\"");
    }
}
