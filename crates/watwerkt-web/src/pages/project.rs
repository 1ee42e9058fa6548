//! The project page: every field of a project, with links to its theme, organisations and
//! municipalities, and schema.org JSON-LD for search engines.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use watwerkt_domain::{OutcomeKind, Project, ProjectNumber, Status};

use super::{Layout, NamedLink, blocking, directory};
use crate::Shared;
use crate::directory::PageKind;
use crate::error::AppError;

pub struct ProductView {
    pub title: String,
    pub kind: &'static str,
}

pub struct OrganisationView {
    pub link: NamedLink,
    pub kind: &'static str,
}

#[derive(Template)]
#[template(path = "project.html")]
struct ProjectPage {
    l: Layout,
    p: Project,
    json_ld: String,
    status: Option<&'static str>,
    finished: bool,
    start: Option<String>,
    end: Option<String>,
    outcome_heading: &'static str,
    products_heading: &'static str,
    products: Vec<ProductView>,
    organisations: Vec<OrganisationView>,
    municipalities: Vec<NamedLink>,
}

/// schema.org ResearchProject; `<` is escaped so no text can close the script element.
fn json_ld(p: &Project) -> String {
    let mut v = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "ResearchProject",
        "identifier": p.number.as_str(),
        "name": p.title,
        "description": p.question,
        "url": format!("/project/{}", p.number),
        "member": p.organisations.iter().map(|o| serde_json::json!({"@type": "Organization", "name": o.name})).collect::<Vec<_>>(),
    });
    if let Some(s) = p.start {
        v["startDate"] = s.to_string().into();
    }
    if let Some(e) = p.end {
        v["endDate"] = e.to_string().into();
    }
    v.to_string().replace('<', "\\u003c")
}

pub async fn project_page(
    State(app): State<Shared>,
    Path(number): Path<String>,
    l: Layout,
) -> Result<Response, AppError> {
    let number = ProjectNumber::parse(&number).map_err(|_| AppError::NotFound)?;
    let p = blocking(&app, move |c| Ok(c.project(&number)?))
        .await?
        .ok_or(AppError::NotFound)?;
    let dir = directory(&app).await?;
    let (t, lang, base) = (l.t, l.lang, l.base);
    let outcome_heading = match p.outcome_kind {
        Some(OutcomeKind::Uitkomst) => t.outcome,
        Some(OutcomeKind::VerwachteUitkomst) => t.expected_outcome,
        Some(OutcomeKind::Resultaat) => t.result,
        // Without a heading of its own, a running project's outcome is what is expected.
        None if p.status == Some(Status::Lopend) => t.expected_outcome,
        None => t.result,
    };
    let body = ProjectPage {
        json_ld: json_ld(&p),
        status: p.status.map(|s| lang.status(s)),
        finished: p.status == Some(Status::Afgerond),
        start: p.start.map(|d| lang.date(&d)),
        end: p.end.map(|d| lang.date(&d)),
        outcome_heading,
        products_heading: if p.products_heading.is_some_and(|h| h.is_interim()) {
            t.interim_products
        } else {
            t.products
        },
        products: p
            .products
            .iter()
            .map(|pr| ProductView {
                title: pr.title.clone(),
                kind: lang.product_kind(pr.kind),
            })
            .collect(),
        organisations: p
            .organisations
            .iter()
            .map(|o| OrganisationView {
                link: NamedLink::new(&dir, PageKind::Organisation, &o.name, base),
                kind: lang.organisation_kind(o.kind),
            })
            .collect(),
        municipalities: p
            .municipalities
            .iter()
            .map(|m| NamedLink::new(&dir, PageKind::Municipality, m, base))
            .collect(),
        p,
        l,
    }
    .render()?;
    Ok(Html(body).into_response())
}
