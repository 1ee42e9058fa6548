//! The interface language: Dutch at `/…`, English at `/en/…` (no cookie, so every URL names its
//! language and caches stay simple). Only interface text is translated; project texts stay as
//! published, in Dutch. Label names ("wat werkt voor wie") come from the vocabulary, see
//! [`crate::vocab`].
//!
//! Long because it holds every interface string twice; the strings are the module.

use std::borrow::Cow;

use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::request::Parts;
use watwerkt_domain::{OrganisationKind, PartialDate, ProductKind, Status};
use watwerkt_search::Notice;

use crate::query::{Expected, MAX_PAGE, MAX_QUERY_CHARS, MAX_QUERY_LEN, QueryError};

/// The language of a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Nl,
    En,
}

impl Lang {
    /// The language a request path asks for: `/en` and `/en/…` are English.
    pub fn of_path(path: &str) -> Lang {
        if path == "/en" || path.starts_with("/en/") {
            Lang::En
        } else {
            Lang::Nl
        }
    }

    /// The path prefix of this language's pages.
    pub fn base(self) -> &'static str {
        match self {
            Lang::Nl => "",
            Lang::En => "/en",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Nl => &NL,
            Lang::En => &EN,
        }
    }

    /// A date as precise as it is known: "13 juli 2017", "juni 2016", "2022".
    pub fn date(self, d: &PartialDate) -> String {
        const EN_MONTHS: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        let months = match self {
            Lang::Nl => &watwerkt_domain::DUTCH_MONTHS,
            Lang::En => &EN_MONTHS,
        };
        let year = d.get_year();
        match (d.get_month(), d.get_day()) {
            (Some(m), Some(day)) => format!("{day} {} {year}", months[usize::from(m - 1)]),
            (Some(m), None) => format!("{} {year}", months[usize::from(m - 1)]),
            _ => year.to_string(),
        }
    }

    pub fn status(self, s: Status) -> &'static str {
        match (self, s) {
            (Lang::Nl, _) => s.name(),
            (Lang::En, Status::Lopend) => "Ongoing",
            (Lang::En, Status::Afgerond) => "Finished",
        }
    }

    /// A status facet value as stored ("Lopend", "Afgerond", "Onbekend") in this language.
    pub fn status_value(self, value: &str) -> &str {
        match Status::parse(value) {
            Ok(s) => self.status(s),
            Err(_) if self == Lang::En && value == "Onbekend" => "Unknown",
            Err(_) => value,
        }
    }

    pub fn organisation_kind(self, k: OrganisationKind) -> &'static str {
        use OrganisationKind::*;
        match self {
            Lang::Nl => k.label(),
            Lang::En => match k {
                Gemeente => "municipality",
                Universiteit => "university",
                Hogeschool => "university of applied sciences",
                Onderzoeksbureau => "research agency",
                Kennisinstituut => "knowledge institute",
                Uitvoeringsorganisatie => "implementing agency",
                Overig => "other",
            },
        }
    }

    pub fn product_kind(self, k: ProductKind) -> &'static str {
        use ProductKind::*;
        match self {
            Lang::Nl => k.label(),
            Lang::En => match k {
                Rapport => "report",
                Factsheet => "factsheet",
                Handboek => "handbook",
                Handreiking => "guide",
                Infographic => "infographic",
                Film => "film",
                Artikel => "article",
                Presentatie => "presentation",
                Methodiekbeschrijving => "method description",
                Training => "training",
                Overig => "other",
            },
        }
    }

    /// A product-kind facet value as stored (the Dutch label) in this language.
    pub fn product_kind_value(self, value: &str) -> &str {
        ProductKind::ALL
            .into_iter()
            .find(|k| k.label() == value)
            .map_or(value, |k| self.product_kind(k))
    }

    pub fn facet_label(self, name: &str) -> &'static str {
        let t = self.texts();
        match name {
            "theme" => t.theme,
            "status" => t.status,
            "municipality" => t.municipality,
            "organisation" => t.organisation,
            "year" => t.start_year,
            "product_kind" => t.product_kind,
            "target_group" => t.target_group,
            "design" => t.design,
            "outcome_domain" => t.outcome_domain,
            "evidence_level" => t.evidence_level,
            _ => t.filter,
        }
    }

    /// A facet value as shown: statuses, product kinds and labels are interface words (labels by
    /// their vocabulary name, evidence levels as "2 — Effect gemeten"), the rest content.
    pub fn facet_value<'a>(self, facet: &str, value: &'a str) -> Cow<'a, str> {
        match facet {
            "status" => Cow::Borrowed(self.status_value(value)),
            "product_kind" => Cow::Borrowed(self.product_kind_value(value)),
            _ => crate::vocab::facet_value(self, facet, value).unwrap_or(Cow::Borrowed(value)),
        }
    }

    /// A count with thousands grouped as the language writes them: "1.000", "1,000".
    pub fn number(self, n: usize) -> String {
        let sep = match self {
            Lang::Nl => '.',
            Lang::En => ',',
        };
        let digits = n.to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(sep);
            }
            out.push(c);
        }
        out
    }

    /// The status of a project the catalogue calls running long after its planned end (see
    /// `Project::stale_since`): "Volgens de catalogus lopend; gepland tot 2018-06".
    pub fn stale_status(self, planned_end: PartialDate) -> String {
        match self {
            Lang::Nl => format!("Volgens de catalogus lopend; gepland tot {planned_end}"),
            Lang::En => {
                format!("Running according to the catalogue; planned to end {planned_end}")
            }
        }
    }

    /// The notice above the results of a query cut to [`MAX_QUERY_CHARS`].
    pub fn query_cut(self) -> String {
        let n = self.number(MAX_QUERY_CHARS);
        match self {
            Lang::Nl => format!("Uw zoekvraag is ingekort tot {n} tekens."),
            Lang::En => format!("Your query was cut to {n} characters."),
        }
    }

    /// What was wrong with a refused query string, in the page's language; the values quoted
    /// are the visitor's own (escaped by the template), cut so a long one cannot fill the page.
    pub fn query_problem(self, e: &QueryError) -> String {
        let quote = |s: &str| match s.char_indices().nth(60) {
            Some((at, _)) => format!("“{}…”", &s[..at]),
            None => format!("“{s}”"),
        };
        let (name, value, expected) = match e {
            QueryError::TooLong(n) => {
                let (n, max) = (self.number(*n), self.number(MAX_QUERY_LEN));
                return match self {
                    Lang::Nl => {
                        format!(
                            "Dit adres is {n} tekens lang; zoekadressen kunnen we lezen tot {max} tekens."
                        )
                    }
                    Lang::En => {
                        format!(
                            "This address is {n} characters long; we read search addresses of up to {max}."
                        )
                    }
                };
            }
            QueryError::Malformed { pair } => {
                let pair = quote(pair);
                return match self {
                    Lang::Nl => format!(
                        "Een deel van het adres is onleesbaar gecodeerd: {pair}. Misschien is het bij het kopiëren afgebroken."
                    ),
                    Lang::En => format!(
                        "Part of the address is not readably encoded: {pair}. Perhaps it was cut off when copied."
                    ),
                };
            }
            QueryError::BadValue {
                name,
                value,
                expected,
            } => (name.as_str(), value.as_str(), *expected),
        };
        // In `f=facet:value` the facet is wrong, or else the value.
        let (facet, id) = value.split_once(':').unwrap_or((value, ""));
        let max_page = self.number(MAX_PAGE);
        match (self, expected) {
            (_, Expected::Facet) => {
                let known: Vec<String> = watwerkt_search::FACETS
                    .iter()
                    .map(|f| self.facet_label(f).to_lowercase())
                    .collect();
                let (facet, known) = (quote(facet), known.join(", "));
                match self {
                    Lang::Nl => {
                        format!("Het filter {facet} kennen we niet. Filteren kan op {known}.")
                    }
                    Lang::En => {
                        format!("We do not know the filter {facet}. You can filter by {known}.")
                    }
                }
            }
            (Lang::Nl, Expected::Label(f)) => format!(
                "{} is geen bekende waarde van het filter {}.",
                quote(id),
                self.facet_label(f).to_lowercase()
            ),
            (Lang::En, Expected::Label(f)) => format!(
                "{} is not a known value of the filter {}.",
                quote(id),
                self.facet_label(f).to_lowercase()
            ),
            (Lang::Nl, Expected::EvidenceLevel) => format!(
                "Bewijsniveau {} bestaat niet; de niveaus lopen van 0 tot {}.",
                quote(id),
                crate::vocab::MAX_LEVEL
            ),
            (Lang::En, Expected::EvidenceLevel) => format!(
                "There is no evidence level {}; levels run from 0 to {}.",
                quote(id),
                crate::vocab::MAX_LEVEL
            ),
            (Lang::Nl, Expected::Number) if name == "page" => format!(
                "Pagina {} kunnen we niet tonen: paginanummers lopen van 1 tot {max_page}.",
                quote(value)
            ),
            (Lang::En, Expected::Number) if name == "page" => format!(
                "We cannot show page {}: page numbers run from 1 to {max_page}.",
                quote(value)
            ),
            (Lang::Nl, Expected::Number) => format!(
                "{} is geen geldig aantal voor {name}: kies een heel getal van 1 tot {max_page}.",
                quote(value)
            ),
            (Lang::En, Expected::Number) => format!(
                "{} is not a valid number for {name}: choose a whole number from 1 to {max_page}.",
                quote(value)
            ),
            (Lang::Nl, Expected::Sort) => format!(
                "Sorteren op {} kan niet; kies relevantie of nieuwste eerst.",
                quote(value)
            ),
            (Lang::En, Expected::Sort) => format!(
                "Results cannot be sorted by {}; choose relevance or newest first.",
                quote(value)
            ),
            (Lang::Nl, Expected::YesNo) => format!(
                "{} is geen keuze voor {name}; kies ja of nee.",
                quote(value)
            ),
            (Lang::En, Expected::YesNo) => format!(
                "{} is not a choice for {name}; choose ja (yes) or nee (no).",
                quote(value)
            ),
            (Lang::Nl, Expected::Theme) => {
                format!("De programmalijn {} kennen we niet.", quote(value))
            }
            (Lang::En, Expected::Theme) => {
                format!("We do not know the programme line {}.", quote(value))
            }
            (Lang::Nl, Expected::Design) => {
                format!("De onderzoeksopzet {} kennen we niet.", quote(value))
            }
            (Lang::En, Expected::Design) => {
                format!("We do not know the research design {}.", quote(value))
            }
            (Lang::Nl, Expected::Status) => format!(
                "De status {} kennen we niet; kies lopend of afgerond.",
                quote(value)
            ),
            (Lang::En, Expected::Status) => format!(
                "We do not know the status {}; choose ongoing or finished.",
                quote(value)
            ),
        }
    }

    /// The text of the error page's link to the same page without what [`Lang::query_problem`]
    /// names.
    pub fn query_fix(self, e: &QueryError) -> &'static str {
        let t = self.texts();
        match e {
            QueryError::TooLong(_) => t.fix_start_again,
            QueryError::Malformed { .. } => t.fix_without_part,
            QueryError::BadValue { name, .. } => match name.as_str() {
                "page" => t.fix_first_page,
                "f" | "theme" | "design" | "status" => t.fix_without_filter,
                _ => t.fix_without_setting,
            },
        }
    }

    /// "1 project" / "12 projecten". Takes a reference too, as templates hand over fields.
    pub fn projects(self, n: impl std::borrow::Borrow<u64>) -> String {
        let n = *n.borrow();
        let t = self.texts();
        format!(
            "{n} {}",
            if n == 1 {
                t.project_one
            } else {
                t.project_many
            }
        )
    }
}

impl Lang {
    /// What the engine did besides the plain search, worded for a user (the engine gives the
    /// notice as data: a kind and its parameters).
    pub fn notice(self, notice: &Notice) -> String {
        match (self, notice) {
            (Lang::Nl, Notice::Fallback) => {
                "Geen project bevat alle zoekwoorden; dit zijn de beste gedeeltelijke treffers."
                    .into()
            }
            (Lang::En, Notice::Fallback) => {
                "No project contains all words; these are the best partial matches.".into()
            }
            (Lang::Nl, Notice::UnknownFields { fields }) => format!(
                "Onbekend zoekveld {}; gezocht als gewone woorden.",
                fields.join(", ")
            ),
            (Lang::En, Notice::UnknownFields { fields }) => format!(
                "Unknown search field {}; searched as plain words.",
                fields.join(", ")
            ),
            (Lang::Nl, Notice::Corrected { query }) => {
                format!("Niets gevonden zoals getypt; dit zijn de resultaten voor “{query}”.")
            }
            (Lang::En, Notice::Corrected { query }) => {
                format!("Nothing matched as typed; these are the results for “{query}”.")
            }
            (Lang::Nl, Notice::Split { word, parts }) => format!(
                "“{word}” komt in de catalogus niet voor; gezocht op {}.",
                parts.join(" + ")
            ),
            (Lang::En, Notice::Split { word, parts }) => format!(
                "“{word}” does not occur in the catalogue; searched for {}.",
                parts.join(" + ")
            ),
            (
                Lang::Nl,
                Notice::SplitPartly {
                    word,
                    parts,
                    missing,
                },
            ) => format!(
                "Niets gevonden voor “{word}”: “{}” komt in de catalogus niet voor; gezocht op {}.",
                missing.join("”, “"),
                parts.join(" + ")
            ),
            (
                Lang::En,
                Notice::SplitPartly {
                    word,
                    parts,
                    missing,
                },
            ) => format!(
                "Nothing matched “{word}”: “{}” does not occur in the catalogue; searched for {}.",
                missing.join("”, “"),
                parts.join(" + ")
            ),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Lang, Self::Rejection> {
        // Inside the nested `/en` router the URI has lost its prefix; the original keeps it.
        let path = parts
            .extensions
            .get::<OriginalUri>()
            .map_or(parts.uri.path(), |u| u.0.path());
        Ok(Lang::of_path(path))
    }
}

/// Every interface string, once per language.
pub struct Texts {
    pub site_name: &'static str,
    pub skip_link: &'static str,
    pub main_menu: &'static str,
    pub home: &'static str,
    pub search: &'static str,
    pub programme: &'static str,
    pub statistics: &'static str,
    pub other_language: &'static str,
    pub other_language_label: &'static str,
    pub footer: &'static str,
    pub footer_content_note: &'static str,
    pub search_words: &'static str,
    pub search_in: &'static str,
    pub search_button: &'static str,
    pub sort: &'static str,
    pub relevance: &'static str,
    pub newest_first: &'static str,
    pub filters: &'static str,
    pub apply: &'static str,
    pub active_filters: &'static str,
    pub remove: &'static str,
    pub found: &'static str,
    pub pagination: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
    pub project_one: &'static str,
    pub project_many: &'static str,
    pub theme: &'static str,
    pub themes: &'static str,
    pub status: &'static str,
    pub municipality: &'static str,
    pub municipalities: &'static str,
    pub organisation: &'static str,
    pub organisations: &'static str,
    pub start_year: &'static str,
    pub product_kind: &'static str,
    pub filter: &'static str,
    pub page_of: &'static str,
    pub project_number: &'static str,
    pub full_title: &'static str,
    pub lead_researcher: &'static str,
    pub start: &'static str,
    pub end: &'static str,
    pub duration: &'static str,
    pub months: &'static str,
    pub question: &'static str,
    pub method: &'static str,
    pub result: &'static str,
    pub outcome: &'static str,
    pub expected_outcome: &'static str,
    pub products: &'static str,
    pub interim_products: &'static str,
    pub details: &'static str,
    pub no_text: &'static str,
    pub home_title: &'static str,
    pub home_intro: &'static str,
    pub programme_lines: &'static str,
    pub latest_finished: &'static str,
    pub about_programme: &'static str,
    pub more_about_programme: &'static str,
    pub all_projects: &'static str,
    pub search_within: &'static str,
    pub newest_projects_first: &'static str,
    pub top_municipalities: &'static str,
    pub top_organisations: &'static str,
    pub partners: &'static str,
    pub funding_rounds: &'static str,
    pub round: &'static str,
    pub opened: &'static str,
    pub closed: &'static str,
    pub applications: &'static str,
    pub granted: &'static str,
    pub granted_on: &'static str,
    pub topics: &'static str,
    pub timeline: &'static str,
    pub stats_total: &'static str,
    pub chart_themes: &'static str,
    pub chart_years: &'static str,
    pub chart_status: &'static str,
    pub chart_municipalities: &'static str,
    pub chart_organisations: &'static str,
    pub chart_products: &'static str,
    pub table: &'static str,
    pub value: &'static str,
    pub projects_col: &'static str,
    pub bad_request: &'static str,
    pub bad_address: &'static str,
    pub bad_address_text: &'static str,
    pub not_found: &'static str,
    pub not_found_text: &'static str,
    pub server_error: &'static str,
    pub server_error_text: &'static str,
    pub to_home: &'static str,
    pub or: &'static str,
    pub search_project: &'static str,
    pub map: &'static str,
    pub map_title: &'static str,
    pub map_intro: &'static str,
    pub merged_into: &'static str,
    pub official_name: &'static str,
    pub not_on_map: &'static str,
    pub vraagbaak: &'static str,
    pub vraagbaak_intro: &'static str,
    pub vraagbaak_label: &'static str,
    pub vraagbaak_hint: &'static str,
    pub vraagbaak_button: &'static str,
    pub vraagbaak_results: &'static str,
    pub vraagbaak_none: &'static str,
    pub vraagbaak_empty: &'static str,
    pub connecting_words: &'static str,
    pub similar_projects: &'static str,
    pub suggestions: &'static str,
    pub did_you_mean: &'static str,
    pub found_products: &'static str,
    /// After a search that found nothing, before links to the vraagbaak and the programme lines.
    pub none_found_tips: &'static str,
    pub none_found_vraagbaak: &'static str,
    pub none_found_browse: &'static str,
    pub from_project: &'static str,
    pub target_group: &'static str,
    pub design: &'static str,
    pub outcome_domain: &'static str,
    pub evidence_level: &'static str,
    pub also_searched_for: &'static str,
    pub with_every_word: &'static str,
    pub then_some_words: &'static str,
    pub matched_words: &'static str,
    pub via_concept: &'static str,
    pub no_project_has: &'static str,
    pub words_only: &'static str,
    pub for_whom: &'static str,
    pub how_researched: &'static str,
    pub what_came_out: &'static str,
    pub active_ingredients: &'static str,
    pub why: &'static str,
    pub editors: &'static str,
    pub not_in_text: &'static str,
    pub title_field: &'static str,
    pub teaser_field: &'static str,
    pub labels_note: &'static str,
    pub what_works: &'static str,
    pub what_works_intro: &'static str,
    pub what_works_teaser: &'static str,
    pub gap_caption: &'static str,
    pub all_themes: &'static str,
    pub all_designs: &'static str,
    pub all_statuses: &'static str,
    pub download_csv: &'static str,
    pub no_projects: &'static str,
    pub level_short: &'static str,
    pub levels_legend: &'static str,
    pub gap_legend: &'static str,
    pub in_selection: &'static str,
    pub chart_target_groups: &'static str,
    pub chart_designs: &'static str,
    pub chart_levels: &'static str,
    pub fix_start_again: &'static str,
    pub fix_without_part: &'static str,
    pub fix_first_page: &'static str,
    pub fix_without_filter: &'static str,
    pub fix_without_setting: &'static str,
    /// A query of only punctuation or markup characters, and what to try instead.
    pub no_words: &'static str,
    pub no_words_tips: &'static str,
    /// In the filters' disclosure on a phone: "Filters (2 actief)".
    pub active: &'static str,
    /// On a phone, from the result count down to the filters below the results.
    pub to_filters: &'static str,
    /// A programme line without projects in the catalogue (yet), and where to read more.
    pub no_projects_yet: &'static str,
    pub see_programme: &'static str,
    /// Under a project's products, none of which the catalogue links.
    pub products_no_link: &'static str,
    pub products_request_from: &'static str,
    pub lead_organisation: &'static str,
    /// The visible link to a page's Atom feed, and the feeds' own words.
    pub follow_feed: &'static str,
    pub download_results: &'static str,
    pub download_excel: &'static str,
    pub feed_all: &'static str,
    pub feed_subtitle: &'static str,
    pub feed_status_changed: &'static str,
    pub feed_result_added: &'static str,
    pub feed_result_updated: &'static str,
    pub feed_new_product: &'static str,
    pub feed_details_updated: &'static str,
}

pub static NL: Texts = Texts {
    site_name: "Vakkundig aan het werk",
    skip_link: "Naar de inhoud",
    main_menu: "Hoofdmenu",
    home: "Home",
    search: "Zoeken",
    programme: "Programma",
    statistics: "Statistieken",
    other_language: "English",
    other_language_label: "This page in English",
    footer: "Projectcatalogus van het onderzoeksprogramma Vakkundig aan het werk (ZonMw, in opdracht van het ministerie van SZW, met Divosa, VNG en UWV).",
    footer_content_note: "",
    search_words: "Zoekwoorden",
    search_in: "Zoek in",
    search_button: "Zoeken",
    sort: "Sorteren",
    relevance: "Relevantie",
    newest_first: "Nieuwste eerst",
    filters: "Filters",
    apply: "Filters toepassen",
    active_filters: "Actieve filters",
    remove: "verwijderen",
    found: "gevonden",
    pagination: "Paginering",
    previous: "Vorige",
    next: "Volgende",
    project_one: "project",
    project_many: "projecten",
    theme: "Programmalijn",
    themes: "Programmalijnen",
    status: "Status",
    municipality: "Gemeente",
    municipalities: "Gemeenten",
    organisation: "Organisatie",
    organisations: "Organisaties",
    start_year: "Startjaar",
    product_kind: "Soort product",
    filter: "Filter",
    page_of: "Pagina van",
    project_number: "Projectnummer",
    full_title: "Volledige titel",
    lead_researcher: "Projectleider",
    start: "Start",
    end: "Einde",
    duration: "Looptijd",
    months: "maanden",
    question: "Vraagstuk",
    method: "Onderzoek",
    result: "Resultaat",
    outcome: "Uitkomst",
    expected_outcome: "Verwachte uitkomst",
    products: "Producten",
    interim_products: "Tussenproducten",
    details: "Gegevens",
    no_text: "Niet vermeld.",
    home_title: "Projecten van Vakkundig aan het werk",
    home_intro: "Onderzoek naar wat werkt in de sociale zekerheid en re-integratie: vind projecten, hun aanpak en hun resultaten.",
    programme_lines: "Programmalijnen",
    latest_finished: "Onlangs afgeronde projecten",
    about_programme: "Over het programma",
    more_about_programme: "Meer over het programma: partners, subsidierondes en tijdlijn",
    all_projects: "Alle projecten",
    search_within: "Zoeken binnen deze projecten",
    newest_projects_first: "Nieuwste projecten eerst.",
    top_municipalities: "Gemeenten met de meeste projecten",
    top_organisations: "Organisaties met de meeste projecten",
    partners: "Partners",
    funding_rounds: "Subsidierondes",
    round: "Ronde",
    opened: "Open vanaf",
    closed: "Gesloten",
    applications: "Aanvragen",
    granted: "Toegekend",
    granted_on: "Toegekend op",
    topics: "Onderwerpen",
    timeline: "Tijdlijn",
    stats_total: "projecten in de catalogus.",
    chart_themes: "Projecten per programmalijn",
    chart_years: "Projecten per startjaar",
    chart_status: "Projecten naar status",
    chart_municipalities: "Gemeenten met de meeste projecten",
    chart_organisations: "Organisaties met de meeste projecten",
    chart_products: "Projecten per soort product",
    table: "tabel",
    value: "Waarde",
    projects_col: "Projecten",
    bad_request: "Ongeldige zoekopdracht",
    bad_address: "Ongeldig adres",
    bad_address_text: "Dit adres kunnen we niet lezen. Controleer het of begin op de homepagina.",
    not_found: "Pagina niet gevonden",
    not_found_text: "Deze pagina bestaat niet (meer). Controleer het adres of zoek het project op.",
    server_error: "Er ging iets mis",
    server_error_text: "Er ging bij ons iets mis. Probeer het later opnieuw.",
    to_home: "Naar de homepagina",
    or: "of",
    search_project: "zoek een project",
    map: "Kaart",
    map_title: "Projecten per gemeente",
    map_intro: "Elke stip is een gemeente waar projecten liepen; hoe groter de stip, hoe meer projecten. De tabel onder de kaart noemt elke gemeente, ook voormalige.",
    merged_into: "opgegaan in",
    official_name: "officiële naam",
    not_on_map: "niet op de kaart",
    vraagbaak: "Vraagbaak",
    vraagbaak_intro: "Beschrijf een vraag of casus uit uw praktijk. De vraagbaak zoekt de projecten die er het meest op lijken en laat zien welke woorden ze verbinden.",
    vraagbaak_label: "Uw vraag of casus",
    vraagbaak_hint: "Een paar zinnen zijn genoeg; hoe concreter, hoe beter.",
    vraagbaak_button: "Zoek vergelijkbare projecten",
    vraagbaak_results: "Projecten die erop lijken",
    vraagbaak_none: "Geen vergelijkbare projecten gevonden. Probeer andere of meer woorden.",
    vraagbaak_empty: "Vul eerst uw vraag of casus in.",
    connecting_words: "Verbindende woorden",
    similar_projects: "Vergelijkbare projecten",
    suggestions: "Suggesties",
    did_you_mean: "Bedoelde u",
    found_products: "Gevonden producten",
    none_found_tips: "Probeer een ander of algemener woord, minder woorden of minder filters.",
    none_found_vraagbaak: "Beschrijf uw vraag in de vraagbaak",
    none_found_browse: "of blader per programmalijn",
    from_project: "uit project",
    target_group: "Doelgroep",
    design: "Onderzoeksopzet",
    outcome_domain: "Uitkomstdomein",
    evidence_level: "Bewijsniveau",
    also_searched_for: "Ook gezocht op",
    with_every_word: "met alle zoekwoorden",
    then_some_words: "daarna projecten met een deel ervan, de meest zeggende woorden eerst",
    matched_words: "Bevat",
    via_concept: "gevonden via het begrip",
    no_project_has: "Geen project bevat",
    words_only: "Zoek alleen op de woorden",
    for_whom: "Voor wie",
    how_researched: "Hoe onderzocht",
    what_came_out: "Wat kwam eruit",
    active_ingredients: "Werkzame elementen",
    why: "waarom",
    editors: "redactie",
    not_in_text: "Niet af te leiden uit de tekst.",
    title_field: "Titel",
    teaser_field: "Samenvatting",
    labels_note: "Afgeleid uit de tekst van het project; elk label noemt de zin waarop het berust.",
    what_works: "Wat werkt voor wie",
    what_works_intro: "Voor welke doelgroepen is onderzocht wat werkt, op welke uitkomsten, en hoe sterk is het bewijs? Elke cel telt de projecten met die doelgroep en dat uitkomstdomein en leidt naar die projecten. Een lege cel is een kennislacune. Een project met meer doelgroepen of uitkomsten telt in meer cellen.",
    what_works_teaser: "een overzicht van doelgroepen en uitkomsten, met de sterkte van het bewijs en de lacunes.",
    gap_caption: "Projecten per doelgroep (rijen) en uitkomstdomein (kolommen)",
    all_themes: "Alle programmalijnen",
    all_designs: "Alle onderzoeksopzetten",
    all_statuses: "Alle statussen",
    download_csv: "Download de tabel als CSV",
    no_projects: "geen projecten",
    level_short: "niv.",
    levels_legend: "Bewijsniveaus",
    gap_legend: "— : geen projecten, een kennislacune",
    in_selection: "in deze selectie",
    chart_target_groups: "Projecten per doelgroep",
    chart_designs: "Projecten per onderzoeksopzet",
    chart_levels: "Projecten per bewijsniveau",
    fix_start_again: "Begin opnieuw",
    fix_without_part: "Verder zonder dit deel van het adres",
    fix_first_page: "Naar de eerste pagina",
    fix_without_filter: "Verder zonder dit filter",
    fix_without_setting: "Verder zonder deze instelling",
    no_words: "Uw zoekvraag bevat geen woorden om op te zoeken, alleen leestekens of andere tekens.",
    no_words_tips: "Typ een of meer woorden, zoals schulden of statushouders.",
    active: "actief",
    to_filters: "Naar de filters",
    no_projects_yet: "Nog geen projecten in de catalogus",
    see_programme: "zie het programma en de tijdlijn",
    products_no_link: "De catalogus noemt geen vindplaats of link.",
    products_request_from: "Producten van dit project zijn op te vragen bij",
    lead_organisation: "de penvoerder van het project",
    follow_feed: "Volg via Atom-feed",
    download_results: "Download deze resultaten",
    download_excel: "CSV voor Excel",
    feed_all: "Alle projecten",
    feed_subtitle: "Nieuwe en gewijzigde projecten uit de catalogus van Vakkundig aan het werk",
    feed_status_changed: "Status gewijzigd",
    feed_result_added: "Resultaat toegevoegd",
    feed_result_updated: "Resultaat bijgewerkt",
    feed_new_product: "Nieuw product",
    feed_details_updated: "Projectgegevens bijgewerkt",
};

pub static EN: Texts = Texts {
    site_name: "Vakkundig aan het werk",
    skip_link: "Skip to content",
    main_menu: "Main menu",
    home: "Home",
    search: "Search",
    programme: "Programme",
    statistics: "Statistics",
    other_language: "Nederlands",
    other_language_label: "Deze pagina in het Nederlands",
    footer: "Project catalogue of the research programme Vakkundig aan het werk (ZonMw, commissioned by the Ministry of Social Affairs and Employment, with Divosa, VNG and UWV).",
    footer_content_note: "Project texts are shown as published, in Dutch.",
    search_words: "Search terms",
    search_in: "Search in",
    search_button: "Search",
    sort: "Sort",
    relevance: "Relevance",
    newest_first: "Newest first",
    filters: "Filters",
    apply: "Apply filters",
    active_filters: "Active filters",
    remove: "remove",
    found: "found",
    pagination: "Pagination",
    previous: "Previous",
    next: "Next",
    project_one: "project",
    project_many: "projects",
    theme: "Programme line",
    themes: "Programme lines",
    status: "Status",
    municipality: "Municipality",
    municipalities: "Municipalities",
    organisation: "Organisation",
    organisations: "Organisations",
    start_year: "Start year",
    product_kind: "Product type",
    filter: "Filter",
    page_of: "Page of",
    project_number: "Project number",
    full_title: "Full title",
    lead_researcher: "Project lead",
    start: "Start",
    end: "End",
    duration: "Duration",
    months: "months",
    question: "Research question",
    method: "Research",
    result: "Result",
    outcome: "Outcome",
    expected_outcome: "Expected outcome",
    products: "Products",
    interim_products: "Interim products",
    details: "Details",
    no_text: "Not stated.",
    home_title: "Projects of Vakkundig aan het werk",
    home_intro: "Research into what works in social security and return to work: find projects, their approach and their results.",
    programme_lines: "Programme lines",
    latest_finished: "Recently finished projects",
    about_programme: "About the programme",
    more_about_programme: "More about the programme: partners, funding rounds and timeline",
    all_projects: "All projects",
    search_within: "Search within these projects",
    newest_projects_first: "Newest projects first.",
    top_municipalities: "Municipalities with the most projects",
    top_organisations: "Organisations with the most projects",
    partners: "Partners",
    funding_rounds: "Funding rounds",
    round: "Round",
    opened: "Opened",
    closed: "Closed",
    applications: "Applications",
    granted: "Granted",
    granted_on: "Granted on",
    topics: "Topics",
    timeline: "Timeline",
    stats_total: "projects in the catalogue.",
    chart_themes: "Projects per programme line",
    chart_years: "Projects per start year",
    chart_status: "Projects by status",
    chart_municipalities: "Municipalities with the most projects",
    chart_organisations: "Organisations with the most projects",
    chart_products: "Projects per product type",
    table: "table",
    value: "Value",
    projects_col: "Projects",
    bad_request: "Invalid search",
    bad_address: "Invalid address",
    bad_address_text: "We cannot read this address. Check it or start at the home page.",
    not_found: "Page not found",
    not_found_text: "This page does not exist (any more). Check the address or search for the project.",
    server_error: "Something went wrong",
    server_error_text: "Something went wrong on our side. Please try again later.",
    to_home: "Go to the home page",
    or: "or",
    search_project: "search for a project",
    map: "Map",
    map_title: "Projects per municipality",
    map_intro: "Each dot is a municipality where projects ran; the larger the dot, the more projects. The table below the map names every municipality, former ones included.",
    merged_into: "merged into",
    official_name: "official name",
    not_on_map: "not on the map",
    vraagbaak: "Case matcher",
    vraagbaak_intro: "Describe a question or case from your practice. The case matcher finds the projects most like it and shows which words connect them. Write in Dutch: the projects are in Dutch.",
    vraagbaak_label: "Your question or case",
    vraagbaak_hint: "A few sentences are enough; the more concrete, the better.",
    vraagbaak_button: "Find similar projects",
    vraagbaak_results: "Projects like it",
    vraagbaak_none: "No similar projects found. Try other or more words.",
    vraagbaak_empty: "Please enter your question or case first.",
    connecting_words: "Connecting words",
    similar_projects: "Similar projects",
    suggestions: "Suggestions",
    did_you_mean: "Did you mean",
    found_products: "Products found",
    none_found_tips: "Try another or a more general word, fewer words or fewer filters.",
    none_found_vraagbaak: "Describe your question in the vraagbaak",
    none_found_browse: "or browse by programme line",
    from_project: "from project",
    target_group: "Target group",
    design: "Research design",
    outcome_domain: "Outcome domain",
    evidence_level: "Evidence level",
    also_searched_for: "Also searched for",
    with_every_word: "with every search word",
    then_some_words: "then projects with some of them, the most telling words first",
    matched_words: "Contains",
    via_concept: "found through the concept",
    no_project_has: "No project contains",
    words_only: "Search for the words only",
    for_whom: "For whom",
    how_researched: "How it was researched",
    what_came_out: "What came out of it",
    active_ingredients: "Active ingredients",
    why: "why",
    editors: "editors",
    not_in_text: "Not found in the text.",
    title_field: "Title",
    teaser_field: "Summary",
    labels_note: "Derived from the project's text; each label quotes the sentence it rests on. Quotes are in Dutch.",
    what_works: "What works for whom",
    what_works_intro: "For which target groups has research looked at what works, on which outcomes, and how strong is the evidence? Each cell counts the projects with that target group and outcome domain and leads to them. An empty cell is a knowledge gap. A project with several target groups or outcomes counts in several cells.",
    what_works_teaser: "an overview of target groups and outcomes, with the strength of the evidence and the gaps.",
    gap_caption: "Projects per target group (rows) and outcome domain (columns)",
    all_themes: "All programme lines",
    all_designs: "All research designs",
    all_statuses: "Any status",
    download_csv: "Download the table as CSV",
    no_projects: "no projects",
    level_short: "lvl",
    levels_legend: "Evidence levels",
    gap_legend: "— : no projects, a knowledge gap",
    in_selection: "in this selection",
    chart_target_groups: "Projects per target group",
    chart_designs: "Projects per research design",
    chart_levels: "Projects per evidence level",
    fix_start_again: "Start again",
    fix_without_part: "Continue without this part of the address",
    fix_first_page: "Go to the first page",
    fix_without_filter: "Continue without this filter",
    fix_without_setting: "Continue without this setting",
    no_words: "Your query has no words to search for, only punctuation or other characters.",
    no_words_tips: "Type one or more words, such as schulden (debts) or statushouders (refugees with a residence permit).",
    active: "active",
    to_filters: "Go to the filters",
    no_projects_yet: "No projects in the catalogue yet",
    see_programme: "see the programme and its timeline",
    products_no_link: "The catalogue gives no source or link.",
    products_request_from: "The project's products can be requested from",
    lead_organisation: "the project's lead organisation",
    follow_feed: "Follow via Atom feed",
    download_results: "Download these results",
    download_excel: "CSV for Dutch Excel",
    feed_all: "All projects",
    feed_subtitle: "New and changed projects in the Vakkundig aan het werk catalogue",
    feed_status_changed: "Status changed",
    feed_result_added: "Result added",
    feed_result_updated: "Result updated",
    feed_new_product: "New product",
    feed_details_updated: "Project details updated",
};

#[cfg(test)]
mod tests {
    /// The engine's notices are worded here, in both languages, with their parameters.
    #[test]
    fn notices_are_worded_in_both_languages() {
        use watwerkt_search::Notice;
        let n = Notice::SplitPartly {
            word: "budgetcoaching".into(),
            parts: vec!["budget".into()],
            missing: vec!["coaching".into()],
        };
        assert_eq!(
            super::Lang::Nl.notice(&n),
            "Niets gevonden voor “budgetcoaching”: “coaching” komt in de catalogus niet voor; gezocht op budget."
        );
        assert!(
            super::Lang::En
                .notice(&n)
                .contains("“coaching” does not occur")
        );
        let c = Notice::Corrected {
            query: "psychische problemen".into(),
        };
        assert!(
            super::Lang::Nl
                .notice(&c)
                .contains("“psychische problemen”")
        );
        assert!(
            super::Lang::En
                .notice(&Notice::Fallback)
                .starts_with("No project contains")
        );
    }

    use super::*;

    #[test]
    fn language_from_path_and_dates() {
        assert_eq!(Lang::of_path("/en"), Lang::En);
        assert_eq!(Lang::of_path("/en/zoeken"), Lang::En);
        assert_eq!(Lang::of_path("/energie"), Lang::Nl);
        let d: PartialDate = "2017-07-13".parse().unwrap();
        assert_eq!(Lang::Nl.date(&d), "13 juli 2017");
        assert_eq!(Lang::En.date(&d), "13 July 2017");
        let m: PartialDate = "2016-06".parse().unwrap();
        assert_eq!(Lang::Nl.date(&m), "juni 2016");
        assert_eq!(Lang::Nl.projects(1), "1 project");
        assert_eq!(Lang::En.projects(3), "3 projects");
        assert_eq!(Lang::Nl.number(1000), "1.000");
        assert_eq!(Lang::En.number(65_536), "65,536");
        assert_eq!(Lang::Nl.number(999), "999");
        assert_eq!(Lang::En.number(1_234_567), "1,234,567");
        let end: PartialDate = "2018-06".parse().unwrap();
        assert_eq!(
            Lang::Nl.stale_status(end),
            "Volgens de catalogus lopend; gepland tot 2018-06"
        );
        assert_eq!(
            Lang::En.stale_status(end),
            "Running according to the catalogue; planned to end 2018-06"
        );
        assert_eq!(
            Lang::Nl.query_cut(),
            "Uw zoekvraag is ingekort tot 1.000 tekens."
        );
    }

    #[test]
    fn query_errors_in_words_without_parser_english() {
        let e = |raw: &str| crate::query::SearchState::parse(Some(raw)).unwrap_err();
        let nl = Lang::Nl.query_problem(&e("f=nonsense:value"));
        assert!(
            nl.starts_with("Het filter “nonsense” kennen we niet."),
            "{nl}"
        );
        assert!(nl.contains("programmalijn, status"), "{nl}");
        assert!(!nl.contains("expected"));
        let en = Lang::En.query_problem(&e("f=nonsense:value"));
        assert!(
            en.starts_with("We do not know the filter “nonsense”."),
            "{en}"
        );
        assert_eq!(
            Lang::Nl.query_problem(&e("page=999999")),
            "Pagina “999999” kunnen we niet tonen: paginanummers lopen van 1 tot 1.000."
        );
        assert_eq!(
            Lang::Nl.query_fix(&e("page=999999")),
            "Naar de eerste pagina"
        );
        assert_eq!(
            Lang::Nl.query_problem(&e("f=target_group:bejaarden")),
            "“bejaarden” is geen bekende waarde van het filter doelgroep."
        );
        assert_eq!(
            Lang::En.query_problem(&e("f=evidence_level:9")),
            "There is no evidence level “9”; levels run from 0 to 4."
        );
        let long = format!("q=%FF{}", "a".repeat(200));
        let cut = Lang::En.query_problem(&e(&long));
        assert!(cut.contains("…”"), "a long value is cut: {cut}");
        assert!(cut.len() < 200);
    }
}
