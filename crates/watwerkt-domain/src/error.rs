//! Errors from parsing domain values; each says what was found and what was expected.

/// A value that does not fit its domain type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error("project number {found:?}: expected 6 to 20 digits")]
    ProjectNumber { found: String },
    #[error("status {found:?}: expected \"Lopend\" or \"Afgerond\"")]
    Status { found: String },
    #[error("theme {found:?}: expected one of {expected}")]
    Theme { found: String, expected: String },
    #[error("date {found:?}: expected YYYY, YYYY-MM or YYYY-MM-DD")]
    Date { found: String },
    #[error(
        "outcome kind {found:?}: expected \"resultaat\", \"uitkomst\" or \"verwachte uitkomst\""
    )]
    OutcomeKind { found: String },
    #[error(
        "products heading {found:?}: expected \"Producten\", \"Tussenproducten\" or \"Tussenproduct\""
    )]
    ProductsHeading { found: String },
    #[error("role {found:?}: expected officer, editor, reviewer or applicant")]
    Role { found: String },
    #[error("e-mail address {found:?}: expected name@domain")]
    Email { found: String },
    #[error("{field}: must not be empty")]
    Empty { field: &'static str },
}
