//! The engine's one error type: what failed (tantivy, the file system, the bundled synonyms) and
//! where (the index directory or data file), with the underlying error kept as its source.
//!
//! Every variant's message starts with "search index at <path>:" and ends with the source's own
//! message, so a log line names the directory without walking the chain.

use std::path::{Path, PathBuf};

use tantivy::directory::error::{OpenDirectoryError, OpenReadError};

use crate::synonyms::SynonymsError;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// tantivy failed to read or write the index.
    #[error("search index at {}: {source}", path.display())]
    Index {
        path: PathBuf,
        #[source]
        source: tantivy::TantivyError,
    },
    /// A file of the index directory could not be read, written or removed.
    #[error("search index at {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The index directory could not be opened.
    #[error("search index at {}: {source}", path.display())]
    OpenDirectory {
        path: PathBuf,
        #[source]
        source: OpenDirectoryError,
    },
    /// The index's metadata could not be read.
    #[error("search index at {}: {source}", path.display())]
    OpenRead {
        path: PathBuf,
        #[source]
        source: OpenReadError,
    },
    /// The bundled synonyms file has a line that cannot be used.
    #[error("search index at {}: {source}", path.display())]
    Synonyms {
        path: PathBuf,
        #[source]
        source: SynonymsError,
    },
    /// A thread analysing projects during a rebuild panicked.
    #[error("search index at {}: an analysis thread panicked", path.display())]
    Panicked { path: PathBuf },
}

/// Maps tantivy errors of the index in `dir`.
pub(crate) fn err(dir: &Path) -> impl Fn(tantivy::TantivyError) -> SearchError + '_ {
    move |source| SearchError::Index {
        path: dir.to_owned(),
        source,
    }
}

/// Maps file-system errors at `path` (the index directory or a file in it).
pub(crate) fn io_err(path: &Path) -> impl Fn(std::io::Error) -> SearchError + '_ {
    move |source| SearchError::Io {
        path: path.to_owned(),
        source,
    }
}
