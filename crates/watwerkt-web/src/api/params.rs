//! The API's query parameters: what each endpoint accepts, the cursor of paged searches, and the
//! schemas of parameters whose values come from the vocabulary.
//!
//! The website ignores parameters it does not know (tracking tags survive a shared link); the
//! API refuses them, and values the website would let pass as "all" (an empty `sort`), so a
//! misspelt parameter is an error a developer sees, not a silently different answer.
//!
//! A cursor is 40 hex digits: the offset of the next page, the catalogue generation it was cut
//! from, and a keyed hash over both and the search it belongs to. The key is drawn when the
//! server starts, so a cursor is only good on the server that issued it, for the same search,
//! until the catalogue changes or the server restarts; anything else is refused, never
//! misread as another page.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{AnyOfBuilder, ObjectBuilder, Schema, Type};
use utoipa::{PartialSchema, ToSchema};
use watwerkt_domain::{Dimension, Theme};

use crate::error::AppError;
use crate::query::{self, SearchState};
use crate::vocab::{self, MAX_LEVEL};

/// The hard cap of `limit` on paged endpoints.
pub const MAX_LIMIT: usize = 100;

/// The decoded `name=value` pairs of `raw`, refusing names outside `known`.
pub fn known_pairs(
    raw: Option<&str>,
    known: &'static [&'static str],
) -> Result<Vec<(String, String)>, AppError> {
    let pairs = query::pairs(raw)?;
    if let Some((name, _)) = pairs.iter().find(|(k, _)| !known.contains(&k.as_str())) {
        return Err(AppError::UnknownParameter {
            name: name.clone(),
            known,
        });
    }
    Ok(pairs)
}

/// A whole number from 1 to `max`, written plainly (no sign, no leading zero).
pub fn count(name: &str, value: &str, max: usize) -> Result<usize, AppError> {
    let plain = !value.is_empty()
        && !value.starts_with('0')
        && value.len() <= 6
        && value.bytes().all(|b| b.is_ascii_digit());
    value
        .parse()
        .ok()
        .filter(|n| plain && (1..=max).contains(n))
        .ok_or_else(|| AppError::BadParameter {
            name: name.to_owned(),
            expected: format!("a whole number from 1 to {max}"),
        })
}

/// One of `choices`, exactly.
pub fn one_of(name: &str, value: &str, choices: &[&str]) -> Result<(), AppError> {
    if choices.contains(&value) {
        Ok(())
    } else {
        Err(AppError::BadParameter {
            name: name.to_owned(),
            expected: format!("one of {}", choices.join(", ")),
        })
    }
}

/// What `/projects` was asked: the search (as the website reads it), the page size and where
/// to start.
pub struct SearchParams {
    pub state: SearchState,
    pub limit: usize,
    pub cursor: Option<String>,
}

pub const SORTS: &[&str] = &["relevance", "newest"];
pub const YES_NO: &[&str] = &["ja", "nee"];
const SEARCH_PARAMS: &[&str] = &["q", "f", "sort", "limit", "cursor", "concepten"];
const DEFAULT_LIMIT: usize = 20;

impl SearchParams {
    pub fn parse(raw: Option<&str>) -> Result<SearchParams, AppError> {
        let mut limit = DEFAULT_LIMIT;
        let mut cursor = None;
        for (k, v) in known_pairs(raw, SEARCH_PARAMS)? {
            match k.as_str() {
                "sort" => one_of(&k, &v, SORTS)?,
                "concepten" => one_of(&k, &v, YES_NO)?,
                "limit" => limit = count(&k, &v, MAX_LIMIT)?,
                "cursor" => cursor = Some(v),
                _ => {}
            }
        }
        // The website's reading of q, f, sort and concepten; limit is checked above.
        let state = SearchState::parse(raw)?;
        Ok(SearchParams {
            state,
            limit,
            cursor,
        })
    }

    /// What a cursor is bound to: the search, not the page size.
    fn search_key(&self) -> String {
        let st = &self.state;
        format!(
            "{:?}|{:?}|{}|{}",
            st.q, st.filters, st.newest, st.no_concepts
        )
    }
}

/// The key of this server's cursors.
pub struct CursorKey(RandomState);

impl CursorKey {
    pub fn new() -> CursorKey {
        CursorKey(RandomState::new())
    }

    fn mac(&self, offset: u32, generation: u64, search: &str) -> u64 {
        self.0.hash_one((offset, generation, search))
    }

    /// The cursor of the page at `offset` of `params`' search in `generation`.
    pub fn issue(&self, params: &SearchParams, offset: u32, generation: u64) -> String {
        let mac = self.mac(offset, generation, &params.search_key());
        format!("{offset:08x}{generation:016x}{mac:016x}")
    }

    /// The offset `params.cursor` stands for (0 without one).
    pub fn offset(&self, params: &SearchParams, generation: u64) -> Result<usize, AppError> {
        let Some(token) = &params.cursor else {
            return Ok(0);
        };
        let hex = |s: &str| u64::from_str_radix(s, 16).ok();
        let parts = (token.len() == 40
            && token
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
        .then(|| (hex(&token[..8]), hex(&token[8..24]), hex(&token[24..])));
        let Some((Some(offset), Some(issued), Some(mac))) = parts else {
            return Err(AppError::BadCursor("not a cursor of this API"));
        };
        let offset = offset as u32;
        if self.mac(offset, issued, &params.search_key()) != mac {
            return Err(AppError::BadCursor(
                "not a cursor this server issued for this search (q, f, sort and concepten must \
                 stay the same while paging; cursors end when the server restarts)",
            ));
        }
        if issued != generation {
            return Err(AppError::BadCursor(
                "the catalogue changed since this cursor was issued; start again without a cursor",
            ));
        }
        Ok(offset as usize)
    }
}

fn string_schema(description: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
}

fn choice(values: impl IntoIterator<Item = String>) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values))
        .into()
}

/// The schema of `f`: `facet:value`, where the label facets take only their vocabulary's ids
/// and `evidence_level` a level; the other facets any value.
pub struct FilterParam;

impl PartialSchema for FilterParam {
    fn schema() -> RefOr<Schema> {
        let open: Vec<&str> = watwerkt_search::FACETS
            .iter()
            .copied()
            .filter(|f| *f != "evidence_level" && Dimension::parse(f).is_none())
            .collect();
        let labels = Dimension::ALL.into_iter().flat_map(|d| {
            vocab::terms(d)
                .iter()
                .map(move |t| format!("{}:{}", d.facet(), t.id))
        });
        let levels = (0..=MAX_LEVEL).map(|n| format!("evidence_level:{n}"));
        AnyOfBuilder::new()
            .item(
                string_schema("A facet that takes any value: `theme:Re-integratie`, `year:2019`.")
                    .pattern(Some(format!("^({}):", open.join("|")))),
            )
            .item(choice(labels.chain(levels)))
            .into()
    }
}

impl ToSchema for FilterParam {}

/// The schema of `sort`.
pub struct SortParam;

impl PartialSchema for SortParam {
    fn schema() -> RefOr<Schema> {
        choice(SORTS.iter().map(|s| s.to_string()))
    }
}

impl ToSchema for SortParam {}

/// The schema of `concepten`.
pub struct YesNoParam;

impl PartialSchema for YesNoParam {
    fn schema() -> RefOr<Schema> {
        choice(YES_NO.iter().map(|s| s.to_string()))
    }
}

impl ToSchema for YesNoParam {}

/// The schema of the evidence map's `theme`: a programme line's slug, or empty for all.
pub struct ThemeParam;

impl PartialSchema for ThemeParam {
    fn schema() -> RefOr<Schema> {
        choice(std::iter::once(String::new()).chain(Theme::ALL.iter().map(|t| t.slug().to_owned())))
    }
}

impl ToSchema for ThemeParam {}

/// The schema of the evidence map's `design`: a design id, or empty for all.
pub struct DesignParam;

impl PartialSchema for DesignParam {
    fn schema() -> RefOr<Schema> {
        choice(
            std::iter::once(String::new()).chain(
                vocab::terms(Dimension::Design)
                    .iter()
                    .map(|t| t.id.to_string()),
            ),
        )
    }
}

impl ToSchema for DesignParam {}

/// The schema of the evidence map's `status`, or empty for all.
pub struct StatusParam;

impl PartialSchema for StatusParam {
    fn schema() -> RefOr<Schema> {
        choice(["", "lopend", "afgerond"].map(String::from))
    }
}

impl ToSchema for StatusParam {}

/// The schema of a project number in a path: 6 to 20 digits.
pub struct NumberParam;

impl PartialSchema for NumberParam {
    fn schema() -> RefOr<Schema> {
        string_schema("A project number: 6 to 20 digits.")
            .pattern(Some("^[0-9]{6,20}$"))
            .into()
    }
}

impl ToSchema for NumberParam {}

/// An `If-Match` of the write API: a project revision as an entity tag, or `*`.
pub struct IfMatchParam;

impl PartialSchema for IfMatchParam {
    fn schema() -> RefOr<Schema> {
        string_schema("A project revision as an entity tag (`\"3\"`, also weak `W/\"3\"`), or `*`.")
            .pattern(Some(r#"^((W/)?"[0-9]{1,9}"|\*)$"#))
            .into()
    }
}

impl ToSchema for IfMatchParam {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_plain_numbers_in_range() {
        assert_eq!(count("limit", "100", 100).unwrap(), 100);
        for bad in [
            "0",
            "101",
            "-1",
            "+5",
            "05",
            "",
            "1e2",
            "99999999999999999999",
        ] {
            assert!(count("limit", bad, 100).is_err(), "{bad}");
        }
    }

    #[test]
    fn cursors_are_bound_to_their_search_and_generation() {
        let key = CursorKey::new();
        let params = |raw: &str| SearchParams::parse(Some(raw)).unwrap();
        let first = params("q=schulden&limit=5");
        let token = key.issue(&first, 5, 7);
        let next = params(&format!("q=schulden&limit=10&cursor={token}"));
        assert_eq!(key.offset(&next, 7).unwrap(), 5, "the page size may change");
        let other = params(&format!("q=werk&cursor={token}"));
        assert!(key.offset(&other, 7).is_err(), "another search");
        assert!(key.offset(&next, 8).is_err(), "another generation");
        let mut forged = token.clone();
        forged.replace_range(..8, "00000064");
        assert!(
            key.offset(&params(&format!("q=schulden&cursor={forged}")), 7)
                .is_err()
        );
        for garbled in ["x", "", &token[..39], &token.to_uppercase()] {
            let p = params(&format!("q=schulden&cursor={garbled}"));
            assert!(key.offset(&p, 7).is_err(), "{garbled}");
        }
        assert!(
            CursorKey::new().offset(&next, 7).is_err(),
            "another server's key"
        );
    }

    #[test]
    fn refuses_unknown_and_empty_parameters() {
        for bad in [
            "page=2",
            "sort=",
            "concepten=",
            "limit=0",
            "limit=101",
            "qq=x",
        ] {
            assert!(SearchParams::parse(Some(bad)).is_err(), "{bad}");
        }
        let p = SearchParams::parse(Some("q=a&f=status:Lopend&sort=newest&limit=7")).unwrap();
        assert_eq!(p.limit, 7);
        assert!(p.state.newest);
    }
}
