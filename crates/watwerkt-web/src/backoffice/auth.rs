//! Signing in and out: password, then (for staff) a TOTP code — enrolled at first sign-in —,
//! and the one-time password reset that `watwerkt user reset` hands out.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use watwerkt_accounts::secret::{self, MIN_PASSWORD_CHARS};
use watwerkt_accounts::{AccountError, Login, unix_now};

use super::{
    Frame, Staff, Visitor, check_csrf, internal, off_thread, record, render, session_cookie,
};
use crate::Shared;

#[derive(askama::Template)]
#[template(path = "beheer/login.html")]
struct LoginPage {
    f: Frame,
    csrf: String,
    email: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    wachtwoord: String,
    #[serde(default)]
    csrf: String,
}

/// The login form, in a pre-login session that carries its CSRF token.
pub async fn login_form(State(app): State<Shared>, v: Visitor) -> Response {
    if v.session.as_ref().is_some_and(|s| s.signed_in().is_some()) {
        return Redirect::to("/beheer").into_response();
    }
    login_page(&app, &v, String::new(), None, StatusCode::OK)
}

fn login_page(
    app: &Shared,
    v: &Visitor,
    email: String,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    // A visitor without a live pre-login session gets a fresh one.
    let (new_id, csrf) = match &v.session {
        Some(s) if s.user.is_none() => (None, s.csrf.clone()),
        _ => match app.accounts.start_session(None, unix_now()) {
            Ok((id, s)) => (Some(id), s.csrf),
            Err(e) => return internal(&e),
        },
    };
    let mut res = render(LoginPage {
        f: Frame::anonymous(),
        csrf,
        email,
        error,
    });
    *res.status_mut() = status;
    if let Some(id) = new_id {
        res.headers_mut()
            .insert(header::SET_COOKIE, session_cookie(Some(&id), v.secure));
    }
    res
}

pub async fn login(State(app): State<Shared>, v: Visitor, Form(form): Form<LoginForm>) -> Response {
    let expected = v
        .session
        .as_ref()
        .filter(|s| s.user.is_none())
        .map_or("", |s| s.csrf.as_str());
    if let Err(refused) = check_csrf(expected, &form.csrf) {
        return refused;
    }
    let accounts = app.accounts.clone();
    let (email, source) = (form.email.clone(), v.source.clone());
    let outcome =
        off_thread(move || Ok(accounts.login(&email, &form.wachtwoord, &source, unix_now()))).await;
    let user = match outcome {
        Ok(Ok(Login::Ok(user))) => user,
        Ok(Ok(Login::Refused)) => {
            record(
                &app,
                form.email.trim(),
                &v.source,
                "login.failed",
                "",
                String::new(),
            );
            return login_page(
                &app,
                &v,
                form.email,
                Some("Dit e-mailadres en wachtwoord horen niet bij een actief account.".into()),
                StatusCode::UNAUTHORIZED,
            );
        }
        Ok(Err(AccountError::Throttled { retry_after_secs })) => {
            let minutes = (retry_after_secs + 59) / 60;
            let mut res = login_page(
                &app,
                &v,
                form.email,
                Some(format!(
                    "Te veel mislukte pogingen. Probeer het over {minutes} minuten opnieuw."
                )),
                StatusCode::TOO_MANY_REQUESTS,
            );
            res.headers_mut()
                .insert(header::RETRY_AFTER, retry_after_secs.into());
            return res;
        }
        Ok(Err(e)) => return internal(&e),
        Err(res) => return res,
    };
    // A new session for the signed-in user; the pre-login one is gone.
    if let Some(old) = &v.session_id {
        let _ = app.accounts.end_session(old);
    }
    let (id, session) = match app.accounts.start_session(Some(&user), unix_now()) {
        Ok(s) => s,
        Err(e) => return internal(&e),
    };
    record(
        &app,
        user.email.as_str(),
        &v.source,
        "login",
        "",
        String::new(),
    );
    let next = if session.signed_in().is_some() {
        "/beheer"
    } else {
        "/beheer/tweede-stap"
    };
    let mut res = Redirect::to(next).into_response();
    res.headers_mut()
        .insert(header::SET_COOKIE, session_cookie(Some(&id), v.secure));
    res
}

#[derive(askama::Template)]
#[template(path = "beheer/second.html")]
struct SecondPage {
    f: Frame,
    csrf: String,
    /// When enrolling: the new seed and its otpauth address.
    enrol: Option<(String, String)>,
    error: Option<&'static str>,
}

#[derive(Deserialize)]
pub struct SecondForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    geheim: Option<String>,
    #[serde(default)]
    csrf: String,
}

fn pending(v: &Visitor) -> Option<(&watwerkt_accounts::User, &str)> {
    let s = v.session.as_ref()?;
    let user = s.user.as_ref().filter(|_| !s.second_factor_done)?;
    Some((user, s.csrf.as_str()))
}

pub async fn second_form(v: Visitor) -> Response {
    let Some((user, csrf)) = pending(&v) else {
        return Redirect::to("/beheer").into_response();
    };
    let enrol = (!user.has_totp).then(|| {
        let seed = secret::new_totp_secret();
        let url = secret::otpauth_url(&seed, user.email.as_str());
        (seed, url)
    });
    render(SecondPage {
        f: Frame::anonymous(),
        csrf: csrf.to_owned(),
        enrol,
        error: None,
    })
}

pub async fn second(
    State(app): State<Shared>,
    v: Visitor,
    Form(form): Form<SecondForm>,
) -> Response {
    let Some((user, csrf)) = pending(&v) else {
        return Redirect::to("/beheer").into_response();
    };
    if let Err(refused) = check_csrf(csrf, &form.csrf) {
        return refused;
    }
    // An enrolled user's seed is never replaced through this form.
    let enrol = form.geheim.filter(|_| !user.has_totp);
    let session_id = v.session_id.clone().unwrap_or_default();
    match app
        .accounts
        .second_factor(&session_id, &form.code, enrol.as_deref(), unix_now())
    {
        Ok(true) => {
            let action = if enrol.is_some() {
                "totp.enrol"
            } else {
                "login.totp"
            };
            record(
                &app,
                user.email.as_str(),
                &v.source,
                action,
                "",
                String::new(),
            );
            Redirect::to("/beheer").into_response()
        }
        Ok(false) => {
            record(
                &app,
                user.email.as_str(),
                &v.source,
                "login.totp_failed",
                "",
                String::new(),
            );
            let enrol = enrol.map(|seed| {
                let url = secret::otpauth_url(&seed, user.email.as_str());
                (seed, url)
            });
            let mut res = render(SecondPage {
                f: Frame::anonymous(),
                csrf: csrf.to_owned(),
                enrol,
                error: Some(
                    "Deze code klopt niet (of is al gebruikt). Voer de code in die uw app nu toont.",
                ),
            });
            *res.status_mut() = StatusCode::UNAUTHORIZED;
            res
        }
        Err(e) => internal(&e),
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub async fn logout(State(app): State<Shared>, v: Visitor, Form(form): Form<CsrfForm>) -> Response {
    let secure = v.secure;
    if let (Some(id), Some(s)) = (v.session_id.clone(), &v.session) {
        if let Err(refused) = check_csrf(&s.csrf, &form.csrf) {
            return refused;
        }
        if let Ok(staff) = Staff::of(v) {
            staff.audit(&app, "logout", "", String::new());
        }
        if let Err(e) = app.accounts.end_session(&id) {
            return internal(&e);
        }
    }
    let mut res = Redirect::to("/beheer/inloggen").into_response();
    res.headers_mut()
        .insert(header::SET_COOKIE, session_cookie(None, secure));
    res
}

#[derive(askama::Template)]
#[template(path = "beheer/reset.html")]
struct ResetPage {
    f: Frame,
    token: String,
    min: usize,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    wachtwoord: String,
    #[serde(default)]
    herhaling: String,
}

pub async fn reset_form(Path(token): Path<String>) -> Response {
    render(ResetPage {
        f: Frame::anonymous(),
        token,
        min: MIN_PASSWORD_CHARS,
        error: None,
    })
}

/// Sets a new password. The one-time token in the address is the proof; it is the form's CSRF
/// defence too, as nobody else knows it.
pub async fn reset(
    State(app): State<Shared>,
    v: Visitor,
    Path(token): Path<String>,
    Form(form): Form<ResetForm>,
) -> Response {
    let fail = |token: String, error: String, status: StatusCode| {
        let mut res = render(ResetPage {
            f: Frame::anonymous(),
            token,
            min: MIN_PASSWORD_CHARS,
            error: Some(error),
        });
        *res.status_mut() = status;
        res
    };
    if form.wachtwoord != form.herhaling {
        return fail(
            token,
            "De twee wachtwoorden zijn niet gelijk.".into(),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let accounts = app.accounts.clone();
    let t = token.clone();
    let outcome =
        off_thread(move || Ok(accounts.reset_password(&t, &form.wachtwoord, unix_now()))).await;
    match outcome {
        Ok(Ok(user)) => {
            record(
                &app,
                user.email.as_str(),
                &v.source,
                "user.password_reset",
                "",
                String::new(),
            );
            Redirect::to("/beheer/inloggen").into_response()
        }
        Ok(Err(AccountError::PasswordPolicy { min, max, found })) => fail(
            token,
            format!("Een wachtwoord heeft {min} tot {max} tekens; dit heeft er {found}."),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Ok(Err(AccountError::BadResetToken)) => fail(
            token,
            "Deze herstellink is onbekend, al gebruikt of verlopen. Vraag een nieuwe aan.".into(),
            StatusCode::NOT_FOUND,
        ),
        Ok(Err(e)) => internal(&e),
        Err(res) => res,
    }
}
