//! Domain synonyms from an editable data file: groups of words that find each other.

use std::collections::HashMap;

use crate::analysis::{Analyzer, fold};

/// Stem → the stems of its group (itself included).
#[derive(Debug, Default, Clone)]
pub struct Synonyms {
    groups: Vec<Vec<String>>,
    by_stem: HashMap<String, usize>,
}

/// A line of the synonyms file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("synonyms line {line}: {message}")]
pub struct SynonymsError {
    pub line: usize,
    pub message: String,
}

impl Synonyms {
    /// Parses the file format: one comma-separated group per line, `#` comments. Single words
    /// only; a multi-word entry is an error rather than a silent miss.
    pub fn parse(text: &str, analyzer: &Analyzer) -> Result<Synonyms, SynonymsError> {
        let mut s = Synonyms::default();
        for (i, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let mut group: Vec<String> = Vec::new();
            for word in line.split(',').map(str::trim).filter(|w| !w.is_empty()) {
                let stem = analyzer.stem(&fold(&word.replace('-', "")));
                if word.contains(' ') {
                    return Err(SynonymsError {
                        line: i + 1,
                        message: format!("{word:?}: only single words are supported"),
                    });
                }
                if !group.contains(&stem) {
                    group.push(stem);
                }
            }
            if group.len() < 2 {
                return Err(SynonymsError {
                    line: i + 1,
                    message: "a group needs at least two words".into(),
                });
            }
            let idx = s.groups.len();
            for stem in &group {
                s.by_stem.entry(stem.clone()).or_insert(idx);
            }
            s.groups.push(group);
        }
        Ok(s)
    }

    /// The other stems a stem stands for (empty when it has no synonyms).
    pub fn expand(&self, stem: &str) -> impl Iterator<Item = &str> {
        self.by_stem.get(stem).into_iter().flat_map(move |&i| {
            self.groups[i]
                .iter()
                .map(String::as_str)
                .filter(move |s| *s != stem)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_find_each_other_through_stems() {
        let a = Analyzer::new(Vec::<String>::new());
        let s = Synonyms::parse(include_str!("../../../data/synonyms.txt"), &a).unwrap();
        let got: Vec<&str> = s.expand(&a.stem("statushouders")).collect();
        assert!(
            got.contains(&a.stem("vergunninghouder").as_str()),
            "{got:?}"
        );
        assert!(got.contains(&a.stem("vluchteling").as_str()));
        assert!(
            s.expand(&a.stem("refugees"))
                .any(|x| x == a.stem("vluchteling"))
        );
        assert_eq!(s.expand("onbekendwoord").count(), 0);
    }

    #[test]
    fn bad_lines_are_named() {
        let a = Analyzer::new(Vec::<String>::new());
        assert_eq!(Synonyms::parse("# c\n\nalleen", &a).unwrap_err().line, 3);
        assert!(Synonyms::parse("twee woorden, een", &a).is_err());
    }
}
