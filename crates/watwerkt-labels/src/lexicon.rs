//! The label lexicon (`data/labels/lexicon.txt`): for every label the phrases that give it,
//! matched on the search engine's own analysis, so stems, compound parts, folded accents and
//! hyphenation variants match as they do in a search.
//!
//! The file is a list of sections. `[target_group ouderen]` (or `design`, `outcome_domain`)
//! starts a label's phrases; `[negation]`, `[not-negation]`, `[citation]`, `[finding]`,
//! `[ingredient]` and `[future]` hold the cues that handle negation, cited earlier studies,
//! result sentences and active-ingredient sentences. Each further line is one phrase:
//!
//! - words in a row match words in a row (`afstand tot de arbeidsmarkt`); a word also matches
//!   a compound part at its place when it has five letters or more (`experiment` in
//!   "veldexperiment"); `=word` matches the whole word only;
//! - `word*` matches every word written (or stemmed) so at its start (`gerandomiseer*`);
//! - `"word"` matches that word as written (folded), not its stem: `"ouderen"` without "ouders";
//! - `..` lets up to four words stand between its neighbours (`kosten .. baten`);
//! - ` @method,outcome` at the end (or on the section line) limits the fields read.
//!
//! A line starting with `!` blocks its section's label where the line's phrase covers the match
//! (`! economisch zelfredza*` under participatie: economic self-reliance is money, not
//! participation).
//!
//! A line starting with `~` is a sign of its label in project texts but not a name of it: a
//! project text with "loonkostensubsidie" is about people with an occupational disability, but a
//! user who searches "loonkostensubsidie" asks about that subsidy, not about every such project,
//! so the line is not read from queries.
//!
//! A label section may be marked `weak` (`[design voor-nameting weak]`): its phrases ("de
//! effectiviteit wordt onderzocht") give the label only when the same sentence names no other
//! design, because then that design is how the effect is studied.

use std::collections::HashMap;

use watwerkt_domain::{Dimension, TextField};
use watwerkt_search::Analyzer;
use watwerkt_search::analysis::fold;

/// The shipped lexicon.
pub const LEXICON_TXT: &str = include_str!("../../../data/labels/lexicon.txt");

/// Shortest pattern word that also matches a compound part.
const MIN_PART_MATCH: usize = 5;
/// How many words `..` may skip.
const GAP: u32 = 5;

/// What a phrase is evidence of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    Label(Dimension, String),
    Negation,
    NotIngredient,
    NotNegation,
    Citation,
    Finding,
    Ingredient,
    Future,
}

/// One word of a phrase, as an id into the lexicon's term table.
#[derive(Debug, Clone)]
struct Step {
    term: u32,
    /// May stand up to [`GAP`] words after the previous one.
    gap: bool,
    /// A compound part at this place also matches.
    part: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Pattern {
    pub(crate) target: Target,
    steps: Vec<Step>,
    pub(crate) fields: Option<Vec<TextField>>,
    pub(crate) weak: bool,
    /// A `!` line: cancels its label's matches inside its own.
    pub(crate) block: bool,
    /// A `~` line: read from project texts only, never from queries.
    pub(crate) text_only: bool,
}

/// A parse error: line and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct LexiconError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// The compiled lexicon.
pub(crate) struct Lexicon {
    pub(crate) patterns: Vec<Pattern>,
    /// Exact terms (stems) to ids.
    terms: HashMap<String, u32, foldhash::fast::RandomState>,
    /// Prefix terms with their ids.
    prefixes: Vec<(String, u32)>,
    /// Indexes into `prefixes` by their first three bytes: a token is compared with the few
    /// prefixes that start like it, and its written form only folded (which allocates) then.
    prefix_heads: HashMap<[u8; 3], Vec<usize>, foldhash::fast::RandomState>,
    /// Words matched as written: by their stem, the folded forms with their ids.
    surface: HashMap<String, Vec<(String, u32)>, foldhash::fast::RandomState>,
    /// Patterns by the id of their first term.
    by_first: HashMap<u32, Vec<usize>, foldhash::fast::RandomState>,
}

/// Remembered lexicon hits of text pieces: a piece is analysed and matched once, and after
/// that costs one lookup (most pieces give nothing). Cleared when it grows past a bound, so
/// memory stays flat; one per labelling thread.
#[derive(Default)]
pub struct LabelCache {
    map: HashMap<String, Vec<(u32, bool)>, foldhash::fast::RandomState>,
}

impl LabelCache {
    const MAX_PIECES: usize = 100_000;

    /// Hands `piece`'s hits to `use_hits`, made by `make` the first time (one lookup when
    /// known, as most pieces are).
    fn with_hits(
        &mut self,
        piece: &str,
        joined: bool,
        make: impl FnOnce(&str) -> Vec<(u32, bool)>,
        use_hits: impl FnOnce(&[(u32, bool)]),
    ) {
        // A joined hyphenation and the same letters as a plain word analyse differently.
        let joined_key = joined.then(|| format!("\u{1}{piece}"));
        let key = joined_key.as_deref().unwrap_or(piece);
        if let Some(hits) = self.map.get(key) {
            return use_hits(hits);
        }
        if self.map.len() >= Self::MAX_PIECES {
            self.map.clear();
        }
        let hits = make(piece);
        use_hits(&hits);
        self.map.insert(key.to_owned(), hits);
    }
}

/// A term of the text that a phrase word matches: its place and whether it is a compound part.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hit {
    pub(crate) pos: u32,
    term: u32,
    part: bool,
}

/// A phrase found in a sentence: which pattern, from which word to which.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Found {
    pub(crate) pattern: usize,
    pub(crate) start: u32,
    pub(crate) end: u32,
}

impl Lexicon {
    pub(crate) fn parse(
        file: &str,
        text: &str,
        analyzer: &Analyzer,
        known: &dyn Fn(Dimension, &str) -> bool,
    ) -> Result<Lexicon, LexiconError> {
        let mut lex = Lexicon {
            patterns: Vec::new(),
            terms: HashMap::default(),
            prefixes: Vec::new(),
            prefix_heads: Default::default(),
            surface: HashMap::default(),
            by_first: HashMap::default(),
        };
        let err = |line: usize, message: String| LexiconError {
            file: file.to_owned(),
            line,
            message,
        };
        let mut section: Option<(Target, Option<Vec<TextField>>, bool)> = None;
        for (i, raw) in text.lines().enumerate() {
            let no = i + 1;
            let line = raw.split_once('#').map_or(raw, |(a, _)| a).trim();
            if line.is_empty() {
                continue;
            }
            let (body, fields) = split_fields(line).map_err(|m| err(no, m))?;
            if let Some(head) = body.strip_prefix('[') {
                let head = head
                    .strip_suffix(']')
                    .ok_or_else(|| err(no, "expected a section line like [design rct]".into()))?;
                let mut words = head.split_whitespace();
                let kind = words.next().unwrap_or_default();
                let label = words.next();
                let weak = match words.next() {
                    None => false,
                    Some("weak") if label.is_some() => true,
                    Some(other) => {
                        return Err(err(
                            no,
                            format!(
                                "unexpected {other:?} in [{head}]; expected [dimension id] or [dimension id weak]"
                            ),
                        ));
                    }
                };
                let target = match (kind, label) {
                    ("negation", None) => Target::Negation,
                    ("not-ingredient", None) => Target::NotIngredient,
                    ("not-negation", None) => Target::NotNegation,
                    ("citation", None) => Target::Citation,
                    ("finding", None) => Target::Finding,
                    ("ingredient", None) => Target::Ingredient,
                    ("future", None) => Target::Future,
                    (dim, Some(id)) => {
                        let d = Dimension::parse(dim).ok_or_else(|| {
                            err(no, format!("unknown dimension {dim:?}; expected target_group, design or outcome_domain"))
                        })?;
                        if !known(d, id) {
                            return Err(err(
                                no,
                                format!(
                                    "unknown {} id {id:?}; expected an id of data/vocabulary.json",
                                    d.facet()
                                ),
                            ));
                        }
                        Target::Label(d, id.to_owned())
                    }
                    _ => return Err(err(no, format!("unknown section [{head}]"))),
                };
                section = Some((target, fields, weak));
                continue;
            }
            let Some((target, section_fields, weak)) = &section else {
                return Err(err(no, "a phrase before any [section] line".into()));
            };
            let (block, body) = match body.strip_prefix('!') {
                Some(rest) if matches!(target, Target::Label(..)) => (true, rest.trim()),
                Some(_) => return Err(err(no, "`!` blocks a label; this section has none".into())),
                None => (false, body),
            };
            let (text_only, body) = match body.strip_prefix('~') {
                Some(rest) if matches!(target, Target::Label(..)) && !block => (true, rest.trim()),
                Some(_) => {
                    return Err(err(
                        no,
                        "`~` marks a label's phrase as read from texts only; this line has none"
                            .into(),
                    ));
                }
                None => (false, body),
            };
            let steps = lex.compile(body, analyzer).map_err(|m| err(no, m))?;
            let idx = lex.patterns.len();
            lex.by_first.entry(steps[0].term).or_default().push(idx);
            lex.patterns.push(Pattern {
                target: target.clone(),
                steps,
                fields: fields.or_else(|| section_fields.clone()),
                weak: *weak,
                block,
                text_only,
            });
        }
        Ok(lex)
    }

    fn intern(&mut self, term: String, prefix: bool) -> u32 {
        let next = (self.terms.len() + self.prefixes.len()) as u32;
        if prefix {
            if let Some((_, id)) = self.prefixes.iter().find(|(t, _)| *t == term) {
                return *id;
            }
            if let Some(head) = head3(&term) {
                self.prefix_heads
                    .entry(head)
                    .or_default()
                    .push(self.prefixes.len());
            }
            self.prefixes.push((term, next));
            next
        } else {
            *self.terms.entry(term).or_insert(next)
        }
    }

    fn compile(&mut self, body: &str, analyzer: &Analyzer) -> Result<Vec<Step>, String> {
        let mut steps = Vec::new();
        let mut gap = false;
        for word in body.split_whitespace() {
            if word == ".." {
                if steps.is_empty() {
                    return Err("a phrase cannot begin with `..`".into());
                }
                gap = true;
                continue;
            }
            let (exact, word) = match word.strip_prefix('=') {
                Some(w) => (true, w),
                None => (false, word),
            };
            if let Some(written) = word.strip_prefix('"').and_then(|w| w.strip_suffix('"')) {
                let f = fold(written);
                let stem = analyzer.stem(&f);
                let next = (self.terms.len()
                    + self.prefixes.len()
                    + self.surface.values().map(Vec::len).sum::<usize>())
                    as u32
                    + 1_000_000;
                let forms = self.surface.entry(stem).or_default();
                let term = match forms.iter().find(|(w, _)| *w == f) {
                    Some((_, id)) => *id,
                    None => {
                        forms.push((f, next));
                        next
                    }
                };
                steps.push(Step {
                    term,
                    gap,
                    part: false,
                });
            } else if let Some(prefix) = word.strip_suffix('*') {
                let f = fold(prefix);
                if f.chars().count() < 3 {
                    return Err(format!(
                        "prefix {word:?} is too short (three letters at least)"
                    ));
                }
                let term = self.intern(f.clone(), true);
                steps.push(Step {
                    term,
                    gap,
                    part: !exact && f.chars().count() >= MIN_PART_MATCH,
                });
            } else {
                let stems = analyzer.word_stems(word);
                if stems.is_empty() {
                    return Err(format!("{word:?} has no letters or digits"));
                }
                for (i, stem) in stems.into_iter().enumerate() {
                    let part = !exact && stem.chars().count() >= MIN_PART_MATCH;
                    let term = self.intern(stem, false);
                    steps.push(Step {
                        term,
                        gap: gap && i == 0,
                        part,
                    });
                }
            }
            gap = false;
        }
        if gap {
            return Err("a phrase cannot end with `..`".into());
        }
        if steps.is_empty() {
            return Err("an empty phrase".into());
        }
        Ok(steps)
    }

    /// The lexicon's terms among a sentence's tokens.
    pub(crate) fn hits(
        &self,
        analyzer: &Analyzer,
        sentence: &str,
        cache: &mut LabelCache,
    ) -> Vec<Hit> {
        let mut hits = Vec::new();
        analyzer.pieces(sentence, |piece, joined, pos, _, _| {
            cache.with_hits(
                piece,
                joined,
                |piece| self.piece_hits(analyzer, piece, joined),
                |found| hits.extend(found.iter().map(|&(term, part)| Hit { pos, term, part })),
            );
        });
        // A joined hyphenation comes after its pieces but stands at the first one's place.
        hits.sort_by_key(|h| h.pos);
        hits
    }

    /// The lexicon terms one piece of text gives, as (term id, is a compound part): its stem
    /// and parts, its written form, and the prefixes either begins with. A joined hyphenation
    /// ("reintegratie") is its stem only.
    fn piece_hits(&self, analyzer: &Analyzer, piece: &str, joined: bool) -> Vec<(u32, bool)> {
        let written = fold(piece);
        let terms = if joined {
            vec![analyzer.stem(&written)]
        } else {
            analyzer.word_terms(piece)
        };
        let mut out = Vec::new();
        for (i, term) in terms.iter().enumerate() {
            let part = i > 0;
            if let Some(&id) = self.terms.get(term.as_str()) {
                out.push((id, part));
            }
            if !part && let Some(forms) = self.surface.get(term.as_str()) {
                out.extend(
                    forms
                        .iter()
                        .filter(|(w, _)| *w == written)
                        .map(|(_, id)| (*id, false)),
                );
            }
            // A prefix matches the stem or, for the word itself, the written form: the stemmer
            // cuts "-ing" and "-lijk" ("vluchtelingen" → "vluchtel"), so "vluchteling*" needs it.
            for (prefix, id) in self.prefix_candidates(term) {
                if term.starts_with(prefix) || (!part && written.starts_with(prefix)) {
                    out.push((id, part));
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    fn prefix_candidates<'a>(&'a self, term: &str) -> impl Iterator<Item = (&'a str, u32)> + 'a {
        head3(term)
            .and_then(|h| self.prefix_heads.get(&h))
            .into_iter()
            .flatten()
            .map(|&i| (self.prefixes[i].0.as_str(), self.prefixes[i].1))
    }

    /// Every phrase that `hits` (one sentence's) complete.
    pub(crate) fn find(&self, hits: &[Hit]) -> Vec<Found> {
        let mut found = Vec::new();
        for h in hits {
            let Some(patterns) = self.by_first.get(&h.term) else {
                continue;
            };
            for &p in patterns {
                let pat = &self.patterns[p];
                if h.part && !pat.steps[0].part {
                    continue;
                }
                if let Some(end) = complete(&pat.steps[1..], hits, h.pos) {
                    found.push(Found {
                        pattern: p,
                        start: h.pos,
                        end,
                    });
                }
            }
        }
        found
    }
}

/// The end position when `steps` match after a word at `pos`, or `None`. `hits` are in
/// position order.
fn complete(steps: &[Step], hits: &[Hit], pos: u32) -> Option<u32> {
    let Some(step) = steps.first() else {
        return Some(pos);
    };
    let max = if step.gap { pos + GAP } else { pos + 1 };
    let from = hits.partition_point(|h| h.pos < pos);
    hits[from..]
        .iter()
        .take_while(|h| h.pos <= max)
        .filter(|h| h.term == step.term && (!h.part || step.part))
        // A part may follow at the same place: "kosten-batenanalyse", "kostenbatenanalyse".
        .filter(|h| h.pos > pos || h.part)
        .find_map(|h| complete(&steps[1..], hits, h.pos))
}

fn head3(s: &str) -> Option<[u8; 3]> {
    s.as_bytes().get(..3).map(|b| [b[0], b[1], b[2]])
}

/// A line's text and its ` @field,field` suffix.
fn split_fields(line: &str) -> Result<(&str, Option<Vec<TextField>>), String> {
    let Some((body, fields)) = line.rsplit_once(" @") else {
        return Ok((line, None));
    };
    let fields = fields
        .split(',')
        .map(|f| {
            TextField::from_key(f.trim()).ok_or_else(|| {
                format!("unknown field {f:?}; expected title, full_title, teaser, question, method or outcome")
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((body.trim(), Some(fields)))
}
