//! The map of `/kaart`: where projects ran, one dot per municipality on an outline of the
//! Netherlands, drawn on the server as SVG, with rows for the table that says the same in words.
//!
//! Places and outline come from `data/places/` (GeoNames and Natural Earth; its README names the
//! sources, licences and the projection). Projects name municipalities as they wrote them, former
//! ones included: a former municipality is drawn on its successor's dot (Geldermalsen on West
//! Betuwe's), while its row keeps the project's own name. The map is a picture for sighted
//! readers; the table is the accessible alternative and holds every name, drawn or not.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::sync::OnceLock;

const PLACES_CSV: &str = include_str!("../../../data/places/municipalities.csv");
const OUTLINE_PATH: &str = include_str!("../../../data/places/nl-outline.svgpath");

/// Credit the places' licence (CC BY 4.0) asks for; the page shows it under the map.
pub const ATTRIBUTION: &str =
    "Kaart: Natural Earth (publiek domein). Plaatsen: GeoNames (CC BY 4.0).";

/// The drawing's size in pixels; the outline in `data/places/` lies within 17…441 × 25…532.
pub const WIDTH: u32 = 460;
pub const HEIGHT: u32 = 550;

// The projection of data/places/generate.mjs, which drew the outline: longitudes shrunk by
// cos 52.2° so the country keeps its shape at these latitudes, 180 pixels per degree latitude.
const LON0: f64 = 3.2;
const LAT0: f64 = 53.7;
const SCALE: f64 = 180.0;
const KX: f64 = 0.612_907_053_652_976_5;

/// Dot radii in pixels: small counts stay visible, the largest does not hide its neighbours.
const MIN_RADIUS: f64 = 3.0;
const MAX_RADIUS: f64 = 14.0;

/// One municipality as the projects named it, for the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapRow {
    /// The name as the projects wrote it.
    pub name: String,
    /// The municipality's name in the list when it differs from the project's: the successor of
    /// a former municipality, or the listed spelling ("Nederbetuwe" → "Neder-Betuwe").
    pub current: Option<String>,
    /// For a former municipality, the year it merged into `current`.
    pub merged_year: Option<u16>,
    pub count: u64,
    /// Whether it has a dot: false for names that are no known municipality and for the few
    /// municipalities GeoNames could not place (see `data/places/README.md`).
    pub on_map: bool,
}

/// The rendered map: the SVG element (safe to insert unescaped) and the table rows, most
/// projects first.
#[derive(Debug, Clone)]
pub struct MapView {
    pub svg: String,
    pub rows: Vec<MapRow>,
    /// Municipalities with a dot.
    pub dots: usize,
}

/// Map coordinates of each current municipality that has a place, by its name in
/// `data/municipalities.csv`.
fn places() -> &'static HashMap<&'static str, (f64, f64)> {
    static PLACES: OnceLock<HashMap<&'static str, (f64, f64)>> = OnceLock::new();
    PLACES.get_or_init(|| {
        PLACES_CSV
            .lines()
            .skip(1)
            .map(|line| {
                // municipality,place,kind,lat,lon,source: names hold no commas (the generator
                // quotes any that would, and a test below keeps the file that way).
                let cols: Vec<&str> = line.split(',').collect();
                let parse = |i: usize| -> f64 {
                    cols.get(i).and_then(|v| v.parse().ok()).unwrap_or_else(|| {
                        panic!("data/places/municipalities.csv: bad row {line:?}")
                    })
                };
                (cols[0], project(parse(3), parse(4)))
            })
            .collect()
    })
}

fn project(lat: f64, lon: f64) -> (f64, f64) {
    ((lon - LON0) * KX * SCALE, (LAT0 - lat) * SCALE)
}

/// A dot: one current municipality and the names the projects used for it.
struct Dot<'a> {
    x: f64,
    y: f64,
    count: u64,
    names: Vec<(&'a str, u64)>,
}

/// Draws `counts` (municipality as the project wrote it, number of projects) on the map.
///
/// `title` names the drawing for assistive technology. A dot's count is the sum over the names
/// drawn on it, so a project naming both a former municipality and its successor counts twice
/// there; its title lists the names with their own counts.
pub fn render_map_svg(counts: &[(String, u64)], title: &str) -> MapView {
    let mut rows = Vec::with_capacity(counts.len());
    let mut dots: BTreeMap<String, Dot<'_>> = BTreeMap::new();
    for (name, count) in counts {
        let info = watwerkt_domain::municipality_info(name);
        let merged_year = info
            .as_ref()
            .filter(|i| i.former)
            .and_then(|i| i.merged_year);
        let current = info.map(|i| i.current_name);
        let place = current.as_deref().and_then(|c| places().get(c).copied());
        if let (Some(current), Some((x, y))) = (&current, place) {
            let dot = dots.entry(current.clone()).or_insert(Dot {
                x,
                y,
                count: 0,
                names: Vec::new(),
            });
            dot.count += count;
            dot.names.push((name, *count));
        }
        rows.push(MapRow {
            current: current.filter(|c| c != name),
            merged_year,
            name: name.clone(),
            count: *count,
            on_map: place.is_some(),
        });
    }
    rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));

    let max = dots.values().map(|d| d.count).max().unwrap_or(1).max(1) as f64;
    let mut order: Vec<(&String, &Dot<'_>)> = dots.iter().collect();
    // Large dots first, so that small ones drawn later stay visible on top of them.
    order.sort_by(|a, b| b.1.count.cmp(&a.1.count).then_with(|| a.0.cmp(b.0)));

    let mut svg = String::with_capacity(OUTLINE_PATH.len() + 200 * order.len() + 400);
    // Written into a String: formatting cannot fail, so the results are ignored.
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"kaart\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" \
         role=\"group\" aria-labelledby=\"kaart-titel\">\
         <title id=\"kaart-titel\">{}</title>\
         <path d=\"{}\" fill=\"#e6eef4\" stroke=\"#4b6a7d\" stroke-width=\"1\"/>",
        escape(title),
        OUTLINE_PATH.trim(),
    );
    for (current, dot) in order {
        // Area, not radius, proportional to the count: the eye compares areas.
        let r = MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * (dot.count as f64 / max).sqrt();
        let _ = write!(
            svg,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"{r:.1}\" fill=\"#01689b\" fill-opacity=\"0.8\" \
             stroke=\"#ffffff\" stroke-width=\"1\" role=\"img\"><title>{}</title></circle>",
            dot.x,
            dot.y,
            escape(&dot_title(current, dot)),
        );
    }
    svg.push_str("</svg>");
    MapView {
        svg,
        rows,
        dots: dots.len(),
    }
}

/// "West Betuwe: 3 projecten (Geldermalsen 2, West Betuwe 1)"; the parenthesis only when the
/// projects used another name than the dot's.
fn dot_title(current: &str, dot: &Dot<'_>) -> String {
    let noun = |n: u64| if n == 1 { "project" } else { "projecten" };
    let mut t = format!("{current}: {} {}", dot.count, noun(dot.count));
    if dot.names.iter().any(|(n, _)| *n != current) {
        let mut names = dot.names.clone();
        names.sort();
        let parts: Vec<String> = names.iter().map(|(n, c)| format!("{n} {c}")).collect();
        let _ = write!(t, " ({})", parts.join(", "));
    }
    t
}

/// Escapes text for an SVG element or a double-quoted attribute.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(v: &[(&str, u64)]) -> Vec<(String, u64)> {
        v.iter().map(|(n, c)| (n.to_string(), *c)).collect()
    }

    fn circles(svg: &str) -> usize {
        svg.matches("<circle ").count()
    }

    #[test]
    fn former_municipalities_share_their_successors_dot_but_keep_their_row() {
        let view = render_map_svg(
            &counts(&[("Geldermalsen", 2), ("West Betuwe", 1), ("Leerdam", 1)]),
            "Kaart",
        );
        assert_eq!(view.dots, 2, "West Betuwe and Vijfheerenlanden");
        assert_eq!(circles(&view.svg), 2);
        assert!(
            view.svg.contains(
                "<title>West Betuwe: 3 projecten (Geldermalsen 2, West Betuwe 1)</title>"
            ),
            "{}",
            view.svg
        );
        assert!(
            view.svg
                .contains("<title>Vijfheerenlanden: 1 project (Leerdam 1)</title>")
        );
        assert_eq!(
            view.rows[0],
            MapRow {
                name: "Geldermalsen".into(),
                current: Some("West Betuwe".into()),
                merged_year: Some(2019),
                count: 2,
                on_map: true
            }
        );
        let west_betuwe = view.rows.iter().find(|r| r.name == "West Betuwe").unwrap();
        assert_eq!(
            (&west_betuwe.current, west_betuwe.merged_year),
            (&None, None)
        );
    }

    #[test]
    fn other_spellings_are_drawn_on_the_listed_municipality() {
        // As projects in the bundled catalogue write them.
        let view = render_map_svg(
            &counts(&[("Nederbetuwe", 1), ("’s Hertogenbosch", 2)]),
            "Kaart",
        );
        assert_eq!(view.dots, 2);
        let listed: Vec<(Option<&str>, Option<u16>)> = view
            .rows
            .iter()
            .map(|r| (r.current.as_deref(), r.merged_year))
            .collect();
        assert_eq!(
            listed,
            [
                (Some("'s-Hertogenbosch"), None),
                (Some("Neder-Betuwe"), None)
            ]
        );
    }

    #[test]
    fn unknown_and_unplaced_names_are_listed_without_a_dot() {
        // Eemnes is a municipality GeoNames could not place; "Heurnen" is no municipality.
        let view = render_map_svg(
            &counts(&[("Eemnes", 1), ("Heurnen", 4), ("Utrecht", 2)]),
            "Kaart",
        );
        assert_eq!(circles(&view.svg), 1);
        let on_map: Vec<(&str, bool)> = view
            .rows
            .iter()
            .map(|r| (r.name.as_str(), r.on_map))
            .collect();
        assert_eq!(
            on_map,
            [("Heurnen", false), ("Utrecht", true), ("Eemnes", false)]
        );
    }

    #[test]
    fn dots_grow_with_their_count_and_large_ones_are_drawn_first() {
        let view = render_map_svg(&counts(&[("Zwolle", 1), ("Amsterdam", 9)]), "Kaart");
        let radii: Vec<f64> = view
            .svg
            .match_indices(" r=\"")
            .map(|(i, _)| {
                let rest = &view.svg[i + 4..];
                rest[..rest.find('"').unwrap()].parse().unwrap()
            })
            .collect();
        // Areas 9 : 1 above the minimum: radii 14 and 3 + 11/3, printed to a tenth.
        assert_eq!(radii, [14.0, 6.7]);
        assert!(view.svg.find("Amsterdam:").unwrap() < view.svg.find("Zwolle:").unwrap());
    }

    #[test]
    fn names_are_escaped_and_nothing_needs_inline_style() {
        let view = render_map_svg(
            &counts(&[("'s-Hertogenbosch", 1)]),
            "Projecten <per> gemeente & \"plaats\"",
        );
        assert!(view.svg.contains("&#39;s-Hertogenbosch: 1 project"));
        assert!(
            view.svg
                .contains("Projecten &lt;per&gt; gemeente &amp; &quot;plaats&quot;")
        );
        // The site's CSP forbids inline styles and scripts.
        assert!(!view.svg.contains("style"));
        assert!(!view.svg.contains("<script"));
    }

    #[test]
    fn an_empty_catalogue_draws_the_outline_alone() {
        let view = render_map_svg(&[], "Kaart");
        assert_eq!(view.dots, 0);
        assert!(view.rows.is_empty());
        assert!(view.svg.contains("<path d=\"M"));
        assert!(view.svg.ends_with("</svg>"));
    }

    /// The outline's extent, from the path's numbers.
    fn outline_box() -> (f64, f64, f64, f64) {
        let nums: Vec<f64> = OUTLINE_PATH
            .split(|c: char| c.is_ascii_alphabetic() || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().unwrap())
            .collect();
        let xs = nums.iter().step_by(2);
        let ys = nums.iter().skip(1).step_by(2);
        (
            xs.clone().copied().fold(f64::MAX, f64::min),
            ys.clone().copied().fold(f64::MAX, f64::min),
            xs.copied().fold(f64::MIN, f64::max),
            ys.copied().fold(f64::MIN, f64::max),
        )
    }

    #[test]
    fn every_place_lies_within_the_outline_drawn_with_the_same_projection() {
        let (x0, y0, x1, y1) = outline_box();
        assert!(x0 >= 0.0 && y0 >= 0.0 && x1 <= f64::from(WIDTH) && y1 <= f64::from(HEIGHT));
        for (name, (x, y)) in places() {
            assert!(
                (x0..=x1).contains(x) && (y0..=y1).contains(y),
                "{name} at ({x:.1}, {y:.1}) lies outside the outline's box"
            );
        }
    }

    #[test]
    fn every_current_municipality_has_a_place_but_the_known_few() {
        let list = include_str!("../../../data/municipalities.csv");
        let missing: Vec<&str> = list
            .lines()
            .skip(1)
            .filter(|l| l.split(',').nth(3) == Some("current"))
            .map(|l| l.split(',').next().unwrap())
            .filter(|name| !places().contains_key(name))
            .collect();
        // data/places/README.md names these: GeoNames lists no place of theirs.
        assert_eq!(missing, ["Eemnes", "Etten-Leur"]);
        assert!(PLACES_CSV.lines().all(|l| !l.contains('"')));
    }
}
