//! A research project of the catalogue, identified by its project number.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{Derived, DomainError, Organisation, PartialDate, Product, ProductsHeading, Theme};

/// A ZonMw project number: digits only ("535006006", "10420012110002").
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProjectNumber(String);

impl ProjectNumber {
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        if (6..=20).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(s.to_owned()))
        } else {
            Err(DomainError::ProjectNumber {
                found: s.to_owned(),
            })
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ProjectNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for ProjectNumber {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for ProjectNumber {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ProjectNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Whether a project is still running.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Status {
    Lopend,
    Afgerond,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Lopend => "Lopend",
            Status::Afgerond => "Afgerond",
        }
    }

    /// Case-insensitive, so a search filter `status:afgerond` works.
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        match s.trim().to_lowercase().as_str() {
            "lopend" => Ok(Status::Lopend),
            "afgerond" => Ok(Status::Afgerond),
            _ => Err(DomainError::Status {
                found: s.to_owned(),
            }),
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which heading the outcome section had: a finished result, or what is expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OutcomeKind {
    #[serde(rename = "resultaat")]
    Resultaat,
    #[serde(rename = "uitkomst")]
    Uitkomst,
    #[serde(rename = "verwachte uitkomst")]
    VerwachteUitkomst,
}

impl OutcomeKind {
    /// From a section heading as written on the page ("Resultaat", "Verwachte uitkomst").
    pub fn from_heading(s: &str) -> Option<Self> {
        match s.trim().to_lowercase().as_str() {
            "resultaat" => Some(Self::Resultaat),
            "uitkomst" => Some(Self::Uitkomst),
            "verwachte uitkomst" => Some(Self::VerwachteUitkomst),
            _ => None,
        }
    }

    pub fn heading(self) -> &'static str {
        match self {
            Self::Resultaat => "Resultaat",
            Self::Uitkomst => "Uitkomst",
            Self::VerwachteUitkomst => "Verwachte uitkomst",
        }
    }
}

/// Where a record came from: a file name and the 1-based line its entry starts on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SourceRef {
    pub file: String,
    pub line: u32,
}

impl fmt::Display for SourceRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// One project, every field as the source gives it. Text fields keep paragraphs
/// separated by a blank line ("\n\n"); lines wrapped inside a paragraph are joined by a space.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    pub number: ProjectNumber,
    /// The short title heading the entry.
    pub title: String,
    /// The "Titel:" under Gegevens, when the page gives one.
    pub full_title: Option<String>,
    /// The lead paragraph between the parties and "Vraagstuk".
    pub teaser: Option<String>,
    /// "Vraagstuk".
    pub question: String,
    /// "Onderzoek".
    pub method: String,
    /// "Resultaat", "Uitkomst" or "Verwachte uitkomst".
    pub outcome: String,
    pub outcome_kind: Option<OutcomeKind>,
    pub products: Vec<Product>,
    pub products_heading: Option<ProductsHeading>,
    /// Municipalities as the page names them (a former municipality keeps its old name).
    pub municipalities: Vec<String>,
    pub organisations: Vec<Organisation>,
    pub lead_researcher: Option<String>,
    pub theme: Theme,
    pub status: Option<Status>,
    pub start: Option<PartialDate>,
    pub end: Option<PartialDate>,
    pub duration_months: Option<u32>,
    pub sources: Vec<SourceRef>,
    /// What works for whom, derived from the text by the write path (empty until derived).
    pub derived: Derived,
}

impl Project {
    /// When the project was planned to end: its end date, else its start plus its duration.
    pub fn planned_end(&self) -> Option<PartialDate> {
        self.end
            .or_else(|| Some(self.start?.plus_months(self.duration_months?)))
    }

    /// The planned end of a project the catalogue still calls running more than a year after
    /// it: probably a status nobody updated. `None` otherwise.
    pub fn stale_since(&self, today: PartialDate) -> Option<PartialDate> {
        let end = self.planned_end()?;
        (self.status == Some(Status::Lopend)
            && end.last_month_index() + 12 < today.last_month_index())
        .then_some(end)
    }
}
