//! The Dutch search engine of watwerkt: analysis (folding, stemming that keeps "ge-", compound
//! splitting, synonyms), the query language of the search box, and a tantivy index with field
//! weights, snippets and disjunctive facet counts. No HTTP in here.

pub mod analysis;
mod bits;
mod facets;
mod index;
pub mod query;
mod snippets;
pub mod synonyms;

pub use analysis::{Analyzer, Token, TokenKind};
pub use index::{
    FACETS, FacetCount, Hit, Notice, SearchError, SearchIndex, SearchRequest, SearchResponse, Sort,
};
pub use synonyms::{Synonyms, SynonymsError};
