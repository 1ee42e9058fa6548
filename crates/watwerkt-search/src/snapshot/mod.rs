//! The loaded index: one tantivy searcher and what the engine keeps beside it until the next
//! reload — global document numbers, live documents, start keys and the newest-first order, the
//! facet tables (`facet_tables`), and caches that later searches of the same snapshot reuse.
//!
//! Takes a committed tantivy searcher; gives every stage above it term lookups by global document
//! number: a term's documents as a bitset, a phrase's documents, a term's scores, and an item's
//! scores over all documents. Nothing here knows about queries.
//!
//! The caches, and why (figures from `docs/benchmarks.md`, 1M projects on two cores):
//! - **term bitsets** of terms in at least 1/64 of the documents (and of common phrases): building
//!   one from postings costs about as much as the rest of a search;
//! - **item score arrays** ([`DenseScores`]) for exhaustive ranking, with block maxima: one array
//!   per query item instead of one per term brought p50 from 1.7 to 0.7 ms (a word with four
//!   synonyms read five 4 MB arrays, 1–3 ms);
//! - **known facet counts** of common words' documents: a single-word search's facet counts drop
//!   from 2–2.5 ms of popcounts to about 0.05 ms.
//!
//! They fill as words are searched, once per snapshot: in the warm-up pass p50 is 5.4 ms and p99
//! 48 ms, against 0.87 / 4.27 ms warm. Each is bounded in bytes and cleared when full.

pub(crate) mod facet_tables;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tantivy::query::{EnableScoring, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocSet, Searcher, TERMINATED, Term};

use crate::bits::DocBits;
use crate::schema::FACETS;
use facet_tables::{FacetTables, Known};

/// Terms in at least 1/64 of the documents keep their bitset between searches (up to
/// `TERM_CACHE_BYTES`): building it from postings costs about as much as the rest of a search.
pub(crate) const CACHED_TERM_SHARE: u64 = 64;
const TERM_CACHE_BYTES: usize = 96 << 20;
/// Memory for query items' per-document scores (4 MB an item at a million projects).
const SCORE_CACHE_BYTES: usize = 384 << 20;
/// Memory for the facet counts of common words' documents (about 130 KB a word at a million
/// projects), counted once and kept as supersets to count later hit sets from.
const KNOWN_CACHE_BYTES: usize = 64 << 20;

/// What one loaded searcher knows beyond tantivy: documents numbered globally (segments end to
/// end), live documents, facet tables, start keys, and cached term bitsets.
pub(crate) struct Snapshot {
    pub(crate) searcher: Searcher,
    /// First global document number of each segment.
    pub(crate) bases: Vec<u32>,
    pub(crate) len: u32,
    pub(crate) alive: DocBits,
    pub(crate) facets: FacetTables,
    /// Start key (yyyymm) per global document.
    pub(crate) keys: Vec<u32>,
    /// Live documents, newest first.
    pub(crate) newest: Vec<u32>,
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
pub(crate) const SCORE_BLOCK: usize = 64;

/// A query item's score in every document, and the best of each block of `SCORE_BLOCK`
/// documents: the ranking bounds a block from its items' maxima and reads the scores of few
/// blocks.
pub(crate) struct DenseScores {
    pub(crate) scores: Vec<f32>,
    pub(crate) block_max: Vec<f32>,
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
pub(crate) struct Scored {
    pub(crate) field: Field,
    pub(crate) term: String,
    pub(crate) weight: f32,
    pub(crate) item: usize,
}

impl Snapshot {
    pub(crate) fn load(searcher: Searcher, start_key: Field) -> tantivy::Result<Snapshot> {
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

    pub(crate) fn address(&self, global: u32) -> DocAddress {
        let seg = self.bases.partition_point(|&b| b <= global) - 1;
        DocAddress::new(seg as u32, global - self.bases[seg])
    }

    pub(crate) fn doc_freq(&self, field: Field, term: &str) -> tantivy::Result<u64> {
        let term = Term::from_field_text(field, term);
        let mut n = 0;
        for r in self.searcher.segment_readers() {
            n += u64::from(r.inverted_index(field)?.doc_freq(&term)?);
        }
        Ok(n)
    }

    /// The documents containing `term` in `field` (deleted ones included; callers AND `alive`).
    pub(crate) fn term_docs(&self, field: Field, term: &str) -> tantivy::Result<Arc<DocBits>> {
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

    pub(crate) fn known(&self, key: &str) -> Option<Arc<Known>> {
        let cache = self.known_cache.lock().unwrap_or_else(|e| e.into_inner());
        cache.map.get(key).cloned()
    }

    pub(crate) fn keep_known(&self, key: &str, known: Arc<Known>) {
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
    pub(crate) fn each_score(
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
    pub(crate) fn item_scores(&self, terms: &[&Scored]) -> tantivy::Result<Arc<DenseScores>> {
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
    pub(crate) fn phrase_docs(
        &self,
        field: Field,
        stems: &[String],
    ) -> tantivy::Result<Arc<DocBits>> {
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
