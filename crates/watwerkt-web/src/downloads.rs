//! Downloads of the catalogue and of any search: `/export/projecten.csv` (comma-separated),
//! `/export/projecten-puntkomma.csv` (semicolon-separated, for spreadsheet programs with a Dutch
//! locale), `/export/projecten.jsonl` and `/export/projecten.json`, each taking the search page's
//! query string (`q`, `f`, `sort`, `concepten`).
//!
//! Without a query or filter the whole catalogue streams from the store, one project in memory
//! at a time, however large. A search exports its hits in the order the search page shows them,
//! at most [`MAX_SEARCH_HITS`]; `X-Watwerkt-Truncated` says when there were more. The bytes are
//! those of `watwerkt export` (see `watwerkt_catalog::export`), CSVs with a byte order mark.

use std::io::Write;

use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use watwerkt_catalog::export::{self, CsvOptions, ExportFormat, Selection};
use watwerkt_domain::ProjectNumber;

use crate::Shared;
use crate::error::AppError;
use crate::pages::search::request;
use crate::query::SearchState;

/// The query string (with its `?`, or empty) of the downloads of the search page `l` shows:
/// its search without the page number; `None` on other pages.
pub fn page_query(l: &crate::pages::Layout) -> Option<String> {
    let here = l.here();
    let path = here.strip_prefix(l.base).unwrap_or(&here);
    if path != "/zoeken" && path != "/search" {
        return None;
    }
    let mut st = SearchState::parse(l.alternate.split_once('?').map(|(_, q)| q)).ok()?;
    st.page = 1;
    let url = st.url();
    Some(url.strip_prefix("/zoeken").unwrap_or("").to_owned())
}

/// Hits of a search exported at most: a search is ranked page by page, and a selection this
/// large is a catalogue download, which has no limit.
pub const MAX_SEARCH_HITS: usize = 10_000;

/// Projects per page when collecting a search's hits (the engine's largest page).
const PAGE: usize = 100;

fn format_of(file: &str) -> Option<ExportFormat> {
    Some(match file {
        "projecten.csv" => ExportFormat::Csv,
        "projecten-puntkomma.csv" => ExportFormat::CsvSemicolon,
        "projecten.jsonl" => ExportFormat::Jsonl,
        "projecten.json" => ExportFormat::Json,
        _ => return None,
    })
}

/// A `Write` that hands 64 kB chunks to the response body; when the client has gone it fails
/// with `BrokenPipe`, which ends the export.
struct ChunkWriter {
    tx: tokio::sync::mpsc::Sender<Bytes>,
    buf: Vec<u8>,
}

const CHUNK: usize = 64 * 1024;

impl Write for ChunkWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.flush()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK)));
        self.tx
            .blocking_send(chunk)
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::BrokenPipe))
    }
}

pub async fn download(
    State(app): State<Shared>,
    Path(file): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let format = format_of(&file).ok_or(AppError::NotFound)?;
    let st = SearchState::parse(raw.as_deref())?;
    let whole = st.q.trim().is_empty() && st.filters.is_empty();
    let (numbers, truncated) = if whole {
        (None, false)
    } else if st.has_no_words() {
        (Some(Vec::new()), false)
    } else {
        let (n, t) = search_hits(&app, &st).await?;
        (Some(n), t)
    };
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Bytes>(4);
    let catalog = app.catalog.clone();
    tokio::task::spawn_blocking(move || {
        let mut out = ChunkWriter {
            tx,
            buf: Vec::with_capacity(CHUNK),
        };
        let selection = match &numbers {
            None => Selection::All,
            Some(n) => Selection::Projects(n),
        };
        let written = export::write_export(
            &catalog,
            format,
            selection,
            CsvOptions { bom: true },
            &mut out,
        )
        .and_then(|()| Ok(out.flush()?));
        if let Err(e) = written {
            // The status is sent; a failure now can only cut the body short, which the client
            // sees as an incomplete transfer.
            tracing::warn!(error = %e, "download ended early");
        }
    });
    let stream = futures_util::stream::poll_fn(move |cx| {
        rx.poll_recv(cx).map(|c| c.map(Ok::<_, std::io::Error>))
    });
    let mut res = Body::from_stream(stream).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")).expect("a known name"),
    );
    if truncated {
        h.insert("x-watwerkt-truncated", HeaderValue::from(MAX_SEARCH_HITS));
    }
    Ok(res)
}

/// The search's hits in the order the search page shows them, at most [`MAX_SEARCH_HITS`], and
/// whether there were more.
async fn search_hits(
    app: &Shared,
    st: &SearchState,
) -> Result<(Vec<ProjectNumber>, bool), AppError> {
    let mut req = request(st, PAGE, 0, Some(0));
    let with_concepts = !st.no_concepts;
    crate::pages::blocking(app, move |c| {
        if with_concepts {
            req.concepts = c.concepts(&req.query);
        }
        let mut numbers = Vec::new();
        loop {
            let res = c.index().search(&req)?;
            let got = res.hits.len();
            numbers.extend(
                res.hits
                    .into_iter()
                    .filter_map(|h| ProjectNumber::parse(&h.project_number).ok()),
            );
            req.offset += PAGE;
            if got < PAGE || numbers.len() >= MAX_SEARCH_HITS || req.offset as u64 >= res.total {
                let truncated = res.total > MAX_SEARCH_HITS as u64;
                numbers.truncate(MAX_SEARCH_HITS);
                return Ok((numbers, truncated));
            }
        }
    })
    .await
}
