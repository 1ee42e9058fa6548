//! The PostgreSQL store: the catalogue in a database server, for deployments where more than one
//! process shares it. Same tables, same stored text and same semantics as the embedded SQLite
//! store (`watwerkt-store-sqlite`, the model this follows); migrations are compiled in and
//! recorded in `schema_version`.
//!
//! One connection serves the single write transaction ([`PgStore::begin`]); a few read
//! connections, opened when first needed, serve readers, who see the last committed state
//! (PostgreSQL's default READ COMMITTED) while a write is open. Writers: within a process, a
//! second `begin()` waits for the first transaction to end (never begin twice on one thread);
//! across processes, each writer locks the generation row (`SELECT … FOR UPDATE`), waits up to
//! 5 s for another writer and then fails with [`StoreError::Busy`]. A connection the server
//! closed is opened again on its next use.
//!
//! Connections are made without TLS: the server is expected on loopback or a private network.

mod change_log;
mod connection;
#[cfg(any(test, feature = "test-db"))]
pub mod test_db;

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use postgres::Config;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;
use watwerkt_domain::{Programme, Project, ProjectNumber};
use watwerkt_store::book::TxBook;
use watwerkt_store::changes::{Changes, Pruned};
use watwerkt_store::codec::{self, Encoded, decode};
use watwerkt_store::rows::{self, Rows};
use watwerkt_store::{Revision, Store, StoreError, StoreTx, Upsert, WriteSummary};

pub use connection::redacted;
use connection::{Conn, Lease};

/// Schema migrations in order; `schema_version` records how many were applied.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_init.sql"),
    include_str!("../migrations/0002_change_log.sql"),
];

const READERS: usize = 4;

/// Any number, the same in every process: the advisory lock taken while migrating.
const MIGRATION_LOCK: i64 = 0x7761_7477_6572_6b74; // "watwerkt"

/// How long a writer waits for another process's write transaction before [`StoreError::Busy`].
const WRITE_LOCK_WAIT: &str = "5s";

/// The PostgreSQL-backed [`Store`].
pub struct PgStore {
    config: Config,
    /// The connection URL without its password, for messages.
    url: String,
    writer: Mutex<Option<Conn>>,
    readers: Vec<Mutex<Option<Conn>>>,
    next_reader: AtomicUsize,
    /// The `LISTEN` connection of [`Store::wait_for_changes`], opened when first needed.
    listener: Mutex<Option<Conn>>,
}

impl PgStore {
    /// Connects to the database at `url` (`postgres://user@host:port/dbname` or the key=value
    /// form) and applies pending migrations.
    #[tracing::instrument(skip(url), fields(url = %redacted(url)))]
    pub fn open(url: &str) -> Result<PgStore, StoreError> {
        let shown = redacted(url);
        let config: Config = url.parse().map_err(|e| StoreError::Open {
            path: shown.clone(),
            message: format!(
                "not a PostgreSQL connection URL: {}",
                connection::describe(&e)
            ),
        })?;
        let mut writer = Conn::connect(&config, &shown)?;
        migrate(&mut writer).map_err(|message| StoreError::Open {
            path: shown.clone(),
            message,
        })?;
        Ok(PgStore {
            config,
            url: shown,
            writer: Mutex::new(Some(writer)),
            readers: (0..READERS).map(|_| Mutex::new(None)).collect(),
            next_reader: AtomicUsize::new(0),
            listener: Mutex::new(None),
        })
    }

    /// The connection URL without its password.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A free read connection, or else the next one in turn.
    fn reader(&self) -> Result<Lease<'_>, StoreError> {
        let slot = self
            .readers
            .iter()
            .find_map(|r| r.try_lock().ok())
            .unwrap_or_else(|| {
                let i = self.next_reader.fetch_add(1, Ordering::Relaxed) % self.readers.len();
                self.readers[i].lock().unwrap_or_else(|e| e.into_inner())
            });
        Lease::new(slot, &self.config, &self.url)
    }

    fn writer(&self) -> Result<Lease<'_>, StoreError> {
        let slot = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        Lease::new(slot, &self.config, &self.url)
    }
}

fn migrate(c: &mut Conn) -> Result<(), String> {
    let client = c.client();
    let mut tx = client.transaction().map_err(|e| connection::describe(&e))?;
    let result = (|| {
        // Two processes may open a new database at once: only one of them applies each migration.
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_version (
                 id INTEGER PRIMARY KEY CHECK (id = 1),
                 version INTEGER NOT NULL
             )",
        )?;
        let version: i32 = tx
            .query_opt("SELECT version FROM schema_version WHERE id = 1", &[])?
            .map_or(0, |r| r.get(0));
        Ok::<_, postgres::Error>(version)
    })();
    let version = result.map_err(|e| connection::describe(&e))?;
    let known = MIGRATIONS.len();
    if version as usize > known {
        return Err(format!(
            "schema version {version} is newer than this watwerkt knows ({known}); upgrade watwerkt"
        ));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        tx.batch_execute(sql)
            .map_err(|e| format!("migration {}: {}", i + 1, connection::describe(&e)))?;
    }
    tx.execute(
        "INSERT INTO schema_version (id, version) VALUES (1, $1)
         ON CONFLICT (id) DO UPDATE SET version = excluded.version",
        &[&(known as i32)],
    )
    .map_err(|e| connection::describe(&e))?;
    tx.commit().map_err(|e| connection::describe(&e))
}

fn generation_of(value: &str) -> Result<u64, StoreError> {
    value.parse().map_err(|_| StoreError::Backend {
        op: "reading the generation",
        message: format!("not a number: {value:?}"),
    })
}

/// The open write transaction; rolls back on drop unless committed.
struct PgTx<'a> {
    conn: Lease<'a>,
    book: TxBook,
    open: bool,
}

impl PgTx<'_> {
    /// Runs an INSERT or UPDATE of a project row whose parameters are $1 number, $2 content,
    /// $3 sources, $4 theme, $5 status, $6 start, $7 generation, $8 derived; returns the rows
    /// changed.
    fn write_row(
        &mut self,
        sql: &'static str,
        op: &'static str,
        project: &Project,
        encoded: &Encoded,
        generation: u64,
    ) -> Result<u64, StoreError> {
        let start = project.start.map(|d| d.to_string());
        self.conn.execute(
            sql,
            op,
            &[
                &project.number.as_str(),
                &encoded.content,
                &encoded.sources,
                &project.theme.name(),
                &project.status.map(|s| s.name()),
                &start,
                &(generation as i64),
                &encoded.derived,
            ],
        )
    }
}

impl Rows for PgTx<'_> {
    fn insert_if_new(
        &mut self,
        project: &Project,
        row: &Encoded,
        generation: u64,
    ) -> Result<bool, StoreError> {
        let sql = "INSERT INTO projects (number, content, sources, theme, status, start, changed_generation, derived)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (number) DO NOTHING";
        Ok(self.write_row(sql, "inserting a project", project, row, generation)? == 1)
    }

    fn stored(&mut self, number: &ProjectNumber) -> Result<Option<Encoded>, StoreError> {
        let row = self.conn.query_opt(
            "SELECT content, sources, derived FROM projects WHERE number = $1",
            "reading a project",
            &[&number.as_str()],
        )?;
        Ok(row.map(|r| Encoded {
            content: r.get(0),
            sources: r.get(1),
            derived: r.get(2),
        }))
    }

    fn set_sources(&mut self, number: &ProjectNumber, sources: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE projects SET sources = $2 WHERE number = $1",
            "updating sources",
            &[&number.as_str(), &sources],
        )?;
        Ok(())
    }

    fn set_derived(
        &mut self,
        number: &ProjectNumber,
        derived: &str,
        generation: u64,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE projects SET derived = $2, changed_generation = $3 WHERE number = $1",
            "updating derived labels",
            &[&number.as_str(), &derived, &(generation as i64)],
        )?;
        Ok(())
    }

    fn add_revision(
        &mut self,
        number: &ProjectNumber,
        revision: Option<u32>,
        old: &Encoded,
        generation: u64,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO revisions (number, revision, replaced_at_generation, content, sources)
             VALUES ($1, COALESCE($2, (SELECT COALESCE(MAX(revision), 0) + 1 FROM revisions WHERE number = $1)),
                     $3, $4, $5)",
            "keeping a revision",
            &[
                &number.as_str(),
                &revision.map(|r| r as i32),
                &(generation as i64),
                &old.content,
                &old.sources,
            ],
        )?;
        Ok(())
    }

    fn replace(
        &mut self,
        project: &Project,
        row: &Encoded,
        generation: u64,
    ) -> Result<(), StoreError> {
        let sql =
            "UPDATE projects SET content = $2, sources = $3, theme = $4, status = $5, start = $6,
                   changed_generation = $7, derived = $8 WHERE number = $1";
        self.write_row(sql, "updating a project", project, row, generation)?;
        Ok(())
    }
}

impl StoreTx for PgTx<'_> {
    fn upsert_project(&mut self, project: &Project) -> Result<Upsert, StoreError> {
        let next = self.book.next();
        let outcome = rows::upsert(self, project, next)?;
        self.book.upserted(&project.number, outcome);
        Ok(outcome)
    }

    fn merge_programme(&mut self, programme: Programme) -> Result<(), StoreError> {
        let current: Option<String> = self
            .conn
            .query_opt(
                "SELECT content FROM programme WHERE id = 1",
                "reading the programme",
                &[],
            )?
            .map(|r| r.get(0));
        let mut merged = match &current {
            Some(json) => codec::decode_programme(json)?,
            None => Programme::default(),
        };
        merged.merge(programme);
        let json = codec::encode_programme(&merged);
        if current.as_deref() != Some(json.as_str()) {
            self.conn.execute(
                "INSERT INTO programme (id, content) VALUES (1, $1)
                 ON CONFLICT (id) DO UPDATE SET content = excluded.content",
                "writing the programme",
                &[&json],
            )?;
            self.book.programme_changed();
        }
        Ok(())
    }

    fn set_meta(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES ($1, $2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            "writing store metadata",
            &[&key, &value],
        )?;
        Ok(())
    }

    fn changed(&self) -> &[ProjectNumber] {
        self.book.changed()
    }

    fn restore_project(
        &mut self,
        project: &Project,
        revisions: &[Revision],
    ) -> Result<(), StoreError> {
        rows::restore(self, project, revisions)?;
        self.book.upserted(&project.number, Upsert::Inserted);
        Ok(())
    }

    fn restore_generation(&mut self, generation: u64) -> Result<(), StoreError> {
        self.book.restore_generation(generation)
    }

    fn commit(mut self: Box<Self>) -> Result<WriteSummary, StoreError> {
        if let Some(generation) = self.book.commit_generation() {
            self.conn.execute(
                "UPDATE meta SET value = $1 WHERE key = 'generation'",
                "bumping the generation",
                &[&generation.to_string()],
            )?;
            change_log::append(&mut self.conn, generation, self.book.logged_projects())?;
        }
        self.conn.batch("COMMIT", "committing")?;
        self.open = false;
        Ok(self.book.summary())
    }
}

impl Drop for PgTx<'_> {
    fn drop(&mut self) {
        if self.open
            && let Err(e) = self.conn.batch("ROLLBACK", "rolling back")
        {
            tracing::error!(error = %e, "rollback failed");
        }
    }
}

impl Store for PgStore {
    #[tracing::instrument(skip(self))]
    fn begin(&self) -> Result<Box<dyn StoreTx + '_>, StoreError> {
        let mut conn = self.writer()?;
        conn.batch(
            &format!("BEGIN; SET LOCAL lock_timeout = '{WRITE_LOCK_WAIT}'"),
            "starting a transaction",
        )?;
        // From here the transaction rolls back on drop, also when taking the lock fails.
        let mut tx = PgTx {
            conn,
            book: TxBook::new(0),
            open: true,
        };
        let row = tx.conn.query_opt(
            "SELECT value FROM meta WHERE key = 'generation' FOR UPDATE",
            "taking the write lock",
            &[],
        )?;
        let value: String = row.map(|r| r.get(0)).ok_or(StoreError::Backend {
            op: "reading the generation",
            message: "the store has no generation".into(),
        })?;
        tx.book = TxBook::new(generation_of(&value)?);
        Ok(Box::new(tx))
    }

    #[tracing::instrument(skip(self))]
    fn project(&self, number: &ProjectNumber) -> Result<Option<Project>, StoreError> {
        let row = self.reader()?.query_opt(
            "SELECT content, sources, derived FROM projects WHERE number = $1",
            "reading a project",
            &[&number.as_str()],
        )?;
        row.map(|r| decode(number.as_str(), r.get(0), r.get(1), r.get(2)))
            .transpose()
    }

    #[tracing::instrument(skip_all)]
    fn for_each_project(
        &self,
        f: &mut dyn FnMut(Project) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        const OP: &str = "listing projects";
        let mut conn = self.reader()?;
        let (statement, client) = conn.prepared(
            "SELECT number, content, sources, derived FROM projects ORDER BY number",
            OP,
        )?;
        // Rows stream from the server as they are consumed, not all into memory first.
        let mut rows = client
            .query_raw(&statement, std::iter::empty::<&(dyn ToSql + Sync)>())
            .map_err(connection::backend(OP, &self.url))?;
        while let Some(r) = rows.next().map_err(connection::backend(OP, &self.url))? {
            f(decode(r.get(0), r.get(1), r.get(2), r.get(3))?)?;
        }
        Ok(())
    }

    fn count(&self) -> Result<u64, StoreError> {
        let row =
            self.reader()?
                .query_opt("SELECT COUNT(*) FROM projects", "counting projects", &[])?;
        Ok(row.map_or(0, |r| r.get::<_, i64>(0)) as u64)
    }

    fn programme(&self) -> Result<Programme, StoreError> {
        let row = self.reader()?.query_opt(
            "SELECT content FROM programme WHERE id = 1",
            "reading the programme",
            &[],
        )?;
        row.map_or_else(
            || Ok(Programme::default()),
            |r| codec::decode_programme(r.get(0)),
        )
    }

    fn revisions(&self, number: &ProjectNumber) -> Result<Vec<Revision>, StoreError> {
        let rows = self.reader()?.query(
            "SELECT revision, replaced_at_generation, content, sources FROM revisions
             WHERE number = $1 ORDER BY revision",
            "reading revisions",
            &[&number.as_str()],
        )?;
        rows.iter()
            .map(|r| {
                Ok(Revision {
                    revision: r.get::<_, i32>(0) as u32,
                    replaced_at_generation: r.get::<_, i64>(1) as u64,
                    // A revision is the catalogue's content as it was; labels are not kept with it.
                    project: decode(number.as_str(), r.get(2), r.get(3), "")?,
                })
            })
            .collect()
    }

    fn generation(&self) -> Result<u64, StoreError> {
        let value = self.meta("generation")?.ok_or(StoreError::Backend {
            op: "reading the generation",
            message: "the store has no generation".into(),
        })?;
        generation_of(&value)
    }

    fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        let row = self.reader()?.query_opt(
            "SELECT value FROM meta WHERE key = $1",
            "reading store metadata",
            &[&key],
        )?;
        Ok(row.map(|r| r.get(0)))
    }

    fn all_meta(&self) -> Result<Vec<(String, String)>, StoreError> {
        let rows = self.reader()?.query(
            "SELECT key, value FROM meta WHERE key <> 'generation' ORDER BY key COLLATE \"C\"",
            "reading store metadata",
            &[],
        )?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    fn check_integrity(&self) -> Result<Vec<String>, StoreError> {
        const OP: &str = "checking integrity";
        let mut conn = self.reader()?;
        let mut problems = Vec::new();
        let orphans: i64 = conn
            .query(
                "SELECT COUNT(*) FROM revisions r WHERE NOT EXISTS
                 (SELECT 1 FROM projects p WHERE p.number = r.number)",
                OP,
                &[],
            )?
            .first()
            .map_or(0, |r| r.get(0));
        if orphans > 0 {
            problems.push(format!("revisions: {orphans} rows name no stored project"));
        }
        let unvalidated = conn.query(
            "SELECT conrelid::regclass::text, conname FROM pg_constraint
             WHERE NOT convalidated AND connamespace = current_schema()::regnamespace",
            OP,
            &[],
        )?;
        problems.extend(unvalidated.iter().map(|r| {
            format!(
                "{}: constraint {} is not validated",
                r.get::<_, String>(0),
                r.get::<_, String>(1)
            )
        }));
        drop(conn);
        let generation = self.generation()?;
        let mut conn = self.reader()?;
        let newest: i64 = conn
            .query(
                "SELECT GREATEST(
                     (SELECT COALESCE(MAX(changed_generation), 0) FROM projects),
                     (SELECT COALESCE(MAX(replaced_at_generation), 0) FROM revisions))",
                OP,
                &[],
            )?
            .first()
            .map_or(0, |r| r.get(0));
        if newest as u64 > generation {
            problems.push(format!(
                "meta: generation {generation} is older than changes recorded at {newest}"
            ));
        }
        // One statement, one snapshot: the log and the generation as of the same commit.
        let log = conn.query_opt(
            "SELECT COUNT(*), COALESCE(MIN(seq), 0), COALESCE(MAX(seq), 0),
                    (SELECT generation FROM change_log ORDER BY seq DESC LIMIT 1),
                    (SELECT value::bigint FROM meta WHERE key = 'generation')
             FROM change_log",
            OP,
            &[],
        )?;
        if let Some(r) = log {
            problems.extend(watwerkt_store::changes::check(
                r.get::<_, i64>(0) as u64,
                r.get::<_, i64>(1) as u64,
                r.get::<_, i64>(2) as u64,
                r.get::<_, Option<i64>>(3).map(|g| g as u64),
                r.get::<_, i64>(4) as u64,
            ));
        }
        Ok(problems)
    }

    fn changes_since(&self, seq: u64, limit: usize) -> Result<Changes, StoreError> {
        change_log::since(self, seq, limit)
    }

    fn record_position(&self, node: &str, seq: u64, now: u64) -> Result<(), StoreError> {
        change_log::record_position(self, node, seq, now)
    }

    fn prune_changes(&self, now: u64, retention: u64) -> Result<Pruned, StoreError> {
        change_log::prune(self, now, retention)
    }

    fn wait_for_changes(&self, timeout: std::time::Duration) -> Result<(), StoreError> {
        change_log::wait(self, &self.listener, timeout)
    }
}

#[cfg(test)]
mod tests;
