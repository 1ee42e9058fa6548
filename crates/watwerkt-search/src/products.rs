//! Products (reports, factsheets, handbooks, films, …) as search items of their own, each linked
//! to its project, so "factsheet schulden" finds the factsheet rather than only its project.
//!
//! They live in a small tantivy index of their own beside the project index (`products/`), written
//! in the same rebuild or upsert and covered by the same generation file. A product is found by its
//! title and its kind, and by its project's title and teaser at a lower weight: a product called
//! just "Factsheet" is about what its project is about.
//!
//! A leaf of the engine: it uses the analysis, the parsed query and the search's word analyses
//! (so a word is not analysed again here), nothing of the project index.

use std::path::Path;
use std::sync::Arc;

use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::{TextAnalyzer, Token as TToken, Tokenizer};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};
use watwerkt_domain::Project;

use crate::analysis::{Analyzer, TokenKind, WordCache};
use crate::query::{Item, ParsedQuery};
use crate::query_words::QueryWords;
use crate::schema::TokenList;

const TOKENIZER: &str = "watwerkt_words";

/// The analyzer's words and joined hyphenations (compound parts are left to the project index).
/// Each indexing thread has its own clone, with its own cache of analysed words.
#[derive(Clone)]
struct WordsTokenizer {
    analyzer: Arc<Analyzer>,
    cache: WordCache,
    tokens: Vec<TToken>,
}

impl Tokenizer for WordsTokenizer {
    type TokenStream<'a> = TokenList<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> TokenList<'a> {
        self.tokens.clear();
        let tokens = &mut self.tokens;
        self.analyzer
            .analyze_each(text, &mut self.cache, |term, kind, position, start, end| {
                if kind != TokenKind::Part {
                    tokens.push(TToken {
                        offset_from: start,
                        offset_to: end,
                        position: position as usize,
                        text: term.to_owned(),
                        position_length: 1,
                    });
                }
            });
        TokenList::new(&self.tokens)
    }
}

/// Weights: the product's own title and kind name it; its project's text only says what about.
const TITLE_WEIGHT: f32 = 3.0;
const KIND_WEIGHT: f32 = 2.0;
const CONTEXT_WEIGHT: f32 = 0.5;

/// A product found by a search.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProductHit {
    pub title: String,
    /// The product kind's Dutch label ("factsheet", "rapport", …).
    pub kind: String,
    pub project_number: String,
    pub project_title: String,
    pub score: f32,
}

pub(crate) struct ProductIndex {
    index: Index,
    reader: IndexReader,
    project: Field,
    title: Field,
    kind: Field,
    project_title: Field,
    context: Field,
}

impl ProductIndex {
    pub(crate) fn open(dir: &Path, analyzer: Arc<Analyzer>) -> tantivy::Result<ProductIndex> {
        std::fs::create_dir_all(dir)?;
        let mut b = Schema::builder();
        let text = |stored: bool| {
            let o = TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(TOKENIZER)
                    .set_index_option(IndexRecordOption::WithFreqs),
            );
            if stored { o.set_stored() } else { o }
        };
        let project = b.add_text_field("project", STRING | STORED);
        let title = b.add_text_field("title", text(true));
        let kind = b.add_text_field("kind", text(true));
        let project_title = b.add_text_field("project_title", text(true));
        let context = b.add_text_field("context", text(false));
        let mmap = tantivy::directory::MmapDirectory::open(dir)?;
        let index = Index::open_or_create(mmap, b.build())?;
        index.tokenizers().register(
            TOKENIZER,
            TextAnalyzer::from(WordsTokenizer {
                analyzer,
                cache: WordCache::default(),
                tokens: Vec::new(),
            }),
        );
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(ProductIndex {
            index,
            reader,
            project,
            title,
            kind,
            project_title,
            context,
        })
    }

    /// A writer for a few changes, or (`rebuild`) for writing every product anew: one thread
    /// with room for a million projects' products, and no merging while it writes.
    pub(crate) fn writer(&self, rebuild: bool) -> tantivy::Result<IndexWriter> {
        if !rebuild {
            return self.index.writer(15_000_000);
        }
        let writer = self.index.writer_with_num_threads(1, 200_000_000)?;
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        Ok(writer)
    }

    /// Writes the products of `p` (none if it has none), replacing those it had unless the index
    /// was emptied (`replace` false: a rebuild, where a delete per project only costs time).
    pub(crate) fn put(
        &self,
        writer: &IndexWriter,
        p: &Project,
        replace: bool,
    ) -> tantivy::Result<()> {
        if replace {
            writer.delete_term(Term::from_field_text(self.project, p.number.as_str()));
        }
        if p.products.is_empty() {
            return Ok(());
        }
        let context = p.teaser.as_deref().unwrap_or_default();
        for product in &p.products {
            let mut doc = TantivyDocument::new();
            doc.add_text(self.project, p.number.as_str());
            doc.add_text(self.title, &product.title);
            doc.add_text(self.kind, product.kind.label());
            doc.add_text(self.project_title, &p.title);
            doc.add_text(self.context, context);
            writer.add_document(doc)?;
        }
        Ok(())
    }

    pub(crate) fn commit(&self, writer: &mut IndexWriter) -> tantivy::Result<()> {
        writer.commit()?;
        self.reader.reload()
    }

    /// Products matching every word group of the query (in title, kind or project context), when a
    /// word of the query names a kind of product.
    pub(crate) fn search(
        &self,
        parsed: &ParsedQuery,
        words: &QueryWords,
        limit: usize,
    ) -> tantivy::Result<Vec<ProductHit>> {
        let searcher = self.reader.searcher();
        // Product items answer a query that asks for a kind of product ("factsheet schulden",
        // "handboek jongeren"): the kind word narrows the match to few products, so this stays
        // cheap at a million projects, where ranking every product that holds "werk" would not.
        let asks_for_products = parsed.groups.iter().flatten().any(|item| {
            let (Item::Word(text) | Item::Phrase(text)) = item;
            words.get(text).tokens().iter().any(|t| {
                searcher
                    .doc_freq(&Term::from_field_text(self.kind, &t.term))
                    .is_ok_and(|n| n > 0)
            })
        });
        if !asks_for_products {
            return Ok(Vec::new());
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for group in &parsed.groups {
            let alts: Vec<(Occur, Box<dyn Query>)> = group
                .iter()
                .flat_map(|item| self.item_clauses(words, item))
                .collect();
            if alts.is_empty() {
                continue;
            }
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(alts))));
        }
        if clauses.is_empty() {
            return Ok(Vec::new());
        }
        for item in &parsed.excluded {
            for (_, q) in self.item_clauses(words, item) {
                clauses.push((Occur::MustNot, q));
            }
        }
        let query = BooleanQuery::new(clauses);
        let top = searcher.search(&query, &TopDocs::with_limit(limit).order_by_score())?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let get = |f: Field| {
                doc.get_first(f)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned()
            };
            hits.push(ProductHit {
                title: get(self.title),
                kind: get(self.kind),
                project_number: get(self.project),
                project_title: get(self.project_title),
                score,
            });
        }
        Ok(hits)
    }

    /// The stems of a word or phrase, each as a weighted match in every product field.
    fn item_clauses(&self, words: &QueryWords, item: &Item) -> Vec<(Occur, Box<dyn Query>)> {
        let text = match item {
            Item::Word(w) | Item::Phrase(w) => w,
        };
        let stems: Vec<String> = words
            .get(text)
            .tokens()
            .iter()
            .filter(|t| t.kind != TokenKind::Part)
            .map(|t| t.term.clone())
            .collect();
        if stems.is_empty() {
            return Vec::new();
        }
        // Every stem of the item must match somewhere (a phrase's words, a hyphenated word's
        // pieces); the joined form of "re-integratie" is one of the stems and may stand in.
        let per_stem: Vec<(Occur, Box<dyn Query>)> = stems
            .iter()
            .map(|stem| {
                let fields: Vec<(Occur, Box<dyn Query>)> = [
                    (self.title, TITLE_WEIGHT),
                    (self.kind, KIND_WEIGHT),
                    (self.project_title, CONTEXT_WEIGHT),
                    (self.context, CONTEXT_WEIGHT),
                ]
                .into_iter()
                .map(|(field, w)| {
                    let q = TermQuery::new(
                        Term::from_field_text(field, stem),
                        IndexRecordOption::WithFreqs,
                    );
                    (
                        Occur::Should,
                        Box::new(BoostQuery::new(Box::new(q), w)) as Box<dyn Query>,
                    )
                })
                .collect();
                (
                    Occur::Should,
                    Box::new(BooleanQuery::new(fields)) as Box<dyn Query>,
                )
            })
            .collect();
        vec![(Occur::Should, Box::new(BooleanQuery::new(per_stem)))]
    }
}
