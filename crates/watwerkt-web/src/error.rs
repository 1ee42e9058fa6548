//! The error policy at the HTTP edge.
//!
//! Every handler failure is an [`AppError`]. Bad input (an oversized or malformed query string,
//! an unknown filter) is 400, an unknown page or project 404, and anything that fails inside
//! (catalogue, search engine, template) 500 with a body that names no internals; the detail goes
//! to the log. Handlers only say *which* error; [`error_pages`] turns it into a page in the
//! request's language, or into an RFC 9457 problem document under `/api/`, whose `type` is a
//! stable code clients may match on.
//!
//! A refused query string is the visitor's own input, so its page says in the page's language
//! what was wrong and links to the same page without the refused part; the problem document's
//! `detail` says the same in English, for developers.

use askama::Template;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::pages::Layout;
use crate::query::QueryError;

/// Everything that can go wrong in a handler.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    BadQuery(#[from] QueryError),
    #[error("no such page")]
    NotFound,
    #[error(transparent)]
    Catalog(#[from] watwerkt_catalog::CatalogError),
    #[error(transparent)]
    Search(#[from] watwerkt_search::SearchError),
    #[error(transparent)]
    Render(#[from] askama::Error),
    #[error("worker thread: {0}")]
    Worker(String),
}

/// What the error page needs to know beyond the status, carried from the handler to
/// [`error_pages`]: for 400, what was wrong with the query string.
#[derive(Debug, Clone)]
struct Failure {
    query: Option<QueryError>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, query) = match self {
            AppError::BadQuery(e) => (StatusCode::BAD_REQUEST, Some(e)),
            AppError::NotFound => (StatusCode::NOT_FOUND, None),
            other => {
                tracing::error!(error = %other, "request failed");
                (StatusCode::INTERNAL_SERVER_ERROR, None)
            }
        };
        let mut res = status.into_response();
        res.extensions_mut().insert(Failure { query });
        res
    }
}

pub async fn not_found() -> AppError {
    AppError::NotFound
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    l: Layout,
    heading: &'static str,
    message: String,
    /// (link text, the same page without the refused part of its query string)
    fix: Option<(&'static str, String)>,
}

/// Renders the body of every failed request: our own errors, and the rejections of axum's
/// extractors (an undecodable path segment, a wrong method), which would otherwise be plain text.
pub async fn error_pages(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let query = req.uri().query().map(str::to_owned);
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let refused = res
        .extensions()
        .get::<Failure>()
        .and_then(|f| f.query.clone());
    let (mut parts, _) = res.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    if path.starts_with("/api/") {
        let (code, title) = match status {
            StatusCode::NOT_FOUND => ("not_found", "Not found"),
            s if s.is_client_error() => ("bad_request", "Bad request"),
            _ => ("internal", "Internal server error"),
        };
        let body = serde_json::json!({
            "type": format!("https://watwerkt.nl/problems/{code}"),
            "title": title,
            "status": status.as_u16(),
            "detail": refused.as_ref().map(ToString::to_string),
        });
        parts.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        return Response::from_parts(parts, body.to_string().into());
    }
    // The other language's link repeats the query string, unless it is the trouble.
    let keep_query = !matches!(refused, Some(QueryError::TooLong(_)));
    let l = Layout::for_path(&path, query.as_deref().filter(|_| keep_query));
    let t = l.t;
    let (heading, message, fix) = match (status, &refused) {
        (StatusCode::BAD_REQUEST, Some(e)) => {
            let rest = e.without(query.as_deref().unwrap_or_default());
            // One leading slash: a path "//host/…" would make the link leave the site.
            let path = format!("/{}", path.trim_start_matches('/'));
            let href = if rest.is_empty() {
                path
            } else {
                format!("{path}?{rest}")
            };
            (
                t.bad_request,
                l.lang.query_problem(e),
                Some((l.lang.query_fix(e), href)),
            )
        }
        (StatusCode::NOT_FOUND, _) => (t.not_found, t.not_found_text.to_owned(), None),
        (s, _) if s.is_client_error() => (t.bad_address, t.bad_address_text.to_owned(), None),
        _ => (t.server_error, t.server_error_text.to_owned(), None),
    };
    let body = ErrorPage {
        l,
        heading,
        message,
        fix,
    }
    .render()
    .unwrap_or_else(|_| heading.to_owned());
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    Response::from_parts(parts, body.into())
}
