//! The change log every backend keeps beside its tables: one row per committed write that
//! changed something, written in that write's transaction, so any process reading the store can
//! bring its own search index in step (several `watwerkt serve` nodes on one PostgreSQL).
//!
//! Rows are numbered 1, 2, 3… without gaps: the number is taken under the store's one write
//! lock, so log order is commit order and generation order. The newest row is never pruned, so
//! a reader can always tell whether the rows after its position are all still there
//! ([`Changes::complete`]). Readers register their position ([`crate::Store::record_position`]);
//! pruning ([`crate::Store::prune_changes`]) never deletes a row a reader seen within the
//! retention has yet to read.

use std::time::{SystemTime, UNIX_EPOCH};

use watwerkt_domain::ProjectNumber;

use crate::StoreError;

/// Above this many changed projects a write is logged as [`Changed::All`]: a reader rebuilds its
/// index from the store rather than fetching each project, and the row stays small.
pub const LOGGED_PROJECTS_MAX: usize = 20_000;

/// What one logged write changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changed {
    /// These projects (possibly none: a programme-only change still bumps the generation).
    Projects(Vec<ProjectNumber>),
    /// Too many to list, or a whole store copied in: read everything again.
    All,
}

/// One committed write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub seq: u64,
    /// The store generation this write committed.
    pub generation: u64,
    pub changed: Changed,
    /// When it committed, in seconds since the Unix epoch (the writer's clock).
    pub at: u64,
}

/// The log after a reader's position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changes {
    /// The newest row's sequence number; 0 when nothing was ever logged.
    pub head: u64,
    /// Whether every row after the asked position is still in the log; `false` means rows were
    /// pruned (or the position is past the head, as for another store), and the reader rebuilds.
    pub complete: bool,
    /// At most the asked number of rows after the position, oldest first.
    pub changes: Vec<Change>,
}

impl Changes {
    /// Puts together what a backend read: `head` and `oldest` (the lowest sequence number still
    /// logged, 0 when the log is empty) before the rows, which may already include newer ones.
    pub fn new(after: u64, head: u64, oldest: u64, changes: Vec<Change>) -> Changes {
        let head = changes.last().map_or(head, |c| c.seq.max(head));
        let complete = after == head || (after < head && oldest <= after + 1);
        Changes {
            head,
            complete,
            changes,
        }
    }
}

/// What [`crate::Store::prune_changes`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pruned {
    /// Log rows deleted.
    pub rows: u64,
    /// Readers forgotten, silent for longer than the retention.
    pub readers: u64,
    /// The lowest sequence number left in the log (0 if empty).
    pub oldest: u64,
}

/// What a backend's integrity check finds wrong with its log, given the log's `rows`, lowest
/// and highest sequence numbers, the newest row's generation (`None` when empty) and the store's
/// generation: rows are numbered without gaps, and the newest records the current generation
/// (every commit that raises it appends a row). Empty when sound.
pub fn check(
    rows: u64,
    oldest: u64,
    head: u64,
    newest: Option<u64>,
    generation: u64,
) -> Vec<String> {
    let mut problems = Vec::new();
    if rows > 0 && head - oldest + 1 != rows {
        problems.push(format!(
            "change_log: {rows} rows numbered {oldest} to {head}; expected no gaps"
        ));
    }
    if let Some(g) = newest
        && g != generation
    {
        problems.push(format!(
            "change_log: the newest row (#{head}) records generation {g}, the store is at {generation}"
        ));
    }
    problems
}

/// Seconds since the Unix epoch by this machine's clock.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The stored form of a row's projects: numbers one per line, or `None` for [`Changed::All`].
pub fn encode(changed: &[ProjectNumber], all: bool) -> Option<String> {
    if all || changed.len() > LOGGED_PROJECTS_MAX {
        return None;
    }
    let mut s = String::with_capacity(changed.len() * 10);
    for (i, n) in changed.iter().enumerate() {
        if i > 0 {
            s.push('\n');
        }
        s.push_str(n.as_str());
    }
    Some(s)
}

/// Reads a row back; `seq` names it in an error.
pub fn decode(seq: u64, projects: Option<&str>) -> Result<Changed, StoreError> {
    let Some(text) = projects else {
        return Ok(Changed::All);
    };
    text.lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            ProjectNumber::parse(l).map_err(|e| StoreError::Corrupt {
                number: format!("change log row {seq}"),
                message: format!("{l:?} is not a project number: {e}"),
            })
        })
        .collect::<Result<_, _>>()
        .map(Changed::Projects)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completeness_follows_the_oldest_row() {
        assert!(Changes::new(0, 0, 0, vec![]).complete, "empty log");
        assert!(Changes::new(5, 5, 3, vec![]).complete, "at the head");
        assert!(Changes::new(2, 5, 3, vec![]).complete);
        assert!(!Changes::new(1, 5, 3, vec![]).complete, "row 2 was pruned");
        assert!(!Changes::new(7, 5, 1, vec![]).complete, "past the head");
    }

    #[test]
    fn rows_round_trip_and_large_writes_say_all() {
        let n = |s| ProjectNumber::parse(s).unwrap();
        let text = encode(&[n("535001001"), n("535001002")], false);
        assert_eq!(
            decode(1, text.as_deref()).unwrap(),
            Changed::Projects(vec![n("535001001"), n("535001002")])
        );
        assert_eq!(decode(1, Some("")).unwrap(), Changed::Projects(vec![]));
        assert_eq!(encode(&[], true), None);
        let many = vec![n("535001001"); LOGGED_PROJECTS_MAX + 1];
        assert_eq!(
            decode(1, encode(&many, false).as_deref()).unwrap(),
            Changed::All
        );
    }

    #[test]
    fn the_check_finds_gaps_and_a_generation_out_of_step() {
        assert!(
            check(0, 0, 0, None, 7).is_empty(),
            "a store from before the log"
        );
        assert!(check(3, 4, 6, Some(9), 9).is_empty());
        assert_eq!(check(2, 4, 6, Some(8), 9).len(), 2);
    }
}
