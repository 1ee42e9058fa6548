//! `/api/v1/projects` (search with cursor paging), `/projects/{number}` (one record, as the JSON
//! export writes it), `/projects/{number}/similar` and `/suggest`.
//!
//! The search is the website's: the same query language, filters (label filters such as
//! `f=target_group:ouderen` too), concepts unless `concepten=nee`, and the same answer for a
//! query without searchable words (nothing, with the notice `no_words`).

use axum::Json;
use axum::extract::{OriginalUri, Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use watwerkt_domain::ProjectNumber;
use watwerkt_domain::record::ProjectRecord;
use watwerkt_search::SuggestionKind;

use super::params::{self, MAX_LIMIT, SearchParams};
use super::views::{
    NoticeView, Problem, ProjectView, SearchPage, SimilarView, SuggestionKindView, SuggestionView,
};
use crate::Shared;
use crate::directory::PageKind;
use crate::error::AppError;
use crate::page_cache;
use crate::pages::search::{request, run};
use crate::pages::{blocking, directory, from_cache, keep_as};
use crate::query::{self, SearchState};

/// Search the catalogue.
///
/// The same search as the website's: words, "phrases", `-excluded`, `field:value` in `q`;
/// filters in `f` (repeat it; values of one facet OR, facets AND); every facet's counts. Pages
/// of at most 100: pass `next_cursor` back as `cursor`, with the same search, for the next.
#[utoipa::path(
    get,
    path = "/api/v1/projects",
    tag = "projects",
    params(
        ("q" = Option<String>, Query, description = "The query, in the website's query language. Cut after 1,000 characters."),
        ("f" = inline(Option<Vec<params::FilterParam>>), Query, style = Form, explode,
            description = "A filter, `facet:value`: theme, status, municipality, organisation, year, product_kind, and the labels target_group, design, outcome_domain (vocabulary ids) and evidence_level (0–4). Repeatable."),
        ("sort" = inline(Option<params::SortParam>), Query, description = "`relevance` (default) or `newest`."),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 100, description = "Hits per page, 1 to 100; 20 by default."),
        ("cursor" = Option<String>, Query, description = "The `next_cursor` of the previous page, opaque. Refused (400) for another search, after the catalogue changed, or when not issued by this server."),
        ("concepten" = inline(Option<params::YesNoParam>), Query, description = "`nee`: search the words only, not also the labels they name (\"55-plussers\" → target group ouderen)."),
    ),
    responses(
        (status = 200, description = "A page of results", body = SearchPage),
    )
)]
pub async fn search(
    State(app): State<Shared>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let params = SearchParams::parse(raw.as_deref())?;
    let generation = app.catalog.index().generation().unwrap_or(0);
    let offset = app.api.cursors.offset(&params, generation)?;
    let st: &SearchState = &params.state;
    let req = request(st, params.limit, offset, None);
    let res = run(&app, st, req).await?;
    let shown = offset + res.hits.len();
    let next_cursor = (!res.hits.is_empty() && (shown as u64) < res.total)
        .then(|| u32::try_from(shown).ok())
        .flatten()
        .map(|at| app.api.cursors.issue(&params, at, generation));
    let notice = if st.has_no_words() {
        Some(NoticeView::NoWords)
    } else {
        res.notice.map(NoticeView::from)
    };
    Ok(Json(SearchPage {
        total: res.total,
        complete: res.complete,
        unmatched: res.unmatched,
        hits: res.hits.into_iter().map(Into::into).collect(),
        facets: res
            .facets
            .into_iter()
            .map(|(k, v)| (k, v.into_iter().map(Into::into).collect()))
            .collect(),
        notice,
        redirect: res.redirect,
        did_you_mean: res.did_you_mean,
        products: res.products.into_iter().map(Into::into).collect(),
        concepts: res.concepts,
        next_cursor,
    })
    .into_response())
}

pub(super) fn project_number(raw: &str) -> Result<ProjectNumber, AppError> {
    ProjectNumber::parse(raw).map_err(|_| AppError::BadProjectNumber(raw.to_owned()))
}

/// One project.
///
/// The record of the JSON export (`watwerkt export --format json`), with the labels derived
/// from its text under `derived`.
#[utoipa::path(
    get,
    path = "/api/v1/projects/{project_number}",
    tag = "projects",
    params(("project_number" = inline(params::NumberParam), Path, description = "The project number (6 to 20 digits).")),
    responses(
        (status = 200, description = "The project", body = ProjectView),
        (status = 404, description = "No project with this number", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn project(
    State(app): State<Shared>,
    Path(raw): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    params::known_pairs(query.as_deref(), &[])?;
    let number = project_number(&raw)?;
    let found = blocking(&app, move |c| Ok(c.project(&number)?)).await?;
    let p = found.ok_or(AppError::NoSuchProject(raw))?;
    Ok(Json(ProjectView::from(ProjectRecord::from(&p))).into_response())
}

/// Projects like one project.
///
/// Ranked by the words they share with it, each with those words.
#[utoipa::path(
    get,
    path = "/api/v1/projects/{project_number}/similar",
    tag = "projects",
    params(
        ("project_number" = inline(params::NumberParam), Path, description = "The project number (6 to 20 digits)."),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 100, description = "How many, 1 to 100; 5 by default."),
    ),
    responses(
        (status = 200, description = "The most similar projects, most similar first", body = Vec<SimilarView>),
        (status = 404, description = "No project with this number", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn similar(
    State(app): State<Shared>,
    Path(raw): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let mut limit = 5;
    for (k, v) in params::known_pairs(query.as_deref(), &["limit"])? {
        limit = params::count(&k, &v, MAX_LIMIT)?;
    }
    let number = project_number(&raw)?;
    let found = blocking(&app, move |c| {
        let Some(p) = c.project(&number)? else {
            return Ok(None);
        };
        Ok(Some(c.index().similar(&p, limit)?))
    })
    .await?;
    let matches = found.ok_or(AppError::NoSuchProject(raw))?;
    let out: Vec<SimilarView> = matches
        .into_iter()
        .map(|m| SimilarView {
            project_number: m.hit.project_number,
            title: m.hit.title,
            score: m.hit.score,
            terms: m.terms,
        })
        .collect();
    Ok(Json(out).into_response())
}

/// Suggestions the search box asks for as the user types.
const SUGGESTIONS: usize = 8;

/// Suggestions for a search box.
///
/// Completions of the last word, municipalities, organisations and project titles for what
/// was typed so far, each with the website page it leads to.
#[utoipa::path(
    get,
    path = "/api/v1/suggest",
    tag = "projects",
    params(("q" = Option<String>, Query, description = "What was typed so far.")),
    responses(
        (status = 200, description = "At most 8 suggestions", body = Vec<SuggestionView>),
    )
)]
pub async fn suggest(
    State(app): State<Shared>,
    RawQuery(raw): RawQuery,
    uri: OriginalUri,
) -> Result<Response, AppError> {
    // Kept too: many people type the same first letters.
    let (generation, key, hit) = from_cache(&app, &uri);
    if let Some(answer) = hit {
        return Ok(answer);
    }
    params::known_pairs(raw.as_deref(), &["q"])?;
    let q = SearchState::parse(raw.as_deref())?.q;
    if q.trim().is_empty() {
        return Ok(Json(Vec::<SuggestionView>::new()).into_response());
    }
    let found = blocking(&app, move |c| Ok(c.index().suggest(&q, SUGGESTIONS)?)).await?;
    let dir = directory(&app).await?;
    let out: Vec<SuggestionView> = found
        .into_iter()
        .map(|s| {
            let (label, url) = match s.kind {
                SuggestionKind::Term => (
                    format!("{} ({})", s.text, s.count),
                    format!("/zoeken?q={}", query::encode(&s.text)),
                ),
                SuggestionKind::Municipality => (
                    s.text.clone(),
                    format!("/gemeente/{}", dir.slug(PageKind::Municipality, &s.text)),
                ),
                SuggestionKind::Organisation => (
                    s.text.clone(),
                    format!("/organisatie/{}", dir.slug(PageKind::Organisation, &s.text)),
                ),
                SuggestionKind::Project => (
                    s.text.clone(),
                    s.project_number.as_deref().map_or_else(
                        || format!("/zoeken?q={}", query::encode(&s.text)),
                        |n| format!("/project/{}", query::encode(n)),
                    ),
                ),
            };
            SuggestionView {
                label,
                kind: SuggestionKindView::from(s.kind),
                url,
            }
        })
        .collect();
    let body = serde_json::to_string(&out).expect("strings and a unit enum serialise");
    Ok(keep_as(&app, generation, &key, page_cache::JSON, body))
}
