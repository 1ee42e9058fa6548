//! Throwaway databases for tests: each [`TestDatabase`] is a new, empty database on the test
//! server, dropped when the guard is dropped.
//!
//! The server: `WATWERKT_TEST_DATABASE_URL` (a role that may create databases), else
//! `host=127.0.0.1 port=5432 user=postgres` (`scripts/postgres.sh` starts it). When it cannot be
//! reached, [`TestDatabase::create`] fails the test if `CI` is set, and otherwise returns `None`
//! after printing why the test is skipped.

use std::io::Write;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use postgres::{Client, Config, NoTls};

use crate::connection::{describe, redacted};

const DEFAULT_SERVER: &str = "host=127.0.0.1 port=5432 user=postgres dbname=postgres";

static NEXT: AtomicU32 = AtomicU32::new(0);

/// A database of one test, dropped with the guard.
pub struct TestDatabase {
    server: Config,
    name: String,
    url: String,
}

impl TestDatabase {
    /// A new, empty database; `None` (printed) when no server is reachable outside CI.
    pub fn create() -> Option<TestDatabase> {
        let server_url = std::env::var("WATWERKT_TEST_DATABASE_URL")
            .unwrap_or_else(|_| DEFAULT_SERVER.to_owned());
        let mut server: Config = server_url
            .parse()
            .unwrap_or_else(|e| panic!("WATWERKT_TEST_DATABASE_URL: {}", describe(&e)));
        server.connect_timeout(Duration::from_secs(5));
        let mut client = match server.connect(NoTls) {
            Ok(c) => c,
            Err(e) => {
                let why = format!(
                    "no PostgreSQL test server at {} ({}); start one with scripts/postgres.sh or set WATWERKT_TEST_DATABASE_URL",
                    redacted(&server_url),
                    describe(&e)
                );
                if std::env::var_os("CI").is_some() {
                    panic!("CI needs PostgreSQL: {why}");
                }
                // Past the test harness's capture, so the skip shows in a plain `cargo test`.
                let _ = writeln!(std::io::stderr(), "skipped: {why}");
                return None;
            }
        };
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() % 1_000_000);
        let name = format!(
            "watwerkt_test_{}_{}_{stamp}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap_or_else(|e| panic!("creating test database {name}: {}", describe(&e)));
        let mut config = server.clone();
        config.dbname(&name);
        Some(TestDatabase {
            url: url_of(&config, &server_url),
            server,
            name,
        })
    }

    /// The database's `postgres://` URL (with the password, if the server has one).
    pub fn url(&self) -> &str {
        &self.url
    }
}

/// A `postgres://` URL for `config` (the form `--database-url` takes).
fn url_of(config: &Config, server_url: &str) -> String {
    let mut userinfo = encode(config.get_user().unwrap_or("postgres"));
    if let Some(pw) = config.get_password() {
        userinfo.push(':');
        userinfo.push_str(&encode(&String::from_utf8_lossy(pw)));
    }
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let dbname = config.get_dbname().unwrap_or_default();
    match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(host)) => {
            format!("postgres://{userinfo}@{host}:{port}/{dbname}")
        }
        Some(postgres::config::Host::Unix(dir)) => format!(
            "postgres://{userinfo}@:{port}/{dbname}?host={}",
            encode(&dir.display().to_string())
        ),
        None => panic!("the test server {} names no host", redacted(server_url)),
    }
}

/// Percent-encodes all but unreserved characters.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let dropped = self.server.connect(NoTls).and_then(|mut c: Client| {
            c.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
        });
        if let Err(e) = dropped {
            eprintln!(
                "could not drop test database {}: {}",
                self.name,
                describe(&e)
            );
        }
    }
}
