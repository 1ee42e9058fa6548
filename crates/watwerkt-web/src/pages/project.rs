//! The project page: every field of a project, with links to its theme, organisations and
//! municipalities, what works for whom (target groups, designs and evidence level, outcome
//! domains and findings, active ingredients; each label with the sentence it rests on and a link
//! to the projects sharing it), its products with where to get them, and schema.org JSON-LD for
//! search engines.

use askama::Template;
use axum::extract::{OriginalUri, Path, State};
use axum::response::Response;
use watwerkt_domain::{
    Derived, Dimension, Label, LabelSource, OutcomeKind, Passage, Project, ProjectNumber, Status,
    TextField,
};

use super::{
    Card, Layout, NamedLink, StatusBadge, blocking, cards, directory, from_cache, keep, today,
};
use crate::Shared;
use crate::directory::PageKind;
use crate::error::AppError;
use crate::i18n::{Lang, Texts};
use crate::query::SearchState;
use crate::vocab;

/// Similar projects shown under a project.
const RELATED: usize = 5;

pub struct Related {
    pub card: Card,
    /// The words that connect it to this project, strongest first.
    pub terms: Vec<String>,
}

/// A product as the catalogue gives it: a title, with the kind read from it. The catalogue links
/// none, so the page says whom to ask for them (the first organisation, else the project lead).
pub struct ProductView {
    pub title: String,
    pub kind: &'static str,
}

pub struct OrganisationView {
    pub link: NamedLink,
    pub kind: &'static str,
}

/// A label as the page shows it: its name, the search for projects sharing it, and why.
pub struct LabelView {
    pub name: String,
    pub href: String,
    pub quote: String,
    /// The field the quote comes from, or "redactie" for an editor's override.
    pub source: &'static str,
}

/// A quoted finding or active ingredient, with the field it comes from.
pub struct PassageView {
    pub text: String,
    pub source: &'static str,
}

pub struct LevelView {
    /// "2 — Effect gemeten"
    pub label: String,
    pub href: String,
    pub reason: String,
}

/// The "wat werkt voor wie" sections; `None` for a project not derived yet.
pub struct WhatWorks {
    pub target_groups: Vec<LabelView>,
    pub designs: Vec<LabelView>,
    pub level: LevelView,
    pub outcome_domains: Vec<LabelView>,
    pub findings: Vec<PassageView>,
    pub active_ingredients: Vec<PassageView>,
}

/// The search page for one facet value, in the page's language.
fn search_link(base: &str, facet: &str, value: &str) -> String {
    let st = SearchState {
        filters: vec![(facet.to_owned(), value.to_owned())],
        page: 1,
        ..Default::default()
    };
    format!("{base}{}", st.url())
}

/// The names the fields have as headings on this page.
fn field_name(t: &'static Texts, outcome_heading: &'static str, f: TextField) -> &'static str {
    match f {
        TextField::Title => t.title_field,
        TextField::FullTitle => t.full_title,
        TextField::Teaser => t.teaser_field,
        TextField::Question => t.question,
        TextField::Method => t.method,
        TextField::Outcome => outcome_heading,
    }
}

impl WhatWorks {
    fn new(d: &Derived, lang: Lang, base: &str, outcome_heading: &'static str) -> Option<Self> {
        if d.is_empty() {
            return None;
        }
        let t = lang.texts();
        let source = |s: LabelSource| {
            let field = match s {
                LabelSource::Override => return t.editors,
                LabelSource::Title => TextField::Title,
                LabelSource::FullTitle => TextField::FullTitle,
                LabelSource::Teaser => TextField::Teaser,
                LabelSource::Question => TextField::Question,
                LabelSource::Method => TextField::Method,
                LabelSource::Outcome => TextField::Outcome,
            };
            field_name(t, outcome_heading, field)
        };
        let labels = |dim: Dimension| {
            d.labels(dim)
                .iter()
                .map(|lb: &Label| LabelView {
                    name: vocab::label_name(lang, dim, &lb.id).to_owned(),
                    href: search_link(base, dim.facet(), &lb.id),
                    quote: lb.quote.clone(),
                    source: source(lb.field),
                })
                .collect()
        };
        let passages = |ps: &[Passage]| {
            ps.iter()
                .map(|p| PassageView {
                    text: p.text.clone(),
                    source: field_name(t, outcome_heading, p.field),
                })
                .collect()
        };
        let level = &d.evidence_level;
        // The reason repeats the level ("2 — …"), which the badge already shows.
        let prefix = format!("{} — ", level.level);
        Some(WhatWorks {
            target_groups: labels(Dimension::TargetGroup),
            designs: labels(Dimension::Design),
            level: LevelView {
                label: vocab::level_label(lang, level.level),
                href: search_link(base, "evidence_level", &level.level.to_string()),
                reason: level
                    .reason
                    .strip_prefix(&prefix)
                    .unwrap_or(&level.reason)
                    .to_owned(),
            },
            outcome_domains: labels(Dimension::OutcomeDomain),
            findings: passages(&d.findings),
            active_ingredients: passages(&d.active_ingredients),
        })
    }
}

#[derive(Template)]
#[template(path = "project.html")]
struct ProjectPage {
    l: Layout,
    p: Project,
    json_ld: String,
    status: Option<StatusBadge>,
    start: Option<String>,
    end: Option<String>,
    outcome_heading: &'static str,
    products_heading: &'static str,
    products: Vec<ProductView>,
    organisations: Vec<OrganisationView>,
    municipalities: Vec<NamedLink>,
    related: Vec<Related>,
    what_works: Option<WhatWorks>,
}

/// schema.org ResearchProject, built from the project's record — the record the API and the
/// exports give — so the page's data and the API's agree field for field; `<` is escaped so no
/// text can close the script element.
fn json_ld(p: &Project) -> String {
    use serde_json::{Value, json};
    let r = watwerkt_domain::record::ProjectRecord::from(p);
    let url = format!("/project/{}", r.project_number);
    let named = |kind: &str, names: &[String]| -> Vec<Value> {
        names
            .iter()
            .map(|n| json!({"@type": kind, "name": n}))
            .collect()
    };
    let mut keywords = vec![r.theme.clone()];
    keywords.extend(
        [
            Dimension::TargetGroup,
            Dimension::Design,
            Dimension::OutcomeDomain,
        ]
        .into_iter()
        .flat_map(|d| p.derived.labels(d).iter().map(|l| l.id.clone())),
    );
    let mut v = json!({
        "@context": "https://schema.org",
        "@type": "ResearchProject",
        "@id": url,
        "url": url,
        "identifier": r.project_number,
        "name": r.title,
        "description": r.question,
        "member": named("Organization", &r.organisations),
        "location": named("Place", &r.municipalities),
        "funder": {"@type": "Organization", "name": "ZonMw"},
        "keywords": keywords,
        "subjectOf": {
            "@type": "DataDownload",
            "encodingFormat": "application/json",
            "contentUrl": format!("/api/v1/projects/{}", r.project_number),
        },
    });
    let optional = [
        ("alternateName", r.full_title),
        ("disambiguatingDescription", r.teaser),
        ("startDate", r.start),
        ("endDate", r.end),
    ];
    for (key, value) in optional {
        if let Some(value) = value {
            v[key] = value.into();
        }
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
        what_works: WhatWorks::new(&p.derived, lang, base, outcome_heading),
        json_ld: json_ld(&p),
        status: StatusBadge::new(&p, lang, today()),
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
