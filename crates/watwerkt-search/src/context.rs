//! The read-only context one search (or suggestion, or "more like this") runs in: the snapshot it
//! reads, the schema's fields, the analyzer, synonyms, product index and the few lookups every
//! stage shares. The facade makes one per call ([`SearchIndex`](crate::SearchIndex) holds the
//! parts) and passes it down, as milli passes its `SearchContext` through its stages; no stage
//! reaches back into the facade.

use std::path::Path;
use std::sync::{Arc, Mutex};

use levenshtein_automata::LevenshteinAutomatonBuilder;
use tantivy::Term;
use tantivy::collector::Count;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;

use crate::analysis::{Analyzer, TokenKind, WordCache};
use crate::error::{SearchError, err, io_err};
use crate::products::ProductIndex;
use crate::query_words::QueryWord;
use crate::schema::Fields;
use crate::snapshot::Snapshot;
use crate::synonyms::Synonyms;

pub(crate) struct SearchContext<'a> {
    /// The loaded index every lookup of this call reads (one snapshot, even if the index reloads
    /// meanwhile).
    pub(crate) snap: Arc<Snapshot>,
    pub(crate) fields: &'a Fields,
    pub(crate) analyzer: &'a Analyzer,
    pub(crate) synonyms: &'a Synonyms,
    pub(crate) products: &'a ProductIndex,
    /// Levenshtein automaton builders for one and two edits (costly to make, so made once).
    pub(crate) fuzzy: &'a [LevenshteinAutomatonBuilder; 2],
    /// Word analyses for snippets, kept between searches (hits share their vocabulary).
    pub(crate) snippet_words: &'a Mutex<WordCache>,
    /// The index directory, named by errors.
    pub(crate) dir: &'a Path,
}

impl SearchContext<'_> {
    /// Maps tantivy errors to the index's error.
    pub(crate) fn err(&self) -> impl Fn(tantivy::TantivyError) -> SearchError + '_ {
        err(self.dir)
    }

    /// Maps file-system errors (of the term dictionary's streams) to the index's error.
    pub(crate) fn io_err(&self) -> impl Fn(std::io::Error) -> SearchError + '_ {
        io_err(self.dir)
    }

    /// Whether a project with this number is indexed.
    pub(crate) fn number_exists(&self, number: &str) -> Result<bool, SearchError> {
        let q = TermQuery::new(
            Term::from_field_text(self.fields.number, number),
            IndexRecordOption::Basic,
        );
        Ok(self.snap.searcher.search(&q, &Count).map_err(self.err())? > 0)
    }

    /// Projects holding `stem` as a whole word in any field.
    pub(crate) fn word_doc_freq(&self, stem: &str) -> Result<u64, SearchError> {
        self.snap
            .searcher
            .doc_freq(&Term::from_field_text(self.fields.body, stem))
            .map_err(self.err())
    }

    /// Whether a stem, itself or through a synonym, occurs in the catalogue as a whole word or
    /// a compound part.
    pub(crate) fn stem_known(&self, stem: &str) -> Result<bool, SearchError> {
        for s in std::iter::once(stem).chain(self.synonyms.expand(stem)) {
            for field in [self.fields.body, self.fields.parts] {
                let term = Term::from_field_text(field, s);
                if self.snap.searcher.doc_freq(&term).map_err(self.err())? > 0 {
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }

    /// Whether a typed word occurs in the catalogue as a word or a compound part, itself or
    /// through a synonym ("participatiewet" is known through "bijstand").
    pub(crate) fn knows(&self, word: &QueryWord) -> Result<bool, SearchError> {
        word.known(|| {
            for t in word.tokens() {
                if t.kind != TokenKind::Part && self.stem_known(&t.term)? {
                    return Ok(true);
                }
            }
            Ok(false)
        })
    }

    /// A Levenshtein automaton for `word` within `edits` (1 or 2).
    pub(crate) fn typo_dfa(&self, word: &str, edits: usize) -> levenshtein_automata::DFA {
        self.fuzzy[edits.clamp(1, 2) - 1].build_dfa(word)
    }
}
