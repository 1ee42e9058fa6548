//! The back office at `/beheer`: programme staff sign in and keep the catalogue.
//!
//! Security policy, in one place (OWASP ASVS 5.0 level 2):
//! - A session is a random id in an `HttpOnly`, `SameSite=Strict` cookie (`Secure` when the
//!   request came over TLS, as a reverse proxy says with `X-Forwarded-Proto: https`); the store
//!   keeps only its hash. Signing in always starts a new session, so an id planted before login
//!   is worthless after it.
//! - Every form carries the session's CSRF token and every POST checks it (constant time);
//!   the login form's token belongs to a pre-login session.
//! - Staff roles give a TOTP code after the password (enrolled at first sign-in); a code is
//!   good once. Failed logins are throttled per account and per address (`watwerkt-accounts`).
//! - What a role may do is asked of [`Role::may`](watwerkt_domain::Role::may) only, through
//!   [`Staff::require`]; a page about something the user may not see answers 404, as an
//!   unknown one does, so ids cannot be probed.
//! - Responses are never cached (`Cache-Control: no-store`) and send no referrer.
//!
//! Modules: `auth` (sign in, second factor, sign out, password reset), `projects` (the
//! catalogue editor and its revisions), `drafts` (new projects until published), `audit` (the
//! audit log for officers).

// Refusals are finished responses (a redirect, a 404 page, a problem document), returned as
// the `Err` of small helpers; boxing them would buy nothing on a per-request path.
#![allow(clippy::result_large_err)]

mod audit;
mod auth;
mod drafts;
mod projects;

pub use projects::{RevisionEntry, history, record_edit};

use std::net::SocketAddr;

use askama::Template;
use axum::Router;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use watwerkt_accounts::{AuditEntry, Session, User, unix_now};
use watwerkt_domain::Action;

use crate::Shared;
use crate::assets;

/// The session cookie's name.
pub const COOKIE: &str = "watwerkt_sessie";

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/", get(projects::dashboard))
        .route("/inloggen", get(auth::login_form).post(auth::login))
        .route("/tweede-stap", get(auth::second_form).post(auth::second))
        .route("/uitloggen", post(auth::logout))
        .route("/herstel/{token}", get(auth::reset_form).post(auth::reset))
        .route(
            "/projecten/nieuw",
            get(drafts::new_form).post(drafts::create),
        )
        .route(
            "/concepten/{number}",
            get(drafts::edit_form).post(drafts::save),
        )
        .route(
            "/projecten/{number}",
            get(projects::edit_form).post(projects::save),
        )
        .route("/projecten/{number}/revisies", get(projects::revisions))
        .route(
            "/projecten/{number}/revisies/{revision}/terugzetten",
            post(projects::restore),
        )
        .route("/audit", get(audit::page))
        .route("/audit.csv", get(audit::csv))
        .layer(axum::middleware::map_response(private))
}

/// Back-office answers are personal: never stored by a cache, never leaked as a referrer.
async fn private(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    res.extensions_mut().insert(crate::error::Rendered);
    res
}

/// Who is asking: the session from the cookie (if any and live), and where from.
pub struct Visitor {
    pub session_id: Option<String>,
    pub session: Option<Session>,
    pub source: String,
    /// Whether cookies should be `Secure` (the request came over TLS).
    pub secure: bool,
}

fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The client's address, for the audit log ("unknown" when served without connect info).
pub struct Source(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Source {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Source(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string()),
        ))
    }
}

impl FromRequestParts<Shared> for Visitor {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &Shared) -> Result<Self, Response> {
        let Ok(Source(source)) = Source::from_request_parts(parts, app).await;
        let secure = parts
            .headers
            .get("x-forwarded-proto")
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"));
        let session_id = cookie_value(&parts.headers, COOKIE)
            .filter(|v| v.len() <= 64)
            .map(str::to_owned);
        let session = match &session_id {
            Some(id) => app
                .accounts
                .session(id, unix_now())
                .map_err(|e| internal(&e))?,
            None => None,
        };
        Ok(Visitor {
            session_id: session.as_ref().and(session_id),
            session,
            source,
            secure,
        })
    }
}

/// A signed-in user (password and, for staff, second factor) with their session.
pub struct Staff {
    pub user: User,
    pub csrf: String,
    pub source: String,
}

impl Staff {
    /// The signed-in user, or a redirect to the login page.
    pub fn of(visitor: Visitor) -> Result<Staff, Response> {
        match visitor.session {
            Some(s) if s.signed_in().is_some() => Ok(Staff {
                user: s.user.expect("signed in means a user"),
                csrf: s.csrf,
                source: visitor.source,
            }),
            Some(Session { user: Some(_), .. }) => {
                Err(Redirect::to("/beheer/tweede-stap").into_response())
            }
            _ => Err(Redirect::to("/beheer/inloggen").into_response()),
        }
    }

    /// Refuses (404, as if there were nothing) when the role may not do `action`.
    pub fn require(&self, action: Action) -> Result<(), Response> {
        if self.user.role.may(action) {
            Ok(())
        } else {
            Err(page_error(
                StatusCode::NOT_FOUND,
                "Niet gevonden",
                "Deze pagina bestaat niet.",
            ))
        }
    }

    /// Refuses a POST whose CSRF token is not this session's.
    pub fn check_csrf(&self, sent: &str) -> Result<(), Response> {
        check_csrf(&self.csrf, sent)
    }

    pub fn frame(&self) -> Frame {
        Frame::signed_in(&self.user, &self.csrf)
    }

    pub fn audit(&self, app: &Shared, action: &str, target: &str, detail: String) {
        record(
            app,
            &self.user.email.to_string(),
            &self.source,
            action,
            target,
            detail,
        );
    }
}

/// Appends to the audit log; a failure to do so is logged, as the change it records is done.
pub fn record(app: &Shared, actor: &str, source: &str, action: &str, target: &str, detail: String) {
    let entry = AuditEntry {
        at: unix_now(),
        actor: actor.to_owned(),
        action: action.to_owned(),
        target: target.to_owned(),
        detail,
        source: source.to_owned(),
    };
    if let Err(e) = app.accounts.record(&entry) {
        tracing::error!(error = %e, action, target, "audit log not written");
    }
}

/// Compares in time independent of where the strings differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

pub fn check_csrf(expected: &str, sent: &str) -> Result<(), Response> {
    if !expected.is_empty() && same(expected, sent) {
        Ok(())
    } else {
        Err(page_error(
            StatusCode::FORBIDDEN,
            "Formulier verlopen",
            "Dit formulier hoort niet (meer) bij uw sessie. Laad de pagina opnieuw en probeer het nog eens.",
        ))
    }
}

/// The `Set-Cookie` value for a session id (or, with `None`, one that removes the cookie).
pub fn session_cookie(id: Option<&str>, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let value = match id {
        Some(id) => format!("{COOKIE}={id}; Path=/beheer; HttpOnly; SameSite=Strict{secure}"),
        None => format!("{COOKIE}=; Path=/beheer; HttpOnly; SameSite=Strict; Max-Age=0{secure}"),
    };
    HeaderValue::from_str(&value).expect("ids are URL-safe base64")
}

/// What the back office's page frame shows.
pub struct Frame {
    pub css: &'static str,
    /// The signed-in user's address and role, and the CSRF token of the sign-out form.
    pub user: Option<(String, &'static str, String)>,
    pub may_audit: bool,
}

impl Frame {
    pub fn anonymous() -> Frame {
        Frame {
            css: assets::css_path(),
            user: None,
            may_audit: false,
        }
    }

    fn signed_in(user: &User, csrf: &str) -> Frame {
        Frame {
            css: assets::css_path(),
            user: Some((
                user.email.to_string(),
                user.role.label_nl(),
                csrf.to_owned(),
            )),
            may_audit: user.role.may(Action::ReadAudit),
        }
    }
}

#[derive(Template)]
#[template(path = "beheer/message.html")]
struct MessagePage<'a> {
    f: Frame,
    heading: &'a str,
    message: &'a str,
}

/// A plain page with a heading and a message, with the status given.
pub fn page_error(status: StatusCode, heading: &str, message: &str) -> Response {
    let body = MessagePage {
        f: Frame::anonymous(),
        heading,
        message,
    }
    .render()
    .unwrap_or_else(|_| message.to_owned());
    (status, Html(body)).into_response()
}

pub fn internal(e: &dyn std::fmt::Display) -> Response {
    tracing::error!(error = %e, "back office failed");
    page_error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Er ging iets mis",
        "Er ging bij ons iets mis. Probeer het later opnieuw.",
    )
}

pub fn render(t: impl Template) -> Response {
    match t.render() {
        Ok(body) => Html(body).into_response(),
        Err(e) => internal(&e),
    }
}

/// Runs account or catalogue work that may take a while (password hashing, writes) off the
/// async threads.
pub async fn off_thread<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, Response> + Send + 'static,
) -> Result<T, Response> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| internal(&e))?
}

/// An internal failure as the API's problem document (the detail goes to the log only).
pub fn internal_problem(e: &dyn std::fmt::Display) -> Response {
    tracing::error!(error = %e, "API write failed");
    let mut res = crate::error::AppError::Worker("internal".into()).into_response();
    res.extensions_mut().remove::<crate::error::Rendered>();
    res
}
