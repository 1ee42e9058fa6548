//! The search page (query, facets as checkboxes, chips, sort, pages, snippets) and the JSON
//! search API. The whole state lives in the URL, so every result page can be linked and cached.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use watwerkt_search::{Hit, SearchRequest, SearchResponse, Sort};

use super::{Layout, blocking, directory};
use crate::Shared;
use crate::directory::PageKind;
use crate::error::AppError;
use crate::query::{self, SearchState};

pub const PAGE_SIZE: usize = 20;
/// Facet values shown per facet; the rest are reachable by searching.
const FACET_VALUES: usize = 15;

struct FacetValue {
    value: String,
    label: String,
    count: u64,
    checked: bool,
    /// The value's own page (themes, organisations, municipalities).
    page: Option<String>,
}

struct FacetGroup {
    name: &'static str,
    label: &'static str,
    values: Vec<FacetValue>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    l: Layout,
    query: String,
    newest: bool,
    facets: Vec<FacetGroup>,
    /// (label, URL without this filter)
    chips: Vec<(String, String)>,
    notice: Option<String>,
    total: u64,
    first: usize,
    hits: Vec<Hit>,
    prev: Option<String>,
    next: Option<String>,
}

fn request(st: &SearchState, limit: usize) -> SearchRequest {
    SearchRequest {
        query: st.q.clone(),
        filters: st.filters.clone(),
        limit,
        offset: (st.page - 1) * limit,
        sort: if st.newest {
            Sort::Newest
        } else {
            Sort::Relevance
        },
    }
}

async fn run(app: &Shared, req: SearchRequest) -> Result<SearchResponse, AppError> {
    blocking(app, move |c| Ok(c.index().search(&req)?)).await
}

pub async fn search_page(
    State(app): State<Shared>,
    RawQuery(raw): RawQuery,
    l: Layout,
) -> Result<Response, AppError> {
    let st = SearchState::parse(raw.as_deref())?;
    let res = run(&app, request(&st, PAGE_SIZE)).await?;
    if let Some(number) = &res.redirect {
        return Ok(
            Redirect::to(&format!("{}/project/{}", l.base, query::encode(number))).into_response(),
        );
    }
    let dir = directory(&app).await?;
    let lang = l.lang;
    let base = l.base;
    let facets = watwerkt_search::FACETS
        .iter()
        .filter_map(|name| {
            let counts = res.facets.get(*name)?;
            let values = counts
                .iter()
                .take(FACET_VALUES)
                .map(|f| FacetValue {
                    checked: st.filters.iter().any(|(n, v)| n == name && *v == f.value),
                    label: lang.facet_value(name, &f.value).to_owned(),
                    page: match *name {
                        "theme" => watwerkt_domain::Theme::from_name(&f.value)
                            .map(|t| format!("{base}/thema/{}", t.slug())),
                        "organisation" => Some(format!(
                            "{base}/organisatie/{}",
                            dir.slug(PageKind::Organisation, &f.value)
                        )),
                        "municipality" => Some(format!(
                            "{base}/gemeente/{}",
                            dir.slug(PageKind::Municipality, &f.value)
                        )),
                        _ => None,
                    },
                    value: f.value.clone(),
                    count: f.count,
                })
                .collect();
            Some(FacetGroup {
                name,
                label: lang.facet_label(name),
                values,
            })
        })
        .collect();
    let url = |s: &SearchState| format!("{base}{}", s.url());
    let chips = st
        .filters
        .iter()
        .enumerate()
        .map(|(i, (n, v))| {
            let mut without = st.clone();
            without.filters.remove(i);
            without.page = 1;
            (
                format!("{}: {}", lang.facet_label(n), lang.facet_value(n, v)),
                url(&without),
            )
        })
        .collect();
    let at_page = |p: usize| {
        let mut s = st.clone();
        s.page = p;
        url(&s)
    };
    let shown_to = (st.page * PAGE_SIZE) as u64;
    let body = SearchPage {
        query: st.q.clone(),
        newest: st.newest,
        facets,
        chips,
        notice: res.notice.as_ref().map(|n| match lang {
            crate::i18n::Lang::Nl => n.message_nl(),
            crate::i18n::Lang::En => n.message_en(),
        }),
        total: res.total,
        first: (st.page - 1) * PAGE_SIZE + 1,
        prev: (st.page > 1).then(|| at_page(st.page - 1)),
        next: (shown_to < res.total).then(|| at_page(st.page + 1)),
        hits: res.hits,
        l,
    }
    .render()?;
    Ok(Html(body).into_response())
}

pub async fn api_projects(
    State(app): State<Shared>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let st = SearchState::parse(raw.as_deref())?;
    let res = run(&app, request(&st, st.limit.unwrap_or(PAGE_SIZE))).await?;
    Ok(axum::Json(res).into_response())
}
