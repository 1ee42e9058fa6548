//! The audit log: who did what, when and from where, appended and never changed (the table's
//! triggers refuse updates and deletions).

use rusqlite::params;

use crate::{AccountError, Accounts, backend};

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub at: i64,
    /// The account's e-mail address, or `cli` for the command line.
    pub actor: String,
    /// What was done, e.g. `project.update`, `login.failed`, `user.add`.
    pub action: String,
    /// What it was done to, e.g. `project:535006006`.
    pub target: String,
    pub detail: String,
    /// Where from: the client's address, or `cli`.
    pub source: String,
}

impl Accounts {
    /// Appends to the audit log.
    pub fn record(&self, entry: &AuditEntry) -> Result<(), AccountError> {
        self.conn()
            .execute(
                "INSERT INTO audit (at, actor, action, target, detail, source)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    entry.at,
                    entry.actor,
                    entry.action,
                    entry.target,
                    entry.detail,
                    entry.source
                ],
            )
            .map_err(backend("writing the audit log"))?;
        Ok(())
    }

    /// The audit log, newest first; only entries about `target` when given.
    pub fn audit(
        &self,
        target: Option<&str>,
        limit: usize,
    ) -> Result<Vec<AuditEntry>, AccountError> {
        let c = self.conn();
        let mut stmt = c
            .prepare(
                "SELECT at, actor, action, target, detail, source FROM audit
                 WHERE ?1 IS NULL OR target = ?1 ORDER BY id DESC LIMIT ?2",
            )
            .map_err(backend("reading the audit log"))?;
        let rows = stmt
            .query_map(params![target, limit as i64], |r| {
                Ok(AuditEntry {
                    at: r.get(0)?,
                    actor: r.get(1)?,
                    action: r.get(2)?,
                    target: r.get(3)?,
                    detail: r.get(4)?,
                    source: r.get(5)?,
                })
            })
            .map_err(backend("reading the audit log"))?;
        rows.collect::<Result<_, _>>()
            .map_err(backend("reading the audit log"))
    }
}
