//! The catalogue's vocabulary as plain data: projects, themes, products, organisations, the
//! programme with its funding rounds and timeline, and the list of Dutch municipalities (reference
//! data compiled in). No I/O lives here; values that can be wrong (project numbers, dates,
//! statuses) are parsed once into types that are then trusted.

mod account;
mod date;
mod derived;
mod error;
mod municipality;
mod organisation;
mod product;
mod programme;
mod project;
pub mod record;
mod theme;

pub use account::{Action, Email, Role};
pub use date::{DUTCH_MONTHS, PartialDate, month_from_dutch};
pub use derived::{Derived, Dimension, EvidenceLevel, Label, LabelSource, Passage, TextField};
pub use error::DomainError;
pub use municipality::{
    MunicipalityInfo, is_known_municipality, municipality_info, official_spelling,
    suggest_municipality,
};
pub use organisation::{Organisation, OrganisationKind};
pub use product::{Product, ProductKind, ProductsHeading};
pub use programme::{FundingRound, Programme, ProgrammeLine, RoundDeadline, TimelineEvent};
pub use project::{OutcomeKind, Project, ProjectNumber, SourceRef, Status};
pub use theme::Theme;
