//! Any text typed in the search box gets an answer, never an error or a panic: the parser, the
//! rewrites (compound splits, synonym phrases, stop words), near spellings and partial matches
//! on the real catalogue, with words that reach each of them mixed with arbitrary text.

mod common;

use std::sync::LazyLock;

use proptest::prelude::*;
use watwerkt_search::{SearchIndex, SearchRequest, Sort};

static INDEX: LazyLock<(tempfile::TempDir, SearchIndex)> = LazyLock::new(common::seed_index);

/// Words that take the engine down its different roads, and characters the parser treats apart.
const WORDS: &[&str] = &[
    "statushouders",
    "schulden",
    "jongeren",
    "domestic",
    "violence",
    "young",
    "people",
    "hoe",
    "naar",
    "je",
    "werk",
    "schuldhulp",
    "statushoudersbeleid",
    "werkgeverschap",
    "arbeidsparticip",
    "armoedebestrjding",
    "re-integratie",
    "’s-Hertogenbosch",
    "cliënten",
    "OR",
    "-",
    "\"",
    "-schulden",
    "gemeente:Rotterdam",
    "jaar:2017",
    "status:afgerond",
    "onbekend:veld",
    "535002003",
    "2018",
    "*",
];

fn query() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        3 => proptest::sample::select(WORDS).prop_map(str::to_owned),
        1 => "\\PC{0,12}",
    ];
    proptest::collection::vec(word, 0..8).prop_map(|words| words.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn every_query_gets_an_answer(q in query(), offset in 0usize..30, newest in any::<bool>()) {
        let idx = &INDEX.1;
        let r = idx
            .search(&SearchRequest {
                query: q.clone(),
                limit: 10,
                offset,
                sort: if newest { Sort::Newest } else { Sort::Relevance },
                ..Default::default()
            })
            .unwrap_or_else(|e| panic!("{q:?}: {e}"));
        prop_assert!(r.hits.len() <= 10);
        prop_assert!(r.total <= 50);
        // Every counted hit is there to be paged to: a page is full unless it is the last.
        let expected = (r.total as usize).saturating_sub(offset).min(10);
        if r.redirect.is_none() {
            prop_assert_eq!(r.hits.len(), expected, "{:?} offset {}", q, offset);
        }
    }
}
