//! The full-text index (tantivy) of the store's projects, with the store generation it reflects.
//!
//! Ranking is BM25 with field weights: title 4, teaser and question 2, outcome 1.5, method 1,
//! products, organisations and municipalities 0.8 — the title names what a project is about, the
//! question and teaser say for whom, the method mostly how. Compound parts match in a separate
//! field at 0.3 and synonyms at 0.5 of their word, so a whole-word match outranks "werk" inside
//! "werkwijze"; typo-tolerant matches (one edit from 5 letters, two from 9) count 0.2. Ties go to
//! the newer project.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{
    Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{TextAnalyzer, Token as TToken, TokenStream, Tokenizer};
use tantivy::{
    DocAddress, Index, IndexReader, Order, ReloadPolicy, Searcher, TantivyDocument, Term,
};
use watwerkt_domain::{Project, ProjectNumber};

use crate::analysis::{Analyzer, TokenKind, WordCache};
use crate::facets::{self, DocIds, SegmentDocs};
use crate::products::{ProductHit, ProductIndex};
use crate::query::{Item, ParsedQuery, parse};
use crate::similar::Like;
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

/// Text fields and their BM25 weights (see the module docs for why).
const TEXT_FIELDS: &[(&str, f32)] = &[
    ("title", 4.0),
    ("teaser", 2.0),
    ("question", 2.0),
    ("outcome", 1.5),
    ("method", 1.0),
    ("products", 0.8),
    ("organisations", 0.8),
    ("municipalities", 0.8),
];
const PART_WEIGHT: f32 = 0.3;
const SYNONYM_WEIGHT: f32 = 0.5;
const FUZZY_WEIGHT: f32 = 0.2;
/// "More like this": sharing the theme counts about as much as one telling word in the question.
const THEME_WEIGHT: f32 = 2.0;
/// Fields whose snippets a hit shows, in this order.
const SNIPPET_FIELDS: &[&str] = &["title", "teaser", "question", "outcome", "method"];
/// The facets, by name.
pub const FACETS: &[&str] = &[
    "theme",
    "status",
    "municipality",
    "organisation",
    "year",
    "product_kind",
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
    /// (facet, value) pairs: theme, status, municipality, organisation, year, product_kind.
    pub filters: Vec<(String, String)>,
    pub limit: usize,
    pub offset: usize,
    pub sort: Sort,
}

#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub project_number: String,
    pub title: String,
    pub score: f32,
    /// Field → HTML with the matched words in `<mark>`; everything else escaped.
    pub snippets: BTreeMap<String, String>,
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
}

/// tantivy's view of the analyzer: whole words (and joined hyphenations) or compound parts.
#[derive(Clone)]
struct NlTokenizer {
    analyzer: Arc<Analyzer>,
    parts: bool,
    tokens: Vec<TToken>,
    cache: WordCache,
}

struct NlTokenStream<'a> {
    tokens: &'a [TToken],
    next: usize,
}

impl TokenStream for NlTokenStream<'_> {
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

impl Tokenizer for NlTokenizer {
    type TokenStream<'a> = NlTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> NlTokenStream<'a> {
        self.tokens.clear();
        for t in self.analyzer.analyze_cached(text, &mut self.cache) {
            if (t.kind == TokenKind::Part) == self.parts {
                self.tokens.push(TToken {
                    offset_from: t.start,
                    offset_to: t.end,
                    position: t.position as usize,
                    text: t.term,
                    position_length: 1,
                });
            }
        }
        NlTokenStream {
            tokens: &self.tokens,
            next: 0,
        }
    }
}

struct Fields {
    number: Field,
    text: Vec<(Field, f32)>,
    parts: Field,
    all: Field,
    completion: Field,
    facets: HashMap<&'static str, Field>,
    start_key: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let words = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("nl")
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let parts_opts = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("nl_parts")
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let all_opts = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("nl")
            .set_index_option(IndexRecordOption::Basic),
    );
    let number = b.add_text_field("number", STRING | STORED);
    let text = TEXT_FIELDS
        .iter()
        .map(|(name, w)| (b.add_text_field(name, words.clone()), *w))
        .collect();
    let parts = b.add_text_field("parts", parts_opts);
    let all = b.add_text_field("all", all_opts);
    let completion = b.add_text_field(
        "completion",
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("completion")
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
            text,
            parts,
            all,
            completion,
            facets,
            start_key,
        },
    )
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
}

fn err(dir: &Path) -> impl Fn(tantivy::TantivyError) -> SearchError + '_ {
    move |e| SearchError::Index {
        path: dir.display().to_string(),
        message: e.to_string(),
    }
}

/// Registers the tokenizers the schemas name: whole words ("nl"), compound parts ("nl_parts") and
/// suggestion words ("completion").
pub(crate) fn register_tokenizers(index: &Index, analyzer: &Arc<Analyzer>) {
    for (name, parts) in [("nl", false), ("nl_parts", true)] {
        index.tokenizers().register(
            name,
            TextAnalyzer::from(NlTokenizer {
                analyzer: analyzer.clone(),
                parts,
                tokens: Vec::new(),
                cache: WordCache::default(),
            }),
        );
    }
    index.tokenizers().register(
        "completion",
        TextAnalyzer::from(CompletionTokenizer::default()),
    );
}

/// The shared analyzer: the shipped lexicon plus the words of the bundled catalogue.
fn default_analyzer() -> Analyzer {
    let mut a = Analyzer::new(LEXICON.lines());
    for text in SEED_TEXTS {
        a.learn(text);
    }
    a
}

impl SearchIndex {
    /// Opens the index in `dir`, creating an empty one if there is none.
    #[tracing::instrument]
    pub fn open(dir: &Path) -> Result<SearchIndex, SearchError> {
        std::fs::create_dir_all(dir).map_err(|e| SearchError::Index {
            path: dir.display().to_string(),
            message: e.to_string(),
        })?;
        let (schema, fields) = schema();
        let mmap =
            tantivy::directory::MmapDirectory::open(dir).map_err(|e| SearchError::Index {
                path: dir.display().to_string(),
                message: e.to_string(),
            })?;
        let index = Index::open_or_create(mmap, schema).map_err(err(dir))?;
        let analyzer = Arc::new(default_analyzer());
        register_tokenizers(&index, &analyzer);
        let products =
            ProductIndex::open(&dir.join("products"), analyzer.clone()).map_err(err(dir))?;
        let reader = index
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
        Ok(SearchIndex {
            dir: dir.to_owned(),
            index,
            reader,
            fields,
            analyzer,
            synonyms,
            products,
            generation: RwLock::new(generation),
        })
    }

    /// The store generation this index reflects; `None` if it was never built.
    pub fn generation(&self) -> Option<u64> {
        *self.generation.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Replaces the whole index with `projects`.
    #[tracing::instrument(skip_all)]
    pub fn rebuild(
        &self,
        projects: &mut dyn Iterator<Item = Project>,
        generation: u64,
        progress: &dyn Fn(u64),
    ) -> Result<(), SearchError> {
        let mut writer: tantivy::IndexWriter =
            self.index.writer(60_000_000).map_err(err(&self.dir))?;
        let mut products = self.products.writer().map_err(err(&self.dir))?;
        self.set_generation(None)?;
        writer.delete_all_documents().map_err(err(&self.dir))?;
        products.delete_all_documents().map_err(err(&self.dir))?;
        let mut n = 0u64;
        for p in projects {
            writer
                .add_document(self.document(&p))
                .map_err(err(&self.dir))?;
            self.products.put(&products, &p).map_err(err(&self.dir))?;
            n += 1;
            if n.is_multiple_of(10_000) {
                progress(n);
            }
        }
        writer.commit().map_err(err(&self.dir))?;
        self.reader.reload().map_err(err(&self.dir))?;
        self.products
            .commit(&mut products)
            .map_err(err(&self.dir))?;
        self.set_generation(Some(generation))
    }

    /// Adds or replaces projects after the store committed them at `generation`.
    #[tracing::instrument(skip_all, fields(n = projects.len()))]
    pub fn upsert(&self, projects: &[Project], generation: u64) -> Result<(), SearchError> {
        let mut writer: tantivy::IndexWriter =
            self.index.writer(50_000_000).map_err(err(&self.dir))?;
        let mut products = self.products.writer().map_err(err(&self.dir))?;
        self.set_generation(None)?;
        for p in projects {
            writer.delete_term(Term::from_field_text(self.fields.number, p.number.as_str()));
            writer
                .add_document(self.document(p))
                .map_err(err(&self.dir))?;
            self.products.put(&products, p).map_err(err(&self.dir))?;
        }
        writer.commit().map_err(err(&self.dir))?;
        self.reader.reload().map_err(err(&self.dir))?;
        self.products
            .commit(&mut products)
            .map_err(err(&self.dir))?;
        self.set_generation(Some(generation))
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

    fn document(&self, p: &Project) -> TantivyDocument {
        let f = &self.fields;
        let mut doc = TantivyDocument::new();
        doc.add_text(f.number, p.number.as_str());
        let products: Vec<&str> = p.products.iter().map(|x| x.title.as_str()).collect();
        let orgs: Vec<&str> = p.organisations.iter().map(|o| o.name.as_str()).collect();
        let texts: [(usize, String); 8] = [
            (
                0,
                p.title.clone()
                    + p.full_title
                        .as_deref()
                        .map(|t| format!("\n{t}"))
                        .unwrap_or_default()
                        .as_str(),
            ),
            (1, p.teaser.clone().unwrap_or_default()),
            (2, p.question.clone()),
            (3, p.outcome.clone()),
            (4, p.method.clone()),
            (5, products.join("\n")),
            (6, orgs.join("\n")),
            (7, p.municipalities.join("\n")),
        ];
        for (i, text) in texts {
            if !text.is_empty() {
                doc.add_text(f.text[i].0, &text);
                doc.add_text(f.parts, &text);
                doc.add_text(f.all, &text);
                // Suggestions come from what people read first, not from method prose.
                if i <= 3 {
                    doc.add_text(f.completion, &text);
                }
            }
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
        let key = p.start.map_or(0, |d| {
            u64::from(d.get_year()) * 100 + u64::from(d.get_month().unwrap_or(0))
        });
        doc.add_u64(f.start_key, key);
        doc
    }

    /// The query for one item: whole words in every text field with its weight, compound parts,
    /// synonyms and near spellings at lower weights.
    fn item_query(&self, item: &Item) -> Option<Box<dyn Query>> {
        match item {
            Item::Phrase(text) => {
                let stems: Vec<String> = self
                    .analyzer
                    .analyze(text)
                    .into_iter()
                    .filter(|t| t.kind == TokenKind::Word)
                    .map(|t| t.term)
                    .collect();
                if stems.len() < 2 {
                    return stems.first().map(|s| self.term_query(s, true));
                }
                let per_field: Vec<(Occur, Box<dyn Query>)> = self
                    .fields
                    .text
                    .iter()
                    .map(|(field, w)| {
                        let terms: Vec<Term> = stems
                            .iter()
                            .map(|s| Term::from_field_text(*field, s))
                            .collect();
                        (
                            Occur::Should,
                            Box::new(BoostQuery::new(Box::new(PhraseQuery::new(terms)), *w))
                                as Box<dyn Query>,
                        )
                    })
                    .collect();
                Some(Box::new(BooleanQuery::new(per_field)))
            }
            Item::Word(word) => {
                let tokens = self.analyzer.analyze(word);
                let words: Vec<&str> = tokens
                    .iter()
                    .filter(|t| t.kind == TokenKind::Word)
                    .map(|t| t.term.as_str())
                    .collect();
                let joined = tokens
                    .iter()
                    .find(|t| t.kind == TokenKind::Joined)
                    .map(|t| t.term.as_str());
                match (words.as_slice(), joined) {
                    ([], _) => None,
                    ([one], _) => Some(self.term_query(one, true)),
                    // "re-integratie": the joined form, or the pieces as a phrase.
                    (_, Some(j)) => {
                        let phrase = self.item_query(&Item::Phrase(words.join(" ")));
                        let mut clauses = vec![(Occur::Should, self.term_query(j, true))];
                        clauses.extend(phrase.map(|q| (Occur::Should, q)));
                        Some(Box::new(BooleanQuery::new(clauses)))
                    }
                    (_, None) => None,
                }
            }
        }
    }

    fn term_query(&self, stem: &str, expand: bool) -> Box<dyn Query> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut add = |stem: &str, weight: f32| {
            for (field, w) in &self.fields.text {
                let q = TermQuery::new(
                    Term::from_field_text(*field, stem),
                    IndexRecordOption::WithFreqs,
                );
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(q), w * weight)),
                ));
            }
            let q = TermQuery::new(
                Term::from_field_text(self.fields.parts, stem),
                IndexRecordOption::WithFreqs,
            );
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(q), PART_WEIGHT * weight)),
            ));
        };
        add(stem, 1.0);
        if expand {
            for syn in self.synonyms.expand(stem) {
                add(syn, SYNONYM_WEIGHT);
            }
            let len = stem.chars().count();
            let distance = if len >= 9 {
                2
            } else if len >= 5 {
                1
            } else {
                0
            };
            if distance > 0 {
                let fuzzy = FuzzyTermQuery::new(
                    Term::from_field_text(self.fields.all, stem),
                    distance,
                    true,
                );
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(fuzzy), FUZZY_WEIGHT)),
                ));
            }
        }
        Box::new(BooleanQuery::new(clauses))
    }

    fn text_query(&self, parsed: &ParsedQuery, all_required: bool) -> Option<Box<dyn Query>> {
        let occur = if all_required {
            Occur::Must
        } else {
            Occur::Should
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for group in &parsed.groups {
            let alts: Vec<(Occur, Box<dyn Query>)> = group
                .iter()
                .filter_map(|i| self.item_query(i))
                .map(|q| (Occur::Should, q))
                .collect();
            if !alts.is_empty() {
                clauses.push((occur, Box::new(BooleanQuery::new(alts))));
            }
        }
        if clauses.is_empty() {
            return None;
        }
        for item in &parsed.excluded {
            if let Some(q) = self.item_query(item) {
                clauses.push((Occur::MustNot, q));
            }
        }
        Some(Box::new(BooleanQuery::new(clauses)))
    }

    /// Filters grouped by facet: values of one facet OR, facets AND; `skip` leaves one facet out
    /// (disjunctive faceting: a facet's counts ignore its own selection).
    fn filter_query(
        &self,
        filters: &BTreeMap<&str, Vec<String>>,
        skip: Option<&str>,
    ) -> Vec<(Occur, Box<dyn Query>)> {
        filters
            .iter()
            .filter(|(facet, _)| Some(**facet) != skip)
            .map(|(facet, values)| {
                let field = self.fields.facets[facet];
                let alts: Vec<(Occur, Box<dyn Query>)> = values
                    .iter()
                    .map(|v| {
                        (
                            Occur::Should,
                            Box::new(TermQuery::new(
                                Term::from_field_text(field, v),
                                IndexRecordOption::Basic,
                            )) as Box<dyn Query>,
                        )
                    })
                    .collect();
                (
                    Occur::Must,
                    Box::new(BooleanQuery::new(alts)) as Box<dyn Query>,
                )
            })
            .collect()
    }

    fn combine(text: Option<&dyn Query>, filters: Vec<(Occur, Box<dyn Query>)>) -> Box<dyn Query> {
        let mut clauses = filters;
        clauses.push((
            Occur::Must,
            text.map_or_else(|| Box::new(AllQuery) as Box<dyn Query>, |q| q.box_clone()),
        ));
        Box::new(BooleanQuery::new(clauses))
    }

    /// Searches: top hits with snippets, the total, and every facet's counts.
    #[tracing::instrument(skip(self), fields(query = %req.query))]
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResponse, SearchError> {
        let searcher = self.reader.searcher();
        let parsed = parse(&req.query);
        let trimmed = req.query.trim();
        if trimmed.len() >= 6
            && trimmed.bytes().all(|b| b.is_ascii_digit())
            && self.number_exists(&searcher, trimmed)?
        {
            return Ok(SearchResponse {
                total: 1,
                hits: Vec::new(),
                facets: BTreeMap::new(),
                notice: None,
                redirect: Some(trimmed.to_owned()),
                did_you_mean: None,
                products: Vec::new(),
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
        let mut notice = (!parsed.unknown_fields.is_empty()).then(|| Notice::UnknownFields {
            fields: parsed.unknown_fields.clone(),
        });
        let mut text = self.text_query(&parsed, true);
        let mut query = Self::combine(text.as_deref(), self.filter_query(&by_facet, None));
        // The matching doc ids give the total and the counts of every facet without a filter.
        let mut base = searcher.search(&query, &DocIds).map_err(err(&self.dir))?;
        let mut total = facets::total(&base);
        if total == 0 && parsed.groups.len() > 1 {
            text = self.text_query(&parsed, false);
            query = Self::combine(text.as_deref(), self.filter_query(&by_facet, None));
            base = searcher.search(&query, &DocIds).map_err(err(&self.dir))?;
            total = facets::total(&base);
            if total > 0 {
                notice = Some(Notice::Fallback);
            }
        }
        let limit = req.limit.clamp(1, 100);
        let sort_newest = req.sort == Sort::Newest || text.is_none();
        let top: Vec<(f32, DocAddress)> = if sort_newest {
            let docs: Vec<(Option<u64>, DocAddress)> = searcher
                .search(
                    &query,
                    &TopDocs::with_limit(limit)
                        .and_offset(req.offset)
                        .order_by_fast_field::<u64>("start_key", Order::Desc),
                )
                .map_err(err(&self.dir))?;
            docs.into_iter().map(|(_, d)| (0.0, d)).collect()
        } else {
            self.top_by_score(&searcher, &query, limit, req.offset)?
        };
        let hits = self.hits(&searcher, text.as_deref(), &top)?;
        // Disjunctive facets: a facet with a filter of its own is counted without that filter;
        // all other facets share the doc ids of the fully filtered query.
        let mut facets = BTreeMap::new();
        for facet in FACETS {
            let counts = if by_facet.contains_key(facet) {
                let q = Self::combine(text.as_deref(), self.filter_query(&by_facet, Some(facet)));
                let docs = searcher.search(&q, &DocIds).map_err(err(&self.dir))?;
                self.count_facet(&searcher, &docs, facet)?
            } else {
                self.count_facet(&searcher, &base, facet)?
            };
            facets.insert((*facet).to_owned(), counts);
        }
        // Said even when near spellings found something: the user should know what was searched.
        let did_you_mean = self.did_you_mean(&searcher, trimmed, &parsed)?;
        if total == 0
            && let Some(corrected) = &did_you_mean
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
        // Products are items of their own on the first page of a text search.
        let products = if req.offset == 0 && text.is_some() && by_facet.is_empty() {
            self.products.search(&parsed, 5).map_err(err(&self.dir))?
        } else {
            Vec::new()
        };
        Ok(SearchResponse {
            total,
            hits,
            facets,
            notice,
            redirect: None,
            did_you_mean,
            products,
        })
    }

    /// Top documents by score; equal scores go to the newer project.
    fn top_by_score(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<(f32, DocAddress)>, SearchError> {
        // Fetch a little more than needed so ties at the edge can be ordered by recency.
        let fetched: Vec<(f32, DocAddress)> = searcher
            .search(
                query,
                &TopDocs::with_limit(limit + offset + 10).order_by_score(),
            )
            .map_err(err(&self.dir))?;
        let mut keyed: Vec<(f32, u64, DocAddress)> = fetched
            .into_iter()
            .map(|(s, d)| {
                let key = searcher
                    .segment_reader(d.segment_ord)
                    .fast_fields()
                    .u64("start_key")
                    .ok()
                    .and_then(|c| c.first(d.doc_id))
                    .unwrap_or(0);
                (s, key, d)
            })
            .collect();
        keyed.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)));
        Ok(keyed
            .into_iter()
            .skip(offset)
            .take(limit)
            .map(|(s, _, d)| (s, d))
            .collect())
    }

    fn hits(
        &self,
        searcher: &Searcher,
        text: Option<&dyn Query>,
        top: &[(f32, DocAddress)],
    ) -> Result<Vec<Hit>, SearchError> {
        let mut generators = Vec::new();
        if let Some(q) = text {
            for name in SNIPPET_FIELDS {
                let field = self.field(name);
                let mut g = SnippetGenerator::create(searcher, q, field).map_err(err(&self.dir))?;
                g.set_max_num_chars(220);
                generators.push((*name, g));
            }
        }
        let mut hits = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let doc: TantivyDocument = searcher.doc(*addr).map_err(err(&self.dir))?;
            let get = |f: Field| {
                doc.get_first(f)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned()
            };
            let title = get(self.field("title"));
            let title = title.lines().next().unwrap_or_default().to_owned();
            let mut snippets = BTreeMap::new();
            for (name, g) in &generators {
                let mut s = g.snippet_from_doc(&doc);
                if !s.highlighted().is_empty() {
                    s.set_snippet_prefix_postfix("<mark>", "</mark>");
                    snippets.insert((*name).to_owned(), s.to_html());
                }
            }
            hits.push(Hit {
                project_number: get(self.fields.number),
                title,
                score: *score,
                snippets,
            });
        }
        Ok(hits)
    }

    fn field(&self, name: &str) -> Field {
        let i = TEXT_FIELDS
            .iter()
            .position(|(n, _)| *n == name)
            .expect("known text field");
        self.fields.text[i].0
    }

    fn count_facet(
        &self,
        searcher: &Searcher,
        docs: &SegmentDocs,
        facet: &str,
    ) -> Result<Vec<FacetCount>, SearchError> {
        let counts = facets::count(searcher, docs, facet).map_err(err(&self.dir))?;
        let mut out: Vec<FacetCount> = counts
            .into_iter()
            .map(|(value, count)| FacetCount { value, count })
            .collect();
        if facet == "year" {
            out.sort_by(|a, b| b.value.cmp(&a.value));
        } else {
            out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        }
        Ok(out)
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
        self.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the index holds this project (for consistency checks).
    pub fn contains(&self, number: &ProjectNumber) -> Result<bool, SearchError> {
        self.number_exists(&self.reader.searcher(), number.as_str())
    }
    // Hooks for the suggestion, similarity and vraagbaak modules.

    pub(crate) fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    pub(crate) fn analyzer(&self) -> &Analyzer {
        &self.analyzer
    }

    pub(crate) fn completion_field(&self) -> Field {
        self.fields.completion
    }

    pub(crate) fn facet_field(&self, facet: &str) -> Field {
        self.fields.facets[facet]
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
            .doc_freq(&Term::from_field_text(self.fields.all, stem))
            .map_err(err(&self.dir))
    }

    /// Whether a typed word occurs in the catalogue as a word or a compound part.
    pub(crate) fn knows(&self, searcher: &Searcher, word: &str) -> Result<bool, SearchError> {
        for t in self.analyzer.analyze(word) {
            if t.kind == TokenKind::Part {
                continue;
            }
            let parts = searcher
                .doc_freq(&Term::from_field_text(self.fields.parts, &t.term))
                .map_err(err(&self.dir))?;
            if parts > 0 || self.word_doc_freq(searcher, &t.term)? > 0 {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn stored_text(&self, doc: &TantivyDocument) -> String {
        SNIPPET_FIELDS
            .iter()
            .filter_map(|name| doc.get_first(self.field(name)).and_then(|v| v.as_str()))
            .collect::<Vec<_>>()
            .join("\n\n")
    }

    /// Projects scored by any of the weighted stems (as whole words, parts and synonyms, through
    /// the field weights), with the stems each one holds; `like` leaves one project out and
    /// prefers a theme.
    pub(crate) fn search_stems(
        &self,
        stems: &[(String, f32)],
        like: Like,
        limit: usize,
    ) -> Result<Vec<(Hit, Vec<String>)>, SearchError> {
        let searcher = self.reader.searcher();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = stems
            .iter()
            .map(|(stem, w)| {
                (
                    Occur::Should,
                    Box::new(BoostQuery::new(self.term_query(stem, false), *w)) as Box<dyn Query>,
                )
            })
            .collect();
        if let Some(theme) = like.theme {
            let q = TermQuery::new(
                Term::from_field_text(self.fields.facets["theme"], theme),
                IndexRecordOption::Basic,
            );
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(q), THEME_WEIGHT)),
            ));
        }
        if let Some(n) = like.exclude {
            clauses.push((
                Occur::MustNot,
                Box::new(TermQuery::new(
                    Term::from_field_text(self.fields.number, n),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        let query = BooleanQuery::new(clauses);
        let top = self.top_by_score(&searcher, &query, limit, 0)?;
        let hits = self.hits(&searcher, Some(&query), &top)?;
        let mut out = Vec::with_capacity(hits.len());
        for (hit, (_, addr)) in hits.into_iter().zip(&top) {
            let doc: TantivyDocument = searcher.doc(*addr).map_err(err(&self.dir))?;
            let held: std::collections::HashSet<String> = self
                .analyzer
                .analyze(&self.stored_text(&doc))
                .into_iter()
                .map(|t| t.term)
                .collect();
            let found = stems
                .iter()
                .filter(|(s, _)| held.contains(s))
                .map(|(s, _)| s.clone())
                .collect();
            out.push((hit, found));
        }
        Ok(out)
    }
}

/// Filter values are matched as stored: statuses and themes case-insensitively.
fn normalise_filter(facet: &str, value: &str) -> String {
    match facet {
        "status" => watwerkt_domain::Status::parse(value)
            .map_or_else(|_| value.to_owned(), |s| s.name().to_owned()),
        "theme" => watwerkt_domain::Theme::from_name(value)
            .map_or_else(|| value.to_owned(), |t| t.name().to_owned()),
        "product_kind" => value.to_lowercase(),
        _ => value.to_owned(),
    }
}
