//! The storage interface: what any backend (SQLite embedded, PostgreSQL for multi-node) must do.
//! Writes happen in one transaction object that commits all or nothing; dropping it rolls back.
//! Every committed write that changes something bumps the store's *generation*, which the search
//! index records so a stale index can be detected on start-up, and appends a row to the store's
//! change log ([`changes`]) in the same transaction, from which every process keeps its index in
//! step.

use watwerkt_domain::{Programme, Project, ProjectNumber};

use crate::changes::{Changes, Pruned};

/// What went wrong in a backend. The message names the operation and, where known, the project.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("store at {path}: {message}")]
    Open { path: String, message: String },
    #[error("database error while {op}: {message}")]
    Backend { op: &'static str, message: String },
    #[error("stored record {number} is corrupt: {message}")]
    Corrupt { number: String, message: String },
    #[error("the store is busy: another import holds the write lock")]
    Busy,
}

/// What an upsert did to the stored project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upsert {
    Inserted,
    /// Content changed; the previous version was kept as a revision.
    Updated,
    Unchanged,
}

/// Counts of one committed write.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteSummary {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Generation after the commit (unchanged if nothing changed).
    pub generation: u64,
}

/// A previous version of a project, kept when an import changed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    /// 1 for the first version replaced, counting up.
    pub revision: u32,
    /// Generation of the write that replaced this version.
    pub replaced_at_generation: u64,
    pub project: Project,
}

/// An open write transaction. Nothing is visible to readers until [`StoreTx::commit`];
/// dropping it without committing rolls everything back.
pub trait StoreTx {
    fn upsert_project(&mut self, project: &Project) -> Result<Upsert, StoreError>;
    /// Merges what a programme or news page says into the stored programme.
    fn merge_programme(&mut self, programme: Programme) -> Result<(), StoreError>;
    /// Sets a value of the store's metadata (e.g. the label version the projects were derived
    /// with), committed with the rest of the transaction.
    fn set_meta(&mut self, key: &str, value: &str) -> Result<(), StoreError>;
    /// Projects whose stored content this transaction changed (inserted or updated), in write order.
    fn changed(&self) -> &[ProjectNumber];
    /// Writes a project exactly as another store holds it: its current version, and its earlier
    /// versions with their numbers and generations. For copying a whole store into an empty one
    /// (`watwerkt migrate`); fails if the project is already stored.
    fn restore_project(
        &mut self,
        project: &Project,
        revisions: &[Revision],
    ) -> Result<(), StoreError>;
    /// Makes the commit set the generation to `generation` (a copied store keeps its source's),
    /// whether or not anything changed. It must not be lower than the current generation.
    fn restore_generation(&mut self, generation: u64) -> Result<(), StoreError>;
    fn commit(self: Box<Self>) -> Result<WriteSummary, StoreError>;
}

/// A catalogue store. Implementations are safe to share between threads; reads never block on
/// an open write transaction (readers see the last committed state).
pub trait Store: Send + Sync {
    /// Starts the one write transaction; a second concurrent writer waits or gets [`StoreError::Busy`].
    fn begin(&self) -> Result<Box<dyn StoreTx + '_>, StoreError>;
    fn project(&self, number: &ProjectNumber) -> Result<Option<Project>, StoreError>;
    /// Visits every project in project-number order without loading all into memory.
    fn for_each_project(
        &self,
        f: &mut dyn FnMut(Project) -> Result<(), StoreError>,
    ) -> Result<(), StoreError>;
    fn count(&self) -> Result<u64, StoreError>;
    fn programme(&self) -> Result<Programme, StoreError>;
    /// Earlier versions of a project, oldest first.
    fn revisions(&self, number: &ProjectNumber) -> Result<Vec<Revision>, StoreError>;
    /// Increases with every committed write that changed something; 0 for an empty, new store.
    fn generation(&self) -> Result<u64, StoreError>;
    /// A metadata value set by [`StoreTx::set_meta`], or `None`.
    fn meta(&self, key: &str) -> Result<Option<String>, StoreError>;
    /// Every metadata key set by [`StoreTx::set_meta`] with its value, by key.
    fn all_meta(&self) -> Result<Vec<(String, String)>, StoreError>;
    /// The backend's own check of its files and constraints, for `watwerkt verify`: one line per
    /// problem found, naming the table or object and what is wrong; empty when the store is
    /// sound. An `Err` means the check itself could not run. SQLite runs
    /// `PRAGMA integrity_check` and `PRAGMA foreign_key_check`; PostgreSQL checks
    /// its foreign keys, constraints and generations with queries of its own.
    fn check_integrity(&self) -> Result<Vec<String>, StoreError>;
    /// The change log after position `seq` (the last row a reader applied; 0 for none): its
    /// head, whether it is complete from `seq` on, and at most `limit` rows (0: only the head).
    fn changes_since(&self, seq: u64, limit: usize) -> Result<Changes, StoreError>;
    /// Records that the reader `node` applied the log up to `seq`, seen at `now` (Unix
    /// seconds); pruning waits for readers seen within its retention.
    fn record_position(&self, node: &str, seq: u64, now: u64) -> Result<(), StoreError>;
    /// Deletes log rows committed more than `retention` seconds before `now` that every reader
    /// seen within the retention has applied, never the newest row; forgets readers silent for
    /// longer (they find the log incomplete and rebuild).
    fn prune_changes(&self, now: u64, retention: u64) -> Result<Pruned, StoreError>;
    /// Returns when the log may have grown or after `timeout`, whichever is first. The default
    /// sleeps (polling); PostgreSQL wakes on the `NOTIFY` each commit sends.
    fn wait_for_changes(&self, timeout: std::time::Duration) -> Result<(), StoreError> {
        std::thread::sleep(timeout);
        Ok(())
    }
    /// Writes a consistent copy of the whole store to the file `to` while writers go on (the
    /// copy holds one committed state), for `watwerkt backup`; returns the generation the copy
    /// holds. Written beside `to` and renamed, so a failed backup never leaves half a file. The
    /// default says the backend cannot (PostgreSQL: use `pg_dump`).
    fn backup(&self, to: &std::path::Path) -> Result<u64, StoreError> {
        Err(StoreError::Backend {
            op: "writing a backup",
            message: format!(
                "{}: this store backend cannot write a backup file yet; use the database's own dump tool (PostgreSQL: pg_dump)",
                to.display()
            ),
        })
    }
}

pub mod book;
pub mod changes;
pub mod codec;
pub mod contract;
mod derived;
pub mod rows;
