//! Domain synonyms from an editable data file: groups of words that find each other.

use std::collections::HashMap;

use crate::analysis::{Analyzer, fold};

/// Groups of words and phrases that find each other, looked up by stem.
#[derive(Debug, Default, Clone)]
pub struct Synonyms {
    groups: Vec<Vec<Member>>,
    /// Single-word members: stem → group.
    by_stem: HashMap<String, usize>,
    /// Multi-word members: their stems and group, longest first.
    phrases: Vec<(Vec<String>, usize)>,
}

/// One entry of a group: a word or a phrase, as written and as stems.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub text: String,
    pub stems: Vec<String>,
}

impl Member {
    pub fn is_phrase(&self) -> bool {
        self.stems.len() > 1
    }
}

/// A line of the synonyms file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("synonyms line {line}: {message}")]
pub struct SynonymsError {
    pub line: usize,
    pub message: String,
}

impl Synonyms {
    /// Parses the file format: one comma-separated group per line, `#` comments. An entry is a
    /// word or a phrase of several words ("huiselijk geweld, domestic violence").
    pub fn parse(text: &str, analyzer: &Analyzer) -> Result<Synonyms, SynonymsError> {
        let mut s = Synonyms::default();
        for (i, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let mut group: Vec<Member> = Vec::new();
            for entry in line.split(',').map(str::trim).filter(|w| !w.is_empty()) {
                // A phrase is matched against typed words as the query reads them (a hyphen
                // splits); a single word by its joined form, as a typed word is.
                let stems: Vec<String> = if entry.contains(char::is_whitespace) {
                    analyzer.word_stems(entry)
                } else {
                    vec![analyzer.stem(&fold(&entry.replace('-', "")))]
                };
                if stems.is_empty() || stems.iter().any(String::is_empty) {
                    return Err(SynonymsError {
                        line: i + 1,
                        message: format!("{entry:?}: a word without letters or digits"),
                    });
                }
                if !group.iter().any(|m| m.stems == stems) {
                    group.push(Member {
                        text: entry.to_owned(),
                        stems,
                    });
                }
            }
            if group.len() < 2 {
                return Err(SynonymsError {
                    line: i + 1,
                    message: "a group needs at least two entries".into(),
                });
            }
            let idx = s.groups.len();
            for m in &group {
                match m.stems.as_slice() {
                    [stem] => {
                        s.by_stem.entry(stem.clone()).or_insert(idx);
                    }
                    stems => s.phrases.push((stems.to_vec(), idx)),
                }
            }
            s.groups.push(group);
        }
        s.phrases
            .sort_by_key(|(stems, _)| std::cmp::Reverse(stems.len()));
        Ok(s)
    }

    /// The other single-word stems a stem stands for (empty when it has no synonyms).
    pub fn expand(&self, stem: &str) -> impl Iterator<Item = &str> {
        self.by_stem.get(stem).into_iter().flat_map(move |&i| {
            self.groups[i]
                .iter()
                .filter_map(|m| match m.stems.as_slice() {
                    [s] => Some(s.as_str()),
                    _ => None,
                })
                .filter(move |s| *s != stem)
        })
    }

    /// The group of a single-word stem.
    pub fn group_of(&self, stem: &str) -> Option<usize> {
        self.by_stem.get(stem).copied()
    }

    /// The members of a group.
    pub fn members(&self, group: usize) -> &[Member] {
        &self.groups[group]
    }

    /// The longest multi-word member that `stems` starts with: its length in words and its group.
    pub fn phrase_at(&self, stems: &[&str]) -> Option<(usize, usize)> {
        self.phrases
            .iter()
            .find(|(p, _)| p.len() <= stems.len() && p.iter().zip(stems).all(|(a, b)| a == b))
            .map(|(p, g)| (p.len(), *g))
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
    fn phrases_are_members_found_by_their_stems() {
        let a = Analyzer::new(Vec::<String>::new());
        let s = Synonyms::parse("huiselijk geweld, domestic violence, partnergeweld", &a).unwrap();
        let stems = |t: &str| -> Vec<String> { t.split(' ').map(|w| a.stem(w)).collect() };
        let typed = stems("domestic violence in rotterdam");
        let typed: Vec<&str> = typed.iter().map(String::as_str).collect();
        let (len, group) = s.phrase_at(&typed).unwrap();
        assert_eq!(len, 2);
        let texts: Vec<&str> = s.members(group).iter().map(|m| m.text.as_str()).collect();
        assert_eq!(
            texts,
            ["huiselijk geweld", "domestic violence", "partnergeweld"]
        );
        assert!(s.phrase_at(&typed[1..]).is_none());
        // A phrase member is no single-word synonym of the group's words.
        assert_eq!(s.expand(&a.stem("partnergeweld")).count(), 0);
        assert_eq!(s.group_of(&a.stem("partnergeweld")), Some(group));
    }

    #[test]
    fn bad_lines_are_named() {
        let a = Analyzer::new(Vec::<String>::new());
        assert_eq!(Synonyms::parse("# c\n\nalleen", &a).unwrap_err().line, 3);
        assert_eq!(Synonyms::parse("een, een", &a).unwrap_err().line, 1);
        assert!(Synonyms::parse("woord, -- --", &a).is_err());
    }
}
