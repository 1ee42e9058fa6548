//! Black-box tests of the OAI-PMH 2.0 endpoint, following the protocol specification
//! (<http://www.openarchives.org/OAI/openarchivesprotocol.html>) case by case: each verb, each
//! error condition (section 3.6), argument combinations, from/until, sets, and a harvest by
//! resumption tokens. Every response is validated against the OAI-PMH and oai_dc schemas in
//! `tests/fixtures/oai` with xmllint (`libxml2-utils`; `scripts/test.sh` installs it).

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use common::TestApp;
use watwerkt_search::{SearchRequest, Sort};

const OAI: &str = "http://www.openarchives.org/OAI/2.0/";

/// Whether xmllint is there; without it CI fails and a developer's run says what it skipped.
fn xmllint() -> bool {
    static FOUND: OnceLock<bool> = OnceLock::new();
    *FOUND.get_or_init(|| {
        let found = Command::new("xmllint")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if !found {
            assert!(
                std::env::var_os("CI").is_none(),
                "xmllint is missing: install Debian's libxml2-utils (scripts/test.sh does)"
            );
            eprintln!(
                "oai tests: xmllint not found (Debian package libxml2-utils); \
                 responses are checked without schema validation"
            );
        }
        found
    })
}

/// Validates a response against OAI-PMH.xsd and oai_dc.xsd, offline.
fn validate(body: &str) {
    if !xmllint() {
        return;
    }
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/oai");
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), body).unwrap();
    let out = Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(fixtures.join("harvest.xsd"))
        .arg(file.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "response does not validate:\n{}\n{body}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A response, checked: HTTP 200, XML, valid against the schemas.
struct Response {
    body: String,
}

impl Response {
    fn doc(&self) -> roxmltree::Document<'_> {
        roxmltree::Document::parse(&self.body).expect("well-formed XML")
    }

    fn error(&self) -> Option<String> {
        let doc = self.doc();
        let e = doc.descendants().find(|n| n.has_tag_name((OAI, "error")))?;
        Some(e.attribute("code").unwrap().to_owned())
    }

    /// The attributes of `<request>`, as (name, value).
    fn request_attributes(&self) -> Vec<(String, String)> {
        let doc = self.doc();
        let r = doc
            .descendants()
            .find(|n| n.has_tag_name((OAI, "request")))
            .unwrap();
        assert_eq!(r.text(), Some("http://localhost/oai"));
        r.attributes()
            .map(|a| (a.name().to_owned(), a.value().to_owned()))
            .collect()
    }

    fn texts(&self, name: &str) -> Vec<String> {
        self.doc()
            .descendants()
            .filter(|n| n.tag_name().name() == name)
            .filter_map(|n| n.text().map(str::to_owned))
            .collect()
    }

    fn identifiers(&self) -> Vec<String> {
        self.texts("identifier")
            .into_iter()
            .filter(|i| i.starts_with("oai:"))
            .collect()
    }

    /// The resumption token: (text, cursor, completeListSize), if there is one.
    fn token(&self) -> Option<(String, usize, usize)> {
        let doc = self.doc();
        let t = doc
            .descendants()
            .find(|n| n.has_tag_name((OAI, "resumptionToken")))?;
        Some((
            t.text().unwrap_or_default().to_owned(),
            t.attribute("cursor").unwrap().parse().unwrap(),
            t.attribute("completeListSize").unwrap().parse().unwrap(),
        ))
    }
}

async fn oai(app: &TestApp, query: &str) -> Response {
    check(app.get(&format!("/oai?{query}")).await)
}

fn check(r: common::Reply) -> Response {
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("content-type"), Some("text/xml; charset=utf-8"));
    validate(&r.body);
    Response { body: r.body }
}

async fn error(app: &TestApp, query: &str) -> String {
    let r = oai(app, query).await;
    r.error()
        .unwrap_or_else(|| panic!("{query}: an error expected, got {}", r.body))
}

/// Records per list response (the server's page size).
const PAGE: usize = 100;

/// Projects in the store: records in the repository.
fn total(app: &TestApp) -> usize {
    app.catalog.store().count().unwrap() as usize
}

/// The day every record carries, as Identify gives it.
async fn datestamp(app: &TestApp) -> String {
    oai(app, "verb=Identify").await.texts("earliestDatestamp")[0].clone()
}

fn numbers(app: &TestApp, filters: &[(&str, &str)]) -> BTreeSet<String> {
    let res = app
        .catalog
        .index()
        .search(&SearchRequest {
            filters: filters
                .iter()
                .map(|(f, v)| ((*f).to_owned(), (*v).to_owned()))
                .collect(),
            limit: 100,
            sort: Sort::Newest,
            ..Default::default()
        })
        .unwrap();
    assert!(res.total <= 100);
    res.hits
        .into_iter()
        .map(|h| format!("oai:watwerkt:{}", h.project_number))
        .collect()
}

/// Harvests a whole list by its resumption tokens: every identifier, in order.
async fn harvest(app: &TestApp, verb: &str, args: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut r = oai(app, &format!("verb={verb}&{args}")).await;
    loop {
        let ids = r.identifiers();
        let token = r.token();
        if let Some((_, cursor, size)) = &token {
            assert_eq!(*cursor, out.len(), "cursor counts the records before");
            assert!(*size >= out.len() + ids.len());
        }
        out.extend(ids);
        match token {
            Some((t, _, size)) if !t.is_empty() => {
                assert!(out.len() < size);
                r = oai(app, &format!("verb={verb}&resumptionToken={t}")).await;
            }
            // The last part of a list in parts has an empty token (section 3.5).
            Some((_, _, size)) => {
                assert_eq!(out.len(), size);
                return out;
            }
            None => return out,
        }
    }
}

#[tokio::test]
async fn identify_describes_the_repository() {
    let app = TestApp::spawn().await;
    let r = oai(&app, "verb=Identify").await;
    assert_eq!(r.error(), None);
    assert_eq!(
        r.request_attributes(),
        vec![("verb".to_owned(), "Identify".to_owned())]
    );
    assert_eq!(r.texts("baseURL"), ["http://localhost/oai"]);
    assert_eq!(r.texts("protocolVersion"), ["2.0"]);
    assert_eq!(r.texts("granularity"), ["YYYY-MM-DD"]);
    assert_eq!(r.texts("deletedRecord"), ["no"]);
    let day = datestamp(&app).await;
    assert_eq!(day.len(), 10);
    assert!(day.as_str() >= "2026-01-01");
}

#[tokio::test]
async fn bad_verbs_and_bad_arguments_echo_no_arguments() {
    let app = TestApp::spawn().await;
    for q in [
        "",
        "verb=Foo",
        "verb=identify",
        "verb=Identify&verb=Identify",
    ] {
        let r = oai(&app, q).await;
        assert_eq!(r.error().as_deref(), Some("badVerb"), "{q}");
        assert!(r.request_attributes().is_empty(), "{q}");
    }
    for q in [
        "verb=Identify&metadataPrefix=oai_dc",
        "verb=Identify&x=%ZZ",
        "verb=ListRecords",
        "verb=ListIdentifiers&from=2020-01-01",
        "verb=GetRecord&identifier=oai:watwerkt:535001001",
        "verb=GetRecord&metadataPrefix=oai_dc",
        "verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=oai_dc",
        "verb=ListRecords&metadataPrefix=oai_dc&bogus=1",
        "verb=ListRecords&metadataPrefix=oai_dc&from=2026-13-01",
        "verb=ListRecords&metadataPrefix=oai_dc&from=2026-02-30",
        "verb=ListRecords&metadataPrefix=oai_dc&from=2026-01-01T00:00:00Z",
        "verb=ListRecords&metadataPrefix=oai_dc&until=yesterday",
        "verb=ListRecords&metadataPrefix=oai_dc&from=2026-02-01&until=2026-01-01",
        "verb=ListRecords&metadataPrefix=oai_dc&set=a%20b",
        "verb=ListRecords&metadataPrefix=oai%3Adc",
        "verb=ListIdentifiers&metadataPrefix=oai_dc&resumptionToken=abc",
        "verb=ListSets&set=theme",
        "verb=ListMetadataFormats&metadataPrefix=oai_dc",
    ] {
        let r = oai(&app, q).await;
        assert_eq!(r.error().as_deref(), Some("badArgument"), "{q}");
        assert!(r.request_attributes().is_empty(), "{q}");
    }
}

#[tokio::test]
async fn other_errors_echo_the_request() {
    let app = TestApp::spawn().await;
    let r = oai(
        &app,
        "verb=GetRecord&identifier=oai:watwerkt:123456789&metadataPrefix=oai_dc",
    )
    .await;
    assert_eq!(r.error().as_deref(), Some("idDoesNotExist"));
    assert_eq!(
        r.request_attributes(),
        [
            ("verb", "GetRecord"),
            ("identifier", "oai:watwerkt:123456789"),
            ("metadataPrefix", "oai_dc")
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
    );
    for (q, code) in [
        (
            "verb=GetRecord&identifier=535001001&metadataPrefix=oai_dc",
            "idDoesNotExist",
        ),
        (
            "verb=GetRecord&identifier=oai:watwerkt:abc&metadataPrefix=oai_dc",
            "idDoesNotExist",
        ),
        (
            "verb=ListMetadataFormats&identifier=oai:watwerkt:123456789",
            "idDoesNotExist",
        ),
        (
            "verb=GetRecord&identifier=oai:watwerkt:999000001&metadataPrefix=marc21",
            "cannotDisseminateFormat",
        ),
        (
            "verb=ListRecords&metadataPrefix=marc21",
            "cannotDisseminateFormat",
        ),
        (
            "verb=ListIdentifiers&metadataPrefix=oai_dc&set=theme:bestaat-niet",
            "noRecordsMatch",
        ),
        (
            "verb=ListIdentifiers&metadataPrefix=oai_dc&set=kleur:rood",
            "noRecordsMatch",
        ),
        (
            "verb=ListRecords&metadataPrefix=oai_dc&from=2999-01-01",
            "noRecordsMatch",
        ),
        (
            "verb=ListRecords&metadataPrefix=oai_dc&until=2000-01-01",
            "noRecordsMatch",
        ),
        ("verb=ListRecords&resumptionToken=abc", "badResumptionToken"),
        (
            "verb=ListIdentifiers&resumptionToken=3030.0000000000000000",
            "badResumptionToken",
        ),
        ("verb=ListSets&resumptionToken=abc", "badResumptionToken"),
    ] {
        assert_eq!(error(&app, q).await, code, "{q}");
    }
}

#[tokio::test]
async fn list_metadata_formats_offers_oai_dc() {
    let app = TestApp::spawn().await;
    for q in [
        "verb=ListMetadataFormats",
        "verb=ListMetadataFormats&identifier=oai:watwerkt:999000001",
    ] {
        let r = oai(&app, q).await;
        assert_eq!(r.error(), None, "{q}");
        assert_eq!(r.texts("metadataPrefix"), ["oai_dc"]);
        assert_eq!(
            r.texts("metadataNamespace"),
            ["http://www.openarchives.org/OAI/2.0/oai_dc/"]
        );
    }
}

#[tokio::test]
async fn list_sets_names_themes_and_target_groups() {
    let app = TestApp::spawn().await;
    let r = oai(&app, "verb=ListSets").await;
    let specs = r.texts("setSpec");
    for s in [
        "theme",
        "theme:re-integratie",
        "theme:schuldhulpverlening-en-armoedebestrijding",
        "target_group",
        "target_group:statushouders",
        "target_group:ouderen",
    ] {
        assert!(specs.iter().any(|x| x == s), "{s} in {specs:?}");
    }
    assert_eq!(r.token(), None);
}

#[tokio::test]
async fn get_record_gives_dublin_core_with_markup_as_text() {
    let app = TestApp::spawn().await;
    let r = oai(
        &app,
        "verb=GetRecord&identifier=oai:watwerkt:999000001&metadataPrefix=oai_dc",
    )
    .await;
    assert_eq!(r.error(), None);
    assert_eq!(
        r.texts("title"),
        ["<script>alert(1)</script> & co"],
        "escaped in the XML, the same text after parsing"
    );
    assert!(!r.body.contains("<script>"));
    assert_eq!(r.texts("datestamp"), [datestamp(&app).await]);
    assert!(
        r.texts("setSpec")
            .contains(&"theme:re-integratie".to_owned())
    );
    let ids = r.texts("identifier");
    assert!(ids.contains(&"http://localhost/project/999000001".to_owned()));
    assert!(
        r.texts("contributor")
            .contains(&"</script><img src=x>".to_owned())
    );
    // The POST form answers the same.
    let form = "verb=GetRecord&identifier=oai:watwerkt:999000001&metadataPrefix=oai_dc";
    let post = check(
        app.request(
            "POST",
            "/oai",
            &format!(
                "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
                form.len()
            ),
        )
        .await,
    );
    assert_eq!(post.texts("title"), r.texts("title"));
}

#[tokio::test]
async fn sets_and_dates_select_records() {
    let app = TestApp::spawn().await;
    let n = total(&app);
    let all = harvest(&app, "ListIdentifiers", "metadataPrefix=oai_dc").await;
    assert_eq!(all.len(), n);
    assert_eq!(all.iter().collect::<BTreeSet<_>>().len(), n);
    let theme = harvest(
        &app,
        "ListIdentifiers",
        "metadataPrefix=oai_dc&set=theme:re-integratie",
    )
    .await;
    assert_eq!(
        theme.into_iter().collect::<BTreeSet<_>>(),
        numbers(&app, &[("theme", "Re-integratie")])
    );
    let r = oai(
        &app,
        "verb=ListRecords&metadataPrefix=oai_dc&set=target_group:statushouders",
    )
    .await;
    let group: BTreeSet<String> = r.identifiers().into_iter().collect();
    assert_eq!(group, numbers(&app, &[("target_group", "statushouders")]));
    // Every record of the set says it is in it, and in its parent.
    let headers = r.texts("setSpec");
    assert_eq!(
        headers
            .iter()
            .filter(|s| *s == "target_group:statushouders")
            .count(),
        group.len()
    );
    assert_eq!(
        harvest(&app, "ListIdentifiers", "metadataPrefix=oai_dc&set=theme")
            .await
            .len(),
        n
    );
    let day = datestamp(&app).await;
    for args in [
        format!("from={day}"),
        format!("until={day}"),
        format!("from={day}&until={day}"),
        "from=2000-01-01&until=2999-12-31".to_owned(),
    ] {
        let ids = harvest(
            &app,
            "ListIdentifiers",
            &format!("metadataPrefix=oai_dc&{args}"),
        )
        .await;
        assert_eq!(ids.len(), n, "{args}");
    }
}

#[tokio::test]
async fn a_harvest_by_resumption_tokens_sees_every_record_once() {
    let app = TestApp::spawn().await;
    let lines: Vec<String> = (0..200)
        .map(|i| {
            format!(
                r#"{{"project_number":"99100{i:04}","title":"Synthetisch project {i}","question":"Vraag {i}","theme":"Re-integratie","start":"20{:02}-01"}}"#,
                i % 20
            )
        })
        .collect();
    app.import(&lines.join("\n"));
    let mut everything = BTreeSet::new();
    app.catalog
        .store()
        .for_each_project(&mut |p| {
            everything.insert(format!("oai:watwerkt:{}", p.number));
            Ok(())
        })
        .unwrap();
    let n = total(&app);
    assert_eq!(everything.len(), n);
    assert!(n > 2 * PAGE, "three pages at least");

    let first = oai(&app, "verb=ListIdentifiers&metadataPrefix=oai_dc").await;
    assert_eq!(first.identifiers().len(), PAGE);
    let (token, cursor, size) = first.token().expect("a list in parts");
    assert_eq!((cursor, size), (0, n));
    assert!(!token.is_empty());

    let ids = harvest(&app, "ListIdentifiers", "metadataPrefix=oai_dc").await;
    assert_eq!(ids.len(), n);
    assert_eq!(
        ids.iter().cloned().collect::<BTreeSet<_>>(),
        everything,
        "no duplicates, none missed"
    );
    let records = harvest(&app, "ListRecords", "metadataPrefix=oai_dc").await;
    assert_eq!(
        records, ids,
        "records come in the same order as identifiers"
    );

    // A token is opaque and checked: altered, it is refused.
    let mut forged = token.clone();
    let last = forged.pop().unwrap();
    forged.push(if last == '0' { '1' } else { '0' });
    assert_eq!(
        error(
            &app,
            &format!("verb=ListIdentifiers&resumptionToken={forged}")
        )
        .await,
        "badResumptionToken"
    );
    // After the catalogue changed, positions shift: the harvest must start again.
    app.import(r#"{"project_number":"992000001","title":"Nieuw","question":"Vraag","theme":"Re-integratie"}"#);
    assert_eq!(
        error(
            &app,
            &format!("verb=ListIdentifiers&resumptionToken={token}")
        )
        .await,
        "badResumptionToken"
    );
}
