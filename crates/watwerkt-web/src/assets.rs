//! Static assets compiled into the binary and served under fingerprinted paths: a new content
//! gives a new URL, so browsers may keep each version for a year without asking again.
//!
//! The script only adds suggestions to search boxes (`static/suggest.js`).
//! The stylesheet is the NL Design System subset (`static/nlds.css`, extracted from the npm
//! packages by `scripts/extract-nlds-css.py`) followed by the site's own layout (`static/site.css`).

use std::sync::OnceLock;

use axum::http::header;
use axum::response::{IntoResponse, Response};

const NLDS_CSS: &str = include_str!("../static/nlds.css");
const SITE_CSS: &str = include_str!("../static/site.css");
const SUGGEST_JS: &str = include_str!("../static/suggest.js");

struct Asset {
    path: String,
    body: String,
}

/// FNV-1a: stable across builds and platforms, enough to tell versions apart.
pub fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn css() -> &'static Asset {
    static CSS: OnceLock<Asset> = OnceLock::new();
    CSS.get_or_init(|| {
        let body = format!("{NLDS_CSS}\n{SITE_CSS}");
        Asset {
            path: format!("/static/site.{:016x}.css", fnv(body.as_bytes())),
            body,
        }
    })
}

/// The search box's suggestions: progressive enhancement, every form works without it.
fn js() -> &'static Asset {
    static JS: OnceLock<Asset> = OnceLock::new();
    JS.get_or_init(|| Asset {
        path: format!("/static/suggest.{:016x}.js", fnv(SUGGEST_JS.as_bytes())),
        body: SUGGEST_JS.to_owned(),
    })
}

pub fn css_path() -> &'static str {
    &css().path
}

pub fn js_path() -> &'static str {
    &js().path
}

fn immutable(content_type: &'static str, asset: &'static Asset) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        asset.body.as_str(),
    )
        .into_response()
}

pub async fn stylesheet() -> Response {
    immutable("text/css; charset=utf-8", css())
}

pub async fn script() -> Response {
    immutable("text/javascript; charset=utf-8", js())
}
