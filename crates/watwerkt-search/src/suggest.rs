//! Search-box help as the user types: completions of the last word (with how many projects the
//! query would then find), municipalities and organisations whose name has a word starting so,
//! and the titles of the best-matching projects. Takes the typed input and the context; gives
//! [`Suggestion`]s. It sits above `search`, which it calls for the counts and the titles.
//!
//! Completions read the `completion` field, whose terms are `folded word` + U+0001 + `word as
//! written` (lower-cased; see `schema`): the dictionary is sorted by the folded form, so "clie"
//! finds "cliënten" by a range scan, and the part after U+0001 is what the user sees. ("Did you
//! mean" reads the same field, in `plan::correct`.)

use std::collections::HashMap;

use serde::Serialize;
use tantivy::Searcher;
use tantivy::schema::Field;

use crate::analysis::fold;
use crate::context::SearchContext;
use crate::error::SearchError;
use crate::query_words::QueryWords;
use crate::request::SearchRequest;
use crate::schema::SEP;
use crate::search;

/// Upper bound on dictionary terms read per lookup, so a one-letter-like prefix stays cheap.
const MAX_SCAN: usize = 50_000;

/// What a suggestion stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SuggestionKind {
    /// A query: the typed words with the last one completed.
    Term,
    Municipality,
    Organisation,
    /// A project whose title matches; `project_number` says which.
    Project,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    pub kind: SuggestionKind,
    pub text: String,
    /// Projects it finds (0 for a project suggestion).
    pub count: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project_number: Option<String>,
}

/// Written forms of the dictionary words whose folded form starts with `prefix`, with the number
/// of projects holding each, most frequent first.
fn completions(
    searcher: &Searcher,
    field: Field,
    prefix: &str,
) -> Result<Vec<(String, String, u64)>, tantivy::TantivyError> {
    let mut hi = prefix.as_bytes().to_vec();
    hi.push(0xff);
    let mut by_form: HashMap<(String, String), u64> = HashMap::new();
    let mut scanned = 0;
    for seg in searcher.segment_readers() {
        let inv = seg.inverted_index(field)?;
        let mut stream = inv
            .terms()
            .range()
            .ge(prefix.as_bytes())
            .lt(&hi)
            .into_stream()?;
        while stream.advance() && scanned < MAX_SCAN {
            scanned += 1;
            let Ok(term) = std::str::from_utf8(stream.key()) else {
                continue;
            };
            let Some((folded, written)) = term.split_once(SEP) else {
                continue;
            };
            *by_form
                .entry((folded.to_owned(), written.to_owned()))
                .or_default() += u64::from(stream.value().doc_freq);
        }
    }
    let mut out: Vec<(String, String, u64)> =
        by_form.into_iter().map(|((f, w), n)| (f, w, n)).collect();
    out.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.1.cmp(&b.1)));
    Ok(out)
}

/// Suggestions for a search box as the user types: completions of the last word (after the
/// words before it), municipalities and organisations whose name has a word starting so, and
/// the titles of the best-matching projects.
pub(crate) fn suggest(
    ctx: &SearchContext,
    input: &str,
    limit: usize,
) -> Result<Vec<Suggestion>, SearchError> {
    let input: String = input.chars().take(200).collect();
    let typed: Vec<&str> = input.split_whitespace().collect();
    let Some((last, before)) = typed.split_last() else {
        return Ok(Vec::new());
    };
    let prefix = fold(last.trim_matches(|c: char| !c.is_alphanumeric()));
    if prefix.chars().count() < 2 || input.ends_with(char::is_whitespace) {
        return Ok(Vec::new());
    }
    let limit = limit.clamp(1, 20);
    let searcher = &ctx.snap.searcher;
    // The completions' counts share one record of their words.
    let counted = QueryWords::new(ctx.analyzer);
    let lead = before.join(" ");
    let with_lead = |w: &str| {
        if lead.is_empty() {
            w.to_owned()
        } else {
            format!("{lead} {w}")
        }
    };
    let mut out = Vec::new();
    let words = completions(searcher, ctx.fields.completion, &prefix).map_err(ctx.err())?;
    for (_, written, _) in words.iter().take(limit.div_ceil(2)) {
        let text = with_lead(written);
        // The count shown is what the query would find, not how often the word occurs.
        let total = search::count(ctx, &counted, &text)?;
        if total > 0 {
            out.push(Suggestion {
                kind: SuggestionKind::Term,
                text,
                count: total,
                project_number: None,
            });
        }
    }
    if lead.is_empty() {
        for (facet, kind) in [
            ("municipality", SuggestionKind::Municipality),
            ("organisation", SuggestionKind::Organisation),
        ] {
            let mut names = facet_values_with_word_prefix(ctx, facet, &prefix)?;
            names.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            out.extend(names.into_iter().take(3).map(|(text, count)| Suggestion {
                kind,
                text,
                count,
                project_number: None,
            }));
        }
    }
    if let Some((_, best, _)) = words.first() {
        let r = search::search(
            ctx,
            &SearchRequest {
                query: with_lead(best),
                limit: 3,
                ..SearchRequest::default()
            },
        )?;
        out.extend(r.hits.into_iter().map(|h| Suggestion {
            kind: SuggestionKind::Project,
            text: h.title,
            count: 0,
            project_number: Some(h.project_number),
        }));
    }
    out.truncate(limit);
    Ok(out)
}

/// Values of a string facet (as written) with a word starting with the folded `prefix`, and
/// the number of projects holding each.
fn facet_values_with_word_prefix(
    ctx: &SearchContext,
    facet: &str,
    prefix: &str,
) -> Result<Vec<(String, u64)>, SearchError> {
    let field = ctx.fields.facets[facet];
    let mut found: HashMap<String, u64> = HashMap::new();
    for seg in ctx.snap.searcher.segment_readers() {
        let inv = seg.inverted_index(field).map_err(ctx.err())?;
        let mut stream = inv
            .terms()
            .stream()
            .map_err(tantivy::TantivyError::from)
            .map_err(ctx.err())?;
        while stream.advance() {
            let Ok(value) = std::str::from_utf8(stream.key()) else {
                continue;
            };
            let folded = fold(value);
            let hit = folded.starts_with(prefix)
                || folded
                    .split(|c: char| !c.is_alphanumeric())
                    .any(|w| w.starts_with(prefix));
            if hit {
                *found.entry(value.to_owned()).or_default() += u64::from(stream.value().doc_freq);
            }
        }
    }
    Ok(found.into_iter().collect())
}
