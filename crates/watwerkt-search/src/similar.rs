//! "More like this" and the vraagbaak (matchmaker): projects similar to a project, or to a case
//! description a professional pastes in, with the words that connected them.
//!
//! A text is reduced to its most telling stems — weighted by how often the text uses them and how
//! rare they are in the catalogue (tf·idf) — and the catalogue is searched for any of them, each
//! with its weight, through the same field weights as a normal search. Takes a text (a project's,
//! or a pasted case) and the context; gives [`Match`]es. Each found project's stored text is
//! read once and analysed once (its words through the snippets' word cache).

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use tantivy::schema::Value;
use watwerkt_domain::Project;

use crate::analysis::{TokenKind, is_stopword};
use crate::bits::DocBits;
use crate::context::SearchContext;
use crate::error::SearchError;
use crate::plan::{PART_WEIGHT, SYNONYM_WEIGHT};
use crate::rank::top_by_score;
use crate::response::Hit;
use crate::snapshot::Scored;
use crate::snippets::{Marks, shown_hits};

/// Stems a text is reduced to; enough to catch its subject, few enough to keep the query cheap.
const KEY_TERMS: usize = 25;
/// Longest text the vraagbaak reads (a few thousand words of Dutch).
pub const MAX_VRAAGBAAK_CHARS: usize = 50_000;

/// "More like this": sharing the theme counts about as much as one telling word.
const THEME_WEIGHT: f32 = 2.0;

/// A similar project and the words (as the source text writes them) that connected it.
#[derive(Debug, Clone, Serialize)]
pub struct Match {
    #[serde(flatten)]
    pub hit: Hit,
    pub terms: Vec<String>,
}

/// What a "more like this" search leaves out and prefers besides the words.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Like<'a> {
    /// A project not to return (the one the others are like).
    pub exclude: Option<&'a str>,
    /// A theme whose projects count a little extra.
    pub theme: Option<&'a str>,
    /// Target groups (label ids) whose projects count extra: a case about a 58-year-old on
    /// social assistance should meet projects for older people before youth projects.
    pub target_groups: &'a [&'a str],
}

/// A telling stem of a text: its weight and the form the text first wrote it in.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct KeyTerm {
    pub stem: String,
    pub weight: f32,
    pub written: String,
}

/// Projects most like `project` (itself left out): sharing its telling words, and within
/// its theme where the words leave a choice.
pub(crate) fn similar(
    ctx: &SearchContext,
    project: &Project,
    limit: usize,
) -> Result<Vec<Match>, SearchError> {
    let text = [
        project.title.as_str(),
        project.full_title.as_deref().unwrap_or_default(),
        project.teaser.as_deref().unwrap_or_default(),
        project.question.as_str(),
        project.outcome.as_str(),
        project.method.as_str(),
    ]
    .join("\n\n");
    let like = Like {
        exclude: Some(project.number.as_str()),
        theme: Some(project.theme.name()),
        target_groups: &[],
    };
    matching(ctx, &text, like, limit)
}

/// The vraagbaak: projects most like a pasted question or case description, with the target
/// groups the case names (label ids, found by the caller's lexicon): projects for them count as
/// much as a telling word more.
pub(crate) fn vraagbaak(
    ctx: &SearchContext,
    text: &str,
    limit: usize,
    target_groups: &[&str],
) -> Result<Vec<Match>, SearchError> {
    let text: String = text.chars().take(MAX_VRAAGBAAK_CHARS).collect();
    let like = Like {
        target_groups,
        ..Like::default()
    };
    matching(ctx, &text, like, limit)
}

fn matching(
    ctx: &SearchContext,
    text: &str,
    like: Like,
    limit: usize,
) -> Result<Vec<Match>, SearchError> {
    let keys = key_terms(ctx, text, if like.exclude.is_some() { 2 } else { 1 })?;
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let weighted: Vec<(String, f32)> = keys.iter().map(|k| (k.stem.clone(), k.weight)).collect();
    let written: HashMap<&str, &str> = keys
        .iter()
        .map(|k| (k.stem.as_str(), k.written.as_str()))
        .collect();
    let found = search_stems(ctx, &weighted, like, limit.clamp(1, 50))?;
    Ok(found
        .into_iter()
        .map(|(hit, stems)| {
            // In the order of their weight: the strongest connection first.
            let mut terms: Vec<String> = keys
                .iter()
                .filter(|k| stems.contains(&k.stem))
                .filter_map(|k| written.get(k.stem.as_str()).map(|w| (*w).to_owned()))
                .collect();
            terms.dedup();
            Match { hit, terms }
        })
        .collect())
}

/// The text's most telling stems by tf·idf over the catalogue; stop words, and stems the
/// catalogue lacks or that most projects share ("gemeente" in a catalogue of municipal
/// projects), drop out.
/// `min_df` drops words fewer projects hold (2 when the text is a project's own: its unique
/// words find only itself).
pub(crate) fn key_terms(
    ctx: &SearchContext,
    text: &str,
    min_df: u64,
) -> Result<Vec<KeyTerm>, SearchError> {
    let mut tf: HashMap<String, (u32, String)> = HashMap::new();
    for t in ctx.analyzer.analyze(text) {
        let written = &text[t.start..t.end];
        if t.kind == TokenKind::Part
            || t.term.chars().count() < 3
            || t.term.chars().all(|c| c.is_ascii_digit())
            || is_stopword(written)
        {
            continue;
        }
        let entry = tf
            .entry(t.term)
            .or_insert_with(|| (0, written.to_lowercase()));
        entry.0 += 1;
    }
    let n = ctx.snap.searcher.num_docs() as f32;
    let mut keys = Vec::new();
    for (stem, (count, written)) in tf {
        let df = ctx.word_doc_freq(&stem)? as f32;
        if df < min_df as f32 || df > n * 0.5 {
            continue;
        }
        let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
        let tf = 1.0 + (count as f32).ln();
        keys.push((
            tf * idf,
            KeyTerm {
                stem,
                weight: tf,
                written,
            },
        ));
    }
    // Chosen by tf·idf, searched with their text frequency only: BM25 weighs rarity itself,
    // and counting it twice lets one rare word decide.
    keys.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.stem.cmp(&b.1.stem)));
    keys.truncate(KEY_TERMS);
    let max = keys.iter().map(|k| k.1.weight).fold(0.0, f32::max);
    Ok(keys
        .into_iter()
        .map(|(_, mut k)| {
            k.weight /= max;
            k
        })
        .collect())
}

/// Projects scored by any of the weighted stems (as whole words, compound parts and
/// synonyms, through the field weights), with the stems each one holds (itself or a synonym);
/// `like` leaves one project out and prefers a theme.
fn search_stems(
    ctx: &SearchContext,
    stems: &[(String, f32)],
    like: Like,
    limit: usize,
) -> Result<Vec<(Hit, Vec<String>)>, SearchError> {
    let snap = &*ctx.snap;
    let f = ctx.fields;
    let mut hits = DocBits::empty(snap.len);
    let mut scored = Vec::new();
    for (item, (stem, w)) in stems.iter().enumerate() {
        // Synonyms connect too: a case about "statushouders" meets projects on
        // "vergunninghouders".
        let alternatives = std::iter::once((stem.as_str(), *w)).chain(
            ctx.synonyms
                .expand(stem)
                .map(|syn| (syn, SYNONYM_WEIGHT * w)),
        );
        for (term, w) in alternatives {
            for (field, weight) in [(f.body, w), (f.parts, PART_WEIGHT * w)] {
                hits.or_with(&*snap.term_docs(field, term).map_err(ctx.err())?);
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
    let top = top_by_score(ctx, &scored, &hits, limit + 1)?;
    let marks = Marks::new(
        scored
            .iter()
            .filter(|t| t.field == f.body)
            .map(|t| t.term.clone())
            .collect(),
    );
    // Each hit's document is read once, for its snippets and for the stems it holds; its words
    // are analysed once, the snippets' analyses kept in the shared word cache.
    let found = shown_hits(ctx, &marks, &top, None)?;
    let mut out = Vec::with_capacity(found.len());
    let mut cache = ctx.snippet_words.lock().unwrap_or_else(|e| e.into_inner());
    for (hit, doc) in found {
        if Some(hit.project_number.as_str()) == like.exclude || out.len() == limit {
            continue;
        }
        let text: Vec<&str> = f
            .stored
            .iter()
            .filter_map(|(_, field)| doc.get_first(*field).and_then(|v| v.as_str()))
            .collect();
        let held: HashSet<String> = ctx
            .analyzer
            .analyze_cached(&text.join("\n\n"), &mut cache)
            .into_iter()
            .map(|t| t.term)
            .collect();
        let shared = stems
            .iter()
            .filter(|(s, _)| {
                held.contains(s) || ctx.synonyms.expand(s).any(|syn| held.contains(syn))
            })
            .map(|(s, _)| s.clone())
            .collect();
        out.push((hit, shared));
    }
    Ok(out)
}
