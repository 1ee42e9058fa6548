//! Atom feeds (RFC 4287) of the catalogue's projects: all of them, per theme, municipality,
//! organisation and target group, and for any search; plus what feeds, OAI-PMH and the sitemap
//! share: when the catalogue last changed, UTC timestamps and XML escaping.
//!
//! **Time.** The store keeps revisions (the previous content of a changed project and the
//! generation that replaced it) but no clock, so the only wall-clock time there is is that of the
//! last import: the data directory's quality report, written at the end of every import. Every
//! entry's `<updated>` is that time, so it moves whenever an import changed the project, and also
//! after an import that changed nothing (readers then see the same entries again, never miss a
//! change). Entries are ordered by the generation of their latest change, so projects changed in
//! a later import come first; a project never changed keeps the search's newest-first order.
//!
//! **What changed.** An entry's summary compares the project with its latest revision: status,
//! result, new products, else "details updated".

use std::borrow::Cow;
use std::fmt::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::{OriginalUri, Path, RawQuery, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use watwerkt_catalog::Catalog;
use watwerkt_domain::{Dimension, PartialDate, Project, ProjectNumber, Status, Theme};
use watwerkt_search::{SearchRequest, Sort};

use crate::Shared;
use crate::directory::PageKind;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::pages::{Layout, blocking, directory, shorten};
use crate::query::{self, SearchState};
use crate::sitemap::origin;
use crate::vocab;

/// Entries per feed: the engine's page limit, and more than a reader shows at once.
const FEED_SIZE: usize = 50;

const ATOM: &str = "application/atom+xml; charset=utf-8";

/// The tagging entity of every `tag:` URI we mint (RFC 4151): stable, whatever the host.
pub(crate) const TAG: &str = "tag:watwerkt,2026";

/// When the catalogue last changed, as far as the data directory tells: the quality report is
/// rewritten at the end of every import (the store file as a fallback).
pub(crate) fn catalogue_time(c: &Catalog) -> SystemTime {
    [watwerkt_catalog::REPORT_FILE, watwerkt_catalog::STORE_FILE]
        .iter()
        .find_map(|f| {
            std::fs::metadata(c.data_dir().join(f))
                .and_then(|m| m.modified())
                .ok()
        })
        .unwrap_or(UNIX_EPOCH)
}

fn seconds(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// `YYYY-MM-DD`, in UTC.
pub(crate) fn utc_day(t: SystemTime) -> String {
    PartialDate::from_unix_days(seconds(t).div_euclid(86_400)).to_string()
}

/// `YYYY-MM-DDThh:mm:ssZ` (RFC 3339 in UTC).
pub(crate) fn utc_time(t: SystemTime) -> String {
    let s = seconds(t);
    let secs = s.rem_euclid(86_400);
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        utc_day(t),
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// Text for XML content and attribute values: markup characters escaped, and characters XML 1.0
/// cannot carry (control characters but tab and newlines) dropped, so no project text breaks
/// the document.
pub(crate) fn esc(s: &str) -> Cow<'_, str> {
    let allowed = |c: char| !c.is_control() || matches!(c, '\t' | '\n' | '\r');
    if !s.contains(['&', '<', '>', '"', '\'']) && s.chars().all(allowed) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if allowed(c) => out.push(c),
            _ => {}
        }
    }
    Cow::Owned(out)
}

/// The feed of the page `l` shows, if it has one: a search (without its page and order), a
/// theme, municipality or organisation. For the `<link rel="alternate">` and the visible link.
pub fn page_feed(l: &Layout) -> Option<String> {
    let here = l.here();
    let path = here.strip_prefix(l.base).unwrap_or(&here);
    if path == "/zoeken" || path == "/search" {
        let raw = l.alternate.split_once('?').map(|(_, q)| q);
        let mut st = SearchState::parse(raw).ok()?;
        st.page = 1;
        st.newest = false;
        let url = st.url();
        let rest = url.strip_prefix("/zoeken").unwrap_or("");
        return Some(format!("{}/feeds/zoeken.atom{rest}", l.base));
    }
    ["/thema/", "/gemeente/", "/organisatie/"]
        .into_iter()
        .find_map(|kind| {
            let slug = path.strip_prefix(kind)?;
            Some(format!("{}/feeds{kind}{slug}.atom", l.base))
        })
}

/// One feed entry, read from the store.
struct Entry {
    number: String,
    title: String,
    /// Generation of the latest change, 0 for a project never changed since it came in.
    changed: u64,
    /// What that change did, in the feed's language.
    changes: Vec<String>,
    teaser: String,
    status: Option<&'static str>,
    theme: &'static str,
}

/// What changed from `old` to `new`, as a reader wants to hear it.
fn changes(old: &Project, new: &Project, lang: Lang) -> Vec<String> {
    let t = lang.texts();
    let mut out = Vec::new();
    if old.status != new.status {
        let name = |s: Option<Status>| s.map_or("–", |s| lang.status(s));
        out.push(format!(
            "{}: {} → {}",
            t.feed_status_changed,
            name(old.status),
            name(new.status)
        ));
    }
    if old.outcome != new.outcome {
        out.push(
            if old.outcome.trim().is_empty() {
                t.feed_result_added
            } else {
                t.feed_result_updated
            }
            .to_owned(),
        );
    }
    for p in &new.products {
        if !old.products.iter().any(|o| o.title == p.title) {
            out.push(format!("{}: {}", t.feed_new_product, p.title));
        }
    }
    if out.is_empty() {
        out.push(t.feed_details_updated.to_owned());
    }
    out
}

fn entry(c: &Catalog, number: &str, lang: Lang) -> Result<Option<Entry>, AppError> {
    let Ok(number) = ProjectNumber::parse(number) else {
        return Ok(None);
    };
    let Some(p) = c.project(&number)? else {
        return Ok(None);
    };
    let revisions = c
        .store()
        .revisions(&number)
        .map_err(watwerkt_catalog::CatalogError::from)?;
    let (changed, changes) = revisions.last().map_or((0, Vec::new()), |r| {
        (r.replaced_at_generation, changes(&r.project, &p, lang))
    });
    Ok(Some(Entry {
        number: p.number.to_string(),
        changed,
        changes,
        teaser: shorten(p.teaser.as_deref().unwrap_or(&p.question), 600),
        status: p.status.map(|s| lang.status(s)),
        theme: p.theme.name(),
        title: p.title,
    }))
}

/// What a feed shows: its title, the page it follows, and the search that fills it.
struct Subject {
    title: String,
    /// The HTML page of the same projects, a path in the feed's language.
    page: String,
    /// `None` for a search that finds nothing without asking the engine.
    req: Option<SearchRequest>,
    /// Search with the concepts the query names, as the search page does.
    concepts: bool,
}

async fn respond(
    app: &Shared,
    l: &Layout,
    headers: &HeaderMap,
    uri: &OriginalUri,
    subject: Subject,
) -> Result<Response, AppError> {
    let lang = l.lang;
    let Subject {
        title,
        page,
        mut req,
        concepts,
    } = subject;
    let (mut entries, updated) = blocking(app, move |c| {
        let mut entries = Vec::new();
        if let Some(req) = &mut req {
            if concepts {
                req.concepts = c.concepts(&req.query);
            }
            for h in &c.index().search(req)?.hits {
                entries.extend(entry(c, &h.project_number, lang)?);
            }
        }
        Ok((entries, catalogue_time(c)))
    })
    .await?;
    // Stable: projects changed in the same import keep the search's newest-first order.
    entries.sort_by_key(|e| std::cmp::Reverse(e.changed));
    let origin = origin(headers);
    let t = l.t;
    let updated = utc_time(updated);
    let self_path = uri.0.path_and_query().map_or("/", |p| p.as_str());
    let mut x = String::with_capacity(2048 + entries.len() * 1024);
    let _ = write!(
        x,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
         <feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{lang}\">\n\
         <id>{TAG}:{id}</id>\n<title>{title} · {site}</title>\n<subtitle>{sub}</subtitle>\n\
         <updated>{updated}</updated>\n<author><name>{site}</name><uri>{origin}/</uri></author>\n\
         <link rel=\"self\" type=\"application/atom+xml\" href=\"{origin}{self_link}\"/>\n\
         <link rel=\"alternate\" type=\"text/html\" href=\"{origin}{page}\"/>\n\
         <generator>watwerkt</generator>\n",
        lang = lang.code(),
        id = esc(self_path),
        title = esc(&title),
        site = esc(t.site_name),
        sub = esc(t.feed_subtitle),
        origin = esc(&origin),
        self_link = esc(self_path),
        page = esc(&page),
    );
    for e in &entries {
        let mut summary = e.changes.join("; ");
        if !summary.is_empty() {
            summary.push_str(". ");
        }
        if let Some(s) = e.status {
            let _ = write!(summary, "{s} · ");
        }
        let _ = write!(summary, "{}. {}", e.theme, e.teaser);
        let _ = write!(
            x,
            "<entry>\n<id>{TAG}:project:{n}</id>\n<title xml:lang=\"nl\">{title}</title>\n\
             <updated>{updated}</updated>\n\
             <link rel=\"alternate\" type=\"text/html\" href=\"{origin}{base}/project/{n}\"/>\n\
             <category term=\"{theme}\"/>\n<summary>{summary}</summary>\n</entry>\n",
            n = esc(&e.number),
            title = esc(&e.title),
            origin = esc(&origin),
            base = l.base,
            theme = esc(e.theme),
            summary = esc(&summary),
        );
    }
    x.push_str("</feed>\n");
    Ok(([(header::CONTENT_TYPE, ATOM)], x).into_response())
}

/// The newest projects of one filter, in the feed's order.
fn filtered(facet: &str, value: &str) -> SearchRequest {
    SearchRequest {
        filters: vec![(facet.to_owned(), value.to_owned())],
        limit: FEED_SIZE,
        sort: Sort::Newest,
        ..Default::default()
    }
}

/// `{slug}.atom` → `slug`; any other file name is no feed.
fn atom_name(file: &str) -> Result<&str, AppError> {
    file.strip_suffix(".atom").ok_or(AppError::NotFound)
}

pub async fn all(
    State(app): State<Shared>,
    headers: HeaderMap,
    uri: OriginalUri,
    l: Layout,
) -> Result<Response, AppError> {
    let subject = Subject {
        title: l.t.feed_all.to_owned(),
        page: format!("{}/zoeken?sort=newest", l.base),
        req: Some(SearchRequest {
            limit: FEED_SIZE,
            sort: Sort::Newest,
            ..Default::default()
        }),
        concepts: false,
    };
    respond(&app, &l, &headers, &uri, subject).await
}

pub async fn theme(
    State(app): State<Shared>,
    Path(file): Path<String>,
    headers: HeaderMap,
    uri: OriginalUri,
    l: Layout,
) -> Result<Response, AppError> {
    let slug = atom_name(&file)?;
    let theme = Theme::ALL
        .into_iter()
        .find(|t| t.slug() == slug)
        .ok_or(AppError::NotFound)?;
    let subject = Subject {
        title: format!("{}: {}", l.t.theme, theme.name()),
        page: format!("{}/thema/{}", l.base, theme.slug()),
        req: Some(filtered("theme", theme.name())),
        concepts: false,
    };
    respond(&app, &l, &headers, &uri, subject).await
}

async fn named(
    app: Shared,
    kind: PageKind,
    file: String,
    headers: HeaderMap,
    uri: OriginalUri,
    l: Layout,
) -> Result<Response, AppError> {
    let slug = atom_name(&file)?;
    let dir = directory(&app).await?;
    let name = dir.name(kind, slug).ok_or(AppError::NotFound)?;
    let (label, segment) = match kind {
        PageKind::Organisation => (l.t.organisation, "organisatie"),
        PageKind::Municipality => (l.t.municipality, "gemeente"),
    };
    let subject = Subject {
        title: format!("{label}: {name}"),
        page: format!("{}/{segment}/{slug}", l.base),
        req: Some(filtered(kind.facet(), name)),
        concepts: false,
    };
    respond(&app, &l, &headers, &uri, subject).await
}

pub async fn municipality(
    State(app): State<Shared>,
    Path(file): Path<String>,
    headers: HeaderMap,
    uri: OriginalUri,
    l: Layout,
) -> Result<Response, AppError> {
    named(app, PageKind::Municipality, file, headers, uri, l).await
}

pub async fn organisation(
    State(app): State<Shared>,
    Path(file): Path<String>,
    headers: HeaderMap,
    uri: OriginalUri,
    l: Layout,
) -> Result<Response, AppError> {
    named(app, PageKind::Organisation, file, headers, uri, l).await
}

pub async fn target_group(
    State(app): State<Shared>,
    Path(file): Path<String>,
    headers: HeaderMap,
    uri: OriginalUri,
    l: Layout,
) -> Result<Response, AppError> {
    let id = atom_name(&file)?;
    let term = vocab::term(Dimension::TargetGroup, id).ok_or(AppError::NotFound)?;
    let facet = Dimension::TargetGroup.facet();
    let subject = Subject {
        title: format!(
            "{}: {}",
            l.lang.facet_label(facet),
            vocab::name(l.lang, term)
        ),
        page: format!(
            "{}/zoeken?f={}",
            l.base,
            query::encode(&format!("{facet}:{}", term.id))
        ),
        req: Some(filtered(facet, &term.id)),
        concepts: false,
    };
    respond(&app, &l, &headers, &uri, subject).await
}

/// The feed of a search: the same query string as `/zoeken` (its page and order are ignored:
/// a feed is the newest projects the search finds).
pub async fn search(
    State(app): State<Shared>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    uri: OriginalUri,
    l: Layout,
) -> Result<Response, AppError> {
    let mut st = SearchState::parse(raw.as_deref())?;
    let mut what: Vec<String> = Vec::new();
    if !st.q.trim().is_empty() {
        what.push(format!("“{}”", st.q.trim()));
    }
    for (facet, value) in &st.filters {
        what.push(format!(
            "{}: {}",
            l.lang.facet_label(facet),
            l.lang.facet_value(facet, value)
        ));
    }
    let title = if what.is_empty() {
        l.t.feed_all.to_owned()
    } else {
        format!("{}: {}", l.t.search, what.join(", "))
    };
    st.page = 1;
    st.newest = false;
    let page = format!("{}{}", l.base, st.url());
    let subject = Subject {
        title,
        page,
        // A query without searchable words finds nothing on the search page; so here.
        req: (!st.has_no_words()).then(|| SearchRequest {
            query: st.q.clone(),
            filters: st.filters.clone(),
            limit: FEED_SIZE,
            sort: Sort::Newest,
            ..Default::default()
        }),
        concepts: !st.no_concepts,
    };
    respond(&app, &l, &headers, &uri, subject).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn formats_utc_times() {
        assert_eq!(utc_time(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        let t = UNIX_EPOCH + Duration::from_secs(1_796_687_444);
        assert_eq!(utc_time(t), "2026-12-07T23:50:44Z");
        assert_eq!(utc_day(t), "2026-12-07");
        // A leap day.
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(utc_day(leap), "2000-02-29");
    }

    #[test]
    fn escapes_markup_and_drops_what_xml_cannot_carry() {
        assert_eq!(esc("a & b"), "a &amp; b");
        assert_eq!(esc("<x y=\"1\">'"), "&lt;x y=&quot;1&quot;&gt;&apos;");
        assert_eq!(esc("bel\u{7}l\ttab"), "bell\ttab");
        assert!(matches!(esc("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn pages_name_their_feeds() {
        let feed = |path: &str, q: Option<&str>| page_feed(&Layout::for_path(path, q));
        assert_eq!(
            feed("/zoeken", Some("q=schulden&page=2&sort=newest")).as_deref(),
            Some("/feeds/zoeken.atom?q=schulden")
        );
        assert_eq!(
            feed("/en/thema/re-integratie", None).as_deref(),
            Some("/en/feeds/thema/re-integratie.atom")
        );
        assert_eq!(
            feed("/gemeente/zaanstad", Some("page=2")).as_deref(),
            Some("/feeds/gemeente/zaanstad.atom")
        );
        assert_eq!(feed("/programma", None), None);
    }
}
