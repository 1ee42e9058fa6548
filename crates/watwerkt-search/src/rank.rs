//! Ranking: the order of the hits. Takes the hit set, the weighted terms that score it (from
//! `matching`) and the snapshot; gives the best `k` documents as [`Ranked`] (score, start key,
//! document), best first, ties to the newer project.
//!
//! The score is BM25F, a flat sum of weighted term scores (the weights are the schema's field
//! weights and `plan`'s match weights). [`top_by_score`] picks one of two ways to find the top
//! `k`, which give the same documents: tantivy's block-max WAND for selective terms
//! ([`top_wand`]), or adding up per-item score arrays cached in the snapshot, read best block
//! first ([`top_exhaustive`]) for common words, where WAND finds few blocks to skip; at a million
//! projects that brought p50 from 1.7 to 0.7 ms (`docs/benchmarks.md`, session 6). Partial
//! matches are ranked tier by tier ([`coverage_tiers`]: most telling words first), and a sort by
//! date or a query without scored terms takes the newest ([`top_newest`]).
//!
//! Where to change what: how documents are ordered goes here; what a match weighs goes in `plan`
//! (match weights) or `schema` (field weights).

use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap, HashSet};

use tantivy::Term;
use tantivy::query::{BooleanQuery, BoostQuery, EnableScoring, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;

use crate::bits::DocBits;
use crate::context::SearchContext;
use crate::error::SearchError;
use crate::plan::COMMON_SHARE;
use crate::snapshot::{CACHED_TERM_SHARE, SCORE_BLOCK, Scored, Snapshot};

/// Ranking adds up per-document score arrays instead of running WAND when the scored terms'
/// postings add up to at least 1/`EXHAUSTIVE_SHARE` of the documents.
const EXHAUSTIVE_SHARE: u64 = 8;
/// Queries with more scored terms than this always rank by WAND (see `top_by_score`).
const EXHAUSTIVE_MAX_TERMS: usize = 24;

/// A top-k candidate: better is a higher score, then a newer start, then a lower doc number.
#[derive(Clone, Copy)]
pub(crate) struct Ranked {
    pub(crate) score: f32,
    pub(crate) key: u32,
    pub(crate) doc: u32,
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

/// The partial matches `any` by how many of the query's telling words they have, most
/// first, then those with only other words. A stop word ("hoe", "je", "naar") or a word in
/// more than 1/`COMMON_SHARE` of the projects ("werk") tells little: a project with
/// "statushouders" answers "hoe begeleid je statushouders naar werk" better than one with
/// every word but that one.
pub(crate) fn coverage_tiers(
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

/// The best `k` of `hits` by BM25F score, ties to the newer project. The score is a flat sum
/// of weighted term scores.
///
/// Selective terms go to tantivy's block-max WAND. Common words rank flat (thousands of
/// projects have "werk" in the title, and its weight is low), so WAND finds few blocks to
/// skip and decodes and scores nearly every posting; then a document's score is added up from
/// score arrays, one per query item (a word with its compound parts and synonyms, cached),
/// and the arrays' block maxima let the scan read the scores of few blocks.
pub(crate) fn top_by_score(
    ctx: &SearchContext,
    scored: &[Scored],
    hits: &DocBits,
    k: usize,
) -> Result<Vec<Ranked>, SearchError> {
    let snap = &*ctx.snap;
    let mut dfs = Vec::with_capacity(scored.len());
    for t in scored {
        dfs.push(snap.doc_freq(t.field, &t.term).map_err(ctx.err())?);
    }
    if scored.len() <= EXHAUSTIVE_MAX_TERMS
        && dfs.iter().sum::<u64>() * EXHAUSTIVE_SHARE >= u64::from(snap.len)
    {
        let dense_min_docs = u64::from(snap.len).div_ceil(CACHED_TERM_SHARE);
        top_exhaustive(ctx, scored, &dfs, hits, k, dense_min_docs)
    } else {
        top_wand(ctx, scored, hits, k)
    }
}

/// Exhaustive ranking; terms in at least `dense_min_docs` documents (`dfs`, per scored term)
/// are scored from arrays, one per query item.
fn top_exhaustive(
    ctx: &SearchContext,
    scored: &[Scored],
    dfs: &[u64],
    hits: &DocBits,
    k: usize,
    dense_min_docs: u64,
) -> Result<Vec<Ranked>, SearchError> {
    let snap = &*ctx.snap;
    let mut top = TopK::new(k);
    let mut by_item: BTreeMap<usize, Vec<&Scored>> = BTreeMap::new();
    let mut sparse: Vec<(u32, f32)> = Vec::new();
    for (t, &df) in scored.iter().zip(dfs) {
        if df >= dense_min_docs {
            by_item.entry(t.item).or_default().push(t);
        } else {
            snap.each_score(t.field, &t.term, &mut |d, s| sparse.push((d, t.weight * s)))
                .map_err(ctx.err())?;
        }
    }
    let mut dense = Vec::with_capacity(by_item.len());
    for terms in by_item.values() {
        dense.push(snap.item_scores(terms).map_err(ctx.err())?);
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
    Ok(fill(snap, hits, top, k))
}

fn top_wand(
    ctx: &SearchContext,
    scored: &[Scored],
    hits: &DocBits,
    k: usize,
) -> Result<Vec<Ranked>, SearchError> {
    let snap = &*ctx.snap;
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
        .map_err(ctx.err())?;
    for (r, &base) in snap.searcher.segment_readers().iter().zip(&snap.bases) {
        full.for_each_pruning(top.threshold(), r, &mut |doc, score| {
            top.offer(snap, hits, base + doc, score)
        })
        .map_err(ctx.err())?;
    }
    Ok(fill(snap, hits, top, k))
}

/// Hits without a scored term (a synonym inside a compound) come last, newest first.
fn fill(snap: &Snapshot, hits: &DocBits, mut top: TopK, k: usize) -> Vec<Ranked> {
    if top.heap.len() < k {
        for r in top_newest(snap, hits, hits.count(), k) {
            top.offer(snap, hits, r.doc, 0.0);
        }
    }
    top.heap.into_sorted_vec()
}

/// The newest `k` of `hits`: from the precomputed order when hits are common, else by
/// sorting the hits.
pub(crate) fn top_newest(snap: &Snapshot, hits: &DocBits, total: u64, k: usize) -> Vec<Ranked> {
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

#[cfg(test)]
#[path = "../tests/common/mod.rs"]
mod test_common;

#[cfg(test)]
mod tests {
    use super::*;

    use super::test_common as common;
    use crate::SearchIndex;
    use crate::facets::{filter_docs, normalise_filter};
    use crate::matching::match_text;
    use crate::query::parse;
    use crate::query_words::QueryWords;
    use crate::schema::FACETS;
    use watwerkt_domain::ProjectNumber;

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
        let ctx = idx.context();
        let snap = &*ctx.snap;
        let words = QueryWords::new(ctx.analyzer);
        assert!(snap.len as usize > 40 * SCORE_BLOCK);
        for q in [
            "werk",
            "schulden jongeren",
            "statushouders werk",
            "armoede OR bijstand",
        ] {
            let m = match_text(&ctx, &words, &parse(q), &mut None).unwrap();
            let hits = m.docs.unwrap();
            let dfs: Vec<u64> = m
                .scored
                .iter()
                .map(|t| snap.doc_freq(t.field, &t.term).unwrap())
                .collect();
            for k in [1, 10, 100] {
                let wand = top_wand(&ctx, &m.scored, &hits, k).unwrap();
                let ex = top_exhaustive(&ctx, &m.scored, &dfs, &hits, k, 0).unwrap();
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
        let ctx = idx.context();
        let snap = &*ctx.snap;
        let words = QueryWords::new(ctx.analyzer);
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
            let m = match_text(&ctx, &words, &parsed, &mut None).unwrap();
            let mut hits = m.docs.unwrap();
            let filters: BTreeMap<&str, Vec<String>> = parsed
                .filters
                .iter()
                .filter_map(|(k, v)| {
                    let f = FACETS.iter().find(|f| **f == k.as_str())?;
                    Some((*f, vec![normalise_filter(f, v)]))
                })
                .collect();
            if let Some(f) = filter_docs(snap, &filters, None) {
                hits.and_with(&f);
            }
            let wand = top_wand(&ctx, &m.scored, &hits, 10).unwrap();
            let dfs: Vec<u64> = m
                .scored
                .iter()
                .map(|t| snap.doc_freq(t.field, &t.term).unwrap())
                .collect();
            assert!(!wand.is_empty(), "{q}");
            let docs = |r: &[Ranked]| r.iter().map(|x| x.doc).collect::<Vec<_>>();
            // Every term from arrays, every term from postings, and a mix.
            for dense_min_docs in [0, 3, u64::MAX] {
                let ex = top_exhaustive(&ctx, &m.scored, &dfs, &hits, 10, dense_min_docs).unwrap();
                assert_eq!(docs(&ex), docs(&wand), "{q} {dense_min_docs}");
                for (x, y) in ex.iter().zip(&wand) {
                    assert!((x.score - y.score).abs() <= 1e-4 * x.score.abs(), "{q}");
                }
            }
        }
    }
}
