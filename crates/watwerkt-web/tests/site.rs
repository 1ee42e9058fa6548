//! Black-box tests of the website: the real server on a random port, over plain HTTP.

mod common;

use common::{TestApp, links};

#[tokio::test]
async fn home_lists_programme_lines_with_counts() {
    let app = TestApp::spawn().await;
    let r = app.home().await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("<html lang=\"nl\">"));
    assert!(r.body.contains("Re-integratie</a></h3>"));
    // 22 bundled plus the hostile test project.
    assert!(r.body.contains("23 projecten"));
    let h = app.healthz().await;
    assert_eq!(h.status, 200);
    assert!(h.body.starts_with("ok "), "{}", h.body);
    assert!(h.body.contains("\nlag 0\nlag-seconds 0\n"), "{}", h.body);
}

#[tokio::test]
async fn search_page_filters_paginates_and_links_projects() {
    let app = TestApp::spawn().await;
    let all = app.search("").await;
    assert_eq!(all.status, 200);
    assert!(
        all.body.contains("Volgende"),
        "bundled catalogue has more than one page"
    );
    let r = app
        .search("q=schulden&f=theme%3ASchuldhulpverlening%20en%20armoedebestrijding")
        .await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Actieve filters"));
    assert!(r.body.contains("<mark>"), "snippets highlight the query");
    // Each hit: its title and at most two passages.
    for hit in r.body.split("<li class=\"result\">").skip(1) {
        let hit = hit.split("</li>").next().unwrap();
        assert!(
            hit.matches("class=\"utrecht-paragraph snippet\"").count() <= 2,
            "{hit}"
        );
    }
    assert!(r.body.contains("href=\"/project/"));
    assert!(r.body.contains(" checked"));
    // The chip removes its filter and keeps the query.
    assert!(r.body.contains("href=\"/zoeken?q=schulden\""));
}

#[tokio::test]
async fn search_page_says_how_it_read_the_query() {
    let app = TestApp::spawn().await;
    // A compound the catalogue lacks is searched as its parts, and the page says so.
    let r = app.search("q=schuldenbeleid").await;
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains("gezocht op schulden + beleid"),
        "{}",
        r.body
    );
    assert!(r.body.contains("href=\"/project/"));
    let en = app.get("/en/zoeken?q=schuldenbeleid").await;
    assert!(en.body.contains("searched for schulden + beleid"));
    // The API gives the same reading as data.
    let api = app.api_projects("q=schuldenbeleid").await;
    let v: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(v["notice"]["kind"], "split");
    assert_eq!(
        v["notice"]["parts"],
        serde_json::json!(["schulden", "beleid"])
    );
}

#[tokio::test]
async fn a_search_that_finds_nothing_says_what_to_try() {
    let app = TestApp::spawn().await;
    let r = app.search("q=fietsproject").await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("0 projecten gevonden"), "{}", r.body);
    assert!(r.body.contains("minder woorden of minder filters"));
    assert!(r.body.contains("href=\"/vraagbaak\""));
    assert!(r.body.contains("href=\"/programma\""));
    let en = app.get("/en/zoeken?q=fietsproject").await;
    assert!(en.body.contains("fewer words or fewer filters"));
    assert!(en.body.contains("href=\"/en/vraagbaak\""));
    // Not when something was found.
    let found = app.search("q=schulden").await;
    assert!(!found.body.contains("minder woorden of minder filters"));
}

#[tokio::test]
async fn api_answers_json_in_the_search_shape() {
    let app = TestApp::spawn().await;
    let r = app.api_projects("q=statushouders&limit=3").await;
    assert_eq!(r.status, 200);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert!(v["total"].as_u64().unwrap() > 0);
    assert!(v["hits"].as_array().unwrap().len() <= 3);
    assert!(v["facets"]["theme"].is_array());
}

#[tokio::test]
async fn project_page_escapes_markup_and_has_json_ld() {
    let app = TestApp::spawn().await;
    let r = app.project("999000001").await;
    assert_eq!(r.status, 200);
    assert!(!r.body.contains("<script>alert"));
    assert!(!r.body.contains("<img src=x>"));
    assert!(!r.body.contains("<b>vet"));
    assert!(
        r.body
            .contains(">&#60;script&#62;alert(1)&#60;/script&#62; &#38; co</h1>")
    );
    assert!(
        r.body
            .contains("Werkt &#38;amp; &#60;b&#62;vet&#60;/b&#62;?")
    );
    assert!(r.body.contains("\"@type\":\"ResearchProject\""));
    // Two </script>: the suggestion script's and the JSON-LD block's own end, which no text
    // inside the block can bring forward.
    assert_eq!(r.body.matches("</script>").count(), 2);
    let ld = r.body.split("application/ld+json\">").nth(1).unwrap();
    let ld = ld.split("</script>").next().unwrap();
    assert!(!ld.contains('<'));
    assert!(ld.contains("\\u003cscript"));
}

#[tokio::test]
async fn a_project_page_s_json_ld_says_what_the_api_record_says() {
    let app = TestApp::spawn().await;
    for number in ["535006006", "535006012", "999000001"] {
        let page = app.project(number).await;
        let ld = page.body.split("application/ld+json\">").nth(1).unwrap();
        let ld: serde_json::Value =
            serde_json::from_str(ld.split("</script>").next().unwrap()).unwrap();
        let api: serde_json::Value =
            serde_json::from_str(&app.get(&format!("/api/v1/projects/{number}")).await.body)
                .unwrap();
        assert_eq!(ld["identifier"], api["project_number"]);
        assert_eq!(ld["name"], api["title"]);
        assert_eq!(ld["description"], api["question"]);
        assert_eq!(
            ld.get("startDate"),
            api.get("start").filter(|s| !s.is_null())
        );
        let names = |v: &serde_json::Value| -> Vec<serde_json::Value> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|m| m["name"].clone())
                .collect()
        };
        assert_eq!(
            names(&ld["member"]),
            api["organisations"].as_array().unwrap().clone()
        );
        assert_eq!(
            names(&ld["location"]),
            api["municipalities"].as_array().unwrap().clone()
        );
        assert_eq!(ld["keywords"][0], api["theme"]);
        assert_eq!(
            ld["subjectOf"]["contentUrl"],
            format!("/api/v1/projects/{number}")
        );
    }
}

#[tokio::test]
async fn errors_are_pages_with_the_right_status() {
    let app = TestApp::spawn().await;
    assert_eq!(app.project("000000000").await.status, 404);
    assert_eq!(app.project("not-a-number").await.status, 404);
    let nf = app.get("/bestaat-niet").await;
    assert_eq!(nf.status, 404);
    assert!(nf.body.contains("Pagina niet gevonden"));
    assert_eq!(app.search("q=%FF%FE").await.status, 400);
    assert_eq!(app.search("q=%zz").await.status, 400);
    assert_eq!(app.search("page=-1").await.status, 400);
    // A long query is cut (see below); only an absurd query string is refused.
    let long = format!("q={}", "a".repeat(40_000));
    let r = app.search(&long).await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Ongeldige zoekopdracht"));
    assert_eq!(app.api_projects("f=bogus:1").await.status, 400);
    // Undecodable path segments are the extractor's rejection, still shown as our page.
    for target in ["/project/%FF", "/gemeente/%FF%FE", "/en/thema/%C3"] {
        let r = app.get(target).await;
        assert_eq!(r.status, 400, "{target}");
        assert!(r.header("content-type").unwrap().starts_with("text/html"));
        assert!(r.body.contains("<h1 class=\"utrecht-heading-1\">"));
    }
    let post = app
        .request("POST", "/zoeken", "Content-Length: 0\r\n")
        .await;
    assert_eq!(post.status, 405);
    assert!(post.body.contains("<html lang=\"nl\">"));
}

#[tokio::test]
async fn bad_parameters_are_explained_in_the_pages_language() {
    let app = TestApp::spawn().await;
    let r = app.search("q=schulden&f=nonsense%3Avalue").await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("<html lang=\"nl\">"));
    assert!(
        r.body.contains("Het filter “nonsense” kennen we niet."),
        "{}",
        r.body
    );
    assert!(r.body.contains("Filteren kan op programmalijn, status"));
    assert!(
        !r.body.contains("expected"),
        "no parser English on the page"
    );
    // The way on: the same search without the unknown filter, which works.
    assert!(r.body.contains(
        "<a class=\"utrecht-link\" href=\"/zoeken?q=schulden\">Verder zonder dit filter</a>"
    ));
    assert_eq!(app.search("q=schulden").await.status, 200);

    let en = app.get("/en/zoeken?q=schulden&f=nonsense:value").await;
    assert_eq!(en.status, 400);
    assert!(en.body.contains("<html lang=\"en\">"));
    assert!(en.body.contains("We do not know the filter “nonsense”."));
    assert!(
        en.body
            .contains("href=\"/en/zoeken?q=schulden\">Continue without this filter</a>")
    );

    let far = app.search("q=schulden&page=999999").await;
    assert_eq!(far.status, 400);
    assert!(
        far.body
            .contains("Pagina “999999” kunnen we niet tonen: paginanummers lopen van 1 tot 1.000.")
    );
    assert!(
        far.body
            .contains("href=\"/zoeken?q=schulden\">Naar de eerste pagina</a>")
    );

    let label = app.search("f=target_group%3Abejaarden").await;
    assert_eq!(label.status, 400);
    assert!(
        label
            .body
            .contains("“bejaarden” is geen bekende waarde van het filter doelgroep.")
    );
    assert!(
        label
            .body
            .contains("href=\"/zoeken\">Verder zonder dit filter</a>")
    );

    let garbled = app.get("/en/zoeken?q=%FF&sort=newest").await;
    assert_eq!(garbled.status, 400);
    assert!(
        garbled
            .body
            .contains("Part of the address is not readably encoded")
    );
    assert!(garbled.body.contains("href=\"/en/zoeken?sort=newest\">"));

    // Other pages' parameters alike: the gap map's filters, a listing's page number.
    let map = app.what_works("theme=nergens&status=lopend").await;
    assert_eq!(map.status, 400);
    assert!(
        map.body
            .contains("De programmalijn “nergens” kennen we niet.")
    );
    assert!(
        map.body
            .contains("href=\"/wat-werkt?status=lopend\">Verder zonder dit filter</a>")
    );
    let listing = app.get("/thema/re-integratie?page=x").await;
    assert_eq!(listing.status, 400);
    assert!(
        listing
            .body
            .contains("href=\"/thema/re-integratie\">Naar de eerste pagina</a>")
    );

    // The API keeps its problem documents, with the English detail for developers.
    let api = app.api_projects("f=nonsense:value").await;
    assert_eq!(api.status, 400);
    assert_eq!(api.header("content-type"), Some("application/problem+json"));
    let v: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert!(
        v["detail"]
            .as_str()
            .unwrap()
            .contains("expected facet:value with a known facet")
    );
}

#[tokio::test]
async fn long_queries_are_cut_and_the_page_says_so() {
    let app = TestApp::spawn().await;
    // 5,000 characters: "schulden " 555 times and a bit.
    let words = "schulden ".repeat(556);
    let q: String = words.chars().take(5000).collect();
    let r = app.search(&format!("q={}", q.replace(' ', "+"))).await;
    assert_eq!(r.status, 200);
    assert!(
        r.body
            .contains("Uw zoekvraag is ingekort tot 1.000 tekens."),
        "{}",
        &r.body[..2000]
    );
    let value = r
        .body
        .split("name=\"q\" type=\"search\" value=\"")
        .nth(1)
        .unwrap();
    let value = value.split('"').next().unwrap();
    assert_eq!(
        value.chars().count(),
        1000,
        "the box holds the query as searched"
    );
    assert!(r.body.contains("href=\"/project/"), "and it is searched");
    let en = app
        .get(&format!("/en/zoeken?q={}", q.replace(' ', "+")))
        .await;
    assert!(en.body.contains("Your query was cut to 1,000 characters."));
    let api = app
        .api_projects(&format!("q={}", q.replace(' ', "+")))
        .await;
    assert_eq!(api.status, 200);
    // A query of exactly 1,000 characters is not cut.
    let exact: String = words.chars().take(1000).collect();
    let r = app.search(&format!("q={}", exact.replace(' ', "+"))).await;
    assert!(!r.body.contains("ingekort"));
}

#[tokio::test]
async fn a_query_without_words_finds_nothing_on_page_and_api() {
    let app = TestApp::spawn().await;
    for q in ["%21%21%21", "%3C%3E", "--", "OR"] {
        let r = app.search(&format!("q={q}")).await;
        assert_eq!(r.status, 200);
        assert!(r.body.contains("0 projecten gevonden"), "{q}");
        assert!(
            r.body
                .contains("Uw zoekvraag bevat geen woorden om op te zoeken"),
            "{q}"
        );
        assert!(r.body.contains("Typ een of meer woorden"));
        assert!(!r.body.contains("href=\"/project/"), "{q}: no random list");
        let api = app.api_projects(&format!("q={q}")).await;
        let v: serde_json::Value = serde_json::from_str(&api.body).unwrap();
        assert_eq!(v["total"], 0, "{q}");
        assert_eq!(v["notice"]["kind"], "no_words");
    }
    let en = app.get("/en/zoeken?q=%21%21%21").await;
    assert!(en.body.contains("Your query has no words to search for"));
    // Browsing by facet is no query at all: it lists the projects.
    let browse = app.search("f=theme%3ARe-integratie").await;
    assert!(!browse.body.contains("0 projecten gevonden"));
    assert!(browse.body.contains("href=\"/project/"));
    assert!(!browse.body.contains("geen woorden"));
}

#[tokio::test]
async fn stale_running_projects_say_when_they_were_planned_to_end() {
    let app = TestApp::spawn().await;
    // Lopend since May 2017 for 24 months, says the catalogue.
    let p = app.project("535005004").await;
    assert_eq!(p.status, 200);
    assert!(
        p.body.contains(
            "<span class=\"utrecht-status-badge utrecht-status-badge--warning\">Volgens de catalogus lopend; gepland tot 2019-05</span>"
        ),
        "{}",
        p.body
    );
    assert!(!p.body.contains(">Lopend<"));
    let en = app.get("/en/project/535005004").await;
    assert!(
        en.body
            .contains("Running according to the catalogue; planned to end 2019-05")
    );
    // The cards of listings carry the same badge; a finished project keeps its own.
    let listing = app.theme("schuldhulpverlening-en-armoedebestrijding").await;
    assert!(
        listing
            .body
            .contains("Volgens de catalogus lopend; gepland tot")
    );
    let done = app.project("535006012").await;
    assert!(
        done.body
            .contains("utrecht-status-badge--success\">Afgerond</span>")
    );
}

#[tokio::test]
async fn an_empty_programme_line_says_so_instead_of_a_bare_zero() {
    let app = TestApp::spawn().await;
    let home = app.home().await;
    let card = home
        .body
        .split("href=\"/thema/werken-met-een-arbeidsbeperking\"")
        .nth(1)
        .and_then(|c| c.split("</li>").next())
        .expect("the line's card");
    assert!(
        card.contains("Nog geen projecten in de catalogus"),
        "{card}"
    );
    assert!(card.contains("href=\"/programma#tijdlijn\""));
    assert!(!home.body.contains(">0 projecten"));
    let en = app.get("/en").await;
    assert!(en.body.contains("No projects in the catalogue yet"));
    let programme = app.programme().await;
    assert!(!programme.body.contains("(0 projecten)"));
    assert!(
        programme
            .body
            .contains("(nog geen projecten in de catalogus)")
    );
    let theme = app.theme("werken-met-een-arbeidsbeperking").await;
    assert!(theme.body.contains("Nog geen projecten in de catalogus"));
    assert!(!theme.body.contains("0 projecten"));
    // The statistics list only lines that have projects.
    let stats = app.stats().await;
    let themes = stats.body.split("id=\"chart-theme\"").nth(1).unwrap();
    let themes = themes.split("</section>").next().unwrap();
    assert!(!themes.contains("arbeidsbeperking"), "{themes}");
}

#[tokio::test]
async fn products_show_their_kind_and_whom_to_ask() {
    let app = TestApp::spawn().await;
    let p = app.project("535006012").await;
    let products = p.body.split("id=\"producten\"").nth(1).unwrap();
    let products = products.split("</section>").next().unwrap();
    assert!(
        products.contains("Handboek Mentorwijs</span> <span class=\"muted\">(handboek)</span>")
    );
    assert!(
        products.contains("Factsheet Mentorwijs</span> <span class=\"muted\">(factsheet)</span>")
    );
    assert!(
        products.contains("De catalogus noemt geen vindplaats of link. Producten van dit project zijn op te vragen bij <a class=\"utrecht-link\" href=\"/organisatie/tno\">TNO</a>."),
        "{products}"
    );
    let en = app.get("/en/project/535006012").await;
    assert!(en.body.contains("(handbook)"));
    assert!(en.body.contains("The project&#39;s products can be requested from <a class=\"utrecht-link\" href=\"/en/organisatie/tno\">TNO</a>."));
}

#[tokio::test]
async fn headers_cache_and_head() {
    let app = TestApp::spawn().await;
    let r = app.home().await;
    let csp = r.header("content-security-policy").unwrap();
    assert!(!csp.contains("unsafe-inline"));
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    assert!(r.header("last-modified").is_some());
    assert!(r.header("server-timing").unwrap().starts_with("app;dur="));
    let etag = r.header("etag").unwrap().to_string();
    let again = app
        .request("GET", "/", &format!("If-None-Match: {etag}\r\n"))
        .await;
    assert_eq!(again.status, 304);
    let head = app.request("HEAD", "/", "").await;
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    let css = r
        .body
        .split("href=\"")
        .find_map(|s| s.split('"').next().filter(|p| p.ends_with(".css")))
        .unwrap()
        .to_string();
    let c = app.get(&css).await;
    assert_eq!(c.status, 200);
    assert!(c.header("cache-control").unwrap().contains("immutable"));
    let gz = app.request("GET", "/", "Accept-Encoding: gzip\r\n").await;
    assert_eq!(gz.status, 200);
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
}

#[tokio::test]
async fn statistics_draw_charts_with_tables() {
    let app = TestApp::spawn().await;
    let r = app.stats().await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body.matches("<svg role=\"img\"").count(), 9);
    assert_eq!(r.body.matches("<table ").count(), 9);
    assert!(r.body.contains("Gemeenten met de meeste projecten"));
    assert!(r.body.contains("Organisaties met de meeste projecten"));
    assert!(r.body.contains("Re-integratie</a></td>"));
}

#[tokio::test]
async fn theme_pages_list_their_projects_in_pages() {
    let app = TestApp::spawn().await;
    let r = app.theme("re-integratie").await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains(">Re-integratie</h1>"));
    // The programme line's intro from the catalogue page.
    assert!(r.body.contains("Werkt een bepaalde methode"));
    let projects = links(&r.body)
        .into_iter()
        .filter(|l| l.starts_with("/project/"))
        .count();
    assert_eq!(projects, 20, "a full first page");
    assert!(r.body.contains("href=\"/thema/re-integratie?page=2\""));
    let p2 = app.get("/thema/re-integratie?page=2").await;
    assert_eq!(p2.status, 200);
    assert!(p2.body.contains("<ol class=\"hits\" start=\"21\">"));
    assert!(
        p2.body.contains("href=\"/thema/re-integratie\""),
        "back to page 1"
    );
    assert_eq!(app.get("/thema/re-integratie?page=99").await.status, 404);
    assert_eq!(app.theme("bestaat-niet").await.status, 404);
    assert_eq!(app.get("/thema/re-integratie?page=x").await.status, 400);
    // A line without projects still has its page.
    assert_eq!(
        app.theme("werken-met-een-arbeidsbeperking").await.status,
        200
    );
}

#[tokio::test]
async fn project_links_lead_to_organisation_and_municipality_pages() {
    let app = TestApp::spawn().await;
    let p = app.project("535006012").await;
    assert_eq!(p.status, 200);
    for field in [
        "Projectnummer",
        "Vraagstuk",
        "Onderzoek",
        "Resultaat",
        "Looptijd",
        "Start",
    ] {
        assert!(p.body.contains(field), "{field}");
    }
    assert!(p.body.contains("utrecht-status-badge"));
    let org = links(&p.body)
        .into_iter()
        .find(|l| l.starts_with("/organisatie/"))
        .expect("organisation link")
        .to_string();
    let muni = links(&p.body)
        .into_iter()
        .find(|l| l.starts_with("/gemeente/"))
        .expect("municipality link")
        .to_string();
    assert!(links(&p.body).contains(&"/thema/re-integratie"));
    for page in [app.get(&org).await, app.get(&muni).await] {
        assert_eq!(page.status, 200);
        assert!(page.body.contains("href=\"/project/535006012\""));
    }
    assert_eq!(app.municipality("tiel").await.status, 200);
    assert_eq!(app.organisation("tno").await.status, 200);
    assert_eq!(app.organisation("nergens").await.status, 404);
    assert_eq!(app.municipality("nergens").await.status, 404);
}

#[tokio::test]
async fn search_facets_and_statistics_link_to_the_pages() {
    let app = TestApp::spawn().await;
    let s = app.search("q=schulden").await;
    assert!(
        s.body
            .contains("href=\"/thema/schuldhulpverlening-en-armoedebestrijding\"")
    );
    assert!(links(&s.body).iter().any(|l| l.starts_with("/gemeente/")));
    assert!(
        links(&s.body)
            .iter()
            .any(|l| l.starts_with("/organisatie/"))
    );
    let st = app.stats().await;
    for prefix in ["/thema/", "/gemeente/", "/organisatie/"] {
        assert!(
            links(&st.body).iter().any(|l| l.starts_with(prefix)),
            "{prefix}"
        );
    }
    let home = app.home().await;
    assert!(home.body.contains("href=\"/thema/re-integratie\""));
    assert!(home.body.contains("href=\"/programma\""));
    assert!(home.body.contains("Onlangs afgeronde projecten"));
}

#[tokio::test]
async fn programme_page_has_lines_rounds_partners_and_timeline() {
    let app = TestApp::spawn().await;
    let r = app.programme().await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Programmalijnen"));
    assert!(r.body.contains("href=\"/thema/vergunninghouders\""));
    assert!(
        r.body.contains("Subsidierondes"),
        "the bundled pages hold rounds"
    );
    assert!(r.body.contains("Tijdlijn"), "and a dated timeline");
    assert!(r.body.contains("Partners"));
}

#[tokio::test]
async fn english_pages_translate_the_interface_and_keep_the_prefix() {
    let app = TestApp::spawn().await;
    let r = app.get("/en/zoeken?q=schulden").await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("<html lang=\"en\">"));
    assert!(r.body.contains("projects found"));
    assert!(r.body.contains("action=\"/en/zoeken\""));
    // The switch leads to the same search in Dutch.
    assert!(r.body.contains("href=\"/zoeken?q=schulden\""));
    let internal: Vec<&str> = links(&r.body)
        .into_iter()
        .filter(|l| l.starts_with('/') && !l.starts_with("/static/"))
        .collect();
    let mut dutch: Vec<&&str> = internal.iter().filter(|l| !l.starts_with("/en")).collect();
    dutch.dedup();
    // The `<link rel="alternate">` and the switch in the menu.
    assert_eq!(
        dutch,
        [&"/zoeken?q=schulden"],
        "only the language switch leaves /en"
    );
    let p = app.get("/en/project/535006012").await;
    assert!(p.body.contains("Research question"));
    assert!(p.body.contains("Mentorwijs"), "content stays as published");
    // ... and is marked as Dutch for screen readers.
    assert!(
        p.body
            .contains("<h1 class=\"utrecht-heading-1\" lang=\"nl\">")
    );
    assert_eq!(app.get("/en").await.status, 200);
    assert_eq!(app.get("/en/").await.status, 308);
    let nf = app.get("/en/nothing").await;
    assert_eq!(nf.status, 404);
    assert!(nf.body.contains("Page not found"));
    assert!(nf.body.contains("<html lang=\"en\">"));
    for page in [
        "/en/programma",
        "/en/statistieken",
        "/en/thema/re-integratie",
    ] {
        let r = app.get(page).await;
        assert_eq!(r.status, 200, "{page}");
        assert!(r.body.contains("<html lang=\"en\">"));
    }
    let dutch_home = app.home().await;
    assert!(dutch_home.body.contains("href=\"/en\""));
}

#[tokio::test]
async fn hostile_text_is_escaped_on_every_page() {
    let app = TestApp::spawn().await;
    let org = app.organisation("script-img-src-x").await;
    assert_eq!(org.status, 200);
    let pages = [
        org,
        app.theme("re-integratie").await,
        app.search("q=alert").await,
        app.search("f=organisation%3A%3C%2Fscript%3E%3Cimg%20src%3Dx%3E")
            .await,
        app.stats().await,
        app.get("/en/project/999000001").await,
    ];
    for p in pages {
        assert_eq!(p.status, 200);
        assert!(!p.body.contains("<script>alert"), "{}", p.head);
        assert!(!p.body.contains("<img src=x>"));
        assert!(!p.body.contains("<b>vet"));
    }
    let r = app.search("q=%3Cscript%3E").await;
    assert!(!r.body.contains("value=\"<script>"));
}

#[tokio::test]
async fn validators_answer_304_and_api_errors_are_problems() {
    let app = TestApp::spawn().await;
    let r = app.theme("re-integratie").await;
    let lm = r
        .header("last-modified")
        .expect("Last-Modified")
        .to_string();
    assert!(r.header("etag").unwrap().starts_with("W/\""));
    let again = app
        .request(
            "GET",
            "/thema/re-integratie",
            &format!("If-Modified-Since: {lm}\r\n"),
        )
        .await;
    assert_eq!(again.status, 304);
    let other = app
        .request("GET", "/thema/re-integratie", "If-None-Match: \"nope\"\r\n")
        .await;
    assert_eq!(other.status, 200);
    let head = app.request("HEAD", "/programma", "").await;
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    let bad = app.api_projects("q=%FF").await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.header("content-type"), Some("application/problem+json"));
    let v: serde_json::Value = serde_json::from_str(&bad.body).unwrap();
    assert_eq!(v["status"], 400);
    assert!(v["type"].as_str().unwrap().ends_with("/bad_request"));
}

#[tokio::test]
async fn pages_follow_the_catalogue_when_it_changes() {
    let app = TestApp::spawn().await;
    let before = app.search("q=zeldzaamheidsonderzoek").await;
    assert!(before.body.contains("0 projecten gevonden"));
    let again = app.search("q=zeldzaamheidsonderzoek").await;
    assert_eq!(again.body, before.body);
    let theme = app.theme("vergunninghouders").await;
    assert!(theme.body.contains("8 projecten"));
    let etag = theme.header("etag").unwrap().to_string();
    app.import(
        r#"{"project_number":"999000002","title":"Zeldzaamheidsonderzoek onder statushouders","question":"Wat werkt?","theme":"Vergunninghouders","municipalities":["Tiel"]}"#,
    );
    let after = app.search("q=zeldzaamheidsonderzoek").await;
    assert!(
        after.body.contains("1 project gevonden"),
        "no stale page after an import"
    );
    let theme = app
        .request(
            "GET",
            "/thema/vergunninghouders",
            &format!("If-None-Match: {etag}\r\n"),
        )
        .await;
    assert_eq!(theme.status, 200, "the old ETag no longer matches");
    assert!(theme.body.contains("9 projecten"));
    assert!(
        app.municipality("tiel")
            .await
            .body
            .contains("/project/999000002")
    );
}

#[tokio::test]
async fn map_draws_municipalities_with_a_table() {
    let app = TestApp::spawn().await;
    let r = app.map().await;
    assert_eq!(r.status, 200);
    assert!(r.body.matches("<circle ").count() > 10);
    assert!(r.body.contains("Geldermalsen"));
    assert!(r.body.contains("href=\"/gemeente/geldermalsen\""));
    assert!(r.body.contains("opgegaan in West Betuwe (2019)"));
    assert!(
        r.body.contains("GeoNames"),
        "the attribution its licence asks for"
    );
    assert!(app.home().await.body.contains("href=\"/kaart\""));
    assert!(app.stats().await.body.contains("href=\"/kaart\""));
    assert!(
        app.get("/en/kaart")
            .await
            .body
            .contains("Projects per municipality")
    );
}

#[tokio::test]
async fn vraagbaak_finds_similar_projects_without_javascript() {
    let app = TestApp::spawn().await;
    let form = app.get("/vraagbaak").await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("method=\"post\""));
    assert!(
        form.body
            .contains("<label class=\"utrecht-form-label\" for=\"tekst\">")
    );
    let r = app
        .vraagbaak("tekst=Veel+statushouders+in+onze+gemeente+vinden+geen+werk%3B+hoe+begeleiden+we+ze+naar+betaald+werk%3F+%3Cscript%3E")
        .await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Projecten die erop lijken"));
    assert!(r.body.contains("Verbindende woorden"));
    assert!(r.body.contains("href=\"/project/"));
    assert!(
        r.body.contains("betaald werk? &#60;script&#62;</textarea>"),
        "the question stays, escaped"
    );
    let empty = app.vraagbaak("tekst=+").await;
    assert_eq!(empty.status, 200);
    assert!(empty.body.contains("role=\"alert\""));
    assert!(app.home().await.body.contains("href=\"/vraagbaak\""));
    let en = app.request("POST", "/en/vraagbaak", "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 15\r\n\r\ntekst=schulden").await;
    assert!(en.body.contains("Projects like it"));
}

#[tokio::test]
async fn project_page_shows_related_projects() {
    let app = TestApp::spawn().await;
    let r = app.project("535006012").await;
    assert!(r.body.contains("Vergelijkbare projecten"));
    let related = r.body.split("id=\"vergelijkbaar\"").nth(1).unwrap();
    assert!(related.contains("href=\"/project/"));
    assert!(
        !related.contains("href=\"/project/535006012\""),
        "not itself"
    );
}

#[tokio::test]
async fn suggestions_are_json_and_the_script_is_optional() {
    let app = TestApp::spawn().await;
    let r = app.suggest("schuld").await;
    assert_eq!(r.status, 200);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let list = v.as_array().unwrap();
    assert!(!list.is_empty());
    assert!(
        list.iter()
            .all(|s| s["url"].as_str().unwrap().starts_with('/'))
    );
    assert!(list.iter().all(|s| s["label"].is_string()));
    assert_eq!(app.suggest("").await.body, "[]");
    assert_eq!(app.suggest("%FF").await.status, 400);
    let home = app.home().await;
    assert!(home.body.contains("data-suggest="));
    let src = home
        .body
        .split("<script src=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    assert!(src.starts_with("/static/suggest.") && src.ends_with(".js"));
    let script = app.get(&src).await;
    assert_eq!(script.status, 200);
    assert!(
        script
            .header("cache-control")
            .unwrap()
            .contains("immutable")
    );
    assert!(
        script
            .header("content-type")
            .unwrap()
            .starts_with("text/javascript")
    );
    assert!(script.body.contains("/api/v1/suggest"));
}

/// Recall first, said on the page: how many projects have every word, which words a partial
/// match has, and which words no project has.
#[tokio::test]
async fn a_search_says_why_each_project_was_found() {
    let app = TestApp::spawn().await;
    let r = app.search("q=schulden+jongeren").await;
    assert_eq!(r.status, 200);
    assert!(
        r.body
            .contains("met alle zoekwoorden; daarna projecten met een deel ervan"),
        "{}",
        r.body
    );
    assert!(r.body.contains("Bevat: schulden") || r.body.contains("Bevat: jongeren"));
    let r = app.search("q=schulden+zeppelinvaart").await;
    assert!(
        r.body.contains("Geen project bevat “zeppelinvaart”."),
        "{}",
        r.body
    );
    let en = app.get("/en/zoeken?q=schulden+jongeren").await;
    assert!(
        en.body
            .contains("with every search word; then projects with some of them")
    );
    // The API says the same as data.
    let api: serde_json::Value =
        serde_json::from_str(&app.api_projects("q=schulden+zeppelinvaart").await.body).unwrap();
    assert_eq!(api["unmatched"], serde_json::json!(["zeppelinvaart"]));
    assert_eq!(api["complete"], 0);
    assert_eq!(api["hits"][0]["matched"], serde_json::json!(["schulden"]));
}
