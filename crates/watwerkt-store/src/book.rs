//! The bookkeeping every backend's write transaction shares: the generation it started from,
//! what it changed, and the generation its commit writes.

use watwerkt_domain::ProjectNumber;

use crate::{StoreError, Upsert, WriteSummary};

/// What one open write transaction did so far.
#[derive(Debug)]
pub struct TxBook {
    /// The committed generation the transaction started from.
    pub generation: u64,
    summary: WriteSummary,
    changed: Vec<ProjectNumber>,
    /// A changed programme bumps the generation too, though it counts no project.
    programme_changed: bool,
    restored: Option<u64>,
}

impl TxBook {
    pub fn new(generation: u64) -> TxBook {
        TxBook {
            generation,
            summary: WriteSummary::default(),
            changed: Vec::new(),
            programme_changed: false,
            restored: None,
        }
    }

    /// The generation this transaction's changes are recorded with.
    pub fn next(&self) -> u64 {
        self.generation + 1
    }

    /// Counts an upsert of `number`.
    pub fn upserted(&mut self, number: &ProjectNumber, outcome: Upsert) {
        match outcome {
            Upsert::Inserted => self.summary.inserted += 1,
            Upsert::Updated => self.summary.updated += 1,
            Upsert::Unchanged => self.summary.unchanged += 1,
        }
        if outcome != Upsert::Unchanged {
            self.changed.push(number.clone());
        }
    }

    pub fn programme_changed(&mut self) {
        self.programme_changed = true;
    }

    /// See [`crate::StoreTx::restore_generation`].
    pub fn restore_generation(&mut self, generation: u64) -> Result<(), StoreError> {
        if generation < self.generation {
            return Err(StoreError::Backend {
                op: "restoring the generation",
                message: format!(
                    "generation {generation} is lower than the store's {}",
                    self.generation
                ),
            });
        }
        self.restored = Some(generation);
        Ok(())
    }

    pub fn changed(&self) -> &[ProjectNumber] {
        &self.changed
    }

    /// The generation the commit must write, or `None` when it stays.
    pub fn commit_generation(&self) -> Option<u64> {
        let changed = self.summary.inserted + self.summary.updated > 0 || self.programme_changed;
        self.restored.or(changed.then(|| self.next()))
    }

    /// The change log row the commit must write with [`TxBook::commit_generation`]: the
    /// changed projects' numbers in their stored form (`None`: everything, as after a restore).
    pub fn logged_projects(&self) -> Option<String> {
        crate::changes::encode(&self.changed, self.restored.is_some())
    }

    /// The summary of the committed transaction.
    pub fn summary(&self) -> WriteSummary {
        WriteSummary {
            generation: self.commit_generation().unwrap_or(self.generation),
            ..self.summary
        }
    }
}
