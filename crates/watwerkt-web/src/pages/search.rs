//! The search page (query, facets as checkboxes, chips, sort, pages, snippets), and the search
//! the JSON API shares with it ([`run`]). The whole state lives in the URL, so every result page
//! can be linked and cached.
//!
//! Page and API also find projects by the labels a query names in other words ("55-plussers" → target
//! group ouderen, see `Catalog::concepts`); the page says which it added and links to the same
//! search without them (`concepten=nee`). Both find nothing for a query without searchable words
//! (see [`SearchState::has_no_words`]), and the page says why; a query past
//! [`query::MAX_QUERY_CHARS`] is cut, and the page says so.
//!
//! On a phone the page shows the results first and the filters after them, folded in a
//! `<details>` (no script needed); wider screens show them beside the results (`site.css`).

use askama::Template;
use axum::extract::{OriginalUri, RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use watwerkt_search::{FacetCount, Hit, ProductHit, SearchRequest, SearchResponse, Sort};

use super::{Layout, blocking, directory, from_cache, keep};
use crate::Shared;
use crate::directory::PageKind;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::query::{self, SearchState};

pub const PAGE_SIZE: usize = 20;
/// Facet values shown per facet; the rest are reachable by searching.
const FACET_VALUES: usize = 15;

struct FacetValue {
    value: String,
    label: String,
    count: u64,
    checked: bool,
    /// The value's own page (themes, organisations, municipalities).
    page: Option<String>,
}

struct FacetGroup {
    name: &'static str,
    label: &'static str,
    values: Vec<FacetValue>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    l: Layout,
    query: String,
    newest: bool,
    facets: Vec<FacetGroup>,
    /// (label, URL without this filter)
    chips: Vec<(String, String)>,
    /// "Uw zoekvraag is ingekort tot 1.000 tekens."
    cut: Option<String>,
    /// The query has no searchable words, so nothing was searched.
    no_words: bool,
    notice: Option<String>,
    /// "Ook gezocht op doelgroep: Jongeren", and the same search without concepts.
    concepts: Option<(String, String)>,
    no_concepts: bool,
    /// (corrected query, its search URL)
    did_you_mean: Option<(String, String)>,
    products: Vec<ProductHit>,
    total: u64,
    /// How many have every word, when fewer than all found do (partial matches follow).
    complete: Option<u64>,
    /// The query's words no project has, quoted and joined.
    unmatched: Option<String>,
    first: usize,
    hits: Vec<ShownHit>,
    prev: Option<String>,
    next: Option<String>,
}

/// Passages shown under a hit's title, at most.
const PASSAGES: usize = 2;

/// A hit as the page lists it: its title, then the passages the engine chose, in reading order
/// (the summary, the question, the outcome, the method; the title's own only when nothing else
/// matched, since the title is shown above it).
struct ShownHit {
    project_number: String,
    title: String,
    /// HTML with the matched words in `<mark>` (escaped by the engine).
    passages: Vec<String>,
    /// The query's words it has, joined; set only when it lacks some (a partial match).
    matched: Option<String>,
    /// Found through a concept the query names rather than by its words.
    by_concept: bool,
}

impl ShownHit {
    /// `words`: how many words of the query count; a hit with fewer says which it has.
    fn new(mut h: Hit, words: usize) -> Self {
        ShownHit {
            passages: h.take_passages(),
            matched: (!h.matched.is_empty() && h.matched.len() < words)
                .then(|| h.matched.join(", ")),
            by_concept: h.by_concept,
            project_number: h.project_number,
            title: h.title,
        }
    }
}

/// The engine's request for `st`, from `offset` on (the page counts in pages, the API with a
/// cursor); `passages` as [`SearchRequest::passages`] (the page shows a few, the API gives every
/// field's snippet).
pub(crate) fn request(
    st: &SearchState,
    limit: usize,
    offset: usize,
    passages: Option<usize>,
) -> SearchRequest {
    SearchRequest {
        query: st.q.clone(),
        filters: st.filters.clone(),
        limit,
        offset,
        sort: if st.newest {
            Sort::Newest
        } else {
            Sort::Relevance
        },
        passages,
        concepts: Vec::new(),
    }
}

/// Runs `req`, with the concepts its query names unless `st` asks for the words only. A query
/// without searchable words finds nothing: the engine would read it as no query at all and list
/// every project, which answers nothing that was asked.
pub(crate) async fn run(
    app: &Shared,
    st: &SearchState,
    mut req: SearchRequest,
) -> Result<SearchResponse, AppError> {
    if st.has_no_words() {
        return Ok(SearchResponse::default());
    }
    let with_concepts = !st.no_concepts;
    blocking(app, move |c| {
        if with_concepts {
            req.concepts = c.concepts(&req.query);
        }
        Ok(c.index().search(&req)?)
    })
    .await
}

/// "Ook gezocht op doelgroep: Jongeren, Ouderen (45-plus); onderzoeksopzet: …", grouped by
/// facet in the order the engine reported them.
fn concepts_notice(lang: Lang, concepts: &[(String, String)]) -> String {
    let mut groups: Vec<(&str, Vec<String>)> = Vec::new();
    for (facet, id) in concepts {
        let name = lang.facet_value(facet, id).into_owned();
        match groups.iter_mut().find(|(f, _)| f == facet) {
            Some((_, names)) => names.push(name),
            None => groups.push((facet, vec![name])),
        }
    }
    let parts: Vec<String> = groups
        .into_iter()
        .map(|(facet, names)| {
            format!(
                "{}: {}",
                lang.facet_label(facet).to_lowercase(),
                names.join(", ")
            )
        })
        .collect();
    format!("{} {}", lang.texts().also_searched_for, parts.join("; "))
}

pub async fn search_page(
    State(app): State<Shared>,
    RawQuery(raw): RawQuery,
    uri: OriginalUri,
    l: Layout,
) -> Result<Response, AppError> {
    let (generation, key, hit) = from_cache(&app, &uri);
    if let Some(page) = hit {
        return Ok(page);
    }
    let st = SearchState::parse(raw.as_deref())?;
    let res = run(
        &app,
        &st,
        request(&st, PAGE_SIZE, (st.page - 1) * PAGE_SIZE, Some(PASSAGES)),
    )
    .await?;
    if let Some(number) = &res.redirect {
        return Ok(
            Redirect::to(&format!("{}/project/{}", l.base, query::encode(number))).into_response(),
        );
    }
    let dir = directory(&app).await?;
    let lang = l.lang;
    let base = l.base;
    let facets = watwerkt_search::FACETS
        .iter()
        .filter_map(|name| {
            let mut counts: Vec<&FacetCount> = res.facets.get(*name)?.iter().collect();
            // Evidence levels read as a scale, strongest first; other facets by count.
            if *name == "evidence_level" {
                counts.sort_by(|a, b| b.value.cmp(&a.value));
            }
            let values = counts
                .into_iter()
                .take(FACET_VALUES)
                .map(|f| FacetValue {
                    checked: st.filters.iter().any(|(n, v)| n == name && *v == f.value),
                    label: lang.facet_value(name, &f.value).into_owned(),
                    page: match *name {
                        "theme" => watwerkt_domain::Theme::from_name(&f.value)
                            .map(|t| format!("{base}/thema/{}", t.slug())),
                        "organisation" => Some(format!(
                            "{base}/organisatie/{}",
                            dir.slug(PageKind::Organisation, &f.value)
                        )),
                        "municipality" => Some(format!(
                            "{base}/gemeente/{}",
                            dir.slug(PageKind::Municipality, &f.value)
                        )),
                        _ => None,
                    },
                    value: f.value.clone(),
                    count: f.count,
                })
                .collect();
            Some(FacetGroup {
                name,
                label: lang.facet_label(name),
                values,
            })
        })
        .collect();
    let url = |s: &SearchState| format!("{base}{}", s.url());
    let chips = st
        .filters
        .iter()
        .enumerate()
        .map(|(i, (n, v))| {
            let mut without = st.clone();
            without.filters.remove(i);
            without.page = 1;
            (
                format!("{}: {}", lang.facet_label(n), lang.facet_value(n, v)),
                url(&without),
            )
        })
        .collect();
    let at_page = |p: usize| {
        let mut s = st.clone();
        s.page = p;
        url(&s)
    };
    let shown_to = (st.page * PAGE_SIZE) as u64;
    let corrected = matches!(res.notice, Some(watwerkt_search::Notice::Corrected { .. }));
    let body = SearchPage {
        query: st.q.clone(),
        newest: st.newest,
        facets,
        chips,
        cut: st.cut.then(|| lang.query_cut()),
        no_words: st.has_no_words(),
        notice: res.notice.as_ref().map(|n| lang.notice(n)),
        concepts: (!res.concepts.is_empty()).then(|| {
            let mut words_only = st.clone();
            words_only.no_concepts = true;
            words_only.page = 1;
            (concepts_notice(lang, &res.concepts), url(&words_only))
        }),
        no_concepts: st.no_concepts,
        // After a corrected search the notice already names the query searched.
        did_you_mean: res.did_you_mean.as_ref().filter(|_| !corrected).map(|q| {
            let mut s = st.clone();
            s.q = q.clone();
            s.page = 1;
            (q.clone(), url(&s))
        }),
        products: res.products,
        total: res.total,
        complete: (res.complete > 0 && res.complete < res.total).then_some(res.complete),
        unmatched: (!res.unmatched.is_empty()).then(|| {
            res.unmatched
                .iter()
                .map(|w| format!("“{w}”"))
                .collect::<Vec<_>>()
                .join(", ")
        }),
        first: (st.page - 1) * PAGE_SIZE + 1,
        prev: (st.page > 1).then(|| at_page(st.page - 1)),
        next: (shown_to < res.total).then(|| at_page(st.page + 1)),
        hits: {
            let words = res
                .hits
                .iter()
                .map(|h| h.matched.len())
                .max()
                .unwrap_or(0)
                .max(res.unmatched.len() + 1);
            res.hits
                .into_iter()
                .map(|h| ShownHit::new(h, words))
                .collect()
        },
        l,
    }
    .render()?;
    Ok(keep(&app, generation, &key, body))
}
