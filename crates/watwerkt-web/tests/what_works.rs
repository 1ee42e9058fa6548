//! Black-box tests of "wat werkt voor wie": label facets and concept search, the labels on the
//! project page, and the evidence gap map with its CSV and JSON, against the real server.

mod common;

use common::{TestApp, links};
use serde_json::Value;

/// "12 projecten gevonden" on a search page → 12.
fn found(body: &str) -> u64 {
    let after = body
        .split("id=\"resultaten\">")
        .nth(1)
        .expect("a result heading");
    after
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a count in {}", &after[..40.min(after.len())]))
}

/// An attribute value as the browser reads it (the templates escape `&`).
fn unescape(href: &str) -> String {
    href.replace("&#38;", "&")
}

/// The map's non-empty cells: (link, count).
fn cells(body: &str) -> Vec<(String, u64)> {
    body.split("class=\"utrecht-link gap-map__count\" href=\"")
        .skip(1)
        .map(|s| {
            let (href, rest) = s.split_once("\">").unwrap();
            let n = rest.split('<').next().unwrap().parse().unwrap();
            (unescape(href), n)
        })
        .collect()
}

fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

#[tokio::test]
async fn label_facets_filter_and_show_vocabulary_names() {
    let app = TestApp::spawn().await;
    let r = app.search("f=target_group%3Astatushouders").await;
    assert_eq!(r.status, 200);
    let n = found(&r.body);
    assert!(n > 0);
    for group in [
        "Doelgroep",
        "Onderzoeksopzet",
        "Uitkomstdomein",
        "Bewijsniveau",
    ] {
        assert!(
            r.body
                .contains(&format!("--html-legend\">{group}</legend>")),
            "{group}"
        );
    }
    assert!(
        r.body
            .contains("Doelgroep: Statushouders en vluchtelingen <span class=\"chip__remove\">")
    );
    assert!(
        r.body
            .contains("value=\"target_group:statushouders\" checked")
    );
    assert!(r.body.contains("— Effect gemeten ("), "levels by name");
    // Every project found carries the label.
    let api = json(
        &app.api_projects("f=target_group%3Astatushouders&limit=100")
            .await
            .body,
    );
    assert_eq!(api["total"], n);
    for hit in api["hits"].as_array().unwrap() {
        let number = hit["project_number"].as_str().unwrap();
        let p = app
            .catalog
            .project(&watwerkt_domain::ProjectNumber::parse(number).unwrap())
            .unwrap()
            .unwrap();
        assert!(
            p.derived
                .has(watwerkt_domain::Dimension::TargetGroup, "statushouders"),
            "{number}"
        );
    }
    // Filters combine like the others: AND across facets.
    let both = json(
        &app.api_projects("f=target_group:statushouders&f=evidence_level:1")
            .await
            .body,
    );
    assert!(both["total"].as_u64().unwrap() <= n);
    let en = app.get("/en/zoeken?f=target_group%3Astatushouders").await;
    assert!(
        en.body
            .contains("Target group: Refugees with a residence permit")
    );
    assert!(en.body.contains("— Effect measured ("));
    // A misspelt label is an error, not an empty result.
    assert_eq!(
        app.api_projects("f=target_group:bejaarden").await.status,
        400
    );
    assert_eq!(app.search("f=evidence_level%3A7").await.status, 400);
}

#[tokio::test]
async fn concept_search_says_what_it_added_and_can_be_undone() {
    let app = TestApp::spawn().await;
    let r = app.search("q=mensen+met+een+beperking").await;
    assert_eq!(r.status, 200);
    assert!(
        r.body
            .contains("Ook gezocht op doelgroep: Mensen met een arbeidsbeperking."),
        "{}",
        r.body
    );
    let with = found(&r.body);
    let undo = links(&r.body)
        .into_iter()
        .find(|l| l.contains("concepten=nee"))
        .map(unescape)
        .expect("a link without concepts");
    assert_eq!(
        undo,
        "/zoeken?q=mensen%20met%20een%20beperking&concepten=nee"
    );
    let words = app.get(&undo).await;
    assert_eq!(words.status, 200);
    assert!(!words.body.contains("Ook gezocht op"));
    // Recall first lists projects with some of the words too, so the concept may add none
    // beyond them; it never finds fewer.
    assert!(
        found(&words.body) <= with,
        "the concept took no projects away"
    );
    // The choice survives the next search and the language switch.
    assert!(
        words
            .body
            .contains("<input type=\"hidden\" name=\"concepten\" value=\"nee\">")
    );
    assert!(
        links(&words.body)
            .iter()
            .any(|l| unescape(l) == "/en/zoeken?q=mensen%20met%20een%20beperking&concepten=nee")
    );
    let en = app.get("/en/zoeken?q=mensen+met+een+beperking").await;
    assert!(
        en.body
            .contains("Also searched for target group: People with an occupational disability.")
    );
    assert!(en.body.contains("Search for the words only"));
    // The API finds the same, and says which concepts added projects.
    let api = json(&app.api_projects("q=mensen+met+een+beperking").await.body);
    assert_eq!(api["total"], with);
    assert_eq!(
        api["concepts"],
        serde_json::json!([["target_group", "arbeidsbeperking"]])
    );
    let plain = json(
        &app.api_projects("q=mensen+met+een+beperking&concepten=nee")
            .await
            .body,
    );
    assert!(plain["concepts"].is_null());
    assert!(plain["total"].as_u64().unwrap() <= with);
    assert_eq!(app.search("q=werk&concepten=soms").await.status, 400);
}

#[tokio::test]
async fn project_page_shows_what_works_for_whom_with_its_reasons() {
    let app = TestApp::spawn_with_overrides(Some(
        "535006006,target_group,ouderen,add,Volgens de redactie ook voor <em>45-plussers</em>",
    ))
    .await;
    let r = app.project("535006006").await;
    assert_eq!(r.status, 200);
    for (id, heading) in [
        ("voor-wie", "Voor wie"),
        ("hoe-onderzocht", "Hoe onderzocht"),
        ("wat-kwam-eruit", "Wat kwam eruit"),
        ("werkzame-elementen", "Werkzame elementen"),
    ] {
        assert!(
            r.body.contains(&format!("id=\"{id}\">{heading}</h2>")),
            "{heading}"
        );
    }
    let section = |id: &str| {
        r.body
            .split(&format!("id=\"{id}\""))
            .nth(1)
            .unwrap()
            .split("</section>")
            .next()
            .unwrap()
            .to_owned()
    };
    let whom = section("voor-wie");
    assert!(whom.contains("href=\"/zoeken?f=target_group%3Abijstand\">Bijstandsgerechtigden</a>"));
    assert!(
        whom.contains("waarom: <q lang=\"nl\">WerkLoont bij instroom in de bijstand</q> (Titel)")
    );
    // An editor's label names the editors, and its reason is escaped like any text.
    assert!(whom.contains("href=\"/zoeken?f=target_group%3Aouderen\">Ouderen (45-plus)</a>"));
    assert!(whom.contains(
        "<q lang=\"nl\">Volgens de redactie ook voor &#60;em&#62;45-plussers&#60;/em&#62;</q> (redactie)"
    ));
    let how = section("hoe-onderzocht");
    assert!(
        how.contains("href=\"/zoeken?f=evidence_level%3A2\">Bewijsniveau 2 — Effect gemeten</a>")
    );
    assert!(how.contains("waarom: <span lang=\"nl\">kosten-batenanalyse: "));
    assert!(how.contains(">Kosten-batenanalyse</a>"));
    let out = section("wat-kwam-eruit");
    assert!(out.contains(">Werk en uitstroom</a>"));
    assert!(out.contains(
        "<blockquote class=\"quote__text\" lang=\"nl\"><p class=\"utrecht-paragraph\">WerkLoont is op korte termijn effectief.</p></blockquote>"
    ));
    assert!(out.contains("<figcaption class=\"small muted\">Samenvatting</figcaption>"));
    assert!(section("werkzame-elementen").contains("Niet af te leiden uit de tekst."));
    // Each label's link finds the project.
    let api = json(
        &app.api_projects("f=target_group:ouderen&limit=100")
            .await
            .body,
    );
    assert!(
        api["hits"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["project_number"] == "535006006")
    );

    let en = app.get("/en/project/535006006").await;
    assert!(en.body.contains("id=\"voor-wie\">For whom</h2>"));
    assert!(en.body.contains(
        "href=\"/en/zoeken?f=target_group%3Abijstand\">Social-assistance recipients</a>"
    ));
    assert!(en.body.contains("Evidence level 2 — Effect measured"));
    assert!(
        en.body
            .contains("why: <q lang=\"nl\">WerkLoont bij instroom in de bijstand</q> (Title)")
    );
    assert!(en.body.contains("(editors)"));
}

#[tokio::test]
async fn labels_quoting_hostile_text_are_escaped() {
    let app = TestApp::spawn().await;
    app.import(
        r#"{"project_number":"999000003","title":"Werk voor jongeren <script>alert(2)</script>","question":"Hoe helpen we <b>jongeren</b> met schulden aan betaald werk?","method":"We houden interviews met <i>klantmanagers</i>.","theme":"Re-integratie"}"#,
    );
    for page in ["/project/999000003", "/en/project/999000003"] {
        let r = app.get(page).await;
        assert_eq!(r.status, 200);
        assert!(r.body.contains("id=\"voor-wie\""));
        assert!(!r.body.contains("<script>alert(2)"), "{page}");
        assert!(!r.body.contains("<b>jongeren"));
        assert!(!r.body.contains("<i>klantmanagers"));
        let quotes: Vec<&str> = r
            .body
            .split("<q lang=\"nl\">")
            .skip(1)
            .map(|q| q.split("</q>").next().unwrap())
            .collect();
        assert!(
            quotes.iter().any(|q| q.contains("&#60;")),
            "a label quotes the markup, escaped: {quotes:?}"
        );
    }
}

#[tokio::test]
async fn gap_map_cells_count_what_their_searches_find() {
    let app = TestApp::spawn().await;
    for query in [
        "",
        "status=afgerond",
        "theme=re-integratie&design=kwalitatief",
    ] {
        let r = app.what_works(query).await;
        assert_eq!(r.status, 200, "{query}");
        let b = &r.body;
        assert!(b.contains("<caption class=\"utrecht-table__caption\" id=\"gap-caption\">"));
        assert!(b.contains("tabindex=\"0\" role=\"region\" aria-labelledby=\"gap-caption\""));
        assert_eq!(b.matches("scope=\"row\"").count(), 18, "every target group");
        assert_eq!(
            b.matches("scope=\"col\"").count(),
            1 + 9,
            "every outcome domain"
        );
        let cells = cells(b);
        assert!(!cells.is_empty(), "{query}");
        assert_eq!(
            b.matches("gap-map__gap\">").count() + cells.len(),
            18 * 9,
            "every cell is a count or a gap"
        );
        for (href, n) in &cells {
            assert!(href.starts_with("/zoeken?f=target_group%3A"), "{href}");
            let s = app.get(href).await;
            assert_eq!(s.status, 200, "{href}");
            assert_eq!(found(&s.body), *n, "{query}: {href}");
        }
    }
    let all = app.what_works("").await;
    // Rows in vocabulary order, gaps marked for every reader.
    let jongeren = all.body.find(">Jongeren</th>").unwrap();
    let ouderen = all.body.find(">Ouderen (45-plus)</th>").unwrap();
    assert!(jongeren < ouderen);
    assert!(all.body.contains(
        "<span aria-hidden=\"true\">—</span><span class=\"visually-hidden\">geen projecten</span>"
    ));
    assert!(
        all.body
            .contains("<abbr title=\"Bewijsniveau\">niv.</abbr> ")
    );
    assert!(all.body.contains("href=\"/wat-werkt.csv\""));
    let filtered = app.what_works("status=lopend").await;
    assert!(
        filtered
            .body
            .contains("<option value=\"lopend\" selected>Lopend</option>")
    );
    assert!(
        filtered
            .body
            .contains("href=\"/wat-werkt.csv?status=lopend\"")
    );
    assert!(
        !filtered.body.contains("afgerond 1"),
        "only running projects are left"
    );

    let en = app.get("/en/what-works?status=lopend").await;
    assert_eq!(en.status, 200);
    assert!(en.body.contains("<html lang=\"en\">"));
    assert!(en.body.contains(">What works for whom</h1>"));
    assert!(en.body.contains(">Young people</th>"));
    assert!(
        en.body
            .contains("href=\"/en/what-works.csv?status=lopend\"")
    );
    assert!(
        en.body
            .contains("hreflang=\"nl\" href=\"/wat-werkt?status=lopend\"")
    );
    assert!(
        cells(&en.body)
            .iter()
            .all(|(h, _)| h.starts_with("/en/zoeken?"))
    );
    assert_eq!(app.what_works("design=gokken").await.status, 400);
}

#[tokio::test]
async fn gap_map_as_csv_and_json() {
    let app = TestApp::spawn().await;
    let csv = app.what_works_csv("status=afgerond").await;
    assert_eq!(csv.status, 200);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert_eq!(
        csv.header("content-disposition"),
        Some("attachment; filename=\"wat-werkt.csv\"")
    );
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(
        lines[0],
        "target_group,outcome_domain,count,level_0,level_1,level_2,level_3,level_4,lopend,afgerond"
    );
    assert_eq!(lines.len(), 1 + 18 * 9);

    let r = app.api_evidence_map("status=afgerond").await;
    assert_eq!(r.status, 200);
    let v = json(&r.body);
    let rows = v["rows"].as_array().unwrap();
    let columns = v["columns"].as_array().unwrap();
    assert_eq!(rows.len(), 18);
    assert_eq!(columns.len(), 9);
    assert_eq!(
        rows[0],
        serde_json::json!({"id": "jongeren", "nl": "Jongeren", "en": "Young people"})
    );
    let cells = v["cells"].as_array().unwrap();
    assert_eq!(cells.len(), 18 * 9, "every pair, gaps included");
    let mut non_empty = 0;
    for (cell, line) in cells.iter().zip(&lines[1..]) {
        let count = cell["count"].as_u64().unwrap();
        let levels: Vec<u64> = (0..=4)
            .map(|n| cell["by_level"][n.to_string()].as_u64().unwrap())
            .collect();
        assert_eq!(levels.iter().sum::<u64>(), count, "{cell}");
        assert_eq!(cell["by_status"]["Afgerond"], count);
        assert_eq!(cell["by_status"]["Lopend"], 0);
        let fields: Vec<String> = [
            cell["target_group"].as_str().unwrap().to_owned(),
            cell["outcome_domain"].as_str().unwrap().to_owned(),
            count.to_string(),
        ]
        .into_iter()
        .chain(levels.iter().map(u64::to_string))
        .chain(["0".to_owned(), count.to_string()])
        .collect();
        assert_eq!(*line, fields.join(","), "the CSV says the same");
        let url = cell["search_url"].as_str().unwrap();
        assert!(url.starts_with("/zoeken?f=target_group%3A"), "{url}");
        assert!(url.contains("f=status%3AAfgerond"), "{url}");
        if count > 0 {
            non_empty += 1;
            let q = url.strip_prefix("/zoeken?").unwrap();
            assert_eq!(
                json(&app.api_projects(q).await.body)["total"],
                count,
                "{url}"
            );
        }
    }
    assert!(non_empty > 0);

    let all = json(&app.api_evidence_map("").await.body);
    let total = |v: &Value| -> u64 {
        v["cells"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["count"].as_u64().unwrap())
            .sum()
    };
    assert!(total(&all) >= total(&v));

    for bad in [
        "theme=nergens",
        "design=gokken",
        "status=bijna",
        "theme=%FF",
    ] {
        let r = app.api_evidence_map(bad).await;
        assert_eq!(r.status, 400, "{bad}");
        assert_eq!(r.header("content-type"), Some("application/problem+json"));
        let p = json(&r.body);
        assert!(p["type"].as_str().unwrap().ends_with("/bad_request"));
        assert!(p["detail"].is_string(), "{bad}: says what was wrong");
    }
    assert_eq!(app.what_works_csv("status=bijna").await.status, 400);
}

#[tokio::test]
async fn the_map_is_linked_and_statistics_count_labels() {
    let app = TestApp::spawn().await;
    let home = app.home().await;
    assert_eq!(
        links(&home.body)
            .iter()
            .filter(|l| **l == "/wat-werkt")
            .count(),
        2,
        "in the menu and on the page"
    );
    let map = app.what_works("").await;
    assert!(
        map.body
            .contains("href=\"/wat-werkt\" aria-current=\"page\"")
    );
    let en = app.get("/en").await;
    assert_eq!(
        links(&en.body)
            .iter()
            .filter(|l| **l == "/en/what-works")
            .count(),
        2
    );

    let st = app.stats().await;
    for title in [
        "Projecten per doelgroep",
        "Projecten per onderzoeksopzet",
        "Projecten per bewijsniveau",
    ] {
        assert!(st.body.contains(title), "{title}");
    }
    assert!(st.body.contains(">Statushouders en vluchtelingen</td>"));
    assert!(st.body.contains(">2 — Effect gemeten</td>"));
    // Each count links to the search that finds as many.
    let count_link = |facet: &str, value: &str| {
        let href = format!("href=\"/zoeken?f={facet}%3A{value}\">");
        let after = st.body.split(&href).nth(1).expect(&href);
        after.split('<').next().unwrap().parse::<u64>().unwrap()
    };
    for (facet, value) in [
        ("target_group", "statushouders"),
        ("design", "kwalitatief"),
        ("evidence_level", "2"),
    ] {
        let n = count_link(facet, value);
        let s = app.search(&format!("f={facet}%3A{value}")).await;
        assert_eq!(found(&s.body), n, "{facet}:{value}");
    }
    let en_st = app.get("/en/statistieken").await;
    assert!(en_st.body.contains("Projects per target group"));
    assert!(
        en_st
            .body
            .contains(">Refugees with a residence permit</td>")
    );
}
