//! The embedded default store: one SQLite file in WAL mode, migrations compiled into the binary.
//!
//! One write connection serves the single write transaction ([`SqliteStore::begin`]); a few read
//! connections serve readers, who see the last committed state while a write is open (WAL).
//! Durability: `synchronous=NORMAL` in WAL mode — a power cut may lose the last commit but never
//! corrupts the file or exposes half a transaction; a killed process loses nothing committed.
//! Writers: within a process, a second `begin()` waits for the first transaction to end (never
//! begin twice on one thread); across processes, `BEGIN IMMEDIATE` waits up to 5 s for another
//! writer and then fails with [`StoreError::Busy`].
//!
//! One file because it is the SQL of one trait implementation, method by method, with its
//! migration runner and tests; what is not SQL (encoding, deciding an upsert, bookkeeping) lives
//! in `watwerkt-store`, integrity checks and backups in `maintenance`.

mod maintenance;

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use watwerkt_domain::{Programme, Project, ProjectNumber};
use watwerkt_store::book::TxBook;
use watwerkt_store::changes::{self, Change, Changes, Pruned};
use watwerkt_store::codec::{self, Encoded, decode};
use watwerkt_store::rows::{self, Rows};
use watwerkt_store::{Revision, Store, StoreError, StoreTx, Upsert, WriteSummary};

/// Schema migrations in order; `PRAGMA user_version` records how many were applied.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_init.sql"),
    include_str!("../migrations/0002_derived.sql"),
    include_str!("../migrations/0003_change_log.sql"),
];

const READERS: usize = 4;

/// The SQLite-backed [`Store`].
pub struct SqliteStore {
    path: String,
    writer: Mutex<Connection>,
    readers: Vec<Mutex<Connection>>,
    next_reader: AtomicUsize,
}

fn backend(op: &'static str) -> impl Fn(rusqlite::Error) -> StoreError {
    move |e| match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseBusy) | Some(rusqlite::ErrorCode::DatabaseLocked) => {
            StoreError::Busy
        }
        _ => StoreError::Backend {
            op,
            message: e.to_string(),
        },
    }
}

impl SqliteStore {
    /// Opens or creates the store at `path`, applying pending migrations.
    #[tracing::instrument]
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let display = path.display().to_string();
        let open_err = |message: String| StoreError::Open {
            path: display.clone(),
            message,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| open_err(e.to_string()))?;
        }
        let writer = Connection::open(path).map_err(|e| open_err(e.to_string()))?;
        configure(&writer).map_err(|e| open_err(e.to_string()))?;
        migrate(&writer).map_err(open_err)?;
        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            let c = Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
            .map_err(|e| open_err(e.to_string()))?;
            c.busy_timeout(std::time::Duration::from_secs(5))
                .map_err(|e| open_err(e.to_string()))?;
            readers.push(Mutex::new(c));
        }
        Ok(SqliteStore {
            path: display,
            writer: Mutex::new(writer),
            readers,
            next_reader: AtomicUsize::new(0),
        })
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    /// Restores a file written by [`Store::backup`] to a new store at `to` (which must not
    /// exist), after checking it is a sound watwerkt store this version can open.
    pub fn restore(from: &Path, to: &Path) -> Result<(), StoreError> {
        maintenance::restore(from, to, MIGRATIONS.len())
    }

    /// A free read connection, or else the next one in turn.
    fn reader(&self) -> MutexGuard<'_, Connection> {
        for r in &self.readers {
            if let Ok(guard) = r.try_lock() {
                return guard;
            }
        }
        let i = self.next_reader.fetch_add(1, Ordering::Relaxed) % self.readers.len();
        self.readers[i].lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn configure(c: &Connection) -> rusqlite::Result<()> {
    c.pragma_update(None, "journal_mode", "WAL")?;
    c.pragma_update(None, "synchronous", "NORMAL")?;
    c.pragma_update(None, "foreign_keys", "ON")?;
    // Large imports stay in one transaction; a 128 MB page cache keeps the project-number index
    // in memory, so a million inserts do not thrash, and leaves room for the search index
    // writer within the import's 500 MB.
    c.pragma_update(None, "cache_size", -131072)?;
    c.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(())
}

fn migrate(c: &Connection) -> Result<(), String> {
    let version: usize = c
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(|e| e.to_string())?;
    if version > MIGRATIONS.len() {
        return Err(format!(
            "schema version {version} is newer than this watwerkt knows ({}); upgrade watwerkt",
            MIGRATIONS.len()
        ));
    }
    if version == MIGRATIONS.len() {
        return Ok(());
    }
    // Two processes may open a new store at once: take the write lock, then read the version
    // again, so only one of them applies each migration.
    c.execute_batch("BEGIN IMMEDIATE")
        .map_err(|e| e.to_string())?;
    let result = apply_migrations(c);
    let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
    c.execute_batch(end).map_err(|e| e.to_string())?;
    result
}

fn apply_migrations(c: &Connection) -> Result<(), String> {
    let version: usize = c
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(|e| e.to_string())?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version) {
        c.execute_batch(sql)
            .map_err(|e| format!("migration {}: {e}", i + 1))?;
        c.pragma_update(None, "user_version", i + 1)
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn read_generation(c: &Connection) -> Result<u64, StoreError> {
    let v: String = c
        .query_row("SELECT value FROM meta WHERE key = 'generation'", [], |r| {
            r.get(0)
        })
        .map_err(backend("reading the generation"))?;
    v.parse().map_err(|_| StoreError::Backend {
        op: "reading the generation",
        message: format!("not a number: {v:?}"),
    })
}

/// The open write transaction; rolls back on drop unless committed.
struct SqliteTx<'a> {
    conn: MutexGuard<'a, Connection>,
    book: TxBook,
    open: bool,
}

impl StoreTx for SqliteTx<'_> {
    fn upsert_project(&mut self, project: &Project) -> Result<Upsert, StoreError> {
        let next = self.book.next();
        let outcome = rows::upsert(self, project, next)?;
        self.book.upserted(&project.number, outcome);
        Ok(outcome)
    }

    fn merge_programme(&mut self, programme: Programme) -> Result<(), StoreError> {
        let current: Option<String> = self
            .conn
            .query_row("SELECT content FROM programme WHERE id = 1", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(backend("reading the programme"))?;
        let mut merged = match &current {
            Some(json) => codec::decode_programme(json)?,
            None => Programme::default(),
        };
        merged.merge(programme);
        let json = codec::encode_programme(&merged);
        if current.as_deref() != Some(json.as_str()) {
            self.conn
                .execute(
                    "INSERT INTO programme (id, content) VALUES (1, ?1)
                     ON CONFLICT (id) DO UPDATE SET content = excluded.content",
                    [&json],
                )
                .map_err(backend("writing the programme"))?;
            self.book.programme_changed();
        }
        Ok(())
    }

    fn set_meta(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [key, value],
            )
            .map_err(backend("writing store metadata"))?;
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
            self.conn
                .execute(
                    "UPDATE meta SET value = ?1 WHERE key = 'generation'",
                    [generation.to_string()],
                )
                .map_err(backend("bumping the generation"))?;
            self.conn
                .execute(
                    "INSERT INTO change_log (seq, generation, projects, at)
                     VALUES ((SELECT COALESCE(MAX(seq), 0) + 1 FROM change_log), ?1, ?2, ?3)",
                    params![
                        generation as i64,
                        self.book.logged_projects(),
                        changes::now() as i64
                    ],
                )
                .map_err(backend("appending to the change log"))?;
        }
        self.conn
            .execute_batch("COMMIT")
            .map_err(backend("committing"))?;
        self.open = false;
        // A bulk import fills the page cache; give it back rather than hold it while idle.
        // The data is committed by now: failing to release the cache is only worth a log line.
        if let Err(e) = self.conn.execute_batch("PRAGMA shrink_memory") {
            tracing::warn!(error = %e, "could not release the page cache after a commit");
        }
        Ok(self.book.summary())
    }
}

impl SqliteTx<'_> {
    /// Runs an INSERT or UPDATE of a project row whose parameters are ?1 number, ?2 content,
    /// ?3 sources, ?4 theme, ?5 status, ?6 start, ?7 generation, ?8 derived; returns the rows
    /// changed.
    fn write_row(
        &self,
        sql: &str,
        op: &'static str,
        p: &Project,
        row: &Encoded,
        generation: u64,
    ) -> Result<usize, StoreError> {
        self.conn
            .prepare_cached(sql)
            .and_then(|mut s| {
                s.execute(params![
                    p.number.as_str(),
                    row.content,
                    row.sources,
                    p.theme.name(),
                    p.status.map(|s| s.name()),
                    p.start.map(|d| d.to_string()),
                    generation as i64,
                    row.derived
                ])
            })
            .map_err(backend(op))
    }
}

impl Rows for SqliteTx<'_> {
    fn insert_if_new(
        &mut self,
        project: &Project,
        row: &Encoded,
        generation: u64,
    ) -> Result<bool, StoreError> {
        let sql = "INSERT INTO projects (number, content, sources, theme, status, start, changed_generation, derived)
                   VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (number) DO NOTHING";
        Ok(self.write_row(sql, "inserting a project", project, row, generation)? == 1)
    }

    fn stored(&mut self, number: &ProjectNumber) -> Result<Option<Encoded>, StoreError> {
        self.conn
            .prepare_cached("SELECT content, sources, derived FROM projects WHERE number = ?1")
            .and_then(|mut s| {
                s.query_row([number.as_str()], |r| {
                    Ok(Encoded {
                        content: r.get(0)?,
                        sources: r.get(1)?,
                        derived: r.get(2)?,
                    })
                })
                .optional()
            })
            .map_err(backend("reading a project"))
    }

    fn set_sources(&mut self, number: &ProjectNumber, sources: &str) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("UPDATE projects SET sources = ?2 WHERE number = ?1")
            .and_then(|mut s| s.execute(params![number.as_str(), sources]))
            .map_err(backend("updating sources"))?;
        Ok(())
    }

    fn set_derived(
        &mut self,
        number: &ProjectNumber,
        derived: &str,
        generation: u64,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "UPDATE projects SET derived = ?2, changed_generation = ?3 WHERE number = ?1",
            )
            .and_then(|mut s| s.execute(params![number.as_str(), derived, generation as i64]))
            .map_err(backend("updating derived labels"))?;
        Ok(())
    }

    fn add_revision(
        &mut self,
        number: &ProjectNumber,
        revision: Option<u32>,
        old: &Encoded,
        generation: u64,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO revisions (number, revision, replaced_at_generation, content, sources)
                 VALUES (?1, COALESCE(?2, (SELECT COALESCE(MAX(revision), 0) + 1 FROM revisions WHERE number = ?1)),
                         ?3, ?4, ?5)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    number.as_str(),
                    revision,
                    generation as i64,
                    old.content,
                    old.sources
                ])
            })
            .map_err(backend("keeping a revision"))?;
        Ok(())
    }

    fn replace(
        &mut self,
        project: &Project,
        row: &Encoded,
        generation: u64,
    ) -> Result<(), StoreError> {
        let sql =
            "UPDATE projects SET content = ?2, sources = ?3, theme = ?4, status = ?5, start = ?6,
                   changed_generation = ?7, derived = ?8 WHERE number = ?1";
        self.write_row(sql, "updating a project", project, row, generation)?;
        Ok(())
    }
}

impl Drop for SqliteTx<'_> {
    fn drop(&mut self) {
        if self.open
            && let Err(e) = self.conn.execute_batch("ROLLBACK")
        {
            tracing::error!(error = %e, "rollback failed");
        }
    }
}

impl Store for SqliteStore {
    #[tracing::instrument(skip(self))]
    fn begin(&self) -> Result<Box<dyn StoreTx + '_>, StoreError> {
        let conn = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        conn.execute_batch("BEGIN IMMEDIATE")
            .map_err(backend("starting a transaction"))?;
        let generation = match read_generation(&conn) {
            Ok(g) => g,
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                return Err(e);
            }
        };
        Ok(Box::new(SqliteTx {
            conn,
            book: TxBook::new(generation),
            open: true,
        }))
    }

    #[tracing::instrument(skip(self))]
    fn project(&self, number: &ProjectNumber) -> Result<Option<Project>, StoreError> {
        let c = self.reader();
        let row: Option<(String, String, String)> = c
            .prepare_cached("SELECT content, sources, derived FROM projects WHERE number = ?1")
            .and_then(|mut s| {
                s.query_row([number.as_str()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .optional()
            })
            .map_err(backend("reading a project"))?;
        row.map(|(content, sources, derived)| decode(number.as_str(), &content, &sources, &derived))
            .transpose()
    }

    #[tracing::instrument(skip_all)]
    fn for_each_project(
        &self,
        f: &mut dyn FnMut(Project) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let c = self.reader();
        let mut stmt = c
            .prepare_cached(
                "SELECT number, content, sources, derived FROM projects ORDER BY number",
            )
            .map_err(backend("listing projects"))?;
        let mut rows = stmt.query([]).map_err(backend("listing projects"))?;
        while let Some(row) = rows.next().map_err(backend("listing projects"))? {
            let number: String = row.get(0).map_err(backend("listing projects"))?;
            let content: String = row.get(1).map_err(backend("listing projects"))?;
            let sources: String = row.get(2).map_err(backend("listing projects"))?;
            let derived: String = row.get(3).map_err(backend("listing projects"))?;
            f(decode(&number, &content, &sources, &derived)?)?;
        }
        Ok(())
    }

    fn count(&self) -> Result<u64, StoreError> {
        let c = self.reader();
        let n: i64 = c
            .query_row("SELECT COUNT(*) FROM projects", [], |r| r.get(0))
            .map_err(backend("counting projects"))?;
        Ok(n as u64)
    }

    fn programme(&self) -> Result<Programme, StoreError> {
        let c = self.reader();
        let json: Option<String> = c
            .query_row("SELECT content FROM programme WHERE id = 1", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(backend("reading the programme"))?;
        json.map_or_else(|| Ok(Programme::default()), |j| codec::decode_programme(&j))
    }

    fn revisions(&self, number: &ProjectNumber) -> Result<Vec<Revision>, StoreError> {
        let c = self.reader();
        let mut stmt = c
            .prepare_cached(
                "SELECT revision, replaced_at_generation, content, sources FROM revisions
                 WHERE number = ?1 ORDER BY revision",
            )
            .map_err(backend("reading revisions"))?;
        let rows = stmt
            .query_map([number.as_str()], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })
            .map_err(backend("reading revisions"))?;
        let mut out = Vec::new();
        for row in rows {
            let (revision, at, content, sources) = row.map_err(backend("reading revisions"))?;
            out.push(Revision {
                revision: revision as u32,
                replaced_at_generation: at as u64,
                // A revision is the catalogue's content as it was; labels are not kept with it.
                project: decode(number.as_str(), &content, &sources, "")?,
            });
        }
        Ok(out)
    }

    fn generation(&self) -> Result<u64, StoreError> {
        read_generation(&self.reader())
    }

    fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        use rusqlite::OptionalExtension;
        self.reader()
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(backend("reading store metadata"))
    }

    fn all_meta(&self) -> Result<Vec<(String, String)>, StoreError> {
        let c = self.reader();
        let mut stmt = c
            .prepare_cached("SELECT key, value FROM meta WHERE key <> 'generation' ORDER BY key")
            .map_err(backend("reading store metadata"))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(backend("reading store metadata"))?;
        rows.collect::<Result<_, _>>()
            .map_err(backend("reading store metadata"))
    }

    fn check_integrity(&self) -> Result<Vec<String>, StoreError> {
        maintenance::check_integrity(&self.reader())
    }

    fn backup(&self, to: &Path) -> Result<u64, StoreError> {
        maintenance::backup(&self.reader(), to)
    }

    #[tracing::instrument(skip(self))]
    fn changes_since(&self, seq: u64, limit: usize) -> Result<Changes, StoreError> {
        const OP: &str = "reading the change log";
        let c = self.reader();
        let (head, oldest): (i64, i64) = c
            .query_row(
                "SELECT COALESCE(MAX(seq), 0), COALESCE(MIN(seq), 0) FROM change_log",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(backend(OP))?;
        let mut stmt = c
            .prepare_cached(
                "SELECT seq, generation, projects, at FROM change_log
                 WHERE seq > ?1 ORDER BY seq LIMIT ?2",
            )
            .map_err(backend(OP))?;
        let rows = stmt
            .query_map(params![seq as i64, limit as i64], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            })
            .map_err(backend(OP))?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, generation, projects, at) = row.map_err(backend(OP))?;
            out.push(Change {
                seq: seq as u64,
                generation: generation as u64,
                changed: changes::decode(seq as u64, projects.as_deref())?,
                at: at as u64,
            });
        }
        Ok(Changes::new(seq, head as u64, oldest as u64, out))
    }

    fn record_position(&self, node: &str, seq: u64, now: u64) -> Result<(), StoreError> {
        self.writer
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .execute(
                "INSERT INTO change_log_readers (node, seq, seen_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (node) DO UPDATE SET seq = excluded.seq, seen_at = excluded.seen_at",
                params![node, seq as i64, now as i64],
            )
            .map_err(backend("recording a change log reader"))?;
        Ok(())
    }

    #[tracing::instrument(skip(self))]
    fn prune_changes(&self, now: u64, retention: u64) -> Result<Pruned, StoreError> {
        const OP: &str = "pruning the change log";
        let cutoff = now.saturating_sub(retention) as i64;
        let mut c = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let tx = c.transaction().map_err(backend(OP))?;
        let readers = tx
            .execute(
                "DELETE FROM change_log_readers WHERE seen_at < ?1",
                [cutoff],
            )
            .map_err(backend(OP))?;
        // Up to the slowest reader still heard from, and never the newest row.
        let rows = tx
            .execute(
                "DELETE FROM change_log WHERE at < ?1
                   AND seq < (SELECT MAX(seq) FROM change_log)
                   AND seq <= COALESCE((SELECT MIN(seq) FROM change_log_readers), seq)",
                [cutoff],
            )
            .map_err(backend(OP))?;
        let oldest: i64 = tx
            .query_row("SELECT COALESCE(MIN(seq), 0) FROM change_log", [], |r| {
                r.get(0)
            })
            .map_err(backend(OP))?;
        tx.commit().map_err(backend(OP))?;
        Ok(Pruned {
            rows: rows as u64,
            readers: readers as u64,
            oldest: oldest as u64,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().unwrap();
        let s = SqliteStore::open(&dir.path().join("w.sqlite")).unwrap();
        (dir, s)
    }

    #[test]
    fn passes_the_store_contract() {
        watwerkt_store::contract::run_all(&|| store());
    }

    #[test]
    fn refuses_a_store_from_a_newer_version() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.sqlite");
        drop(SqliteStore::open(&path).unwrap());
        Connection::open(&path)
            .unwrap()
            .pragma_update(None, "user_version", 99)
            .unwrap();
        let err = SqliteStore::open(&path).err().unwrap().to_string();
        assert!(err.contains("newer"), "{err}");
    }

    #[test]
    fn reopening_keeps_data_and_applies_no_migration_twice() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.sqlite");
        {
            let s = SqliteStore::open(&path).unwrap();
            let mut tx = s.begin().unwrap();
            tx.upsert_project(&watwerkt_store::contract::sample(1))
                .unwrap();
            tx.commit().unwrap();
        }
        let s = SqliteStore::open(&path).unwrap();
        assert_eq!(s.count().unwrap(), 1);
        assert_eq!(s.generation().unwrap(), 1);
    }
}
