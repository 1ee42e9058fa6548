//! Import errors: each names the file, the line where there is one, the field, and what was
//! expected instead of what was found.

use std::fmt;

use serde::Serialize;

/// What is wrong with an input file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ImportErrorKind {
    Empty,
    Binary,
    InvalidUtf8 {
        byte_offset: u64,
    },
    TooLarge {
        size: u64,
        limit: u64,
    },
    UnknownFormat,
    /// A value that does not parse: what was found and what was expected.
    Invalid {
        found: String,
        expected: String,
    },
    /// A catalogue entry that stops before its required parts.
    Truncated {
        missing: String,
    },
    Json {
        message: String,
        column: usize,
    },
}

/// An input the importer refuses; nothing of the import is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
pub struct ImportError {
    pub file: String,
    pub line: Option<u32>,
    pub field: Option<String>,
    #[serde(flatten)]
    pub kind: ImportErrorKind,
}

impl ImportError {
    pub fn new(file: &str, line: Option<u32>, field: Option<&str>, kind: ImportErrorKind) -> Self {
        Self {
            file: file.to_owned(),
            line,
            field: field.map(str::to_owned),
            kind,
        }
    }

    pub fn invalid(file: &str, line: u32, field: &str, found: &str, expected: &str) -> Self {
        Self::new(
            file,
            Some(line),
            Some(field),
            ImportErrorKind::Invalid {
                found: found.to_owned(),
                expected: expected.to_owned(),
            },
        )
    }

    /// A page larger than [`crate::MAX_PAGE_BYTES`], refused before it is read.
    pub fn too_large(file: &str, size: u64) -> Self {
        Self::new(
            file,
            None,
            None,
            ImportErrorKind::TooLarge {
                size,
                limit: crate::MAX_PAGE_BYTES,
            },
        )
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": ")?;
        if let Some(field) = &self.field {
            write!(f, "field `{field}`: ")?;
        }
        match &self.kind {
            ImportErrorKind::Empty => write!(
                f,
                "the file is empty; expected a catalogue page or JSON Lines"
            ),
            ImportErrorKind::Binary => write!(
                f,
                "this is a binary file, not text; expected a catalogue page (text or HTML) or JSON Lines"
            ),
            ImportErrorKind::InvalidUtf8 { byte_offset } => {
                write!(
                    f,
                    "invalid UTF-8 at byte {byte_offset}; expected UTF-8 text (convert the file, e.g. with iconv -f latin1 -t utf-8)"
                )
            }
            ImportErrorKind::TooLarge { size, limit } => write!(
                f,
                "{size} bytes is larger than any catalogue page (limit {limit} bytes); bulk data belongs in JSON Lines, which has no limit"
            ),
            ImportErrorKind::UnknownFormat => write!(
                f,
                "format not recognised; expected a catalogue page with \"Lees meer over project …\" entries, a round page with \"Projectnummer:\" and \"Looptijd:\", a programme or news page, their HTML, or JSON Lines"
            ),
            ImportErrorKind::Invalid { found, expected } => {
                write!(f, "found {found:?}; expected {expected}")
            }
            ImportErrorKind::Truncated { missing } => write!(
                f,
                "the entry stops before {missing}; the file looks truncated"
            ),
            ImportErrorKind::Json { message, column } => write!(f, "column {column}: {message}"),
        }
    }
}
