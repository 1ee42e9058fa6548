//! The programme lines (themes) a project belongs to.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::DomainError;

/// A programme line of *Vakkundig aan het werk*. The Dutch name is the canonical spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Theme {
    ReIntegratie,
    MethodischWerken,
    SchuldhulpverleningArmoedebestrijding,
    IntegraalWerken,
    Vergunninghouders,
    WerkenMetArbeidsbeperking,
}

impl Theme {
    pub const ALL: [Theme; 6] = [
        Theme::ReIntegratie,
        Theme::MethodischWerken,
        Theme::SchuldhulpverleningArmoedebestrijding,
        Theme::IntegraalWerken,
        Theme::Vergunninghouders,
        Theme::WerkenMetArbeidsbeperking,
    ];

    /// The name as the catalogue spells it ("Schuldhulpverlening en armoedebestrijding").
    pub fn name(self) -> &'static str {
        match self {
            Theme::ReIntegratie => "Re-integratie",
            Theme::MethodischWerken => "Methodisch werken",
            Theme::SchuldhulpverleningArmoedebestrijding => {
                "Schuldhulpverlening en armoedebestrijding"
            }
            Theme::IntegraalWerken => "Integraal werken",
            Theme::Vergunninghouders => "Vergunninghouders",
            Theme::WerkenMetArbeidsbeperking => "Bevorderen van werken met een arbeidsbeperking",
        }
    }

    /// A URL-safe identifier ("schuldhulpverlening-en-armoedebestrijding").
    pub fn slug(self) -> &'static str {
        match self {
            Theme::ReIntegratie => "re-integratie",
            Theme::MethodischWerken => "methodisch-werken",
            Theme::SchuldhulpverleningArmoedebestrijding => {
                "schuldhulpverlening-en-armoedebestrijding"
            }
            Theme::IntegraalWerken => "integraal-werken",
            Theme::Vergunninghouders => "vergunninghouders",
            Theme::WerkenMetArbeidsbeperking => "werken-met-een-arbeidsbeperking",
        }
    }

    /// Accepts the catalogue name, the slug, or the name in any letter case
    /// (the source pages write "Schuldhulpverlening en armoedebestrijding " with trailing spaces).
    pub fn from_name(s: &str) -> Option<Theme> {
        let t = s.trim();
        Theme::ALL
            .into_iter()
            .find(|th| th.name().eq_ignore_ascii_case(t) || th.slug().eq_ignore_ascii_case(t))
    }
}

impl fmt::Display for Theme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Theme {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Theme::from_name(s).ok_or_else(|| DomainError::Theme {
            found: s.to_owned(),
            expected: Theme::ALL
                .iter()
                .map(|t| format!("{:?}", t.name()))
                .collect::<Vec<_>>()
                .join(", "),
        })
    }
}

impl Serialize for Theme {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Theme {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_slugs_round_trip() {
        for t in Theme::ALL {
            assert_eq!(t.name().parse::<Theme>().unwrap(), t);
            assert_eq!(t.slug().parse::<Theme>().unwrap(), t);
        }
        assert_eq!(
            Theme::from_name("Schuldhulpverlening en armoedebestrijding "),
            Some(Theme::SchuldhulpverleningArmoedebestrijding)
        );
        assert!("Armoede".parse::<Theme>().is_err());
    }
}
