//! Who may do what in the back office: roles, the actions they may take, e-mail addresses as
//! account names. The one table of permissions lives here, so every handler asks the same question.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::DomainError;

/// A back-office role. Programme officers run funding rounds and read the audit log; editors
/// keep the public catalogue; reviewers score assigned proposals; applicants submit proposals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Officer,
    Editor,
    Reviewer,
    Applicant,
}

/// Something a signed-in user may try. Object-level rules (which proposal) come on top of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Open the back office at all.
    UseBackOffice,
    /// Create, edit and publish projects, products and the programme pages.
    EditCatalogue,
    /// Read and export the audit log.
    ReadAudit,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Officer, Role::Editor, Role::Reviewer, Role::Applicant];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Officer => "officer",
            Role::Editor => "editor",
            Role::Reviewer => "reviewer",
            Role::Applicant => "applicant",
        }
    }

    /// The Dutch name shown in the back office.
    pub fn label_nl(self) -> &'static str {
        match self {
            Role::Officer => "programmamedewerker",
            Role::Editor => "redacteur",
            Role::Reviewer => "beoordelaar",
            Role::Applicant => "aanvrager",
        }
    }

    /// Staff roles sign in with a second factor (TOTP); applicants with a password alone.
    pub fn requires_two_factor(self) -> bool {
        !matches!(self, Role::Applicant)
    }

    /// The permission table: the only place that says which role may do what.
    pub fn may(self, action: Action) -> bool {
        match action {
            Action::UseBackOffice => true,
            Action::EditCatalogue => matches!(self, Role::Officer | Role::Editor),
            Action::ReadAudit => matches!(self, Role::Officer),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| DomainError::Role {
                found: s.to_owned(),
            })
    }
}

/// An account name: an e-mail address, trimmed and lower-cased so one person has one account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Email(String);

impl Email {
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        let s = s.trim().to_lowercase();
        let valid = s.len() <= 254
            && !s.chars().any(|c| c.is_whitespace() || c.is_control())
            && s.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            });
        if valid {
            Ok(Email(s))
        } else {
            Err(DomainError::Email { found: s })
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_by_name_and_nothing_else() {
        assert_eq!("Editor".parse::<Role>(), Ok(Role::Editor));
        assert!("admin".parse::<Role>().is_err());
    }

    #[test]
    fn only_officers_and_editors_edit_and_only_officers_read_the_audit_log() {
        let editors: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.may(Action::EditCatalogue))
            .collect();
        assert_eq!(editors, [Role::Officer, Role::Editor]);
        assert!(!Role::Editor.may(Action::ReadAudit));
        assert!(Role::Officer.may(Action::ReadAudit));
        assert!(!Role::Reviewer.may(Action::EditCatalogue));
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse(" A@Gemeente.NL ").unwrap().as_str(),
            "a@gemeente.nl"
        );
        for bad in ["", "a", "a@b", "@b.nl", "a@@b.nl", "a b@c.nl", "a@.nl"] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }
}
