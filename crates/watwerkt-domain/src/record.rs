//! The JSON Lines record: the bulk import and export format. Field names and order follow the
//! benchmark schema (`project_number` … `duration_months`), then the fields it lacks.
//! Products and organisations are written as names; their kinds are derived again on reading,
//! so export → import → export is byte-identical.

use serde::{Deserialize, Serialize};

use crate::{
    Derived, DomainError, Organisation, OutcomeKind, PartialDate, Product, ProductsHeading,
    Project, ProjectNumber, SourceRef, Status, Theme,
};

/// One line of JSONL. Unknown keys are rejected so a misspelt field is an error, not a loss.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectRecord {
    pub project_number: String,
    pub title: String,
    #[serde(default)]
    pub teaser: Option<String>,
    #[serde(default)]
    pub question: String,
    #[serde(default)]
    pub method: String,
    #[serde(default)]
    pub outcome: String,
    #[serde(default)]
    pub products: Vec<String>,
    #[serde(default)]
    pub municipalities: Vec<String>,
    #[serde(default)]
    pub organisations: Vec<String>,
    pub theme: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub start: Option<String>,
    #[serde(default)]
    pub duration_months: Option<u32>,
    #[serde(default)]
    pub full_title: Option<String>,
    #[serde(default)]
    pub outcome_kind: Option<String>,
    #[serde(default)]
    pub products_heading: Option<String>,
    #[serde(default)]
    pub lead_researcher: Option<String>,
    #[serde(default)]
    pub end: Option<String>,
    #[serde(default)]
    pub sources: Vec<SourceRef>,
    /// Derived again by every import (see `watwerkt-labels`); read back from the store. Left
    /// out while empty: a parsed page has not been labelled yet.
    #[serde(default, skip_serializing_if = "Derived::is_empty")]
    pub derived: Derived,
}

/// A record field that failed to parse, with the field's name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("field `{field}`: {error}")]
pub struct FieldError {
    pub field: &'static str,
    pub error: DomainError,
}

fn field<T>(field: &'static str, r: Result<T, DomainError>) -> Result<T, FieldError> {
    r.map_err(|error| FieldError { field, error })
}

impl From<&Project> for ProjectRecord {
    fn from(p: &Project) -> Self {
        ProjectRecord {
            project_number: p.number.to_string(),
            title: p.title.clone(),
            teaser: p.teaser.clone(),
            question: p.question.clone(),
            method: p.method.clone(),
            outcome: p.outcome.clone(),
            products: p.products.iter().map(|x| x.title.clone()).collect(),
            municipalities: p.municipalities.clone(),
            organisations: p.organisations.iter().map(|o| o.name.clone()).collect(),
            theme: p.theme.name().to_owned(),
            status: p.status.map(|s| s.name().to_owned()),
            start: p.start.map(|d| d.to_string()),
            duration_months: p.duration_months,
            full_title: p.full_title.clone(),
            outcome_kind: p.outcome_kind.map(|k| k.heading().to_lowercase()),
            products_heading: p.products_heading.map(|h| format!("{h:?}")),
            lead_researcher: p.lead_researcher.clone(),
            end: p.end.map(|d| d.to_string()),
            sources: p.sources.clone(),
            derived: p.derived.clone(),
        }
    }
}

impl TryFrom<ProjectRecord> for Project {
    type Error = FieldError;

    fn try_from(r: ProjectRecord) -> Result<Self, FieldError> {
        let date =
            |name: &'static str, v: Option<String>| -> Result<Option<PartialDate>, FieldError> {
                v.map(|s| field(name, s.parse())).transpose()
            };
        if r.title.trim().is_empty() {
            return Err(FieldError {
                field: "title",
                error: DomainError::Empty { field: "title" },
            });
        }
        Ok(Project {
            number: field("project_number", ProjectNumber::parse(&r.project_number))?,
            title: r.title,
            full_title: r.full_title,
            teaser: r.teaser,
            question: r.question,
            method: r.method,
            outcome: r.outcome,
            outcome_kind: r
                .outcome_kind
                .map(|k| {
                    OutcomeKind::from_heading(&k).ok_or(FieldError {
                        field: "outcome_kind",
                        error: DomainError::OutcomeKind { found: k },
                    })
                })
                .transpose()?,
            products: r.products.into_iter().map(Product::new).collect(),
            products_heading: r
                .products_heading
                .map(|h| field("products_heading", ProductsHeading::parse(&h)))
                .transpose()?,
            municipalities: r.municipalities,
            organisations: r.organisations.into_iter().map(Organisation::new).collect(),
            lead_researcher: r.lead_researcher,
            theme: field("theme", r.theme.parse::<Theme>())?,
            status: r
                .status
                .map(|s| field("status", Status::parse(&s)))
                .transpose()?,
            start: date("start", r.start)?,
            end: date("end", r.end)?,
            duration_months: r.duration_months,
            sources: r.sources,
            derived: r.derived,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BENCH_LINE: &str = r#"{"project_number": "10420123456789", "title": "Aanpak schulden", "teaser": null, "question": "Vraag.", "method": "", "outcome": "Uitkomst.", "products": ["Factsheet schulden"], "municipalities": ["Zwolle"], "organisations": ["Hogeschool Utrecht"], "theme": "Schuldhulpverlening en armoedebestrijding", "status": "Afgerond", "start": "2017-09", "duration_months": 24}"#;

    #[test]
    fn reads_the_bench_schema() {
        let r: ProjectRecord = serde_json::from_str(BENCH_LINE).unwrap();
        let p = Project::try_from(r).unwrap();
        assert_eq!(p.number.as_str(), "10420123456789");
        assert_eq!(p.theme, Theme::SchuldhulpverleningArmoedebestrijding);
        assert_eq!(p.products[0].kind, crate::ProductKind::Factsheet);
        assert_eq!(p.start.unwrap().to_string(), "2017-09");
    }

    #[test]
    fn round_trips_through_json() {
        let r: ProjectRecord = serde_json::from_str(BENCH_LINE).unwrap();
        let p = Project::try_from(r).unwrap();
        let again = ProjectRecord::from(&p);
        let p2 = Project::try_from(
            serde_json::from_str::<ProjectRecord>(&serde_json::to_string(&again).unwrap()).unwrap(),
        )
        .unwrap();
        assert_eq!(p, p2);
    }

    #[test]
    fn names_the_bad_field() {
        let bad = BENCH_LINE.replace("\"Afgerond\"", "\"Klaar\"");
        let err =
            Project::try_from(serde_json::from_str::<ProjectRecord>(&bad).unwrap()).unwrap_err();
        assert_eq!(err.field, "status");
        let bad = BENCH_LINE.replace("2017-09", "2017-13");
        assert_eq!(
            Project::try_from(serde_json::from_str::<ProjectRecord>(&bad).unwrap())
                .unwrap_err()
                .field,
            "start"
        );
    }
}
