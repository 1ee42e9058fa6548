//! `watwerkt backup FILE` and `watwerkt restore FILE`: a consistent copy of the store while
//! writes go on, and a new data directory made from one (its search index built from it).

use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;
use watwerkt_catalog::{Catalog, CatalogError, StoreLocation};

use crate::commands::{Ctx, catalog_failure, print_json};
use crate::{Failure, progress};

/// What `--json` prints for both commands.
#[derive(Serialize)]
struct Done<'a> {
    file: &'a Path,
    data_dir: &'a Path,
    /// The store generation the backup holds.
    generation: u64,
    bytes: u64,
    seconds: f64,
}

impl<'a> Done<'a> {
    fn new(
        ctx: &'a Ctx,
        file: &'a Path,
        generation: u64,
        started: std::time::Instant,
    ) -> Result<Self, Failure> {
        Ok(Done {
            file,
            data_dir: &ctx.data_dir,
            generation,
            bytes: std::fs::metadata(file)?.len(),
            seconds: started.elapsed().as_secs_f64(),
        })
    }
}

pub fn backup(ctx: &Ctx, file: &Path) -> Result<ExitCode, Failure> {
    let started = std::time::Instant::now();
    // Only the store is read: no index rebuild or relabelling while another process writes.
    let catalog = Catalog::open_as_is(&ctx.data_dir, &ctx.store).map_err(catalog_failure)?;
    let generation = catalog
        .store()
        .backup(file)
        .map_err(|e| catalog_failure(e.into()))?;
    let d = Done::new(ctx, file, generation, started)?;
    if ctx.json {
        print_json(&d)?;
    } else {
        println!(
            "backed up {} (store generation {generation}) to {} ({} bytes, {:.2} s)",
            d.data_dir.display(),
            d.file.display(),
            d.bytes,
            d.seconds
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn restore(ctx: &Ctx, file: &Path) -> Result<ExitCode, Failure> {
    if ctx.store != StoreLocation::DataDir {
        return Err(Failure::Usage(format!(
            "restore writes a SQLite store into the data directory; it cannot restore into {} (for PostgreSQL use pg_restore)",
            ctx.store
        )));
    }
    let started = std::time::Instant::now();
    let pb = progress::bar("indexing", false);
    let catalog = watwerkt_catalog::restore(file, &ctx.data_dir, &progress::reporter(&pb));
    pb.finish_and_clear();
    let catalog = catalog.map_err(|e| match e {
        e @ CatalogError::NotEmpty { .. } => Failure::Usage(e.to_string()),
        e => catalog_failure(e),
    })?;
    let d = Done::new(ctx, file, catalog.store().generation()?, started)?;
    if ctx.json {
        print_json(&d)?;
    } else {
        println!(
            "restored {} projects (store generation {}) from {} into {}, search index built ({:.2} s)",
            catalog.store().count()?,
            d.generation,
            d.file.display(),
            d.data_dir.display(),
            d.seconds
        );
    }
    Ok(ExitCode::SUCCESS)
}
