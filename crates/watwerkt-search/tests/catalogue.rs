//! The engine on the real catalogue: the bundled seed pages parsed by the importer and indexed.

mod common;

use watwerkt_search::{Notice, SearchIndex, SearchRequest, SearchResponse, Sort, SuggestionKind};

use common::seed_index as index;

fn search(idx: &SearchIndex, q: &str) -> SearchResponse {
    idx.search(&SearchRequest {
        query: q.into(),
        limit: 10,
        ..Default::default()
    })
    .unwrap()
}

/// Up to a hundred hits: all of them in the seed catalogue.
fn search_all(idx: &SearchIndex, q: &str) -> SearchResponse {
    idx.search(&SearchRequest {
        query: q.into(),
        limit: 100,
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

#[test]
fn products_are_items_of_their_own() {
    let (_d, idx) = index();
    // Found by its own title.
    let r = search(&idx, "factsheet statushouders");
    let first = r.products.first().expect("a product");
    assert_eq!(
        first.title,
        "Factsheet Amsterdamse aanpak statushouders in cijfers"
    );
    assert_eq!(first.kind, "factsheet");
    // A product called just "Factsheet voor gemeenten" is found through its project's subject.
    let r = search(&idx, "factsheet buurtsupers");
    assert!(
        r.products
            .iter()
            .any(|p| p.title == "Factsheet voor gemeenten"
                && p.project_title.contains("Buurtsupers")),
        "{:?}",
        r.products
    );
    assert!(r.products.iter().all(|p| p.kind == "factsheet"));
    // Product items answer queries that name a kind of product.
    assert!(search(&idx, "buurtsupers").products.is_empty());
    assert!(!search(&idx, "handboeken").products.is_empty());
    // Filters narrow projects; products are not filtered by them, so they are left out.
    assert!(
        search(&idx, "factsheet status:afgerond")
            .products
            .is_empty()
    );
}

#[test]
fn suggestions_complete_words_and_names() {
    let (_d, idx) = index();
    let s = idx.suggest("schuld", 10).unwrap();
    let terms: Vec<&str> = s
        .iter()
        .filter(|s| s.kind == SuggestionKind::Term)
        .map(|s| s.text.as_str())
        .collect();
    assert!(!terms.is_empty(), "{s:?}");
    assert!(terms.iter().all(|t| t.starts_with("schuld")), "{terms:?}");
    assert!(
        s.iter()
            .filter(|s| s.kind == SuggestionKind::Term)
            .all(|s| s.count > 0)
    );
    assert!(
        s.iter()
            .any(|s| s.kind == SuggestionKind::Project && s.project_number.is_some())
    );
    // Diacritics fold: "clie" completes to "cliënten" as written.
    let s = idx.suggest("clie", 10).unwrap();
    assert!(s.iter().any(|s| s.text == "cliënten"), "{s:?}");
    // Names by the start of any of their words.
    let s = idx.suggest("rotter", 10).unwrap();
    assert!(
        s.iter()
            .any(|s| s.kind == SuggestionKind::Municipality && s.text == "Rotterdam"),
        "{s:?}"
    );
    let s = idx.suggest("jonker", 10).unwrap();
    assert!(
        s.iter()
            .any(|s| s.kind == SuggestionKind::Organisation && s.text.contains("Verwey-Jonker")),
        "{s:?}"
    );
    // Earlier words are kept.
    let s = idx.suggest("jongeren schu", 10).unwrap();
    assert!(
        s.iter()
            .filter(|s| s.kind == SuggestionKind::Term)
            .all(|s| s.text.starts_with("jongeren schu")),
        "{s:?}"
    );
    assert!(idx.suggest("", 10).unwrap().is_empty());
    assert!(idx.suggest("s", 10).unwrap().is_empty());
}

#[test]
fn did_you_mean_corrects_words_the_catalogue_lacks() {
    let (_d, idx) = index();
    let r = search(&idx, "armoedebestrjding");
    assert_eq!(r.did_you_mean.as_deref(), Some("armoedebestrijding"));
    let r = search(&idx, "jongeren budgetcurus");
    assert_eq!(r.did_you_mean.as_deref(), Some("jongeren budgetcursus"));
    // No project has every word as typed, but one has every word of the correction: it is
    // searched, and said.
    let r = search(&idx, "psygische problemen");
    assert_eq!(
        r.notice,
        Some(Notice::Corrected {
            query: "psychische problemen".into()
        })
    );
    assert!(r.complete > 0);
    // A query that finds nothing as typed answers with the corrected query, and says so.
    let r = search(&idx, "schuldhulpverleninf");
    assert!(r.total > 0);
    assert_eq!(
        r.notice,
        Some(Notice::Corrected {
            query: "schuldhulpverlening".into()
        })
    );
    // Known words are left alone.
    assert_eq!(search(&idx, "schulden jongeren").did_you_mean, None);
    // A word cut short finds the words it begins.
    let full = search(&idx, "arbeidsparticipatie");
    let cut = search(&idx, "arbeidsparticip");
    assert!(full.total > 0);
    assert!(cut.total >= full.total, "{} < {}", cut.total, full.total);
    assert!(numbers(&full).iter().all(|n| numbers(&cut).contains(n)));
    // A word found only at the end of a compound ("job" is too short a part to split off) is
    // read as that compound when nothing else matches.
    let r = search(&idx, "coaching");
    assert_eq!(
        r.notice,
        Some(Notice::Corrected {
            query: "jobcoaching".into()
        })
    );
    let compound = search(&idx, "jobcoaching");
    assert!(compound.total > 0);
    assert_eq!(numbers(&r), numbers(&compound));
}

#[test]
fn an_unknown_compound_is_searched_as_the_words_it_is_made_of() {
    let (_d, idx) = index();
    let r = search(&idx, "statushoudersbeleid");
    assert_eq!(
        r.notice,
        Some(Notice::Split {
            word: "statushoudersbeleid".into(),
            parts: vec!["statushouders".into(), "beleid".into()],
        })
    );
    let parts = search(&idx, "statushouders beleid");
    assert!(r.total > 0);
    assert_eq!((r.total, numbers(&r)), (parts.total, numbers(&parts)));
    assert_eq!(r.did_you_mean, None);
    // Words the catalogue has, compounds included, are searched as typed.
    assert_eq!(search(&idx, "schuldhulpverlening").notice, None);
    assert_eq!(search(&idx, "armoedebestrijding").notice, None);
    // "-schap" makes a noun of its word: "werkgeverschap" is searched as "werkgever", not
    // with "schap" (a shelf).
    assert_eq!(
        search(&idx, "werkgeverschap").notice,
        Some(Notice::Split {
            word: "werkgeverschap".into(),
            parts: vec!["werkgever".into()],
        })
    );
    // A split with a part the catalogue lacks ("fiets") is no reading of the word.
    assert!(!matches!(
        search(&idx, "fietsproject").notice,
        Some(Notice::Split { .. })
    ));
    // Only a word typed on its own is split, not one of a phrase or an OR.
    let r = search(&idx, "\"statushoudersbeleid\"");
    assert_eq!((r.total, r.notice), (0, None));
    // A compound's last part may be a plural: "bijstandsgerechtigden" holds "gerechtigden" (the
    // word list has "gerechtigde"), so that word finds it, and so does another compound with it.
    let holders = search(&idx, "bijstandsgerechtigden");
    assert!(holders.total > 0);
    let r = search(&idx, "gerechtigden");
    assert_eq!(r.total, holders.total);
    let r = search(&idx, "uitkeringsgerechtigden");
    assert_eq!(
        r.notice,
        Some(Notice::Split {
            word: "uitkeringsgerechtigden".into(),
            parts: vec!["uitkering".into(), "gerechtigden".into()],
        })
    );
    assert!(r.total > 0);
}

#[test]
fn a_compound_that_finds_nothing_is_searched_as_the_parts_the_catalogue_has() {
    let (_d, idx) = index();
    // No project has "coaching" on its own: "budgetcoaching" is searched as "budget", and the
    // notice names the part left out.
    let r = search(&idx, "budgetcoaching");
    assert_eq!(
        r.notice,
        Some(Notice::SplitPartly {
            word: "budgetcoaching".into(),
            parts: vec!["budget".into()],
            missing: vec!["coaching".into()],
        })
    );
    let budget = search(&idx, "budget");
    assert!(budget.total > 0);
    assert_eq!((r.total, numbers(&r)), (budget.total, numbers(&budget)));
    // Only a telling part stands in for the word ("project" is a stop word, "onderzoek" is in
    // most projects), and a dictionary word is no compound of the catalogue's words
    // ("schuldenaars": "schulden" + "aars").
    for word in ["fietsproject", "zeldzaamheidsonderzoek", "schuldenaars"] {
        let r = search(&idx, word);
        assert_eq!((r.total, r.notice), (0, None), "{word}");
    }
}

#[test]
fn partial_matches_lacking_fewest_telling_words_come_first() {
    let (_d, idx) = index();
    let all = |q: &str| {
        idx.search(&SearchRequest {
            query: q.into(),
            limit: 100,
            ..Default::default()
        })
        .unwrap()
    };
    let words = ["statushouders", "schulden", "vrijwilligers", "gezondheid"];
    let r = all(&words.join(" "));
    assert_eq!(r.notice, Some(Notice::Fallback));
    // How many of the words each hit has, in the order shown: never more further down.
    let sets: Vec<Vec<String>> = words
        .iter()
        .map(|w| numbers(&all(w)).iter().map(|n| n.to_string()).collect())
        .collect();
    let cover: Vec<usize> = r
        .hits
        .iter()
        .map(|h| {
            sets.iter()
                .filter(|s| s.contains(&h.project_number))
                .count()
        })
        .collect();
    assert!(cover.windows(2).all(|w| w[0] >= w[1]), "{cover:?}");
    assert!(cover[0] > cover[cover.len() - 1], "{cover:?}");
    // Every partial match is counted and shown once.
    assert_eq!(r.hits.len() as u64, r.total);
    let mut seen = numbers(&r);
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len() as u64, r.total);
}

#[test]
fn stop_words_do_not_restrict_a_search_with_other_words() {
    let (_d, idx) = index();
    // "hoe", "je" and "naar" need not occur; "begeleid", "statushouders" and "werk" must.
    // Nor do they score: the order is that of the other words alone.
    let r = search(&idx, "hoe begeleid je statushouders naar werk");
    assert_eq!(r.notice, None);
    let without = search(&idx, "begeleid statushouders werk");
    assert_eq!(numbers(&r), numbers(&without));
    // A question's verbs are stop words in the forms a question uses ("krijg").
    let r = search(&idx, "hoe krijg ik bijstandsgerechtigden aan het werk");
    assert_eq!(r.notice, None);
    assert_eq!(
        numbers(&r),
        numbers(&search(&idx, "bijstandsgerechtigden werk"))
    );
    // "to" is rare here (once, in "peer-to-peer"), yet does not lift that project.
    assert_eq!(
        numbers(&search(&idx, "how to help refugees find work")),
        numbers(&search(&idx, "help refugees find work"))
    );
    // So are an English question's function words.
    let r = search(&idx, "what works for young people with debts");
    assert_eq!(r.notice, None);
    assert_eq!(
        numbers(&r),
        numbers(&search(&idx, "works young people debts"))
    );
    assert!(r.total > 0);
    // A query of stop words only still finds the projects that have them.
    assert!(search(&idx, "aan het").total > 0);
}

#[test]
fn years_and_statuses_typed_as_words_are_facet_values_too() {
    let (_d, idx) = index();
    let filtered = |q: &str, facet: &str, value: &str| {
        idx.search(&SearchRequest {
            query: q.into(),
            filters: vec![(facet.into(), value.into())],
            limit: 10,
            ..Default::default()
        })
        .unwrap()
        .total
    };
    // Every project started in 2018 is found by "2018", whether or not its text says so.
    let started = filtered("", "year", "2018");
    assert!(started > 0);
    assert!(search(&idx, "2018").total >= started);
    assert!(search(&idx, "schulden 2018").total >= filtered("schulden", "year", "2018"));
    // "lopende projecten": running ones ("projecten" is a stop word here).
    let running = filtered("schulden", "status", "Lopend");
    assert!(running > 0);
    assert!(search(&idx, "lopende projecten schulden").total >= running);
}

#[test]
fn synonym_phrases_find_what_their_dutch_entry_finds() {
    let (_d, idx) = index();
    let english = search(&idx, "domestic violence");
    let dutch = search(&idx, "huiselijk geweld");
    assert!(dutch.total > 0);
    assert_eq!(numbers(&english), numbers(&dutch));
    assert_eq!(english.did_you_mean, None);
    // "young people" is "jongeren" with its synonyms at their usual weight.
    let english = search(&idx, "debt young people");
    let dutch = search(&idx, "schulden jongeren");
    // The projects with both words, in the same order; the partial matches after them weigh
    // the synonyms each side brings, so they may differ.
    assert!(dutch.complete > 0);
    assert_eq!(english.complete, dutch.complete);
    let both = dutch.complete as usize;
    assert_eq!(numbers(&english)[..both], numbers(&dutch)[..both]);
    assert_eq!(english.notice, None);
    // A phrase is read before its words are split as compounds ("werkvoorziening"), and a
    // word known through a synonym is no typo: "participatiewet" is searched with "bijstand".
    let r = search(&idx, "sociale werkvoorziening");
    assert_eq!((r.notice, r.did_you_mean), (None, None));
    let r = search(&idx, "participatiewet");
    assert_eq!(r.did_you_mean, None);
    assert!(r.total > 0);
    assert_eq!(r.total, search(&idx, "bijstand").total);
    // The words of a phrase typed apart, or in another order, are no phrase.
    let apart = search(&idx, "violence domestic");
    assert_eq!(apart.total, 0);
}

#[test]
fn similar_projects_and_the_vraagbaak_say_what_connects_them() {
    let (_d, idx) = index();
    let project = common::seed_projects()
        .into_iter()
        .find(|p| p.number.as_str() == "535002003")
        .unwrap();
    let similar = idx.similar(&project, 5).unwrap();
    assert_eq!(similar.len(), 5);
    assert!(similar.iter().all(|m| m.hit.project_number != "535002003"));
    assert!(similar.iter().all(|m| !m.terms.is_empty()), "{similar:?}");
    // Its neighbours share its subject (debts) or its group (young people).
    for word in ["schulden", "jongeren"] {
        assert!(
            similar.iter().any(|m| m.terms.iter().any(|t| t == word)),
            "{word}: {similar:?}"
        );
    }

    let case = "In onze gemeente hebben veel jongeren tussen 18 en 27 jaar schulden. \
                Ze durven geen hulp te vragen en komen pas bij de schuldhulpverlening als de \
                problemen groot zijn. Hoe bereiken we deze jongeren eerder, bijvoorbeeld via \
                leeftijdgenoten?";
    let found = idx.vraagbaak(case, 5).unwrap();
    // The peer intervention against young people's debts is among the first, connected by both.
    let peer = found[..3]
        .iter()
        .find(|m| m.hit.project_number == "535002003")
        .unwrap_or_else(|| panic!("{found:?}"));
    for word in ["jongeren", "schulden"] {
        assert!(peer.terms.iter().any(|t| t == word), "{:?}", peer.terms);
    }
    // Synonyms connect: a case about "statushouders" meets the vergunninghouder projects.
    let found = idx
        .vraagbaak("Hoe helpen we statushouders aan een baan?", 5)
        .unwrap();
    assert!(
        found
            .iter()
            .any(|m| m.hit.project_number.starts_with("535005")
                && m.terms.iter().any(|t| t == "statushouders")),
        "{found:?}"
    );
    assert!(idx.vraagbaak("", 5).unwrap().is_empty());
    assert!(idx.vraagbaak("de het een", 5).unwrap().is_empty());
}

#[test]
fn every_counted_hit_can_be_shown() {
    let (_d, idx) = index();
    // Words with synonyms that also occur inside compounds, common words, phrases, typos.
    for q in [
        "statushouders",
        "vluchtelingen",
        "schulden",
        "werk",
        "jongeren",
        "armoede",
        "gemeente",
        "\"sociaal werk\"",
        "re-integratie",
        "schuldhulpverlenig",
        "werkgevers -jongeren",
    ] {
        let r = search_all(&idx, q);
        assert_eq!(r.hits.len() as u64, r.total.min(100), "{q}");
        let mut seen = std::collections::HashSet::new();
        assert!(r.hits.iter().all(|h| seen.insert(&h.project_number)), "{q}");
    }
}

/// A quoted phrase finds exactly the projects in which its words stand side by side (in any
/// form the stemmer joins) within one field: not apart, and not across two fields.
#[test]
fn phrases_match_adjacent_words_within_one_field() {
    let (_d, idx) = index();
    let analyzer = watwerkt_search::Analyzer::new(Vec::<String>::new());
    let stems = |text: &str| -> Vec<String> {
        analyzer
            .analyze(text)
            .into_iter()
            .filter(|t| t.kind == watwerkt_search::TokenKind::Word)
            .map(|t| t.term)
            .collect()
    };
    let projects = common::seed_projects();
    // Each field as the index reads it: lists joined into one text.
    let fields = |p: &watwerkt_domain::Project| -> Vec<String> {
        let list = |items: Vec<&str>| items.join("\n");
        vec![
            list(
                [Some(p.title.as_str()), p.full_title.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect(),
            ),
            p.question.clone(),
            p.outcome.clone(),
            p.method.clone(),
            p.teaser.clone().unwrap_or_default(),
            list(p.products.iter().map(|x| x.title.as_str()).collect()),
            list(p.organisations.iter().map(|o| o.name.as_str()).collect()),
            list(p.municipalities.iter().map(String::as_str).collect()),
        ]
    };
    let mut phrases: Vec<String> = [
        "psychische problemen",
        "sociaal werk",
        "gemeente rotterdam",
        "werk en inkomen",
    ]
    .map(String::from)
    .to_vec();
    // The last word of a title and the first of the field indexed after it (the teaser, or the
    // question) stand side by side only across two fields.
    for p in projects.iter().step_by(5) {
        let title = p.full_title.as_deref().unwrap_or(&p.title);
        let next = p.teaser.as_deref().unwrap_or(&p.question);
        let last = title.split_whitespace().last().unwrap_or_default();
        let first = next.split_whitespace().next().unwrap_or_default();
        phrases.push(format!("{last} {first}"));
    }
    for phrase in &phrases {
        let want: Vec<String> = stems(phrase);
        let mut expected: Vec<&str> = projects
            .iter()
            .filter(|p| {
                fields(p)
                    .iter()
                    .any(|f| stems(f).windows(want.len()).any(|w| w == want.as_slice()))
            })
            .map(|p| p.number.as_str())
            .collect();
        expected.sort_unstable();
        let r = idx
            .search(&SearchRequest {
                query: format!("\"{phrase}\""),
                limit: 100,
                ..Default::default()
            })
            .unwrap();
        let mut found = numbers(&r);
        found.sort_unstable();
        assert_eq!(found, expected, "\"{phrase}\"");
    }
}

/// Facet counts kept from an earlier search (a common word's) give the same counts as a fresh
/// index counting from scratch, for searches inside that word's projects.
#[test]
fn kept_facet_counts_change_no_count() {
    let (_d, warm) = index();
    let (_e, cold) = index();
    let facets = |idx: &SearchIndex, q: &str, filters: &[(&str, &str)]| {
        let r = idx
            .search(&SearchRequest {
                query: q.into(),
                filters: filters
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect(),
                limit: 10,
                ..Default::default()
            })
            .unwrap();
        (r.total, format!("{:?}", r.facets))
    };
    for word in ["werk", "jongeren", "schulden", "gemeente"] {
        facets(&warm, word, &[]);
    }
    for (q, filters) in [
        ("werk", vec![]),
        ("werk jongeren", vec![]),
        ("werk -jongeren", vec![]),
        ("schulden -armoede", vec![]),
        ("gemeente", vec![("status", "Afgerond")]),
        ("jongeren schulden", vec![("theme", "Re-integratie")]),
        ("werk OR statushouders", vec![]),
    ] {
        assert_eq!(
            facets(&warm, q, &filters),
            facets(&cold, q, &filters),
            "{q}"
        );
    }
}

/// Asked for passages, a hit gets at most that many, the first matching fields in reading order,
/// and the title's own only when no other field matched.
#[test]
fn passages_are_the_first_matching_fields_in_reading_order() {
    let (_dir, idx) = index();
    let with_passages = |n| {
        idx.search(&SearchRequest {
            query: "schulden".into(),
            limit: 10,
            passages: Some(n),
            ..Default::default()
        })
        .unwrap()
    };
    let all = search(&idx, "schulden");
    let few = with_passages(2);
    assert!(all.hits.iter().any(|h| h.snippets.len() > 2));
    let none = with_passages(0);
    assert!(none.hits.iter().all(|h| h.snippets.is_empty()));
    for (a, f) in all.hits.iter().zip(&few.hits) {
        assert_eq!(a.project_number, f.project_number);
        let reading: Vec<&String> = ["teaser", "question", "outcome", "method"]
            .iter()
            .filter_map(|k| a.snippets.get_key_value(*k).map(|(k, _)| k))
            .take(2)
            .collect();
        let got: Vec<&String> = f.snippets.keys().collect();
        if reading.is_empty() {
            assert!(got.iter().all(|k| *k == "title"), "{got:?}");
        } else {
            let mut want = reading.clone();
            want.sort();
            assert_eq!(got, want);
            for k in got {
                assert_eq!(f.snippets[k], a.snippets[k]);
            }
        }
    }
}

/// Recall first: when few projects have every word, those with some of the telling words follow
/// them, and the projects with every word come first.
#[test]
fn few_complete_matches_are_followed_by_partial_ones() {
    let (_d, idx) = index();
    let all_of = |q: &str| {
        numbers(&search_all(&idx, q))
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let debts = all_of("schulden");
    let youth = all_of("jongeren");
    let both: Vec<&String> = debts.iter().filter(|n| youth.contains(n)).collect();
    let r = search_all(&idx, "schulden jongeren");
    assert!(!both.is_empty() && (both.len() as u64) < 20);
    assert_eq!(r.complete, both.len() as u64);
    assert!(r.total > r.complete, "partial matches follow");
    assert_eq!(
        r.notice, None,
        "some projects have every word: no fallback notice"
    );
    let first: Vec<&str> = numbers(&r)[..both.len()].to_vec();
    for n in &both {
        assert!(
            first.contains(&n.as_str()),
            "{n} has both words and comes first"
        );
    }
    // Each hit says which words it has: both for the first, one for the rest.
    for (i, h) in r.hits.iter().enumerate() {
        let want = if i < both.len() { 2 } else { 1 };
        assert_eq!(
            h.matched.len(),
            want,
            "{} {:?}",
            h.project_number,
            h.matched
        );
        assert!(!h.by_concept);
    }
    assert!(r.unmatched.is_empty());
    // A word no project has is named, so the user can rephrase it.
    let r = search(&idx, "schulden zeppelinvaart");
    assert_eq!(r.unmatched, ["zeppelinvaart"]);
    assert!(r.hits.iter().all(|h| h.matched == ["schulden"]));
    // Every hit has at least one of the words (or a synonym of one).
    let either: Vec<String> = all_of("schulden OR jongeren");
    assert!(numbers(&r).iter().all(|n| either.iter().any(|e| e == n)));
    // A typed word that is a Dutch word is not searched as a near spelling of another:
    // "oudere" (not in the catalogue as typed) is no typo of "onder".
    let older = search(&idx, "oudere");
    assert!(
        older
            .hits
            .iter()
            .all(|h| h.snippets.values().all(|s| !s.contains("<mark>onder")))
    );
}
