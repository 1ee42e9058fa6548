//! Where a catalogue's store lives: SQLite in the data directory (the default), a SQLite file
//! elsewhere, or a PostgreSQL database. The search index stays in the data directory whichever
//! store it follows, and the data directory names that store (`index-store.txt`): an index
//! records only the generation it reflects, and two stores can be at the same generation with
//! different projects, so an index built from another store is rebuilt.

use std::fmt;
use std::path::{Path, PathBuf};

use watwerkt_store::{Store, StoreError};
use watwerkt_store_postgres::PgStore;
use watwerkt_store_sqlite::SqliteStore;

use crate::STORE_FILE;

/// The file in the data directory naming the store its index was built from.
const INDEX_STORE_FILE: &str = "index-store.txt";

/// A store to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreLocation {
    /// `watwerkt.sqlite` in the data directory.
    DataDir,
    /// A SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL database, by its connection URL.
    Postgres(String),
}

impl StoreLocation {
    /// Opens the store, creating it (or its tables) if needed.
    pub fn open(&self, data_dir: &Path) -> Result<Box<dyn Store>, StoreError> {
        Ok(match self {
            StoreLocation::DataDir => Box::new(SqliteStore::open(&data_dir.join(STORE_FILE))?),
            StoreLocation::Sqlite(path) => Box::new(SqliteStore::open(path)?),
            StoreLocation::Postgres(url) => Box::new(PgStore::open(url)?),
        })
    }
}

/// As a user may see it: PostgreSQL URLs without their password.
impl fmt::Display for StoreLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreLocation::DataDir => write!(f, "{STORE_FILE} in the data directory"),
            StoreLocation::Sqlite(path) => write!(f, "sqlite:{}", path.display()),
            StoreLocation::Postgres(url) => f.write_str(&watwerkt_store_postgres::redacted(url)),
        }
    }
}

/// Whether the index in `data_dir` was built from the store at `location`. A data directory
/// that names no store had its index built from its own SQLite store.
pub(crate) fn index_follows(data_dir: &Path, location: &StoreLocation) -> bool {
    match std::fs::read_to_string(data_dir.join(INDEX_STORE_FILE)) {
        Ok(named) => named.trim_end() == location.to_string(),
        Err(_) => *location == StoreLocation::DataDir,
    }
}

/// Records that the index in `data_dir` is built from the store at `location`.
pub(crate) fn record_index_store(data_dir: &Path, location: &StoreLocation) -> std::io::Result<()> {
    std::fs::write(data_dir.join(INDEX_STORE_FILE), format!("{location}\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_location_is_shown_without_a_password() {
        let pg = StoreLocation::Postgres("postgres://ww:s3cret@db:5433/watwerkt".into());
        assert_eq!(pg.to_string(), "postgres://ww@db:5433/watwerkt");
        let file = StoreLocation::Sqlite("/srv/w.sqlite".into());
        assert_eq!(file.to_string(), "sqlite:/srv/w.sqlite");
    }

    #[test]
    fn the_data_directory_names_the_store_of_its_index() {
        let dir = tempfile::tempdir().unwrap();
        let pg = StoreLocation::Postgres("postgres://ww:s3cret@db/w".into());
        assert!(index_follows(dir.path(), &StoreLocation::DataDir));
        assert!(!index_follows(dir.path(), &pg));
        record_index_store(dir.path(), &pg).unwrap();
        assert!(index_follows(dir.path(), &pg));
        assert!(!index_follows(dir.path(), &StoreLocation::DataDir));
        let named = std::fs::read_to_string(dir.path().join(INDEX_STORE_FILE)).unwrap();
        assert!(!named.contains("s3cret"), "{named}");
    }
}
