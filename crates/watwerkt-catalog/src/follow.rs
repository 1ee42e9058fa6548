//! Keeping this data directory's index in step with the store's change log
//! (`watwerkt_store::changes`): after this process's own writes, on start-up, and — in a serving
//! node — on a background thread woken by the store (PostgreSQL's `NOTIFY`, else polling every
//! second), so several `watwerkt serve` nodes on one database each keep their own index.
//!
//! The data directory records the last log row its index reflects ([`POSITION_FILE`]), written
//! after the index commit: a crash between the two applies some rows again, which is harmless,
//! since applying a row re-reads its projects' current state from the store. A log pruned past
//! that position, a write logged as "everything", or more than [`REBUILD_THRESHOLD`] rows or
//! projects to apply rebuild the index from the store instead; otherwise everything pending is
//! applied in one index commit.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use watwerkt_domain::ProjectNumber;
use watwerkt_store::changes::{self, Changed};

use crate::{Catalog, CatalogError, Progress, REBUILD_THRESHOLD, io_err};

/// The last change log row this data directory's index reflects.
pub const POSITION_FILE: &str = "change-log-position.txt";

/// How long a change log row is kept at least, and how long a node may be silent before pruning
/// stops waiting for it (it rebuilds its index when it returns): 7 days.
pub const LOG_RETENTION: Duration = Duration::from_secs(7 * 24 * 3600);

/// Log rows read per round trip.
const ROWS: usize = 1000;
/// How long a follower sleeps when the store cannot wake it.
const POLL: Duration = Duration::from_secs(1);
/// How often a follower tells the store an unchanged position.
const HEARTBEAT: Duration = Duration::from_secs(10);
/// How often a follower prunes the log.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// Where this data directory's index stands in the log, as this process knows it.
#[derive(Debug, Default)]
pub(crate) struct Position {
    state: Mutex<State>,
}

#[derive(Debug, Default, Clone, Copy)]
struct State {
    /// The last applied row; `None` when the data directory has no position yet.
    applied: Option<u64>,
    /// When this process last applied a change (or rebuilt).
    applied_at: Option<Instant>,
}

impl Position {
    pub(crate) fn load(data_dir: &Path) -> Position {
        let applied = std::fs::read_to_string(data_dir.join(POSITION_FILE))
            .ok()
            .and_then(|s| s.trim().parse().ok());
        Position {
            state: Mutex::new(State {
                applied,
                applied_at: None,
            }),
        }
    }

    fn get(&self) -> State {
        *self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records `seq` as applied, in the data directory first.
    fn set(&self, data_dir: &Path, seq: u64) -> Result<(), CatalogError> {
        let path = data_dir.join(POSITION_FILE);
        let tmp = data_dir.join(format!("{POSITION_FILE}.tmp"));
        std::fs::write(&tmp, format!("{seq}\n")).map_err(io_err(&tmp))?;
        std::fs::rename(&tmp, &path).map_err(io_err(&path))?;
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.applied = Some(seq);
        state.applied_at = Some(Instant::now());
        Ok(())
    }
}

/// How far this node's index is behind the store's change log, for `/healthz`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowStatus {
    /// The last log row the index reflects (0: none).
    pub applied: u64,
    /// The newest row in the log.
    pub head: u64,
    /// Seconds since the oldest row not yet applied committed (writer's clock); 0 when in step.
    pub lag_seconds: u64,
    /// Seconds since this process last applied a change; `None` if it has not yet.
    pub since_applied_seconds: Option<u64>,
}

/// What one catch-up did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CatchUp {
    /// Log rows applied (their projects read again and indexed).
    pub rows: u64,
    /// Whether the index was rebuilt from the store instead.
    pub rebuilt: bool,
}

impl Catalog {
    /// Applies the change log after this data directory's position to the index (rebuilding it
    /// when that is needed or cheaper).
    pub fn catch_up(&self) -> Result<CatchUp, CatalogError> {
        let _guard = self.write.lock().unwrap_or_else(|e| e.into_inner());
        self.catch_up_locked(&|_| {})
    }

    /// [`Catalog::catch_up`] for a caller that holds the write lock; `progress` reports a rebuild.
    #[tracing::instrument(skip_all)]
    pub(crate) fn catch_up_locked(
        &self,
        progress: &dyn Fn(Progress),
    ) -> Result<CatchUp, CatalogError> {
        let mut done = CatchUp::default();
        let Some(mut applied) = self.position.get().applied else {
            self.rebuild_index(progress)?;
            done.rebuilt = true;
            return Ok(done);
        };
        loop {
            let first = self.store.changes_since(applied, ROWS)?;
            if first.changes.is_empty() && first.complete {
                return Ok(done);
            }
            // Rows are numbered without gaps: more rows behind than the threshold means at least
            // as many changes to fetch one by one, so a streaming rebuild is cheaper.
            let behind = first.head.saturating_sub(applied);
            let mut rebuild = !first.complete || behind > REBUILD_THRESHOLD as u64;
            let head = first.head;
            let mut rows = first.changes;
            while !rebuild && rows.last().is_some_and(|c| c.seq < head) {
                let after = rows.last().map_or(applied, |c| c.seq);
                let page = self.store.changes_since(after, ROWS)?;
                rebuild = !page.complete;
                if page.changes.is_empty() {
                    break;
                }
                rows.extend(page.changes);
            }
            let mut numbers: Vec<ProjectNumber> = Vec::new();
            for c in &rows {
                match &c.changed {
                    Changed::Projects(ns) => numbers.extend(ns.iter().cloned()),
                    Changed::All => rebuild = true,
                }
            }
            if rebuild || numbers.len() > REBUILD_THRESHOLD {
                self.rebuild_index(progress)?;
                done.rebuilt = true;
                return Ok(done);
            }
            numbers.sort_unstable();
            numbers.dedup();
            let mut projects = Vec::with_capacity(numbers.len());
            for n in &numbers {
                // Projects are never deleted; a number the store lacks cannot be logged.
                if let Some(p) = self.store.project(n)? {
                    projects.push(p);
                }
            }
            // One index commit for everything read: a commit costs more than a project.
            let last = rows.last().expect("not empty when complete");
            let generation = self
                .index
                .generation()
                .map_or(last.generation, |g| g.max(last.generation));
            self.index.upsert(&projects, generation)?;
            self.position.set(&self.data_dir, last.seq)?;
            applied = last.seq;
            done.rows += rows.len() as u64;
        }
    }

    /// The head of the log before a rebuild, which the rebuilt index reflects at least.
    pub(crate) fn log_head(&self) -> Result<u64, CatalogError> {
        Ok(self.store.changes_since(0, 0)?.head)
    }

    /// Records that a rebuild started at log head `seq` finished.
    pub(crate) fn rebuilt_at(&self, seq: u64) -> Result<(), CatalogError> {
        self.position.set(&self.data_dir, seq)
    }

    /// Whether this data directory knows its position in the log.
    pub(crate) fn has_position(&self) -> bool {
        self.position.get().applied.is_some()
    }

    /// Where this node's index stands against the store's log.
    pub fn follow_status(&self) -> Result<FollowStatus, CatalogError> {
        let state = self.position.get();
        let applied = state.applied.unwrap_or(0);
        let log = self.store.changes_since(applied, 1)?;
        let lag_seconds = log
            .changes
            .first()
            .map_or(0, |c| changes::now().saturating_sub(c.at));
        Ok(FollowStatus {
            applied,
            head: log.head,
            lag_seconds,
            since_applied_seconds: state.applied_at.map(|t| t.elapsed().as_secs()),
        })
    }

    /// This node's name in the store's list of log readers: host and data directory.
    pub fn node_name(&self) -> String {
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .ok()
            .or_else(|| std::env::var("HOSTNAME").ok())
            .map(|h| h.trim().to_owned())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "localhost".into());
        let dir = std::fs::canonicalize(&self.data_dir).unwrap_or_else(|_| self.data_dir.clone());
        format!("{host}:{}", dir.display())
    }

    /// Tells the store this node's position (a heartbeat for pruning).
    pub fn record_position(&self) -> Result<(), CatalogError> {
        let applied = self.position.get().applied.unwrap_or(0);
        self.store
            .record_position(&self.node_name(), applied, changes::now())?;
        Ok(())
    }

    /// Deletes change log rows older than `retention` that every node heard from within it has
    /// applied (serving nodes use [`LOG_RETENTION`]).
    pub fn prune_log(&self, retention: Duration) -> Result<changes::Pruned, CatalogError> {
        Ok(self
            .store
            .prune_changes(changes::now(), retention.as_secs())?)
    }
}

/// Follows the change log for as long as the process runs: waits for the store to signal (or a
/// second), catches up, sends a heartbeat and prunes now and then. Errors are logged and retried.
pub fn follow(catalog: Arc<Catalog>) -> ! {
    let mut last_beat: Option<Instant> = None;
    let mut last_prune: Option<Instant> = None;
    let mut last_error: Option<String> = None;
    loop {
        let round = (|| {
            let done = catalog.catch_up()?;
            if done != CatchUp::default() {
                tracing::debug!(
                    rows = done.rows,
                    rebuilt = done.rebuilt,
                    "followed the change log"
                );
            }
            // A new position is told within a second; an unchanged one every HEARTBEAT.
            let every = if done == CatchUp::default() {
                HEARTBEAT
            } else {
                POLL
            };
            if last_beat.is_none_or(|t| t.elapsed() >= every) {
                catalog.record_position()?;
                last_beat = Some(Instant::now());
            }
            if last_prune.is_none_or(|t| t.elapsed() >= PRUNE_EVERY) {
                let pruned = catalog.prune_log(LOG_RETENTION)?;
                tracing::info!(
                    rows = pruned.rows,
                    readers = pruned.readers,
                    "pruned the change log"
                );
                last_prune = Some(Instant::now());
            }
            catalog.store.wait_for_changes(POLL)?;
            Ok::<(), CatalogError>(())
        })();
        match round {
            Ok(()) => last_error = None,
            Err(e) => {
                let message = e.to_string();
                // Said once per distinct failure, not every second while the database is away.
                if last_error.as_deref() != Some(message.as_str()) {
                    tracing::warn!(error = %message, "following the change log failed; retrying");
                }
                last_error = Some(message);
                std::thread::sleep(POLL);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use watwerkt_search::SearchRequest;

    use super::*;
    use crate::StoreLocation;

    fn hits(c: &Catalog, query: &str) -> u64 {
        let req = SearchRequest {
            query: query.into(),
            limit: 10,
            ..Default::default()
        };
        c.index().search(&req).unwrap().total
    }

    #[test]
    fn two_data_directories_on_one_store_follow_each_others_writes() {
        let dir = tempfile::tempdir().unwrap();
        let store = StoreLocation::Sqlite(dir.path().join("shared.sqlite"));
        let a = Catalog::open_at(&dir.path().join("a"), &store, &|_| {}).unwrap();
        a.seed_if_new().unwrap();
        let b = Catalog::open_at(&dir.path().join("b"), &store, &|_| {}).unwrap();
        assert_eq!(
            b.index().len(),
            a.index().len(),
            "a new node builds its index"
        );
        let number = first_number(&b);
        a.edit_project(&number, &serde_json::json!({"title": "Zebrapaden"}), None)
            .unwrap();
        assert_eq!(hits(&a, "zebrapaden"), 1, "the writer's own index follows");
        assert_eq!(hits(&b, "zebrapaden"), 0);
        assert_eq!(
            b.catch_up().unwrap(),
            CatchUp {
                rows: 1,
                rebuilt: false
            }
        );
        assert_eq!(hits(&b, "zebrapaden"), 1);
        let status = b.follow_status().unwrap();
        assert_eq!((status.applied, status.head, status.lag_seconds), (2, 2, 0));

        // b is away while the log is pruned past its position: it rebuilds when it returns.
        drop(b);
        a.edit_project(&number, &serde_json::json!({"title": "Fietspaden"}), None)
            .unwrap();
        a.edit_project(&number, &serde_json::json!({"title": "Voetpaden"}), None)
            .unwrap();
        let pruned = a.store().prune_changes(changes::now() + 100, 10).unwrap();
        assert_eq!(pruned.oldest, 4);
        let b = Catalog::open_at(&dir.path().join("b"), &store, &|_| {}).unwrap();
        assert_eq!(hits(&b, "voetpaden"), 1);
        assert_eq!(b.follow_status().unwrap().applied, 4);
    }

    fn first_number(c: &Catalog) -> ProjectNumber {
        let mut first = None;
        c.store()
            .for_each_project(&mut |p| {
                first.get_or_insert(p.number);
                Ok(())
            })
            .unwrap();
        first.unwrap()
    }
}
