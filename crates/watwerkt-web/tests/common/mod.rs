//! The test server of the black-box tests: the real router on a random port, spoken to over
//! plain HTTP, with one method per endpoint.

// Each test binary uses its own part of the helpers.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use watwerkt_catalog::Catalog;
use watwerkt_web::{WebConfig, router};

pub struct Reply {
    pub status: u16,
    pub head: String,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// A raw HTTP/1.1 answer as a [`Reply`], its body de-chunked when it came in chunks.
fn reply(buf: &[u8]) -> Reply {
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(buf.len(), |i| i + 4);
    let head = String::from_utf8_lossy(&buf[..split]).trim_end().to_owned();
    let mut raw = &buf[split..];
    let chunked = head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked");
    let body = if chunked {
        let mut out = Vec::new();
        while let Some(line_end) = raw.windows(2).position(|w| w == b"\r\n") {
            let size =
                usize::from_str_radix(std::str::from_utf8(&raw[..line_end]).unwrap().trim(), 16)
                    .unwrap();
            if size == 0 {
                break;
            }
            let start = line_end + 2;
            out.extend_from_slice(&raw[start..start + size]);
            raw = &raw[start + size + 2..];
        }
        out
    } else {
        raw.to_vec()
    };
    Reply {
        status: head[9..12].parse().unwrap(),
        head,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

pub struct TestApp {
    addr: SocketAddr,
    pub catalog: Arc<Catalog>,
    pub accounts: Arc<watwerkt_accounts::Accounts>,
    dir: tempfile::TempDir,
}

impl TestApp {
    /// The bundled catalogue plus one hostile project whose text holds markup.
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with_overrides(None).await
    }

    /// As [`TestApp::spawn`], with editors' label overrides (`label-overrides.csv` lines after
    /// the header) in the data directory.
    pub async fn spawn_with_overrides(overrides: Option<&str>) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        if let Some(lines) = overrides {
            std::fs::write(
                dir.path().join(watwerkt_catalog::OVERRIDES_FILE),
                format!("project_number,dimension,id,action,reason\n{lines}\n"),
            )
            .unwrap();
        }
        let (catalog, _) = Catalog::open_bundled(dir.path()).unwrap();
        let evil = dir.path().join("evil.jsonl");
        std::fs::write(
            &evil,
            r#"{"project_number":"999000001","title":"<script>alert(1)</script> & co","question":"Werkt &amp; <b>vet</b>?","theme":"Re-integratie","organisations":["</script><img src=x>"]}"#,
        )
        .unwrap();
        catalog.import(&[evil], &|_| {}).unwrap();
        let catalog = Arc::new(catalog);
        let accounts = Arc::new(watwerkt_accounts::Accounts::open_in(dir.path()).unwrap());
        let app = router(catalog.clone(), accounts.clone(), WebConfig::default())
            .into_make_service_with_connect_info::<SocketAddr>();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        TestApp {
            addr,
            catalog,
            accounts,
            dir,
        }
    }

    pub async fn request(&self, method: &str, target: &str, extra: &str) -> Reply {
        let mut s = tokio::net::TcpStream::connect(self.addr).await.unwrap();
        let req = format!(
            "{method} {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{extra}\r\n"
        );
        s.write_all(req.as_bytes()).await.unwrap();
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).await.unwrap();
        reply(&buf)
    }

    /// A request with headers and a body.
    pub async fn send(
        &self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Reply {
        let mut extra: String = headers
            .iter()
            .map(|(k, v)| format!("{k}: {v}\r\n"))
            .collect();
        extra.push_str(&format!("Content-Length: {}\r\n", body.len()));
        let mut s = tokio::net::TcpStream::connect(self.addr).await.unwrap();
        let req = format!(
            "{method} {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{extra}\r\n{body}"
        );
        s.write_all(req.as_bytes()).await.unwrap();
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).await.unwrap();
        reply(&buf)
    }

    /// Imports JSON Lines into the running server's catalogue (a new index generation).
    pub fn import(&self, jsonl: &str) {
        let path = self.dir.path().join("more.jsonl");
        std::fs::write(&path, jsonl).unwrap();
        self.catalog.import(&[path], &|_| {}).unwrap();
    }

    pub async fn get(&self, target: &str) -> Reply {
        self.request("GET", target, "").await
    }
    pub async fn home(&self) -> Reply {
        self.get("/").await
    }
    pub async fn search(&self, query: &str) -> Reply {
        self.get(&format!("/zoeken?{query}")).await
    }
    pub async fn project(&self, number: &str) -> Reply {
        self.get(&format!("/project/{number}")).await
    }
    pub async fn api_projects(&self, query: &str) -> Reply {
        self.get(&format!("/api/v1/projects?{query}")).await
    }
    pub async fn stats(&self) -> Reply {
        self.get("/statistieken").await
    }
    pub async fn healthz(&self) -> Reply {
        self.get("/healthz").await
    }
    pub async fn theme(&self, slug: &str) -> Reply {
        self.get(&format!("/thema/{slug}")).await
    }
    pub async fn organisation(&self, slug: &str) -> Reply {
        self.get(&format!("/organisatie/{slug}")).await
    }
    pub async fn municipality(&self, slug: &str) -> Reply {
        self.get(&format!("/gemeente/{slug}")).await
    }
    pub async fn map(&self) -> Reply {
        self.get("/kaart").await
    }
    pub async fn vraagbaak(&self, form: &str) -> Reply {
        self.request(
            "POST",
            "/vraagbaak",
            &format!(
                "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
                form.len()
            ),
        )
        .await
    }
    pub async fn suggest(&self, q: &str) -> Reply {
        self.get(&format!("/api/v1/suggest?q={q}")).await
    }
    pub async fn programme(&self) -> Reply {
        self.get("/programma").await
    }
    pub async fn what_works(&self, query: &str) -> Reply {
        self.get(&format!("/wat-werkt?{query}")).await
    }
    pub async fn what_works_csv(&self, query: &str) -> Reply {
        self.get(&format!("/wat-werkt.csv?{query}")).await
    }
    pub async fn api_evidence_map(&self, query: &str) -> Reply {
        self.get(&format!("/api/v1/evidence-map?{query}")).await
    }
}

/// Every `href="…"` of a page, in order.
pub fn links(body: &str) -> Vec<&str> {
    body.split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect()
}
