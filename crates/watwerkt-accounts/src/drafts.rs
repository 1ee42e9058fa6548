//! Drafts of new projects: back-office work kept beside the accounts until an editor publishes
//! one into the catalogue.

use rusqlite::{OptionalExtension, params};

use crate::{AccountError, Accounts, backend};

/// A new project before it is published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub number: String,
    /// The project's JSONL record, as JSON text.
    pub record: String,
    pub author: String,
    pub updated: i64,
}

impl Accounts {
    /// Saves (creating or replacing) the draft of a new project.
    pub fn save_draft(&self, draft: &Draft) -> Result<(), AccountError> {
        self.conn()
            .execute(
                "INSERT INTO drafts (number, record, author, updated) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (number) DO UPDATE SET record = ?2, author = ?3, updated = ?4",
                params![draft.number, draft.record, draft.author, draft.updated],
            )
            .map_err(backend("saving a draft"))?;
        Ok(())
    }

    pub fn draft(&self, number: &str) -> Result<Option<Draft>, AccountError> {
        self.conn()
            .query_row(
                "SELECT number, record, author, updated FROM drafts WHERE number = ?1",
                [number],
                draft_row,
            )
            .optional()
            .map_err(backend("reading a draft"))
    }

    /// The drafts, most recently changed first.
    pub fn drafts(&self) -> Result<Vec<Draft>, AccountError> {
        let c = self.conn();
        let mut stmt = c
            .prepare("SELECT number, record, author, updated FROM drafts ORDER BY updated DESC")
            .map_err(backend("listing drafts"))?;
        let rows = stmt
            .query_map([], draft_row)
            .map_err(backend("listing drafts"))?;
        rows.collect::<Result<_, _>>()
            .map_err(backend("listing drafts"))
    }

    pub fn delete_draft(&self, number: &str) -> Result<(), AccountError> {
        self.conn()
            .execute("DELETE FROM drafts WHERE number = ?1", [number])
            .map_err(backend("removing a draft"))?;
        Ok(())
    }
}

fn draft_row(r: &rusqlite::Row) -> rusqlite::Result<Draft> {
    Ok(Draft {
        number: r.get(0)?,
        record: r.get(1)?,
        author: r.get(2)?,
        updated: r.get(3)?,
    })
}
