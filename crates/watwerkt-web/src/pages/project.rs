//! The project page: every field of a project, with links to its theme, organisations and
//! municipalities, and schema.org JSON-LD for search engines.

use askama::Template;
use axum::extract::{OriginalUri, Path, State};
use axum::response::Response;
use watwerkt_domain::{OutcomeKind, Project, ProjectNumber, Status};

use super::{Card, Layout, NamedLink, blocking, cards, directory, from_cache, keep};
use crate::Shared;
use crate::directory::PageKind;
use crate::error::AppError;

/// Similar projects shown under a project.
const RELATED: usize = 5;

pub struct Related {
    pub card: Card,
    /// The words that connect it to this project, strongest first.
    pub terms: Vec<String>,
}

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
    related: Vec<Related>,
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
    uri: OriginalUri,
    l: Layout,
) -> Result<Response, AppError> {
    // Kept like search pages: finding the related projects is a search of its own.
    let (generation, key, hit) = from_cache(&app, &uri);
    if let Some(page) = hit {
        return Ok(page);
    }
    let number = ProjectNumber::parse(&number).map_err(|_| AppError::NotFound)?;
    let lang = l.lang;
    let (p, related) = blocking(&app, move |c| {
        let Some(p) = c.project(&number)? else {
            return Ok((None, Vec::new()));
        };
        let matches = c.index().similar(&p, RELATED)?;
        let numbers: Vec<String> = matches
            .iter()
            .map(|m| m.hit.project_number.clone())
            .collect();
        let related = cards(c, &numbers, lang)?
            .into_iter()
            .filter_map(|card| {
                let m = matches
                    .iter()
                    .find(|m| m.hit.project_number == card.number)?;
                Some(Related {
                    terms: m.terms.iter().take(6).cloned().collect(),
                    card,
                })
            })
            .collect();
        Ok((Some(p), related))
    })
    .await?;
    let p = p.ok_or(AppError::NotFound)?;
    let dir = directory(&app).await?;
    let (t, base) = (l.t, l.base);
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
        related,
        p,
        l,
    }
    .render()?;
    Ok(keep(&app, generation, &key, body))
}
