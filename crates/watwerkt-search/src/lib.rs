//! The Dutch search engine of watwerkt: analysis (folding, stemming that keeps "ge-", compound
//! splitting, synonyms), the query language of the search box, and a tantivy index with field
//! weights, snippets and disjunctive facet counts; products as items of their own, suggestions,
//! "did you mean", similar projects and the vraagbaak. No HTTP in here.

// Unit tests share the integration tests' seed index helper, which names the crate.
#[cfg(test)]
extern crate self as watwerkt_search;

pub mod analysis;
mod bits;
mod facets;
mod index;
mod products;
pub mod query;
mod rewrite;
mod similar;
mod snippets;
mod suggest;
pub mod synonyms;

pub use analysis::{Analyzer, Token, TokenKind};
pub use index::{
    FACETS, FacetCount, Hit, Notice, SearchError, SearchIndex, SearchRequest, SearchResponse, Sort,
    default_analyzer,
};
pub use products::ProductHit;
pub use similar::{MAX_VRAAGBAAK_CHARS, Match};
pub use suggest::{Suggestion, SuggestionKind};
pub use synonyms::{Synonyms, SynonymsError};
