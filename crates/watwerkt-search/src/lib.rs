//! The Dutch search engine of watwerkt. This first part is the analysis: how Dutch text becomes
//! index terms, so that "cliënten" finds "clienten", "schulden" finds "schuld" and
//! "schuldhulpverlening", and "gemeente" does not collapse into "meen". The index, query language
//! and facets build on it.

pub mod analysis;
pub mod synonyms;

pub use analysis::{Analyzer, Token};
pub use synonyms::{Synonyms, SynonymsError};
