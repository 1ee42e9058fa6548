//! Revalidation of pages: an ETag and a Last-Modified that are known *before* a page is built.
//!
//! A page depends only on its URL, the catalogue's index generation and this server binary, so
//! the ETag is a hash of those three and a matching `If-None-Match` (or a not-older
//! `If-Modified-Since`) is answered 304 without searching or rendering anything. The tag is weak
//! because the compressed and plain bodies share it. Last-Modified is when this server first saw
//! the current generation (a restart counts as a change, as the binary may have changed too).

use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::Shared;
use crate::assets::fnv;

pub struct Validators {
    boot: u128,
    seen: Mutex<(Option<u64>, SystemTime)>,
}

impl Validators {
    pub fn new() -> Validators {
        let now = SystemTime::now();
        Validators {
            boot: now
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default()
                .as_nanos(),
            seen: Mutex::new((None, now)),
        }
    }

    /// When `generation` was first seen, to whole seconds (HTTP dates have no finer grain).
    fn modified(&self, generation: Option<u64>) -> SystemTime {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        if seen.0 != generation {
            *seen = (generation, SystemTime::now());
        }
        let secs = seen
            .1
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        UNIX_EPOCH + Duration::from_secs(secs)
    }
}

fn etag_matches(headers: &HeaderMap, etag: &str) -> bool {
    let bare = etag.trim_start_matches("W/");
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|t| t == "*" || t.trim_start_matches("W/") == bare)
}

fn not_modified_since(headers: &HeaderMap, modified: SystemTime) -> bool {
    headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok())
        .is_some_and(|since| modified <= since)
}

/// Adds validators to successful page and API answers and answers 304 when they match.
pub async fn conditional(State(app): State<Shared>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if !matches!(*req.method(), Method::GET | Method::HEAD)
        || path.starts_with("/static/")
        || path.starts_with("/beheer")
        || path == "/healthz"
    {
        return next.run(req).await;
    }
    let generation = app.catalog.index().generation();
    let modified = app.validators.modified(generation);
    let key = format!(
        "{}|{generation:?}|{}",
        app.validators.boot,
        req.uri().path_and_query().map_or(path, |p| p.as_str())
    );
    let etag = format!("W/\"{:016x}\"", fnv(key.as_bytes()));
    let last_modified = httpdate::fmt_http_date(modified);
    let headers = req.headers();
    // If-None-Match wins over If-Modified-Since when both are sent (RFC 9110 13.2.2).
    let fresh = if headers.contains_key(header::IF_NONE_MATCH) {
        etag_matches(headers, &etag)
    } else {
        not_modified_since(headers, modified)
    };
    if fresh {
        return (
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, etag), (header::LAST_MODIFIED, last_modified)],
        )
            .into_response();
    }
    let mut res = next.run(req).await;
    if res.status() == StatusCode::OK {
        let h = res.headers_mut();
        if let (Ok(e), Ok(l)) = (
            HeaderValue::from_str(&etag),
            HeaderValue::from_str(&last_modified),
        ) {
            // A handler's own validator (a project's revision) stays.
            if !h.contains_key(header::ETAG) {
                h.insert(header::ETAG, e);
                h.insert(header::LAST_MODIFIED, l);
            }
        }
        // Stored, but checked with the server before each use: cheap thanks to the 304s above.
        h.entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("no-cache"));
    }
    res
}
