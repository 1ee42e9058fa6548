//! Dutch text analysis: words are lower-cased and folded ("cliënten" → "clienten"), stemmed with
//! the classic Dutch Porter stemmer (which, unlike Kraaij-Pohlmann, keeps "ge-": gemeente →
//! "gemeent", not "meen"), hyphenated words are indexed both split and joined ("re-integratie" →
//! "re", "integratie", "reintegratie"), and compounds are split with a dictionary while the whole
//! word is kept ("schuldhulpverlening" → itself plus "schuld", "hulpverlening", "hulp", "verlening").

use std::collections::HashSet;
use std::sync::LazyLock;

use frostem::{Algorithm, Stemmer};

/// What a token is, so that ranking can weigh whole words above compound parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A word as written.
    Word,
    /// A hyphenated word written without its hyphens.
    Joined,
    /// A dictionary part of a compound word.
    Part,
}

/// An index or query term with its place in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The stem of the folded word: what is matched.
    pub term: String,
    /// Word position (parts and joined forms share the position of their word).
    pub position: u32,
    /// Byte offsets of the word in the original text, for highlighting.
    pub start: usize,
    pub end: usize,
    pub kind: TokenKind,
}

/// Shortest compound part; shorter pieces ("ge", "ver") split words at random.
const MIN_PART: usize = 4;
/// Only words this long are tried as compounds.
const MIN_COMPOUND: usize = 2 * MIN_PART;

/// Words the Dutch stemmer would merge with a word of another meaning: "ouderen" and "oudere"
/// (the elderly, older) would both be "ouder", as "ouders" (parents) is, so a search for older
/// jobseekers found projects about parents.
const STEM_EXCEPTIONS: &[(&str, &str)] = &[("ouderen", "ouderen"), ("oudere", "ouderen")];

/// Analyses Dutch text into tokens. Cheap to share between threads.
#[derive(Clone)]
pub struct Analyzer {
    stemmer: Stemmer,
    /// Folded words known to stand alone, for decompounding.
    lexicon: HashSet<String>,
}

impl Analyzer {
    /// An analyzer whose compound dictionary holds `words` (folded on the way in).
    pub fn new(words: impl IntoIterator<Item = impl AsRef<str>>) -> Self {
        let lexicon = words
            .into_iter()
            .map(|w| fold(w.as_ref()))
            .filter(|w| w.chars().count() >= MIN_PART)
            .collect();
        Self {
            stemmer: Stemmer::new(Algorithm::DutchPorter),
            lexicon,
        }
    }

    /// Adds the words of a text to the compound dictionary (the corpus teaches it its vocabulary).
    pub fn learn(&mut self, text: &str) {
        for (_, _, word) in words(text) {
            let f = fold(word);
            if f.chars().count() >= MIN_PART && f.chars().all(char::is_alphabetic) {
                self.lexicon.insert(f);
            }
        }
    }

    /// The stem of one folded word.
    pub fn stem(&self, folded: &str) -> String {
        if let Some((_, stem)) = STEM_EXCEPTIONS.iter().find(|(w, _)| *w == folded) {
            return (*stem).to_owned();
        }
        self.stemmer.stem(folded).into_owned()
    }

    /// The stems of a text's words, in order: its `TokenKind::Word` terms, made without looking
    /// for compound parts (which costs most of an analysis).
    pub fn word_stems(&self, text: &str) -> Vec<String> {
        words(text)
            .flat_map(|(_, _, word)| word.split(['-', '\'', '’']))
            .filter(|piece| !piece.is_empty())
            .map(|piece| self.stem(&fold(piece)))
            .collect()
    }

    /// All tokens of a text, in order.
    pub fn analyze(&self, text: &str) -> Vec<Token> {
        self.analyze_cached(text, &mut WordCache::default())
    }

    /// As [`Analyzer::analyze`], remembering each word's stem and parts in `cache`: words repeat
    /// (Zipf), and stemming and decompounding dominate indexing time.
    pub fn analyze_cached(&self, text: &str, cache: &mut WordCache) -> Vec<Token> {
        let mut out = Vec::new();
        self.analyze_each(text, cache, |term, kind, position, start, end| {
            out.push(Token {
                term: term.to_owned(),
                position,
                start,
                end,
                kind,
            });
        });
        out
    }

    /// The tokens of a text in order, handed to `each` as (term, kind, position, start, end)
    /// without a string made per token (indexing a million projects makes billions).
    pub fn analyze_each(
        &self,
        text: &str,
        cache: &mut WordCache,
        mut each: impl FnMut(&str, TokenKind, u32, usize, usize),
    ) {
        self.pieces(text, |piece, joined, position, start, end| {
            if joined {
                each(
                    &self.stem(&fold(piece)),
                    TokenKind::Joined,
                    position,
                    start,
                    end,
                );
                return;
            }
            cache.with_terms(
                piece,
                |w| self.word_terms(w),
                |terms| {
                    for (i, term) in terms.iter().enumerate() {
                        let kind = if i == 0 {
                            TokenKind::Word
                        } else {
                            TokenKind::Part
                        };
                        each(term, kind, position, start, end);
                    }
                },
            );
        });
    }

    /// The pieces of a text before stemming, in order, handed to `each` as (piece, joined,
    /// position, start, end): every word, a hyphenated word as its pieces (one position each)
    /// and then, `joined` true, written without hyphens at its first piece's position. Start
    /// and end are the whole word's byte offsets. For callers that remember per piece what
    /// they make of it (the labeller): [`Analyzer::word_terms`] gives a piece's terms.
    pub fn pieces(&self, text: &str, mut each: impl FnMut(&str, bool, u32, usize, usize)) {
        let mut position = 0u32;
        for (start, end, word) in words(text) {
            let joiners = ['-', '\'', '’'];
            let first = position;
            let mut pieces = 0;
            // Most words have no joiner: then the word is its only piece, found without a search.
            let joined = word.bytes().any(|b| matches!(b, b'-' | b'\'' | 0xE2));
            let split = joined.then(|| word.split(joiners)).into_iter().flatten();
            let whole = (!joined).then_some(word);
            for piece in split.chain(whole).filter(|p| !p.is_empty()) {
                each(piece, false, position, start, end);
                position += 1;
                pieces += 1;
            }
            if pieces > 1 {
                let joined: String = word.split(joiners).collect();
                each(&joined, true, first, start, end);
            }
        }
    }

    /// The stem of a word followed by the stems of its compound parts.
    pub fn word_terms(&self, word: &str) -> Vec<String> {
        let f = fold(word);
        let mut terms = vec![self.stem(&f)];
        terms.extend(self.split_compound(&f).iter().map(|p| self.stem(p)));
        terms
    }

    /// The dictionary parts of a compound (all levels), or nothing for a plain word. A part may be
    /// followed by a linking "s", "e" or "en" ("werkgever-s-dienstverlening").
    pub fn split_compound(&self, folded: &str) -> Vec<String> {
        let chars: Vec<char> = folded.chars().collect();
        if chars.len() < MIN_COMPOUND || !chars.iter().all(|c| c.is_alphabetic()) {
            return Vec::new();
        }
        let mut parts = Vec::new();
        self.collect_parts(&chars, &mut parts, 0);
        parts.retain(|p| p != folded);
        parts.dedup();
        parts
    }

    /// The first split of a compound, head and tail without the linking letters
    /// ("statushoudersbeleid" → "statushouders", "beleid"), or `None` for a plain word.
    pub fn split_once(&self, folded: &str) -> Option<(String, String)> {
        let chars: Vec<char> = folded.chars().collect();
        if chars.len() < MIN_COMPOUND || !chars.iter().all(|c| c.is_alphabetic()) {
            return None;
        }
        let (head, tail) = self.best_split(&chars)?;
        Some((head.iter().collect(), tail.iter().collect()))
    }

    fn collect_parts(&self, word: &[char], out: &mut Vec<String>, depth: u8) {
        if depth > 3 {
            return;
        }
        if let Some((head, tail)) = self.best_split(word) {
            let head_s: String = head.iter().collect();
            let tail_s: String = tail.iter().collect();
            out.push(head_s);
            out.push(tail_s);
            self.collect_parts(head, out, depth + 1);
            self.collect_parts(tail, out, depth + 1);
        }
    }

    /// Whether `folded` is a dictionary word or a plural of one. The last part of a compound
    /// carries its inflection ("bijstandsgerechtigden", "schuldhulpverleners") while the word
    /// list holds lemmas, so a tail is also known as its singular: -s, -n after -e, -en with a
    /// doubled consonant undone (cursussen), -ven/-zen for -f/-s (bedrijven, huizen), -heden for
    /// -heid.
    pub(crate) fn is_word_form(&self, folded: &str) -> bool {
        let known = |w: &str| w.chars().count() >= MIN_PART && self.lexicon.contains(w);
        let plural_en = |stem: &str| {
            let undoubled = match stem.as_bytes() {
                [.., a, b] if a == b && !b"aeiou".contains(b) => known(&stem[..stem.len() - 1]),
                _ => false,
            };
            let devoiced = [("v", "f"), ("z", "s")].iter().any(|(from, to)| {
                stem.strip_suffix(from)
                    .is_some_and(|b| known(&format!("{b}{to}")))
            });
            known(stem) || undoubled || devoiced
        };
        known(folded)
            || folded
                .strip_suffix("heden")
                .is_some_and(|b| known(&format!("{b}heid")))
            || folded.strip_suffix("en").is_some_and(plural_en)
            || folded.strip_suffix('s').is_some_and(known)
            || folded
                .strip_suffix('n')
                .is_some_and(|b| b.ends_with('e') && known(b))
    }

    /// The split with the longest known head whose rest is a known word or itself splittable.
    fn best_split<'a>(&self, word: &'a [char]) -> Option<(&'a [char], &'a [char])> {
        for cut in (MIN_PART..=word.len().saturating_sub(MIN_PART)).rev() {
            let head = &word[..cut];
            if !self.lexicon.contains(&head.iter().collect::<String>()) {
                continue;
            }
            for link in [0usize, 1, 2] {
                let rest = &word[cut..];
                let linker: String = rest.iter().take(link).collect();
                if link > 0 && !matches!(linker.as_str(), "s" | "e" | "en") {
                    continue;
                }
                let tail = &rest[link..];
                if tail.len() < MIN_PART {
                    continue;
                }
                let tail_s: String = tail.iter().collect();
                if self.is_word_form(&tail_s)
                    || (tail.len() >= MIN_COMPOUND && self.best_split(tail).is_some())
                {
                    return Some((head, tail));
                }
            }
        }
        None
    }
}

/// Remembered analyses of single words; cleared when it grows past a bound so memory stays flat
/// (about 10 MB). Each analysis thread of a rebuild has one, and snippets share one; the bound
/// holds a corpus's everyday vocabulary, so clearing is rare.
#[derive(Debug, Default, Clone)]
pub struct WordCache {
    map: std::collections::HashMap<String, Vec<String>, foldhash::fast::RandomState>,
}

impl WordCache {
    const MAX_WORDS: usize = 100_000;

    /// Hands `word`'s terms to `use_terms`, made by `make` the first time (one lookup when known:
    /// the lookups were a tenth of the analysis in an index build).
    fn with_terms(
        &mut self,
        word: &str,
        make: impl FnOnce(&str) -> Vec<String>,
        use_terms: impl FnOnce(&[String]),
    ) {
        if let Some(terms) = self.map.get(word) {
            return use_terms(terms);
        }
        if self.map.len() >= Self::MAX_WORDS {
            self.map.clear();
        }
        let terms = make(word);
        use_terms(&terms);
        self.map.insert(word.to_owned(), terms);
    }
}

/// Lower-cases and removes diacritics: "Cliënten" → "clienten", "coöperatieve" → "cooperatieve".
pub fn fold(s: &str) -> String {
    s.chars().flat_map(fold_char).collect()
}

/// One character lower-cased and folded (usually one character).
pub(crate) fn fold_char(c: char) -> impl Iterator<Item = char> {
    c.to_lowercase().map(|c| match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'ç' => 'c',
        'ñ' => 'n',
        'ý' | 'ÿ' => 'y',
        c => c,
    })
}

/// Words with their byte offsets: letters and digits, with inner hyphens and apostrophes kept.
pub(crate) fn words(text: &str) -> impl Iterator<Item = (usize, usize, &str)> {
    let mut at = 0;
    std::iter::from_fn(move || {
        let mut start = at;
        loop {
            let c = char_at(text, start)?;
            if c.is_alphanumeric() {
                break;
            }
            start += c.len_utf8();
        }
        let end = word_end(text, start);
        at = end;
        Some((start, end, &text[start..end]))
    })
}

/// The character starting at byte `i`, decoded without Unicode tables when it is ASCII (most
/// characters of Dutch text are: this is the inner loop of every analysis).
fn char_at(text: &str, i: usize) -> Option<char> {
    match text.as_bytes().get(i) {
        Some(&b) if b.is_ascii() => Some(char::from(b)),
        Some(_) => text[i..].chars().next(),
        None => None,
    }
}

/// A hyphen or apostrophe joins two words' letters into one word ("re-integratie", "cliënt's").
fn is_joiner(c: char) -> bool {
    matches!(c, '-' | '\'' | '’')
}

/// The end of the word whose letters run on from `from` (a letter or digit).
fn word_end(text: &str, from: usize) -> usize {
    let mut i = from;
    while let Some(c) = char_at(text, i) {
        let next = i + c.len_utf8();
        let joins = || is_joiner(c) && char_at(text, next).is_some_and(|n| n.is_alphanumeric());
        if !(c.is_alphanumeric() || joins()) {
            return i;
        }
        i = next;
    }
    text.len()
}

/// The word (as `words` splits `text`) holding the letter or digit at byte `at`, as a byte range.
pub(crate) fn word_at(text: &str, at: usize) -> (usize, usize) {
    let mut start = at;
    let mut before = text[..at].char_indices().rev().peekable();
    while let Some((i, c)) = before.next() {
        // A joiner belongs to the word when letters stand on both sides of it.
        let joins = is_joiner(c) && before.peek().is_some_and(|(_, p)| p.is_alphanumeric());
        if !(c.is_alphanumeric() || joins) {
            break;
        }
        start = i;
    }
    (start, word_end(text, at))
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_stems_are_the_word_terms_of_an_analysis() {
        let a = Analyzer::new(["schuld", "hulpverlening", "werk", "gever"]);
        let text = "Schuldhulpverlening voor re-integratie van cliënt's en werkgevers";
        let words: Vec<String> = a
            .analyze(text)
            .into_iter()
            .filter(|t| t.kind == TokenKind::Word)
            .map(|t| t.term)
            .collect();
        assert_eq!(a.word_stems(text), words);
    }

    /// `word_at` finds, from any letter of a word, the word `words` gives.
    #[test]
    fn word_at_agrees_with_words() {
        for text in [
            "re-integratie van cliënt's -- werk-  'nou' a-'b x–y 2024-2025 ’s-Hertogenbosch",
            "-a- b'' ''c d-e-f ééé-ü",
        ] {
            for (start, end, _) in words(text) {
                for (i, c) in text[start..end].char_indices() {
                    if c.is_alphanumeric() {
                        assert_eq!(word_at(text, start + i), (start, end), "{text} @ {i}");
                    }
                }
            }
        }
        let split: Vec<&str> = words("a--b re-integratie -x y-").map(|w| w.2).collect();
        assert_eq!(split, ["a", "b", "re-integratie", "x", "y"]);
    }

    fn terms(a: &Analyzer, text: &str, kind: TokenKind) -> Vec<String> {
        a.analyze(text)
            .into_iter()
            .filter(|t| t.kind == kind)
            .map(|t| t.term)
            .collect()
    }

    #[test]
    fn the_ge_prefix_survives_stemming() {
        let a = Analyzer::new(Vec::<String>::new());
        for (word, stem) in [
            ("gemeente", "gemeent"),
            ("gemeenten", "gemeent"),
            ("gezondheid", "gezond"),
            ("gebruikers", "gebruiker"),
            ("woningen", "woning"),
            ("schulden", "schuld"),
            ("jongeren", "jonger"),
        ] {
            assert_eq!(a.stem(word), stem, "{word}");
        }
        assert_eq!(a.stem("schuld"), a.stem("schulden"));
    }

    #[test]
    fn diacritics_fold() {
        let a = Analyzer::new(Vec::<String>::new());
        assert_eq!(
            terms(&a, "Cliënten", TokenKind::Word),
            terms(&a, "clienten", TokenKind::Word)
        );
        assert_eq!(
            terms(&a, "Piëzomethodiek", TokenKind::Word),
            terms(&a, "piezomethodiek", TokenKind::Word)
        );
        assert_eq!(fold("coöperatieve"), "cooperatieve");
    }

    #[test]
    fn hyphenated_words_are_split_and_joined() {
        let a = Analyzer::new(Vec::<String>::new());
        let toks = a.analyze("re-integratie van 45-plussers");
        let words: Vec<&str> = toks
            .iter()
            .filter(|t| t.kind == TokenKind::Word)
            .map(|t| t.term.as_str())
            .collect();
        assert_eq!(words[0], "re");
        assert!(
            toks.iter()
                .any(|t| t.kind == TokenKind::Joined && t.term == a.stem("reintegratie"))
        );
        assert!(
            toks.iter()
                .any(|t| t.kind == TokenKind::Joined && t.term == a.stem("45plussers"))
        );
        // Offsets point at the whole written word, for highlighting.
        assert_eq!(
            &"re-integratie van 45-plussers"[toks[0].start..toks[0].end],
            "re-integratie"
        );
    }

    #[test]
    fn compounds_keep_the_word_and_add_their_parts() {
        let a = Analyzer::new([
            "schuld",
            "schulden",
            "hulp",
            "verlening",
            "hulpverlening",
            "armoede",
            "bestrijding",
            "werkgever",
            "werkgevers",
            "dienst",
            "dienstverlening",
            "arbeid",
            "markt",
            "toeleiding",
            "problematiek",
        ]);
        let parts = |w: &str| a.split_compound(w);
        assert_eq!(
            parts("schuldhulpverlening"),
            ["schuld", "hulpverlening", "hulp", "verlening"]
        );
        assert_eq!(parts("armoedebestrijding"), ["armoede", "bestrijding"]);
        assert_eq!(
            parts("werkgeversdienstverlening")[..2],
            ["werkgevers", "dienstverlening"]
        );
        assert!(parts("arbeidsmarkttoeleiding").contains(&"arbeid".to_owned()));
        assert!(parts("schuldenproblematiek").contains(&"schulden".to_owned()));
        assert!(parts("gemeente").is_empty());
        let toks = a.analyze("schuldhulpverlening");
        assert_eq!(toks[0].kind, TokenKind::Word);
        assert!(
            toks.iter()
                .any(|t| t.kind == TokenKind::Part && t.term == a.stem("schulden"))
        );
    }

    #[test]
    fn a_compound_tail_may_be_a_plural_of_a_dictionary_word() {
        let a = Analyzer::new([
            "bijstand",
            "gerechtigde",
            "schuld",
            "hulpverlener",
            "traject",
            "cursus",
            "budget",
            "bedrijf",
            "werk",
            "mogelijkheid",
            "leer",
        ]);
        let parts = |w: &str| a.split_compound(w);
        assert_eq!(parts("bijstandsgerechtigden"), ["bijstand", "gerechtigden"]);
        assert_eq!(parts("schuldhulpverleners"), ["schuld", "hulpverleners"]);
        assert_eq!(parts("werktrajecten"), ["werk", "trajecten"]);
        assert_eq!(parts("budgetcursussen"), ["budget", "cursussen"]);
        assert_eq!(parts("leerbedrijven"), ["leer", "bedrijven"]);
        assert_eq!(parts("leermogelijkheden"), ["leer", "mogelijkheden"]);
        // Not every ending is a plural: "-n" only after "-e".
        assert!(parts("werktrajectn").is_empty());
        assert!(parts("bijstandsgerechtigdt").is_empty());
    }

    #[test]
    fn learning_from_text_fills_the_dictionary() {
        let mut a = Analyzer::new(Vec::<String>::new());
        a.learn("Armoede is een probleem. De bestrijding ervan kost tijd.");
        assert_eq!(
            a.split_compound("armoedebestrijding"),
            ["armoede", "bestrijding"]
        );
    }
}
