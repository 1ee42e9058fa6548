//! The HTML pages, one module each, and what they share: the page frame ([`Layout`]), the
//! project cards of listings, status badges, and running catalogue work on the bounded blocking
//! pool.

pub mod home;
pub mod listing;
pub mod map;
pub mod programme;
pub mod project;
pub mod search;
pub mod stats;
pub mod vraagbaak;
pub mod what_works;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use watwerkt_catalog::Catalog;
use watwerkt_domain::{PartialDate, Project, ProjectNumber, Status};

use crate::Shared;
use crate::assets;
use crate::directory::{Directory, PageKind};
use crate::error::AppError;
use crate::i18n::{Lang, Texts};
use crate::page_cache;

/// Pages whose English address is a translation, (Dutch, English); every other page has the
/// Dutch path under `/en` too. Both paths answer in both languages; these are the ones linked.
const TRANSLATED: &[(&str, &str)] = &[
    ("/wat-werkt", "/what-works"),
    ("/wat-werkt.csv", "/what-works.csv"),
];

/// The Dutch path of a page path without language prefix ("/what-works" → "/wat-werkt").
fn dutch_path(path: &str) -> &str {
    TRANSLATED
        .iter()
        .find(|(_, en)| *en == path)
        .map_or(path, |(nl, _)| nl)
}

/// The path an English link uses for a Dutch page path ("/wat-werkt" → "/what-works").
fn english_path(path: &str) -> &str {
    TRANSLATED
        .iter()
        .find(|(nl, _)| *nl == path)
        .map_or(path, |(_, en)| en)
}

/// The frame around every page: language, interface texts, asset paths and the menu state.
pub struct Layout {
    pub lang: Lang,
    pub t: &'static Texts,
    /// `""` or `"/en"`: prefix of every internal link.
    pub base: &'static str,
    pub css: &'static str,
    pub js: &'static str,
    /// This page in the other language.
    pub alternate: String,
    /// The path without the language prefix, to mark the current menu item.
    current: String,
}

impl Layout {
    pub fn for_path(path: &str, query: Option<&str>) -> Layout {
        let lang = Lang::of_path(path);
        let current = match lang {
            Lang::En => match &path[3..] {
                "" => "/",
                rest => rest,
            },
            Lang::Nl => path,
        }
        .to_owned();
        let other = match lang {
            Lang::Nl if current == "/" => "/en".to_owned(),
            Lang::Nl => format!("/en{}", english_path(&current)),
            Lang::En => dutch_path(&current).to_owned(),
        };
        let alternate = match query {
            Some(q) if !q.is_empty() => format!("{other}?{q}"),
            _ => other,
        };
        Layout {
            lang,
            t: lang.texts(),
            base: lang.base(),
            css: assets::css_path(),
            js: assets::js_path(),
            alternate,
            current,
        }
    }

    /// `aria-current="page"` belongs on the menu link of this section (named by its Dutch path).
    pub fn is(&self, section: &str) -> bool {
        if section == "/" {
            self.current == "/"
        } else {
            dutch_path(&self.current).starts_with(section)
        }
    }

    /// The link to a page in this page's language: `{base}{path}`, translated where the English
    /// address differs ("/wat-werkt" → "/en/what-works").
    pub fn link(&self, dutch: &str) -> String {
        match self.lang {
            Lang::Nl => dutch.to_owned(),
            Lang::En => format!("/en{}", english_path(dutch)),
        }
    }

    /// This page's own path, in its language, without the query.
    pub fn here(&self) -> String {
        match (self.base, self.current.as_str()) {
            ("", c) => c.to_owned(),
            (b, "/") => b.to_owned(),
            (b, c) => format!("{b}{c}"),
        }
    }

    pub fn other_lang(&self) -> &'static str {
        match self.lang {
            Lang::Nl => "en",
            Lang::En => "nl",
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Layout {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Layout, Self::Rejection> {
        // Inside the nested `/en` router the URI has lost its prefix; the original keeps it.
        let uri = parts
            .extensions
            .get::<OriginalUri>()
            .map_or(&parts.uri, |u| &u.0);
        Ok(Layout::for_path(uri.path(), uri.query()))
    }
}

/// Runs catalogue work (search, store reads) on a blocking thread, at most
/// [`crate::AppState::workers`] at once.
pub async fn blocking<T, F>(app: &Shared, f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&Catalog) -> Result<T, AppError> + Send + 'static,
{
    let _permit = app
        .workers
        .acquire()
        .await
        .map_err(|e| AppError::Worker(e.to_string()))?;
    let catalog: Arc<Catalog> = app.catalog.clone();
    tokio::task::spawn_blocking(move || f(&catalog))
        .await
        .map_err(|e| AppError::Worker(e.to_string()))?
}

/// The catalogue-wide directory of the current generation; built on the blocking pool only
/// after the catalogue changed.
pub async fn directory(app: &Shared) -> Result<Arc<Directory>, AppError> {
    if let Some(d) = app.directory.cached(&app.catalog) {
        return Ok(d);
    }
    let a = app.clone();
    blocking(app, move |c| Ok(a.directory.get(c)?)).await
}

/// A page kept in [`crate::page_cache`] for this URL and generation, if there is one.
pub fn from_cache(app: &Shared, uri: &OriginalUri) -> (Option<u64>, String, Option<Response>) {
    let generation = app.catalog.index().generation();
    let key = uri.0.to_string();
    let hit = app
        .pages
        .get(generation, &key)
        .map(|(content_type, body)| ([(header::CONTENT_TYPE, content_type)], body).into_response());
    (generation, key, hit)
}

/// Answers with a freshly built page and keeps it for the next request of the same URL.
pub fn keep(app: &Shared, generation: Option<u64>, key: &str, body: String) -> Response {
    keep_as(app, generation, key, page_cache::HTML, body)
}

/// As [`keep`], for a body of another type.
pub fn keep_as(
    app: &Shared,
    generation: Option<u64>,
    key: &str,
    content_type: &'static str,
    body: String,
) -> Response {
    let body = Bytes::from(body);
    app.pages.put(generation, key, content_type, body.clone());
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// Today's date, from the system clock.
pub fn today() -> PartialDate {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    PartialDate::from_unix_days(days as i64)
}

/// A project's status as its badge shows it. A project the catalogue still calls running more
/// than a year after its planned end (see [`Project::stale_since`]) says so: "Volgens de
/// catalogus lopend; gepland tot 2018-06", not a bare "Lopend" that looks like an error.
pub struct StatusBadge {
    pub text: String,
    /// The NL Design System badge variant: `success`, `active` or `warning`.
    pub variant: &'static str,
}

impl StatusBadge {
    pub fn new(p: &Project, lang: Lang, today: PartialDate) -> Option<StatusBadge> {
        let status = p.status?;
        Some(match (status, p.stale_since(today)) {
            (_, Some(end)) => StatusBadge {
                text: lang.stale_status(end),
                variant: "warning",
            },
            (Status::Afgerond, None) => StatusBadge {
                text: lang.status(status).to_owned(),
                variant: "success",
            },
            (Status::Lopend, None) => StatusBadge {
                text: lang.status(status).to_owned(),
                variant: "active",
            },
        })
    }
}

/// A project in a listing: title, lead text and the facts that tell projects apart.
pub struct Card {
    pub number: String,
    pub title: String,
    pub teaser: Option<String>,
    pub status: Option<StatusBadge>,
    pub period: Option<String>,
    pub theme: &'static str,
    pub theme_slug: &'static str,
}

impl Card {
    pub fn new(p: &Project, lang: Lang) -> Card {
        let period = match (p.start, p.end) {
            (Some(s), Some(e)) => Some(format!("{}–{}", s.get_year(), e.get_year())),
            (Some(s), None) => Some(s.get_year().to_string()),
            _ => None,
        };
        Card {
            number: p.number.to_string(),
            title: p.title.clone(),
            teaser: p
                .teaser
                .as_deref()
                .or(Some(p.question.as_str()))
                .filter(|s| !s.is_empty())
                .map(|s| shorten(s, 260)),
            status: StatusBadge::new(p, lang, today()),
            period,
            theme: p.theme.name(),
            theme_slug: p.theme.slug(),
        }
    }
}

/// Loads the projects behind search hits, in hit order (a hit whose project vanished between
/// index and store is skipped; the next generation drops it from the index too).
pub fn cards(catalog: &Catalog, numbers: &[String], lang: Lang) -> Result<Vec<Card>, AppError> {
    let mut out = Vec::with_capacity(numbers.len());
    for n in numbers {
        let Ok(number) = ProjectNumber::parse(n) else {
            continue;
        };
        if let Some(p) = catalog.project(&number)? {
            out.push(Card::new(&p, lang));
        }
    }
    Ok(out)
}

/// The first paragraph, cut at a word boundary to at most `max` characters.
pub fn shorten(text: &str, max: usize) -> String {
    let first = text.split("\n\n").next().unwrap_or(text).trim();
    if first.chars().count() <= max {
        return first.to_owned();
    }
    let cut: String = first.chars().take(max).collect();
    let at = cut.rfind(' ').unwrap_or(cut.len());
    format!("{}…", cut[..at].trim_end_matches([',', ';', ':', '.']))
}

/// A link to an organisation's or municipality's page.
pub struct NamedLink {
    pub name: String,
    pub href: String,
}

impl NamedLink {
    pub fn new(dir: &Directory, kind: PageKind, name: &str, base: &str) -> NamedLink {
        let segment = match kind {
            PageKind::Organisation => "organisatie",
            PageKind::Municipality => "gemeente",
        };
        NamedLink {
            href: format!("{base}/{segment}/{}", dir.slug(kind, name)),
            name: name.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alternate_language_links() {
        let nl = Layout::for_path("/zoeken", Some("q=werk"));
        assert_eq!(nl.alternate, "/en/zoeken?q=werk");
        assert!(nl.is("/zoeken"));
        let en = Layout::for_path("/en", None);
        assert_eq!(en.alternate, "/");
        assert!(en.is("/"));
        assert_eq!(Layout::for_path("/", None).alternate, "/en");
        let map = Layout::for_path("/wat-werkt", Some("status=lopend"));
        assert_eq!(map.alternate, "/en/what-works?status=lopend");
        let en_map = Layout::for_path("/en/what-works", None);
        assert_eq!(en_map.alternate, "/wat-werkt");
        assert!(en_map.is("/wat-werkt"));
        assert_eq!(en_map.link("/wat-werkt.csv"), "/en/what-works.csv");
        assert_eq!(en_map.link("/zoeken"), "/en/zoeken");
    }

    #[test]
    fn badges_say_when_running_is_stale() {
        let p = |status: Option<Status>, start: &str, months: Option<u32>| Project {
            number: ProjectNumber::parse("535006012").unwrap(),
            title: "t".into(),
            full_title: None,
            teaser: None,
            question: String::new(),
            method: String::new(),
            outcome: String::new(),
            outcome_kind: None,
            products: Vec::new(),
            products_heading: None,
            municipalities: Vec::new(),
            organisations: Vec::new(),
            lead_researcher: None,
            theme: watwerkt_domain::Theme::ReIntegratie,
            status,
            start: start.parse().ok(),
            end: None,
            duration_months: months,
            sources: Vec::new(),
            derived: Default::default(),
        };
        let today: PartialDate = "2026-12-04".parse().unwrap();
        let badge = |p: &Project, lang| StatusBadge::new(p, lang, today).unwrap();
        let stale = p(Some(Status::Lopend), "2016-06", Some(24));
        assert_eq!(
            badge(&stale, Lang::Nl).text,
            "Volgens de catalogus lopend; gepland tot 2018-06"
        );
        assert_eq!(badge(&stale, Lang::Nl).variant, "warning");
        assert_eq!(
            badge(&stale, Lang::En).text,
            "Running according to the catalogue; planned to end 2018-06"
        );
        // Within a year of its planned end, running is plausible.
        let recent = p(Some(Status::Lopend), "2024-06", Some(24));
        assert_eq!(badge(&recent, Lang::Nl).text, "Lopend");
        assert_eq!(badge(&recent, Lang::Nl).variant, "active");
        // Without a duration nothing says it is late.
        assert_eq!(
            badge(&p(Some(Status::Lopend), "2016-06", None), Lang::En).text,
            "Ongoing"
        );
        let done = p(Some(Status::Afgerond), "2016-06", Some(24));
        assert_eq!(badge(&done, Lang::Nl).variant, "success");
        assert!(StatusBadge::new(&p(None, "2016-06", Some(24)), Lang::Nl, today).is_none());
    }

    #[test]
    fn shortens_at_a_word() {
        assert_eq!(shorten("kort", 10), "kort");
        assert_eq!(shorten("een lange zin, met woorden", 16), "een lange zin…");
        assert_eq!(shorten("eerste\n\ntweede", 100), "eerste");
    }
}
