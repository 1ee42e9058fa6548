//! Which programme line a project belongs to: the project-number series says most; the first
//! short round (535006…) spans themes and is scored by content; `data/theme-overrides.csv` wins
//! over both.

use std::collections::HashMap;
use std::sync::OnceLock;

use watwerkt_domain::Theme;

const OVERRIDES_CSV: &str = include_str!("../../../data/theme-overrides.csv");

/// How a theme was decided, for the data-quality report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThemeSource {
    Override,
    NumberSeries,
    Content,
}

fn overrides() -> &'static HashMap<String, Theme> {
    static MAP: OnceLock<HashMap<String, Theme>> = OnceLock::new();
    MAP.get_or_init(|| {
        OVERRIDES_CSV
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let mut cols = l.splitn(3, ',');
                let number = cols.next().unwrap_or_default().trim().to_owned();
                let theme = cols.next().unwrap_or_default();
                let theme = Theme::from_name(theme)
                    .unwrap_or_else(|| panic!("data/theme-overrides.csv: unknown theme {theme:?}"));
                (number, theme)
            })
            .collect()
    })
}

/// The theme of a project by number series, or `None` for a series that spans themes.
pub fn theme_by_series(number: &str) -> Option<Theme> {
    const SERIES: &[(&str, Theme)] = &[
        ("535001", Theme::ReIntegratie),
        ("535002", Theme::SchuldhulpverleningArmoedebestrijding),
        ("535003", Theme::IntegraalWerken),
        ("535004", Theme::MethodischWerken),
        ("535005", Theme::Vergunninghouders),
        ("1042001211", Theme::ReIntegratie),
    ];
    SERIES
        .iter()
        .find(|(prefix, _)| number.starts_with(prefix))
        .map(|(_, t)| *t)
}

/// Scores a project's text against each theme's vocabulary; the title counts three times.
pub fn theme_by_content(title: &str, text: &str) -> Theme {
    const WORDS: &[(Theme, &[&str])] = &[
        (
            Theme::SchuldhulpverleningArmoedebestrijding,
            &[
                "schuld",
                "armoede",
                "budget",
                "financiële problemen",
                "geldzorg",
            ],
        ),
        (
            Theme::Vergunninghouders,
            &[
                "vluchteling",
                "vergunninghouder",
                "statushouder",
                "asiel",
                "inburgering",
            ],
        ),
        (
            Theme::MethodischWerken,
            &[
                "methodisch",
                "vakmanschap",
                "professionalisering",
                "handelingsrepertoire",
            ],
        ),
        (
            Theme::IntegraalWerken,
            &["integra", "wijkteam", "sociaal team", "multiprobl"],
        ),
        (
            Theme::WerkenMetArbeidsbeperking,
            &["arbeidsbeperking", "beperking"],
        ),
        (
            Theme::ReIntegratie,
            &[
                "re-integratie",
                "reintegratie",
                "arbeidsmarkt",
                "betaald werk",
                "baan",
            ],
        ),
    ];
    let title = title.to_lowercase();
    let text = text.to_lowercase();
    let score = |words: &[&str]| -> usize {
        words
            .iter()
            .map(|w| 3 * title.matches(w).count() + text.matches(w).count())
            .sum()
    };
    // Ties go to Re-integratie, the programme's main line: it is listed last and wins with `>=`.
    let mut best = (Theme::ReIntegratie, 0);
    for (theme, words) in WORDS {
        let s = score(words);
        if s > best.1 || (s == best.1 && *theme == Theme::ReIntegratie) {
            best = (*theme, s);
        }
    }
    best.0
}

/// The theme of a project and how it was decided.
pub fn assign_theme(number: &str, title: &str, text: &str) -> (Theme, ThemeSource) {
    if let Some(t) = overrides().get(number) {
        return (*t, ThemeSource::Override);
    }
    if let Some(t) = theme_by_series(number) {
        return (t, ThemeSource::NumberSeries);
    }
    (theme_by_content(title, text), ThemeSource::Content)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_decide_and_overrides_win() {
        assert_eq!(
            assign_theme("535005004", "Big data en re-integratie", ""),
            (Theme::Vergunninghouders, ThemeSource::NumberSeries)
        );
        assert_eq!(
            assign_theme("10420012110006", "", ""),
            (Theme::ReIntegratie, ThemeSource::NumberSeries)
        );
        assert_eq!(
            assign_theme("535006009", "", ""),
            (
                Theme::SchuldhulpverleningArmoedebestrijding,
                ThemeSource::Override
            )
        );
    }

    #[test]
    fn content_scoring_reads_the_text() {
        assert_eq!(
            theme_by_content("Hulp bij schulden", "armoede en schulden"),
            Theme::SchuldhulpverleningArmoedebestrijding
        );
        assert_eq!(
            theme_by_content("Vluchtelingen aan het werk", "statushouders"),
            Theme::Vergunninghouders
        );
        assert_eq!(
            theme_by_content("Iets anders", "niets"),
            Theme::ReIntegratie
        );
    }
}
