//! `sitemap.xml` (every project, theme, organisation and municipality page and the main pages)
//! and `robots.txt` for search engines, and the absolute origin that sitemap, feeds and OAI-PMH
//! write their URLs with.

use std::fmt::Write as _;
use std::sync::OnceLock;

use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use watwerkt_domain::Theme;

use crate::Shared;
use crate::directory::PageKind;
use crate::error::AppError;
use crate::feeds::{catalogue_time, esc, utc_day};
use crate::pages::{NamedLink, blocking, directory};

/// The pages that are not about one project or name (Dutch addresses; `/en` has the same).
const MAIN_PAGES: &[&str] = &[
    "/",
    "/zoeken",
    "/wat-werkt",
    "/vraagbaak",
    "/programma",
    "/kaart",
    "/statistieken",
];

/// `WATWERKT_BASE_URL` (e.g. `https://watwerkt.example.nl`), read once: set it when the server
/// sits behind a proxy that does not pass the public host on.
fn configured() -> Option<&'static str> {
    static BASE: OnceLock<Option<String>> = OnceLock::new();
    BASE.get_or_init(|| {
        std::env::var("WATWERKT_BASE_URL")
            .ok()
            .map(|s| s.trim().trim_end_matches('/').to_owned())
            .filter(|s| s.starts_with("http://") || s.starts_with("https://"))
    })
    .as_deref()
}

/// `scheme://host[:port]` of this request: the configured base URL, else the Host header (only
/// a well-formed host name or address; anything else is not echoed into documents).
pub(crate) fn origin(headers: &HeaderMap) -> String {
    if let Some(base) = configured() {
        return base.to_owned();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .unwrap_or("localhost");
    let scheme = match headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
    {
        Some("https") => "https",
        _ => "http",
    };
    format!("{scheme}://{host}")
}

pub async fn sitemap(State(app): State<Shared>, headers: HeaderMap) -> Result<Response, AppError> {
    let dir = directory(&app).await?;
    let (numbers, changed) = blocking(&app, |c| {
        let mut numbers = Vec::new();
        c.store()
            .for_each_project(&mut |p| {
                numbers.push(p.number.to_string());
                Ok(())
            })
            .map_err(watwerkt_catalog::CatalogError::from)?;
        Ok((numbers, catalogue_time(c)))
    })
    .await?;
    let origin = esc(&origin(&headers)).into_owned();
    let lastmod = utc_day(changed);
    let mut paths: Vec<String> = MAIN_PAGES.iter().map(|p| (*p).to_owned()).collect();
    paths.extend(Theme::ALL.iter().map(|t| format!("/thema/{}", t.slug())));
    for kind in [PageKind::Organisation, PageKind::Municipality] {
        paths.extend(
            dir.counts(kind.facet())
                .iter()
                .map(|f| NamedLink::new(&dir, kind, &f.value, "").href),
        );
    }
    let mut x = String::with_capacity(200 + (paths.len() + numbers.len()) * 120);
    x.push_str(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
         <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for p in &paths {
        let _ = writeln!(x, "<url><loc>{origin}{}</loc></url>", esc(p));
    }
    for n in &numbers {
        let _ = writeln!(
            x,
            "<url><loc>{origin}/project/{}</loc><lastmod>{lastmod}</lastmod></url>",
            esc(n)
        );
    }
    x.push_str("</urlset>\n");
    Ok((
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        x,
    )
        .into_response())
}

/// Everything may be crawled but the machine interfaces and search results: every project is
/// in the sitemap, while search addresses (queries × filters × pages) have no end.
pub async fn robots(headers: HeaderMap) -> Response {
    let origin = origin(&headers);
    let body = format!(
        "User-agent: *\n\
         Allow: /\n\
         Disallow: /api/\n\
         Disallow: /oai\n\
         Disallow: /zoeken?\n\
         Disallow: /search?\n\
         Disallow: /en/zoeken?\n\
         Disallow: /en/search?\n\
         \n\
         Sitemap: {origin}/sitemap.xml\n"
    );
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}
