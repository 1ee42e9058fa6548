//! The full-text index (tantivy) of the store's projects, with the store generation it reflects.
//!
//! Ranking is BM25F: one scored field ("body") in which a word counts as often as its field's
//! weight — title 4, teaser, question and outcome 2, method, products, organisations and
//! municipalities 1 — so the title names what a project is about, the question, teaser and outcome
//! say for whom and what, the method mostly how. One query word is then one term, which lets
//! tantivy's block-max WAND skip most documents when picking the top ten. Compound parts match in
//! a separate field at 0.3 of their word, so a whole-word match outranks "werk" inside
//! "werkwijze". Synonyms count 0.3 too: they are terms of their own, saturating apart from the
//! word, so at 0.5 a project with the word and a synonym beat one with the word far more often
//! ("jongeren en jongvolwassenen" over "Jongeren helpen jongeren … schulden"). Near spellings (one edit from 5 letters, two from 9) count 0.2 and
//! are only tried for words that are rare or absent in the index. Ties go to the newer project.
//!
//! Which projects match (the total, the facet counts, filters, exclusions) is worked out apart
//! from ranking, on bitsets: a term's documents come from its postings (frequent terms are cached),
//! facet values keep their documents in tables built when the reader loads (see `facets`).

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use levenshtein_automata::{Distance, LevenshteinAutomatonBuilder};
use serde::Serialize;
use tantivy::collector::Count;
use tantivy::query::{
    BooleanQuery, BoostQuery, EnableScoring, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{
    Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::{TextAnalyzer, Token as TToken, TokenStream, Tokenizer};
use tantivy::{
    DocAddress, DocSet, Index, IndexReader, ReloadPolicy, Searcher, TERMINATED, TantivyDocument,
    Term,
};
use watwerkt_domain::{Project, ProjectNumber};

use crate::analysis::{Analyzer, TokenKind, WordCache};
use crate::bits::DocBits;
use crate::facets::{FacetTables, Known};
use crate::products::{ProductHit, ProductIndex};
use crate::query::{Item, ParsedQuery, parse};
use crate::similar::{Like, is_stopword};
use crate::snippets::{Marks, Seen, snippet};
use crate::suggest::CompletionTokenizer;
use crate::synonyms::Synonyms;

const LEXICON: &str = include_str!("../../../data/lexicon/nl-opentaal.txt");
const SYNONYMS: &str = include_str!("../../../data/synonyms.txt");
/// The bundled catalogue: its words join the compound dictionary.
const SEED_TEXTS: &[&str] = &[
    include_str!("../../../data/seeds/000_6046be73679af2b7.txt"),
    include_str!("../../../data/seeds/001_4cf2a7037aa6f8f4.txt"),
    include_str!("../../../data/seeds/002_5b1078680e4a9db5.txt"),
    include_str!("../../../data/seeds/003_60737992d20c5313.txt"),
    include_str!("../../../data/seeds/004_7680278512fda591.txt"),
];
const GENERATION_FILE: &str = "watwerkt-generation";

/// Text fields and their weights: how many times a word of the field counts in the scored body
/// (see the module docs for why).
const TEXT_FIELDS: &[(&str, u32)] = &[
    ("title", 4),
    ("teaser", 2),
    ("question", 2),
    ("outcome", 2),
    ("method", 1),
    ("products", 1),
    ("organisations", 1),
    ("municipalities", 1),
];
const PART_WEIGHT: f32 = 0.3;
const SYNONYM_WEIGHT: f32 = 0.3;
const FUZZY_WEIGHT: f32 = 0.2;
/// "More like this": sharing the theme counts about as much as one telling word.
const THEME_WEIGHT: f32 = 2.0;
/// Near spellings are tried for a word found in fewer documents than this share of the index
/// (and always below `FUZZY_MIN_DOCS`): a typo is rare, a common word needs no help.
const FUZZY_RARE_SHARE: u64 = 10_000;
const FUZZY_MIN_DOCS: u64 = 3;
/// A word the catalogue lacks that is at least this long also matches the words it begins.
const MIN_PREFIX: usize = 6;
/// At most this many near spellings per word, so a short word cannot explode the query.
const FUZZY_MAX_TERMS: usize = 32;
/// Terms in at least 1/64 of the documents keep their bitset between searches (up to
/// `TERM_CACHE_BYTES`): building it from postings costs about as much as the rest of a search.
const CACHED_TERM_SHARE: u64 = 64;
const TERM_CACHE_BYTES: usize = 96 << 20;
/// Memory for query items' per-document scores (4 MB an item at a million projects).
const SCORE_CACHE_BYTES: usize = 384 << 20;
/// Memory for the facet counts of common words' documents (about 130 KB a word at a million
/// projects), counted once and kept as supersets to count later hit sets from.
const KNOWN_CACHE_BYTES: usize = 64 << 20;
/// Among partial matches, a word in more than 1/`COMMON_SHARE` of the projects does not count
/// towards how much of the query a project has (see `coverage_tiers`).
pub(crate) const COMMON_SHARE: u64 = 4;
/// Ranking adds up per-document score arrays instead of running WAND when the scored terms'
/// postings add up to at least 1/`EXHAUSTIVE_SHARE` of the documents.
const EXHAUSTIVE_SHARE: u64 = 8;
/// Queries with more scored terms than this always rank by WAND (see `top_by_score`).
const EXHAUSTIVE_MAX_TERMS: usize = 24;
/// Bytes of stored text compressed together (two or three projects).
const DOCSTORE_BLOCK_BYTES: usize = 4096;
/// Searches of an index this large rank and count facets on two threads (see `search`).
const PARALLEL_MIN_DOCS: u32 = 1 << 18;
/// Positions between two fields in the phrase field, so a phrase does not span fields.
const FIELD_GAP: usize = 100;
/// The analysed terms of a document reach tantivy as text: terms separated by spaces, read by
/// [`TermsTokenizer`]. (tantivy's own pre-tokenized values go through JSON on the way, which
/// cost a fifth of the build.)
const TERMS_TOKENIZER: &str = "watwerkt_terms";
const COMPLETION_TOKENIZER: &str = "watwerkt_completion";
/// Before a term: it takes the position of the term before it (a joined hyphenation).
const SAME_POSITION: char = '\u{1}';
/// Between fields: the next term is `FIELD_GAP` positions further.
const FIELD_BREAK: char = '\n';
/// Projects handed to an analysis thread at a time during a rebuild.
const BATCH: usize = 256;
/// tantivy's indexing threads during a rebuild.
const INDEX_THREADS: usize = 2;
/// Threads analysing projects during a rebuild: the cores tantivy's indexing threads leave, at
/// least one. (On two cores a second analysis thread only added switching: 100,000 projects
/// built in 5.9 s with two, 5.5 s with one.)
fn analysis_threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get().saturating_sub(INDEX_THREADS))
        .max(1)
}
/// Indexing memory of a rebuild, shared by the indexing threads (a segment is written when a
/// thread's share is full; tantivy allocates it as it fills).
const REBUILD_HEAP_BYTES: usize = 1 << 30;
/// Fields whose snippets a hit shows, in this order.
const SNIPPET_FIELDS: &[&str] = &["title", "teaser", "question", "outcome", "method"];
/// Fields giving passages under a hit's title, in reading order (see `SearchRequest::passages`).
const PASSAGE_FIELDS: &[&str] = &["teaser", "question", "outcome", "method"];
/// The title's field: its passage only when no field of `PASSAGE_FIELDS` matched.
const PASSAGE_FALLBACK: &str = "title";
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

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index at {path}: {message}")]
    Index { path: String, message: String },
}

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

#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub project_number: String,
    pub title: String,
    pub score: f32,
    /// Field → HTML with the matched words in `<mark>`; everything else escaped.
    pub snippets: BTreeMap<String, String>,
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

impl Notice {
    pub fn message_nl(&self) -> String {
        match self {
            Notice::Fallback => {
                "Geen project bevat alle zoekwoorden; dit zijn de beste gedeeltelijke treffers."
                    .into()
            }
            Notice::UnknownFields { fields } => format!(
                "Onbekend zoekveld {}; gezocht als gewone woorden.",
                fields.join(", ")
            ),
            Notice::Corrected { query } => {
                format!("Niets gevonden zoals getypt; dit zijn de resultaten voor “{query}”.")
            }
            Notice::Split { word, parts } => format!(
                "“{word}” komt in de catalogus niet voor; gezocht op {}.",
                parts.join(" + ")
            ),
            Notice::SplitPartly {
                word,
                parts,
                missing,
            } => format!(
                "Niets gevonden voor “{word}”: “{}” komt in de catalogus niet voor; gezocht op {}.",
                missing.join("”, “"),
                parts.join(" + ")
            ),
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            Notice::Fallback => {
                "No project contains all words; these are the best partial matches.".into()
            }
            Notice::UnknownFields { fields } => format!(
                "Unknown search field {}; searched as plain words.",
                fields.join(", ")
            ),
            Notice::Corrected { query } => {
                format!("Nothing matched as typed; these are the results for “{query}”.")
            }
            Notice::Split { word, parts } => format!(
                "“{word}” does not occur in the catalogue; searched for {}.",
                parts.join(" + ")
            ),
            Notice::SplitPartly {
                word,
                parts,
                missing,
            } => format!(
                "Nothing matched “{word}”: “{}” does not occur in the catalogue; searched for {}.",
                missing.join("”, “"),
                parts.join(" + ")
            ),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchResponse {
    pub total: u64,
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

struct Fields {
    number: Field,
    /// Stored text of the snippet fields, by name.
    stored: Vec<(&'static str, Field)>,
    /// Words and joined hyphenations, each repeated by its field's weight: the scored field.
    /// A word's repeats share its position, so phrases are matched here too.
    body: Field,
    /// Compound parts, weighted like `body`.
    parts: Field,
    /// Words as written, for suggestions and "did you mean" (see `suggest`).
    completion: Field,
    facets: HashMap<&'static str, Field>,
    start_key: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let indexed = |option| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TERMS_TOKENIZER)
                .set_index_option(option),
        )
    };
    let number = b.add_text_field("number", STRING | STORED);
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

/// What one loaded searcher knows beyond tantivy: documents numbered globally (segments end to
/// end), live documents, facet tables, start keys, and cached term bitsets.
struct Snapshot {
    searcher: Searcher,
    /// First global document number of each segment.
    bases: Vec<u32>,
    len: u32,
    alive: DocBits,
    facets: FacetTables,
    /// Start key (yyyymm) per global document.
    keys: Vec<u32>,
    /// Live documents, newest first.
    newest: Vec<u32>,
    term_cache: Mutex<TermCache>,
    score_cache: Mutex<ScoreCache>,
    known_cache: Mutex<KnownCache>,
}

/// Facet counts of words' documents, by the key of what the word matches.
#[derive(Default)]
struct KnownCache {
    map: HashMap<String, Arc<Known>>,
    bytes: usize,
}

#[derive(Default)]
struct TermCache {
    map: HashMap<(Field, String), Arc<DocBits>>,
    bytes: usize,
}

/// Every document's score for a query item's common terms (their weighted sum, 0 where none
/// occurs), for exhaustive ranking (see `top_by_score`), by the terms and weights, with the bytes
/// held.
#[derive(Default)]
struct ScoreCache {
    map: HashMap<String, Arc<DenseScores>>,
    bytes: usize,
}

/// Documents per block of an item's block maxima: one word of a hit bitset.
const SCORE_BLOCK: usize = 64;

/// A query item's score in every document, and the best of each block of `SCORE_BLOCK`
/// documents: the ranking bounds a block from its items' maxima and reads the scores of few
/// blocks.
struct DenseScores {
    scores: Vec<f32>,
    block_max: Vec<f32>,
}

impl DenseScores {
    fn new(scores: Vec<f32>) -> Self {
        let block_max = scores
            .chunks(SCORE_BLOCK)
            .map(|c| c.iter().fold(0f32, |a, &b| a.max(b)))
            .collect();
        Self { scores, block_max }
    }

    fn bytes(&self) -> usize {
        (self.scores.len() + self.block_max.len()) * 4
    }
}

/// A weighted term that scores, with the query item it scores for: an item's common terms are
/// added up into one array (see `top_exhaustive`).
#[derive(Debug, Clone)]
struct Scored {
    field: Field,
    term: String,
    weight: f32,
    item: usize,
}

impl Snapshot {
    fn load(searcher: Searcher, start_key: Field) -> tantivy::Result<Snapshot> {
        let mut bases = Vec::new();
        let mut len = 0u32;
        for r in searcher.segment_readers() {
            bases.push(len);
            len += r.max_doc();
        }
        let mut alive = DocBits::empty(len);
        let mut keys = vec![0u32; len as usize];
        for (r, &base) in searcher.segment_readers().iter().zip(&bases) {
            let column = r
                .fast_fields()
                .u64(searcher.schema().get_field_name(start_key))?;
            for doc in 0..r.max_doc() {
                if r.alive_bitset().is_none_or(|a| a.is_alive(doc)) {
                    alive.insert(base + doc);
                }
                keys[(base + doc) as usize] = column.first(doc).unwrap_or(0) as u32;
            }
        }
        let mut newest: Vec<u32> = alive.iter().collect();
        newest.sort_by(|a, b| keys[*b as usize].cmp(&keys[*a as usize]).then(a.cmp(b)));
        let facets = FacetTables::load(&searcher, FACETS, &bases, &alive, len)?;
        Ok(Snapshot {
            searcher,
            bases,
            len,
            alive,
            facets,
            keys,
            newest,
            term_cache: Mutex::new(TermCache::default()),
            score_cache: Mutex::new(ScoreCache::default()),
            known_cache: Mutex::new(KnownCache::default()),
        })
    }

    fn address(&self, global: u32) -> DocAddress {
        let seg = self.bases.partition_point(|&b| b <= global) - 1;
        DocAddress::new(seg as u32, global - self.bases[seg])
    }

    fn doc_freq(&self, field: Field, term: &str) -> tantivy::Result<u64> {
        let term = Term::from_field_text(field, term);
        let mut n = 0;
        for r in self.searcher.segment_readers() {
            n += u64::from(r.inverted_index(field)?.doc_freq(&term)?);
        }
        Ok(n)
    }

    /// The documents containing `term` in `field` (deleted ones included; callers AND `alive`).
    fn term_docs(&self, field: Field, term: &str) -> tantivy::Result<Arc<DocBits>> {
        let key = (field, term.to_owned());
        if let Some(b) = self.lock_cache().map.get(&key) {
            return Ok(b.clone());
        }
        let t = Term::from_field_text(field, term);
        let mut bits = DocBits::empty(self.len);
        let mut n = 0u64;
        for (r, &base) in self.searcher.segment_readers().iter().zip(&self.bases) {
            if let Some(mut postings) = r
                .inverted_index(field)?
                .read_postings(&t, IndexRecordOption::Basic)?
            {
                let mut doc = postings.doc();
                while doc != TERMINATED {
                    bits.insert(base + doc);
                    n += 1;
                    doc = postings.advance();
                }
            }
        }
        let bits = Arc::new(bits);
        if n * CACHED_TERM_SHARE >= u64::from(self.len) {
            self.cache_bits(key, &bits);
        }
        Ok(bits)
    }

    fn cache_bits(&self, key: (Field, String), bits: &Arc<DocBits>) {
        let mut cache = self.lock_cache();
        if cache.bytes + bits.bytes() > TERM_CACHE_BYTES {
            cache.map.clear();
            cache.bytes = 0;
        }
        cache.bytes += bits.bytes();
        cache.map.insert(key, bits.clone());
    }

    fn known(&self, key: &str) -> Option<Arc<Known>> {
        let cache = self.known_cache.lock().unwrap_or_else(|e| e.into_inner());
        cache.map.get(key).cloned()
    }

    fn keep_known(&self, key: &str, known: Arc<Known>) {
        let mut cache = self.known_cache.lock().unwrap_or_else(|e| e.into_inner());
        if cache.bytes + known.bytes() > KNOWN_CACHE_BYTES {
            cache.map.clear();
            cache.bytes = 0;
        }
        cache.bytes += known.bytes();
        cache.map.insert(key.to_owned(), known);
    }

    fn lock_cache(&self) -> std::sync::MutexGuard<'_, TermCache> {
        self.term_cache.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Calls `each(document, score)` for every document with `term` in `field`, in document
    /// order, with its score at boost 1.
    fn each_score(
        &self,
        field: Field,
        term: &str,
        each: &mut dyn FnMut(u32, f32),
    ) -> tantivy::Result<()> {
        let weight = TermQuery::new(
            Term::from_field_text(field, term),
            IndexRecordOption::WithFreqs,
        )
        .weight(EnableScoring::enabled_from_searcher(&self.searcher))?;
        for (r, &base) in self.searcher.segment_readers().iter().zip(&self.bases) {
            let mut scorer = weight.scorer(r, 1.0)?;
            let mut doc = scorer.doc();
            while doc != TERMINATED {
                each(base + doc, scorer.score());
                doc = scorer.advance();
            }
        }
        Ok(())
    }

    /// Every document's weighted sum of the scores of `terms` (one item's common terms), kept
    /// as one array over all documents (4 bytes a document) for later searches.
    fn item_scores(&self, terms: &[&Scored]) -> tantivy::Result<Arc<DenseScores>> {
        let key = terms
            .iter()
            .map(|t| format!("{}:{}:{}", t.field.field_id(), t.term, t.weight))
            .collect::<Vec<_>>()
            .join("\0");
        let cache = || self.score_cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(all) = cache().map.get(&key) {
            return Ok(all.clone());
        }
        let mut dense = vec![0.0f32; self.len as usize];
        for t in terms {
            self.each_score(t.field, &t.term, &mut |doc, score| {
                dense[doc as usize] += t.weight * score;
            })?;
        }
        let dense = Arc::new(DenseScores::new(dense));
        let bytes = dense.bytes();
        let mut cache = cache();
        if cache.bytes + bytes > SCORE_CACHE_BYTES {
            cache.map.clear();
            cache.bytes = 0;
        }
        cache.bytes += bytes;
        cache.map.insert(key, dense.clone());
        Ok(dense)
    }

    /// The documents in which `stems` occur as a phrase in `field` (deleted ones included). Only
    /// documents with every word are checked for the phrase itself, a position check each; like a
    /// word's documents, the result is cached when the phrase is common.
    fn phrase_docs(&self, field: Field, stems: &[String]) -> tantivy::Result<Arc<DocBits>> {
        // NUL joins no words of a text, so the key cannot equal a term's.
        let key = (field, stems.join("\0"));
        if let Some(b) = self.lock_cache().map.get(&key) {
            return Ok(b.clone());
        }
        let mut candidates = DocBits::empty(self.len);
        for (i, stem) in stems.iter().enumerate() {
            let docs = self.term_docs(field, stem)?;
            if i == 0 {
                candidates.or_with(&docs);
            } else {
                candidates.and_with(&docs);
            }
        }
        let q = PhraseQuery::new(
            stems
                .iter()
                .map(|s| Term::from_field_text(field, s))
                .collect(),
        );
        let weight = q.weight(EnableScoring::disabled_from_searcher(&self.searcher))?;
        let mut bits = DocBits::empty(self.len);
        for (r, &base) in self.searcher.segment_readers().iter().zip(&self.bases) {
            let mut scorer = weight.scorer(r, 1.0)?;
            for g in candidates
                .iter()
                .filter(|g| (base..base + r.max_doc()).contains(g))
            {
                if scorer.doc() < g - base && scorer.seek(g - base) == TERMINATED {
                    break;
                }
                if scorer.doc() == g - base {
                    bits.insert(g);
                }
            }
        }
        let bits = Arc::new(bits);
        if candidates.count() * CACHED_TERM_SHARE >= u64::from(self.len) {
            self.cache_bits(key, &bits);
        }
        Ok(bits)
    }
}

/// How one query item matches (any source) and scores (a sum of weighted terms).
#[derive(Default)]
struct ItemPlan {
    terms: Vec<(Field, String)>,
    phrases: Vec<Vec<String>>,
    scored: Vec<(Field, String, f32)>,
    /// Facet values the item also matches (unscored): a year typed as a word is the start year
    /// too, "afgerond" or "lopend" the status.
    values: Vec<(&'static str, String)>,
}

impl ItemPlan {
    /// What the item matches, as strings that name it: two items match the same documents
    /// when their keys are equal.
    fn key(&self) -> impl Iterator<Item = String> + '_ {
        let terms = self
            .terms
            .iter()
            .map(|(f, t)| format!("{}:{t}", f.field_id()));
        let phrases = self.phrases.iter().map(|p| format!("\"{}", p.join(" ")));
        let values = self.values.iter().map(|(f, v)| format!("{f}={v}"));
        terms.chain(phrases).chain(values)
    }
}

/// What the text of a query matches and how it scores.
struct TextMatch {
    docs: Option<DocBits>,
    scored: Vec<Scored>,
    /// The groups every match has (empty when any group was enough), each with a key naming
    /// what it matches: supersets of the hits whose facet counts may be known.
    groups: Vec<(String, DocBits)>,
    /// When no project matched every group: the matches by how many groups they have, most
    /// first, so the best partial matches are those that lack the fewest words.
    tiers: Vec<DocBits>,
}

/// A Levenshtein automaton as tantivy's term dictionary walks it.
struct Dfa(levenshtein_automata::DFA);

impl tantivy_fst::Automaton for Dfa {
    type State = u32;

    fn start(&self) -> u32 {
        self.0.initial_state()
    }

    fn is_match(&self, state: &u32) -> bool {
        matches!(self.0.distance(*state), Distance::Exact(_))
    }

    fn can_match(&self, state: &u32) -> bool {
        *state != levenshtein_automata::SINK_STATE
    }

    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}

/// A top-k candidate: better is a higher score, then a newer start, then a lower doc number.
#[derive(Clone, Copy)]
struct Ranked {
    score: f32,
    key: u32,
    doc: u32,
}

impl Ranked {
    fn better(&self, o: &Ranked) -> Ordering {
        self.score
            .total_cmp(&o.score)
            .then(self.key.cmp(&o.key))
            .then(o.doc.cmp(&self.doc))
    }
}

impl PartialEq for Ranked {
    fn eq(&self, o: &Self) -> bool {
        self.better(o) == Ordering::Equal
    }
}
impl Eq for Ranked {}
impl PartialOrd for Ranked {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Ranked {
    /// Reversed, so that a `BinaryHeap` keeps the worst candidate on top.
    fn cmp(&self, o: &Self) -> Ordering {
        o.better(self)
    }
}

/// The best `k` documents offered so far, each at most once.
struct TopK {
    k: usize,
    heap: BinaryHeap<Ranked>,
    held: HashSet<u32>,
}

impl TopK {
    fn new(k: usize) -> Self {
        Self {
            k,
            heap: BinaryHeap::with_capacity(k + 1),
            held: HashSet::new(),
        }
    }

    /// Just below the worst kept score once full, so an equal score can still win on recency.
    fn threshold(&self) -> f32 {
        match self.heap.peek() {
            Some(worst) if self.heap.len() >= self.k => worst.score.next_down(),
            _ => f32::MIN,
        }
    }

    /// Offers a document (kept only if it is in `hits`); returns the new threshold.
    fn offer(&mut self, snap: &Snapshot, hits: &DocBits, doc: u32, score: f32) -> f32 {
        if hits.contains(doc) && !self.held.contains(&doc) {
            self.heap.push(Ranked {
                score,
                key: snap.keys[doc as usize],
                doc,
            });
            self.held.insert(doc);
            if self.heap.len() > self.k
                && let Some(out) = self.heap.pop()
            {
                self.held.remove(&out.doc);
            }
        }
        self.threshold()
    }
}

/// The search index of one data directory.
pub struct SearchIndex {
    dir: PathBuf,
    index: Index,
    reader: IndexReader,
    fields: Fields,
    analyzer: Arc<Analyzer>,
    synonyms: Synonyms,
    products: ProductIndex,
    generation: RwLock<Option<u64>>,
    snapshot: RwLock<Arc<Snapshot>>,
    /// Levenshtein automaton builders for one and two edits (costly to make, so made once).
    fuzzy: [LevenshteinAutomatonBuilder; 2],
    /// Word analyses for snippets, kept between searches (hits share their vocabulary).
    snippet_words: Mutex<WordCache>,
}

fn err(dir: &Path) -> impl Fn(tantivy::TantivyError) -> SearchError + '_ {
    move |e| SearchError::Index {
        path: dir.display().to_string(),
        message: e.to_string(),
    }
}

fn io_err(dir: &Path) -> impl Fn(std::io::Error) -> SearchError + '_ {
    move |e| SearchError::Index {
        path: dir.display().to_string(),
        message: e.to_string(),
    }
}

/// The shared analyzer: the shipped lexicon plus the words of the bundled catalogue. Fixed, so
/// what is derived with it (labels) does not depend on what else the store holds.
pub fn default_analyzer() -> Analyzer {
    let mut a = Analyzer::new(LEXICON.lines());
    for text in SEED_TEXTS {
        a.learn(text);
    }
    a
}

impl SearchIndex {
    /// Opens the index in `dir`, creating an empty one if there is none. An index written with
    /// another schema (an older version of this crate) is removed: without a generation file it
    /// counts as stale, and the catalogue rebuilds it.
    #[tracing::instrument]
    pub fn open(dir: &Path) -> Result<SearchIndex, SearchError> {
        std::fs::create_dir_all(dir).map_err(io_err(dir))?;
        let (schema, fields) = schema();
        let mmap_err = |e: tantivy::directory::error::OpenDirectoryError| SearchError::Index {
            path: dir.display().to_string(),
            message: e.to_string(),
        };
        let mut mmap = tantivy::directory::MmapDirectory::open(dir).map_err(mmap_err)?;
        if Index::exists(&mmap).map_err(|e| SearchError::Index {
            path: dir.display().to_string(),
            message: e.to_string(),
        })? && Index::open(mmap.clone()).map_err(err(dir))?.schema() != schema
        {
            drop(mmap);
            std::fs::remove_dir_all(dir).map_err(io_err(dir))?;
            std::fs::create_dir_all(dir).map_err(io_err(dir))?;
            mmap = tantivy::directory::MmapDirectory::open(dir).map_err(mmap_err)?;
        }
        // Small document-store blocks: a hit's stored text is read by decompressing its block,
        // and at tantivy's default (16 KB, about ten projects) that was a tenth of a search page.
        let settings = tantivy::IndexSettings {
            docstore_blocksize: DOCSTORE_BLOCK_BYTES,
            ..Default::default()
        };
        let index = Index::builder()
            .schema(schema)
            .settings(settings)
            .open_or_create(mmap)
            .map_err(err(dir))?;
        index.tokenizers().register(
            TERMS_TOKENIZER,
            TextAnalyzer::from(TermsTokenizer::default()),
        );
        index.tokenizers().register(
            COMPLETION_TOKENIZER,
            TextAnalyzer::from(CompletionTokenizer::default()),
        );
        let analyzer = Arc::new(default_analyzer());
        let products =
            ProductIndex::open(&dir.join("products"), analyzer.clone()).map_err(err(dir))?;
        let reader: IndexReader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(err(dir))?;
        let synonyms = Synonyms::parse(SYNONYMS, &analyzer).map_err(|e| SearchError::Index {
            path: "data/synonyms.txt".into(),
            message: e.to_string(),
        })?;
        let generation = std::fs::read_to_string(dir.join(GENERATION_FILE))
            .ok()
            .and_then(|s| s.trim().parse().ok());
        let snapshot = Snapshot::load(reader.searcher(), fields.start_key).map_err(err(dir))?;
        Ok(SearchIndex {
            dir: dir.to_owned(),
            index,
            reader,
            fields,
            analyzer,
            synonyms,
            products,
            generation: RwLock::new(generation),
            snapshot: RwLock::new(Arc::new(snapshot)),
            fuzzy: [
                LevenshteinAutomatonBuilder::new(1, true),
                LevenshteinAutomatonBuilder::new(2, true),
            ],
            snippet_words: Mutex::new(WordCache::default()),
        })
    }

    /// The store generation this index reflects; `None` if it was never built.
    pub fn generation(&self) -> Option<u64> {
        *self.generation.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Replaces the whole index with `projects`. Projects are analysed on `analysis_threads()`
    /// threads while this one reads them, so parsing, analysis and indexing overlap.
    #[tracing::instrument(skip_all)]
    pub fn rebuild(
        &self,
        projects: &mut dyn Iterator<Item = Project>,
        generation: u64,
        progress: &dyn Fn(u64),
    ) -> Result<(), SearchError> {
        // Two indexing threads with room enough that a million projects make a handful of
        // segments, and no merging while they write: merging rewrote the index several times
        // over and took most of the build.
        let mut writer: tantivy::IndexWriter = self
            .index
            .writer_with_num_threads(INDEX_THREADS, REBUILD_HEAP_BYTES)
            .map_err(err(&self.dir))?;
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        let mut products = self.products.writer(true).map_err(err(&self.dir))?;
        self.set_generation(None)?;
        writer.delete_all_documents().map_err(err(&self.dir))?;
        products.delete_all_documents().map_err(err(&self.dir))?;
        let analysers = analysis_threads();
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Project>>(2 * analysers);
        let rx = Mutex::new(rx);
        std::thread::scope(|s| -> Result<(), SearchError> {
            let workers: Vec<_> = (0..analysers)
                .map(|_| {
                    s.spawn(|| -> Result<(), SearchError> {
                        let mut cache = WordCache::default();
                        loop {
                            let batch = rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                            let Ok(batch) = batch else { return Ok(()) };
                            for p in batch {
                                writer
                                    .add_document(self.document(&p, &mut cache))
                                    .map_err(err(&self.dir))?;
                                self.products
                                    .put(&products, &p, false)
                                    .map_err(err(&self.dir))?;
                            }
                        }
                    })
                })
                .collect();
            let mut n = 0u64;
            let mut batch = Vec::with_capacity(BATCH);
            for p in projects {
                batch.push(p);
                n += 1;
                if n.is_multiple_of(10_000) {
                    progress(n);
                }
                // A send fails only when every worker stopped on an error, reported below.
                if batch.len() == BATCH
                    && tx
                        .send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))
                        .is_err()
                {
                    break;
                }
            }
            if !batch.is_empty() {
                let _ = tx.send(batch);
            }
            drop(tx);
            for w in workers {
                w.join().map_err(|_| SearchError::Index {
                    path: self.dir.display().to_string(),
                    message: "an analysis thread panicked".into(),
                })??;
            }
            Ok(())
        })?;
        writer.commit().map_err(err(&self.dir))?;
        self.products
            .commit(&mut products)
            .map_err(err(&self.dir))?;
        self.reload()?;
        self.set_generation(Some(generation))
    }

    /// Adds or replaces projects after the store committed them at `generation`.
    #[tracing::instrument(skip_all, fields(n = projects.len()))]
    pub fn upsert(&self, projects: &[Project], generation: u64) -> Result<(), SearchError> {
        let mut writer: tantivy::IndexWriter =
            self.index.writer(50_000_000).map_err(err(&self.dir))?;
        let mut products = self.products.writer(false).map_err(err(&self.dir))?;
        self.set_generation(None)?;
        let mut cache = WordCache::default();
        for p in projects {
            writer.delete_term(Term::from_field_text(self.fields.number, p.number.as_str()));
            writer
                .add_document(self.document(p, &mut cache))
                .map_err(err(&self.dir))?;
            self.products
                .put(&products, p, true)
                .map_err(err(&self.dir))?;
        }
        writer.commit().map_err(err(&self.dir))?;
        self.products
            .commit(&mut products)
            .map_err(err(&self.dir))?;
        self.reload()?;
        self.set_generation(Some(generation))
    }

    /// Loads the committed index and the tables searches need from it.
    fn reload(&self) -> Result<(), SearchError> {
        self.reader.reload().map_err(err(&self.dir))?;
        let snapshot = Snapshot::load(self.reader.searcher(), self.fields.start_key)
            .map_err(err(&self.dir))?;
        *self.snapshot.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(snapshot);
        Ok(())
    }

    fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshot
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Records the generation atomically; `None` marks the index as being changed, so a crash
    /// mid-write is seen as stale on the next start.
    fn set_generation(&self, generation: Option<u64>) -> Result<(), SearchError> {
        let path = self.dir.join(GENERATION_FILE);
        let io = |e: std::io::Error| SearchError::Index {
            path: path.display().to_string(),
            message: e.to_string(),
        };
        match generation {
            Some(g) => {
                let tmp = self.dir.join(format!("{GENERATION_FILE}.tmp"));
                std::fs::write(&tmp, g.to_string()).map_err(io)?;
                std::fs::rename(&tmp, &path).map_err(io)?;
            }
            None => match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io(e)),
            },
        }
        *self.generation.write().unwrap_or_else(|e| e.into_inner()) = generation;
        Ok(())
    }

    /// One project as a tantivy document: each text field is analysed once, and its tokens go
    /// to the scored body (repeated by the field's weight), the parts field and the phrase field.
    fn document(&self, p: &Project, cache: &mut WordCache) -> TantivyDocument {
        let f = &self.fields;
        let mut doc = TantivyDocument::new();
        doc.add_text(f.number, p.number.as_str());
        let products: Vec<&str> = p.products.iter().map(|x| x.title.as_str()).collect();
        let orgs: Vec<&str> = p.organisations.iter().map(|o| o.name.as_str()).collect();
        let title = match p.full_title.as_deref() {
            Some(full) => format!("{}\n{full}", p.title),
            None => p.title.clone(),
        };
        let texts: [&str; 8] = [
            &title,
            p.teaser.as_deref().unwrap_or_default(),
            &p.question,
            &p.outcome,
            &p.method,
            &products.join("\n"),
            &orgs.join("\n"),
            &p.municipalities.join("\n"),
        ];
        let (mut body, mut parts) = (String::new(), String::new());
        for (text, (name, weight)) in texts.into_iter().zip(TEXT_FIELDS) {
            if text.is_empty() {
                continue;
            }
            if let Some((_, field)) = f.stored.iter().find(|(n, _)| n == name) {
                doc.add_text(*field, text);
            }
            // Suggestions come from what people read first, not from method or outcome prose.
            if matches!(*name, "title" | "teaser" | "question") {
                doc.add_text(f.completion, text);
            }
            let mut last = None;
            self.analyzer
                .analyze_each(text, cache, |term, kind, position, _, _| {
                    if kind == TokenKind::Part {
                        for _ in 0..*weight {
                            parts.push_str(term);
                            parts.push(' ');
                        }
                        return;
                    }
                    // A joined form takes its word's position, and a word's repeats take its own:
                    // positions stay those of the text, for phrases.
                    for i in 0..*weight {
                        if i > 0 || last == Some(position) {
                            body.push(SAME_POSITION);
                        }
                        body.push_str(term);
                        body.push(' ');
                    }
                    last = Some(position);
                });
            body.push(FIELD_BREAK);
        }
        for (field, terms) in [(f.body, body), (f.parts, parts)] {
            doc.add_text(field, terms);
        }
        let facet = |name: &str| f.facets[name];
        doc.add_text(facet("theme"), p.theme.name());
        doc.add_text(facet("status"), p.status.map_or("Onbekend", |s| s.name()));
        for m in &p.municipalities {
            doc.add_text(facet("municipality"), m);
        }
        for o in &orgs {
            doc.add_text(facet("organisation"), o);
        }
        if let Some(start) = p.start {
            doc.add_text(facet("year"), start.get_year().to_string());
        }
        let mut kinds: Vec<&str> = p.products.iter().map(|x| x.kind.label()).collect();
        kinds.sort_unstable();
        kinds.dedup();
        for k in kinds {
            doc.add_text(facet("product_kind"), k);
        }
        for dim in watwerkt_domain::Dimension::ALL {
            for label in p.derived.labels(dim) {
                doc.add_text(facet(dim.facet()), &label.id);
            }
        }
        if !p.derived.is_empty() {
            doc.add_text(
                facet("evidence_level"),
                p.derived.evidence_level.level.to_string(),
            );
        }
        let key = p.start.map_or(0, |d| {
            u64::from(d.get_year()) * 100 + u64::from(d.get_month().unwrap_or(0))
        });
        doc.add_u64(f.start_key, key);
        doc
    }

    /// How one word (a stem) matches and scores: itself in the body, as a compound part, its
    /// synonyms, and near spellings when the word itself is rare.
    fn plan_word(
        &self,
        snap: &Snapshot,
        stem: &str,
        plan: &mut ItemPlan,
    ) -> Result<(), SearchError> {
        let f = &self.fields;
        let mut add = |stem: &str, weight: f32, score_parts: bool| {
            plan.terms.push((f.body, stem.to_owned()));
            plan.terms.push((f.parts, stem.to_owned()));
            plan.scored.push((f.body, stem.to_owned(), weight));
            if score_parts {
                plan.scored
                    .push((f.parts, stem.to_owned(), PART_WEIGHT * weight));
            }
        };
        add(stem, 1.0, true);
        // A synonym inside a compound matches but does not score: at 0.3 × 0.3 it hardly moves a
        // ranking, and every common scored term slows the top-k search (block-max WAND).
        for syn in self.synonyms.expand(stem) {
            add(syn, SYNONYM_WEIGHT, false);
        }
        let len = stem.chars().count();
        let distance = match len {
            9.. => 2,
            5.. => 1,
            _ => 0,
        };
        if distance == 0 {
            return Ok(());
        }
        let df = snap.doc_freq(f.body, stem).map_err(err(&self.dir))?;
        if df >= FUZZY_MIN_DOCS.max(u64::from(snap.len) / FUZZY_RARE_SHARE) {
            return Ok(());
        }
        let mut near = BTreeSet::new();
        let dfa = Dfa(self.fuzzy[distance - 1].build_dfa(stem));
        for r in snap.searcher.segment_readers() {
            let inverted = r.inverted_index(f.body).map_err(err(&self.dir))?;
            let mut stream = inverted
                .terms()
                .search(&dfa)
                .into_stream()
                .map_err(io_err(&self.dir))?;
            while stream.advance() && near.len() < FUZZY_MAX_TERMS {
                if let Ok(t) = std::str::from_utf8(stream.key())
                    && t != stem
                {
                    near.insert(t.to_owned());
                }
            }
        }
        // A word cut short ("arbeidsparticip") is none of the catalogue's words: their
        // continuations count as near spellings.
        if df == 0 && len >= MIN_PREFIX {
            for r in snap.searcher.segment_readers() {
                let inverted = r.inverted_index(f.body).map_err(err(&self.dir))?;
                let mut stream = inverted
                    .terms()
                    .range()
                    .gt(stem.as_bytes())
                    .into_stream()
                    .map_err(io_err(&self.dir))?;
                while near.len() < FUZZY_MAX_TERMS
                    && stream.advance()
                    && stream.key().starts_with(stem.as_bytes())
                {
                    if let Ok(t) = std::str::from_utf8(stream.key()) {
                        near.insert(t.to_owned());
                    }
                }
            }
        }
        for t in near {
            plan.terms.push((f.body, t.clone()));
            plan.scored.push((f.body, t, FUZZY_WEIGHT));
        }
        Ok(())
    }

    fn plan_item(&self, snap: &Snapshot, item: &Item) -> Result<Option<ItemPlan>, SearchError> {
        let mut plan = ItemPlan::default();
        let phrase = |plan: &mut ItemPlan, stems: Vec<String>| {
            for s in &stems {
                plan.scored.push((self.fields.body, s.clone(), 1.0));
            }
            plan.phrases.push(stems);
        };
        match item {
            Item::Phrase(text) => {
                let stems: Vec<String> = self
                    .analyzer
                    .analyze(text)
                    .into_iter()
                    .filter(|t| t.kind == TokenKind::Word)
                    .map(|t| t.term)
                    .collect();
                match stems.len() {
                    0 => return Ok(None),
                    1 => {
                        self.plan_word(snap, &stems[0], &mut plan)?;
                    }
                    _ => phrase(&mut plan, stems),
                }
            }
            Item::Word(word) => {
                plan.values.extend(facet_value_of(word));
                let tokens = self.analyzer.analyze(word);
                let words: Vec<String> = tokens
                    .iter()
                    .filter(|t| t.kind == TokenKind::Word)
                    .map(|t| t.term.clone())
                    .collect();
                let joined = tokens.iter().find(|t| t.kind == TokenKind::Joined);
                match (words.as_slice(), joined) {
                    ([], _) => return Ok(None),
                    ([one], _) => {
                        self.plan_word(snap, one, &mut plan)?;
                    }
                    // "re-integratie": the joined form, or the pieces as a phrase.
                    (_, Some(j)) => {
                        self.plan_word(snap, &j.term, &mut plan)?;
                        phrase(&mut plan, words);
                    }
                    (_, None) => return Ok(None),
                }
            }
        }
        Ok(Some(plan))
    }

    /// The documents an item matches (deleted ones included).
    fn item_docs(&self, snap: &Snapshot, plan: &ItemPlan) -> Result<DocBits, SearchError> {
        let mut bits = DocBits::empty(snap.len);
        for (facet, value) in &plan.values {
            if let Some(docs) = snap
                .facets
                .get(facet)
                .and_then(|t| t.value_docs(value, snap.len))
            {
                bits.or_with(&docs);
            }
        }
        for (field, term) in &plan.terms {
            bits.or_with(&*snap.term_docs(*field, term).map_err(err(&self.dir))?);
        }
        for stems in &plan.phrases {
            bits.or_with(
                &*snap
                    .phrase_docs(self.fields.body, stems)
                    .map_err(err(&self.dir))?,
            );
        }
        Ok(bits)
    }

    /// The partial matches `any` by how many of the query's telling words they have, most
    /// first, then those with only other words. A stop word ("hoe", "je", "naar") or a word in
    /// more than 1/`COMMON_SHARE` of the projects ("werk") tells little: a project with
    /// "statushouders" answers "hoe begeleid je statushouders naar werk" better than one with
    /// every word but that one.
    fn coverage_tiers(
        snap: &Snapshot,
        groups: &[DocBits],
        telling: &[bool],
        any: &DocBits,
    ) -> Vec<DocBits> {
        let live = snap.alive.count().max(1);
        let telling: Vec<&DocBits> = groups
            .iter()
            .zip(telling)
            .filter(|(g, telling)| **telling && g.and_count(&snap.alive) * COMMON_SHARE <= live)
            .map(|(g, _)| g)
            .collect();
        let mut rest = any.clone();
        let mut tiers: Vec<DocBits> = DocBits::by_coverage(&telling, snap.len)
            .into_iter()
            .map(|(_, mut tier)| {
                tier.and_with(any);
                rest.and_not_with(&tier);
                tier
            })
            .collect();
        tiers.push(rest);
        tiers
    }

    /// Live documents with every group (`all_groups`) or any group, and no excluded item.
    fn text_docs(
        &self,
        snap: &Snapshot,
        groups: &[DocBits],
        excluded: &[DocBits],
        all_groups: bool,
    ) -> DocBits {
        let mut bits = snap.alive.clone();
        if !all_groups {
            let mut any = DocBits::empty(snap.len);
            for g in groups {
                any.or_with(g);
            }
            bits.and_with(&any);
        } else {
            for g in groups {
                bits.and_with(g);
            }
        }
        for x in excluded {
            bits.and_not_with(x);
        }
        bits
    }

    /// Documents passing the filters of every facet but `skip`: values of one facet OR, facets
    /// AND (`skip` gives disjunctive facets: a facet's counts ignore its own selection).
    fn filter_docs(
        snap: &Snapshot,
        filters: &BTreeMap<&str, Vec<String>>,
        skip: Option<&str>,
    ) -> Option<DocBits> {
        let mut out: Option<DocBits> = None;
        for (facet, values) in filters.iter().filter(|(f, _)| Some(**f) != skip) {
            let mut any = DocBits::empty(snap.len);
            if let Some(table) = snap.facets.get(facet) {
                for v in values {
                    if let Some(b) = table.value_docs(v, snap.len) {
                        any.or_with(&b);
                    }
                }
            }
            match &mut out {
                Some(o) => o.and_with(&any),
                None => out = Some(any),
            }
        }
        out
    }

    /// The live documents carrying the query's concepts, with the concepts that found any:
    /// those with all the concepts, else those with any ("jongeren met schulden" wants both
    /// labels; a project with one still answers part of the question). `None` without text.
    fn concept_docs(
        snap: &Snapshot,
        concepts: &[(String, String)],
        text: Option<&DocBits>,
    ) -> Option<(DocBits, Vec<(String, String)>)> {
        text?;
        let mut all: Option<DocBits> = None;
        let mut any = DocBits::empty(snap.len);
        let mut used = Vec::new();
        for (facet, value) in concepts {
            let Some(facet) = FACETS.iter().find(|f| **f == facet.as_str()).copied() else {
                continue;
            };
            let one = BTreeMap::from([(facet, vec![normalise_filter(facet, value)])]);
            let Some(mut docs) = Self::filter_docs(snap, &one, None) else {
                continue;
            };
            docs.and_with(&snap.alive);
            if docs.count() > 0 {
                used.push((facet.to_owned(), value.clone()));
            }
            any.or_with(&docs);
            match &mut all {
                Some(a) => a.and_with(&docs),
                None => all = Some(docs),
            }
        }
        let docs = all.filter(|a| a.count() > 0).unwrap_or(any);
        (docs.count() > 0).then_some((docs, used))
    }

    /// Searches: top hits with snippets, the total, and every facet's counts.
    #[tracing::instrument(skip(self), fields(query = %req.query))]
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResponse, SearchError> {
        let snap = self.snapshot();
        // Phrases first: "sociale werkvoorziening" is a synonym phrase before "werkvoorziening"
        // is a compound. A word searched as its parts is no typo either.
        let (expanded, mut for_typos) =
            self.expand_synonym_phrases(&snap.searcher, parse(&req.query))?;
        let (parsed, splits) = self.split_unknown_compounds(&snap.searcher, expanded)?;
        for_typos.groups.retain(
            |g| !matches!(g.as_slice(), [Item::Word(w)] if splits.iter().any(|(s, _)| s == w)),
        );
        let split = splits
            .into_iter()
            .next()
            .map(|(word, parts)| Notice::Split { word, parts });
        let trimmed = req.query.trim();
        if trimmed.len() >= 6
            && trimmed.bytes().all(|b| b.is_ascii_digit())
            && self.number_exists(&snap.searcher, trimmed)?
        {
            return Ok(SearchResponse {
                total: 1,
                hits: Vec::new(),
                facets: BTreeMap::new(),
                notice: None,
                redirect: Some(trimmed.to_owned()),
                did_you_mean: None,
                products: Vec::new(),
                concepts: Vec::new(),
            });
        }
        let mut by_facet: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for (k, v) in req.filters.iter().chain(&parsed.filters) {
            if let Some(facet) = FACETS.iter().find(|f| **f == k.as_str()).copied() {
                by_facet
                    .entry(facet)
                    .or_default()
                    .push(normalise_filter(facet, v));
            }
        }
        let mut notice = if parsed.unknown_fields.is_empty() {
            split
        } else {
            Some(Notice::UnknownFields {
                fields: parsed.unknown_fields.clone(),
            })
        };
        let TextMatch {
            docs: text,
            scored,
            groups,
            tiers,
        } = self.match_text(&snap, &parsed, &mut notice)?;
        let filtered = Self::filter_docs(&snap, &by_facet, None);
        // Projects carrying a label the query names in other words ("ouderen" for a project
        // on 45-plussers): found too, after the text matches.
        let concept = Self::concept_docs(&snap, &req.concepts, text.as_ref());
        // No project has all the words (partial tiers): the projects carrying the concept the
        // words name answer better than those with some of the words, so they come first.
        // Otherwise they follow the text matches.
        let concepts_first = !tiers.is_empty() && req.sort == Sort::Relevance;
        let mut text_hits = text.clone().unwrap_or_else(|| snap.alive.clone());
        let mut extra = concept.as_ref().map(|(c, _)| c.clone());
        if let Some(f) = &filtered {
            text_hits.and_with(f);
            if let Some(e) = &mut extra {
                e.and_with(f);
            }
        }
        if let Some(e) = &mut extra {
            if concepts_first {
                text_hits.and_not_with(e);
            } else {
                e.and_not_with(&text_hits);
            }
        }
        let extra = extra.filter(|e| e.count() > 0);
        let matched = match (&text, &concept) {
            (Some(t), Some((c, _))) => {
                let mut m = t.clone();
                m.or_with(c);
                Some(m)
            }
            _ => text.clone(),
        };
        let mut hits = text_hits.clone();
        if let Some(e) = &extra {
            hits.or_with(e);
        }
        let total = hits.count();
        let text_total = text_hits.count();
        let limit = req.limit.clamp(1, 100);
        let wanted = limit.saturating_add(req.offset);
        // Ranking (with snippets) and facet counting need only the hits: in a large index they
        // run side by side on two cores; in a small one handing half to another thread costs more
        // than it saves.
        let rank = || -> Result<Vec<Hit>, SearchError> {
            let hits = &text_hits;
            let total = text_total;
            let mut top: Vec<Ranked> = match &extra {
                Some(extra) if concepts_first => {
                    Self::top_newest(&snap, extra, extra.count(), wanted)
                }
                _ => Vec::new(),
            };
            let mut text_top: Vec<Ranked> =
                if req.offset as u64 >= total + top.len() as u64 || top.len() >= wanted {
                    Vec::new()
                } else if req.sort == Sort::Newest || scored.is_empty() {
                    Self::top_newest(&snap, hits, total, wanted)
                } else if !tiers.is_empty() {
                    // Partial matches: those with the most words first, by score within a tier.
                    let mut top = Vec::with_capacity(wanted);
                    for tier in &tiers {
                        let mut tier = tier.clone();
                        tier.and_with(hits);
                        let n = tier.count();
                        if n > 0 {
                            let k = (wanted - top.len()).min(n as usize);
                            top.extend(self.top_by_score(&snap, &scored, &tier, k)?);
                        }
                        if top.len() >= wanted {
                            break;
                        }
                    }
                    top
                } else {
                    self.top_by_score(&snap, &scored, hits, wanted)?
                };
            text_top.truncate(wanted - top.len());
            top.append(&mut text_top);
            if let Some(extra) = &extra
                && !concepts_first
                && top.len() < wanted
            {
                let n = extra.count();
                top.extend(Self::top_newest(&snap, extra, n, wanted - top.len()));
            }
            let top: Vec<Ranked> = top.into_iter().skip(req.offset).take(limit).collect();
            let marks = Marks::new(
                scored
                    .iter()
                    .filter(|t| t.field == self.fields.body)
                    .map(|t| t.term.clone())
                    .collect(),
            );
            self.hits(&snap, &marks, &top, req.passages)
        };
        // Cached word counts describe the text matches alone, not the concepts added to them.
        let count_groups = if extra.is_some() {
            &[][..]
        } else {
            &groups[..]
        };
        let count = || Self::facet_counts(&snap, &by_facet, matched.as_ref(), &hits, count_groups);
        let (ranked, facets) = if snap.len >= PARALLEL_MIN_DOCS {
            rayon::join(rank, count)
        } else {
            (rank(), count())
        };
        let hit_list = ranked?;
        // Said even when near spellings found something: the user should know what was searched.
        let did_you_mean = self.did_you_mean(&snap.searcher, trimmed, &for_typos)?;
        // Nothing as typed: a near spelling, else a catalogue compound ending with the word.
        let corrected = match &did_you_mean {
            Some(q) => Some(q.clone()),
            None if total == 0 => self.compound_ending(&snap.searcher, trimmed, &for_typos)?,
            None => None,
        };
        if total == 0
            && let Some(corrected) = &corrected
        {
            // Nothing as typed: search the corrected query once (it has no unknown words left).
            let mut r = self.search(&SearchRequest {
                query: corrected.clone(),
                ..req.clone()
            })?;
            if r.total > 0 {
                r.notice = Some(Notice::Corrected {
                    query: corrected.clone(),
                });
                r.did_you_mean = None;
                return Ok(r);
            }
        }
        if total == 0
            && let Some((query, read)) =
                self.read_known_parts(&snap.searcher, trimmed, &for_typos)?
        {
            // Still nothing: search the parts of unknown compounds the catalogue has, once (the
            // new query has no unknown compounds left).
            let mut r = self.search(&SearchRequest {
                query,
                ..req.clone()
            })?;
            if r.total > 0
                && let Some(first) = read.into_iter().next()
            {
                r.notice = Some(Notice::SplitPartly {
                    word: first.word,
                    parts: first.parts,
                    missing: first.missing,
                });
                r.did_you_mean = None;
                return Ok(r);
            }
        }
        // Products are items of their own on the first page of a text search without filters
        // (products are not filtered by project facets).
        let products = if req.offset == 0 && !scored.is_empty() && by_facet.is_empty() {
            self.products.search(&parsed, 5).map_err(err(&self.dir))?
        } else {
            Vec::new()
        };
        Ok(SearchResponse {
            total,
            hits: hit_list,
            facets,
            notice,
            redirect: None,
            did_you_mean,
            products,
            concepts: match (&extra, concept) {
                (Some(_), Some((_, used))) => used,
                _ => Vec::new(),
            },
        })
    }

    /// Every facet's counts over `hits`: facets without a filter of their own share one count
    /// over the hits; a facet with a filter is counted over the text matches with the other
    /// facets' filters only (disjunctive facets). `groups` are supersets of the text matches
    /// (see `TextMatch`): a common word's counts are kept, and later counts start from them.
    fn facet_counts(
        snap: &Snapshot,
        by_facet: &BTreeMap<&str, Vec<String>>,
        text: Option<&DocBits>,
        hits: &DocBits,
        groups: &[(String, DocBits)],
    ) -> BTreeMap<String, Vec<FacetCount>> {
        let known: Vec<Arc<Known>> = groups.iter().filter_map(|(k, _)| snap.known(k)).collect();
        let known: Vec<&Known> = known.iter().map(Arc::as_ref).collect();
        let plain: Vec<&str> = FACETS
            .iter()
            .copied()
            .filter(|f| !by_facet.contains_key(f))
            .collect();
        let total = hits.count();
        // The hits are exactly one common word's live documents: count them all and keep them.
        let keep = match groups {
            [(key, group)] if by_facet.is_empty() && known.is_empty() => {
                (total * CACHED_TERM_SHARE >= u64::from(snap.len)
                    && group.and_count(&snap.alive) == total)
                    .then_some(key)
            }
            _ => None,
        };
        let plain_counts = match keep {
            // No facet has a filter, so `plain` is every facet, in the tables' order.
            Some(key) => {
                let k = Arc::new(snap.facets.known(hits.clone(), &snap.alive, &known));
                let counts = snap.facets.known_counts(&k);
                snap.keep_known(key, k);
                counts
            }
            None => snap.facets.count(&plain, hits, &snap.alive, &known),
        };
        let mut facets = BTreeMap::new();
        for (name, counts) in plain.iter().zip(plain_counts) {
            facets.insert((*name).to_owned(), sort_counts(name, counts));
        }
        for name in by_facet.keys() {
            let mut docs = text.cloned().unwrap_or_else(|| snap.alive.clone());
            if let Some(f) = Self::filter_docs(snap, by_facet, Some(name)) {
                docs.and_with(&f);
            }
            let counts = snap.facets.count(&[name], &docs, &snap.alive, &known);
            let counts = counts.into_iter().next().unwrap_or_default();
            facets.insert((*name).to_owned(), sort_counts(name, counts));
        }
        facets
    }

    /// The live documents matching the text (`None` for no text) and the weighted terms that
    /// score them. When no document has all words, documents with any word, with a notice.
    fn match_text(
        &self,
        snap: &Snapshot,
        parsed: &ParsedQuery,
        notice: &mut Option<Notice>,
    ) -> Result<TextMatch, SearchError> {
        let mut groups = Vec::new();
        let mut keys = Vec::new();
        let mut scored: Vec<Scored> = Vec::new();
        let mut items = 0;
        // Per group: whether it is more than stop words.
        let mut telling = Vec::new();
        // The query items of stop-word groups, by group.
        let mut stop_items = Vec::new();
        for group in &parsed.groups {
            let mut bits: Option<DocBits> = None;
            let mut key = Vec::new();
            let first_item = items;
            for item in group {
                if let Some(plan) = self.plan_item(snap, item)? {
                    let docs = self.item_docs(snap, &plan)?;
                    // A phrase no project has scores nothing: as one of several alternatives
                    // (a synonym phrase) its words would otherwise lift projects that hold them
                    // anywhere.
                    if !plan.phrases.is_empty() && group.len() > 1 && docs.count() == 0 {
                        continue;
                    }
                    match &mut bits {
                        Some(b) => b.or_with(&docs),
                        None => bits = Some(docs),
                    }
                    key.extend(plan.key());
                    scored.extend(plan.scored.into_iter().map(|(field, term, weight)| Scored {
                        field,
                        term,
                        weight,
                        item: items,
                    }));
                    items += 1;
                }
            }
            if let Some(bits) = bits {
                key.sort_unstable();
                key.dedup();
                keys.push(key.join("\u{2}"));
                groups.push(bits);
                let stop = group
                    .iter()
                    .all(|item| matches!(item, Item::Word(w) if is_stopword(w)));
                if stop {
                    stop_items.extend(first_item..items);
                }
                telling.push(!stop);
            }
        }
        if groups.is_empty() {
            return Ok(TextMatch {
                docs: None,
                scored: Vec::new(),
                groups: Vec::new(),
                tiers: Vec::new(),
            });
        }
        // Stop words do not restrict a search that has other words ("projecten over schulden"
        // needs "schulden", not "over"), nor score in it: a stop word rare in the catalogue
        // (English "to", once in "peer-to-peer") would weigh like a telling word.
        if telling.iter().any(|t| *t) && telling.iter().any(|t| !*t) {
            scored.retain(|s| !stop_items.contains(&s.item));
            let kept: Vec<(String, DocBits)> = keys
                .into_iter()
                .zip(groups)
                .zip(&telling)
                .filter(|(_, t)| **t)
                .map(|(group, _)| group)
                .collect();
            (keys, groups) = kept.into_iter().unzip();
            telling.retain(|t| *t);
        }
        let mut excluded = Vec::new();
        for item in &parsed.excluded {
            if let Some(plan) = self.plan_item(snap, item)? {
                excluded.push(self.item_docs(snap, &plan)?);
            }
        }
        let mut docs = self.text_docs(snap, &groups, &excluded, true);
        let mut supersets: Vec<(String, DocBits)> = keys.into_iter().zip(groups).collect();
        let mut tiers = Vec::new();
        if supersets.len() > 1 && docs.count() == 0 {
            let groups: Vec<DocBits> = supersets.drain(..).map(|(_, g)| g).collect();
            let any = self.text_docs(snap, &groups, &excluded, false);
            if any.count() > 0 {
                *notice = Some(Notice::Fallback);
                tiers = Self::coverage_tiers(snap, &groups, &telling, &any);
            }
            docs = any;
        }
        // One term reached by two ways (a synonym that is also typed) counts once, at its best.
        scored.sort_by(|a, b| {
            (a.field, &a.term)
                .cmp(&(b.field, &b.term))
                .then(b.weight.total_cmp(&a.weight))
        });
        scored.dedup_by(|a, b| a.field == b.field && a.term == b.term);
        Ok(TextMatch {
            docs: Some(docs),
            scored,
            groups: supersets,
            tiers,
        })
    }

    /// The best `k` of `hits` by BM25F score, ties to the newer project. The score is a flat sum
    /// of weighted term scores.
    ///
    /// Selective terms go to tantivy's block-max WAND. Common words rank flat (thousands of
    /// projects have "werk" in the title, and its weight is low), so WAND finds few blocks to
    /// skip and decodes and scores nearly every posting; then a document's score is added up from
    /// score arrays, one per query item (a word with its compound parts and synonyms, cached),
    /// and the arrays' block maxima let the scan read the scores of few blocks.
    fn top_by_score(
        &self,
        snap: &Snapshot,
        scored: &[Scored],
        hits: &DocBits,
        k: usize,
    ) -> Result<Vec<Ranked>, SearchError> {
        let mut dfs = Vec::with_capacity(scored.len());
        for t in scored {
            dfs.push(snap.doc_freq(t.field, &t.term).map_err(err(&self.dir))?);
        }
        if scored.len() <= EXHAUSTIVE_MAX_TERMS
            && dfs.iter().sum::<u64>() * EXHAUSTIVE_SHARE >= u64::from(snap.len)
        {
            let dense_min_docs = u64::from(snap.len).div_ceil(CACHED_TERM_SHARE);
            self.top_exhaustive(snap, scored, &dfs, hits, k, dense_min_docs)
        } else {
            self.top_wand(snap, scored, hits, k)
        }
    }

    /// Exhaustive ranking; terms in at least `dense_min_docs` documents (`dfs`, per scored term)
    /// are scored from arrays, one per query item.
    fn top_exhaustive(
        &self,
        snap: &Snapshot,
        scored: &[Scored],
        dfs: &[u64],
        hits: &DocBits,
        k: usize,
        dense_min_docs: u64,
    ) -> Result<Vec<Ranked>, SearchError> {
        let mut top = TopK::new(k);
        let mut by_item: BTreeMap<usize, Vec<&Scored>> = BTreeMap::new();
        let mut sparse: Vec<(u32, f32)> = Vec::new();
        for (t, &df) in scored.iter().zip(dfs) {
            if df >= dense_min_docs {
                by_item.entry(t.item).or_default().push(t);
            } else {
                snap.each_score(t.field, &t.term, &mut |d, s| sparse.push((d, t.weight * s)))
                    .map_err(err(&self.dir))?;
            }
        }
        let mut dense = Vec::with_capacity(by_item.len());
        for terms in by_item.values() {
            dense.push(snap.item_scores(terms).map_err(err(&self.dir))?);
        }
        let dense_score = |doc: u32| -> f32 { dense.iter().map(|a| a.scores[doc as usize]).sum() };
        // Hits with a rare term first (their rare part added), then the others from the arrays
        // alone: no lookup per hit.
        sparse.sort_unstable_by_key(|&(d, _)| d);
        let mut with_rare = DocBits::empty(snap.len);
        let mut threshold = f32::MIN;
        for run in sparse.chunk_by(|a, b| a.0 == b.0) {
            let doc = run[0].0;
            if hits.contains(doc) {
                with_rare.insert(doc);
                let score = dense_score(doc) + run.iter().map(|(_, s)| s).sum::<f32>();
                if score > threshold {
                    threshold = top.offer(snap, hits, doc, score);
                }
            }
        }
        if !dense.is_empty() {
            // A block's scores are bounded by its terms' block maxima, added in the order its
            // scores are (each product and each sum rounds monotonically, so no score exceeds
            // its bound). Blocks are looked into best bound first, and once a bound cannot beat
            // the k-th hit, no block after it can: few blocks' scores are read.
            let mut bounds = vec![0f32; hits.words().len()];
            for all in &dense {
                for (b, m) in bounds.iter_mut().zip(&all.block_max) {
                    *b += m;
                }
            }
            let mut blocks: Vec<(f32, usize)> = hits
                .words()
                .iter()
                .zip(with_rare.words())
                .zip(bounds)
                .enumerate()
                .filter(|(_, ((h, r), bound))| *h & !*r != 0 && *bound > 0.0 && *bound > threshold)
                .map(|(i, (_, bound))| (bound, i))
                .collect();
            // Only the best few need sorting: the k-th score they give prunes nearly all others.
            let sorted = blocks.len().min((4 * k).max(64));
            let best_first = |a: &(f32, usize), b: &(f32, usize)| b.0.total_cmp(&a.0);
            if sorted < blocks.len() {
                blocks.select_nth_unstable_by(sorted, best_first);
            }
            blocks[..sorted].sort_unstable_by(best_first);
            // 64 documents at a time: their scores are added up array by array (in the order
            // `dense_score` adds them, so the sums are the same), which the compiler vectorises.
            let mut block = [0f32; SCORE_BLOCK];
            for (n, &(bound, i)) in blocks.iter().enumerate() {
                if bound <= threshold {
                    // In the sorted part, every later bound is lower still.
                    if n < sorted {
                        break;
                    }
                    continue;
                }
                let from = i * SCORE_BLOCK;
                let len = (snap.len as usize - from).min(SCORE_BLOCK);
                let block = &mut block[..len];
                block.fill(0.0);
                for all in &dense {
                    for (b, x) in block.iter_mut().zip(&all.scores[from..from + len]) {
                        *b += x;
                    }
                }
                let mut left = hits.words()[i] & !with_rare.words()[i];
                while left != 0 {
                    let j = left.trailing_zeros() as usize;
                    left &= left - 1;
                    let score = block[j];
                    if score > threshold && score > 0.0 {
                        threshold = top.offer(snap, hits, (from + j) as u32, score);
                    }
                }
            }
        }
        Ok(Self::fill(snap, hits, top, k))
    }

    fn top_wand(
        &self,
        snap: &Snapshot,
        scored: &[Scored],
        hits: &DocBits,
        k: usize,
    ) -> Result<Vec<Ranked>, SearchError> {
        let mut top = TopK::new(k);
        let clauses: Vec<(Occur, Box<dyn Query>)> = scored
            .iter()
            .map(|t| {
                let term = TermQuery::new(
                    Term::from_field_text(t.field, &t.term),
                    IndexRecordOption::WithFreqs,
                );
                (
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(term), t.weight)) as Box<dyn Query>,
                )
            })
            .collect();
        let full = BooleanQuery::new(clauses)
            .weight(EnableScoring::enabled_from_searcher(&snap.searcher))
            .map_err(err(&self.dir))?;
        for (r, &base) in snap.searcher.segment_readers().iter().zip(&snap.bases) {
            full.for_each_pruning(top.threshold(), r, &mut |doc, score| {
                top.offer(snap, hits, base + doc, score)
            })
            .map_err(err(&self.dir))?;
        }
        Ok(Self::fill(snap, hits, top, k))
    }

    /// Hits without a scored term (a synonym inside a compound) come last, newest first.
    fn fill(snap: &Snapshot, hits: &DocBits, mut top: TopK, k: usize) -> Vec<Ranked> {
        if top.heap.len() < k {
            for r in Self::top_newest(snap, hits, hits.count(), k) {
                top.offer(snap, hits, r.doc, 0.0);
            }
        }
        top.heap.into_sorted_vec()
    }

    /// The newest `k` of `hits`: from the precomputed order when hits are common, else by
    /// sorting the hits.
    fn top_newest(snap: &Snapshot, hits: &DocBits, total: u64, k: usize) -> Vec<Ranked> {
        let ranked = |doc: u32| Ranked {
            score: 0.0,
            key: snap.keys[doc as usize],
            doc,
        };
        if total * 64 >= u64::from(snap.len) {
            snap.newest
                .iter()
                .filter(|d| hits.contains(**d))
                .take(k)
                .map(|&d| ranked(d))
                .collect()
        } else {
            let mut all: Vec<Ranked> = hits.iter().map(ranked).collect();
            all.sort();
            all.truncate(k);
            all
        }
    }

    fn hits(
        &self,
        snap: &Snapshot,
        marks: &Marks,
        top: &[Ranked],
        passages: Option<usize>,
    ) -> Result<Vec<Hit>, SearchError> {
        let mut hits = Vec::with_capacity(top.len());
        let mut seen = Seen::new();
        let mut cache = self.snippet_words.lock().unwrap_or_else(|e| e.into_inner());
        for r in top {
            let doc: TantivyDocument = snap
                .searcher
                .doc(snap.address(r.doc))
                .map_err(err(&self.dir))?;
            let get = |f: Field| {
                doc.get_first(f)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
            };
            let mut snippets = BTreeMap::new();
            let stored = |name: &str| {
                self.fields
                    .stored
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map_or("", |(_, f)| get(*f))
            };
            let title = stored("title")
                .lines()
                .next()
                .unwrap_or_default()
                .to_owned();
            // Whether `name` has a snippet (kept in `snippets`).
            let mut mark = |name: &str| match snippet(
                &self.analyzer,
                &mut cache,
                marks,
                &mut seen,
                stored(name),
            ) {
                Some(s) => {
                    snippets.insert(name.to_owned(), s);
                    true
                }
                None => false,
            };
            match passages {
                _ if marks.is_empty() => {}
                None => SNIPPET_FIELDS.iter().for_each(|name| {
                    mark(name);
                }),
                Some(0) => {}
                Some(n) => {
                    let found = PASSAGE_FIELDS
                        .iter()
                        .filter(|name| mark(name))
                        .take(n)
                        .count();
                    if found == 0 {
                        mark(PASSAGE_FALLBACK);
                    }
                }
            }
            hits.push(Hit {
                project_number: get(self.fields.number).to_owned(),
                title,
                score: r.score,
                snippets,
            });
        }
        Ok(hits)
    }

    fn number_exists(&self, searcher: &Searcher, number: &str) -> Result<bool, SearchError> {
        let q = TermQuery::new(
            Term::from_field_text(self.fields.number, number),
            IndexRecordOption::Basic,
        );
        Ok(searcher.search(&q, &Count).map_err(err(&self.dir))? > 0)
    }

    /// Number of projects in the index.
    pub fn len(&self) -> u64 {
        self.snapshot().searcher.num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the index holds this project (for consistency checks).
    pub fn contains(&self, number: &ProjectNumber) -> Result<bool, SearchError> {
        self.number_exists(&self.snapshot().searcher, number.as_str())
    }

    // Hooks for the suggestion, similarity and vraagbaak modules.

    /// How many projects have every word of `query` (no ranking, snippets or facets).
    pub(crate) fn count(&self, query: &str) -> Result<u64, SearchError> {
        let snap = self.snapshot();
        let mut notice = None;
        let matched = self.match_text(&snap, &parse(query), &mut notice)?;
        // A fallback to partial matches is not a count of the query.
        Ok(match (notice, matched.docs) {
            (Some(Notice::Fallback), _) | (_, None) => 0,
            (_, Some(docs)) => docs.count(),
        })
    }

    pub(crate) fn searcher(&self) -> Searcher {
        self.snapshot().searcher.clone()
    }

    pub(crate) fn analyzer(&self) -> &Analyzer {
        &self.analyzer
    }

    pub(crate) fn synonyms(&self) -> &Synonyms {
        &self.synonyms
    }

    /// Whether a stem, itself or through a synonym, occurs in the catalogue as a whole word or
    /// a compound part.
    pub(crate) fn stem_known(&self, searcher: &Searcher, stem: &str) -> Result<bool, SearchError> {
        for s in std::iter::once(stem).chain(self.synonyms.expand(stem)) {
            for field in [self.fields.body, self.fields.parts] {
                let term = Term::from_field_text(field, s);
                if searcher.doc_freq(&term).map_err(err(&self.dir))? > 0 {
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }

    pub(crate) fn completion_field(&self) -> Field {
        self.fields.completion
    }

    pub(crate) fn facet_field(&self, facet: &str) -> Field {
        self.fields.facets[facet]
    }

    /// A Levenshtein automaton for `word` within `edits` (1 or 2).
    pub(crate) fn typo_dfa(&self, word: &str, edits: usize) -> levenshtein_automata::DFA {
        self.fuzzy[edits.clamp(1, 2) - 1].build_dfa(word)
    }

    pub(crate) fn tantivy_err(&self) -> impl Fn(tantivy::TantivyError) -> SearchError + '_ {
        err(&self.dir)
    }

    /// Projects holding `stem` as a whole word in any field.
    pub(crate) fn word_doc_freq(
        &self,
        searcher: &Searcher,
        stem: &str,
    ) -> Result<u64, SearchError> {
        searcher
            .doc_freq(&Term::from_field_text(self.fields.body, stem))
            .map_err(err(&self.dir))
    }

    /// Whether a typed word occurs in the catalogue as a word or a compound part, itself or
    /// through a synonym ("participatiewet" is known through "bijstand").
    pub(crate) fn knows(&self, searcher: &Searcher, word: &str) -> Result<bool, SearchError> {
        for t in self.analyzer.analyze(word) {
            if t.kind != TokenKind::Part && self.stem_known(searcher, &t.term)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Projects scored by any of the weighted stems (as whole words, compound parts and
    /// synonyms, through the field weights), with the stems each one holds (itself or a synonym); `like` leaves one project out and
    /// prefers a theme.
    pub(crate) fn search_stems(
        &self,
        stems: &[(String, f32)],
        like: Like,
        limit: usize,
    ) -> Result<Vec<(Hit, Vec<String>)>, SearchError> {
        let snap = self.snapshot();
        let f = &self.fields;
        let mut hits = DocBits::empty(snap.len);
        let mut scored = Vec::new();
        for (item, (stem, w)) in stems.iter().enumerate() {
            // Synonyms connect too: a case about "statushouders" meets projects on
            // "vergunninghouders".
            let alternatives = std::iter::once((stem.as_str(), *w)).chain(
                self.synonyms
                    .expand(stem)
                    .map(|syn| (syn, SYNONYM_WEIGHT * w)),
            );
            for (term, w) in alternatives {
                for (field, weight) in [(f.body, w), (f.parts, PART_WEIGHT * w)] {
                    hits.or_with(&*snap.term_docs(field, term).map_err(err(&self.dir))?);
                    scored.push(Scored {
                        field,
                        term: term.to_owned(),
                        weight,
                        item,
                    });
                }
            }
        }
        if let Some(theme) = like.theme {
            scored.push(Scored {
                field: f.facets["theme"],
                term: theme.to_owned(),
                weight: THEME_WEIGHT,
                item: stems.len(),
            });
        }
        for (i, group) in like.target_groups.iter().enumerate() {
            scored.push(Scored {
                field: f.facets["target_group"],
                term: (*group).to_owned(),
                weight: THEME_WEIGHT,
                item: stems.len() + 1 + i,
            });
        }
        hits.and_with(&snap.alive);
        // One more than asked, so the excluded project can be dropped.
        let top = self.top_by_score(&snap, &scored, &hits, limit + 1)?;
        let marks = Marks::new(
            scored
                .iter()
                .filter(|t| t.field == f.body)
                .map(|t| t.term.clone())
                .collect(),
        );
        let found = self.hits(&snap, &marks, &top, None)?;
        let mut out = Vec::with_capacity(found.len());
        for (hit, r) in found.into_iter().zip(&top) {
            if Some(hit.project_number.as_str()) == like.exclude || out.len() == limit {
                continue;
            }
            let doc: TantivyDocument = snap
                .searcher
                .doc(snap.address(r.doc))
                .map_err(err(&self.dir))?;
            let text: Vec<&str> = f
                .stored
                .iter()
                .filter_map(|(_, field)| doc.get_first(*field).and_then(|v| v.as_str()))
                .collect();
            let held: HashSet<String> = self
                .analyzer
                .analyze(&text.join("\n\n"))
                .into_iter()
                .map(|t| t.term)
                .collect();
            let shared = stems
                .iter()
                .filter(|(s, _)| {
                    held.contains(s) || self.synonyms.expand(s).any(|syn| held.contains(syn))
                })
                .map(|(s, _)| s.clone())
                .collect();
            out.push((hit, shared));
        }
        Ok(out)
    }
}

/// Years newest first; other facets by count, then name.
/// The facet value a typed word also stands for: a start year ("2018"), or a status
/// ("afgeronde", "lopend").
fn facet_value_of(word: &str) -> Option<(&'static str, String)> {
    const STATUS: &[(&str, &str)] = &[
        ("afgerond", "Afgerond"),
        ("afgeronde", "Afgerond"),
        ("lopend", "Lopend"),
        ("lopende", "Lopend"),
    ];
    if let Some((_, status)) = STATUS.iter().find(|(w, _)| word.eq_ignore_ascii_case(w)) {
        return Some(("status", (*status).to_owned()));
    }
    let year: u16 = word.parse().ok().filter(|y| (1900..=2100).contains(y))?;
    Some(("year", year.to_string()))
}

fn sort_counts(facet: &str, counts: Vec<(String, u64)>) -> Vec<FacetCount> {
    let mut out: Vec<FacetCount> = counts
        .into_iter()
        .map(|(value, count)| FacetCount { value, count })
        .collect();
    if facet == "year" {
        out.sort_by(|a, b| b.value.cmp(&a.value));
    } else {
        out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    }
    out
}

/// Filter values are matched as stored: statuses and themes case-insensitively.
fn normalise_filter(facet: &str, value: &str) -> String {
    match facet {
        "status" => watwerkt_domain::Status::parse(value)
            .map_or_else(|_| value.to_owned(), |s| s.name().to_owned()),
        "theme" => watwerkt_domain::Theme::from_name(value)
            .map_or_else(|| value.to_owned(), |t| t.name().to_owned()),
        "product_kind" | "target_group" | "design" | "outcome_domain" => {
            value.trim().to_lowercase()
        }
        "evidence_level" => value.trim().to_owned(),
        _ => value.to_owned(),
    }
}

#[cfg(test)]
#[path = "../tests/common/mod.rs"]
mod test_common;

#[cfg(test)]
mod tests {
    use super::*;

    use super::test_common as common;

    /// Block-max pruning skips blocks without losing a hit: over an index of many blocks (the
    /// seeds 60 times over, their texts cut to different lengths so scores spread), exhaustive
    /// ranking with every term from arrays gives WAND's top k for small and large k.
    #[test]
    fn pruned_exhaustive_ranking_equals_wand_over_many_blocks() {
        let tmp = tempfile::tempdir().unwrap();
        let idx = SearchIndex::open(tmp.path()).unwrap();
        let seeds = common::seed_projects();
        let cut = |text: &str, n: usize| -> String { text.split_inclusive(". ").take(n).collect() };
        let mut projects = Vec::new();
        for copy in 0..60usize {
            for (i, p) in seeds.iter().enumerate() {
                let mut p = p.clone();
                p.number = ProjectNumber::parse(&format!("9{copy:03}{i:05}")).unwrap();
                let n = 1 + (copy * 7 + i) % 6;
                p.question = cut(&p.question, n);
                p.method = cut(&p.method, 7 - n);
                p.outcome = cut(&p.outcome, 1 + (copy + i) % 4);
                projects.push(p);
            }
        }
        idx.rebuild(&mut projects.into_iter(), 1, &|_| {}).unwrap();
        let snap = idx.snapshot();
        assert!(snap.len as usize > 40 * SCORE_BLOCK);
        for q in [
            "werk",
            "schulden jongeren",
            "statushouders werk",
            "armoede OR bijstand",
        ] {
            let m = idx.match_text(&snap, &parse(q), &mut None).unwrap();
            let hits = m.docs.unwrap();
            let dfs: Vec<u64> = m
                .scored
                .iter()
                .map(|t| snap.doc_freq(t.field, &t.term).unwrap())
                .collect();
            for k in [1, 10, 100] {
                let wand = idx.top_wand(&snap, &m.scored, &hits, k).unwrap();
                let ex = idx
                    .top_exhaustive(&snap, &m.scored, &dfs, &hits, k, 0)
                    .unwrap();
                assert_eq!(ex.len(), wand.len(), "{q} {k}");
                for (x, y) in ex.iter().zip(&wand) {
                    assert!((x.score - y.score).abs() <= 1e-4 * x.score.abs(), "{q} {k}");
                }
            }
        }
    }

    /// Both ways of ranking give the same top ten (scores summed in another order may differ in
    /// the last bits), over synonyms, compound parts, near spellings, phrases and filters.
    #[test]
    fn exhaustive_ranking_equals_wand() {
        let (_dir, idx) = common::seed_index();
        let snap = idx.snapshot();
        for q in [
            "werk",
            "schulden jongeren",
            "statushouders werk",
            "clienten psychische problemen",
            "re-integratie",
            "schuldhulpverlenig",
            "\"psychische problemen\"",
            "armoede OR bijstand",
            "werkgevers -jongeren",
            "thema:vergunninghouders werk",
            "status:afgerond gemeente",
        ] {
            let parsed = parse(q);
            let m = idx.match_text(&snap, &parsed, &mut None).unwrap();
            let mut hits = m.docs.unwrap();
            let filters: BTreeMap<&str, Vec<String>> = parsed
                .filters
                .iter()
                .filter_map(|(k, v)| {
                    let f = FACETS.iter().find(|f| **f == k.as_str())?;
                    Some((*f, vec![normalise_filter(f, v)]))
                })
                .collect();
            if let Some(f) = SearchIndex::filter_docs(&snap, &filters, None) {
                hits.and_with(&f);
            }
            let wand = idx.top_wand(&snap, &m.scored, &hits, 10).unwrap();
            let dfs: Vec<u64> = m
                .scored
                .iter()
                .map(|t| snap.doc_freq(t.field, &t.term).unwrap())
                .collect();
            assert!(!wand.is_empty(), "{q}");
            let docs = |r: &[Ranked]| r.iter().map(|x| x.doc).collect::<Vec<_>>();
            // Every term from arrays, every term from postings, and a mix.
            for dense_min_docs in [0, 3, u64::MAX] {
                let ex = idx
                    .top_exhaustive(&snap, &m.scored, &dfs, &hits, 10, dense_min_docs)
                    .unwrap();
                assert_eq!(docs(&ex), docs(&wand), "{q} {dense_min_docs}");
                for (x, y) in ex.iter().zip(&wand) {
                    assert!((x.score - y.score).abs() <= 1e-4 * x.score.abs(), "{q}");
                }
            }
        }
    }
}
