//! Snippets of the shown hits: the stored text of a field, cut to the passage with the most
//! matched words, every matched word in `<mark>` and everything else HTML-escaped. Takes the
//! ranked top (after ranking: only the shown hits are read) and the searched terms ([`Marks`]);
//! gives the [`Hit`]s.
//!
//! A word is marked when one of its terms (its stem, its joined form, its compound parts) is a
//! term the query searched for. Only the shown hits get snippets. The searched terms are first
//! looked for in the folded text as a whole, and only the words they occur in are analysed: on a
//! search page without the page cache, testing every word of twenty hits was most of the cost.

use std::collections::{BTreeMap, HashMap, HashSet};

use aho_corasick::{AhoCorasick, AhoCorasickKind};
use tantivy::TantivyDocument;
use tantivy::schema::{Field, Value};

use crate::analysis::{Analyzer, WordCache, fold, fold_char, word_at, words};
use crate::context::SearchContext;
use crate::error::SearchError;
use crate::rank::Ranked;
use crate::response::Hit;
use crate::schema::{PASSAGE_FALLBACK, PASSAGE_FIELDS, SNIPPET_FIELDS};

/// The terms a search looked for, with one automaton that finds any of them in a text in one
/// pass (snippets look in five fields of twenty hits: a search per term was a tenth of a page).
pub(crate) struct Marks {
    terms: HashSet<String>,
    finder: Option<AhoCorasick>,
}

impl Marks {
    pub(crate) fn new(terms: HashSet<String>) -> Self {
        // A contiguous NFA builds in microseconds; the default DFA took longer to build than a
        // small index takes to search.
        // Leftmost matching lets the search skip ahead with a SIMD prefilter; any one
        // occurrence per word is enough (see `occurrences`).
        let finder = AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .match_kind(aho_corasick::MatchKind::LeftmostFirst)
            .build(terms.iter().filter(|t| !t.is_empty()))
            .ok();
        Marks { terms, finder }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Whether a searched term occurs in `folded`.
    fn in_text(&self, folded: &str) -> bool {
        self.finder.as_ref().is_some_and(|f| f.is_match(folded))
    }
}

/// The shown hits: each ranked document's number, title and snippets (see
/// [`SearchRequest::passages`](crate::SearchRequest::passages) for `passages`), with the stored
/// document, read once, for callers that look at more of it.
pub(crate) fn shown_hits(
    ctx: &SearchContext,
    marks: &Marks,
    top: &[Ranked],
    passages: Option<usize>,
) -> Result<Vec<(Hit, TantivyDocument)>, SearchError> {
    let snap = &*ctx.snap;
    let mut hits = Vec::with_capacity(top.len());
    let mut seen = Seen::new();
    let mut cache = ctx.snippet_words.lock().unwrap_or_else(|e| e.into_inner());
    for r in top {
        let doc: TantivyDocument = snap.searcher.doc(snap.address(r.doc)).map_err(ctx.err())?;
        let get = |f: Field| {
            doc.get_first(f)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
        };
        let mut snippets = BTreeMap::new();
        let stored = |name: &str| {
            ctx.fields
                .stored
                .iter()
                .find(|(n, _)| *n == name)
                .map_or("", |(_, f)| get(*f))
        };
        let title = stored("title")
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned();
        // Whether `name` has a snippet (kept in `snippets`).
        let mut mark =
            |name: &str| match snippet(ctx.analyzer, &mut cache, marks, &mut seen, stored(name)) {
                Some(s) => {
                    snippets.insert(name.to_owned(), s);
                    true
                }
                None => false,
            };
        match passages {
            _ if marks.is_empty() => {}
            None => SNIPPET_FIELDS.iter().for_each(|name| {
                mark(name);
            }),
            Some(0) => {}
            Some(n) => {
                let found = PASSAGE_FIELDS
                    .iter()
                    .filter(|name| mark(name))
                    .take(n)
                    .count();
                if found == 0 {
                    mark(PASSAGE_FALLBACK);
                }
            }
        }
        let hit = Hit {
            project_number: get(ctx.fields.number).to_owned(),
            title,
            score: r.score,
            snippets,
            matched: Vec::new(),
            by_concept: false,
        };
        hits.push((hit, doc));
    }
    Ok(hits)
}

/// Longest snippet, in bytes of the original text.
const MAX_BYTES: usize = 220;

/// Whether each written word seen so far matched: the shown hits share much of their wording.
pub(crate) type Seen = HashMap<String, bool>;

/// The snippet of `text`, or `None` when no word in it matches.
pub(crate) fn snippet(
    analyzer: &Analyzer,
    cache: &mut WordCache,
    marks: &Marks,
    seen: &mut Seen,
    text: &str,
) -> Option<String> {
    let found = occurrences(marks, text);
    if found.is_empty() {
        return None;
    }
    // Only the words holding an occurrence are looked at, not every word of the text.
    let mut marked: Vec<(usize, usize)> = Vec::new();
    for (start, end) in found {
        let w = &text[start..end];
        let m = match seen.get(w) {
            Some(m) => *m,
            None => {
                let m = matches(analyzer, cache, marks, w);
                seen.insert(w.to_owned(), m);
                m
            }
        };
        if m {
            marked.push((start, end));
        }
    }
    if marked.is_empty() {
        return None;
    }
    let (from, to) = if text.len() <= MAX_BYTES {
        (0, text.len())
    } else {
        window(text, &marked)
    };
    let mut html = String::with_capacity(to - from + 64);
    let mut at = from;
    for &(s, e) in marked.iter().filter(|(s, e)| *s >= from && *e <= to) {
        escape_into(&mut html, &text[at..s]);
        html.push_str("<mark>");
        escape_into(&mut html, &text[s..e]);
        html.push_str("</mark>");
        at = e;
    }
    escape_into(&mut html, &text[at..to]);
    Some(html.trim().to_owned())
}

/// The words of `text` (byte ranges, ascending, each once) in which a searched term occurs in
/// the folded text, with hyphens and apostrophes left out as `matches` leaves them out of a word.
/// Every word that `matches` can accept is among them.
fn occurrences(marks: &Marks, text: &str) -> Vec<(usize, usize)> {
    let Some(finder) = &marks.finder else {
        return Vec::new();
    };
    let mut folded = String::with_capacity(text.len());
    // The original offset of every byte of `folded`.
    let mut origin: Vec<u32> = Vec::with_capacity(text.len());
    if text.is_ascii() {
        // Most fields: folding is lower-casing, byte for byte.
        for (i, b) in text.bytes().enumerate() {
            if !matches!(b, b'-' | b'\'') {
                folded.push(char::from(b.to_ascii_lowercase()));
                origin.push(i as u32);
            }
        }
    } else {
        for (i, c) in text.char_indices() {
            if matches!(c, '-' | '\'' | '’') {
                continue;
            }
            if c.is_ascii() {
                folded.push(c.to_ascii_lowercase());
                origin.push(i as u32);
                continue;
            }
            for f in fold_char(c) {
                folded.push(f);
                origin.resize(folded.len(), i as u32);
            }
        }
    }
    // One occurrence per word is enough: after one, the search goes on after its word (a match
    // may run past a word's end only where a dropped hyphen or apostrophe joined two words).
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(m) = finder.find(aho_corasick::Input::new(&folded).range(from..)) {
        let at = origin[m.start()] as usize;
        let next = if text[at..].starts_with(char::is_alphanumeric) {
            let word = word_at(text, at);
            out.push(word);
            word.1
        } else {
            at + 1
        };
        from = origin
            .partition_point(|&o| (o as usize) < next)
            .max(m.start() + 1);
    }
    out
}

/// Whether a written word matches: a cheap substring test first, then the full analysis.
fn matches(analyzer: &Analyzer, cache: &mut WordCache, marks: &Marks, word: &str) -> bool {
    let folded: String = fold(word)
        .chars()
        .filter(|c| !matches!(c, '-' | '\'' | '’'))
        .collect();
    marks.in_text(&folded)
        && analyzer
            .analyze_cached(word, cache)
            .iter()
            .any(|t| marks.terms.contains(&t.term))
}

/// The byte range of at most `MAX_BYTES` holding the most marked words, starting at one of them
/// (the earliest on ties) and ending at a word boundary.
fn window(text: &str, marked: &[(usize, usize)]) -> (usize, usize) {
    let mut best = (0usize, 0usize);
    for (i, &(s, _)) in marked.iter().enumerate() {
        let n = marked[i..]
            .iter()
            .take_while(|(_, e)| *e <= s + MAX_BYTES)
            .count();
        if n > best.1 {
            best = (s, n);
        }
    }
    // Start a little before the first match when that is the start of its sentence or text.
    let start = best.0;
    let lead = text[..start]
        .rfind(['.', '\n', '?', '!'])
        .map_or(0, |p| p + 1);
    let start = if start - lead <= MAX_BYTES / 4 {
        lead
    } else {
        start
    };
    let mut end = start;
    for (_, e, _) in words(&text[start..]) {
        if e > MAX_BYTES {
            break;
        }
        end = start + e;
    }
    (start, end.max(best.0))
}

fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_stems_and_compound_parts_and_escapes_the_rest() {
        let a = Analyzer::new(["schuld", "hulp", "verlening", "hulpverlening"]);
        let marks = Marks::new([a.stem("schulden")].into_iter().collect());
        let s = snippet(
            &a,
            &mut WordCache::default(),
            &marks,
            &mut Seen::new(),
            "Schulden & <b>schuldhulpverlening</b> rest",
        )
        .unwrap();
        assert_eq!(
            s,
            "<mark>Schulden</mark> &amp; &lt;b&gt;<mark>schuldhulpverlening</mark>&lt;/b&gt; rest"
        );
        assert_eq!(
            snippet(
                &a,
                &mut WordCache::default(),
                &marks,
                &mut Seen::new(),
                "niets hier"
            ),
            None
        );
    }

    #[test]
    fn folded_and_hyphenated_words_are_found_in_the_whole_text() {
        let a = Analyzer::new(["integratie"]);
        let marks = Marks::new(
            [a.stem("clienten"), a.stem("reintegratie")]
                .into_iter()
                .collect(),
        );
        let s = snippet(
            &a,
            &mut WordCache::default(),
            &marks,
            &mut Seen::new(),
            "Ëën CLIËNTEN van de re-integratie, niet integreren.",
        )
        .unwrap();
        assert_eq!(
            s,
            "Ëën <mark>CLIËNTEN</mark> van de <mark>re-integratie</mark>, niet integreren."
        );
    }

    #[test]
    fn plain_ascii_text_is_folded_too() {
        let a = Analyzer::new(["integratie"]);
        let marks = Marks::new([a.stem("reintegratie")].into_iter().collect());
        let s = snippet(
            &a,
            &mut WordCache::default(),
            &marks,
            &mut Seen::new(),
            "Over RE-INTEGRATIE en 'reintegratie'.",
        )
        .unwrap();
        assert_eq!(
            s,
            "Over <mark>RE-INTEGRATIE</mark> en &#39;<mark>reintegratie</mark>&#39;."
        );
    }

    #[test]
    fn long_texts_are_cut_around_the_matches() {
        let a = Analyzer::new(Vec::<String>::new());
        let marks = Marks::new([a.stem("jongeren")].into_iter().collect());
        let text = format!(
            "{} Dit gaat over jongeren en nog meer jongeren.",
            "vul ".repeat(100)
        );
        let s = snippet(
            &a,
            &mut WordCache::default(),
            &marks,
            &mut Seen::new(),
            &text,
        )
        .unwrap();
        assert!(s.len() < 300, "{s}");
        assert_eq!(s.matches("<mark>").count(), 2, "{s}");
    }
}
