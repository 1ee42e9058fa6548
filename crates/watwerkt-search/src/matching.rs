//! Matching: which live documents the text of a query matches, worked out on bitsets apart from
//! ranking. Takes the searched query and plans each item (see `plan`); gives a [`TextMatch`]: the
//! matching documents, the weighted terms that score them (for `rank`), the per-group document
//! sets whose facet counts may be kept (for `facets`), and, when fewer than [`FILL_UP_BELOW`]
//! projects have every word, the groups the partial matches are tiered by (see
//! `rank::coverage_tiers`): recall first, so a question whose words are not all in one project
//! still lists the projects holding its telling words.
//!
//! A group (a word with its OR alternatives) matches the union of its items' documents; the query
//! matches the intersection of its groups minus the excluded items. Stop words neither restrict
//! nor score a query that has other words.

use crate::analysis::is_stopword;
use crate::bits::DocBits;
use crate::context::SearchContext;
use crate::error::SearchError;
use crate::plan::{ItemPlan, plan_item};
use crate::query::{Item, ParsedQuery};
use crate::query_words::QueryWords;
use crate::response::Notice;
use crate::snapshot::{Scored, Snapshot};

/// What the text of a query matches and how it scores.
pub(crate) struct TextMatch {
    pub(crate) docs: Option<DocBits>,
    pub(crate) scored: Vec<Scored>,
    /// The groups every match has (empty when any group was enough), each with a key naming
    /// what it matches: supersets of the hits whose facet counts may be known.
    pub(crate) groups: Vec<(String, DocBits)>,
    /// When few projects matched every group and more matched some: the groups, to tier the
    /// partial matches by how many they have (see `rank::coverage_tiers`), so the best partial
    /// matches are those that lack the fewest words.
    pub(crate) partial: Option<Partial>,
    /// Each word of the query that counts (as searched: a group's alternatives joined by
    /// " OR ") with its documents, so a hit can say which it has and the page which no project
    /// has.
    pub(crate) words: Vec<(String, DocBits)>,
}

/// The groups of a query that too few projects match all of, whether each is more than stop
/// words, and the projects that do have every group (none when it is a fallback).
pub(crate) struct Partial {
    pub(crate) groups: Vec<DocBits>,
    pub(crate) telling: Vec<bool>,
    pub(crate) complete: DocBits,
}

/// Fewer projects than this with every word of a query of several telling words: those with
/// most of its telling words follow them (recall first). A list of one or two projects where
/// five answer the question tells a klantmanager that little is known, the worst answer the
/// catalogue can give; above this, the pages are full of projects with every word, and a large
/// index keeps its speed (the union of the words' documents is not counted).
pub(crate) const FILL_UP_BELOW: u64 = 20;

/// The partial matches follow the complete ones only while they are at most this many: a rare
/// word beside a common one at a million projects would otherwise rank and count facets over a
/// hundred thousand projects that hold just the common word. With no complete match the partial
/// ones are listed whatever their number, as before recall first.
pub(crate) const FILL_UP_MAX: u64 = 10_000;

/// The documents an item matches (deleted ones included).
fn item_docs(ctx: &SearchContext, plan: &ItemPlan) -> Result<DocBits, SearchError> {
    let snap = &*ctx.snap;
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
        bits.or_with(&*snap.term_docs(*field, term).map_err(ctx.err())?);
    }
    for stems in &plan.phrases {
        bits.or_with(
            &*snap
                .phrase_docs(ctx.fields.body, stems)
                .map_err(ctx.err())?,
        );
    }
    Ok(bits)
}

/// Live documents with every group (`all_groups`) or any group, and no excluded item.
fn text_docs(
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

/// The live documents matching the text (`None` for no text) and the weighted terms that
/// score them. When few documents have all words, documents with any word (with a notice when
/// none has all).
pub(crate) fn match_text(
    ctx: &SearchContext,
    words: &QueryWords,
    parsed: &ParsedQuery,
    notice: &mut Option<Notice>,
) -> Result<TextMatch, SearchError> {
    let snap = &*ctx.snap;
    let mut groups = Vec::new();
    let mut keys = Vec::new();
    let mut labels = Vec::new();
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
            if let Some(plan) = plan_item(ctx, words, item)? {
                let docs = item_docs(ctx, &plan)?;
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
            labels.push(
                group
                    .iter()
                    .map(|item| match item {
                        Item::Word(w) | Item::Phrase(w) => w.as_str(),
                    })
                    .collect::<Vec<_>>()
                    .join(" OR "),
            );
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
            partial: None,
            words: Vec::new(),
        });
    }
    // Stop words do not restrict a search that has other words ("projecten over schulden"
    // needs "schulden", not "over"), nor score in it: a stop word rare in the catalogue
    // (English "to", once in "peer-to-peer") would weigh like a telling word.
    if telling.iter().any(|t| *t) && telling.iter().any(|t| !*t) {
        scored.retain(|s| !stop_items.contains(&s.item));
        let kept: Vec<((String, DocBits), String)> = keys
            .into_iter()
            .zip(groups)
            .zip(labels)
            .zip(&telling)
            .filter(|(_, t)| **t)
            .map(|(group, _)| group)
            .collect();
        let (kept, kept_labels): (Vec<(String, DocBits)>, Vec<String>) = kept.into_iter().unzip();
        (keys, groups) = kept.into_iter().unzip();
        labels = kept_labels;
        telling.retain(|t| *t);
    }
    let mut excluded = Vec::new();
    for item in &parsed.excluded {
        if let Some(plan) = plan_item(ctx, words, item)? {
            excluded.push(item_docs(ctx, &plan)?);
        }
    }
    let words = labels.into_iter().zip(groups.iter().cloned()).collect();
    let mut docs = text_docs(snap, &groups, &excluded, true);
    let mut supersets: Vec<(String, DocBits)> = keys.into_iter().zip(groups).collect();
    let mut partial = None;
    let complete = docs.count();
    if supersets.len() > 1 && complete < FILL_UP_BELOW {
        let groups: Vec<DocBits> = supersets.iter().map(|(_, g)| g.clone()).collect();
        let any = text_docs(snap, &groups, &excluded, false);
        let n = any.count();
        if n > complete && (complete == 0 || n <= FILL_UP_MAX) {
            if complete == 0 {
                *notice = Some(Notice::Fallback);
            }
            supersets.clear();
            partial = Some(Partial {
                groups,
                telling,
                complete: std::mem::replace(&mut docs, any),
            });
        }
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
        partial,
        words,
    })
}
