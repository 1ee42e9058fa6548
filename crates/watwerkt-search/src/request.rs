//! What a search asks for: the query as typed, facet filters, the page, the order, passages
//! and the concepts the caller's lexicon found. The facade hands it to `search` unchanged.

use serde::Serialize;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    #[default]
    Relevance,
    Newest,
}

#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    pub query: String,
    /// (facet, value) pairs: theme, status, municipality, organisation, year, product_kind, and
    /// the labels target_group, design, outcome_domain (vocabulary ids) and evidence_level (0–4).
    pub filters: Vec<(String, String)>,
    pub limit: usize,
    pub offset: usize,
    pub sort: Sort,
    /// `None`: a snippet for every field that matched. `Some(n)`: passages to read under a
    /// title, at most n, in reading order (teaser, question, outcome, method), or the title's own
    /// when nothing else matched; fields after the n-th found are not looked at.
    pub passages: Option<usize>,
    /// (facet, label id) pairs the query names in other words ("55-plussers" → target_group
    /// ouderen), found by the caller's lexicon: projects carrying them are found too, after the
    /// text matches.
    pub concepts: Vec<(String, String)>,
}
