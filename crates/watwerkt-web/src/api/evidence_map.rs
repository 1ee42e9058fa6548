//! `/api/v1/evidence-map`: the evidence gap map of `/wat-werkt` as data, read from the same
//! [`GapMap`] as the page and its CSV.

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};

use super::params::{self, DesignParam, StatusParam, ThemeParam};
use super::views::{CellView, EvidenceMapView, TermView};
use crate::Shared;
use crate::error::AppError;
use crate::gap_map::{GapMap, MapFilters, STATUSES};
use crate::pages::what_works::gap_map;
use crate::vocab::MAX_LEVEL;

fn term(t: &'static watwerkt_labels::Term) -> TermView {
    TermView {
        id: &t.id,
        nl: &t.nl,
        en: &t.en,
    }
}

fn view(map: &GapMap) -> EvidenceMapView {
    let mut cells = Vec::with_capacity(map.rows.len() * map.columns.len());
    for (r, row) in map.rows.iter().enumerate() {
        for (c, column) in map.columns.iter().enumerate() {
            let cell = map.cell(r, c);
            cells.push(CellView {
                target_group: &row.id,
                outcome_domain: &column.id,
                count: cell.count,
                by_level: (0..=MAX_LEVEL)
                    .map(|n| (n.to_string(), cell.by_level[usize::from(n)]))
                    .collect(),
                by_status: STATUSES
                    .iter()
                    .map(|s| s.name())
                    .zip(cell.by_status)
                    .collect(),
                search_url: map.search(r, c).url(),
            });
        }
    }
    EvidenceMapView {
        rows: map.rows.iter().map(term).collect(),
        columns: map.columns.iter().map(term).collect(),
        cells,
    }
}

/// The evidence gap map.
///
/// Target groups against outcome domains: per cell how many projects, how strong their
/// evidence and how many are running or finished, with the gaps (count 0) included.
#[utoipa::path(
    get,
    path = "/api/v1/evidence-map",
    tag = "what works",
    params(
        ("theme" = inline(Option<ThemeParam>), Query, description = "Only this programme line (its slug); empty for all."),
        ("design" = inline(Option<DesignParam>), Query, description = "Only projects of this research design (a vocabulary id); empty for all."),
        ("status" = inline(Option<StatusParam>), Query, description = "`lopend` or `afgerond`; empty for all."),
    ),
    responses(
        (status = 200, description = "The map", body = EvidenceMapView),
    )
)]
pub async fn evidence_map(
    State(app): State<Shared>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    params::known_pairs(raw.as_deref(), &["theme", "design", "status"])?;
    let filters = MapFilters::parse(raw.as_deref())?;
    let map = gap_map(&app, filters).await?;
    Ok(Json(view(&map)).into_response())
}
