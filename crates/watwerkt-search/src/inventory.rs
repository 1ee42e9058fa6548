//! What the index holds per project, read back for consistency checks (`watwerkt verify`): its
//! number, the version of the content it was built from, and its facet values (the derived labels
//! among them). Also the two functions that define those values from a project, which `build`
//! writes with, so a checker computes from the store exactly what the index should hold.
//!
//! Takes the context's snapshot; reads only fast fields, never the document store, so a pass over
//! a million projects costs about as much as loading the facet tables.

use std::collections::BTreeMap;

use tantivy::DocId;
use tantivy::columnar::{Column, StrColumn};
use watwerkt_domain::Project;
use watwerkt_domain::record::ProjectRecord;

use crate::context::SearchContext;
use crate::error::SearchError;
use crate::schema::{CONTENT_FIELD, FACETS};

/// One indexed project as the index holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexedProject {
    pub number: String,
    /// [`content_version`] of the project the document was built from.
    pub content_version: Option<u64>,
    /// Facet → its values, sorted and without repeats; facets without a value are left out.
    pub facets: BTreeMap<&'static str, Vec<String>>,
}

/// The version of a project's content as the index sees it: a stable 64-bit FNV-1a digest of its
/// JSON Lines record (labels included) without its sources, which the store may update without a
/// new version (the same entry found in another file). Stable across builds and platforms: it is
/// a digest of the export format, not of Rust's `Hash`. Changing what it covers needs a new
/// `CONTENT_FIELD` name, so indexes holding the old digests are rebuilt.
pub fn content_version(p: &Project) -> u64 {
    let mut record = ProjectRecord::from(p);
    record.sources.clear();
    let mut digest = Fnv1a::default();
    serde_json::to_writer(&mut digest, &record).expect("records serialise");
    digest.0
}

/// Calls `f` with each (facet, value) the index gives a project, as `build` writes them.
pub fn facet_values(p: &Project, f: &mut dyn FnMut(&'static str, &str)) {
    f("theme", p.theme.name());
    f("status", p.status.map_or("Onbekend", |s| s.name()));
    for m in &p.municipalities {
        f("municipality", m);
    }
    for o in &p.organisations {
        f("organisation", &o.name);
    }
    if let Some(start) = p.start {
        f("year", &start.get_year().to_string());
    }
    let mut kinds: Vec<&str> = p.products.iter().map(|x| x.kind.label()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    for k in kinds {
        f("product_kind", k);
    }
    for dim in watwerkt_domain::Dimension::ALL {
        for label in p.derived.labels(dim) {
            f(dim.facet(), &label.id);
        }
    }
    if !p.derived.is_empty() {
        f(
            "evidence_level",
            &p.derived.evidence_level.level.to_string(),
        );
    }
}

/// A project's facet values as [`IndexedProject::facets`] holds them.
pub fn facet_map(p: &Project) -> BTreeMap<&'static str, Vec<String>> {
    let mut out: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    facet_values(p, &mut |facet, value| {
        out.entry(facet).or_default().push(value.to_owned())
    });
    for values in out.values_mut() {
        values.sort_unstable();
        values.dedup();
    }
    out
}

/// Visits every live document of the snapshot, segment by segment.
pub(crate) fn for_each(
    ctx: &SearchContext,
    f: &mut dyn FnMut(IndexedProject),
) -> Result<(), SearchError> {
    for reader in ctx.snap.searcher.segment_readers() {
        let columns = Columns::open(ctx, reader)?;
        for doc in 0..reader.max_doc() {
            if reader.alive_bitset().is_none_or(|a| a.is_alive(doc)) {
                f(columns.read(ctx, doc)?);
            }
        }
    }
    Ok(())
}

/// The live documents with this number (more than one would be a broken index).
pub(crate) fn find(ctx: &SearchContext, number: &str) -> Result<Vec<IndexedProject>, SearchError> {
    let term = tantivy::Term::from_field_text(ctx.fields.number, number);
    let mut out = Vec::new();
    for reader in ctx.snap.searcher.segment_readers() {
        let columns = Columns::open(ctx, reader)?;
        let index = reader
            .inverted_index(ctx.fields.number)
            .map_err(ctx.err())?;
        let Some(mut postings) = index
            .read_postings(&term, tantivy::schema::IndexRecordOption::Basic)
            .map_err(ctx.io_err())?
        else {
            continue;
        };
        use tantivy::DocSet;
        let mut doc = postings.doc();
        while doc != tantivy::TERMINATED {
            if reader.alive_bitset().is_none_or(|a| a.is_alive(doc)) {
                out.push(columns.read(ctx, doc)?);
            }
            doc = postings.advance();
        }
    }
    Ok(out)
}

/// The fast-field columns of one segment that an [`IndexedProject`] is read from.
struct Columns {
    number: Option<StrColumn>,
    content: Column<u64>,
    facets: Vec<(&'static str, Option<StrColumn>)>,
}

impl Columns {
    fn open(ctx: &SearchContext, reader: &tantivy::SegmentReader) -> Result<Self, SearchError> {
        let fast = reader.fast_fields();
        let mut facets = Vec::with_capacity(FACETS.len());
        for name in FACETS {
            facets.push((*name, fast.str(name).map_err(ctx.err())?));
        }
        Ok(Columns {
            number: fast.str("number").map_err(ctx.err())?,
            content: fast.u64(CONTENT_FIELD).map_err(ctx.err())?,
            facets,
        })
    }

    fn read(&self, ctx: &SearchContext, doc: DocId) -> Result<IndexedProject, SearchError> {
        let values = |col: &StrColumn| -> Result<Vec<String>, SearchError> {
            let mut out = Vec::new();
            for ord in col.term_ords(doc) {
                let mut s = String::new();
                col.ord_to_str(ord, &mut s).map_err(ctx.io_err())?;
                out.push(s);
            }
            out.sort_unstable();
            out.dedup();
            Ok(out)
        };
        let number = match &self.number {
            Some(col) => values(col)?.into_iter().next().unwrap_or_default(),
            None => String::new(),
        };
        let mut facets = BTreeMap::new();
        for (name, col) in &self.facets {
            if let Some(col) = col {
                let v = values(col)?;
                if !v.is_empty() {
                    facets.insert(*name, v);
                }
            }
        }
        Ok(IndexedProject {
            number,
            content_version: self.content.first(doc),
            facets,
        })
    }
}

/// 64-bit FNV-1a over written bytes: small, fast and the same everywhere.
struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl std::io::Write for Fnv1a {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        for b in buf {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_reference_values() {
        use std::io::Write;
        let mut h = Fnv1a::default();
        h.write_all(b"a").unwrap();
        assert_eq!(h.0, 0xaf63_dc4c_8601_ec8c);
        assert_eq!(Fnv1a::default().0, 0xcbf2_9ce4_8422_2325);
    }
}
