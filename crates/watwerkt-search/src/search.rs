//! One search, start to end: the stages in order, over one snapshot and one record of the
//! query's words.
//!
//! 1. A project number typed alone redirects, before any rewriting.
//! 2. `plan`: the text is parsed and read (synonym phrases, unknown compounds as their parts)
//!    into an [`AnalysedQuery`].
//! 3. `matching`: the query's documents and scored terms; `facets`: filters and concepts.
//! 4. `rank` (with `snippets` for the shown page) and `facets` (the counts) run side by side on
//!    a large index.
//! 5. When nothing matched: a correction (`plan::correct`, `plan::read_known_parts`) is searched
//!    from step 2 with the same snapshot and word record, and said in a notice.
//! 6. Products matching the words (`products`), on the first page of a text search.

use std::collections::BTreeMap;

use crate::bits::DocBits;
use crate::context::SearchContext;
use crate::error::SearchError;
use crate::facets::{concept_docs, facet_counts, filter_docs, normalise_filter};
use crate::matching::{TextMatch, match_text};
use crate::plan::{self, AnalysedQuery};
use crate::query::parse;
use crate::query_words::QueryWords;
use crate::rank::{Ranked, coverage_tiers, top_by_score, top_newest};
use crate::request::{SearchRequest, Sort};
use crate::response::{Hit, Notice, SearchResponse};
use crate::schema::FACETS;
use crate::snippets::{Marks, shown_hits};

/// Searches of an index this large rank and count facets on two threads (see `respond`).
const PARALLEL_MIN_DOCS: u32 = 1 << 18;

/// Searches: top hits with snippets, the total, and every facet's counts.
pub(crate) fn search(
    ctx: &SearchContext,
    req: &SearchRequest,
) -> Result<SearchResponse, SearchError> {
    let trimmed = req.query.trim();
    if trimmed.len() >= 6
        && trimmed.bytes().all(|b| b.is_ascii_digit())
        && ctx.number_exists(trimmed)?
    {
        return Ok(SearchResponse {
            total: 1,
            complete: 1,
            redirect: Some(trimmed.to_owned()),
            ..Default::default()
        });
    }
    let words = QueryWords::new(ctx.analyzer);
    respond(ctx, req, &req.query, &words)
}

/// How many projects have every word of `query` (no rewrites, ranking, snippets or facets).
pub(crate) fn count(
    ctx: &SearchContext,
    words: &QueryWords,
    query: &str,
) -> Result<u64, SearchError> {
    let mut notice = None;
    let matched = match_text(ctx, words, &parse(query), &mut notice)?;
    // Partial matches are not a count of the query.
    Ok(match (matched.partial, matched.docs) {
        (Some(p), _) => p.complete.count(),
        (None, None) => 0,
        (None, Some(docs)) => docs.count(),
    })
}

/// The search of `query` (the request's, or a correction of it) with the request's filters,
/// page and order.
fn respond(
    ctx: &SearchContext,
    req: &SearchRequest,
    query: &str,
    words: &QueryWords,
) -> Result<SearchResponse, SearchError> {
    let snap = &*ctx.snap;
    let trimmed = query.trim();
    let q = AnalysedQuery::new(ctx, words, trimmed, parse(query))?;
    let parsed = &q.searched;
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
        q.split.clone()
    } else {
        Some(Notice::UnknownFields {
            fields: parsed.unknown_fields.clone(),
        })
    };
    let TextMatch {
        docs: text,
        scored,
        groups,
        partial,
        words: query_words,
    } = match_text(ctx, words, parsed, &mut notice)?;
    let filtered = filter_docs(snap, &by_facet, None);
    // Projects carrying a label the query names in other words ("ouderen" for a project
    // on 45-plussers): found too, after the projects with every word.
    let concept = concept_docs(snap, &req.concepts, text.as_ref());
    // The hits in three parts, ranked one after the other: the projects with every word; those
    // carrying a concept the words name (they answer better than projects with some of the
    // words); the projects with some of the words, most telling words first (`coverage_tiers`).
    let keep = |mut bits: DocBits| {
        if let Some(f) = &filtered {
            bits.and_with(f);
        }
        bits
    };
    let text_all = text.clone().unwrap_or_else(|| snap.alive.clone());
    let complete = keep(match &partial {
        Some(p) => p.complete.clone(),
        None => text_all.clone(),
    });
    let mut by_concept = concept
        .as_ref()
        .map(|(c, _)| keep(c.clone()))
        .unwrap_or_else(|| DocBits::empty(snap.len));
    by_concept.and_not_with(&complete);
    let some_words = partial.is_some().then(|| {
        let mut some = keep(text_all);
        some.and_not_with(&complete);
        some.and_not_with(&by_concept);
        some
    });
    let tiers = match (&partial, &text) {
        (Some(p), Some(any)) => coverage_tiers(snap, &p.groups, &p.telling, any),
        _ => Vec::new(),
    };
    let matched = match (&text, &concept) {
        (Some(t), Some((c, _))) => {
            let mut m = t.clone();
            m.or_with(c);
            Some(m)
        }
        _ => text.clone(),
    };
    let mut hits = complete.clone();
    hits.or_with(&by_concept);
    if let Some(some) = &some_words {
        hits.or_with(some);
    }
    let total = hits.count();
    let limit = req.limit.clamp(1, 100);
    let wanted = limit.saturating_add(req.offset);
    let by_score = req.sort == Sort::Relevance && !scored.is_empty();
    // Ranking (with snippets) and facet counting need only the hits: in a large index they
    // run side by side on two cores; in a small one handing half to another thread costs more
    // than it saves.
    let rank = || -> Result<Vec<Hit>, SearchError> {
        let mut top: Vec<Ranked> = Vec::with_capacity(wanted);
        let mut add = |tier: &DocBits| -> Result<(), SearchError> {
            let n = tier.count();
            if n > 0 && top.len() < wanted {
                let k = (wanted - top.len()).min(n as usize);
                top.extend(if by_score {
                    top_by_score(ctx, &scored, tier, k)?
                } else {
                    top_newest(snap, tier, n, k)
                });
            }
            Ok(())
        };
        add(&complete)?;
        add(&by_concept)?;
        if let Some(some) = &some_words {
            for tier in &tiers {
                let mut tier = tier.clone();
                tier.and_with(some);
                add(&tier)?;
            }
        }
        let top: Vec<Ranked> = top.into_iter().skip(req.offset).take(limit).collect();
        let marks = Marks::new(
            scored
                .iter()
                .filter(|t| t.field == ctx.fields.body)
                .map(|t| t.term.clone())
                .collect(),
        );
        Ok(shown_hits(ctx, &marks, &top, req.passages)?
            .into_iter()
            .zip(&top)
            .map(|((mut hit, _), r)| {
                hit.matched = query_words
                    .iter()
                    .filter(|(_, docs)| docs.contains(r.doc))
                    .map(|(w, _)| w.clone())
                    .collect();
                hit.by_concept = by_concept.contains(r.doc);
                hit
            })
            .collect())
    };
    // Cached word counts describe the text matches alone, not the concepts added to them.
    let has_concepts = by_concept.count() > 0;
    let count_groups = if has_concepts { &[][..] } else { &groups[..] };
    let count = || facet_counts(snap, &by_facet, matched.as_ref(), &hits, count_groups);
    let (ranked, facets) = if snap.len >= PARALLEL_MIN_DOCS {
        rayon::join(rank, count)
    } else {
        (rank(), count())
    };
    let hit_list = ranked?;
    // Said even when near spellings found something: the user should know what was searched.
    let did_you_mean = plan::did_you_mean(ctx, words, q.text, q.typo_groups())?;
    // No project has every word as typed (partial matches may be listed): a reading that some
    // project has every word of answers better ("psygische problemen" is not a search for
    // "problemen"). A reading is taken when it finds projects with all its words, or anything
    // where the query as typed found nothing.
    let complete_n = complete.count();
    let better = |r: &SearchResponse| r.complete > 0 || (total == 0 && r.total > 0);
    // A near spelling, else a catalogue compound ending with the word.
    let corrected = match &did_you_mean {
        Some(c) => Some(c.clone()),
        None if complete_n == 0 => plan::compound_ending(ctx, words, q.text, q.typo_groups())?,
        None => None,
    };
    if complete_n == 0
        && let Some(corrected) = &corrected
    {
        // Search the corrected query once (it has no unknown words left).
        let mut r = respond(ctx, req, corrected, words)?;
        if better(&r) {
            r.notice = Some(Notice::Corrected {
                query: corrected.clone(),
            });
            r.did_you_mean = None;
            return Ok(r);
        }
    }
    if complete_n == 0
        && let Some((query, read)) = plan::read_known_parts(ctx, words, q.text, q.typo_groups())?
    {
        // Still none with every word: search the parts of unknown compounds the catalogue has,
        // once (the new query has no unknown compounds left).
        let mut r = respond(ctx, req, &query, words)?;
        if better(&r)
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
        ctx.products.search(parsed, words, 5).map_err(ctx.err())?
    } else {
        Vec::new()
    };
    Ok(SearchResponse {
        total,
        complete: complete_n,
        unmatched: query_words
            .iter()
            .filter(|(_, docs)| docs.and_count(&snap.alive) == 0)
            .map(|(w, _)| w.clone())
            .collect(),
        hits: hit_list,
        facets,
        notice,
        redirect: None,
        did_you_mean,
        products,
        concepts: match concept {
            Some((_, used)) if has_concepts => used,
            _ => Vec::new(),
        },
    })
}
