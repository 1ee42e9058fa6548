//! What the catalogue's own text says about *what works for whom*: target groups, research
//! designs, outcome domains, the evidence level, findings and active ingredients. Derived from a
//! project's text by `watwerkt-labels`; plain data here, so store, index, pages and exports share
//! one shape. Label ids are those of `data/vocabulary.json`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A text field of a project that labels are read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextField {
    Title,
    FullTitle,
    Teaser,
    Question,
    Method,
    Outcome,
}

impl TextField {
    pub const ALL: [TextField; 6] = [
        TextField::Title,
        TextField::FullTitle,
        TextField::Teaser,
        TextField::Question,
        TextField::Method,
        TextField::Outcome,
    ];

    /// The name used in data files and JSON ("full_title").
    pub fn key(self) -> &'static str {
        match self {
            TextField::Title => "title",
            TextField::FullTitle => "full_title",
            TextField::Teaser => "teaser",
            TextField::Question => "question",
            TextField::Method => "method",
            TextField::Outcome => "outcome",
        }
    }

    pub fn from_key(s: &str) -> Option<TextField> {
        TextField::ALL.into_iter().find(|f| f.key() == s)
    }
}

impl fmt::Display for TextField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// The three label dimensions of the vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dimension {
    TargetGroup,
    Design,
    OutcomeDomain,
}

impl Dimension {
    pub const ALL: [Dimension; 3] = [
        Dimension::TargetGroup,
        Dimension::Design,
        Dimension::OutcomeDomain,
    ];

    /// The search facet and filter name ("target_group").
    pub fn facet(self) -> &'static str {
        match self {
            Dimension::TargetGroup => "target_group",
            Dimension::Design => "design",
            Dimension::OutcomeDomain => "outcome_domain",
        }
    }

    /// The key of the vocabulary and of the export's `derived` object ("target_groups").
    pub fn key(self) -> &'static str {
        match self {
            Dimension::TargetGroup => "target_groups",
            Dimension::Design => "designs",
            Dimension::OutcomeDomain => "outcome_domains",
        }
    }

    /// From either the facet name or the key.
    pub fn parse(s: &str) -> Option<Dimension> {
        Dimension::ALL
            .into_iter()
            .find(|d| d.facet() == s || d.key() == s)
    }
}

/// One label with the sentence that gave it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Label {
    pub id: String,
    /// The sentence (or, for an editor's override, the reason) that gave the label.
    pub quote: String,
    pub field: LabelSource,
}

/// Where a label came from: a text field, or an editor's override.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LabelSource {
    Title,
    FullTitle,
    Teaser,
    Question,
    Method,
    Outcome,
    /// Given by `data/label-overrides.csv`; the quote is the editor's reason.
    Override,
}

impl From<TextField> for LabelSource {
    fn from(f: TextField) -> Self {
        match f {
            TextField::Title => LabelSource::Title,
            TextField::FullTitle => LabelSource::FullTitle,
            TextField::Teaser => LabelSource::Teaser,
            TextField::Question => LabelSource::Question,
            TextField::Method => LabelSource::Method,
            TextField::Outcome => LabelSource::Outcome,
        }
    }
}

impl LabelSource {
    pub fn key(self) -> &'static str {
        match self {
            LabelSource::Override => "override",
            LabelSource::Title => "title",
            LabelSource::FullTitle => "full_title",
            LabelSource::Teaser => "teaser",
            LabelSource::Question => "question",
            LabelSource::Method => "method",
            LabelSource::Outcome => "outcome",
        }
    }
}

/// How strong the evidence is, 0 (no design stated) to 4 (randomised experiment), and why.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceLevel {
    pub level: u8,
    pub reason: String,
}

/// A quoted sentence: a finding or an active ingredient.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Passage {
    pub text: String,
    pub field: TextField,
}

/// Everything derived about one project, in the export's field order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Derived {
    pub target_groups: Vec<Label>,
    pub designs: Vec<Label>,
    pub outcome_domains: Vec<Label>,
    pub evidence_level: EvidenceLevel,
    pub findings: Vec<Passage>,
    pub active_ingredients: Vec<Passage>,
}

impl Derived {
    pub fn labels(&self, dimension: Dimension) -> &[Label] {
        match dimension {
            Dimension::TargetGroup => &self.target_groups,
            Dimension::Design => &self.designs,
            Dimension::OutcomeDomain => &self.outcome_domains,
        }
    }

    pub fn labels_mut(&mut self, dimension: Dimension) -> &mut Vec<Label> {
        match dimension {
            Dimension::TargetGroup => &mut self.target_groups,
            Dimension::Design => &mut self.designs,
            Dimension::OutcomeDomain => &mut self.outcome_domains,
        }
    }

    /// Not derived yet (a derived project always has an evidence-level reason).
    pub fn is_empty(&self) -> bool {
        *self == Derived::default()
    }

    pub fn has(&self, dimension: Dimension, id: &str) -> bool {
        self.labels(dimension).iter().any(|l| l.id == id)
    }
}
