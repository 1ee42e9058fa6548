//! The public website of watwerkt: routes, pages, the JSON search API and the HTTP edge policy.
//!
//! Error policy: every failure leaves through [`AppError`]; bad input (oversized or malformed
//! query strings) is a 400 page, an unknown project a 404 page, and a failure of the catalogue
//! a 500 page whose body names no internals (the detail goes to the log).

pub mod map;
mod query;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use watwerkt_catalog::{Catalog, CatalogError};
use watwerkt_domain::{Project, ProjectNumber, Theme};
use watwerkt_search::{Hit, SearchRequest, SearchResponse, Sort};

pub use query::{MAX_QUERY_LEN, QueryError, SearchState};

const PAGE_SIZE: usize = 20;
const CSS: &str = include_str!("../static/site.css");
/// Scripts and inline styles are not allowed; JSON-LD is a data block, not script.
const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
                   base-uri 'none'; frame-ancestors 'none'";

/// Settings of the web server.
#[derive(Debug, Clone, Default)]
pub struct WebConfig {}

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("server stopped: {0}")]
    Serve(std::io::Error),
}

struct AppState {
    catalog: Arc<Catalog>,
    css_path: String,
}

type Shared = Arc<AppState>;

/// The fingerprinted stylesheet path: content changes give a new URL, so it may be cached forever.
fn css_path() -> String {
    // FNV-1a: stable across builds and platforms, enough to tell versions apart.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in CSS.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("/static/site.{h:016x}.css")
}

/// The application, for the server and for tests.
pub fn router(catalog: Arc<Catalog>, _config: WebConfig) -> Router {
    let state = Arc::new(AppState {
        catalog,
        css_path: css_path(),
    });
    let css_route = state.css_path.clone();
    Router::new()
        .route("/", get(home))
        .route("/zoeken", get(search_page))
        .route("/search", get(search_page))
        .route("/project/{number}", get(project_page))
        .route("/api/v1/projects", get(api_projects))
        .route("/statistieken", get(stats_page))
        .route("/healthz", get(healthz))
        .route(&css_route, get(stylesheet))
        .fallback(not_found)
        .layer(middleware::from_fn(security_headers))
        .layer(tower_http::compression::CompressionLayer::new())
        .with_state(state)
}

/// Serves until the process is stopped; prints the address once listening.
pub async fn serve(
    catalog: Arc<Catalog>,
    addr: SocketAddr,
    config: WebConfig,
) -> Result<(), WebError> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| WebError::Bind { addr, source })?;
    let local = listener.local_addr().map_err(WebError::Serve)?;
    println!("watwerkt: serving on http://{local}");
    axum::serve(listener, router(catalog, config))
        .await
        .map_err(WebError::Serve)
}

async fn security_headers(req: axum::extract::Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    res
}

/// Everything that can go wrong in a handler.
#[derive(Debug, thiserror::Error)]
enum AppError {
    #[error(transparent)]
    BadQuery(#[from] QueryError),
    #[error("no such page")]
    NotFound,
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error(transparent)]
    Search(#[from] watwerkt_search::SearchError),
    #[error(transparent)]
    Render(#[from] askama::Error),
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    css: &'a str,
    heading: &'a str,
    message: String,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, heading, message) = match &self {
            AppError::BadQuery(e) => (
                StatusCode::BAD_REQUEST,
                "Ongeldige zoekopdracht",
                format!("Deze zoekopdracht kunnen we niet lezen: {e}."),
            ),
            AppError::NotFound => (
                StatusCode::NOT_FOUND,
                "Pagina niet gevonden",
                "Deze pagina bestaat niet (meer). Controleer het adres of zoek het project op."
                    .to_string(),
            ),
            _ => {
                tracing::error!(error = %self, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Er ging iets mis",
                    "Er ging bij ons iets mis. Probeer het later opnieuw.".to_string(),
                )
            }
        };
        let page = ErrorPage {
            css: &css_path(),
            heading,
            message,
        };
        match page.render() {
            Ok(body) => (status, Html(body)).into_response(),
            Err(_) => (status, heading).into_response(),
        }
    }
}

async fn not_found() -> AppError {
    AppError::NotFound
}

async fn healthz(State(st): State<Shared>) -> Response {
    let n = st.catalog.index().len();
    ([(header::CACHE_CONTROL, "no-store")], format!("ok {n}\n")).into_response()
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        CSS,
    )
        .into_response()
}

/// A page with an ETag from its body, so that revalidation costs no transfer.
fn page(headers: &HeaderMap, body: String) -> Response {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in body.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let etag = format!("\"{h:016x}\"");
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == etag)
    {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    ([(header::ETAG, etag)], Html(body)).into_response()
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage<'a> {
    css: &'a str,
    total: u64,
    themes: Vec<(String, u64)>,
}

async fn home(State(st): State<Shared>, headers: HeaderMap) -> Result<Response, AppError> {
    let res = st.catalog.index().search(&SearchRequest {
        limit: 0,
        ..Default::default()
    })?;
    let counts: BTreeMap<&str, u64> = res
        .facets
        .get("theme")
        .map(|v| v.iter().map(|f| (f.value.as_str(), f.count)).collect())
        .unwrap_or_default();
    let themes = Theme::ALL
        .iter()
        .map(|t| {
            (
                t.name().to_string(),
                counts.get(t.name()).copied().unwrap_or(0),
            )
        })
        .collect();
    let body = HomePage {
        css: &st.css_path,
        total: res.total,
        themes,
    }
    .render()?;
    Ok(page(&headers, body))
}

struct FacetValue {
    value: String,
    count: u64,
    checked: bool,
}

struct FacetGroup {
    name: &'static str,
    label: &'static str,
    values: Vec<FacetValue>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage<'a> {
    css: &'a str,
    query: &'a str,
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

fn facet_label(name: &str) -> &'static str {
    match name {
        "theme" => "Programmalijn",
        "status" => "Status",
        "municipality" => "Gemeente",
        "organisation" => "Organisatie",
        "year" => "Startjaar",
        "product_kind" => "Soort product",
        _ => "Filter",
    }
}

fn run_search(
    catalog: &Catalog,
    st: &SearchState,
    limit: usize,
) -> Result<SearchResponse, AppError> {
    Ok(catalog.index().search(&SearchRequest {
        query: st.q.clone(),
        filters: st.filters.clone(),
        limit,
        offset: (st.page - 1) * limit,
        sort: if st.newest {
            Sort::Newest
        } else {
            Sort::Relevance
        },
    })?)
}

async fn search_page(
    State(app): State<Shared>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let st = SearchState::parse(raw.as_deref())?;
    let res = run_search(&app.catalog, &st, PAGE_SIZE)?;
    if let Some(number) = &res.redirect {
        return Ok(Redirect::to(&format!("/project/{}", query::encode(number))).into_response());
    }
    let facets = watwerkt_search::FACETS
        .iter()
        .filter_map(|name| {
            let counts = res.facets.get(*name)?;
            let values = counts
                .iter()
                .take(15)
                .map(|f| FacetValue {
                    checked: st.filters.iter().any(|(n, v)| n == name && *v == f.value),
                    value: f.value.clone(),
                    count: f.count,
                })
                .collect();
            Some(FacetGroup {
                name,
                label: facet_label(name),
                values,
            })
        })
        .collect();
    let chips = st
        .filters
        .iter()
        .enumerate()
        .map(|(i, (n, v))| {
            let mut without = st.clone();
            without.filters.remove(i);
            without.page = 1;
            (format!("{}: {v}", facet_label(n)), without.url())
        })
        .collect();
    let at_page = |p: usize| {
        let mut s = st.clone();
        s.page = p;
        s.url()
    };
    let shown_to = (st.page * PAGE_SIZE) as u64;
    let body = SearchPage {
        css: &app.css_path,
        query: &st.q,
        newest: st.newest,
        facets,
        chips,
        notice: res.notice.as_ref().map(|n| n.message_nl()),
        total: res.total,
        first: (st.page - 1) * PAGE_SIZE + 1,
        prev: (st.page > 1).then(|| at_page(st.page - 1)),
        next: (shown_to < res.total).then(|| at_page(st.page + 1)),
        hits: res.hits,
    }
    .render()?;
    Ok(page(&headers, body))
}

async fn api_projects(
    State(app): State<Shared>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let st = SearchState::parse(raw.as_deref())?;
    let res = run_search(&app.catalog, &st, st.limit.unwrap_or(PAGE_SIZE))?;
    Ok(axum::Json(res).into_response())
}

#[derive(Template)]
#[template(path = "project.html")]
struct ProjectPage<'a> {
    css: &'a str,
    p: Project,
    json_ld: String,
}

/// schema.org ResearchProject; `<` is escaped so no text can close the script element.
fn json_ld(p: &Project) -> String {
    let v = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "ResearchProject",
        "identifier": p.number.as_str(),
        "name": p.title,
        "description": p.question,
        "url": format!("/project/{}", p.number),
        "member": p.organisations.iter().map(|o| serde_json::json!({"@type": "Organization", "name": o.name})).collect::<Vec<_>>(),
    });
    v.to_string().replace('<', "\\u003c")
}

async fn project_page(
    State(app): State<Shared>,
    Path(number): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let number = ProjectNumber::parse(&number).map_err(|_| AppError::NotFound)?;
    let p = app.catalog.project(&number)?.ok_or(AppError::NotFound)?;
    let body = ProjectPage {
        css: &app.css_path,
        json_ld: json_ld(&p),
        p,
    }
    .render()?;
    Ok(page(&headers, body))
}

struct Bar {
    label: String,
    /// The label cut to fit the chart; the table carries the full text.
    short: String,
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
struct StatsPage<'a> {
    css: &'a str,
    total: u64,
    charts: Vec<Chart>,
}

/// Bars scaled to the largest count, at most `take` of them, drawn server-side (no script needed).
fn chart(
    name: &'static str,
    title: &'static str,
    res: &SearchResponse,
    take: usize,
    by_value: bool,
) -> Chart {
    let mut counts: Vec<_> = res.facets.get(name).cloned().unwrap_or_default();
    counts.truncate(take);
    if by_value {
        counts.sort_by(|a, b| a.value.cmp(&b.value));
    }
    let max = counts.iter().map(|c| c.count).max().unwrap_or(1).max(1);
    let bars: Vec<Bar> = counts
        .into_iter()
        .zip(0u32..)
        .map(|(c, i)| Bar {
            short: if c.value.chars().count() > 34 {
                format!("{}…", c.value.chars().take(33).collect::<String>())
            } else {
                c.value.clone()
            },
            width: c.count * 340 / max,
            y: i * 24 + 4,
            label: c.value,
            count: c.count,
        })
        .collect();
    Chart {
        name,
        title,
        height: bars.len() as u32 * 24 + 8,
        bars,
    }
}

async fn stats_page(State(app): State<Shared>, headers: HeaderMap) -> Result<Response, AppError> {
    let res = app.catalog.index().search(&SearchRequest {
        limit: 0,
        ..Default::default()
    })?;
    let charts = vec![
        chart("theme", "Projecten per programmalijn", &res, 10, false),
        chart("year", "Projecten per startjaar", &res, 30, true),
        chart("status", "Projecten naar status", &res, 10, false),
        chart(
            "municipality",
            "Gemeenten met de meeste projecten",
            &res,
            15,
            false,
        ),
        chart(
            "organisation",
            "Organisaties met de meeste projecten",
            &res,
            15,
            false,
        ),
    ];
    let body = StatsPage {
        css: &app.css_path,
        total: res.total,
        charts,
    }
    .render()?;
    Ok(page(&headers, body))
}
