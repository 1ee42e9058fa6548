//! Organisations taking part in projects, with their kind guessed from the name.

use serde::{Deserialize, Serialize};

/// What sort of body an organisation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OrganisationKind {
    Gemeente,
    Universiteit,
    Hogeschool,
    Onderzoeksbureau,
    Kennisinstituut,
    Uitvoeringsorganisatie,
    Overig,
}

impl OrganisationKind {
    pub const ALL: [OrganisationKind; 7] = [
        OrganisationKind::Gemeente,
        OrganisationKind::Universiteit,
        OrganisationKind::Hogeschool,
        OrganisationKind::Onderzoeksbureau,
        OrganisationKind::Kennisinstituut,
        OrganisationKind::Uitvoeringsorganisatie,
        OrganisationKind::Overig,
    ];

    pub fn label(self) -> &'static str {
        match self {
            OrganisationKind::Gemeente => "gemeente",
            OrganisationKind::Universiteit => "universiteit",
            OrganisationKind::Hogeschool => "hogeschool",
            OrganisationKind::Onderzoeksbureau => "onderzoeksbureau",
            OrganisationKind::Kennisinstituut => "kennisinstituut",
            OrganisationKind::Uitvoeringsorganisatie => "uitvoeringsorganisatie",
            OrganisationKind::Overig => "overig",
        }
    }

    /// Classifies by name. Known names come first because many research bureaus and institutes
    /// carry no telling word ("Regioplan", "Movisie", "TNO"); then words in the name decide.
    pub fn classify(name: &str) -> OrganisationKind {
        use OrganisationKind::*;
        const KNOWN: &[(&str, OrganisationKind)] = &[
            ("tno", Kennisinstituut),
            ("movisie", Kennisinstituut),
            ("scp", Kennisinstituut),
            ("pharos", Kennisinstituut),
            ("trimbos", Kennisinstituut),
            ("verwey-jonker", Kennisinstituut),
            ("platform 31", Kennisinstituut),
            ("platform31", Kennisinstituut),
            ("kenniscentrum", Kennisinstituut),
            ("kennisinstituut", Kennisinstituut),
            ("regioplan", Onderzoeksbureau),
            ("berenschot", Onderzoeksbureau),
            ("panteia", Onderzoeksbureau),
            ("nyfer", Onderzoeksbureau),
            ("seor", Onderzoeksbureau),
            ("radar", Onderzoeksbureau),
            ("izi solutions", Onderzoeksbureau),
            ("vandoornehuiskes", Onderzoeksbureau),
            ("andriessen", Onderzoeksbureau),
            ("stimulansz", Onderzoeksbureau),
            ("slim beleid", Onderzoeksbureau),
            ("zinziz", Onderzoeksbureau),
            ("onderzoeksbureau", Onderzoeksbureau),
            ("advies", Onderzoeksbureau),
            ("uwv", Uitvoeringsorganisatie),
            ("werkzaak", Uitvoeringsorganisatie),
            ("werkbedrijf", Uitvoeringsorganisatie),
            ("sociale dienst", Uitvoeringsorganisatie),
            ("ggd", Uitvoeringsorganisatie),
            ("mgr ", Uitvoeringsorganisatie),
            ("wbr ", Uitvoeringsorganisatie),
            ("gemeente", Gemeente),
            ("erasmus mc", Universiteit),
            ("medisch centrum", Universiteit),
            ("umc", Universiteit),
            ("university of applied", Hogeschool),
            ("hogeschool", Hogeschool),
            ("han", Hogeschool),
            ("universiteit", Universiteit),
            ("university", Universiteit),
            ("universitair", Universiteit),
        ];
        let lower = format!("{} ", name.to_lowercase());
        for (needle, kind) in KNOWN {
            let hit = if needle.len() <= 4 && !needle.ends_with(' ') {
                // Short acronyms must be whole words: "han" is not in "Hanzehogeschool".
                lower
                    .split(|c: char| !c.is_alphanumeric())
                    .any(|w| w == *needle)
            } else {
                lower.contains(needle)
            };
            if hit {
                return *kind;
            }
        }
        Overig
    }
}

/// A named organisation and its kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Organisation {
    pub name: String,
    pub kind: OrganisationKind,
}

impl Organisation {
    pub fn new(name: impl Into<String>) -> Self {
        let name = name.into();
        let kind = OrganisationKind::classify(&name);
        Self { name, kind }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrganisationKind::*;

    #[test]
    fn classifies_real_names() {
        let cases = [
            ("Erasmus Universiteit Rotterdam", Universiteit),
            ("SEOR BV", Onderzoeksbureau),
            ("Hogeschool Viaa", Hogeschool),
            ("Hanzehogeschool Groningen", Hogeschool),
            ("HAN", Hogeschool),
            ("Stenden University of Applied Science", Hogeschool),
            ("Tilburg University", Universiteit),
            ("TNO", Kennisinstituut),
            ("Verwey-Jonker Instituut", Kennisinstituut),
            ("Regioplan", Onderzoeksbureau),
            ("Werkzaak Rivierenland", Uitvoeringsorganisatie),
            ("UWV", Uitvoeringsorganisatie),
            ("Gemeente Elburg", Gemeente),
            ("Erasmus MC", Universiteit),
            ("Coöperatie Amyrillis", Overig),
            (
                "Atria - Kennisinstituut voor Emancipatie en Vrouwengeschiedenis",
                Kennisinstituut,
            ),
        ];
        for (name, kind) in cases {
            assert_eq!(OrganisationKind::classify(name), kind, "{name}");
        }
    }
}
