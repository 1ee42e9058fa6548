//! Search-box help: prefix suggestions (words, municipalities, organisations, project titles) and
//! "did you mean" for words the catalogue does not have.
//!
//! Both read the `completion` field, whose terms are `folded word` + U+0001 + `word as written`
//! (lower-cased): the dictionary is sorted by the folded form, so "clie" finds "cliënten" by a range
//! scan, and the part after U+0001 is what the user sees.

use std::collections::{HashMap, HashSet};

use levenshtein_automata::{DFA, Distance, SINK_STATE};
use serde::Serialize;
use tantivy::Searcher;
use tantivy::schema::Field;
use tantivy::tokenizer::{Token as TToken, TokenStream, Tokenizer};
use tantivy_fst::automaton::AlwaysMatch;

use crate::analysis::{fold, fold_char, words};
use crate::index::{SearchError, SearchIndex, SearchRequest};
use crate::query::{Item, ParsedQuery};

/// Separates the folded key from the written form inside a completion term.
const SEP: char = '\u{1}';
/// Words shorter than this are neither suggested nor corrected.
const MIN_WORD: usize = 3;
/// Upper bound on dictionary terms read per lookup, so a one-letter-like prefix stays cheap.
const MAX_SCAN: usize = 50_000;

/// Indexes every word as `folded` + U+0001 + `lower-cased as written`.
#[derive(Clone, Default)]
pub(crate) struct CompletionTokenizer {
    tokens: Vec<TToken>,
}

/// A token stream over tokens made beforehand (by our own analysis, not tantivy's filters).
pub(crate) struct TokenList<'a> {
    tokens: &'a [TToken],
    next: usize,
}

impl<'a> TokenList<'a> {
    pub(crate) fn new(tokens: &'a [TToken]) -> Self {
        TokenList { tokens, next: 0 }
    }
}

impl TokenStream for TokenList<'_> {
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

impl Tokenizer for CompletionTokenizer {
    type TokenStream<'a> = TokenList<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> TokenList<'a> {
        // Tokens are reused from text to text, their strings with them: no allocation per word.
        // The field records documents only, so a word repeated in the text is given once (a
        // fifth of an index build went to this field, much of it to repeated words).
        let mut n = 0;
        let mut seen: HashSet<&str, foldhash::fast::RandomState> = HashSet::default();
        for (position, (start, end, word)) in words(text).enumerate() {
            if word.chars().count() < MIN_WORD
                || !word.chars().any(char::is_alphabetic)
                || !seen.insert(word)
            {
                continue;
            }
            if n == self.tokens.len() {
                self.tokens.push(TToken::default());
            }
            let t = &mut self.tokens[n];
            t.text.clear();
            if word.is_ascii() {
                t.text.push_str(word);
                t.text.push(SEP);
                t.text.push_str(word);
                t.text.make_ascii_lowercase();
            } else {
                t.text.extend(word.chars().flat_map(fold_char));
                t.text.push(SEP);
                t.text.extend(word.chars().flat_map(char::to_lowercase));
            }
            (t.offset_from, t.offset_to, t.position) = (start, end, position);
            t.position_length = 1;
            n += 1;
        }
        TokenList::new(&self.tokens[..n])
    }
}

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

/// Typo distance allowed for a word, as for typo-tolerant search: one edit from 5 letters, two
/// from 9; shorter words are taken as typed.
fn max_edits(len: usize) -> usize {
    match len {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

impl SearchIndex {
    /// Suggestions for a search box as the user types: completions of the last word (after the
    /// words before it), municipalities and organisations whose name has a word starting so, and
    /// the titles of the best-matching projects.
    #[tracing::instrument(skip(self))]
    pub fn suggest(&self, input: &str, limit: usize) -> Result<Vec<Suggestion>, SearchError> {
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
        let searcher = self.searcher();
        let lead = before.join(" ");
        let with_lead = |w: &str| {
            if lead.is_empty() {
                w.to_owned()
            } else {
                format!("{lead} {w}")
            }
        };
        let mut out = Vec::new();
        let words =
            completions(&searcher, self.completion_field(), &prefix).map_err(self.tantivy_err())?;
        for (_, written, _) in words.iter().take(limit.div_ceil(2)) {
            let text = with_lead(written);
            // The count shown is what the query would find, not how often the word occurs.
            let total = self.count(&text)?;
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
                let mut names = self.facet_values_with_word_prefix(&searcher, facet, &prefix)?;
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
            let r = self.search(&SearchRequest {
                query: with_lead(best),
                limit: 3,
                ..SearchRequest::default()
            })?;
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
        &self,
        searcher: &Searcher,
        facet: &str,
        prefix: &str,
    ) -> Result<Vec<(String, u64)>, SearchError> {
        let field = self.facet_field(facet);
        let mut found: HashMap<String, u64> = HashMap::new();
        for seg in searcher.segment_readers() {
            let inv = seg.inverted_index(field).map_err(self.tantivy_err())?;
            let mut stream = inv
                .terms()
                .stream()
                .map_err(tantivy::TantivyError::from)
                .map_err(self.tantivy_err())?;
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
                    *found.entry(value.to_owned()).or_default() +=
                        u64::from(stream.value().doc_freq);
                }
            }
        }
        Ok(found.into_iter().collect())
    }

    /// When a search found nothing: the query with each word the catalogue does not hold, of at
    /// least `MIN_ENDING` letters, replaced by the most common catalogue word that ends with it
    /// ("coaching" → "jobcoaching": a compound whose first part is too short to split off), or
    /// `None` if no word reads so. The words of titles, teasers and questions are read in full,
    /// which is why this waits until nothing else matched.
    pub(crate) fn compound_ending(
        &self,
        searcher: &Searcher,
        raw: &str,
        parsed: &ParsedQuery,
    ) -> Result<Option<String>, SearchError> {
        const MIN_ENDING: usize = 6;
        // Each unknown word long enough, folded, with the best compound ending with it so far
        // (its documents and how it is written).
        type Best = Option<(u64, String)>;
        let mut wanted: Vec<(&str, String, Best)> = Vec::new();
        for item in parsed.groups.iter().flatten() {
            let Item::Word(word) = item else { continue };
            let folded = fold(word);
            if folded.chars().count() >= MIN_ENDING
                && folded.chars().all(char::is_alphabetic)
                && !self.knows(searcher, word)?
            {
                wanted.push((word, folded, None));
            }
        }
        if wanted.is_empty() {
            return Ok(None);
        }
        // One pass over the dictionary for all of them.
        self.each_written_word(searcher, AlwaysMatch, |key, written, n| {
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
    pub(crate) fn did_you_mean(
        &self,
        searcher: &Searcher,
        raw: &str,
        parsed: &ParsedQuery,
    ) -> Result<Option<String>, SearchError> {
        let mut corrected = raw.to_owned();
        let mut changed = false;
        for item in parsed.groups.iter().flatten() {
            let Item::Word(word) = item else { continue };
            let folded = fold(word);
            let len = folded.chars().count();
            let edits = max_edits(len);
            if edits == 0
                || !folded.chars().all(char::is_alphabetic)
                || self.knows(searcher, word)?
            {
                continue;
            }
            // The dictionary is walked with a Levenshtein automaton over the folded keys, so
            // only words within reach are read.
            let dfa = self.typo_dfa(&folded, edits);
            let mut best: Option<(u8, String, u64)> = None;
            self.each_written_word(searcher, KeyWithin(&dfa), |key, written, n| {
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
        &self,
        searcher: &Searcher,
        automaton: A,
        mut each: impl FnMut(&str, &str, u64),
    ) -> Result<(), SearchError> {
        for seg in searcher.segment_readers() {
            let inv = seg
                .inverted_index(self.completion_field())
                .map_err(self.tantivy_err())?;
            let mut stream = inv
                .terms()
                .search(automaton.clone())
                .into_stream()
                .map_err(tantivy::TantivyError::from)
                .map_err(self.tantivy_err())?;
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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<String> {
        let mut t = CompletionTokenizer::default();
        let mut s = t.token_stream(text);
        let mut out = Vec::new();
        while s.advance() {
            out.push(s.token().text.clone());
        }
        out
    }

    #[test]
    fn completion_terms_key_by_folded_form_and_keep_the_written_one() {
        assert_eq!(
            terms("Cliënten en de re-integratie"),
            [
                format!("clienten{SEP}cliënten"),
                format!("re-integratie{SEP}re-integratie")
            ]
        );
    }

    #[test]
    fn typo_distance_grows_with_length() {
        assert_eq!(max_edits(4), 0);
        assert_eq!(max_edits(5), 1);
        assert_eq!(max_edits(9), 2);
    }
}
