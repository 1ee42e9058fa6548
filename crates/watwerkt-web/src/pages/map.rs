//! The map page: where projects ran, drawn by [`crate::map`] from the municipality counts of
//! the whole catalogue, with the table that says the same in words.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};

use super::{Layout, directory};
use crate::Shared;
use crate::directory::PageKind;
use crate::error::AppError;
use crate::map::{self, MapView};

struct Row {
    name: String,
    href: String,
    /// "opgegaan in West Betuwe (2019)", or the listed spelling of the name.
    note: Option<String>,
    count: u64,
    on_map: bool,
}

#[derive(Template)]
#[template(path = "map.html")]
struct MapPage {
    l: Layout,
    view: MapView,
    rows: Vec<Row>,
    attribution: &'static str,
}

pub async fn map_page(State(app): State<Shared>, l: Layout) -> Result<Response, AppError> {
    let dir = directory(&app).await?;
    let counts: Vec<(String, u64)> = dir
        .counts("municipality")
        .iter()
        .map(|f| (f.value.clone(), f.count))
        .collect();
    let view = map::render_map_svg(&counts, l.t.map_title);
    let rows = view
        .rows
        .iter()
        .map(|r| Row {
            href: format!(
                "{}/gemeente/{}",
                l.base,
                dir.slug(PageKind::Municipality, &r.name)
            ),
            name: r.name.clone(),
            note: r.current.as_ref().map(|c| match r.merged_year {
                Some(year) => format!("{} {c} ({year})", l.t.merged_into),
                None => format!("{}: {c}", l.t.official_name),
            }),
            count: r.count,
            on_map: r.on_map,
        })
        .collect();
    let body = MapPage {
        view,
        rows,
        attribution: map::ATTRIBUTION,
        l,
    }
    .render()?;
    Ok(Html(body).into_response())
}
