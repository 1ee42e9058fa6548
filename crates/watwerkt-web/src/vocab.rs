//! The "wat werkt voor wie" vocabulary as the pages show it: label and evidence-level names in
//! the page's language, and the filter values the label facets accept. Ids stay the data; names
//! are looked up here, at the edge, so a renamed display name never changes a URL.

use std::borrow::Cow;

use watwerkt_domain::Dimension;
use watwerkt_labels::{Term, Vocabulary};

use crate::i18n::Lang;

/// The highest evidence level of the vocabulary (levels run from 0).
pub const MAX_LEVEL: u8 = 4;

/// The labels of a dimension, in vocabulary order.
pub fn terms(dimension: Dimension) -> &'static [Term] {
    Vocabulary::get().terms(dimension)
}

pub fn term(dimension: Dimension, id: &str) -> Option<&'static Term> {
    Vocabulary::get().term(dimension, id)
}

/// A term's name in the page's language.
pub fn name(lang: Lang, t: &'static Term) -> &'static str {
    match lang {
        Lang::Nl => &t.nl,
        Lang::En => &t.en,
    }
}

/// A label's name, or its id when the vocabulary lacks it (a stale index, never a crash).
pub fn label_name(lang: Lang, dimension: Dimension, id: &str) -> &str {
    term(dimension, id).map_or(id, |t| name(lang, t))
}

/// An evidence level's own name ("Effect gemeten").
pub fn level_name(lang: Lang, level: u8) -> Option<&'static str> {
    Vocabulary::get().level(level).map(|l| match lang {
        Lang::Nl => l.nl.as_str(),
        Lang::En => l.en.as_str(),
    })
}

/// An evidence level with its number, as facets and badges show it: "2 — Effect gemeten".
pub fn level_label(lang: Lang, level: u8) -> String {
    match level_name(lang, level) {
        Some(n) => format!("{level} — {n}"),
        None => level.to_string(),
    }
}

/// A value of a label facet as shown; `None` for other facets.
pub fn facet_value<'a>(lang: Lang, facet: &str, value: &'a str) -> Option<Cow<'a, str>> {
    if facet == "evidence_level" {
        return Some(match value.parse::<u8>() {
            Ok(n) if n <= MAX_LEVEL => Cow::Owned(level_label(lang, n)),
            _ => Cow::Borrowed(value),
        });
    }
    let dimension = Dimension::parse(facet)?;
    Some(Cow::Borrowed(label_name(lang, dimension, value)))
}

/// Whether `value` is a filter value the label facet `facet` can match ("ouderen" for
/// target_group, "0"–"4" for evidence_level); other facets accept anything.
pub fn accepts(facet: &str, value: &str) -> bool {
    let value = value.trim();
    if facet == "evidence_level" {
        return value.parse::<u8>().is_ok_and(|n| n <= MAX_LEVEL);
    }
    match Dimension::parse(facet) {
        Some(d) => term(d, &value.to_lowercase()).is_some(),
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_levels_and_filter_values() {
        assert_eq!(
            label_name(Lang::Nl, Dimension::TargetGroup, "ouderen"),
            "Ouderen (45-plus)"
        );
        assert_eq!(
            label_name(Lang::En, Dimension::Design, "rct"),
            "Randomised controlled trial"
        );
        assert_eq!(
            label_name(Lang::Nl, Dimension::Design, "onbekend"),
            "onbekend"
        );
        assert_eq!(level_label(Lang::Nl, 2), "2 — Effect gemeten");
        assert_eq!(level_label(Lang::En, 4), "4 — Randomised experiment");
        assert_eq!(
            facet_value(Lang::Nl, "evidence_level", "3").as_deref(),
            Some("3 — Vergeleken met controlegroep")
        );
        assert_eq!(facet_value(Lang::Nl, "theme", "Re-integratie"), None);
        assert!(accepts("target_group", "Ouderen"));
        assert!(!accepts("target_group", "bejaarden"));
        assert!(accepts("evidence_level", "0"));
        assert!(!accepts("evidence_level", "5"));
        assert!(accepts("municipality", "Nergenshuizen"));
    }
}
