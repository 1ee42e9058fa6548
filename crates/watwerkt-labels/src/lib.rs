//! What works for whom, read from a project's own text: target groups, research designs,
//! outcome domains, the evidence level, findings and active ingredients.
//!
//! Rule-based and explainable. The lexicon (`data/labels/lexicon.txt`) is matched sentence by
//! sentence on the search engine's Dutch analysis; a match preceded by a negation ("geen
//! controlegroep", "niet gerandomiseerd") gives nothing, nor does a design in a sentence that
//! cites an earlier study ("uit een eerder experiment blijkt"). Every label keeps the sentence and
//! field that gave it. Editors' overrides (`data/label-overrides.csv`) are applied last and win.
//! The evidence level follows from the designs by the vocabulary's rule.
//!
//! [`Labeller::version`] fingerprints everything that decides a label, so the catalogue can tell
//! when stored labels are stale and derive them again.

mod lexicon;
mod overrides;
mod vocabulary;

use std::sync::OnceLock;

use sha2::{Digest, Sha256};
use watwerkt_domain::{
    Derived, Dimension, EvidenceLevel, Label, LabelSource, OutcomeKind, Passage, Project, Status,
    TextField,
};
use watwerkt_search::Analyzer;

use lexicon::{Found, Lexicon, Target};
pub use lexicon::{LEXICON_TXT, LabelCache, LexiconError};
pub use overrides::{Action, OVERRIDES_CSV, Override, OverrideError};
pub use vocabulary::{Level, Term, VOCABULARY_JSON, Vocabulary};

/// Bumped when the derivation itself changes, so stored labels are derived again.
const ALGORITHM: &str = "labels-1";
/// How many words before a label a negation reaches.
const NEGATION_REACH: u32 = 5;
/// How many words after a citation ("uit eerder onderzoek blijkt") its designs reach.
const CITATION_REACH: u32 = 3;

/// A lexicon or overrides file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LabelError {
    #[error(transparent)]
    Lexicon(#[from] LexiconError),
    #[error(transparent)]
    Overrides(#[from] OverrideError),
}

/// Derives [`Derived`] from projects. Build once (it compiles the lexicon) and share.
pub struct Labeller {
    analyzer: Analyzer,
    lexicon: Lexicon,
    overrides: Vec<Override>,
    overrides_file: String,
    version: String,
}

fn known(d: Dimension, id: &str) -> bool {
    Vocabulary::get().term(d, id).is_some()
}

impl Labeller {
    /// The shipped lexicon with the given overrides file (`file` names it in errors).
    pub fn new(overrides_file: &str, overrides_text: &str) -> Result<Labeller, LabelError> {
        let analyzer = watwerkt_search::default_analyzer();
        let lexicon = Lexicon::parse("data/labels/lexicon.txt", LEXICON_TXT, &analyzer, &known)?;
        let overrides = overrides::parse(overrides_file, overrides_text, &known)?;
        let mut h = Sha256::new();
        for part in [ALGORITHM, VOCABULARY_JSON, LEXICON_TXT, overrides_text] {
            h.update(part.as_bytes());
            h.update([0]);
        }
        let version = h
            .finalize()
            .iter()
            .take(8)
            .map(|b| format!("{b:02x}"))
            .collect();
        Ok(Labeller {
            analyzer,
            lexicon,
            overrides,
            overrides_file: overrides_file.to_owned(),
            version,
        })
    }

    /// The shipped lexicon and overrides, compiled once.
    pub fn shipped() -> &'static Labeller {
        static L: OnceLock<Labeller> = OnceLock::new();
        L.get_or_init(|| {
            Labeller::new("data/label-overrides.csv", OVERRIDES_CSV)
                .expect("the shipped lexicon and overrides are valid (tested)")
        })
    }

    /// A fingerprint of vocabulary, lexicon, overrides and algorithm.
    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn overrides(&self) -> &[Override] {
        &self.overrides
    }

    /// The overrides file's name, for messages.
    pub fn overrides_file(&self) -> &str {
        &self.overrides_file
    }

    pub fn derive(&self, project: &Project) -> Derived {
        self.derive_cached(project, &mut LabelCache::default())
    }

    /// As [`Labeller::derive`], sharing word analyses in `cache` (an import labels many projects).
    pub fn derive_cached(&self, project: &Project, cache: &mut LabelCache) -> Derived {
        let mut derived = Derived::default();
        let mut findings = Vec::new();
        let mut ingredients = Vec::new();
        let result_known = outcome_is_result(project);
        for field in TextField::ALL {
            let Some(text) = field_text(project, field) else {
                continue;
            };
            if field == TextField::FullTitle && text == project.title {
                continue;
            }
            for sentence in sentences(text) {
                let hits = self.lexicon.hits(&self.analyzer, sentence, cache);
                if hits.is_empty() {
                    continue;
                }
                let found = self.lexicon.find(&hits);
                let s = self.read_sentence(&found, Some(field));
                for (dimension, id) in s.labels {
                    let labels = derived.labels_mut(dimension);
                    if !labels.iter().any(|l| l.id == id) {
                        labels.push(Label {
                            id,
                            quote: sentence.to_owned(),
                            field: field.into(),
                        });
                    }
                }
                let statement = !sentence.ends_with('?') && !s.future;
                let reads_results = matches!(field, TextField::Outcome | TextField::Teaser);
                if statement && reads_results && result_known && (s.finding || figure(sentence)) {
                    findings.push(Passage {
                        text: sentence.to_owned(),
                        field,
                    });
                }
                if statement && s.ingredient && field != TextField::Question {
                    ingredients.push(Passage {
                        text: sentence.to_owned(),
                        field,
                    });
                }
            }
        }
        derived.findings = findings;
        derived.active_ingredients = ingredients;
        apply_design_rules(&mut derived);
        self.apply_overrides(project, &mut derived);
        let v = Vocabulary::get();
        for d in Dimension::ALL {
            derived
                .labels_mut(d)
                .sort_by_key(|l| v.rank(d, &l.id).unwrap_or(usize::MAX));
        }
        derived.evidence_level = evidence_level(&derived.designs);
        derived
    }

    /// What one sentence's matches say, after negation, contrast and citation.
    fn read_sentence(&self, found: &[Found], field: Option<TextField>) -> Sentence {
        let pats = &self.lexicon.patterns;
        let of = |t: fn(&Target) -> bool| found.iter().filter(move |f| t(&pats[f.pattern].target));
        let not_negations: Vec<&Found> = of(|t| *t == Target::NotNegation).collect();
        // A negation inside a "niet alleen" (or "wel of niet") is no negation.
        let negations: Vec<&Found> = of(|t| *t == Target::Negation)
            .filter(|n| {
                !not_negations
                    .iter()
                    .any(|c| c.start <= n.start && n.end <= c.end)
            })
            .collect();
        let citations: Vec<&Found> = of(|t| *t == Target::Citation).collect();
        let mut out = Sentence {
            future: of(|t| *t == Target::Future).next().is_some(),
            finding: of(|t| *t == Target::Finding).next().is_some(),
            ingredient: of(|t| *t == Target::Ingredient).next().is_some()
                && of(|t| *t == Target::NotIngredient).next().is_none(),
            labels: Vec::new(),
        };
        let mut weak = Vec::new();
        let blocked = |f: &Found| {
            found.iter().any(|b| {
                let bp = &pats[b.pattern];
                bp.block
                    && bp.target == pats[f.pattern].target
                    && b.start <= f.start
                    && f.end <= b.end
            })
        };
        for f in found {
            let pat = &pats[f.pattern];
            let Target::Label(dimension, id) = &pat.target else {
                continue;
            };
            if pat.block || blocked(f) {
                continue;
            }
            if let (Some(fs), Some(field)) = (&pat.fields, field)
                && !fs.contains(&field)
            {
                continue;
            }
            // Outcomes are mostly told as problems ("het lukt niet om in de schuldhulpverlening
            // te komen"): a negation takes away groups and designs only.
            let negated = *dimension != Dimension::OutcomeDomain
                && negations
                    .iter()
                    .any(|n| n.end < f.start && n.end + NEGATION_REACH >= f.start);
            if negated {
                continue;
            }
            // An earlier study's design is not this project's, but reading it is a review.
            let cited = citations
                .iter()
                .any(|c| c.start <= f.start && f.start <= c.end + CITATION_REACH);
            if cited && *dimension == Dimension::Design && id != "literatuuronderzoek" {
                continue;
            }
            let list = if pat.weak { &mut weak } else { &mut out.labels };
            if !list.iter().any(|(d, i)| d == dimension && i == id) {
                list.push((*dimension, id.clone()));
            }
        }
        for (dimension, id) in weak {
            let named = out.labels.iter().any(|(d, _)| *d == dimension);
            if !named && !out.labels.iter().any(|(d, i)| *d == dimension && *i == id) {
                out.labels.push((dimension, id));
            }
        }
        out
    }

    /// The target groups and designs a search query names, in whatever words ("55-plussers",
    /// "older jobseekers", "experiment met controlegroep"), read with the same lexicon. Outcome
    /// domains are left out: nearly every query names one ("werk"), and searching by it would
    /// bury the text matches under a quarter of the catalogue.
    pub fn concepts(&self, query: &str) -> Vec<(Dimension, String)> {
        let hits = self
            .lexicon
            .hits(&self.analyzer, query, &mut LabelCache::default());
        let mut found = self.lexicon.find(&hits);
        found.retain(|f| !self.lexicon.patterns[f.pattern].text_only);
        let mut out: Vec<(Dimension, String)> = self
            .read_sentence(&found, None)
            .labels
            .into_iter()
            .filter(|(d, _)| *d != Dimension::OutcomeDomain)
            .collect();
        let v = Vocabulary::get();
        out.sort_by_key(|(d, id)| (*d, v.rank(*d, id)));
        out
    }

    fn apply_overrides(&self, project: &Project, derived: &mut Derived) {
        for o in self
            .overrides
            .iter()
            .filter(|o| o.project == project.number)
        {
            let labels = derived.labels_mut(o.dimension);
            match o.action {
                Action::Remove => labels.retain(|l| l.id != o.id),
                Action::Add => {
                    labels.retain(|l| l.id != o.id);
                    labels.push(Label {
                        id: o.id.clone(),
                        quote: o.reason.clone(),
                        field: LabelSource::Override,
                    });
                }
            }
        }
    }
}

/// What one sentence gives.
struct Sentence {
    labels: Vec<(Dimension, String)>,
    future: bool,
    finding: bool,
    ingredient: bool,
}

/// A percentage: "30%", "4 tot 4,5 procent".
fn figure(sentence: &str) -> bool {
    sentence.contains('%')
        || (sentence.contains("procent") && sentence.bytes().any(|b| b.is_ascii_digit()))
}

fn field_text(p: &Project, field: TextField) -> Option<&str> {
    let s = match field {
        TextField::Title => p.title.as_str(),
        TextField::FullTitle => p.full_title.as_deref()?,
        TextField::Teaser => p.teaser.as_deref()?,
        TextField::Question => p.question.as_str(),
        TextField::Method => p.method.as_str(),
        TextField::Outcome => p.outcome.as_str(),
    };
    (!s.trim().is_empty()).then_some(s)
}

/// Whether the outcome section reports results rather than plans.
fn outcome_is_result(p: &Project) -> bool {
    match p.outcome_kind {
        Some(OutcomeKind::VerwachteUitkomst) => false,
        Some(OutcomeKind::Uitkomst) | None => p.status == Some(Status::Afgerond),
        Some(OutcomeKind::Resultaat) => p.status != Some(Status::Lopend),
    }
}

/// One design measurement counts once, by its strongest design: an RCT is not also a
/// comparison-group study, and neither is also an effect measurement without one.
fn apply_design_rules(d: &mut Derived) {
    let has = |d: &Derived, id: &str| d.has(Dimension::Design, id);
    if has(d, "rct") {
        d.designs.retain(|l| l.id != "quasi-experimenteel");
    }
    if has(d, "rct") || has(d, "quasi-experimenteel") {
        d.designs.retain(|l| l.id != "voor-nameting");
    }
}

/// The level by the vocabulary's rule, with the design and sentence that decide it.
pub fn evidence_level(designs: &[Label]) -> EvidenceLevel {
    let v = Vocabulary::get();
    let rank = |id: &str| match id {
        "rct" => 4,
        "quasi-experimenteel" => 3,
        "voor-nameting" | "kosten-baten" => 2,
        _ => 1,
    };
    let Some(best) = designs.iter().max_by_key(|l| rank(&l.id)) else {
        return EvidenceLevel {
            level: 0,
            reason: "0 — geen onderzoeksopzet genoemd".into(),
        };
    };
    let level = rank(&best.id);
    let name = v
        .term(Dimension::Design, &best.id)
        .map_or(best.id.clone(), |t| lower_first(&t.nl));
    EvidenceLevel {
        level,
        reason: format!("{level} — {name}: '{}'", best.quote),
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_lowercase().chain(c).collect())
        .unwrap_or_default()
}

/// The sentences of a text: split after `.`, `?` or `!` followed by a space and a capital or
/// digit (so "o.a. door" stays whole), and at line breaks.
pub fn sentences(text: &str) -> impl Iterator<Item = &str> {
    text.lines().flat_map(|line| {
        let mut out = Vec::new();
        let mut start = 0;
        let bytes = line.as_bytes();
        for (at, &b) in bytes.iter().enumerate() {
            if !matches!(b, b'.' | b'?' | b'!') || bytes.get(at + 1) != Some(&b' ') {
                continue;
            }
            let rest = line[at + 1..].trim_start_matches([' ', '‘', '\'', '"', '“', '(']);
            if rest.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit()) {
                out.push(&line[start..=at]);
                start = at + 1;
            }
        }
        out.push(&line[start..]);
        out.into_iter().map(str::trim).filter(|s| !s.is_empty())
    })
}

#[cfg(test)]
mod tests;
