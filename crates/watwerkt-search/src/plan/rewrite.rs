//! How a typed query is read before it is matched: a word the catalogue lacks is searched as
//! the known words it is compounded of, and typed words that form a synonym phrase ("domestic
//! violence") are searched as that phrase's group. Takes the parsed query, the context and the
//! search's word analyses; gives the query to search and what was read otherwise. After an empty
//! result, [`read_known_parts`] offers a last reading (unknown compounds as their known parts).

use crate::analysis::is_stopword;
use crate::context::SearchContext;
use crate::error::SearchError;
use crate::query::{Item, ParsedQuery};
use crate::query_words::QueryWords;
use crate::synonyms::Member;

/// Among partial matches, a word in more than 1/`COMMON_SHARE` of the projects does not count
/// towards how much of the query a project has (see `rank::coverage_tiers`), nor does it stand in
/// for a compound (see `read_known_parts`).
pub(crate) const COMMON_SHARE: u64 = 4;

/// A typed word searched as its parts.
pub(crate) type Split = (String, Vec<String>);

/// A typed word searched as the parts of it the catalogue holds, without the others.
pub(crate) struct PartSplit {
    pub word: String,
    pub parts: Vec<String>,
    pub missing: Vec<String>,
}

/// A part of a compound, held by the catalogue or not.
enum Part {
    Known(String),
    Missing(String),
}

impl Part {
    fn text(self) -> String {
        match self {
            Part::Known(p) | Part::Missing(p) => p,
        }
    }
}

/// Reads each word typed on its own that the catalogue does not have, not even through a
/// synonym, as the words it is compounded of when the catalogue has those: Dutch makes new
/// compounds freely, and "statushoudersbeleid" is about "statushouders" and "beleid" rather
/// than a misspelling of whatever word lies two letters away. Each part becomes a
/// word of the query (all must match, as typed words do); a part the catalogue does not have
/// either is split in turn. Also returns each word split, with its parts.
pub(crate) fn split_unknown_compounds(
    ctx: &SearchContext,
    words: &QueryWords,
    mut parsed: ParsedQuery,
) -> Result<(ParsedQuery, Vec<Split>), SearchError> {
    let mut splits = Vec::new();
    let mut groups = Vec::with_capacity(parsed.groups.len());
    for group in std::mem::take(&mut parsed.groups) {
        if let [Item::Word(word)] = group.as_slice()
            && let Some(parts) = compound_parts(ctx, words, word, 0, false)?
        {
            let parts: Vec<String> = parts.into_iter().map(Part::text).collect();
            groups.extend(parts.iter().map(|p| vec![Item::Word(p.clone())]));
            splits.push((word.clone(), parts));
        } else {
            groups.push(group);
        }
    }
    parsed.groups = groups;
    Ok((parsed, splits))
}

/// Synonyms of several words. A run of typed words that is a phrase of a synonym group
/// ("domestic violence", "young people") becomes one item, the typed phrase, with the group's
/// first entry and its other phrases as alternatives ("huiselijk geweld"; "jongeren", which
/// brings its own synonyms). A typed word of a group with phrases gets those phrases as
/// alternatives too (its single-word synonyms come in as usual, when the word is planned).
/// Also returns, for each typed group, whether it was read as (part of) a phrase: such words
/// are no typos.
pub(crate) fn expand_synonym_phrases(
    ctx: &SearchContext,
    words: &QueryWords,
    mut parsed: ParsedQuery,
) -> Result<(ParsedQuery, Vec<bool>), SearchError> {
    let groups = std::mem::take(&mut parsed.groups);
    let mut in_phrase = Vec::with_capacity(groups.len());
    // Each group that is one typed word, with the stems of its words.
    let typed: Vec<Option<(&str, Vec<String>)>> = groups
        .iter()
        .map(|g| match g.as_slice() {
            [Item::Word(w)] => Some((w.as_str(), words.get(w).stems().to_vec())),
            _ => None,
        })
        .collect();
    let entry = |m: &Member| {
        if m.is_phrase() {
            Item::Phrase(m.text.clone())
        } else {
            Item::Word(m.text.clone())
        }
    };
    // A phrase with a word the catalogue lacks (most English ones) cannot match: it is left
    // out before it costs a phrase search.
    let can_match = |m: &Member| -> Result<bool, SearchError> {
        for stem in &m.stems {
            if ctx.word_doc_freq(stem)? == 0 {
                return Ok(false);
            }
        }
        Ok(true)
    };
    let mut i = 0;
    while i < groups.len() {
        // The stems of the typed words from here on, and where each word's stems end.
        let mut run: Vec<&str> = Vec::new();
        let mut ends = Vec::new();
        for (_, stems) in typed[i..].iter().map_while(Option::as_ref) {
            run.extend(stems.iter().map(String::as_str));
            ends.push(run.len());
        }
        let phrase = ctx
            .synonyms
            .phrase_at(&run)
            .and_then(|(len, group)| ends.iter().position(|&e| e == len).map(|k| (k + 1, group)));
        if let Some((words, group)) = phrase {
            let text: Vec<&str> = typed[i..i + words]
                .iter()
                .flatten()
                .map(|(w, _)| *w)
                .collect();
            let said = &run[..ends[words - 1]];
            // The group's first entry stands for it: when it is a word, its single-word
            // synonyms come with it at their usual weight (as when it is typed), so a
            // project is not lifted for holding several of them.
            let members = ctx.synonyms.members(group);
            let first_is_word = !members[0].is_phrase();
            let mut items = vec![Item::Phrase(text.join(" "))];
            for (k, m) in members.iter().enumerate() {
                if (k == 0 || m.is_phrase() || !first_is_word)
                    && !m.stems.iter().eq(said.iter().copied())
                    && (!m.is_phrase() || can_match(m)?)
                {
                    items.push(entry(m));
                }
            }
            parsed.groups.push(items);
            in_phrase.extend(std::iter::repeat_n(true, words));
            i += words;
            continue;
        }
        let mut items = groups[i].clone();
        if let Some((_, stems)) = &typed[i]
            && let [stem] = stems.as_slice()
            && let Some(group) = ctx.synonyms.group_of(stem)
        {
            for m in ctx.synonyms.members(group) {
                if m.is_phrase() && can_match(m)? {
                    items.push(entry(m));
                }
            }
        }
        parsed.groups.push(items);
        in_phrase.push(false);
        i += 1;
    }
    Ok((parsed, in_phrase))
}

/// When a search found nothing: the query with each word typed on its own that the
/// catalogue lacks, and that has a part the catalogue holds, replaced by the parts it holds
/// ("budgetcoaching" → "budget" when no project has "coaching"), with each such word, the
/// parts kept and the parts left out; `None` if no word reads so. Only a telling part stands
/// in for the word: "fietsproject" is not searched as "project" (a stop word), nor
/// "zeldzaamheidsonderzoek" as "onderzoek" (in most projects). Nor is a dictionary word
/// read so: "schuldenaars" is the plural of "schuldenaar", not "schulden" + "aars".
pub(crate) fn read_known_parts<'g>(
    ctx: &SearchContext,
    words: &QueryWords,
    raw: &str,
    typed: impl Iterator<Item = &'g [Item]>,
) -> Result<Option<(String, Vec<PartSplit>)>, SearchError> {
    let mut query = raw.to_owned();
    let mut read = Vec::new();
    for group in typed {
        let [Item::Word(word)] = group else {
            continue;
        };
        if ctx.analyzer.is_word_form(words.get(word).folded()) {
            continue;
        }
        let Some(parts) = compound_parts(ctx, words, word, 0, true)? else {
            continue;
        };
        let (mut kept, mut missing) = (Vec::new(), Vec::new());
        for part in parts {
            match part {
                Part::Known(p) if telling(ctx, words, &p)? => kept.push(p),
                Part::Known(_) => {}
                Part::Missing(p) => missing.push(p),
            }
        }
        if kept.is_empty() || missing.is_empty() {
            continue;
        }
        query = query.replacen(word.as_str(), &kept.join(" "), 1);
        read.push(PartSplit {
            word: word.clone(),
            parts: kept,
            missing,
        });
    }
    Ok((!read.is_empty()).then_some((query, read)))
}

/// Whether a word says what a project is about: no stop word, and in at most
/// 1/`COMMON_SHARE` of the projects ("onderzoek" is in most).
fn telling(ctx: &SearchContext, words: &QueryWords, word: &str) -> Result<bool, SearchError> {
    let stem = words.get(word).stem().to_owned();
    Ok(!is_stopword(word)
        && ctx.word_doc_freq(&stem)? * COMMON_SHARE <= ctx.snap.searcher.num_docs())
}

/// The parts `word` is searched as (see `split_unknown_compounds`), or `None` to search it
/// as typed: it is known, or no split of it is made of known words. With `partly`, a part
/// the catalogue lacks is kept as `Part::Missing` instead of refusing the split.
fn compound_parts(
    ctx: &SearchContext,
    words: &QueryWords,
    word: &str,
    depth: u8,
    partly: bool,
) -> Result<Option<Vec<Part>>, SearchError> {
    const MAX_DEPTH: u8 = 3;
    let analysed = words.get(word);
    let [stem] = analysed.stems() else {
        return Ok(None);
    };
    if depth >= MAX_DEPTH || ctx.stem_known(stem)? {
        return Ok(None);
    }
    let Some((head, tail)) = ctx.analyzer.split_once(analysed.folded()) else {
        return Ok(None);
    };
    // "-schap" and "-heid" make nouns of what they follow, and are words too ("schap", a
    // shelf): "werkgeverschap" is about "werkgever".
    const NOUN_SUFFIXES: &[&str] = &["schap", "schappen", "heid", "heden"];
    let split = if NOUN_SUFFIXES.contains(&tail.as_str()) {
        vec![head]
    } else {
        vec![head, tail]
    };
    let mut parts = Vec::new();
    for part in split {
        match compound_parts(ctx, words, &part, depth + 1, partly)? {
            Some(sub) => parts.extend(sub),
            None if ctx.stem_known(&ctx.analyzer.stem(&part))? => parts.push(Part::Known(part)),
            None if partly => parts.push(Part::Missing(part)),
            None => return Ok(None),
        }
    }
    Ok(Some(parts))
}
