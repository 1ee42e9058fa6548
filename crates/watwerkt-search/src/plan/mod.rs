//! Planning: the typed query → what to look up and how it scores. Takes the parsed query (see
//! `query`) and the search's context; gives an [`AnalysedQuery`] (the query as it will be
//! searched, after the rewrites of `rewrite`, with what each typed word was read as) and, per
//! query item, an [`ItemPlan`]: the terms and phrases it matches, the weighted terms it scores by,
//! and the facet values it stands for.
//!
//! A word matches as itself in the body, as a compound part (scored at 0.3 of the word, so a
//! whole-word match outranks "werk" inside "werkwijze"), through its synonyms (0.3 too: they are
//! terms of their own, saturating apart from the word, so at 0.5 a project with the word and a
//! synonym beat one with the word far more often — "jongeren en jongvolwassenen" over "Jongeren
//! helpen jongeren … schulden"), and through near spellings (one edit from 5 letters, two from 9;
//! 0.2), which are only looked for when the word is rare or absent in the index, by walking the
//! term dictionary with a Levenshtein automaton.
//!
//! Where to change what: a new synonym source or a new reading of a typed word goes here (a
//! rewrite in `rewrite`, a correction offered after an empty result in `correct`); how much a
//! kind of match weighs is [`PART_WEIGHT`], [`SYNONYM_WEIGHT`] and [`FUZZY_WEIGHT`].

mod correct;
mod rewrite;

use std::collections::BTreeSet;

use levenshtein_automata::Distance;
use tantivy::schema::Field;

use crate::analysis::TokenKind;
use crate::context::SearchContext;
use crate::error::SearchError;
use crate::facets::facet_value_of;
use crate::query::{Item, ParsedQuery};
use crate::query_words::QueryWords;
use crate::response::Notice;

pub(crate) use correct::{compound_ending, did_you_mean};
pub(crate) use rewrite::{COMMON_SHARE, read_known_parts};

pub(crate) const PART_WEIGHT: f32 = 0.3;
pub(crate) const SYNONYM_WEIGHT: f32 = 0.3;
pub(crate) const FUZZY_WEIGHT: f32 = 0.2;
/// Near spellings are tried for a word found in fewer documents than this share of the index
/// (and always below `FUZZY_MIN_DOCS`): a typo is rare, a common word needs no help.
const FUZZY_RARE_SHARE: u64 = 10_000;
const FUZZY_MIN_DOCS: u64 = 3;
/// A word the catalogue lacks that is at least this long also matches the words it begins.
const MIN_PREFIX: usize = 6;
/// At most this many near spellings per word, so a short word cannot explode the query.
const FUZZY_MAX_TERMS: usize = 32;

/// A typed query as it is searched: the parsed query after the rewrites (synonym phrases,
/// unknown compounds read as their parts), with what each typed group was read as. Its words'
/// analyses are in the search's [`QueryWords`], which every stage is handed with it.
pub(crate) struct AnalysedQuery<'q> {
    /// The query text as typed, trimmed: corrections rewrite it.
    pub(crate) text: &'q str,
    /// What is matched and ranked.
    pub(crate) searched: ParsedQuery,
    /// The typed groups, each with how the rewrites read it.
    typed: Vec<Typed>,
    /// The first word searched as its parts, for the notice.
    pub(crate) split: Option<Notice>,
}

/// A group as typed, and whether a rewrite read it otherwise: as part of a synonym phrase, or
/// (a single unknown word) as its compound parts. Neither is a typo.
struct Typed {
    group: Vec<Item>,
    read_otherwise: bool,
}

impl<'q> AnalysedQuery<'q> {
    /// Reads `text` (parsed as `parsed`): phrases first — "sociale werkvoorziening" is a synonym
    /// phrase before "werkvoorziening" is a compound — then unknown compounds.
    pub(crate) fn new(
        ctx: &SearchContext,
        words: &QueryWords,
        text: &'q str,
        parsed: ParsedQuery,
    ) -> Result<Self, SearchError> {
        let typed_groups = parsed.groups.clone();
        let (expanded, in_phrase) = rewrite::expand_synonym_phrases(ctx, words, parsed)?;
        let (searched, splits) = rewrite::split_unknown_compounds(ctx, words, expanded)?;
        let typed = typed_groups
            .into_iter()
            .zip(in_phrase)
            .map(|(group, in_phrase)| {
                let split = matches!(
                    group.as_slice(),
                    [Item::Word(w)] if splits.iter().any(|(s, _)| s == w)
                );
                Typed {
                    group,
                    read_otherwise: in_phrase || split,
                }
            })
            .collect();
        let split = splits
            .into_iter()
            .next()
            .map(|(word, parts)| Notice::Split { word, parts });
        Ok(AnalysedQuery {
            text,
            searched,
            typed,
            split,
        })
    }

    /// The typed groups whose words may be typos: those no rewrite read otherwise.
    pub(crate) fn typo_groups(&self) -> impl Iterator<Item = &[Item]> + '_ {
        self.typed
            .iter()
            .filter(|t| !t.read_otherwise)
            .map(|t| t.group.as_slice())
    }
}

/// How one query item matches (any source) and scores (a sum of weighted terms).
#[derive(Default)]
pub(crate) struct ItemPlan {
    pub(crate) terms: Vec<(Field, String)>,
    pub(crate) phrases: Vec<Vec<String>>,
    pub(crate) scored: Vec<(Field, String, f32)>,
    /// Facet values the item also matches (unscored): a year typed as a word is the start year
    /// too, "afgerond" or "lopend" the status.
    pub(crate) values: Vec<(&'static str, String)>,
}

impl ItemPlan {
    /// What the item matches, as strings that name it: two items match the same documents
    /// when their keys are equal.
    pub(crate) fn key(&self) -> impl Iterator<Item = String> + '_ {
        let terms = self
            .terms
            .iter()
            .map(|(f, t)| format!("{}:{t}", f.field_id()));
        let phrases = self.phrases.iter().map(|p| format!("\"{}", p.join(" ")));
        let values = self.values.iter().map(|(f, v)| format!("{f}={v}"));
        terms.chain(phrases).chain(values)
    }
}

/// A Levenshtein automaton as tantivy's term dictionary walks it.
struct Dfa(levenshtein_automata::DFA);

impl tantivy_fst::Automaton for Dfa {
    type State = u32;

    fn start(&self) -> u32 {
        self.0.initial_state()
    }

    fn is_match(&self, state: &u32) -> bool {
        matches!(self.0.distance(*state), Distance::Exact(_))
    }

    fn can_match(&self, state: &u32) -> bool {
        *state != levenshtein_automata::SINK_STATE
    }

    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}

/// How one word (a stem) matches and scores: itself in the body, as a compound part, its
/// synonyms, and near spellings when the word itself is rare and `near` allows (the typed word
/// is not a Dutch word: "oudere" is searched as itself, not as "onder").
fn plan_word(
    ctx: &SearchContext,
    stem: &str,
    near: bool,
    plan: &mut ItemPlan,
) -> Result<(), SearchError> {
    let (f, snap) = (ctx.fields, &*ctx.snap);
    let mut add = |stem: &str, weight: f32, score_parts: bool| {
        plan.terms.push((f.body, stem.to_owned()));
        plan.terms.push((f.parts, stem.to_owned()));
        plan.scored.push((f.body, stem.to_owned(), weight));
        if score_parts {
            plan.scored
                .push((f.parts, stem.to_owned(), PART_WEIGHT * weight));
        }
    };
    add(stem, 1.0, true);
    // A synonym inside a compound matches but does not score: at 0.3 × 0.3 it hardly moves a
    // ranking, and every common scored term slows the top-k search (block-max WAND).
    for syn in ctx.synonyms.expand(stem) {
        add(syn, SYNONYM_WEIGHT, false);
    }
    let len = stem.chars().count();
    let distance = match len {
        9.. => 2,
        5.. => 1,
        _ => 0,
    };
    if distance == 0 || !near {
        return Ok(());
    }
    let df = snap.doc_freq(f.body, stem).map_err(ctx.err())?;
    if df >= FUZZY_MIN_DOCS.max(u64::from(snap.len) / FUZZY_RARE_SHARE) {
        return Ok(());
    }
    let mut near = BTreeSet::new();
    let dfa = Dfa(ctx.fuzzy[distance - 1].build_dfa(stem));
    for r in snap.searcher.segment_readers() {
        let inverted = r.inverted_index(f.body).map_err(ctx.err())?;
        let mut stream = inverted
            .terms()
            .search(&dfa)
            .into_stream()
            .map_err(ctx.io_err())?;
        while stream.advance() && near.len() < FUZZY_MAX_TERMS {
            if let Ok(t) = std::str::from_utf8(stream.key())
                && t != stem
            {
                near.insert(t.to_owned());
            }
        }
    }
    // A word cut short ("arbeidsparticip") is none of the catalogue's words: their
    // continuations count as near spellings.
    if df == 0 && len >= MIN_PREFIX {
        for r in snap.searcher.segment_readers() {
            let inverted = r.inverted_index(f.body).map_err(ctx.err())?;
            let mut stream = inverted
                .terms()
                .range()
                .gt(stem.as_bytes())
                .into_stream()
                .map_err(ctx.io_err())?;
            while near.len() < FUZZY_MAX_TERMS
                && stream.advance()
                && stream.key().starts_with(stem.as_bytes())
            {
                if let Ok(t) = std::str::from_utf8(stream.key()) {
                    near.insert(t.to_owned());
                }
            }
        }
    }
    for t in near {
        plan.terms.push((f.body, t.clone()));
        plan.scored.push((f.body, t, FUZZY_WEIGHT));
    }
    Ok(())
}

/// The plan of one query item (a word, a phrase, a hyphenated word), or `None` when it has no
/// word to look up. Its text's analysis comes from `words`.
pub(crate) fn plan_item(
    ctx: &SearchContext,
    words: &QueryWords,
    item: &Item,
) -> Result<Option<ItemPlan>, SearchError> {
    let mut plan = ItemPlan::default();
    let phrase = |plan: &mut ItemPlan, stems: Vec<String>| {
        for s in &stems {
            plan.scored.push((ctx.fields.body, s.clone(), 1.0));
        }
        plan.phrases.push(stems);
    };
    match item {
        Item::Phrase(text) => {
            let stems: Vec<String> = words
                .get(text)
                .tokens()
                .iter()
                .filter(|t| t.kind == TokenKind::Word)
                .map(|t| t.term.clone())
                .collect();
            match stems.len() {
                0 => return Ok(None),
                1 => {
                    plan_word(ctx, &stems[0], true, &mut plan)?;
                }
                _ => phrase(&mut plan, stems),
            }
        }
        Item::Word(word) => {
            plan.values.extend(facet_value_of(word));
            let analysed = words.get(word);
            let tokens = analysed.tokens();
            let words: Vec<String> = tokens
                .iter()
                .filter(|t| t.kind == TokenKind::Word)
                .map(|t| t.term.clone())
                .collect();
            let joined = tokens.iter().find(|t| t.kind == TokenKind::Joined);
            match (words.as_slice(), joined) {
                ([], _) => return Ok(None),
                ([one], _) => {
                    let near = !is_dictionary_word(ctx, analysed.folded());
                    plan_word(ctx, one, near, &mut plan)?;
                }
                // "re-integratie": the joined form, or the pieces as a phrase.
                (_, Some(j)) => {
                    plan_word(ctx, &j.term, true, &mut plan)?;
                    phrase(&mut plan, words);
                }
                (_, None) => return Ok(None),
            }
        }
    }
    Ok(Some(plan))
}

/// Whether a typed word is a Dutch word (the shipped word list, the catalogue's words, their
/// plurals, or an adjective's -e form: "oudere"), and so not a misspelling of another.
fn is_dictionary_word(ctx: &SearchContext, folded: &str) -> bool {
    ctx.analyzer.is_word_form(folded)
        || folded
            .strip_suffix('e')
            .is_some_and(|w| ctx.analyzer.is_word_form(w))
}
