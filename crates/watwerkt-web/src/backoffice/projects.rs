//! The catalogue editor: find a project, edit its fields, see its revisions and restore one.
//! Every save goes through the catalogue's one write path (`Catalog::edit_project`), with the
//! revision the form was loaded at, so two editors never overwrite each other unseen.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use watwerkt_catalog::{EditError, Edited, changed_fields, record_json};
use watwerkt_domain::{Action, Project, ProjectNumber, Theme};
use watwerkt_search::{SearchRequest, Sort};

use super::{Frame, Staff, Visitor, internal, page_error, render};
use crate::Shared;
use crate::pages::blocking;

/// Projects listed on the dashboard at most.
const LISTED: usize = 50;

#[derive(askama::Template)]
#[template(path = "beheer/dashboard.html")]
struct Dashboard {
    f: Frame,
    q: String,
    total: u64,
    rows: Vec<(String, String)>,
    may_edit: bool,
    /// Drafts of new projects: (number, title, author).
    drafts: Vec<(String, String, String)>,
}

#[derive(Deserialize)]
pub struct DashboardQuery {
    #[serde(default)]
    q: String,
}

pub async fn dashboard(
    State(app): State<Shared>,
    v: Visitor,
    Query(query): Query<DashboardQuery>,
) -> Response {
    let staff = match Staff::of(v) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let q = query.q.trim().chars().take(200).collect::<String>();
    if let Ok(number) = ProjectNumber::parse(&q) {
        return Redirect::to(&format!("/beheer/projecten/{number}")).into_response();
    }
    let req = SearchRequest {
        query: q.clone(),
        limit: LISTED,
        sort: if q.is_empty() {
            Sort::Newest
        } else {
            Sort::Relevance
        },
        ..Default::default()
    };
    let found = blocking(&app, move |c| Ok(c.index().search(&req)?)).await;
    let res = match found {
        Ok(r) => r,
        Err(e) => return internal(&e),
    };
    render(Dashboard {
        f: staff.frame(),
        q,
        total: res.total,
        rows: res
            .hits
            .into_iter()
            .map(|h| (h.project_number, h.title))
            .collect(),
        may_edit: staff.user.role.may(Action::EditCatalogue),
        drafts: if staff.user.role.may(Action::EditCatalogue) {
            super::drafts::listed(&app)
        } else {
            Vec::new()
        },
    })
}

/// One field of the edit form.
pub(super) struct Field {
    /// The record field it edits (and the form field's name).
    pub(super) name: &'static str,
    pub(super) label: &'static str,
    pub(super) hint: &'static str,
    pub(super) kind: Kind,
    pub(super) value: String,
    pub(super) error: Option<String>,
}

#[derive(PartialEq)]
pub(super) enum Kind {
    Line,
    Text,
    /// One value per line.
    Lines,
    Choice(Vec<&'static str>),
}

/// The editable fields, in form order: (record field, label, hint, kind).
pub(super) fn fields() -> Vec<(&'static str, &'static str, &'static str, Kind)> {
    use Kind::*;
    let themes = Theme::ALL.iter().map(|t| t.name()).collect();
    vec![
        ("title", "Titel", "De korte titel boven het project.", Line),
        (
            "full_title",
            "Volledige titel",
            "Zoals onder Gegevens; mag leeg.",
            Line,
        ),
        ("theme", "Programmalijn", "", Choice(themes)),
        (
            "status",
            "Status",
            "Afgerond vraagt om een resultaat.",
            Choice(vec!["", "Lopend", "Afgerond"]),
        ),
        ("teaser", "Inleiding", "", Text),
        ("question", "Vraagstuk", "", Text),
        ("method", "Onderzoek", "", Text),
        ("outcome", "Resultaat of (verwachte) uitkomst", "", Text),
        (
            "outcome_kind",
            "Soort uitkomst",
            "",
            Choice(vec!["", "resultaat", "uitkomst", "verwachte uitkomst"]),
        ),
        (
            "municipalities",
            "Gemeenten",
            "Eén gemeente per regel.",
            Lines,
        ),
        (
            "organisations",
            "Organisaties",
            "Eén organisatie per regel.",
            Lines,
        ),
        ("lead_researcher", "Projectleider", "", Line),
        ("products", "Producten", "Eén product per regel.", Lines),
        ("start", "Start", "JJJJ, JJJJ-MM of JJJJ-MM-DD.", Line),
        ("end", "Einde", "JJJJ, JJJJ-MM of JJJJ-MM-DD.", Line),
        ("duration_months", "Looptijd in maanden", "", Line),
    ]
}

pub(super) fn form_fields(values: &Map<String, Value>, error: Option<(&str, &str)>) -> Vec<Field> {
    fields()
        .into_iter()
        .map(|(name, label, hint, kind)| {
            let value = match values.get(name) {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Array(items)) => items
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join("\n"),
                Some(Value::Null) | None => String::new(),
                Some(other) => other.to_string(),
            };
            let error = error
                .filter(|(field, _)| field.split(['.', '[']).next() == Some(name))
                .map(|(_, m)| m.to_owned());
            Field {
                name,
                label,
                hint,
                kind,
                value,
                error,
            }
        })
        .collect()
}

#[derive(askama::Template)]
#[template(path = "beheer/edit.html")]
struct EditPage {
    f: Frame,
    number: String,
    title: String,
    revision: u32,
    csrf: String,
    fields: Vec<Field>,
    /// A problem with the whole form (a stale revision, an error without a field).
    problem: Option<String>,
    saved: Option<u32>,
}

#[derive(Deserialize)]
pub struct Saved {
    opgeslagen: Option<u32>,
}

pub(super) fn parse_number(s: &str) -> Result<ProjectNumber, Response> {
    ProjectNumber::parse(s).map_err(|_| {
        page_error(
            StatusCode::NOT_FOUND,
            "Niet gevonden",
            "Dit project bestaat niet.",
        )
    })
}

pub(super) fn editor(v: Visitor) -> Result<Staff, Response> {
    let staff = Staff::of(v)?;
    staff.require(Action::EditCatalogue)?;
    Ok(staff)
}

/// An editor, and the project number of the address.
fn editor_on(v: Visitor, number: &str) -> Result<(Staff, ProjectNumber), Response> {
    let staff = editor(v)?;
    Ok((staff, parse_number(number)?))
}

async fn load(app: &Shared, number: ProjectNumber) -> Result<(Project, u32), Response> {
    let found = blocking(app, move |c| {
        let p = c.project(&number)?;
        let r = c.revision(&number)?;
        Ok(p.zip(r))
    })
    .await
    .map_err(|e| internal(&e))?;
    found.ok_or_else(|| {
        page_error(
            StatusCode::NOT_FOUND,
            "Niet gevonden",
            "Dit project bestaat niet.",
        )
    })
}

pub async fn edit_form(
    State(app): State<Shared>,
    v: Visitor,
    Path(number): Path<String>,
    Query(saved): Query<Saved>,
) -> Response {
    let (staff, number) = match editor_on(v, &number) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let (project, revision) = match load(&app, number).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let record = record_json(&project);
    render(EditPage {
        f: staff.frame(),
        number: project.number.to_string(),
        title: project.title.clone(),
        revision,
        csrf: staff.csrf.clone(),
        fields: form_fields(record.as_object().expect("a record is an object"), None),
        problem: None,
        saved: saved.opgeslagen,
    })
}

/// The form as a merge patch of the fields it has; an emptied optional field becomes `null`.
pub(super) fn patch_of(form: &Map<String, Value>) -> Result<Value, (String, String)> {
    let mut patch = Map::new();
    for (name, _, _, kind) in fields() {
        let Some(raw) = form.get(name).and_then(Value::as_str) else {
            continue;
        };
        let text = raw.replace("\r\n", "\n");
        let value = match kind {
            Kind::Lines => Value::Array(
                text.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(|l| Value::String(l.to_owned()))
                    .collect(),
            ),
            _ if name == "duration_months" => match text.trim() {
                "" => Value::Null,
                t => json!(t.parse::<u32>().map_err(|_| {
                    (
                        name.to_owned(),
                        format!("{t:?} is geen geheel aantal maanden"),
                    )
                })?),
            },
            _ => match text.trim() {
                "" if matches!(name, "title" | "question" | "method" | "outcome" | "theme") => {
                    json!("")
                }
                "" => Value::Null,
                t => json!(t),
            },
        };
        patch.insert(name.to_owned(), value);
    }
    Ok(Value::Object(patch))
}

pub async fn save(
    State(app): State<Shared>,
    v: Visitor,
    Path(number): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let (staff, number) = match editor_on(v, &number) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let form = form_map(form);
    if let Err(r) = staff.check_csrf(form.get("csrf").and_then(Value::as_str).unwrap_or("")) {
        return r;
    }
    let expected = form
        .get("revisie")
        .and_then(Value::as_str)
        .and_then(|r| r.parse::<u32>().ok());
    let title = form
        .get("title")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    let again = |problem: Option<String>, field_error: Option<(String, String)>, revision: u32| {
        let mut res = render(EditPage {
            f: staff.frame(),
            number: number.to_string(),
            title: title.clone(),
            revision,
            csrf: staff.csrf.clone(),
            fields: form_fields(
                &form,
                field_error.as_ref().map(|(f, m)| (f.as_str(), m.as_str())),
            ),
            problem,
            saved: None,
        });
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        res
    };
    let Some(expected) = expected else {
        return again(
            Some("Het formulier mist de revisie waarop het is geopend.".into()),
            None,
            0,
        );
    };
    let patch = match patch_of(&form) {
        Ok(p) => p,
        Err(e) => return again(None, Some(e), expected),
    };
    let n = number.clone();
    let outcome = blocking(&app, move |c| {
        Ok(c.edit_project(&n, &patch, Some(expected)))
    })
    .await;
    match outcome {
        Ok(Ok(edited)) => saved(&app, &staff, &number, &edited),
        Ok(Err(EditError::Stale { current, .. })) => {
            let mut res = again(
                Some(format!(
                    "Dit project is intussen door een ander gewijzigd (nu revisie {current}). \
                     Uw wijzigingen zijn niet opgeslagen; ze staan hieronder nog. \
                     Bekijk de revisies en breng ze zo nodig opnieuw aan."
                )),
                None,
                expected,
            );
            *res.status_mut() = StatusCode::CONFLICT;
            res
        }
        Ok(Err(EditError::Invalid { field, message })) => {
            let in_form = fields()
                .iter()
                .any(|(n, ..)| field.split(['.', '[']).next() == Some(n));
            if in_form {
                again(None, Some((field, message)), expected)
            } else {
                again(Some(format!("{field}: {message}")), None, expected)
            }
        }
        Ok(Err(EditError::NotFound(_))) => page_error(
            StatusCode::NOT_FOUND,
            "Niet gevonden",
            "Dit project bestaat niet.",
        ),
        Ok(Err(e)) => internal(&e),
        Err(e) => internal(&e),
    }
}

/// Writes an edit to the audit log as `r3: title, teaser` (the revision history reads the
/// revision back from it); `via` is appended, e.g. " (API)". Nothing for an edit that changed
/// nothing.
pub fn record_edit(
    app: &Shared,
    actor: &str,
    source: &str,
    number: &ProjectNumber,
    edited: &Edited,
    via: &str,
) {
    if edited.changed.is_empty() {
        return;
    }
    super::record(
        app,
        actor,
        source,
        "project.update",
        &format!("project:{number}"),
        format!("r{}: {}{via}", edited.revision, edited.changed.join(", ")),
    );
}

/// After a save or a restore: into the audit log, and back to the form, which says so.
fn saved(app: &Shared, staff: &Staff, number: &ProjectNumber, edited: &Edited) -> Response {
    record_edit(
        app,
        staff.user.email.as_str(),
        &staff.source,
        number,
        edited,
        "",
    );
    Redirect::to(&format!(
        "/beheer/projecten/{number}?opgeslagen={}",
        edited.revision
    ))
    .into_response()
}

/// A posted form as a JSON object of strings, as the record fields are named.
pub(super) fn form_map(form: Vec<(String, String)>) -> Map<String, Value> {
    form.into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect()
}

/// One revision of a project, as the history shows it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct RevisionEntry {
    pub revision: u32,
    /// Who made it (an account's address), when known; revisions written by an import have none.
    pub author: Option<String>,
    /// When it was made (RFC 3339), when known.
    pub at: Option<String>,
    /// The record fields this revision changed from the one before.
    pub changed: Vec<String>,
    pub current: bool,
}

/// The revisions of a project, newest first; `None` when there is no such project.
pub async fn history(
    app: &Shared,
    number: ProjectNumber,
) -> Result<Option<Vec<RevisionEntry>>, crate::error::AppError> {
    let accounts = app.accounts.clone();
    blocking(app, move |c| {
        let Some(current) = c.project(&number)? else {
            return Ok(None);
        };
        let mut versions: Vec<Project> = c
            .store()
            .revisions(&number)
            .map_err(watwerkt_catalog::CatalogError::from)?
            .into_iter()
            .map(|r| r.project)
            .collect();
        versions.push(current);
        let log = accounts
            .audit(Some(&format!("project:{number}")), 10_000)
            .unwrap_or_default();
        let mut out = Vec::with_capacity(versions.len());
        for (i, p) in versions.iter().enumerate() {
            let revision = i as u32 + 1;
            let tag = format!("r{revision}:");
            let entry = log.iter().find(|e| e.detail.starts_with(&tag));
            let changed = match i {
                0 => Vec::new(),
                _ => changed_fields(&record_json(&versions[i - 1]), &record_json(p)),
            };
            out.push(RevisionEntry {
                revision,
                author: entry.map(|e| e.actor.clone()),
                at: entry.map(|e| watwerkt_accounts::rfc3339(e.at)),
                changed,
                current: i + 1 == versions.len(),
            });
        }
        out.reverse();
        Ok(Some(out))
    })
    .await
}

#[derive(askama::Template)]
#[template(path = "beheer/revisions.html")]
struct RevisionsPage {
    f: Frame,
    number: String,
    entries: Vec<RevisionEntry>,
    csrf: String,
}

pub async fn revisions(
    State(app): State<Shared>,
    v: Visitor,
    Path(number): Path<String>,
) -> Response {
    let (staff, number) = match editor_on(v, &number) {
        Ok(x) => x,
        Err(r) => return r,
    };
    match history(&app, number.clone()).await {
        Ok(Some(entries)) => render(RevisionsPage {
            f: staff.frame(),
            number: number.to_string(),
            entries,
            csrf: staff.csrf.clone(),
        }),
        Ok(None) => page_error(
            StatusCode::NOT_FOUND,
            "Niet gevonden",
            "Dit project bestaat niet.",
        ),
        Err(e) => internal(&e),
    }
}

#[derive(Deserialize)]
pub struct RestoreForm {
    #[serde(default)]
    csrf: String,
    revisie: Option<u32>,
}

pub async fn restore(
    State(app): State<Shared>,
    v: Visitor,
    Path((number, revision)): Path<(String, u32)>,
    Form(form): Form<RestoreForm>,
) -> Response {
    let (staff, number) = match editor_on(v, &number) {
        Ok(x) => x,
        Err(r) => return r,
    };
    if let Err(r) = staff.check_csrf(&form.csrf) {
        return r;
    }
    let n = number.clone();
    let outcome = blocking(&app, move |c| {
        Ok(c.restore_revision(&n, revision, form.revisie))
    })
    .await;
    match outcome {
        Ok(Ok(edited)) => saved(&app, &staff, &number, &edited),
        Ok(Err(EditError::Stale { current, .. })) => page_error(
            StatusCode::CONFLICT,
            "Intussen gewijzigd",
            &format!(
                "Dit project is intussen gewijzigd (nu revisie {current}); bekijk de revisies opnieuw."
            ),
        ),
        Ok(Err(EditError::NotFound(_) | EditError::NoSuchRevision { .. })) => page_error(
            StatusCode::NOT_FOUND,
            "Niet gevonden",
            "Deze revisie bestaat niet.",
        ),
        Ok(Err(e)) => internal(&e),
        Err(e) => internal(&e),
    }
}
