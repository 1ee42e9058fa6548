//! The stored form of a project, shared by every backend so that they hold the same text and an
//! export of one is byte-identical to an export of another: the canonical JSON record without
//! sources and derived labels (compared for changes), the sources, and the derived labels.

use watwerkt_domain::record::ProjectRecord;
use watwerkt_domain::{Project, SourceRef};

use crate::{StoreError, derived};

/// A project as a backend stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoded {
    /// The record without sources and derived labels: equal text means equal content.
    pub content: String,
    pub sources: String,
    /// The derived labels ("" when there are none).
    pub derived: String,
}

/// The canonical stored form of `p`.
pub fn encode(p: &Project) -> Encoded {
    let mut record = ProjectRecord::from(p);
    let sources = std::mem::take(&mut record.sources);
    let derived = std::mem::take(&mut record.derived);
    Encoded {
        content: serde_json::to_string(&record).expect("records serialise"),
        sources: serde_json::to_string(&sources).expect("sources serialise"),
        derived: derived::encode(&record, &derived),
    }
}

/// The project stored as `content`, `sources` and `derived` under `number` (named in errors).
pub fn decode(
    number: &str,
    content: &str,
    sources: &str,
    derived: &str,
) -> Result<Project, StoreError> {
    let corrupt = |message: String| StoreError::Corrupt {
        number: number.to_owned(),
        message,
    };
    let mut record: ProjectRecord =
        serde_json::from_str(content).map_err(|e| corrupt(e.to_string()))?;
    record.sources =
        serde_json::from_str::<Vec<SourceRef>>(sources).map_err(|e| corrupt(e.to_string()))?;
    record.derived = derived::decode(&record, derived).map_err(corrupt)?;
    Project::try_from(record).map_err(|e| corrupt(e.to_string()))
}

/// The stored programme, or the corruption it shows.
pub fn decode_programme(json: &str) -> Result<watwerkt_domain::Programme, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt {
        number: "programme".into(),
        message: e.to_string(),
    })
}

/// The stored form of a programme.
pub fn encode_programme(p: &watwerkt_domain::Programme) -> String {
    serde_json::to_string(p).expect("programme serialises")
}
