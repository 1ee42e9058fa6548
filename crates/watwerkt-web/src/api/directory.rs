//! The catalogue's lists: organisations, municipalities, themes (programme lines), funding rounds
//! and the programme's timeline. All are read from the directory of the current catalogue
//! generation (see `crate::directory`), so none searches per request.
//!
//! The lists are not paged: they grow with the number of distinct names, not of projects.

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use watwerkt_domain::Theme;

use super::params;
use super::views::{FundingRoundView, NamedView, ThemeView, TimelineView};
use crate::Shared;
use crate::directory::{Directory, PageKind};
use crate::error::AppError;
use crate::pages::directory;
use crate::query::encode;

/// The directory, after refusing any query parameter (these lists take none).
async fn lookup(app: &Shared, raw: Option<&str>) -> Result<std::sync::Arc<Directory>, AppError> {
    params::known_pairs(raw, &[])?;
    directory(app).await
}

fn search_url(facet: &str, value: &str) -> String {
    format!("/api/v1/projects?f={}", encode(&format!("{facet}:{value}")))
}

fn named(dir: &Directory, kind: PageKind, page: &str) -> Vec<NamedView> {
    dir.counts(kind.facet())
        .iter()
        .map(|f| NamedView {
            url: format!("/{page}/{}", dir.slug(kind, &f.value)),
            search_url: search_url(kind.facet(), &f.value),
            name: f.value.clone(),
            projects: f.count,
        })
        .collect()
}

/// The organisations that carried out projects.
///
/// Most projects first.
#[utoipa::path(
    get,
    path = "/api/v1/organisations",
    tag = "catalogue",
    responses(
        (status = 200, description = "Every organisation some project names", body = Vec<NamedView>),
    )
)]
pub async fn organisations(
    State(app): State<Shared>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let dir = lookup(&app, raw.as_deref()).await?;
    Ok(Json(named(&dir, PageKind::Organisation, "organisatie")).into_response())
}

/// The municipalities projects ran in.
///
/// Most projects first.
#[utoipa::path(
    get,
    path = "/api/v1/municipalities",
    tag = "catalogue",
    responses(
        (status = 200, description = "Every municipality some project names", body = Vec<NamedView>),
    )
)]
pub async fn municipalities(
    State(app): State<Shared>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let dir = lookup(&app, raw.as_deref()).await?;
    Ok(Json(named(&dir, PageKind::Municipality, "gemeente")).into_response())
}

/// The programme lines (themes).
#[utoipa::path(
    get,
    path = "/api/v1/themes",
    tag = "catalogue",
    responses(
        (status = 200, description = "Every programme line, in the programme's order", body = Vec<ThemeView>),
    )
)]
pub async fn themes(
    State(app): State<Shared>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let dir = lookup(&app, raw.as_deref()).await?;
    let out: Vec<ThemeView> = Theme::ALL
        .iter()
        .map(|t| {
            let line = dir.programme.lines.iter().find(|l| l.theme == *t);
            ThemeView {
                name: t.name().to_owned(),
                slug: t.slug().to_owned(),
                projects: dir.count("theme", t.name()),
                intro: line.and_then(|l| l.intro.clone()),
                description: line.and_then(|l| l.description.clone()),
                url: format!("/thema/{}", t.slug()),
                search_url: search_url("theme", t.name()),
            }
        })
        .collect();
    Ok(Json(out).into_response())
}

/// The programme's funding rounds.
#[utoipa::path(
    get,
    path = "/api/v1/funding-rounds",
    tag = "catalogue",
    responses(
        (status = 200, description = "The funding rounds, in the programme's order", body = Vec<FundingRoundView>),
    )
)]
pub async fn funding_rounds(
    State(app): State<Shared>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let dir = lookup(&app, raw.as_deref()).await?;
    let out: Vec<FundingRoundView> = dir
        .programme
        .rounds
        .iter()
        .cloned()
        .map(Into::into)
        .collect();
    Ok(Json(out).into_response())
}

/// The programme's timeline.
#[utoipa::path(
    get,
    path = "/api/v1/timeline",
    tag = "catalogue",
    responses(
        (status = 200, description = "Dated events of the programme, as its progress page lists them", body = Vec<TimelineView>),
    )
)]
pub async fn timeline(
    State(app): State<Shared>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let dir = lookup(&app, raw.as_deref()).await?;
    let out: Vec<TimelineView> = dir
        .programme
        .timeline
        .iter()
        .cloned()
        .map(Into::into)
        .collect();
    Ok(Json(out).into_response())
}
