//! The query-set format of ../shared/bench/queries.txt: query words, then TAB-separated
//! key=value filters; `#` lines and blank lines are ignored.

use anyhow::{Result, bail};

/// One benchmark query: words to AND, and (field, value) filters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchQuery {
    pub query: String,
    pub filters: Vec<(String, String)>,
}

/// Parses the whole file; a filter without `=` is an error naming its line.
pub fn parse_queries(text: &str) -> Result<Vec<BenchQuery>> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.split('\t');
        let query = parts.next().unwrap_or_default().trim().to_string();
        let mut filters = Vec::new();
        for part in parts {
            let Some((key, value)) = part.split_once('=') else {
                bail!("line {}: filter `{part}`: expected key=value", i + 1);
            };
            filters.push((key.trim().to_string(), value.trim().to_string()));
        }
        out.push(BenchQuery { query, filters });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_words_filters_and_skips_comments() {
        let q = parse_queries(
            "# comment\n\nschulden jongeren\nschulden\ttheme=Schuldhulpverlening en armoedebestrijding\tstatus=Afgerond\n",
        )
        .unwrap();
        assert_eq!(q.len(), 2);
        assert_eq!(q[0].query, "schulden jongeren");
        assert!(q[0].filters.is_empty());
        assert_eq!(
            q[1].filters,
            vec![
                (
                    "theme".to_string(),
                    "Schuldhulpverlening en armoedebestrijding".to_string()
                ),
                ("status".to_string(), "Afgerond".to_string())
            ]
        );
    }

    #[test]
    fn filter_without_equals_names_its_line() {
        let e = parse_queries("a\nwerk\tthema\n").unwrap_err().to_string();
        assert!(e.contains("line 2"), "{e}");
    }

    #[test]
    fn shared_query_file_parses() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/bench/queries.txt"
        );
        // The kit sits beside the checkout (`../shared`), outside the repository: a clone
        // elsewhere has no query file to parse.
        let Ok(text) = std::fs::read_to_string(path) else {
            eprintln!("skipped: no shared bench kit at {path}");
            return;
        };
        let q = parse_queries(&text).unwrap();
        assert_eq!(q.len(), 60);
        assert_eq!(q.iter().filter(|q| !q.filters.is_empty()).count(), 7);
    }
}
