//! `watwerkt restore`: a backup (`watwerkt backup`, [`Store::backup`](watwerkt_store::Store::backup))
//! becomes the store of a new data directory, and the search index is built from it.
//!
//! Only into an empty or new directory: restoring over a catalogue would mix its index, report and
//! overrides with another store's. The backup holds the store alone; an editor's
//! `label-overrides.csv` is copied by hand (without it the labels are derived again with the
//! shipped overrides on first open).

use std::path::Path;

use watwerkt_store_sqlite::SqliteStore;

use crate::{Catalog, CatalogError, Progress, STORE_FILE, io_err};

/// Restores `backup` into `data_dir` (empty or absent) and opens the catalogue, building the
/// search index with `progress`.
#[tracing::instrument(skip(progress))]
pub fn restore(
    backup: &Path,
    data_dir: &Path,
    progress: &dyn Fn(Progress),
) -> Result<Catalog, CatalogError> {
    let mut created = false;
    match std::fs::read_dir(data_dir) {
        Ok(entries) => {
            let mut names: Vec<String> = entries
                .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
                .collect::<Result<_, _>>()
                .map_err(io_err(data_dir))?;
            if !names.is_empty() {
                names.sort();
                return Err(CatalogError::NotEmpty {
                    path: data_dir.to_owned(),
                    entries: names,
                });
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(data_dir).map_err(io_err(data_dir))?;
            created = true;
        }
        Err(e) => return Err(io_err(data_dir)(e)),
    }
    if let Err(e) = SqliteStore::restore(backup, &data_dir.join(STORE_FILE)) {
        // Nothing was written: leave no directory behind that was not there.
        if created {
            let _ = std::fs::remove_dir(data_dir);
        }
        return Err(e.into());
    }
    Catalog::open_with_progress(data_dir, progress)
}
