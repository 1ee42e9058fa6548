//! The fixed vocabulary of "wat werkt voor wie" (`data/vocabulary.json`, a copy of the
//! programme's shared file): label ids with Dutch and English names and definitions, and the
//! evidence levels.

use serde::Deserialize;
use watwerkt_domain::Dimension;

/// The shipped vocabulary.
pub const VOCABULARY_JSON: &str = include_str!("../../../data/vocabulary.json");

/// One label of a dimension.
#[derive(Debug, Clone, Deserialize)]
pub struct Term {
    pub id: String,
    pub nl: String,
    pub en: String,
    pub definition: String,
}

/// One evidence level.
#[derive(Debug, Clone, Deserialize)]
pub struct Level {
    pub level: u8,
    pub nl: String,
    pub en: String,
    pub definition: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EvidenceLevels {
    pub rule: String,
    pub levels: Vec<Level>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Vocabulary {
    pub version: u32,
    pub rules: Vec<String>,
    pub target_groups: Vec<Term>,
    pub designs: Vec<Term>,
    pub outcome_domains: Vec<Term>,
    pub evidence_levels: EvidenceLevels,
}

impl Vocabulary {
    /// The shipped vocabulary, parsed once.
    pub fn get() -> &'static Vocabulary {
        static V: std::sync::OnceLock<Vocabulary> = std::sync::OnceLock::new();
        V.get_or_init(|| {
            serde_json::from_str(VOCABULARY_JSON).expect("data/vocabulary.json is valid")
        })
    }

    pub fn terms(&self, dimension: Dimension) -> &[Term] {
        match dimension {
            Dimension::TargetGroup => &self.target_groups,
            Dimension::Design => &self.designs,
            Dimension::OutcomeDomain => &self.outcome_domains,
        }
    }

    pub fn term(&self, dimension: Dimension, id: &str) -> Option<&Term> {
        self.terms(dimension).iter().find(|t| t.id == id)
    }

    /// The position of a label in its dimension, which orders labels everywhere.
    pub fn rank(&self, dimension: Dimension, id: &str) -> Option<usize> {
        self.terms(dimension).iter().position(|t| t.id == id)
    }

    pub fn level(&self, level: u8) -> Option<&Level> {
        self.evidence_levels
            .levels
            .iter()
            .find(|l| l.level == level)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_copy_is_the_programmes_file() {
        let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/vocabulary.json");
        match std::fs::read_to_string(&shared) {
            Ok(text) => assert_eq!(
                text,
                VOCABULARY_JSON,
                "data/vocabulary.json differs from {}",
                shared.display()
            ),
            Err(_) => eprintln!("skipped: no {} beside the checkout", shared.display()),
        }
    }

    #[test]
    fn parses_with_every_dimension_and_level() {
        let v = Vocabulary::get();
        assert!(
            v.target_groups.len() >= 18 && v.designs.len() >= 11 && v.outcome_domains.len() >= 9
        );
        assert_eq!(v.evidence_levels.levels.len(), 5);
        assert_eq!(
            v.term(Dimension::Design, "rct").unwrap().nl,
            "Gerandomiseerd experiment"
        );
    }
}
