//! Parsing of the search page's query string: the URL holds the whole state (q, f=facet:value…,
//! sort, page, and `concepten=nee` to search the words only, without the labels they name).

/// Longer query strings are refused with 400: no honest search URL is this long.
pub const MAX_QUERY_LEN: usize = 4096;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum QueryError {
    #[error("query string is {0} bytes; at most {MAX_QUERY_LEN} expected")]
    TooLong(usize),
    #[error("query string: parameter {0:?} is not valid percent-encoded UTF-8")]
    Malformed(String),
    #[error("query string: parameter {name} = {value:?}: expected {expected}")]
    BadValue {
        name: String,
        value: String,
        expected: &'static str,
    },
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
}

fn decode(raw: &str) -> Result<String, QueryError> {
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
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| QueryError::Malformed(raw.to_string()))?;
                out.push(hex);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| QueryError::Malformed(raw.to_string()))
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
            Ok((decode(k)?, decode(v)?))
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
            match k.as_str() {
                "q" => st.q = v,
                "f" => {
                    let (name, value) = v
                        .split_once(':')
                        .filter(|(n, _)| watwerkt_search::FACETS.contains(n))
                        .ok_or_else(|| QueryError::BadValue {
                            name: k.clone(),
                            value: v.clone(),
                            expected: "facet:value with a known facet",
                        })?;
                    // The label facets have a fixed vocabulary: a misspelt id is an error,
                    // not a search that silently finds nothing.
                    if !crate::vocab::accepts(name, value) {
                        return Err(QueryError::BadValue {
                            name: k.clone(),
                            value: v.clone(),
                            expected: "a label id of the vocabulary (evidence_level: 0 to 4)",
                        });
                    }
                    st.filters.push((name.to_string(), value.to_string()));
                }
                "concepten" => {
                    st.no_concepts = match v.as_str() {
                        "nee" => true,
                        "ja" | "" => false,
                        _ => {
                            return Err(QueryError::BadValue {
                                name: k,
                                value: v,
                                expected: "ja or nee",
                            });
                        }
                    }
                }
                "sort" => {
                    st.newest = match v.as_str() {
                        "newest" => true,
                        "relevance" | "" => false,
                        _ => {
                            return Err(QueryError::BadValue {
                                name: k,
                                value: v,
                                expected: "relevance or newest",
                            });
                        }
                    }
                }
                "page" | "limit" => {
                    let n: usize = v
                        .parse()
                        .ok()
                        .filter(|n| (1..=1000).contains(n))
                        .ok_or_else(|| QueryError::BadValue {
                            name: k.clone(),
                            value: v.clone(),
                            expected: "a whole number from 1 to 1000",
                        })?;
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
        assert!(matches!(
            SearchState::parse(Some("q=%ZZ")),
            Err(QueryError::Malformed(_))
        ));
        assert!(matches!(
            SearchState::parse(Some("q=%FF%FE")),
            Err(QueryError::Malformed(_))
        ));
        assert!(matches!(
            SearchState::parse(Some("page=0")),
            Err(QueryError::BadValue { .. })
        ));
        assert!(matches!(
            SearchState::parse(Some("f=nofacet:x")),
            Err(QueryError::BadValue { .. })
        ));
        for bad in [
            "f=target_group:bejaarden",
            "f=evidence_level:9",
            "concepten=misschien",
        ] {
            assert!(
                matches!(
                    SearchState::parse(Some(bad)),
                    Err(QueryError::BadValue { .. })
                ),
                "{bad}"
            );
        }
        let long = format!("q={}", "a".repeat(MAX_QUERY_LEN));
        assert!(matches!(
            SearchState::parse(Some(&long)),
            Err(QueryError::TooLong(_))
        ));
    }
}
