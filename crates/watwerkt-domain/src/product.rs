//! Products of a project (reports, factsheets, handbooks, films, …), classified from their titles.

use serde::{Deserialize, Serialize};

use crate::DomainError;

/// What a product is, as far as its title tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProductKind {
    Rapport,
    Factsheet,
    Handboek,
    Handreiking,
    Infographic,
    Film,
    Artikel,
    Presentatie,
    Methodiekbeschrijving,
    Training,
    Overig,
}

impl ProductKind {
    pub const ALL: [ProductKind; 11] = [
        ProductKind::Rapport,
        ProductKind::Factsheet,
        ProductKind::Handboek,
        ProductKind::Handreiking,
        ProductKind::Infographic,
        ProductKind::Film,
        ProductKind::Artikel,
        ProductKind::Presentatie,
        ProductKind::Methodiekbeschrijving,
        ProductKind::Training,
        ProductKind::Overig,
    ];

    /// The lower-case Dutch label, also the serialised form ("handreiking").
    pub fn label(self) -> &'static str {
        match self {
            ProductKind::Rapport => "rapport",
            ProductKind::Factsheet => "factsheet",
            ProductKind::Handboek => "handboek",
            ProductKind::Handreiking => "handreiking",
            ProductKind::Infographic => "infographic",
            ProductKind::Film => "film",
            ProductKind::Artikel => "artikel",
            ProductKind::Presentatie => "presentatie",
            ProductKind::Methodiekbeschrijving => "methodiekbeschrijving",
            ProductKind::Training => "training",
            ProductKind::Overig => "overig",
        }
    }

    /// Classifies a product from its title. The first word that names a kind wins, because
    /// titles lead with what the thing is ("Handreiking gemeenten voor … schuldhulpverlening",
    /// "Rapport onderzoek …", "Factsheet Amsterdamse aanpak …").
    pub fn classify(title: &str) -> ProductKind {
        let lower = title.to_lowercase();
        for word in lower.split(|c: char| !c.is_alphanumeric() && c != '-') {
            if let Some(kind) = Self::kind_of_word(word) {
                return kind;
            }
        }
        ProductKind::Overig
    }

    fn kind_of_word(w: &str) -> Option<ProductKind> {
        // Order matters within a word: "tussenrapportage" is a report, "informatiefilm" a film.
        const STEMS: &[(&str, ProductKind)] = &[
            ("methodiekbeschrijving", ProductKind::Methodiekbeschrijving),
            ("factsheet", ProductKind::Factsheet),
            ("infographic", ProductKind::Infographic),
            ("handreiking", ProductKind::Handreiking),
            ("handleiding", ProductKind::Handreiking),
            ("werkwijzer", ProductKind::Handreiking),
            ("draaiboek", ProductKind::Handreiking),
            ("handboek", ProductKind::Handboek),
            ("presentatie", ProductKind::Presentatie),
            ("powerpoint", ProductKind::Presentatie),
            ("film", ProductKind::Film),
            ("video", ProductKind::Film),
            ("artikel", ProductKind::Artikel),
            ("publicatie", ProductKind::Artikel),
            ("training", ProductKind::Training),
            ("onderwijs", ProductKind::Training),
            ("e-learning", ProductKind::Training),
            ("rapport", ProductKind::Rapport),
            ("evaluatie", ProductKind::Rapport),
            ("verkenning", ProductKind::Rapport),
        ];
        STEMS
            .iter()
            .find(|(stem, _)| w.contains(stem))
            .map(|(_, k)| *k)
    }
}

/// The heading a catalogue entry puts above its products: finished work, or interim products.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ProductsHeading {
    Producten,
    Tussenproducten,
    Tussenproduct,
}

impl ProductsHeading {
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        match s.trim() {
            "Producten" => Ok(Self::Producten),
            "Tussenproducten" => Ok(Self::Tussenproducten),
            "Tussenproduct" => Ok(Self::Tussenproduct),
            other => Err(DomainError::ProductsHeading {
                found: other.to_owned(),
            }),
        }
    }

    pub fn is_interim(self) -> bool {
        !matches!(self, Self::Producten)
    }
}

/// A product with the kind derived from its title.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Product {
    pub title: String,
    pub kind: ProductKind,
}

impl Product {
    pub fn new(title: impl Into<String>) -> Self {
        let title = title.into();
        let kind = ProductKind::classify(&title);
        Self { title, kind }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_real_product_titles() {
        let cases = [
            ("Optimalisering van WerkLoont", ProductKind::Overig),
            (
                "Onderzoeksrapportage Sociale onderneming Binthout snijdt hout",
                ProductKind::Rapport,
            ),
            ("Methodiekbeschrijving", ProductKind::Methodiekbeschrijving),
            ("Infographic", ProductKind::Infographic),
            ("Informatiefilm Superrr", ProductKind::Film),
            ("Handboek Superrr", ProductKind::Handboek),
            ("Artikel Trots op je vak", ProductKind::Artikel),
            (
                "PowerPoint-presentatie rapportage Mentorwijs",
                ProductKind::Presentatie,
            ),
            ("Factsheet Mentorwijs", ProductKind::Factsheet),
            (
                "Evaluatie pilot maatwerkbudget Zaanstad",
                ProductKind::Rapport,
            ),
            (
                "Handleiding Samen doen wat nodig is om armoede te bestrijden",
                ProductKind::Handreiking,
            ),
            (
                "Onderwijsproducten Samendoen wat nodig is om armoede te bestrijden",
                ProductKind::Training,
            ),
            (
                "Handreiking gemeenten voor het organiseren van schuldhulpverlening aan huiseigenaren",
                ProductKind::Handreiking,
            ),
            (
                "Deelrapport 1: werkwijze en beleidstheorie",
                ProductKind::Rapport,
            ),
            (
                "Tussenrapportage De werking van de PiëzoMethodiek",
                ProductKind::Rapport,
            ),
            (
                "Mobility Mentoring, een verkenning en eerste vertaling voor de Nederlandse praktijk",
                ProductKind::Rapport,
            ),
            ("Gedragscode praktijkgericht onderzoek", ProductKind::Overig),
        ];
        for (title, kind) in cases {
            assert_eq!(ProductKind::classify(title), kind, "{title}");
        }
    }

    #[test]
    fn headings() {
        assert!(
            ProductsHeading::parse("Tussenproduct")
                .unwrap()
                .is_interim()
        );
        assert!(!ProductsHeading::parse("Producten").unwrap().is_interim());
        assert!(ProductsHeading::parse("Publicaties").is_err());
    }
}
