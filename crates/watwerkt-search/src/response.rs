//! What a search gives back: the total, the hits with snippets, every facet's counts, a notice
//! of what the engine did besides the plain search, and the products, redirect and "did you
//! mean" around them. Data only: the website words notices in its own languages.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::products::ProductHit;
use crate::schema::{PASSAGE_FALLBACK, PASSAGE_FIELDS};

#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub project_number: String,
    pub title: String,
    pub score: f32,
    /// Field → HTML with the matched words in `<mark>`; everything else escaped.
    pub snippets: BTreeMap<String, String>,
    /// The query's words (as searched) this project has, so a user sees why it was found;
    /// empty for a search without words.
    pub matched: Vec<String>,
    /// Found through a concept the query names (see [`SearchResponse::concepts`]), not by
    /// every word.
    pub by_concept: bool,
}

impl Hit {
    /// Takes the snippets out in reading order (the passages of
    /// [`SearchRequest::passages`] first, the title's last).
    pub fn take_passages(&mut self) -> Vec<String> {
        PASSAGE_FIELDS
            .iter()
            .chain([&PASSAGE_FALLBACK])
            .filter_map(|f| self.snippets.remove(*f))
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

/// What the engine did besides the plain search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Notice {
    /// No project had all words; these are the best partial matches.
    Fallback,
    /// Field names typed that are not filters; searched as words.
    UnknownFields { fields: Vec<String> },
    /// Nothing matched as typed; these are the results of the corrected query.
    Corrected { query: String },
    /// A typed word the catalogue does not have was searched as the words it is compounded of.
    Split { word: String, parts: Vec<String> },
    /// Nothing matched as typed: a word the catalogue does not have was searched as those of
    /// its parts the catalogue has, without the others (`missing`).
    SplitPartly {
        word: String,
        parts: Vec<String>,
        missing: Vec<String>,
    },
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct SearchResponse {
    pub total: u64,
    /// How many of the `total` have every word of the query. The hits list those first; when
    /// fewer than a few pages have every word, projects with some of the words (the most
    /// telling first) and those carrying a concept the query names follow.
    pub complete: u64,
    /// The query's words (as searched) that no project has, so a user can rephrase them.
    pub unmatched: Vec<String>,
    pub hits: Vec<Hit>,
    pub facets: BTreeMap<String, Vec<FacetCount>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<Notice>,
    /// A project number typed alone: go straight to it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect: Option<String>,
    /// The query with words the catalogue lacks replaced by the nearest it has.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub did_you_mean: Option<String>,
    /// Products (reports, factsheets, …) matching the words, each linked to its project.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub products: Vec<ProductHit>,
    /// The request's concepts (facet, label id) that found projects the text did not.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub concepts: Vec<(String, String)>,
}
