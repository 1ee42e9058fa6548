//! The programme page: what *Vakkundig aan het werk* is, its lines with their texts and project
//! counts, its partners, the funding rounds (dates, applications, grants) and the dated timeline.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};

use super::{Layout, directory};
use crate::Shared;
use crate::error::AppError;

struct LineView {
    name: &'static str,
    slug: &'static str,
    count: u64,
    paragraphs: Vec<String>,
}

struct RoundView {
    name: String,
    themes: Vec<(&'static str, &'static str)>,
    opened: Option<String>,
    closed: Option<String>,
    deadlines: Vec<(String, String)>,
    applications: Option<u32>,
    granted: Option<u32>,
    granted_on: Option<String>,
    topics: Vec<String>,
    description: Option<String>,
}

#[derive(Template)]
#[template(path = "programme.html")]
struct ProgrammePage {
    l: Layout,
    name: String,
    intro: Vec<String>,
    partners: Vec<String>,
    lines: Vec<LineView>,
    rounds: Vec<RoundView>,
    timeline: Vec<(String, String)>,
}

fn paragraphs(text: Option<&str>) -> Vec<String> {
    text.into_iter()
        .flat_map(|t| t.split("\n\n"))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

pub async fn programme_page(State(app): State<Shared>, l: Layout) -> Result<Response, AppError> {
    let dir = directory(&app).await?;
    let prog = &dir.programme;
    let lang = l.lang;
    let lines = prog
        .lines
        .iter()
        .map(|pl| LineView {
            name: pl.theme.name(),
            slug: pl.theme.slug(),
            count: dir.count("theme", pl.theme.name()),
            paragraphs: paragraphs(pl.intro.as_deref())
                .into_iter()
                .chain(paragraphs(pl.description.as_deref()))
                .collect(),
        })
        .collect();
    let rounds = prog
        .rounds
        .iter()
        .map(|r| RoundView {
            name: r.name.clone(),
            themes: r.themes.iter().map(|t| (t.name(), t.slug())).collect(),
            opened: r.opened.map(|d| lang.date(&d)),
            closed: r.closed.map(|d| lang.date(&d)),
            deadlines: r
                .deadlines
                .iter()
                .map(|d| (d.topic.clone(), lang.date(&d.closes)))
                .collect(),
            applications: r.applications,
            granted: r.granted,
            granted_on: r.granted_on.map(|d| lang.date(&d)),
            topics: r.topics.clone(),
            description: r.description.clone(),
        })
        .collect();
    let body = ProgrammePage {
        name: if prog.name.is_empty() {
            l.t.site_name.to_owned()
        } else {
            prog.name.clone()
        },
        intro: paragraphs(prog.intro.as_deref()),
        partners: prog.partners.clone(),
        lines,
        rounds,
        timeline: prog
            .timeline
            .iter()
            .map(|e| (lang.date(&e.date), e.text.clone()))
            .collect(),
        l,
    }
    .render()?;
    Ok(Html(body).into_response())
}
