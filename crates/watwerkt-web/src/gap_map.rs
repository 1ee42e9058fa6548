//! The evidence gap map of "wat werkt voor wie": for every target group × outcome domain, how
//! many projects there are, how strong their evidence is and whether they still run, among the
//! projects a few filters (programme line, design, status) leave.
//!
//! Counted by the search index itself, with the same filters the search page uses, so a cell's
//! number is by construction the total of the search its link opens. Per target group one
//! search gives the row's evidence levels and statuses; one search per level and per status that
//! occurs then gives the outcome-domain counts of that slice (facet counts of a filtered
//! search). Every labelled project has exactly one evidence level, so a cell's count is the sum
//! of its levels. That is up to eight searches per row, about a hundred and fifty per map: about
//! a tenth of a second at 100k projects (release build), against a millisecond for a kept map,
//! so maps are kept per index generation and filter set, as [`crate::directory`] keeps the
//! directory.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use watwerkt_domain::{Dimension, Status, Theme};
use watwerkt_labels::Term;
use watwerkt_search::{FacetCount, SearchError, SearchIndex, SearchRequest};

use crate::query::{Expected, QueryError, SearchState, pairs};
use crate::vocab::{self, MAX_LEVEL};

/// The statuses the map breaks cells down by (projects without a status count in no column).
pub const STATUSES: [Status; 2] = [Status::Lopend, Status::Afgerond];

/// The map's own filters, at most one value each; they narrow every cell alike.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct MapFilters {
    pub theme: Option<Theme>,
    /// A design id of the vocabulary.
    pub design: Option<&'static str>,
    pub status: Option<Status>,
}

impl MapFilters {
    /// From `theme=<slug or name>&design=<id>&status=<lopend|afgerond>`; an empty value means
    /// "all" (what the form's first option sends), other parameters are ignored.
    pub fn parse(raw: Option<&str>) -> Result<MapFilters, QueryError> {
        let mut f = MapFilters::default();
        for (k, v) in pairs(raw)? {
            if v.is_empty() {
                continue;
            }
            let bad = |expected| QueryError::BadValue {
                name: k.clone(),
                value: v.clone(),
                expected,
            };
            match k.as_str() {
                "theme" => {
                    f.theme = Some(Theme::from_name(&v).ok_or_else(|| bad(Expected::Theme))?);
                }
                "design" => {
                    let t = vocab::term(Dimension::Design, v.trim())
                        .ok_or_else(|| bad(Expected::Design))?;
                    f.design = Some(t.id.as_str());
                }
                "status" => {
                    f.status = Some(Status::parse(&v).map_err(|_| bad(Expected::Status))?);
                }
                _ => {}
            }
        }
        Ok(f)
    }

    /// The query string of these filters ("" when there are none), for the page's own links.
    pub fn query(&self) -> String {
        let mut parts = Vec::new();
        if let Some(t) = self.theme {
            parts.push(format!("theme={}", t.slug()));
        }
        if let Some(d) = self.design {
            parts.push(format!("design={}", crate::query::encode(d)));
        }
        if let Some(s) = self.status {
            parts.push(format!("status={}", s.name().to_lowercase()));
        }
        parts.join("&")
    }

    /// The same filters as search filters.
    pub fn search_filters(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if let Some(t) = self.theme {
            out.push(("theme".to_owned(), t.name().to_owned()));
        }
        if let Some(d) = self.design {
            out.push(("design".to_owned(), d.to_owned()));
        }
        if let Some(s) = self.status {
            out.push(("status".to_owned(), s.name().to_owned()));
        }
        out
    }
}

/// One target group × outcome domain.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cell {
    pub count: u64,
    /// Projects per evidence level, 0 to 4.
    pub by_level: [u64; MAX_LEVEL as usize + 1],
    /// Projects per [`STATUSES`] entry.
    pub by_status: [u64; STATUSES.len()],
}

/// A whole map: rows are target groups, columns outcome domains, both in vocabulary order.
#[derive(Debug)]
pub struct GapMap {
    pub generation: Option<u64>,
    pub filters: MapFilters,
    /// Projects the filters leave, with or without labels.
    pub total: u64,
    pub rows: &'static [Term],
    pub columns: &'static [Term],
    /// Row-major: `cells[row * columns.len() + column]`.
    cells: Vec<Cell>,
}

impl GapMap {
    #[tracing::instrument(skip(index))]
    fn build(index: &SearchIndex, filters: MapFilters) -> Result<GapMap, SearchError> {
        let generation = index.generation();
        let rows = vocab::terms(Dimension::TargetGroup);
        let columns = vocab::terms(Dimension::OutcomeDomain);
        let base = filters.search_filters();
        let search = |extra: &[(&str, String)]| {
            let mut filters = base.clone();
            filters.extend(extra.iter().map(|(f, v)| ((*f).to_owned(), v.clone())));
            index.search(&SearchRequest {
                filters,
                limit: 0,
                ..Default::default()
            })
        };
        let column_of = |value: &str| columns.iter().position(|t| t.id == value);
        let total = search(&[])?.total;
        let mut cells = vec![Cell::default(); rows.len() * columns.len()];
        for (r, row) in rows.iter().enumerate() {
            let group = ("target_group", row.id.clone());
            let whole = search(std::slice::from_ref(&group))?;
            if whole.total == 0 {
                continue;
            }
            let row_cells = &mut cells[r * columns.len()..(r + 1) * columns.len()];
            // Only the levels and statuses the row has: each costs a search.
            for level in present(&whole, "evidence_level") {
                let Some(n) = level
                    .parse::<usize>()
                    .ok()
                    .filter(|n| *n <= MAX_LEVEL.into())
                else {
                    continue;
                };
                let slice = search(&[group.clone(), ("evidence_level", level)])?;
                for c in domains(&slice) {
                    if let Some(col) = column_of(&c.value) {
                        row_cells[col].by_level[n] += c.count;
                        row_cells[col].count += c.count;
                    }
                }
            }
            for (i, status) in STATUSES.into_iter().enumerate() {
                match filters.status {
                    // Every project left has the filter's status: no search needed.
                    Some(s) if s == status => {
                        for cell in row_cells.iter_mut() {
                            cell.by_status[i] = cell.count;
                        }
                    }
                    Some(_) => {}
                    None => {
                        if !present(&whole, "status").any(|s| s == status.name()) {
                            continue;
                        }
                        let slice = search(&[group.clone(), ("status", status.name().to_owned())])?;
                        for c in domains(&slice) {
                            if let Some(col) = column_of(&c.value) {
                                row_cells[col].by_status[i] = c.count;
                            }
                        }
                    }
                }
            }
        }
        Ok(GapMap {
            generation,
            filters,
            total,
            rows,
            columns,
            cells,
        })
    }

    pub fn cell(&self, row: usize, column: usize) -> &Cell {
        &self.cells[row * self.columns.len() + column]
    }

    /// The search that lists a cell's projects: its two labels and the map's filters.
    pub fn search(&self, row: usize, column: usize) -> SearchState {
        let mut filters = vec![
            ("target_group".to_owned(), self.rows[row].id.clone()),
            ("outcome_domain".to_owned(), self.columns[column].id.clone()),
        ];
        filters.extend(self.filters.search_filters());
        SearchState {
            filters,
            page: 1,
            ..Default::default()
        }
    }
}

/// The values of `facet` that some hit of `res` has.
fn present<'a>(
    res: &'a watwerkt_search::SearchResponse,
    facet: &str,
) -> impl Iterator<Item = String> + 'a {
    res.facets
        .get(facet)
        .into_iter()
        .flatten()
        .filter(|c| c.count > 0)
        .map(|c| c.value.clone())
}

fn domains(res: &watwerkt_search::SearchResponse) -> &[FacetCount] {
    res.facets.get("outcome_domain").map_or(&[], Vec::as_slice)
}

/// The generation the maps were built at, and the maps.
type Kept = (Option<u64>, HashMap<MapFilters, Arc<GapMap>>);

/// The maps of the current generation, one per filter set asked for (at most every programme
/// line × design × status, a few hundred; usually a handful).
#[derive(Default)]
pub struct GapMapCache {
    current: Mutex<Kept>,
    /// Held while building, so a burst of requests for a new map builds it once.
    building: Mutex<()>,
}

impl GapMapCache {
    /// The map for `filters` if it is already built for the index's current generation.
    pub fn cached(&self, index: &SearchIndex, filters: &MapFilters) -> Option<Arc<GapMap>> {
        let generation = index.generation();
        let current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        if current.0 != generation {
            return None;
        }
        current.1.get(filters).cloned()
    }

    /// The map for `filters`, building it if needed. Blocking: call from a blocking thread.
    pub fn get(
        &self,
        index: &SearchIndex,
        filters: MapFilters,
    ) -> Result<Arc<GapMap>, SearchError> {
        if let Some(m) = self.cached(index, &filters) {
            return Ok(m);
        }
        let _building = self.building.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(m) = self.cached(index, &filters) {
            return Ok(m);
        }
        let map = Arc::new(GapMap::build(index, filters)?);
        // Kept only if the index did not change meanwhile (nor is being written, `None`): a
        // map must not mix two catalogues under one generation.
        if map.generation.is_some() && map.generation == index.generation() {
            let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
            if current.0 != map.generation {
                *current = (map.generation, HashMap::new());
            }
            current.1.insert(filters, map.clone());
        }
        Ok(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_parse_and_round_trip() {
        let f =
            MapFilters::parse(Some("theme=re-integratie&design=rct&status=Lopend&x=1")).unwrap();
        assert_eq!(f.theme, Some(Theme::ReIntegratie));
        assert_eq!(f.design, Some("rct"));
        assert_eq!(f.status, Some(Status::Lopend));
        assert_eq!(f.query(), "theme=re-integratie&design=rct&status=lopend");
        assert_eq!(MapFilters::parse(Some(&f.query())).unwrap(), f);
        assert_eq!(
            f.search_filters(),
            [
                ("theme".to_owned(), "Re-integratie".to_owned()),
                ("design".to_owned(), "rct".to_owned()),
                ("status".to_owned(), "Lopend".to_owned()),
            ]
        );
        assert_eq!(
            MapFilters::parse(Some("theme=&design=&status=")).unwrap(),
            MapFilters::default()
        );
        for bad in [
            "theme=nergens",
            "design=gokken",
            "status=bijna",
            "theme=%FF",
        ] {
            assert!(MapFilters::parse(Some(bad)).is_err(), "{bad}");
        }
    }
}
