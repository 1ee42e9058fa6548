//! Black-box tests of the website: the real server on a random port, over plain HTTP.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use watwerkt_catalog::Catalog;
use watwerkt_web::{WebConfig, router};

struct Reply {
    status: u16,
    head: String,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

struct TestApp {
    addr: SocketAddr,
    _dir: tempfile::TempDir,
}

impl TestApp {
    /// The bundled catalogue plus one hostile project whose text holds markup.
    async fn spawn() -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let (catalog, _) = Catalog::open_bundled(dir.path()).unwrap();
        let evil = dir.path().join("evil.jsonl");
        std::fs::write(
            &evil,
            r#"{"project_number":"999000001","title":"<script>alert(1)</script> & co","question":"Werkt &amp; <b>vet</b>?","theme":"Re-integratie","organisations":["</script><img src=x>"]}"#,
        )
        .unwrap();
        catalog.import(&[evil], &|_| {}).unwrap();
        let app = router(Arc::new(catalog), WebConfig::default());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        TestApp { addr, _dir: dir }
    }

    async fn request(&self, method: &str, target: &str, extra: &str) -> Reply {
        let mut s = tokio::net::TcpStream::connect(self.addr).await.unwrap();
        let req = format!(
            "{method} {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{extra}\r\n"
        );
        s.write_all(req.as_bytes()).await.unwrap();
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).await.unwrap();
        let text = String::from_utf8_lossy(&buf).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head[9..12].parse().unwrap();
        Reply {
            status,
            head: head.to_string(),
            body: body.to_string(),
        }
    }

    async fn get(&self, target: &str) -> Reply {
        self.request("GET", target, "").await
    }
    async fn home(&self) -> Reply {
        self.get("/").await
    }
    async fn search(&self, query: &str) -> Reply {
        self.get(&format!("/zoeken?{query}")).await
    }
    async fn project(&self, number: &str) -> Reply {
        self.get(&format!("/project/{number}")).await
    }
    async fn api_projects(&self, query: &str) -> Reply {
        self.get(&format!("/api/v1/projects?{query}")).await
    }
    async fn stats(&self) -> Reply {
        self.get("/statistieken").await
    }
    async fn healthz(&self) -> Reply {
        self.get("/healthz").await
    }
}

#[tokio::test]
async fn home_lists_programme_lines_with_counts() {
    let app = TestApp::spawn().await;
    let r = app.home().await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("<html lang=\"nl\">"));
    assert!(r.body.contains("Re-integratie</a> ("));
    let h = app.healthz().await;
    assert_eq!(h.status, 200);
    assert!(h.body.starts_with("ok "));
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
    assert!(r.body.contains("href=\"/project/"));
    assert!(r.body.contains(" checked"));
    // The chip removes its filter and keeps the query.
    assert!(r.body.contains("href=\"/zoeken?q=schulden\""));
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
            .contains("<h1>&#60;script&#62;alert(1)&#60;/script&#62; &#38; co</h1>")
    );
    assert!(
        r.body
            .contains("Werkt &#38;amp; &#60;b&#62;vet&#60;/b&#62;?")
    );
    assert!(r.body.contains("\"@type\":\"ResearchProject\""));
    // Exactly one </script>: the JSON-LD block's own end.
    assert_eq!(r.body.matches("</script>").count(), 1);
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
    let long = format!("q={}", "a".repeat(10_000));
    let r = app.search(&long).await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Ongeldige zoekopdracht"));
    assert_eq!(app.api_projects("f=bogus:1").await.status, 400);
}

#[tokio::test]
async fn headers_cache_and_head() {
    let app = TestApp::spawn().await;
    let r = app.home().await;
    let csp = r.header("content-security-policy").unwrap();
    assert!(!csp.contains("unsafe-inline"));
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
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
    assert_eq!(r.body.matches("<svg role=\"img\"").count(), 5);
    assert_eq!(r.body.matches("<table>").count(), 5);
    assert!(r.body.contains("Re-integratie</a></td><td>"));
}
