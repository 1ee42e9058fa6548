//! `watwerkt migrate --from URL --to URL`: copies a whole store — every project with its earlier
//! versions, the generation, the programme and the metadata — into an empty store, typically
//! from SQLite to PostgreSQL. The source's writers are held off while it is read, so the copy is
//! one committed state; the target is written in one transaction, so a failed copy leaves it as
//! it was. The search index is not copied: a catalogue opened on the target builds its own.

use std::process::ExitCode;

use anyhow::{Context, anyhow};
use serde::Serialize;
use watwerkt_catalog::{Progress, StoreLocation};
use watwerkt_store::{Store, StoreError};

use crate::commands::{Ctx, print_json};
use crate::progress;
use crate::{Failure, database_url};

/// What one copy wrote.
#[derive(Debug, Serialize)]
struct Copied {
    projects: u64,
    revisions: u64,
    generation: u64,
}

pub fn migrate(ctx: &Ctx, from: &str, to: &str) -> Result<ExitCode, Failure> {
    let from = database_url::parse(from).map_err(|e| Failure::Usage(format!("--from: {e}")))?;
    let to = database_url::parse(to).map_err(|e| Failure::Usage(format!("--to: {e}")))?;
    if from == to {
        return Err(Failure::Usage(format!(
            "--from and --to are the same store ({from})"
        )));
    }
    // Opening a SQLite path creates it: a mistyped source would copy nothing, successfully.
    if let StoreLocation::Sqlite(path) = &from
        && !path.is_file()
    {
        return Err(Failure::Usage(format!(
            "--from {from}: no such file; expected a watwerkt SQLite store"
        )));
    }
    let source = from
        .open(&ctx.data_dir)
        .with_context(|| format!("opening the source store {from}"))?;
    let target = to
        .open(&ctx.data_dir)
        .with_context(|| format!("opening the target store {to}"))?;
    let pb = progress::bar("copying", false);
    let copied = copy(source.as_ref(), target.as_ref(), &progress::reporter(&pb));
    pb.finish_and_clear();
    let copied = copied.map_err(|e| match e {
        CopyError::NotEmpty(what) => Failure::Data(anyhow!(
            "--to {to}: the target store is not empty ({what}); migrate copies only into an empty store"
        )),
        CopyError::Store(e) => Failure::Other(anyhow!(e).context(format!("copying {from} to {to}"))),
    })?;
    if ctx.json {
        print_json(&copied)?;
    } else {
        println!(
            "copied {} projects ({} earlier versions), generation {}, from {from} to {to}",
            copied.projects, copied.revisions, copied.generation
        );
    }
    Ok(ExitCode::SUCCESS)
}

enum CopyError {
    /// What the target already holds.
    NotEmpty(String),
    Store(StoreError),
}

impl From<StoreError> for CopyError {
    fn from(e: StoreError) -> Self {
        CopyError::Store(e)
    }
}

/// Copies `from` into the empty store `to`.
fn copy(
    from: &dyn Store,
    to: &dyn Store,
    progress: &dyn Fn(Progress),
) -> Result<Copied, CopyError> {
    // Holding both write locks: no other writer changes the source while it is read, nor fills
    // the target between the check that it is empty and the commit.
    let _source_writers_held = from.begin()?;
    let mut tx = to.begin()?;
    let (count, generation) = (to.count()?, to.generation()?);
    if count > 0 || generation > 0 || !to.all_meta()?.is_empty() {
        return Err(CopyError::NotEmpty(format!(
            "{count} projects, generation {generation}"
        )));
    }
    let total = from.count()?;
    let mut copied = Copied {
        projects: 0,
        revisions: 0,
        generation: from.generation()?,
    };
    from.for_each_project(&mut |p| {
        let revisions = from.revisions(&p.number)?;
        tx.restore_project(&p, &revisions)?;
        copied.projects += 1;
        copied.revisions += revisions.len() as u64;
        progress(Progress {
            done: copied.projects,
            total,
        });
        Ok(())
    })?;
    tx.merge_programme(from.programme()?)?;
    for (key, value) in from.all_meta()? {
        tx.set_meta(&key, &value)?;
    }
    tx.restore_generation(copied.generation)?;
    tx.commit()?;
    Ok(copied)
}
