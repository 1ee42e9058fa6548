//! Corrections offered when the typed words are not the catalogue's: "did you mean" (the nearest
//! written word by edit distance, most common first) and, when a search found nothing, the most
//! common catalogue compound ending with a typed word ("coaching" → "jobcoaching").
//!
//! Both read the `completion` field, whose terms are `folded word` + U+0001 + `word as written`
//! (see `schema`), walking its dictionary with an automaton over the folded key. They take the
//! query text and the typed groups that may hold typos (see `AnalysedQuery::typo_groups`) and give
//! the rewritten text, or `None`.

use levenshtein_automata::{DFA, Distance, SINK_STATE};
use tantivy_fst::automaton::AlwaysMatch;

use crate::context::SearchContext;
use crate::error::SearchError;
use crate::query::Item;
use crate::query_words::QueryWords;
use crate::schema::SEP;

/// Matches completion terms whose folded key (the part before [`SEP`]) is within the automaton's
/// reach, whatever written form follows.
#[derive(Clone, Copy)]
struct KeyWithin<'a>(&'a DFA);

impl tantivy_fst::Automaton for KeyWithin<'_> {
    /// The automaton's state over the key; `None` once the key ended within reach.
    type State = Option<u32>;

    fn start(&self) -> Option<u32> {
        Some(self.0.initial_state())
    }

    fn is_match(&self, state: &Option<u32>) -> bool {
        state.is_none()
    }

    fn can_match(&self, state: &Option<u32>) -> bool {
        *state != Some(SINK_STATE)
    }

    fn accept(&self, state: &Option<u32>, byte: u8) -> Option<u32> {
        match *state {
            None => None,
            Some(s) if byte == SEP as u8 => match self.0.distance(s) {
                Distance::Exact(_) => None,
                Distance::AtLeast(_) => Some(SINK_STATE),
            },
            Some(s) => Some(self.0.transition(s, byte)),
        }
    }
}

/// Typo distance allowed for a word, as for typo-tolerant search: one edit from 5 letters, two
/// from 9; shorter words are taken as typed.
fn max_edits(len: usize) -> usize {
    match len {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// When a search found nothing: the query with each word the catalogue does not hold, of at
/// least `MIN_ENDING` letters, replaced by the most common catalogue word that ends with it
/// ("coaching" → "jobcoaching": a compound whose first part is too short to split off), or
/// `None` if no word reads so. The words of titles, teasers and questions are read in full,
/// which is why this waits until nothing else matched.
pub(crate) fn compound_ending<'g>(
    ctx: &SearchContext,
    words: &QueryWords,
    raw: &str,
    typed: impl Iterator<Item = &'g [Item]>,
) -> Result<Option<String>, SearchError> {
    const MIN_ENDING: usize = 6;
    // Each unknown word long enough, folded, with the best compound ending with it so far
    // (its documents and how it is written).
    type Best = Option<(u64, String)>;
    let mut wanted: Vec<(&str, String, Best)> = Vec::new();
    for item in typed.flatten() {
        let Item::Word(word) = item else { continue };
        let analysed = words.get(word);
        let folded = analysed.folded();
        if folded.chars().count() >= MIN_ENDING
            && folded.chars().all(char::is_alphabetic)
            && !ctx.knows(&analysed)?
        {
            wanted.push((word, folded.to_owned(), None));
        }
    }
    if wanted.is_empty() {
        return Ok(None);
    }
    // One pass over the dictionary for all of them.
    each_written_word(ctx, AlwaysMatch, |key, written, n| {
        for (_, folded, best) in &mut wanted {
            if key.len() > folded.len()
                && key.ends_with(folded.as_str())
                && best.as_ref().is_none_or(|(bn, _)| n > *bn)
            {
                *best = Some((n, written.to_owned()));
            }
        }
    })?;
    let mut query = raw.to_owned();
    let mut changed = false;
    for (word, _, best) in wanted {
        if let Some((_, written)) = best {
            query = query.replacen(word, &written, 1);
            changed = true;
        }
    }
    Ok(changed.then_some(query))
}

/// The query with each word the catalogue does not hold replaced by the nearest word it does
/// (the most common one at the smallest distance), or `None` when nothing needs correcting.
pub(crate) fn did_you_mean<'g>(
    ctx: &SearchContext,
    words: &QueryWords,
    raw: &str,
    typed: impl Iterator<Item = &'g [Item]>,
) -> Result<Option<String>, SearchError> {
    let mut corrected = raw.to_owned();
    let mut changed = false;
    for item in typed.flatten() {
        let Item::Word(word) = item else { continue };
        let analysed = words.get(word);
        let folded = analysed.folded();
        let len = folded.chars().count();
        let edits = max_edits(len);
        if edits == 0 || !folded.chars().all(char::is_alphabetic) || ctx.knows(&analysed)? {
            continue;
        }
        // The dictionary is walked with a Levenshtein automaton over the folded keys, so
        // only words within reach are read.
        let dfa = ctx.typo_dfa(folded, edits);
        let mut best: Option<(u8, String, u64)> = None;
        each_written_word(ctx, KeyWithin(&dfa), |key, written, n| {
            let Distance::Exact(d) = dfa.eval(key) else {
                return;
            };
            // Nearest first, then the most common; a word equal to the typed one is not
            // a correction (it is unknown as a stem, e.g. a stop word).
            let better = best
                .as_ref()
                .is_none_or(|(bd, _, bn)| d < *bd || (d == *bd && n > *bn));
            if d > 0 && better {
                best = Some((d, written.to_owned(), n));
            }
        })?;
        if let Some((_, written, _)) = best {
            corrected = corrected.replacen(word.as_str(), &written, 1);
            changed = true;
        }
    }
    Ok(changed.then_some(corrected))
}

/// Calls `each(folded key, word as written, documents)` for the completion words whose keys
/// `automaton` accepts, segment by segment.
fn each_written_word<A: tantivy_fst::Automaton<State: Clone> + Clone>(
    ctx: &SearchContext,
    automaton: A,
    mut each: impl FnMut(&str, &str, u64),
) -> Result<(), SearchError> {
    for seg in ctx.snap.searcher.segment_readers() {
        let inv = seg
            .inverted_index(ctx.fields.completion)
            .map_err(ctx.err())?;
        let mut stream = inv
            .terms()
            .search(automaton.clone())
            .into_stream()
            .map_err(tantivy::TantivyError::from)
            .map_err(ctx.err())?;
        while stream.advance() {
            let Ok(term) = std::str::from_utf8(stream.key()) else {
                continue;
            };
            if let Some((key, written)) = term.split_once(SEP) {
                each(key, written, u64::from(stream.value().doc_freq));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typo_distance_grows_with_length() {
        assert_eq!(max_edits(4), 0);
        assert_eq!(max_edits(5), 1);
        assert_eq!(max_edits(9), 2);
    }
}
