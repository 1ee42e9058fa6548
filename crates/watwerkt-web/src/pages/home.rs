//! The home page: the search box, the programme lines with their intros and project counts (a
//! line without projects says so and points to the programme's timeline, never a bare 0), the
//! latest finished projects with their results, and a few words about the programme.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use watwerkt_domain::Theme;

use super::{Card, Layout, directory, shorten};
use crate::Shared;
use crate::error::AppError;

pub struct LineSummary {
    pub name: &'static str,
    pub slug: &'static str,
    pub count: u64,
    pub intro: Option<String>,
}

pub struct Finished {
    pub card: Card,
    pub result: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    l: Layout,
    total: u64,
    lines: Vec<LineSummary>,
    latest: Vec<Finished>,
    about: Option<String>,
}

pub async fn home(State(app): State<Shared>, l: Layout) -> Result<Response, AppError> {
    let dir = directory(&app).await?;
    let lines = Theme::ALL
        .iter()
        .map(|t| LineSummary {
            name: t.name(),
            slug: t.slug(),
            count: dir.count("theme", t.name()),
            intro: dir
                .programme
                .lines
                .iter()
                .find(|pl| pl.theme == *t)
                .and_then(|pl| pl.intro.as_deref().or(pl.description.as_deref()))
                .map(|s| shorten(s, 240)),
        })
        .collect();
    let latest = dir
        .latest_finished
        .iter()
        .map(|p| Finished {
            card: Card::new(p, l.lang),
            result: shorten(&p.outcome, 300),
        })
        .collect();
    let body = HomePage {
        total: dir.total,
        lines,
        latest,
        about: dir.programme.intro.as_deref().map(|s| shorten(s, 600)),
        l,
    }
    .render()?;
    Ok(Html(body).into_response())
}
