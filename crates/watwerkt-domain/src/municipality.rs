//! The Dutch municipalities a project can name: reference data compiled in from
//! `data/municipalities.csv` (every current municipality, the former ones merged since 2015 with
//! their successor, and common alternative spellings), looked up in any common spelling.

use std::collections::HashMap;
use std::sync::OnceLock;

const MUNICIPALITIES_CSV: &str = include_str!("../../../data/municipalities.csv");

/// What the municipality list knows about a name.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MunicipalityInfo {
    /// The name as the list spells it.
    pub name: String,
    /// The municipality it is (or became part of).
    pub current_name: String,
    pub province: String,
    /// Merged into `current_name` in `merged_year`.
    pub former: bool,
    pub merged_year: Option<u16>,
}

fn table() -> &'static HashMap<String, MunicipalityInfo> {
    static TABLE: OnceLock<HashMap<String, MunicipalityInfo>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut map = HashMap::new();
        for line in MUNICIPALITIES_CSV.lines().skip(1) {
            let cols = split_csv_line(line);
            let [name, current, province, status, year] = cols.as_slice() else {
                panic!("data/municipalities.csv: bad row {line:?}");
            };
            map.insert(
                key(name),
                MunicipalityInfo {
                    name: name.clone(),
                    current_name: current.clone(),
                    province: province.clone(),
                    former: status == "former",
                    merged_year: year.parse().ok(),
                },
            );
        }
        map
    })
}

/// Minimal CSV: fields may be double-quoted to hold commas.
fn split_csv_line(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// Comparison key: lower case, diacritics and punctuation gone ("’s Hertogenbosch" = "'s-Hertogenbosch").
fn key(name: &str) -> String {
    name.chars()
        .flat_map(char::to_lowercase)
        .map(fold)
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}

fn fold(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ä' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' => 'o',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        c => c,
    }
}

/// Looks a municipality up by name, in any common spelling.
pub fn municipality_info(name: &str) -> Option<MunicipalityInfo> {
    table().get(&key(name)).cloned()
}

/// The list's spelling of a known municipality written otherwise ("Nederbetuwe" → "Neder-Betuwe");
/// `None` when the name is unknown or written as listed (apostrophe styles and a space for a
/// hyphen do not count: "’s Hertogenbosch" is "'s-Hertogenbosch").
pub fn official_spelling(name: &str) -> Option<String> {
    let info = municipality_info(name)?;
    let loose = |s: &str| s.replace(['’', '‘'], "'").replace('-', " ").to_lowercase();
    (loose(name) != loose(&info.name)).then_some(info.name)
}

pub fn is_known_municipality(name: &str) -> bool {
    table().contains_key(&key(name))
}

/// The closest known municipality name within two edits, for "did you mean".
pub fn suggest_municipality(name: &str) -> Option<String> {
    let k = key(name);
    table()
        .iter()
        .map(|(mk, info)| (levenshtein(&k, mk), info))
        .filter(|(d, _)| *d <= 2 && k.len() >= 4)
        // Equal distances: the name sharing the longest prefix is the likelier slip ("Heurnen" → Heumen).
        .min_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| {
                    common_prefix(&k, &key(&b.1.name)).cmp(&common_prefix(&k, &key(&a.1.name)))
                })
                .then_with(|| a.1.name.cmp(&b.1.name))
        })
        .map(|(_, info)| info.name.clone())
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_has_every_current_municipality() {
        let current = table()
            .values()
            .filter(|i| !i.former && i.name == i.current_name)
            .count();
        assert_eq!(current, 342);
        assert_eq!(
            municipality_info("Geldermalsen").unwrap().current_name,
            "West Betuwe"
        );
        assert_eq!(
            municipality_info("’s Hertogenbosch").unwrap().name,
            "'s-Hertogenbosch"
        );
        assert!(is_known_municipality("Nederbetuwe"));
        assert_eq!(
            official_spelling("Nederbetuwe").as_deref(),
            Some("Neder-Betuwe")
        );
        assert_eq!(official_spelling("’s Hertogenbosch"), None);
        assert_eq!(official_spelling("Den Haag"), None);
    }

    #[test]
    fn suggests_close_names() {
        assert_eq!(suggest_municipality("Heurnen").as_deref(), Some("Heumen"));
        assert_eq!(
            suggest_municipality(
                "Regionale sociale dienst Kromme Rijn Heuvelrug (5 kleine gemeenten)"
            ),
            None
        );
    }
}
