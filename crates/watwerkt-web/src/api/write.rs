//! The API's write side: `PATCH /api/v1/projects/{number}` (a JSON merge patch, RFC 7396) and
//! `GET /api/v1/projects/{number}/revisions`, for editors' scripts and other systems.
//!
//! Authentication is a bearer token from `watwerkt token create`; 401 without a valid one, 403
//! for a role that may not edit. Concurrency is optimistic: a project's revision is its ETag
//! (`"3"`); send it as `If-Match` and a patch made against an older revision gets 409 with the
//! current record, so nothing is overwritten unseen. Every accepted patch goes through the
//! catalogue's one write path (store, then index: searchable as soon as the answer comes) and
//! into the audit log.

// Refusals are finished responses (a redirect, a 404 page, a problem document), returned as
// the `Err` of small helpers; boxing them would buy nothing on a per-request path.
#![allow(clippy::result_large_err)]

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::ToSchema;
use watwerkt_accounts::User;
use watwerkt_catalog::{EditError, record_json};
use watwerkt_domain::Action;
use watwerkt_domain::record::ProjectRecord;

use super::PROBLEM_BASE;
use super::params;
use super::projects::project_number;
use super::views::{Problem, ProjectView};
use crate::Shared;
use crate::backoffice::{self, RevisionEntry, Source};
use crate::error::{AppError, Rendered};
use crate::pages::blocking;

/// The media type of a merge patch; plain `application/json` is taken too.
const MERGE_PATCH: &str = "application/merge-patch+json";

/// A problem document with members of its own (RFC 9457 §3.2), sent as it is.
fn problem(status: StatusCode, code: &str, title: &str, detail: String, extra: Value) -> Response {
    let mut body = json!({
        "type": format!("{PROBLEM_BASE}{code}"),
        "title": title,
        "status": status.as_u16(),
        "detail": detail,
    });
    if let (Value::Object(b), Value::Object(e)) = (&mut body, extra) {
        b.extend(e);
    }
    let mut res = (
        status,
        [(header::CONTENT_TYPE, "application/problem+json")],
        body.to_string(),
    )
        .into_response();
    if status == StatusCode::UNAUTHORIZED {
        res.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"watwerkt\""),
        );
    }
    res.extensions_mut().insert(Rendered);
    res
}

/// The account of the request's bearer token, allowed to do `action`.
fn authorize(app: &Shared, headers: &HeaderMap, action: Action) -> Result<User, Response> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.len() <= 128);
    let unauthorized = |detail: &str| {
        problem(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Unauthorized",
            detail.to_owned(),
            json!({}),
        )
    };
    let Some(token) = token else {
        return Err(unauthorized(
            "send `Authorization: Bearer <token>`; `watwerkt token create EMAIL` makes one",
        ));
    };
    let user = match app.accounts.token_user(token) {
        Ok(Some(u)) => u,
        Ok(None) => {
            return Err(unauthorized(
                "the token is unknown, revoked or its account disabled",
            ));
        }
        Err(e) => return Err(backoffice::internal_problem(&e)),
    };
    if !user.role.may(action) {
        return Err(problem(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Forbidden",
            format!("the role {} may not do this", user.role),
            json!({}),
        ));
    }
    Ok(user)
}

/// The revision an `If-Match` names: `"3"` (or `W/"3"`; `*` or an empty value for any); `Err`
/// when malformed.
fn if_match(headers: &HeaderMap) -> Result<Option<u32>, Response> {
    let Some(v) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let v = v.to_str().unwrap_or("").trim();
    // An empty header is read as no header (clients that always send it, blank when unknown).
    if v == "*" || v.is_empty() {
        return Ok(None);
    }
    v.trim_start_matches("W/")
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .and_then(|v| v.parse::<u32>().ok())
        .map(Some)
        .ok_or_else(|| {
            problem(
                StatusCode::BAD_REQUEST,
                "invalid_if_match",
                "Invalid If-Match",
                format!("If-Match {v:?}: expected a project revision as an entity tag, e.g. \"3\""),
                json!({}),
            )
        })
}

/// The JSON members of a merge patch that may be set; anything else is refused (422).
#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
struct ProjectPatch {
    title: Option<String>,
    full_title: Option<String>,
    teaser: Option<String>,
    question: Option<String>,
    method: Option<String>,
    outcome: Option<String>,
    outcome_kind: Option<String>,
    products: Option<Vec<String>>,
    products_heading: Option<String>,
    municipalities: Option<Vec<String>>,
    organisations: Option<Vec<String>>,
    lead_researcher: Option<String>,
    theme: Option<String>,
    /// `Lopend` or `Afgerond` (which needs an `outcome`).
    status: Option<String>,
    /// YYYY, YYYY-MM or YYYY-MM-DD.
    start: Option<String>,
    end: Option<String>,
    duration_months: Option<u32>,
}

/// Edit a project.
///
/// A JSON merge patch (RFC 7396) over the project's record: members set a field, `null`
/// clears an optional one. The labels (`derived`) follow from the text and cannot be set.
/// Needs a bearer token of an editor or officer. Send the revision you edited from as
/// `If-Match: "3"` (the `ETag` of this answer and of the revisions list); a project that moved
/// on since is refused with 409 and the current record.
#[utoipa::path(
    patch,
    path = "/api/v1/projects/{project_number}",
    tag = "editing",
    params(
        ("project_number" = inline(params::NumberParam), Path, description = "The project number (6 to 20 digits)."),
        ("If-Match" = inline(Option<params::IfMatchParam>), Header, description = "The revision the patch was made against, as an entity tag: `\"3\"`."),
    ),
    request_body(content = inline(ProjectPatch), content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The project after the edit; `ETag` is its revision", body = ProjectView),
        (status = 400, description = "Malformed JSON, project number or If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token (`unauthorized`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token's role may not edit (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No project with this number", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The project is at another revision than If-Match (`stale_revision`); `current_revision` and `current` say what it is now", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is over 2 MB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not `application/merge-patch+json` or `application/json`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field's value is invalid (`invalid_field`); `field` names it", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the rate limit", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn patch(
    State(app): State<Shared>,
    Path(raw): Path<String>,
    Source(source): Source,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let number = project_number(&raw)?;
    let user = match authorize(&app, &headers, Action::EditCatalogue) {
        Ok(u) => u,
        Err(r) => return Ok(r),
    };
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    if !matches!(media.as_deref(), Some(MERGE_PATCH | "application/json")) {
        return Ok(problem(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Unsupported media type",
            format!("send the patch as {MERGE_PATCH}"),
            json!({}),
        ));
    }
    let expected = match if_match(&headers) {
        Ok(e) => e,
        Err(r) => return Ok(r),
    };
    let patch: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return Ok(problem(
                StatusCode::BAD_REQUEST,
                "invalid_json",
                "Invalid JSON",
                format!("the body is not JSON: {e}"),
                json!({}),
            ));
        }
    };
    let n = number.clone();
    let outcome = blocking(&app, move |c| Ok(c.edit_project(&n, &patch, expected))).await?;
    match outcome {
        Ok(edited) => {
            backoffice::record_edit(
                &app,
                user.email.as_str(),
                &source,
                &number,
                &edited,
                " (API)",
            );
            let mut res =
                axum::Json(ProjectView::from(ProjectRecord::from(&edited.project))).into_response();
            res.headers_mut()
                .insert(header::ETAG, etag(edited.revision));
            Ok(res)
        }
        Err(EditError::Stale {
            current,
            project,
            expected,
            ..
        }) => Ok(problem(
            StatusCode::CONFLICT,
            "stale_revision",
            "Stale revision",
            format!(
                "the patch was made against revision {expected}; the project is at revision {current}"
            ),
            json!({"current_revision": current, "current": record_json(&project)}),
        )),
        Err(EditError::Invalid { field, message }) => Ok(problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "Invalid field",
            if field.is_empty() {
                message.clone()
            } else {
                format!("{field}: {message}")
            },
            json!({"field": field}),
        )),
        Err(EditError::NotFound(_)) => Err(AppError::NoSuchProject(raw)),
        Err(e) => Err(AppError::Worker(e.to_string())),
    }
}

fn etag(revision: u32) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{revision}\"")).expect("digits and quotes")
}

/// The revisions of a project.
#[derive(Serialize, ToSchema)]
pub struct RevisionsView {
    project_number: String,
    /// Newest first; the first is the current content.
    revisions: Vec<RevisionEntry>,
}

/// A project's revisions.
///
/// Each revision with who made it and when (from the audit log; revisions written by an
/// import have no author) and the fields it changed. Needs a bearer token of an editor or
/// officer, as authors are named.
#[utoipa::path(
    get,
    path = "/api/v1/projects/{project_number}/revisions",
    tag = "editing",
    params(("project_number" = inline(params::NumberParam), Path, description = "The project number (6 to 20 digits).")),
    responses(
        (status = 200, description = "The revisions, newest first; `ETag` is the current revision", body = RevisionsView),
        (status = 401, description = "No valid bearer token (`unauthorized`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token's role may not edit (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No project with this number", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn revisions(
    State(app): State<Shared>,
    Path(raw): Path<String>,
    headers: HeaderMap,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> Result<Response, AppError> {
    params::known_pairs(query.as_deref(), &[])?;
    let number = project_number(&raw)?;
    if let Err(r) = authorize(&app, &headers, Action::EditCatalogue) {
        return Ok(r);
    }
    let revisions = backoffice::history(&app, number.clone())
        .await?
        .ok_or(AppError::NoSuchProject(raw))?;
    let current = revisions.first().map_or(1, |r| r.revision);
    let mut res = axum::Json(RevisionsView {
        project_number: number.to_string(),
        revisions,
    })
    .into_response();
    res.headers_mut().insert(header::ETAG, etag(current));
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}
