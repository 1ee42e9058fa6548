//! Black-box tests of what follows and crawls the catalogue: the Atom feeds (RFC 4287's required
//! elements, contents equal to the search they follow, changes told in entries), the pages'
//! links to them, sitemap.xml and robots.txt.

mod common;

use std::collections::BTreeSet;

use common::{TestApp, links};
use watwerkt_search::{SearchRequest, Sort};

const ATOM: &str = "http://www.w3.org/2005/Atom";

/// A feed's entries as (project number, entry), after checking the RFC's required elements.
struct Feed {
    numbers: Vec<String>,
    summaries: Vec<String>,
    title: String,
}

fn child<'a>(n: roxmltree::Node<'a, 'a>, name: &str) -> Option<roxmltree::Node<'a, 'a>> {
    n.children().find(|c| {
        c.is_element() && c.tag_name().name() == name && c.tag_name().namespace() == Some(ATOM)
    })
}

fn text<'a>(n: roxmltree::Node<'a, 'a>, name: &str) -> &'a str {
    child(n, name)
        .and_then(|c| c.text())
        .unwrap_or_else(|| panic!("<{name}> with text in <{}>", n.tag_name().name()))
}

fn is_rfc3339_utc(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 20 && b[4] == b'-' && b[10] == b'T' && b[19] == b'Z'
}

/// Parses an Atom document with a real XML parser and checks RFC 4287 section 4.1: the feed's
/// id, title, updated, author and self link; each entry's id, title, updated, link and summary.
fn parse_feed(body: &str, self_path: &str) -> Feed {
    let doc = roxmltree::Document::parse(body).expect("well-formed XML");
    let feed = doc.root_element();
    assert_eq!(feed.tag_name().name(), "feed");
    assert_eq!(feed.tag_name().namespace(), Some(ATOM));
    assert!(text(feed, "id").starts_with("tag:watwerkt,2026:"));
    let title = text(feed, "title").to_owned();
    assert!(is_rfc3339_utc(text(feed, "updated")));
    let author = child(feed, "author").expect("feed author");
    assert!(!text(author, "name").is_empty());
    let self_link = feed
        .children()
        .find(|c| c.tag_name().name() == "link" && c.attribute("rel") == Some("self"))
        .expect("rel=self link");
    assert_eq!(
        self_link.attribute("href"),
        Some(format!("http://localhost{self_path}").as_str())
    );
    let mut numbers = Vec::new();
    let mut summaries = Vec::new();
    let mut ids = BTreeSet::new();
    for e in feed.children().filter(|c| c.tag_name().name() == "entry") {
        let id = text(e, "id");
        let number = id
            .strip_prefix("tag:watwerkt,2026:project:")
            .expect("a stable tag: id per project");
        assert!(ids.insert(id.to_owned()), "entry ids are unique");
        assert!(!text(e, "title").is_empty());
        assert!(is_rfc3339_utc(text(e, "updated")));
        let link = child(e, "link").expect("entry link");
        assert!(
            link.attribute("href")
                .unwrap()
                .starts_with("http://localhost/")
                && link
                    .attribute("href")
                    .unwrap()
                    .ends_with(&format!("/project/{number}"))
        );
        summaries.push(text(e, "summary").to_owned());
        numbers.push(number.to_owned());
    }
    Feed {
        numbers,
        summaries,
        title,
    }
}

async fn feed(app: &TestApp, path: &str) -> Feed {
    let r = app.get(path).await;
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    assert_eq!(
        r.header("content-type"),
        Some("application/atom+xml; charset=utf-8")
    );
    parse_feed(&r.body, path)
}

/// The project numbers of the engine's newest-first search, as the feed should hold them.
fn search(app: &TestApp, query: &str, filters: &[(&str, &str)]) -> BTreeSet<String> {
    let c = &app.catalog;
    let res = c
        .index()
        .search(&SearchRequest {
            query: query.to_owned(),
            filters: filters
                .iter()
                .map(|(f, v)| ((*f).to_owned(), (*v).to_owned()))
                .collect(),
            limit: 50,
            sort: Sort::Newest,
            concepts: c.concepts(query),
            ..Default::default()
        })
        .unwrap();
    assert!(
        res.total > 0,
        "the search {query:?} {filters:?} finds projects"
    );
    res.hits.into_iter().map(|h| h.project_number).collect()
}

fn set(v: &[String]) -> BTreeSet<String> {
    v.iter().cloned().collect()
}

#[tokio::test]
async fn the_catalogue_feed_has_every_required_element() {
    let app = TestApp::spawn().await;
    let f = feed(&app, "/feeds/projecten.atom").await;
    // The newest 50 of the bundled projects plus the hostile one, whose markup arrives as text.
    assert_eq!(f.numbers.len(), 50);
    assert_eq!(set(&f.numbers), search(&app, "", &[]));
    assert!(f.title.contains("Alle projecten"));
    let hostile = feed(&app, "/feeds/zoeken.atom?q=alert").await;
    assert_eq!(hostile.numbers, ["999000001"]);
    let r = app.get("/feeds/zoeken.atom?q=alert").await;
    assert!(!r.body.contains("<script>"));
    assert!(
        r.body
            .contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co")
    );
    // English interface words under /en.
    let en = feed(&app, "/en/feeds/projecten.atom").await;
    assert!(en.title.contains("All projects"));
}

#[tokio::test]
async fn theme_municipality_and_target_group_feeds_follow_their_searches() {
    let app = TestApp::spawn().await;
    let theme = feed(&app, "/feeds/thema/re-integratie.atom").await;
    assert_eq!(
        set(&theme.numbers),
        search(&app, "", &[("theme", "Re-integratie")])
    );
    assert!(theme.title.contains("Re-integratie"));

    let group = feed(&app, "/feeds/doelgroep/statushouders.atom").await;
    assert_eq!(
        set(&group.numbers),
        search(&app, "", &[("target_group", "statushouders")])
    );

    // A municipality's feed holds the projects its page lists.
    let page = app.municipality("tiel").await;
    assert_eq!(page.status, 200);
    let listed: BTreeSet<String> = links(&page.body)
        .into_iter()
        .filter_map(|h| h.strip_prefix("/project/"))
        .map(str::to_owned)
        .collect();
    let town = feed(&app, "/feeds/gemeente/tiel.atom").await;
    assert!(!listed.is_empty());
    assert_eq!(set(&town.numbers), listed);
    assert!(town.title.contains("Tiel"));

    for bad in [
        "/feeds/thema/bestaat-niet.atom",
        "/feeds/thema/re-integratie",
        "/feeds/gemeente/nergens.atom",
        "/feeds/organisatie/niemand.atom",
        "/feeds/doelgroep/marsbewoners.atom",
        "/en/feeds/doelgroep/marsbewoners.atom",
    ] {
        assert_eq!(app.get(bad).await.status, 404, "{bad}");
    }
}

#[tokio::test]
async fn a_search_feed_holds_what_the_search_finds() {
    let app = TestApp::spawn().await;
    let f = feed(&app, "/feeds/zoeken.atom?q=schulden").await;
    assert_eq!(set(&f.numbers), search(&app, "schulden", &[]));
    assert!(f.title.contains("schulden"), "{}", f.title);
    let filtered = feed(
        &app,
        "/feeds/zoeken.atom?q=schulden&f=theme%3ASchuldhulpverlening%20en%20armoedebestrijding",
    )
    .await;
    assert_eq!(
        set(&filtered.numbers),
        search(
            &app,
            "schulden",
            &[("theme", "Schuldhulpverlening en armoedebestrijding")]
        )
    );
    // The search page's own checks apply: an unknown filter is a 400.
    assert_eq!(
        app.get("/feeds/zoeken.atom?f=kleur%3Arood").await.status,
        400
    );
    // A query without words finds nothing, as on the search page.
    assert!(
        feed(&app, "/feeds/zoeken.atom?q=%21%21")
            .await
            .numbers
            .is_empty()
    );
}

#[tokio::test]
async fn an_entry_says_what_changed_and_comes_first() {
    let app = TestApp::spawn().await;
    let project = |status: &str, products: &str| {
        format!(
            r#"{{"project_number":"999000077","title":"Werk voor ouderen","question":"Wat werkt?","theme":"Re-integratie","status":"{status}","start":"2015-01","outcome":"Nog niets.","products":[{products}]}}"#
        )
    };
    app.import(&project("Lopend", ""));
    let before = feed(&app, "/feeds/thema/re-integratie.atom").await;
    let at = before
        .numbers
        .iter()
        .position(|n| n == "999000077")
        .unwrap();
    assert!(!before.summaries[at].contains("gewijzigd"));
    app.import(&project("Afgerond", r#""Handreiking werkgevers""#));
    let after = feed(&app, "/feeds/thema/re-integratie.atom").await;
    // Started long ago, so last in start order; changed last, so first in the feed.
    assert_eq!(after.numbers[0], "999000077");
    let summary = &after.summaries[0];
    assert!(
        summary.contains("Status gewijzigd: Lopend → Afgerond"),
        "{summary}"
    );
    assert!(
        summary.contains("Nieuw product: Handreiking werkgevers"),
        "{summary}"
    );
    let en = feed(&app, "/en/feeds/thema/re-integratie.atom").await;
    assert!(
        en.summaries[0].contains("Status changed: "),
        "{}",
        en.summaries[0]
    );
}

#[tokio::test]
async fn pages_link_their_feeds() {
    let app = TestApp::spawn().await;
    let search = app.search("q=schulden&page=1").await;
    assert!(search.body.contains(
        r#"<link rel="alternate" type="application/atom+xml" title="Volg via Atom-feed" href="/feeds/zoeken.atom?q=schulden">"#
    ));
    assert!(search.body.contains(">Volg via Atom-feed</a>"));
    let theme = app.theme("re-integratie").await;
    assert!(
        theme
            .body
            .contains(r#"href="/feeds/thema/re-integratie.atom""#)
    );
    let town = app.municipality("tiel").await;
    assert!(town.body.contains(r#"href="/feeds/gemeente/tiel.atom""#));
    let en = app.get("/en/thema/re-integratie").await;
    assert!(
        en.body
            .contains(r#"href="/en/feeds/thema/re-integratie.atom""#)
    );
    assert!(en.body.contains(">Follow via Atom feed</a>"));
    // Pages without a feed do not pretend to have one.
    assert!(!app.programme().await.body.contains("application/atom+xml"));
}

#[tokio::test]
async fn the_sitemap_lists_every_project_and_robots_points_to_it() {
    let app = TestApp::spawn().await;
    let r = app.get("/sitemap.xml").await;
    assert_eq!(r.status, 200);
    let doc = roxmltree::Document::parse(&r.body).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "urlset");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.sitemaps.org/schemas/sitemap/0.9")
    );
    let locs: BTreeSet<&str> = root
        .descendants()
        .filter(|n| n.tag_name().name() == "loc")
        .filter_map(|n| n.text())
        .collect();
    let mut numbers = Vec::new();
    app.catalog
        .store()
        .for_each_project(&mut |p| {
            numbers.push(p.number.to_string());
            Ok(())
        })
        .unwrap();
    assert_eq!(numbers.len() as u64, app.catalog.store().count().unwrap());
    for n in &numbers {
        let loc = format!("http://localhost/project/{n}");
        assert!(locs.contains(loc.as_str()), "{loc}");
    }
    for page in [
        "http://localhost/",
        "http://localhost/zoeken",
        "http://localhost/thema/re-integratie",
        "http://localhost/gemeente/tiel",
    ] {
        assert!(locs.contains(page), "{page}");
    }
    assert!(
        locs.iter()
            .any(|l| l.starts_with("http://localhost/organisatie/"))
    );

    let robots = app.get("/robots.txt").await;
    assert_eq!(robots.status, 200);
    assert!(robots.body.contains("User-agent: *"));
    assert!(robots.body.contains("Disallow: /api/"));
    assert!(
        robots
            .body
            .contains("Sitemap: http://localhost/sitemap.xml")
    );
}
