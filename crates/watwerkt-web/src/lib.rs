//! The public website of watwerkt: routes, pages, the JSON search API and the HTTP edge policy.
//!
//! Every page exists twice: Dutch at `/…` and English at `/en/…` (see [`i18n`]). Searches and
//! store reads run on blocking threads, at most a few at a time, so the async threads keep
//! accepting and answering while the CPU is busy. Errors leave through [`error::AppError`]
//! (its module states the policy); caching headers through [`cache`].

mod api;
mod assets;
mod backoffice;
mod cache;
mod directory;
mod downloads;
mod error;
mod feeds;
mod gap_map;
mod i18n;
pub mod map;
mod oai;
mod page_cache;
mod pages;
mod query;
mod sitemap;
mod vocab;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use watwerkt_accounts::Accounts;
use watwerkt_catalog::Catalog;

pub use i18n::Lang;
pub use query::{Expected, MAX_QUERY_LEN, QueryError, SearchState};

/// Scripts come only from our own fingerprinted files and inline styles are not allowed;
/// JSON-LD is a data block, not script.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
                   connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Settings of the web server.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Requests per minute each client (IP address) may make to `/api/v1`, in bursts of up to as
    /// many; 0 turns the limit off.
    pub api_requests_per_minute: u32,
}

impl Default for WebConfig {
    fn default() -> Self {
        // Generous: a person or a harvesting script never meets it, a runaway loop does.
        WebConfig {
            api_requests_per_minute: 600,
        }
    }
}

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

pub(crate) struct AppState {
    pub catalog: Arc<Catalog>,
    /// Back-office accounts, sessions and the audit log.
    pub accounts: Arc<Accounts>,
    pub directory: directory::DirectoryCache,
    pub gap_maps: gap_map::GapMapCache,
    pub validators: cache::Validators,
    pub pages: page_cache::PageCache,
    pub api: api::ApiState,
    /// Searches and store reads in flight; more wait (asynchronously) for a permit, so a burst
    /// queues instead of starting hundreds of CPU-bound threads on two cores.
    pub workers: tokio::sync::Semaphore,
}

pub(crate) type Shared = Arc<AppState>;

/// The pages, as mounted at `/` and again at `/en`.
fn pages() -> Router<Shared> {
    Router::new()
        .route("/", get(pages::home::home))
        .route("/zoeken", get(pages::search::search_page))
        .route("/search", get(pages::search::search_page))
        .route("/project/{number}", get(pages::project::project_page))
        .route("/thema/{slug}", get(pages::listing::theme_page))
        .route(
            "/organisatie/{slug}",
            get(pages::listing::organisation_page),
        )
        .route("/gemeente/{slug}", get(pages::listing::municipality_page))
        .route("/programma", get(pages::programme::programme_page))
        .route("/statistieken", get(pages::stats::stats_page))
        .route("/kaart", get(pages::map::map_page))
        // Dutch and English addresses both answer in either language; each language links its own.
        .route("/wat-werkt", get(pages::what_works::page))
        .route("/what-works", get(pages::what_works::page))
        .route("/wat-werkt.csv", get(pages::what_works::csv))
        .route("/what-works.csv", get(pages::what_works::csv))
        .route(
            "/vraagbaak",
            get(pages::vraagbaak::form).post(pages::vraagbaak::answer),
        )
        .route("/export/{file}", get(downloads::download))
        .route("/feeds/projecten.atom", get(feeds::all))
        .route("/feeds/zoeken.atom", get(feeds::search))
        .route("/feeds/thema/{file}", get(feeds::theme))
        .route("/feeds/gemeente/{file}", get(feeds::municipality))
        .route("/feeds/organisatie/{file}", get(feeds::organisation))
        .route("/feeds/doelgroep/{file}", get(feeds::target_group))
}

/// The application, for the server and for tests.
pub fn router(catalog: Arc<Catalog>, accounts: Arc<Accounts>, config: WebConfig) -> Router {
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()) * 2;
    let state = Arc::new(AppState {
        catalog,
        accounts,
        directory: Default::default(),
        gap_maps: Default::default(),
        validators: cache::Validators::new(),
        pages: Default::default(),
        api: api::ApiState::new(&config),
        workers: tokio::sync::Semaphore::new(workers),
    });
    Router::new()
        .merge(pages())
        .nest("/en", pages())
        // The nested home answers `/en` only; a typed trailing slash should not be a 404.
        .route(
            "/en/",
            get(|| async { axum::response::Redirect::permanent("/en") }),
        )
        .nest("/api/v1", api::router())
        .nest("/beheer", backoffice::router())
        .route("/oai", get(oai::get).post(oai::post))
        .route("/sitemap.xml", get(sitemap::sitemap))
        .route("/robots.txt", get(sitemap::robots))
        .route("/healthz", get(healthz))
        .route(assets::css_path(), get(assets::stylesheet))
        .route(assets::js_path(), get(assets::script))
        .fallback(error::not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            cache::conditional,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), api::edge))
        .layer(middleware::from_fn(error::error_pages))
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn(server_timing))
        // Pages are built per request: the fastest gzip level costs a fraction of the default
        // for a few percent more bytes.
        .layer(
            tower_http::compression::CompressionLayer::new()
                .quality(tower_http::CompressionLevel::Fastest),
        )
        .with_state(state)
}

/// Serves until the process is stopped; prints the address once listening.
pub async fn serve(
    catalog: Arc<Catalog>,
    accounts: Arc<Accounts>,
    addr: SocketAddr,
    config: WebConfig,
) -> Result<(), WebError> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| WebError::Bind { addr, source })?;
    let local = listener.local_addr().map_err(WebError::Serve)?;
    println!("watwerkt: serving on http://{local}");
    // With the peer's address, which the API's rate limit keys on.
    let app = router(catalog, accounts, config).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app).await.map_err(WebError::Serve)
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

/// `Server-Timing: app;dur=…` (milliseconds until the response head is ready), so latency can
/// be measured at the server without the client's own overhead (`scripts/bench-web.sh`).
async fn server_timing(req: axum::extract::Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let mut res = next.run(req).await;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    if let Ok(v) = HeaderValue::from_str(&format!("app;dur={ms:.3}")) {
        res.headers_mut().insert("server-timing", v);
    }
    res
}

/// `ok N` (projects in the index) on the first line, as before; then where this node's index
/// stands against the store's change log, one `name value` per line: `applied` and `head` (log
/// rows), `lag` (rows behind), `lag-seconds` (age of the oldest row not yet applied, 0 when in
/// step) and `since-applied-seconds` (since this process last applied a change; `-` if never).
async fn healthz(axum::extract::State(st): axum::extract::State<Shared>) -> Response {
    use axum::response::IntoResponse;
    let n = st.catalog.index().len();
    let catalog = st.catalog.clone();
    let status =
        tokio::task::spawn_blocking(move || catalog.follow_status().map_err(|e| e.to_string()))
            .await
            .unwrap_or_else(|e| Err(e.to_string()));
    let mut body = format!("ok {n}\n");
    match status {
        Ok(s) => {
            let since = s
                .since_applied_seconds
                .map_or_else(|| "-".to_owned(), |t| t.to_string());
            body.push_str(&format!(
                "applied {}\nhead {}\nlag {}\nlag-seconds {}\nsince-applied-seconds {since}\n",
                s.applied,
                s.head,
                s.head.saturating_sub(s.applied),
                s.lag_seconds,
            ));
        }
        // The index still answers searches; say what is unknown rather than fail the check.
        Err(e) => body.push_str(&format!("log unreadable: {e}\n")),
    }
    ([(header::CACHE_CONTROL, "no-store")], body).into_response()
}
