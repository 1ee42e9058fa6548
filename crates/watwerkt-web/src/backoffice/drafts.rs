//! New projects: an editor writes a draft (kept in the back office, not yet in the catalogue),
//! saves it as often as needed, and publishes it — through the catalogue's write path, after
//! which it is on the site and in search, and edited as any project.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::{Map, Value};
use watwerkt_accounts::{Draft, unix_now};
use watwerkt_catalog::EditError;
use watwerkt_domain::ProjectNumber;

use super::projects::{Field, Kind, editor, form_fields, form_map, parse_number, patch_of};
use super::{Frame, Visitor, internal, page_error, render};
use crate::Shared;
use crate::pages::blocking;

#[derive(askama::Template)]
#[template(path = "beheer/draft.html")]
struct DraftPage {
    f: Frame,
    /// `None` for a new draft: the number is asked for.
    number: Option<String>,
    number_value: String,
    number_error: Option<String>,
    csrf: String,
    fields: Vec<Field>,
    problem: Option<String>,
    saved: bool,
}

#[derive(serde::Deserialize)]
pub struct SavedFlag {
    opgeslagen: Option<u8>,
}

pub async fn new_form(v: Visitor) -> Response {
    let staff = match editor(v) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let mut defaults = Map::new();
    defaults.insert("status".into(), Value::String("Lopend".into()));
    render(DraftPage {
        f: staff.frame(),
        number: None,
        number_value: String::new(),
        number_error: None,
        csrf: staff.csrf.clone(),
        fields: form_fields(&defaults, None),
        problem: None,
        saved: false,
    })
}

pub async fn edit_form(
    State(app): State<Shared>,
    v: Visitor,
    Path(number): Path<String>,
    Query(saved): Query<SavedFlag>,
) -> Response {
    let staff = match editor(v) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let draft = match app.accounts.draft(&number) {
        Ok(Some(d)) => d,
        Ok(None) => return not_found(),
        Err(e) => return internal(&e),
    };
    let record: Map<String, Value> = serde_json::from_str(&draft.record).unwrap_or_default();
    render(DraftPage {
        f: staff.frame(),
        number: Some(draft.number.clone()),
        number_value: draft.number,
        number_error: None,
        csrf: staff.csrf.clone(),
        fields: form_fields(&record, None),
        problem: None,
        saved: saved.opgeslagen.is_some(),
    })
}

fn not_found() -> Response {
    page_error(
        StatusCode::NOT_FOUND,
        "Niet gevonden",
        "Dit concept bestaat niet (meer).",
    )
}

pub async fn create(
    State(app): State<Shared>,
    v: Visitor,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    save_or_publish(app, v, None, form).await
}

pub async fn save(
    State(app): State<Shared>,
    v: Visitor,
    Path(number): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    if let Err(r) = parse_number(&number) {
        return r;
    }
    save_or_publish(app, v, Some(number), form).await
}

/// Saves the form as a draft, or (with `actie=publiceren`) publishes it.
async fn save_or_publish(
    app: Shared,
    v: Visitor,
    existing: Option<String>,
    form: Vec<(String, String)>,
) -> Response {
    let staff = match editor(v) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let form = form_map(form);
    let text = |k: &str| {
        form.get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .trim()
            .to_owned()
    };
    if let Err(r) = staff.check_csrf(&text("csrf")) {
        return r;
    }
    if let Some(n) = &existing
        && !matches!(app.accounts.draft(n), Ok(Some(_)))
    {
        return not_found();
    }
    let number = existing.clone().unwrap_or_else(|| text("project_number"));
    let publish = text("actie") == "publiceren";
    let again = |number_error: Option<String>,
                 field_error: Option<(String, String)>,
                 problem: Option<String>| {
        let mut res = render(DraftPage {
            f: staff.frame(),
            number: existing.clone(),
            number_value: number.clone(),
            number_error,
            csrf: staff.csrf.clone(),
            fields: form_fields(
                &form,
                field_error.as_ref().map(|(f, m)| (f.as_str(), m.as_str())),
            ),
            problem,
            saved: false,
        });
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        res
    };
    let Ok(parsed) = ProjectNumber::parse(&number) else {
        return again(
            Some("Een projectnummer heeft 6 tot 20 cijfers.".into()),
            None,
            None,
        );
    };
    let mut record = match patch_of(&form) {
        Ok(Value::Object(r)) => r,
        Ok(_) => Map::new(),
        Err(e) => return again(None, Some(e), None),
    };
    record.retain(|_, v| !v.is_null());
    record.insert("project_number".into(), Value::String(parsed.to_string()));
    let record = Value::Object(record);
    let (checked, taken) = {
        let (r, n) = (record.clone(), parsed.clone());
        match blocking(&app, move |c| {
            Ok((c.check_new_project(&r), c.project(&n)?.is_some()))
        })
        .await
        {
            Ok(x) => x,
            Err(e) => return internal(&e),
        }
    };
    if taken {
        return again(
            Some(format!(
                "Project {parsed} bestaat al in de catalogus; bewerk het daar."
            )),
            None,
            None,
        );
    }
    if let Err(e) = checked {
        return match e {
            EditError::Invalid { field, message } => again(None, Some((field, message)), None),
            other => internal(&other),
        };
    }
    if !publish {
        let draft = Draft {
            number: parsed.to_string(),
            record: record.to_string(),
            author: staff.user.email.to_string(),
            updated: unix_now(),
        };
        if let Err(e) = app.accounts.save_draft(&draft) {
            return internal(&e);
        }
        staff.audit(
            &app,
            "draft.save",
            &format!("project:{parsed}"),
            String::new(),
        );
        return Redirect::to(&format!("/beheer/concepten/{parsed}?opgeslagen=1")).into_response();
    }
    let r = record.clone();
    match blocking(&app, move |c| Ok(c.create_project(&r))).await {
        Ok(Ok(created)) => {
            if let Err(e) = app.accounts.delete_draft(parsed.as_str()) {
                tracing::error!(error = %e, number = %parsed, "published draft not removed");
            }
            staff.audit(
                &app,
                "project.publish",
                &format!("project:{parsed}"),
                format!("r1: {}", created.changed.join(", ")),
            );
            Redirect::to(&format!("/beheer/projecten/{parsed}?opgeslagen=1")).into_response()
        }
        Ok(Err(EditError::Exists(_))) => again(
            Some(format!(
                "Project {parsed} bestaat al in de catalogus; bewerk het daar."
            )),
            None,
            None,
        ),
        Ok(Err(EditError::Invalid { field, message })) => again(None, Some((field, message)), None),
        Ok(Err(e)) => internal(&e),
        Err(e) => internal(&e),
    }
}

/// The drafts for the dashboard: (number, title, author).
pub fn listed(app: &Shared) -> Vec<(String, String, String)> {
    app.accounts
        .drafts()
        .unwrap_or_default()
        .into_iter()
        .map(|d| {
            let title = serde_json::from_str::<Value>(&d.record)
                .ok()
                .and_then(|r| r["title"].as_str().map(str::to_owned))
                .unwrap_or_default();
            (d.number, title, d.author)
        })
        .collect()
}
