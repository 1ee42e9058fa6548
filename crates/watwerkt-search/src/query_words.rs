//! The analyses of one search's words, made once and read by every stage.
//!
//! A typed word is read by several stages: the synonym-phrase and compound rewrites want its
//! stems, planning its tokens, "did you mean" and the compound fallbacks its folded form and
//! whether the catalogue knows it, the product search its tokens again. Each asks [`QueryWords`]
//! for the word and gets the one [`QueryWord`], which analyses on first use and remembers:
//! a word is analysed once per search, however many stages and passes (a corrected query's
//! second pass shares the record) read it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use crate::analysis::{Analyzer, Token, fold};

/// The words of one search, by their text as the query holds it.
pub(crate) struct QueryWords<'a> {
    analyzer: &'a Analyzer,
    words: Mutex<HashMap<String, Arc<QueryWord<'a>>>>,
}

impl<'a> QueryWords<'a> {
    pub(crate) fn new(analyzer: &'a Analyzer) -> Self {
        QueryWords {
            analyzer,
            words: Mutex::new(HashMap::new()),
        }
    }

    /// The record of `text` (a word, a phrase or a compound part), made on first use.
    pub(crate) fn get(&self, text: &str) -> Arc<QueryWord<'a>> {
        let mut words = self.words.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(w) = words.get(text) {
            return w.clone();
        }
        let w = Arc::new(QueryWord {
            analyzer: self.analyzer,
            text: text.to_owned(),
            folded: OnceLock::new(),
            tokens: OnceLock::new(),
            stems: OnceLock::new(),
            stem: OnceLock::new(),
            known: OnceLock::new(),
        });
        words.insert(text.to_owned(), w.clone());
        w
    }
}

/// One word (or phrase) of a search and what has been worked out about it; each part is made
/// the first time a stage asks.
pub(crate) struct QueryWord<'a> {
    analyzer: &'a Analyzer,
    text: String,
    folded: OnceLock<String>,
    tokens: OnceLock<Vec<Token>>,
    stems: OnceLock<Vec<String>>,
    stem: OnceLock<String>,
    known: OnceLock<bool>,
}

impl QueryWord<'_> {
    /// Lower-cased, without diacritics ([`fold`]).
    pub(crate) fn folded(&self) -> &str {
        self.folded.get_or_init(|| fold(&self.text))
    }

    /// Every token: words, joined hyphenations, compound parts ([`Analyzer::analyze`]).
    pub(crate) fn tokens(&self) -> &[Token] {
        self.tokens
            .get_or_init(|| self.analyzer.analyze(&self.text))
    }

    /// The stems of its words, without compound parts ([`Analyzer::word_stems`]).
    pub(crate) fn stems(&self) -> &[String] {
        self.stems
            .get_or_init(|| self.analyzer.word_stems(&self.text))
    }

    /// The stem of the folded text taken as one word ([`Analyzer::stem`]).
    pub(crate) fn stem(&self) -> &str {
        self.stem.get_or_init(|| self.analyzer.stem(self.folded()))
    }

    /// Whether the catalogue knows the word, worked out by `know` the first time (the answer
    /// holds for the search's snapshot).
    pub(crate) fn known<E>(&self, know: impl FnOnce() -> Result<bool, E>) -> Result<bool, E> {
        if let Some(k) = self.known.get() {
            return Ok(*k);
        }
        let k = know()?;
        Ok(*self.known.get_or_init(|| k))
    }
}
