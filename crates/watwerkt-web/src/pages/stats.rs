//! The statistics page: bar charts drawn server-side as SVG (no script needed), each followed by
//! the same numbers as a table for screen readers and copying. In the tables a value links to its
//! own page where it has one, and every count to the search that finds those projects.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};

use super::{Layout, directory};
use crate::Shared;
use crate::directory::{Directory, PageKind};
use crate::error::AppError;
use crate::i18n::Lang;

struct Bar {
    label: String,
    /// The label cut to fit the chart; the table carries the full text.
    short: String,
    /// The value's own page (programme line, municipality, organisation).
    page: Option<String>,
    /// The search that finds the `count` projects.
    search: String,
    count: u64,
    y: u32,
    width: u64,
}

struct Chart {
    name: &'static str,
    title: &'static str,
    height: u32,
    bars: Vec<Bar>,
}

#[derive(Template)]
#[template(path = "stats.html")]
struct StatsPage {
    l: Layout,
    total: u64,
    charts: Vec<Chart>,
}

/// Bars scaled to the largest count, at most `take` of them, each linking to its projects.
fn chart(
    dir: &Directory,
    l: &Layout,
    name: &'static str,
    title: &'static str,
    take: usize,
    by_value: bool,
) -> Chart {
    let mut counts: Vec<_> = dir.counts(name).iter().take(take).collect();
    if by_value {
        counts.sort_by(|a, b| a.value.cmp(&b.value));
    }
    let max = counts.iter().map(|c| c.count).max().unwrap_or(1).max(1);
    let base = l.base;
    let bars: Vec<Bar> = counts
        .into_iter()
        .zip(0u32..)
        .map(|(c, i)| {
            let label = label(l.lang, name, &c.value);
            Bar {
                short: if label.chars().count() > 34 {
                    format!("{}…", label.chars().take(33).collect::<String>())
                } else {
                    label.clone()
                },
                page: match name {
                    "theme" => watwerkt_domain::Theme::from_name(&c.value)
                        .map(|t| format!("{base}/thema/{}", t.slug())),
                    "municipality" => Some(format!(
                        "{base}/gemeente/{}",
                        dir.slug(PageKind::Municipality, &c.value)
                    )),
                    "organisation" => Some(format!(
                        "{base}/organisatie/{}",
                        dir.slug(PageKind::Organisation, &c.value)
                    )),
                    _ => None,
                },
                search: search_url(base, name, &c.value),
                width: c.count * 340 / max,
                y: i * 24 + 4,
                label,
                count: c.count,
            }
        })
        .collect();
    Chart {
        name,
        title,
        height: bars.len() as u32 * 24 + 8,
        bars,
    }
}

fn label(lang: Lang, facet: &str, value: &str) -> String {
    lang.facet_value(facet, value).into_owned()
}

fn search_url(base: &str, facet: &str, value: &str) -> String {
    format!(
        "{base}/zoeken?f={}",
        crate::query::encode(&format!("{facet}:{value}"))
    )
}

pub async fn stats_page(State(app): State<Shared>, l: Layout) -> Result<Response, AppError> {
    let dir = directory(&app).await?;
    let t = l.t;
    let charts = vec![
        chart(&dir, &l, "theme", t.chart_themes, 10, false),
        chart(&dir, &l, "year", t.chart_years, 30, true),
        chart(&dir, &l, "status", t.chart_status, 10, false),
        chart(&dir, &l, "municipality", t.chart_municipalities, 15, false),
        chart(&dir, &l, "organisation", t.chart_organisations, 15, false),
        chart(&dir, &l, "product_kind", t.chart_products, 15, false),
        chart(&dir, &l, "target_group", t.chart_target_groups, 20, false),
        chart(&dir, &l, "design", t.chart_designs, 15, false),
        chart(&dir, &l, "evidence_level", t.chart_levels, 5, true),
    ];
    let body = StatsPage {
        total: dir.total,
        charts,
        l,
    }
    .render()?;
    Ok(Html(body).into_response())
}
