//! The JSON the API answers with: view types apart from the engine's and the domain's own, so a
//! change inside the search engine or the store cannot change the public shape unnoticed. Each
//! derives [`ToSchema`], which is where the OpenAPI document's schemas come from.
//!
//! Field names are a promise to clients: `/api/v1/projects` keeps the names the search API had
//! before it had views (`total`, `hits`, `facets`, `notice`, …), and a project record is the
//! JSON export's record (`watwerkt export --format json`), field for field.

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;
use watwerkt_domain::record::ProjectRecord;
use watwerkt_domain::{Derived, FundingRound, TimelineEvent};
use watwerkt_search::{FacetCount, Hit, Notice, ProductHit, SuggestionKind};

/// An RFC 9457 problem document: every 4xx and 5xx answer of the API.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A stable URI per kind of problem (`…/problems/not_found`, `…/problems/unknown_parameter`,
    /// `…/problems/invalid_cursor`, `…/problems/rate_limited`, …); match on this.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// What was wrong, in English, for developers.
    pub detail: Option<String>,
}

/// One page of search results.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchPage {
    /// Projects found in all.
    pub total: u64,
    /// How many of them have every word of the query; they come first. When fewer than 20
    /// do, the projects a concept of the query finds and those with some of its words follow.
    pub complete: u64,
    /// The query's words (as searched) that no project has.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unmatched: Vec<String>,
    pub hits: Vec<HitView>,
    /// Every facet's values with their counts among all projects found (a facet with a filter of
    /// its own is counted without that filter).
    pub facets: BTreeMap<String, Vec<FacetCountView>>,
    /// What the engine did besides the plain search.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<NoticeView>,
    /// The query is a project number alone: that project.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect: Option<String>,
    /// The query with unknown words replaced by the nearest the catalogue has.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub did_you_mean: Option<String>,
    /// Products (reports, factsheets, …) matching the words.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub products: Vec<ProductView>,
    /// The labels the query names in other words, as `[facet, id]` pairs, that found projects
    /// too (not with `concepten=nee`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<Vec<String>>)]
    pub concepts: Vec<(String, String)>,
    /// Pass as `cursor` (with the same `q`, `f`, `sort` and `concepten`) for the next page;
    /// absent on the last one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HitView {
    pub project_number: String,
    pub title: String,
    pub score: f32,
    /// Field → HTML with the matched words in `<mark>`; everything else escaped.
    pub snippets: BTreeMap<String, String>,
    /// The query's words (as searched, alternatives joined by " OR ") this project has.
    pub matched: Vec<String>,
    /// Found through a concept the query names (see `concepts`), not by every word.
    pub by_concept: bool,
}

impl From<Hit> for HitView {
    fn from(h: Hit) -> Self {
        HitView {
            project_number: h.project_number,
            title: h.title,
            score: h.score,
            snippets: h.snippets,
            matched: h.matched,
            by_concept: h.by_concept,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FacetCountView {
    pub value: String,
    pub count: u64,
}

impl From<FacetCount> for FacetCountView {
    fn from(f: FacetCount) -> Self {
        FacetCountView {
            value: f.value,
            count: f.count,
        }
    }
}

/// Why the answer is not the plain search; `kind` says which.
#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NoticeView {
    /// No project had all words; these are the best partial matches.
    Fallback,
    /// Field names typed that are not filters; searched as words.
    UnknownFields { fields: Vec<String> },
    /// Nothing matched as typed; these are the results of the corrected query.
    Corrected { query: String },
    /// A word the catalogue lacks was searched as the words it is compounded of.
    Split { word: String, parts: Vec<String> },
    /// As `split`, without the parts the catalogue lacks (`missing`).
    SplitPartly {
        word: String,
        parts: Vec<String>,
        missing: Vec<String>,
    },
    /// The query has no searchable words (only punctuation or operators): nothing was searched.
    NoWords,
}

impl From<Notice> for NoticeView {
    fn from(n: Notice) -> Self {
        match n {
            Notice::Fallback => NoticeView::Fallback,
            Notice::UnknownFields { fields } => NoticeView::UnknownFields { fields },
            Notice::Corrected { query } => NoticeView::Corrected { query },
            Notice::Split { word, parts } => NoticeView::Split { word, parts },
            Notice::SplitPartly {
                word,
                parts,
                missing,
            } => NoticeView::SplitPartly {
                word,
                parts,
                missing,
            },
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProductView {
    pub title: String,
    /// The product kind's Dutch label ("factsheet", "rapport", …).
    pub kind: String,
    pub project_number: String,
    pub project_title: String,
    pub score: f32,
}

impl From<ProductHit> for ProductView {
    fn from(p: ProductHit) -> Self {
        ProductView {
            title: p.title,
            kind: p.kind,
            project_number: p.project_number,
            project_title: p.project_title,
            score: p.score,
        }
    }
}

/// A project: the record of the JSON export, with the labels derived from its text.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectView {
    pub project_number: String,
    pub title: String,
    pub teaser: Option<String>,
    pub question: String,
    pub method: String,
    pub outcome: String,
    /// Product titles.
    pub products: Vec<String>,
    pub municipalities: Vec<String>,
    pub organisations: Vec<String>,
    /// The programme line.
    pub theme: String,
    /// `Lopend` or `Afgerond`.
    pub status: Option<String>,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub start: Option<String>,
    pub duration_months: Option<u32>,
    pub full_title: Option<String>,
    pub outcome_kind: Option<String>,
    pub products_heading: Option<String>,
    pub lead_researcher: Option<String>,
    pub end: Option<String>,
    /// Where the record was read from.
    pub sources: Vec<SourceView>,
    /// What works for whom, derived from the project's own text; absent while not labelled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub derived: Option<DerivedView>,
}

impl From<ProjectRecord> for ProjectView {
    fn from(r: ProjectRecord) -> Self {
        ProjectView {
            project_number: r.project_number,
            title: r.title,
            teaser: r.teaser,
            question: r.question,
            method: r.method,
            outcome: r.outcome,
            products: r.products,
            municipalities: r.municipalities,
            organisations: r.organisations,
            theme: r.theme,
            status: r.status,
            start: r.start,
            duration_months: r.duration_months,
            full_title: r.full_title,
            outcome_kind: r.outcome_kind,
            products_heading: r.products_heading,
            lead_researcher: r.lead_researcher,
            end: r.end,
            sources: r
                .sources
                .into_iter()
                .map(|s| SourceView {
                    file: s.file,
                    line: s.line,
                })
                .collect(),
            // As the export: left out while empty.
            derived: (!r.derived.is_empty()).then(|| DerivedView::from(r.derived)),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SourceView {
    pub file: String,
    /// The 1-based line the entry starts on.
    pub line: u32,
}

/// The labels of `data/vocabulary.json`, each with the sentence that gave it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DerivedView {
    pub target_groups: Vec<LabelView>,
    pub designs: Vec<LabelView>,
    pub outcome_domains: Vec<LabelView>,
    pub evidence_level: EvidenceLevelView,
    pub findings: Vec<PassageView>,
    pub active_ingredients: Vec<PassageView>,
}

impl From<Derived> for DerivedView {
    fn from(d: Derived) -> Self {
        let labels = |v: Vec<watwerkt_domain::Label>| {
            v.into_iter()
                .map(|l| LabelView {
                    field: l.field.key(),
                    id: l.id,
                    quote: l.quote,
                })
                .collect()
        };
        let passages = |v: Vec<watwerkt_domain::Passage>| {
            v.into_iter()
                .map(|p| PassageView {
                    text: p.text,
                    field: p.field.key(),
                })
                .collect()
        };
        DerivedView {
            target_groups: labels(d.target_groups),
            designs: labels(d.designs),
            outcome_domains: labels(d.outcome_domains),
            evidence_level: EvidenceLevelView {
                level: d.evidence_level.level,
                reason: d.evidence_level.reason,
            },
            findings: passages(d.findings),
            active_ingredients: passages(d.active_ingredients),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LabelView {
    /// A label id of the vocabulary.
    pub id: String,
    /// The sentence (or, for an editor's override, the reason) that gave the label.
    pub quote: String,
    /// The text field the sentence is from, or `override`.
    pub field: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceLevelView {
    /// 0 (no design stated) to 4 (randomised experiment).
    pub level: u8,
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PassageView {
    pub text: String,
    pub field: &'static str,
}

/// A project like another, with the words that connect them.
#[derive(Debug, Serialize, ToSchema)]
pub struct SimilarView {
    pub project_number: String,
    pub title: String,
    pub score: f32,
    pub terms: Vec<String>,
}

/// A suggestion for a search box: a label and the website page it leads to (a path without the
/// language prefix).
#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionView {
    pub label: String,
    pub kind: SuggestionKindView,
    pub url: String,
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SuggestionKindView {
    /// The typed words with the last one completed.
    Term,
    Municipality,
    Organisation,
    Project,
}

impl From<SuggestionKind> for SuggestionKindView {
    fn from(k: SuggestionKind) -> Self {
        match k {
            SuggestionKind::Term => SuggestionKindView::Term,
            SuggestionKind::Municipality => SuggestionKindView::Municipality,
            SuggestionKind::Organisation => SuggestionKindView::Organisation,
            SuggestionKind::Project => SuggestionKindView::Project,
        }
    }
}

/// An organisation or municipality with the projects that name it.
#[derive(Debug, Serialize, ToSchema)]
pub struct NamedView {
    /// As the projects name it: the value of its search filter (`f=organisation:<name>`).
    pub name: String,
    pub projects: u64,
    /// Its page on the website.
    pub url: String,
    /// Its projects through this API.
    pub search_url: String,
}

/// A programme line (theme).
#[derive(Debug, Serialize, ToSchema)]
pub struct ThemeView {
    pub name: String,
    pub slug: String,
    pub projects: u64,
    pub intro: Option<String>,
    pub description: Option<String>,
    pub url: String,
    pub search_url: String,
}

/// A funding round (subsidieronde).
#[derive(Debug, Serialize, ToSchema)]
pub struct FundingRoundView {
    /// Stable identifier ("ronde-1").
    pub id: String,
    pub name: String,
    /// Programme lines of the round.
    pub themes: Vec<String>,
    pub opened: Option<String>,
    pub closed: Option<String>,
    pub deadlines: Vec<DeadlineView>,
    pub applications: Option<u32>,
    pub granted: Option<u32>,
    pub granted_on: Option<String>,
    pub topics: Vec<String>,
    pub description: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeadlineView {
    pub topic: String,
    pub closes: String,
}

impl From<FundingRound> for FundingRoundView {
    fn from(r: FundingRound) -> Self {
        let date = |d: Option<watwerkt_domain::PartialDate>| d.map(|d| d.to_string());
        FundingRoundView {
            id: r.id,
            name: r.name,
            themes: r.themes.iter().map(|t| t.name().to_owned()).collect(),
            opened: date(r.opened),
            closed: date(r.closed),
            deadlines: r
                .deadlines
                .into_iter()
                .map(|d| DeadlineView {
                    topic: d.topic,
                    closes: d.closes.to_string(),
                })
                .collect(),
            applications: r.applications,
            granted: r.granted,
            granted_on: date(r.granted_on),
            topics: r.topics,
            description: r.description,
        }
    }
}

/// A dated event of the programme ("Voortgang").
#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineView {
    pub date: String,
    pub text: String,
}

impl From<TimelineEvent> for TimelineView {
    fn from(e: TimelineEvent) -> Self {
        TimelineView {
            date: e.date.to_string(),
            text: e.text,
        }
    }
}

/// A label of the vocabulary, with its Dutch and English names.
#[derive(Debug, Serialize, ToSchema)]
pub struct TermView {
    pub id: &'static str,
    pub nl: &'static str,
    pub en: &'static str,
}

/// One target group × outcome domain cell of the evidence map.
#[derive(Debug, Serialize, ToSchema)]
pub struct CellView {
    pub target_group: &'static str,
    pub outcome_domain: &'static str,
    pub count: u64,
    /// Evidence level ("0"–"4") → projects.
    pub by_level: BTreeMap<String, u64>,
    /// Status (`Lopend`, `Afgerond`) → projects.
    pub by_status: BTreeMap<&'static str, u64>,
    /// The Dutch search page that lists the cell's projects (prefix `/en` for English).
    pub search_url: String,
}

/// The evidence gap map: target groups (rows) against outcome domains (columns).
#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceMapView {
    pub rows: Vec<TermView>,
    pub columns: Vec<TermView>,
    /// Every row × column pair, gaps (count 0) included.
    pub cells: Vec<CellView>,
}
