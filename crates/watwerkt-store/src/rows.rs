//! The one upsert and the one restore, built on a backend's primitive row writes: how a project
//! to write compares with its stored form and what that writes is decided here, once, so every
//! backend has the same semantics and only its SQL differs.

use watwerkt_domain::{Project, ProjectNumber};

use crate::codec::{self, Encoded};
use crate::{Revision, StoreError, Upsert};

/// The row writes of a backend's open write transaction.
pub trait Rows {
    /// Inserts the project unless its number is stored; whether it did. `generation` is the
    /// row's changed generation.
    fn insert_if_new(
        &mut self,
        project: &Project,
        row: &Encoded,
        generation: u64,
    ) -> Result<bool, StoreError>;
    /// The stored form of a project, if stored.
    fn stored(&mut self, number: &ProjectNumber) -> Result<Option<Encoded>, StoreError>;
    fn set_sources(&mut self, number: &ProjectNumber, sources: &str) -> Result<(), StoreError>;
    fn set_derived(
        &mut self,
        number: &ProjectNumber,
        derived: &str,
        generation: u64,
    ) -> Result<(), StoreError>;
    /// Keeps `old` as revision `revision` (`None`: the project's next), replaced at `generation`.
    fn add_revision(
        &mut self,
        number: &ProjectNumber,
        revision: Option<u32>,
        old: &Encoded,
        generation: u64,
    ) -> Result<(), StoreError>;
    /// Overwrites the stored project.
    fn replace(
        &mut self,
        project: &Project,
        row: &Encoded,
        generation: u64,
    ) -> Result<(), StoreError>;
}

/// See [`crate::StoreTx::upsert_project`]; `generation` is the one this transaction commits.
pub fn upsert(
    rows: &mut dyn Rows,
    project: &Project,
    generation: u64,
) -> Result<Upsert, StoreError> {
    let number = &project.number;
    let new = codec::encode(project);
    // Most rows of a bulk import are new: try the insert first and read back only on conflict.
    if rows.insert_if_new(project, &new, generation)? {
        return Ok(Upsert::Inserted);
    }
    let old = rows.stored(number)?.ok_or_else(|| StoreError::Backend {
        op: "reading a project",
        message: format!("{number} was stored a moment ago and is gone"),
    })?;
    if old.content != new.content {
        rows.add_revision(number, None, &old, generation)?;
        rows.replace(project, &new, generation)?;
        return Ok(Upsert::Updated);
    }
    // Same content seen in another file: remember where, but it is not a new version.
    if old.sources != new.sources {
        rows.set_sources(number, &new.sources)?;
    }
    if old.derived == new.derived {
        return Ok(Upsert::Unchanged);
    }
    // Labels derived again (the lexicon changed): the index must follow, but the catalogue's
    // content did not change, so no revision.
    rows.set_derived(number, &new.derived, generation)?;
    Ok(Upsert::Updated)
}

/// See [`crate::StoreTx::restore_project`].
pub fn restore(
    rows: &mut dyn Rows,
    project: &Project,
    revisions: &[Revision],
) -> Result<(), StoreError> {
    let row = codec::encode(project);
    // The row's changed generation is read back by no reader; the last replacement is the
    // closest known.
    let generation = revisions.last().map_or(1, |r| r.replaced_at_generation);
    if !rows.insert_if_new(project, &row, generation)? {
        return Err(StoreError::Backend {
            op: "restoring a project",
            message: format!("{} is already stored", project.number),
        });
    }
    for r in revisions {
        let old = codec::encode(&r.project);
        rows.add_revision(
            &project.number,
            Some(r.revision),
            &old,
            r.replaced_at_generation,
        )?;
    }
    Ok(())
}
