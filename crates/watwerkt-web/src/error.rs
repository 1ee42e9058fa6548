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
//!
//! The API's own refusals (an unknown parameter, a forged cursor, a malformed project number,
//! too many requests) each have a `type` of their own; the rest take theirs from the status
//! (`bad_request`, `not_found`, `method_not_allowed`, `internal`). No input of a client is a
//! 500: that status means a fault of ours.

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
    #[error("unknown query parameter {name:?}; this endpoint takes {}", known.join(", "))]
    UnknownParameter {
        name: String,
        known: &'static [&'static str],
    },
    #[error("query parameter {name}: expected {expected}")]
    BadParameter { name: String, expected: String },
    #[error("cursor: {0}")]
    BadCursor(&'static str),
    #[error("{0:?} is not a project number (6 to 20 digits)")]
    BadProjectNumber(String),
    #[error("no project {0}")]
    NoSuchProject(String),
    /// Over the API's rate limit; a request will be taken again after this many seconds.
    #[error("too many requests; try again in {0} s")]
    RateLimited(u64),
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
/// [`error_pages`]: for 400, what was wrong with the query string; for the API's own refusals,
/// their problem type and detail.
#[derive(Debug, Clone)]
struct Failure {
    query: Option<QueryError>,
    /// (problem type code, title, detail)
    problem: Option<(&'static str, &'static str, String)>,
}

impl AppError {
    /// The problem type code and title of the API's own refusals.
    fn problem(&self) -> Option<(&'static str, &'static str)> {
        Some(match self {
            AppError::UnknownParameter { .. } => ("unknown_parameter", "Unknown query parameter"),
            AppError::BadParameter { .. } => ("invalid_parameter", "Invalid query parameter"),
            AppError::BadCursor(_) => ("invalid_cursor", "Invalid cursor"),
            AppError::BadProjectNumber(_) => ("invalid_project_number", "Invalid project number"),
            AppError::NoSuchProject(_) => ("not_found", "Not found"),
            AppError::RateLimited(_) => ("rate_limited", "Too many requests"),
            _ => return None,
        })
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let problem = self
            .problem()
            .map(|(code, title)| (code, title, self.to_string()));
        let retry_after = match self {
            AppError::RateLimited(seconds) => Some(seconds),
            _ => None,
        };
        let (status, query) = match self {
            AppError::BadQuery(e) => (StatusCode::BAD_REQUEST, Some(e)),
            AppError::NotFound | AppError::NoSuchProject(_) => (StatusCode::NOT_FOUND, None),
            AppError::UnknownParameter { .. }
            | AppError::BadParameter { .. }
            | AppError::BadCursor(_)
            | AppError::BadProjectNumber(_) => (StatusCode::BAD_REQUEST, None),
            AppError::RateLimited(_) => (StatusCode::TOO_MANY_REQUESTS, None),
            other => {
                tracing::error!(error = %other, "request failed");
                (StatusCode::INTERNAL_SERVER_ERROR, None)
            }
        };
        let mut res = status.into_response();
        if let Some(seconds) = retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        res.extensions_mut().insert(Failure { query, problem });
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

/// Marks a response whose body is already the right one (a back-office page, an API problem
/// with fields of its own), which [`error_pages`] leaves as it is.
#[derive(Debug, Clone, Copy)]
pub struct Rendered;

/// Renders the body of every failed request: our own errors, and the rejections of axum's
/// extractors (an undecodable path segment, a wrong method), which would otherwise be plain text.
pub async fn error_pages(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let query = req.uri().query().map(str::to_owned);
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error())
        || res.extensions().get::<Rendered>().is_some()
    {
        return res;
    }
    let failure = res.extensions().get::<Failure>().cloned();
    let refused = failure.as_ref().and_then(|f| f.query.clone());
    let (mut parts, _) = res.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    if path.starts_with("/api/") {
        let (code, title, detail) = match failure.and_then(|f| f.problem) {
            Some((code, title, detail)) => (code, title, Some(detail)),
            None => {
                let (code, title) = match status {
                    StatusCode::NOT_FOUND => ("not_found", "Not found"),
                    StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "Method not allowed"),
                    s if s.is_client_error() => ("bad_request", "Bad request"),
                    _ => ("internal", "Internal server error"),
                };
                (code, title, refused.as_ref().map(ToString::to_string))
            }
        };
        let body = crate::api::Problem {
            kind: format!("{}{code}", crate::api::PROBLEM_BASE),
            title: title.to_owned(),
            status: status.as_u16(),
            detail,
        };
        parts.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        let body = serde_json::to_string(&body).expect("strings and a number serialise");
        return Response::from_parts(parts, body.into());
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
