//! Keeping the store file sound and copied: the integrity check behind `watwerkt verify`, and the
//! online backup and restore behind `watwerkt backup` and `watwerkt restore`.
//!
//! A backup is SQLite's online backup API run in one step: the whole copy is read inside one read
//! transaction of the source, so it holds exactly one committed state however many writers commit
//! meanwhile (WAL readers never wait for writers, nor writers for them). The copy is a plain
//! rollback-journal file, self-contained, written beside its target and renamed into place.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};
use watwerkt_store::StoreError;

/// How long a copy waits for a lock held by another connection before giving up.
const LOCK_WAIT: Duration = Duration::from_secs(30);

/// The problems `PRAGMA integrity_check` and `PRAGMA foreign_key_check` report, one line each,
/// and generations of projects newer than the store's own; empty when sound.
pub(crate) fn check_integrity(c: &Connection) -> Result<Vec<String>, StoreError> {
    let op = "checking the store's integrity";
    let mut problems = Vec::new();
    let lines: Vec<String> = c
        .prepare("PRAGMA integrity_check")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .map_err(crate::backend(op))?;
    if lines != ["ok"] {
        problems.extend(lines.into_iter().map(|l| format!("integrity_check: {l}")));
    }
    let orphans: Vec<(String, i64, String)> = c
        .prepare("PRAGMA foreign_key_check")
        .and_then(|mut s| {
            s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect()
        })
        .map_err(crate::backend(op))?;
    problems.extend(orphans.into_iter().map(|(table, rowid, parent)| {
        format!(
            "foreign_key_check: {table} row {rowid} refers to a {parent} row that does not exist"
        )
    }));
    // Written in the same transaction as the generation, so never ahead of it.
    let ahead: Vec<(String, i64)> = c
        .prepare(
            "SELECT number, changed_generation FROM projects
             WHERE changed_generation > (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'generation')
             ORDER BY number LIMIT 20",
        )
        .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .map_err(crate::backend(op))?;
    problems.extend(ahead.into_iter().map(|(number, g)| {
        format!("projects: {number} changed at generation {g}, after the store's own generation")
    }));
    let (rows, oldest, head, newest, generation): (i64, i64, i64, Option<i64>, i64) = c
        .query_row(
            "SELECT COUNT(*), COALESCE(MIN(seq), 0), COALESCE(MAX(seq), 0),
                    (SELECT generation FROM change_log ORDER BY seq DESC LIMIT 1),
                    (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'generation')
             FROM change_log",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .map_err(crate::backend(op))?;
    problems.extend(watwerkt_store::changes::check(
        rows as u64,
        oldest as u64,
        head as u64,
        newest.map(|g| g as u64),
        generation as u64,
    ));
    Ok(problems)
}

/// Copies the database `from` reads into a new file at `to` (see the module docs), then renames
/// it into place; returns the store generation the copy holds.
pub(crate) fn backup(from: &Connection, to: &Path) -> Result<u64, StoreError> {
    let tmp = temp_beside(to);
    let result = copy(from, &tmp, to).and_then(|generation| {
        std::fs::rename(&tmp, to)
            .map(|()| generation)
            .map_err(|e| StoreError::Open {
                path: to.display().to_string(),
                message: format!("moving the finished backup into place: {e}"),
            })
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Restores a backup written by [`backup`] to a new store file at `to`, which must not exist:
/// checks that `from` is a sound watwerkt store of a schema this version knows, then copies it.
/// Migrations newer than the backup are applied when the store is next opened.
pub fn restore(from: &Path, to: &Path, known_schema: usize) -> Result<(), StoreError> {
    let refuse = |message: String| StoreError::Open {
        path: from.display().to_string(),
        message,
    };
    if to.exists() {
        return Err(StoreError::Open {
            path: to.display().to_string(),
            message: "a store already exists here; restore writes a new store only".into(),
        });
    }
    let src = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| refuse(e.to_string()))?;
    let version: usize = src
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(|e| {
            refuse(format!(
                "not an SQLite database ({e}); expected a file written by `watwerkt backup`"
            ))
        })?;
    let has_projects: bool = src
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'projects')",
            [],
            |r| r.get(0),
        )
        .map_err(|e| refuse(e.to_string()))?;
    if version == 0 || !has_projects {
        return Err(refuse(
            "not a watwerkt store (no projects table); expected a file written by `watwerkt backup`".into(),
        ));
    }
    if version > known_schema {
        return Err(refuse(format!(
            "schema version {version} is newer than this watwerkt knows ({known_schema}); restore it with a newer watwerkt"
        )));
    }
    let problems = check_integrity(&src)?;
    if !problems.is_empty() {
        return Err(refuse(format!(
            "the backup is damaged, nothing was restored: {}",
            problems.join("; ")
        )));
    }
    backup(&src, to).map(|_| ())
}

fn temp_beside(to: &Path) -> PathBuf {
    let name = to
        .file_name()
        .map_or_else(|| "backup".into(), |n| n.to_string_lossy().into_owned());
    to.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

/// The online backup in one step (one read transaction of the source), into a rollback-journal
/// file at `tmp` beside `to`, synced; returns the generation the copy holds.
fn copy(from: &Connection, tmp: &Path, to: &Path) -> Result<u64, StoreError> {
    let op = "writing the backup";
    // Named by the file the user asked for; the temporary file is an implementation detail.
    let open_err = |e: &dyn std::fmt::Display| StoreError::Backend {
        op,
        message: format!(
            "{}: cannot write the backup there ({e}); expected a writable directory",
            to.display()
        ),
    };
    let mut dst = Connection::open(tmp).map_err(|e| open_err(&e))?;
    {
        let b = Backup::new(from, &mut dst).map_err(crate::backend(op))?;
        let started = std::time::Instant::now();
        loop {
            match b.step(-1).map_err(crate::backend(op))? {
                StepResult::Done => break,
                StepResult::More => {}
                StepResult::Busy | StepResult::Locked if started.elapsed() < LOCK_WAIT => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                StepResult::Busy | StepResult::Locked => return Err(StoreError::Busy),
                _ => {}
            }
        }
    }
    // The copy inherits the source's WAL mode; a backup is one self-contained file.
    dst.pragma_update(None, "journal_mode", "DELETE")
        .map_err(crate::backend(op))?;
    let generation = crate::read_generation(&dst)?;
    dst.close().map_err(|(_, e)| open_err(&e))?;
    std::fs::File::open(tmp)
        .and_then(|f| f.sync_all())
        .map_err(|e| open_err(&e))?;
    Ok(generation)
}
