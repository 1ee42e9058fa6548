//! Facet counting over a matched document set: one pass collects the matching doc ids per
//! segment (no scoring, no hash sets), and counts go into a dense array indexed by the facet
//! column's term ordinal. The doc-id set of the fully filtered query is shared by every facet
//! that has no filter of its own, so a search without filters runs the query once for all facets.

use std::collections::HashMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

/// Matching doc ids, per segment ordinal, ascending.
pub(crate) type SegmentDocs = Vec<(SegmentOrdinal, Vec<DocId>)>;

/// Collects the matching doc ids of every segment.
pub(crate) struct DocIds;

pub(crate) struct DocIdsSegment {
    ord: SegmentOrdinal,
    docs: Vec<DocId>,
}

impl Collector for DocIds {
    type Fruit = SegmentDocs;
    type Child = DocIdsSegment;

    fn for_segment(
        &self,
        ord: SegmentOrdinal,
        _: &SegmentReader,
    ) -> tantivy::Result<DocIdsSegment> {
        Ok(DocIdsSegment {
            ord,
            docs: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        fruits: Vec<(SegmentOrdinal, Vec<DocId>)>,
    ) -> tantivy::Result<SegmentDocs> {
        Ok(fruits)
    }
}

impl SegmentCollector for DocIdsSegment {
    type Fruit = (SegmentOrdinal, Vec<DocId>);

    fn collect(&mut self, doc: DocId, _: Score) {
        self.docs.push(doc);
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        self.docs.extend_from_slice(docs);
    }

    fn harvest(self) -> Self::Fruit {
        (self.ord, self.docs)
    }
}

/// Number of matching documents.
pub(crate) fn total(docs: &SegmentDocs) -> u64 {
    docs.iter().map(|(_, d)| d.len() as u64).sum()
}

/// Count per value of the string fast field `facet` over `docs`.
pub(crate) fn count(
    searcher: &Searcher,
    docs: &SegmentDocs,
    facet: &str,
) -> tantivy::Result<HashMap<String, u64>> {
    let mut counts: HashMap<String, u64> = HashMap::new();
    for (seg, ids) in docs {
        if ids.is_empty() {
            continue;
        }
        let Some(column) = searcher.segment_reader(*seg).fast_fields().str(facet)? else {
            continue;
        };
        // Dense per-ordinal counters: a segment's dictionary is small (at most a few thousand
        // municipalities or organisations), so this beats hashing per document.
        let mut by_ord = vec![0u64; column.num_terms()];
        for &id in ids {
            for ord in column.term_ords(id) {
                if let Some(c) = by_ord.get_mut(ord as usize) {
                    *c += 1;
                }
            }
        }
        let mut buf = String::new();
        for (ord, n) in by_ord.into_iter().enumerate() {
            if n == 0 {
                continue;
            }
            buf.clear();
            if column.ord_to_str(ord as u64, &mut buf)? {
                *counts.entry(buf.clone()).or_default() += n;
            }
        }
    }
    Ok(counts)
}
