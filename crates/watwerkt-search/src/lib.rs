//! The Dutch search engine of watwerkt: analysis (folding, stemming that keeps "ge-", compound
//! splitting, synonyms), the query language of the search box, and a tantivy index with field
//! weights, snippets and disjunctive facet counts; products as items of their own, suggestions,
//! "did you mean", similar projects and the vraagbaak. No HTTP in here.
//!
//! [`SearchIndex`] is the one handle (open, rebuild, upsert, search, suggest, similar,
//! vraagbaak), and the only `impl` of it. Everything behind it is a pipeline of stages, each a
//! module of functions over a read-only context (one snapshot of the index and the engine's
//! parts) and a per-search record of the query's words, each using only the modules before it:
//!
//! `analysis`, `query`, `synonyms`, `bits` → `error`, `request` → `schema` → `query_words` →
//! `products` → `response` → `snapshot` → `context` → `facets` → `plan` → `matching` → `rank` →
//! `snippets` → `search` → `suggest`, `similar` → `inventory` → `build` → `index` (the facade).
//!
//! The crate's README describes each stage, the caches and the figures behind them, and where a
//! change goes.

// Unit tests share the integration tests' seed index helper, which names the crate.
#[cfg(test)]
extern crate self as watwerkt_search;

pub mod analysis;
mod bits;
mod build;
mod context;
mod error;
mod facets;
mod index;
mod inventory;
mod matching;
mod plan;
mod products;
pub mod query;
mod query_words;
mod rank;
mod request;
mod response;
mod schema;
mod search;
mod similar;
mod snapshot;
mod snippets;
mod suggest;
pub mod synonyms;

pub use analysis::{Analyzer, Token, TokenKind};
pub use error::SearchError;
pub use index::SearchIndex;
pub use inventory::{IndexedProject, content_version, facet_map, facet_values};
pub use products::ProductHit;
pub use request::{SearchRequest, Sort};
pub use response::{FacetCount, Hit, Notice, SearchResponse};
pub use schema::{FACETS, default_analyzer};
pub use similar::{MAX_VRAAGBAAK_CHARS, Match};
pub use suggest::{Suggestion, SuggestionKind};
pub use synonyms::{Synonyms, SynonymsError};
