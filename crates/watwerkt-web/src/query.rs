//! Parsing of the search page's query string: the URL holds the whole state (q, f=facet:value…,
//! sort, page, and `concepten=nee` to search the words only, without the labels they name).
//!
//! A refused query string is a [`QueryError`] that names the parameter and, as data, what it
//! should have been ([`Expected`]): the pages word it in the page's language (see
//! `Lang::query_problem`), the API's problem documents in English (its `Display`), and
//! [`QueryError::without`] gives the same query string without the refused part, so the error
//! page can link to a search that works.

use std::fmt;

pub use watwerkt_search::query::MAX_QUERY_CHARS;

use crate::vocab::MAX_LEVEL;

/// Longer query strings are refused with 400. Not the limit of a query (a long `q` is cut to
/// [`MAX_QUERY_CHARS`], see [`SearchState::cut`]), only a bound against abuse: room for a
/// 5,000-character query of two-byte characters, percent-encoded (30,000 bytes). Past 64 KiB of
/// address hyper answers 414 before we see the request.
pub const MAX_QUERY_LEN: usize = 32 * 1024;

/// The highest `page` (and `limit`) accepted: past it no search has results.
pub const MAX_PAGE: usize = 1000;

/// What a refused parameter's value should have been.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// `f=facet:value` naming one of [`watwerkt_search::FACETS`].
    Facet,
    /// An id of this label facet's vocabulary (`f=target_group:ouderen`).
    Label(&'static str),
    /// An evidence level, 0 to [`MAX_LEVEL`].
    EvidenceLevel,
    /// A whole number from 1 to [`MAX_PAGE`] (`page`, `limit`).
    Number,
    /// `relevance` or `newest`.
    Sort,
    /// `ja` or `nee`.
    YesNo,
    /// A programme line (the gap map's `theme`).
    Theme,
    /// A design id of the vocabulary (the gap map's `design`).
    Design,
    /// `lopend` or `afgerond` (the gap map's `status`).
    Status,
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expected::Facet => write!(
                f,
                "facet:value with a known facet ({})",
                watwerkt_search::FACETS.join(", ")
            ),
            Expected::Label(facet) => write!(f, "a label id of the {facet} vocabulary"),
            Expected::EvidenceLevel => write!(f, "an evidence level from 0 to {MAX_LEVEL}"),
            Expected::Number => write!(f, "a whole number from 1 to {MAX_PAGE}"),
            Expected::Sort => f.write_str("relevance or newest"),
            Expected::YesNo => f.write_str("ja or nee"),
            Expected::Theme => f.write_str("a programme line"),
            Expected::Design => f.write_str("a design id of the vocabulary"),
            Expected::Status => f.write_str("lopend or afgerond"),
        }
    }
}

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum QueryError {
    #[error("query string is {0} bytes; at most {MAX_QUERY_LEN} expected")]
    TooLong(usize),
    /// `pair` is the `name=value` as sent, still encoded.
    #[error("query string: {pair:?} is not valid percent-encoded UTF-8")]
    Malformed { pair: String },
    #[error("query string: parameter {name} = {value:?}: expected {expected}")]
    BadValue {
        name: String,
        value: String,
        expected: Expected,
    },
}

impl QueryError {
    /// The query string `raw` without the part this error refused ("" when nothing is left, and
    /// for a query string too long to keep any of).
    pub fn without(&self, raw: &str) -> String {
        let keep = |pair: &str| match self {
            QueryError::TooLong(_) => false,
            QueryError::Malformed { pair: bad } => pair != bad,
            QueryError::BadValue { name, value, .. } => {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                decode(k).as_ref() != Some(name) || decode(v).as_ref() != Some(value)
            }
        };
        raw.split('&')
            .filter(|p| !p.is_empty() && keep(p))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// The decoded state of a search page.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SearchState {
    pub q: String,
    pub filters: Vec<(String, String)>,
    pub newest: bool,
    pub page: usize,
    pub limit: Option<usize>,
    /// `concepten=nee`: do not also find projects by the labels the query names ("55-plussers"
    /// → target group ouderen); the default is to find them.
    pub no_concepts: bool,
    /// `q` was longer than [`MAX_QUERY_CHARS`] and is cut there (the engine reads no further
    /// anyway; the page says so).
    pub cut: bool,
}

/// `None` when `raw` is not percent-encoded UTF-8.
fn decode(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())?;
                out.push(hex);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// Percent-encodes a value for a query string (everything but unreserved characters).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The decoded `name=value` pairs of a query string, in order; refuses oversized and malformed
/// ones, so every page's parameters pass the same checks.
pub fn pairs(raw: Option<&str>) -> Result<Vec<(String, String)>, QueryError> {
    let Some(raw) = raw else {
        return Ok(Vec::new());
    };
    if raw.len() > MAX_QUERY_LEN {
        return Err(QueryError::TooLong(raw.len()));
    }
    raw.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            decode(k)
                .zip(decode(v))
                .ok_or_else(|| QueryError::Malformed {
                    pair: pair.to_owned(),
                })
        })
        .collect()
}

impl SearchState {
    pub fn parse(raw: Option<&str>) -> Result<SearchState, QueryError> {
        let mut st = SearchState {
            page: 1,
            ..Default::default()
        };
        for (k, v) in pairs(raw)? {
            let bad = |expected| QueryError::BadValue {
                name: k.clone(),
                value: v.clone(),
                expected,
            };
            match k.as_str() {
                "q" => {
                    // Cut on a character boundary: the `MAX_QUERY_CHARS`-th character's start.
                    let end = v.char_indices().nth(MAX_QUERY_CHARS).map(|(at, _)| at);
                    st.cut = end.is_some();
                    st.q = match end {
                        Some(at) => v[..at].to_owned(),
                        None => v,
                    };
                }
                "f" => {
                    let (name, value) = v
                        .split_once(':')
                        .and_then(|(n, value)| {
                            let name = watwerkt_search::FACETS.iter().find(|f| **f == n)?;
                            Some((*name, value))
                        })
                        .ok_or_else(|| bad(Expected::Facet))?;
                    // The label facets have a fixed vocabulary: a misspelt id is an error,
                    // not a search that silently finds nothing.
                    if !crate::vocab::accepts(name, value) {
                        return Err(bad(if name == "evidence_level" {
                            Expected::EvidenceLevel
                        } else {
                            Expected::Label(name)
                        }));
                    }
                    st.filters.push((name.to_string(), value.to_string()));
                }
                "concepten" => {
                    st.no_concepts = match v.as_str() {
                        "nee" => true,
                        "ja" | "" => false,
                        _ => return Err(bad(Expected::YesNo)),
                    }
                }
                "sort" => {
                    st.newest = match v.as_str() {
                        "newest" => true,
                        "relevance" | "" => false,
                        _ => return Err(bad(Expected::Sort)),
                    }
                }
                "page" | "limit" => {
                    let n: usize = v
                        .parse()
                        .ok()
                        .filter(|n| (1..=MAX_PAGE).contains(n))
                        .ok_or_else(|| bad(Expected::Number))?;
                    if k == "page" {
                        st.page = n;
                    } else {
                        st.limit = Some(n.min(100));
                    }
                }
                // Unknown parameters (tracking tags, lang) are ignored, not refused.
                _ => {}
            }
        }
        Ok(st)
    }

    /// A query was typed, but the engine's query language keeps nothing of it to search: only
    /// punctuation, symbols or operators ("!!!", "<>", "OR", an emoji). The engine reads that as
    /// no query at all and lists every project; the website and the API find nothing instead,
    /// and say why. An empty query with filters browses by facet and is not this.
    pub fn has_no_words(&self) -> bool {
        if self.q.trim().is_empty() {
            return false;
        }
        let parsed = watwerkt_search::query::parse(&self.q);
        parsed.groups.is_empty()
            && parsed.excluded.is_empty()
            && parsed.filters.is_empty()
            && parsed.unknown_fields.is_empty()
    }

    /// The search page URL for this state (page 1 is left out).
    pub fn url(&self) -> String {
        let mut parts = Vec::new();
        if !self.q.is_empty() {
            parts.push(format!("q={}", encode(&self.q)));
        }
        for (n, v) in &self.filters {
            parts.push(format!("f={}", encode(&format!("{n}:{v}"))));
        }
        if self.newest {
            parts.push("sort=newest".into());
        }
        if self.no_concepts {
            parts.push("concepten=nee".into());
        }
        if self.page > 1 {
            parts.push(format!("page={}", self.page));
        }
        if parts.is_empty() {
            "/zoeken".into()
        } else {
            format!("/zoeken?{}", parts.join("&"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_state_through_url() {
        let st = SearchState::parse(Some(
            "q=schulden+jongeren&f=theme%3ARe-integratie&f=status:Lopend&f=target_group:ouderen\
             &sort=newest&concepten=nee&page=3",
        ))
        .unwrap();
        assert_eq!(st.q, "schulden jongeren");
        assert_eq!(st.filters.len(), 3);
        assert!(st.newest);
        assert!(st.no_concepts);
        assert_eq!(st.page, 3);
        let back = SearchState::parse(st.url().split_once('?').map(|x| x.1)).unwrap();
        assert_eq!(back, st);
    }

    #[test]
    fn refuses_malformed_and_oversized() {
        for bad in ["q=%ZZ", "q=%FF%FE", "%C3=x"] {
            assert!(
                matches!(
                    SearchState::parse(Some(bad)),
                    Err(QueryError::Malformed { .. })
                ),
                "{bad}"
            );
        }
        for (bad, expected) in [
            ("page=0", Expected::Number),
            ("page=999999", Expected::Number),
            ("f=nofacet:x", Expected::Facet),
            ("f=novalue", Expected::Facet),
            ("f=target_group:bejaarden", Expected::Label("target_group")),
            ("f=evidence_level:9", Expected::EvidenceLevel),
            ("concepten=misschien", Expected::YesNo),
            ("sort=oldest", Expected::Sort),
        ] {
            match SearchState::parse(Some(bad)) {
                Err(QueryError::BadValue { expected: e, .. }) => assert_eq!(e, expected, "{bad}"),
                other => panic!("{bad}: {other:?}"),
            }
        }
        let long = format!("q={}", "a".repeat(MAX_QUERY_LEN));
        assert!(matches!(
            SearchState::parse(Some(&long)),
            Err(QueryError::TooLong(_))
        ));
    }

    #[test]
    fn cuts_a_long_query_on_a_character_boundary() {
        // Two-byte characters, percent-encoded: 5,000 of them are 30,000 bytes of query string.
        let long = format!("q={}", "%C3%A9".repeat(5000));
        let st = SearchState::parse(Some(&long)).unwrap();
        assert!(st.cut);
        assert_eq!(st.q.chars().count(), MAX_QUERY_CHARS);
        assert!(st.q.chars().all(|c| c == 'é'));
        let short =
            SearchState::parse(Some(&format!("q={}", "a".repeat(MAX_QUERY_CHARS)))).unwrap();
        assert!(!short.cut);
        assert_eq!(short.q.len(), MAX_QUERY_CHARS);
    }

    #[test]
    fn knows_a_query_without_words() {
        let state = |q: &str| SearchState {
            q: q.to_owned(),
            ..Default::default()
        };
        for q in ["!!!", "<>", " -- ", "\"\"", "OR", "😀", "- OR ?"] {
            assert!(state(q).has_no_words(), "{q}");
        }
        // A word (even one no project has), a filter typed in the box, or no query at all.
        for q in [
            "",
            "  ",
            "schulden",
            "<script>",
            "2017",
            "re-integratie",
            "gemeente:Tiel",
        ] {
            assert!(!state(q).has_no_words(), "{q}");
        }
    }

    #[test]
    fn without_drops_only_the_refused_part() {
        let raw = "q=schulden&f=nonsense%3Avalue&f=status%3ALopend&page=2";
        let e = SearchState::parse(Some(raw)).unwrap_err();
        assert_eq!(e.without(raw), "q=schulden&f=status%3ALopend&page=2");
        let raw = "q=%FF&sort=newest";
        let e = SearchState::parse(Some(raw)).unwrap_err();
        assert_eq!(e.without(raw), "sort=newest");
        let raw = "page=999999";
        assert_eq!(SearchState::parse(Some(raw)).unwrap_err().without(raw), "");
        assert_eq!(QueryError::TooLong(70_000).without("q=a"), "");
        // The API's detail stays English and names the parameter.
        let e = SearchState::parse(Some("f=target_group:bejaarden")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "query string: parameter f = \"target_group:bejaarden\": expected a label id of the \
             target_group vocabulary"
        );
    }
}
