//! The data-quality report: every quirk the importer repaired or suspects, with its place.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The importer fixed it; the record is right.
    Repaired,
    /// Kept as the source has it, but probably wrong: a person should look.
    Suspect,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QualityIssue {
    pub file: String,
    pub line: u32,
    pub field: Option<String>,
    pub severity: Severity,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QualityReport {
    pub issues: Vec<QualityIssue>,
}

impl QualityReport {
    pub fn is_empty(&self) -> bool {
        self.issues.is_empty()
    }

    pub fn merge(&mut self, other: QualityReport) {
        self.issues.extend(other.issues);
    }

    pub(crate) fn push(
        &mut self,
        file: &str,
        line: u32,
        field: Option<&str>,
        severity: Severity,
        message: impl Into<String>,
    ) {
        self.issues.push(QualityIssue {
            file: file.to_owned(),
            line,
            field: field.map(str::to_owned),
            severity,
            message: message.into(),
        });
    }

    pub(crate) fn repaired(
        &mut self,
        file: &str,
        line: u32,
        field: Option<&str>,
        message: impl Into<String>,
    ) {
        self.push(file, line, field, Severity::Repaired, message);
    }

    pub(crate) fn suspect(
        &mut self,
        file: &str,
        line: u32,
        field: Option<&str>,
        message: impl Into<String>,
    ) {
        self.push(file, line, field, Severity::Suspect, message);
    }
}

impl fmt::Display for QualityReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for i in &self.issues {
            let sev = match i.severity {
                Severity::Repaired => "repaired",
                Severity::Suspect => "suspect",
            };
            write!(f, "{}:{}: [{sev}] ", i.file, i.line)?;
            if let Some(field) = &i.field {
                write!(f, "{field}: ")?;
            }
            writeln!(f, "{}", i.message)?;
        }
        Ok(())
    }
}
