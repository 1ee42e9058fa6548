//! What a project is to tantivy: the schema and its field weights, the tokenizers that read
//! the analysed terms, and the language data the analysis is built from.
//!
//! Ranking is BM25F: one scored field ("body") in which a word counts as often as its field's
//! weight — title 4, teaser, question and outcome 2, method, products, organisations and
//! municipalities 1 — so the title names what a project is about, the question, teaser and outcome
//! say for whom and what, the method mostly how. One query word is then one term, which lets
//! tantivy's block-max WAND skip most documents when picking the top ten. Compound parts go to a
//! field of their own ("parts"), weighted the same way, so a query can score them lower than
//! whole words (see `plan`).
//!
//! Documents are analysed by our own [`Analyzer`] when they are built (see `build`), and reach
//! tantivy as term lists that [`TermsTokenizer`] only splits; the completion field has a
//! tokenizer of its own ([`CompletionTokenizer`]) whose terms `suggest` and `plan::correct` read.
//! This module uses nothing of the engine above it.

use std::collections::{HashMap, HashSet};

use tantivy::Index;
use tantivy::schema::{
    Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{TextAnalyzer, Token as TToken, TokenStream, Tokenizer};

use crate::analysis::{Analyzer, fold_char, words};

const LEXICON: &str = include_str!("../../../data/lexicon/nl-opentaal.txt");
/// The bundled synonyms (`data/synonyms.txt`), and where they come from (for errors).
pub(crate) const SYNONYMS: &str = include_str!("../../../data/synonyms.txt");
pub(crate) const SYNONYMS_PATH: &str = "data/synonyms.txt";
/// The bundled catalogue: its words join the compound dictionary.
const SEED_TEXTS: &[&str] = &[
    include_str!("../../../data/seeds/000_6046be73679af2b7.txt"),
    include_str!("../../../data/seeds/001_4cf2a7037aa6f8f4.txt"),
    include_str!("../../../data/seeds/002_5b1078680e4a9db5.txt"),
    include_str!("../../../data/seeds/003_60737992d20c5313.txt"),
    include_str!("../../../data/seeds/004_7680278512fda591.txt"),
];

/// The shared analyzer: the shipped lexicon plus the words of the bundled catalogue. Fixed, so
/// what is derived with it (labels) does not depend on what else the store holds.
pub fn default_analyzer() -> Analyzer {
    let mut a = Analyzer::new(LEXICON.lines());
    for text in SEED_TEXTS {
        a.learn(text);
    }
    a
}

/// Text fields and their weights: how many times a word of the field counts in the scored body
/// (see the module docs for why).
pub(crate) const TEXT_FIELDS: &[(&str, u32)] = &[
    ("title", 4),
    ("teaser", 2),
    ("question", 2),
    ("outcome", 2),
    ("method", 1),
    ("products", 1),
    ("organisations", 1),
    ("municipalities", 1),
];
/// Bytes of stored text compressed together (two or three projects).
pub(crate) const DOCSTORE_BLOCK_BYTES: usize = 4096;
/// Positions between two fields in the phrase field, so a phrase does not span fields.
const FIELD_GAP: usize = 100;
/// The analysed terms of a document reach tantivy as text: terms separated by spaces, read by
/// [`TermsTokenizer`]. (tantivy's own pre-tokenized values go through JSON on the way, which
/// cost a fifth of the build.)
/// Named with the analysis's version: an index written by another analysis (stems, exceptions)
/// has another schema, and `SearchIndex::open` rebuilds it.
const TERMS_TOKENIZER: &str = "watwerkt_terms_2";
const COMPLETION_TOKENIZER: &str = "watwerkt_completion";
/// The fast field holding each document's `inventory::content_version`, for `watwerkt verify`.
/// Named with the digest's version: a digest over other fields needs another name, so that
/// indexes holding the old digests have another schema and are rebuilt.
pub(crate) const CONTENT_FIELD: &str = "content_v1";
/// Before a term: it takes the position of the term before it (a joined hyphenation).
pub(crate) const SAME_POSITION: char = '\u{1}';
/// Between fields: the next term is `FIELD_GAP` positions further.
pub(crate) const FIELD_BREAK: char = '\n';
/// Fields whose snippets a hit shows, in this order.
pub(crate) const SNIPPET_FIELDS: &[&str] = &["title", "teaser", "question", "outcome", "method"];
/// Fields giving passages under a hit's title, in reading order (see `SearchRequest::passages`).
pub(crate) const PASSAGE_FIELDS: &[&str] = &["teaser", "question", "outcome", "method"];
/// The title's field: its passage only when no field of `PASSAGE_FIELDS` matched.
pub(crate) const PASSAGE_FALLBACK: &str = "title";
/// The facets, by name.
pub const FACETS: &[&str] = &[
    "theme",
    "status",
    "municipality",
    "organisation",
    "year",
    "product_kind",
    "target_group",
    "design",
    "outcome_domain",
    "evidence_level",
];

/// The schema's fields, by role.
pub(crate) struct Fields {
    pub(crate) number: Field,
    /// The content version of the project the document was built from (see `inventory`).
    pub(crate) content: Field,
    /// Stored text of the snippet fields, by name.
    pub(crate) stored: Vec<(&'static str, Field)>,
    /// Words and joined hyphenations, each repeated by its field's weight: the scored field.
    /// A word's repeats share its position, so phrases are matched here too.
    pub(crate) body: Field,
    /// Compound parts, weighted like `body`.
    pub(crate) parts: Field,
    /// Words as written, for suggestions and "did you mean" (see `suggest` and `plan::correct`).
    pub(crate) completion: Field,
    pub(crate) facets: HashMap<&'static str, Field>,
    pub(crate) start_key: Field,
}

/// The project index's schema (an index with another one is rebuilt, see `SearchIndex::open`).
pub(crate) fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let indexed = |option| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TERMS_TOKENIZER)
                .set_index_option(option),
        )
    };
    // Fast as well, so a consistency check reads every document's number without the store.
    let number = b.add_text_field("number", STRING | STORED | tantivy::schema::FAST);
    let content = b.add_u64_field(CONTENT_FIELD, tantivy::schema::FAST);
    let stored = SNIPPET_FIELDS
        .iter()
        .map(|name| (*name, b.add_text_field(name, STORED)))
        .collect();
    let body = b.add_text_field("body", indexed(IndexRecordOption::WithFreqsAndPositions));
    let parts = b.add_text_field("parts", indexed(IndexRecordOption::WithFreqs));
    let completion = b.add_text_field(
        "completion",
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(COMPLETION_TOKENIZER)
                .set_index_option(IndexRecordOption::Basic),
        ),
    );
    let facets = FACETS
        .iter()
        .map(|f| (*f, b.add_text_field(f, STRING | tantivy::schema::FAST)))
        .collect();
    let start_key = b.add_u64_field("start_key", tantivy::schema::FAST);
    (
        b.build(),
        Fields {
            number,
            content,
            stored,
            body,
            parts,
            completion,
            facets,
            start_key,
        },
    )
}

/// Reads the term lists `document` writes: space-separated terms, with position marks.
#[derive(Clone, Default)]
struct TermsTokenizer {
    token: TToken,
}

struct TermsStream<'a> {
    text: &'a str,
    at: usize,
    position: usize,
    token: &'a mut TToken,
}

impl Tokenizer for TermsTokenizer {
    type TokenStream<'a> = TermsStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> TermsStream<'a> {
        self.token.reset();
        TermsStream {
            text,
            at: 0,
            position: 0,
            token: &mut self.token,
        }
    }
}

impl TokenStream for TermsStream<'_> {
    fn advance(&mut self) -> bool {
        let mut step = 1;
        let bytes = self.text.as_bytes();
        loop {
            match bytes.get(self.at) {
                None => return false,
                Some(b' ') => self.at += 1,
                Some(b'\n') => {
                    step += FIELD_GAP;
                    self.at += 1;
                }
                Some(1) => {
                    step = 0;
                    self.at += 1;
                }
                Some(_) => break,
            }
        }
        // Terms are short: a plain loop beats memchr's set-up.
        let end = bytes[self.at..]
            .iter()
            .position(|&b| b == b' ')
            .map_or(self.text.len(), |i| self.at + i);
        self.token.text.clear();
        self.token.text.push_str(&self.text[self.at..end]);
        self.token.offset_from = self.at;
        self.token.offset_to = end;
        // The first term is at position 0.
        if self.token.position == usize::MAX {
            self.position = 0;
        } else {
            self.position += step;
        }
        self.token.position = self.position;
        self.at = end;
        true
    }

    fn token(&self) -> &TToken {
        self.token
    }

    fn token_mut(&mut self) -> &mut TToken {
        self.token
    }
}

/// Registers the tokenizers the schema's fields name.
pub(crate) fn register_tokenizers(index: &Index) {
    index.tokenizers().register(
        TERMS_TOKENIZER,
        TextAnalyzer::from(TermsTokenizer::default()),
    );
    index.tokenizers().register(
        COMPLETION_TOKENIZER,
        TextAnalyzer::from(CompletionTokenizer::default()),
    );
}

/// Separates the folded key from the written form inside a completion term.
pub(crate) const SEP: char = '\u{1}';
/// Words shorter than this are neither suggested nor corrected.
const MIN_WORD: usize = 3;

/// Indexes every word as `folded` + U+0001 + `lower-cased as written`.
#[derive(Clone, Default)]
pub(crate) struct CompletionTokenizer {
    tokens: Vec<TToken>,
}

/// A token stream over tokens made beforehand (by our own analysis, not tantivy's filters).
pub(crate) struct TokenList<'a> {
    tokens: &'a [TToken],
    next: usize,
}

impl<'a> TokenList<'a> {
    pub(crate) fn new(tokens: &'a [TToken]) -> Self {
        TokenList { tokens, next: 0 }
    }
}

impl TokenStream for TokenList<'_> {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &TToken {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut TToken {
        unreachable!("the token stream is read-only")
    }
}

impl Tokenizer for CompletionTokenizer {
    type TokenStream<'a> = TokenList<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> TokenList<'a> {
        // Tokens are reused from text to text, their strings with them: no allocation per word.
        // The field records documents only, so a word repeated in the text is given once (a
        // fifth of an index build went to this field, much of it to repeated words).
        let mut n = 0;
        let mut seen: HashSet<&str, foldhash::fast::RandomState> = HashSet::default();
        for (position, (start, end, word)) in words(text).enumerate() {
            if word.chars().count() < MIN_WORD
                || !word.chars().any(char::is_alphabetic)
                || !seen.insert(word)
            {
                continue;
            }
            if n == self.tokens.len() {
                self.tokens.push(TToken::default());
            }
            let t = &mut self.tokens[n];
            t.text.clear();
            if word.is_ascii() {
                t.text.push_str(word);
                t.text.push(SEP);
                t.text.push_str(word);
                t.text.make_ascii_lowercase();
            } else {
                t.text.extend(word.chars().flat_map(fold_char));
                t.text.push(SEP);
                t.text.extend(word.chars().flat_map(char::to_lowercase));
            }
            (t.offset_from, t.offset_to, t.position) = (start, end, position);
            t.position_length = 1;
            n += 1;
        }
        TokenList::new(&self.tokens[..n])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<String> {
        let mut t = CompletionTokenizer::default();
        let mut s = t.token_stream(text);
        let mut out = Vec::new();
        while s.advance() {
            out.push(s.token().text.clone());
        }
        out
    }

    #[test]
    fn completion_terms_key_by_folded_form_and_keep_the_written_one() {
        assert_eq!(
            terms("Cliënten en de re-integratie"),
            [
                format!("clienten{SEP}cliënten"),
                format!("re-integratie{SEP}re-integratie")
            ]
        );
    }
}
