//! "More like this" and the vraagbaak (matchmaker): projects similar to a project, or to a case
//! description a professional pastes in, with the words that connected them.
//!
//! A text is reduced to its most telling stems — weighted by how often the text uses them and how
//! rare they are in the catalogue (tf·idf) — and the catalogue is searched for any of them, each
//! with its weight, through the same field weights as a normal search.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use serde::Serialize;
use watwerkt_domain::Project;

use crate::analysis::{TokenKind, fold};
use crate::index::{Hit, SearchError, SearchIndex};

/// Stems a text is reduced to; enough to catch its subject, few enough to keep the query cheap.
const KEY_TERMS: usize = 25;
/// Longest text the vraagbaak reads (a few thousand words of Dutch).
pub const MAX_VRAAGBAAK_CHARS: usize = 50_000;

/// Words that say nothing about a subject (`data/stopwords.txt`), folded.
static STOPWORDS: LazyLock<HashSet<String>> = LazyLock::new(|| {
    include_str!("../../../data/stopwords.txt")
        .lines()
        .map(|l| l.split('#').next().unwrap_or_default())
        .flat_map(str::split_whitespace)
        .map(fold)
        .collect()
});

/// Whether a word is a stop word (it says nothing about a subject).
pub(crate) fn is_stopword(word: &str) -> bool {
    STOPWORDS.contains(&fold(word))
}

/// A similar project and the words (as the source text writes them) that connected it.
#[derive(Debug, Clone, Serialize)]
pub struct Match {
    #[serde(flatten)]
    pub hit: Hit,
    pub terms: Vec<String>,
}

/// What a "more like this" search leaves out and prefers besides the words.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Like<'a> {
    /// A project not to return (the one the others are like).
    pub exclude: Option<&'a str>,
    /// A theme whose projects count a little extra.
    pub theme: Option<&'a str>,
    /// Target groups (label ids) whose projects count extra: a case about a 58-year-old on
    /// social assistance should meet projects for older people before youth projects.
    pub target_groups: &'a [&'a str],
}

/// A telling stem of a text: its weight and the form the text first wrote it in.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct KeyTerm {
    pub stem: String,
    pub weight: f32,
    pub written: String,
}

impl SearchIndex {
    /// Projects most like `project` (itself left out): sharing its telling words, and within
    /// its theme where the words leave a choice.
    #[tracing::instrument(skip_all, fields(number = project.number.as_str()))]
    pub fn similar(&self, project: &Project, limit: usize) -> Result<Vec<Match>, SearchError> {
        let text = [
            project.title.as_str(),
            project.full_title.as_deref().unwrap_or_default(),
            project.teaser.as_deref().unwrap_or_default(),
            project.question.as_str(),
            project.outcome.as_str(),
            project.method.as_str(),
        ]
        .join("\n\n");
        let like = Like {
            exclude: Some(project.number.as_str()),
            theme: Some(project.theme.name()),
            target_groups: &[],
        };
        self.matching(&text, like, limit)
    }

    /// The vraagbaak: projects most like a pasted question or case description.
    #[tracing::instrument(skip(self, text), fields(chars = text.len()))]
    pub fn vraagbaak(&self, text: &str, limit: usize) -> Result<Vec<Match>, SearchError> {
        self.vraagbaak_for(text, limit, &[])
    }

    /// As [`SearchIndex::vraagbaak`], with the target groups the case names (label ids, found by
    /// the caller's lexicon): projects for them count as much as a telling word more.
    #[tracing::instrument(skip(self, text), fields(chars = text.len()))]
    pub fn vraagbaak_for(
        &self,
        text: &str,
        limit: usize,
        target_groups: &[&str],
    ) -> Result<Vec<Match>, SearchError> {
        let text: String = text.chars().take(MAX_VRAAGBAAK_CHARS).collect();
        let like = Like {
            target_groups,
            ..Like::default()
        };
        self.matching(&text, like, limit)
    }

    fn matching(&self, text: &str, like: Like, limit: usize) -> Result<Vec<Match>, SearchError> {
        let keys = self.key_terms(text, if like.exclude.is_some() { 2 } else { 1 })?;
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let weighted: Vec<(String, f32)> =
            keys.iter().map(|k| (k.stem.clone(), k.weight)).collect();
        let written: HashMap<&str, &str> = keys
            .iter()
            .map(|k| (k.stem.as_str(), k.written.as_str()))
            .collect();
        let found = self.search_stems(&weighted, like, limit.clamp(1, 50))?;
        Ok(found
            .into_iter()
            .map(|(hit, stems)| {
                // In the order of their weight: the strongest connection first.
                let mut terms: Vec<String> = keys
                    .iter()
                    .filter(|k| stems.contains(&k.stem))
                    .filter_map(|k| written.get(k.stem.as_str()).map(|w| (*w).to_owned()))
                    .collect();
                terms.dedup();
                Match { hit, terms }
            })
            .collect())
    }

    /// The text's most telling stems by tf·idf over the catalogue; stop words, and stems the
    /// catalogue lacks or that most projects share ("gemeente" in a catalogue of municipal
    /// projects), drop out.
    /// `min_df` drops words fewer projects hold (2 when the text is a project's own: its unique
    /// words find only itself).
    pub(crate) fn key_terms(&self, text: &str, min_df: u64) -> Result<Vec<KeyTerm>, SearchError> {
        let mut tf: HashMap<String, (u32, String)> = HashMap::new();
        for t in self.analyzer().analyze(text) {
            let written = &text[t.start..t.end];
            if t.kind == TokenKind::Part
                || t.term.chars().count() < 3
                || t.term.chars().all(|c| c.is_ascii_digit())
                || is_stopword(written)
            {
                continue;
            }
            let entry = tf
                .entry(t.term)
                .or_insert_with(|| (0, written.to_lowercase()));
            entry.0 += 1;
        }
        let searcher = self.searcher();
        let n = searcher.num_docs() as f32;
        let mut keys = Vec::new();
        for (stem, (count, written)) in tf {
            let df = self.word_doc_freq(&searcher, &stem)? as f32;
            if df < min_df as f32 || df > n * 0.5 {
                continue;
            }
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            let tf = 1.0 + (count as f32).ln();
            keys.push((
                tf * idf,
                KeyTerm {
                    stem,
                    weight: tf,
                    written,
                },
            ));
        }
        // Chosen by tf·idf, searched with their text frequency only: BM25 weighs rarity itself,
        // and counting it twice lets one rare word decide.
        keys.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.stem.cmp(&b.1.stem)));
        keys.truncate(KEY_TERMS);
        let max = keys.iter().map(|k| k.1.weight).fold(0.0, f32::max);
        Ok(keys
            .into_iter()
            .map(|(_, mut k)| {
                k.weight /= max;
                k
            })
            .collect())
    }
}
