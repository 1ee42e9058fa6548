//! The store's connections: each opened when first needed and again after the server closed it,
//! each with its prepared statements; and errors that name the operation and the server, never
//! the password.

use std::collections::HashMap;
use std::sync::MutexGuard;

use postgres::config::Host;
use postgres::error::SqlState;
use postgres::types::ToSql;
use postgres::{Client, Config, NoTls, Row, Statement};
use watwerkt_store::StoreError;

/// One connection and the statements prepared on it.
pub(crate) struct Conn {
    client: Client,
    statements: HashMap<&'static str, Statement>,
}

impl Conn {
    pub(crate) fn connect(config: &Config, url: &str) -> Result<Conn, StoreError> {
        let client = config.connect(NoTls).map_err(|e| StoreError::Open {
            path: url.to_owned(),
            message: format!("cannot connect: {}", describe(&e)),
        })?;
        Ok(Conn {
            client,
            statements: HashMap::new(),
        })
    }

    pub(crate) fn client(&mut self) -> &mut Client {
        &mut self.client
    }
}

/// A connection borrowed from its slot for one operation (or one write transaction).
pub(crate) struct Lease<'a> {
    slot: MutexGuard<'a, Option<Conn>>,
    url: &'a str,
}

type Params<'p> = &'p [&'p (dyn ToSql + Sync)];

impl<'a> Lease<'a> {
    /// The slot's connection, opened now if it has none or the server closed it.
    pub(crate) fn new(
        mut slot: MutexGuard<'a, Option<Conn>>,
        config: &Config,
        url: &'a str,
    ) -> Result<Lease<'a>, StoreError> {
        if slot.as_ref().is_none_or(|c| c.client.is_closed()) {
            *slot = Some(Conn::connect(config, url)?);
        }
        Ok(Lease { slot, url })
    }

    /// `sql` prepared on this connection (once per connection), and the client to run it on.
    pub(crate) fn prepared(
        &mut self,
        sql: &'static str,
        op: &'static str,
    ) -> Result<(Statement, &mut Client), StoreError> {
        let url = self.url;
        let conn = self.slot.as_mut().expect("a lease holds a connection");
        let statement = match conn.statements.get(sql) {
            Some(s) => s.clone(),
            None => {
                let s = conn.client.prepare(sql).map_err(backend(op, url))?;
                conn.statements.insert(sql, s.clone());
                s
            }
        };
        Ok((statement, &mut conn.client))
    }

    /// Runs `f` with `sql` prepared; errors name `op`.
    fn run<T>(
        &mut self,
        sql: &'static str,
        op: &'static str,
        f: impl FnOnce(&mut Client, &Statement) -> Result<T, postgres::Error>,
    ) -> Result<T, StoreError> {
        let url = self.url;
        let (statement, client) = self.prepared(sql, op)?;
        f(client, &statement).map_err(backend(op, url))
    }

    pub(crate) fn execute(
        &mut self,
        sql: &'static str,
        op: &'static str,
        params: Params,
    ) -> Result<u64, StoreError> {
        self.run(sql, op, |c, s| c.execute(s, params))
    }

    pub(crate) fn query(
        &mut self,
        sql: &'static str,
        op: &'static str,
        params: Params,
    ) -> Result<Vec<Row>, StoreError> {
        self.run(sql, op, |c, s| c.query(s, params))
    }

    pub(crate) fn query_opt(
        &mut self,
        sql: &'static str,
        op: &'static str,
        params: Params,
    ) -> Result<Option<Row>, StoreError> {
        self.run(sql, op, |c, s| c.query_opt(s, params))
    }

    /// Runs statements without parameters (transaction control).
    pub(crate) fn batch(&mut self, sql: &str, op: &'static str) -> Result<(), StoreError> {
        let url = self.url;
        let conn = self.slot.as_mut().expect("a lease holds a connection");
        conn.client.batch_execute(sql).map_err(backend(op, url))
    }
}

/// Maps a driver error of `op` on the server `url` (without password) to a [`StoreError`];
/// waiting too long for another writer's lock is [`StoreError::Busy`].
pub(crate) fn backend(op: &'static str, url: &str) -> impl Fn(postgres::Error) -> StoreError {
    move |e| {
        if e.code() == Some(&SqlState::LOCK_NOT_AVAILABLE) {
            StoreError::Busy
        } else {
            StoreError::Backend {
                op,
                message: format!("{} (on {url})", describe(&e)),
            }
        }
    }
}

/// The error with its causes: the driver's own message says only "db error".
pub(crate) fn describe(e: &postgres::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// A connection URL (or key=value string) as it may be shown: user, hosts, ports and database,
/// never the password.
pub fn redacted(url: &str) -> String {
    let Ok(config) = url.parse::<Config>() else {
        return without_password(url);
    };
    let ports = config.get_ports();
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .enumerate()
        .map(|(i, host)| {
            let name = match host {
                Host::Tcp(name) => name.clone(),
                Host::Unix(path) => path.display().to_string(),
            };
            match ports.get(i).or(ports.first()) {
                Some(port) => format!("{name}:{port}"),
                None => name,
            }
        })
        .collect();
    let user = config
        .get_user()
        .map(|u| format!("{u}@"))
        .unwrap_or_default();
    let dbname = config.get_dbname().unwrap_or_default();
    format!("postgres://{user}{}/{dbname}", hosts.join(","))
}

/// A best effort for a string the driver cannot parse: drop what may be a password.
fn without_password(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        let rest = rest.split('?').next().unwrap_or_default();
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        return match authority.rsplit_once('@') {
            Some((userinfo, host)) => {
                let user = userinfo.split(':').next().unwrap_or_default();
                format!("{scheme}://{user}@{host}{path}")
            }
            None => format!("{scheme}://{authority}{path}"),
        };
    }
    url.split_whitespace()
        .filter(|w| !w.starts_with("password"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::redacted;

    #[test]
    fn urls_are_shown_without_their_password() {
        assert_eq!(
            redacted("postgres://ww:s3cret@db.example:6543/watwerkt?sslmode=disable"),
            "postgres://ww@db.example:6543/watwerkt"
        );
        assert_eq!(
            redacted("host=127.0.0.1 port=5432 user=postgres password=s3cret dbname=w"),
            "postgres://postgres@127.0.0.1:5432/w"
        );
        for bad in [
            "postgres://ww:s3cret@db/w?nonsense=1",
            "host=h password=s3cret bogus",
        ] {
            let shown = redacted(bad);
            assert!(!shown.contains("s3cret"), "{bad} → {shown}");
        }
    }
}
