//! The engine on the real catalogue: the bundled seed pages parsed by the importer and indexed.

mod common;

use watwerkt_search::{Notice, SearchIndex, SearchRequest, SearchResponse, Sort};

use common::seed_index as index;

fn search(idx: &SearchIndex, q: &str) -> SearchResponse {
    idx.search(&SearchRequest {
        query: q.into(),
        limit: 10,
        ..Default::default()
    })
    .unwrap()
}

fn numbers(r: &SearchResponse) -> Vec<&str> {
    r.hits.iter().map(|h| h.project_number.as_str()).collect()
}

#[test]
fn builds_and_records_its_generation() {
    let (dir, idx) = index();
    assert_eq!(idx.len(), 50);
    assert_eq!(idx.generation(), Some(1));
    drop(idx);
    let again = SearchIndex::open(dir.path()).unwrap();
    assert_eq!(again.generation(), Some(1));
    assert_eq!(again.len(), 50);
}

#[test]
fn dutch_words_find_their_forms_and_compounds() {
    let (_d, idx) = index();
    // "schulden jongeren": the peer intervention against young people's debts comes first.
    assert_eq!(numbers(&search(&idx, "schulden jongeren"))[0], "535002003");
    // Diacritics fold both ways.
    assert_eq!(
        search(&idx, "clienten").total,
        search(&idx, "cliënten").total
    );
    assert!(
        search(&idx, "piezomethodiek")
            .hits
            .iter()
            .any(|h| h.project_number == "535005002")
    );
    // A compound part finds the compound: armoede → armoedebestrijding, schulden → schuldhulpverlening.
    let r = search(&idx, "huiseigenaren schulden");
    assert_eq!(numbers(&r)[0], "535006009");
    // Synonyms: statushouders finds the vergunninghouder projects.
    let r = search(&idx, "statushouders werk");
    assert!(r.total >= 7, "{}", r.total);
    assert!(
        numbers(&r)
            .iter()
            .take(5)
            .all(|n| n.starts_with("535005") || *n == "535001002" || *n == "10420012110006"),
        "{:?}",
        numbers(&r)
    );
}

#[test]
fn snippets_mark_the_words_found() {
    let (_d, idx) = index();
    let r = search(&idx, "budgetcursus");
    assert_eq!(numbers(&r)[0], "535002001");
    let title = &r.hits[0].snippets["title"];
    assert!(title.contains("<mark>budgetcursus</mark>"), "{title}");
}

#[test]
fn filters_and_disjunctive_facets() {
    let (_d, idx) = index();
    let all = idx
        .search(&SearchRequest {
            limit: 5,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(all.total, 50);
    let theme = &all.facets["theme"];
    assert_eq!(theme.iter().map(|c| c.count).sum::<u64>(), 50);
    let req = SearchRequest {
        query: "werk".into(),
        filters: vec![
            ("theme".into(), "Vergunninghouders".into()),
            ("status".into(), "lopend".into()),
        ],
        limit: 10,
        ..Default::default()
    };
    let r = idx.search(&req).unwrap();
    assert!(r.total > 0 && r.total <= 8);
    // The theme facet ignores the theme filter itself, so other themes still show counts.
    assert!(r.facets["theme"].len() > 1, "{:?}", r.facets["theme"]);
    let typed = search(&idx, "werk thema:vergunninghouders status:lopend");
    assert_eq!(typed.total, r.total);
    let year = search(&idx, "jaar:2016");
    assert_eq!(year.total, 15);
    let newest = idx
        .search(&SearchRequest {
            sort: Sort::Newest,
            limit: 3,
            ..Default::default()
        })
        .unwrap();
    assert!(newest.hits[0].project_number.starts_with("1042"));
}

#[test]
fn fallback_redirect_and_odd_input() {
    let (_d, idx) = index();
    let r = search(&idx, "budgetcursus zeppelinvaart");
    assert_eq!(r.notice, Some(Notice::Fallback));
    assert_eq!(numbers(&r)[0], "535002001");
    assert_eq!(
        search(&idx, "535006006").redirect.as_deref(),
        Some("535006006")
    );
    for q in [
        "\"",
        "-",
        "OR",
        "a:b",
        &"x".repeat(10_000),
        "'; DROP TABLE x; --",
        "(*.?)",
        "gemeente:",
    ] {
        let _ = search(&idx, q);
    }
    let r = idx
        .search(&SearchRequest {
            query: "werk".into(),
            offset: 10_000,
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert!(r.hits.is_empty() && r.total > 0);
}
