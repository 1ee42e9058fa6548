//! The JSON API under `/api/v1`: its routes, its state, and its OpenAPI 3.1 document, which
//! `utoipa` derives from the handlers' `#[utoipa::path]` and the view types, so it cannot drift
//! from the code.
//!
//! Layout (as crates.io's): a module per resource with its handlers (`projects`, `directory`,
//! `evidence_map`), the public JSON as view types apart from the engine's (`views`), the
//! parameters and cursors (`params`), the edge every API request passes (`edge`: CORS, rate
//! limit) and the document with its HTML rendering (`docs`). Errors leave as RFC 9457 problem
//! documents through `crate::error`; ETags and 304s come from `crate::cache`, as for pages.

mod directory;
mod docs;
mod edge;
mod evidence_map;
mod params;
mod projects;
mod views;
mod write;

use axum::Router;
use axum::routing::get;

pub use edge::edge;
pub use views::Problem;

use crate::{Shared, WebConfig};

/// The prefix of every problem document's `type`; the code after it is stable.
pub const PROBLEM_BASE: &str = "https://watwerkt.nl/problems/";

/// What the API keeps between requests.
pub struct ApiState {
    /// `None` when the limit is off (0 per minute).
    limiter: Option<edge::RateLimiter>,
    cursors: params::CursorKey,
}

impl ApiState {
    pub fn new(config: &WebConfig) -> ApiState {
        ApiState {
            limiter: (config.api_requests_per_minute > 0)
                .then(|| edge::RateLimiter::new(config.api_requests_per_minute)),
            cursors: params::CursorKey::new(),
        }
    }
}

/// The routes, to be nested at `/api/v1`.
pub fn router() -> Router<Shared> {
    Router::new()
        .route("/projects", get(projects::search))
        .route(
            "/projects/{number}",
            get(projects::project).patch(write::patch),
        )
        .route("/projects/{number}/revisions", get(write::revisions))
        .route("/projects/{number}/similar", get(projects::similar))
        .route("/suggest", get(projects::suggest))
        .route("/organisations", get(directory::organisations))
        .route("/municipalities", get(directory::municipalities))
        .route("/themes", get(directory::themes))
        .route("/funding-rounds", get(directory::funding_rounds))
        .route("/timeline", get(directory::timeline))
        .route("/evidence-map", get(evidence_map::evidence_map))
        .route("/openapi.json", get(docs::openapi_json))
        .route("/docs", get(docs::page))
}
