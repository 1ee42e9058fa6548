//! Facets of one search: filters as document sets, the concepts a caller found, and the facet
//! distribution (every facet's counts) over the hits.
//!
//! Takes the snapshot's facet tables (built when the reader loads, see `snapshot::facet_tables`,
//! which also explains how a count picks the cheaper of popcounts and a walk over documents) and
//! the search's hit sets; gives bitsets for filters and concepts, and per facet its values with
//! counts, sorted for display. Counts are disjunctive: a facet with a filter of its own is counted
//! without that filter, so its other values stay choosable. A common word's counts are kept in
//! the snapshot (see `snapshot`), and later searches with that word count from them.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::bits::DocBits;
use crate::response::FacetCount;
use crate::schema::FACETS;
use crate::snapshot::facet_tables::Known;
use crate::snapshot::{CACHED_TERM_SHARE, Snapshot};

/// Documents passing the filters of every facet but `skip`: values of one facet OR, facets
/// AND (`skip` gives disjunctive facets: a facet's counts ignore its own selection).
pub(crate) fn filter_docs(
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
pub(crate) fn concept_docs(
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
        let Some(mut docs) = filter_docs(snap, &one, None) else {
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

/// Every facet's counts over `hits`: facets without a filter of their own share one count
/// over the hits; a facet with a filter is counted over the text matches with the other
/// facets' filters only (disjunctive facets). `groups` are supersets of the text matches
/// (see `TextMatch`): a common word's counts are kept, and later counts start from them.
pub(crate) fn facet_counts(
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
        [(key, group)] if by_facet.is_empty() && known.is_empty() => (total * CACHED_TERM_SHARE
            >= u64::from(snap.len)
            && group.and_count(&snap.alive) == total)
            .then_some(key),
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
        if let Some(f) = filter_docs(snap, by_facet, Some(name)) {
            docs.and_with(&f);
        }
        let counts = snap.facets.count(&[name], &docs, &snap.alive, &known);
        let counts = counts.into_iter().next().unwrap_or_default();
        facets.insert((*name).to_owned(), sort_counts(name, counts));
    }
    facets
}

/// The facet value a typed word also stands for: a start year ("2018"), or a status
/// ("afgeronde", "lopend").
pub(crate) fn facet_value_of(word: &str) -> Option<(&'static str, String)> {
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

/// Years newest first; other facets by count, then name.
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
pub(crate) fn normalise_filter(facet: &str, value: &str) -> String {
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
