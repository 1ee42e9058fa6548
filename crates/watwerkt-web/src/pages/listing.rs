//! The pages of one theme, organisation or municipality: its projects, newest first and paged,
//! with how they divide over the other facets. Each page is one filtered search on the index
//! (so it stays fast at 100k projects) plus store reads for the twenty projects shown.

use askama::Template;
use axum::extract::{OriginalUri, Path, RawQuery, State};
use axum::response::Response;
use watwerkt_domain::Theme;
use watwerkt_search::{SearchRequest, Sort};

use super::search::PAGE_SIZE;
use super::{Card, Layout, NamedLink, blocking, cards, directory, from_cache, keep};
use crate::Shared;
use crate::directory::{Directory, PageKind};
use crate::error::AppError;
use crate::query::{self, SearchState};

/// Values shown per breakdown.
const TOP: usize = 10;

struct Breakdown {
    title: &'static str,
    items: Vec<(NamedLink, u64)>,
}

#[derive(Template)]
#[template(path = "listing.html")]
struct ListingPage {
    l: Layout,
    kind_label: &'static str,
    name: String,
    intro: Vec<String>,
    total: u64,
    first: usize,
    search_url: String,
    cards: Vec<Card>,
    breakdowns: Vec<Breakdown>,
    prev: Option<String>,
    next: Option<String>,
}

pub async fn theme_page(
    State(app): State<Shared>,
    Path(slug): Path<String>,
    RawQuery(raw): RawQuery,
    uri: OriginalUri,
    l: Layout,
) -> Result<Response, AppError> {
    let (generation, key, hit) = from_cache(&app, &uri);
    if let Some(page) = hit {
        return Ok(page);
    }
    let theme = Theme::ALL
        .into_iter()
        .find(|t| t.slug() == slug)
        .ok_or(AppError::NotFound)?;
    let dir = directory(&app).await?;
    let intro = dir
        .programme
        .lines
        .iter()
        .find(|pl| pl.theme == theme)
        .map(|pl| {
            pl.intro
                .iter()
                .chain(&pl.description)
                .flat_map(|t| t.split("\n\n"))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let what = Subject {
        facet: "theme",
        name: theme.name().to_owned(),
        kind_label: l.t.theme,
        intro,
    };
    let body = listing(&app, &dir, l, raw, what).await?;
    Ok(keep(&app, generation, &key, body))
}

pub async fn organisation_page(
    State(app): State<Shared>,
    Path(slug): Path<String>,
    RawQuery(raw): RawQuery,
    uri: OriginalUri,
    l: Layout,
) -> Result<Response, AppError> {
    let (generation, key, hit) = from_cache(&app, &uri);
    if let Some(page) = hit {
        return Ok(page);
    }
    let body = named(&app, PageKind::Organisation, slug, raw, l).await?;
    Ok(keep(&app, generation, &key, body))
}

pub async fn municipality_page(
    State(app): State<Shared>,
    Path(slug): Path<String>,
    RawQuery(raw): RawQuery,
    uri: OriginalUri,
    l: Layout,
) -> Result<Response, AppError> {
    let (generation, key, hit) = from_cache(&app, &uri);
    if let Some(page) = hit {
        return Ok(page);
    }
    let body = named(&app, PageKind::Municipality, slug, raw, l).await?;
    Ok(keep(&app, generation, &key, body))
}

async fn named(
    app: &Shared,
    kind: PageKind,
    slug: String,
    raw: Option<String>,
    l: Layout,
) -> Result<String, AppError> {
    let dir = directory(app).await?;
    let what = Subject {
        facet: kind.facet(),
        name: dir.name(kind, &slug).ok_or(AppError::NotFound)?.to_owned(),
        kind_label: match kind {
            PageKind::Organisation => l.t.organisation,
            PageKind::Municipality => l.t.municipality,
        },
        intro: Vec::new(),
    };
    listing(app, &dir, l, raw, what).await
}

/// Whose projects a listing shows.
struct Subject {
    facet: &'static str,
    name: String,
    kind_label: &'static str,
    intro: Vec<String>,
}

async fn listing(
    app: &Shared,
    dir: &Directory,
    l: Layout,
    raw: Option<String>,
    what: Subject,
) -> Result<String, AppError> {
    let Subject {
        facet,
        name,
        kind_label,
        intro,
    } = what;
    // Only `page` means something here; the parser still refuses malformed query strings.
    let page = SearchState::parse(raw.as_deref())?.page;
    let req = SearchRequest {
        filters: vec![(facet.to_owned(), name.clone())],
        limit: PAGE_SIZE,
        offset: (page - 1) * PAGE_SIZE,
        sort: Sort::Newest,
        ..Default::default()
    };
    let lang = l.lang;
    let (res, cards) = blocking(app, move |c| {
        let res = c.index().search(&req)?;
        let numbers: Vec<String> = res.hits.iter().map(|h| h.project_number.clone()).collect();
        let cards = cards(c, &numbers, lang)?;
        Ok((res, cards))
    })
    .await?;
    if page > 1 && cards.is_empty() {
        return Err(AppError::NotFound);
    }
    let base = l.base;
    let t = l.t;
    let mut breakdowns = Vec::new();
    let link = |f: &str, value: &str| -> NamedLink {
        match f {
            "organisation" => NamedLink::new(dir, PageKind::Organisation, value, base),
            "municipality" => NamedLink::new(dir, PageKind::Municipality, value, base),
            _ => NamedLink {
                name: value.to_owned(),
                href: Theme::from_name(value).map_or_else(
                    || format!("{base}/zoeken"),
                    |th| format!("{base}/thema/{}", th.slug()),
                ),
            },
        }
    };
    for (f, title) in [
        ("theme", t.themes),
        ("organisation", t.top_organisations),
        ("municipality", t.top_municipalities),
    ] {
        if f == facet {
            continue;
        }
        let items: Vec<(NamedLink, u64)> = res
            .facets
            .get(f)
            .map(|v| {
                v.iter()
                    .take(TOP)
                    .map(|c| (link(f, &c.value), c.count))
                    .collect()
            })
            .unwrap_or_default();
        if !items.is_empty() {
            breakdowns.push(Breakdown { title, items });
        }
    }
    let here = l.here();
    let at_page = |p: usize| {
        if p == 1 {
            here.clone()
        } else {
            format!("{here}?page={p}")
        }
    };
    let search_url = format!(
        "{base}/zoeken?f={}",
        query::encode(&format!("{facet}:{name}"))
    );
    let body = ListingPage {
        kind_label,
        name,
        intro,
        total: res.total,
        first: (page - 1) * PAGE_SIZE + 1,
        search_url,
        prev: (page > 1).then(|| at_page(page - 1)),
        next: (((page * PAGE_SIZE) as u64) < res.total).then(|| at_page(page + 1)),
        cards,
        breakdowns,
        l,
    }
    .render()?;
    Ok(body)
}
