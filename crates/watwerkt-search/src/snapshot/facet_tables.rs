//! Facet tables, built once when the reader loads, and facet counting over a hit set.
//!
//! Every facet value keeps its documents (a bitset when it is common, a sorted list when rare),
//! which makes filters free, and every document keeps its value ids, which makes counting a small
//! hit set cheap. A count takes the cheaper of two ways, estimated per facet: popcount the hit set
//! against each value's documents, or walk documents and add up their value ids. The documents
//! walked are the hits themselves, or the documents of a known superset that are not hits,
//! subtracted from the superset's counts: all live documents (their totals), or a word's
//! documents whose counts were kept from an earlier search (see [`Known`]). A search for "werk"
//! and one for "werk" with a rare second word then walk only what the second word removes.

use std::collections::HashMap;

use tantivy::Searcher;

use crate::bits::DocBits;

/// A value held by at least 1/64 of the documents keeps a bitset (at most twice its list).
const BITSET_SHARE: u64 = 64;
/// Rough relative costs, measured on the 1M benchmark corpus: one 64-bit AND+popcount (bitsets
/// stream from memory), one rare-value membership test, and one hit walked (per facet a cache
/// miss on its row start and ids, plus one counter per value of the document).
const COST_WORD: u64 = 1;
const COST_LIST_DOC: u64 = 2;
const COST_WALK_VALUE: u64 = 20;
/// Estimated cost above which counting by values is split in two (for rayon's two threads; a
/// split costs about as much as 50,000 word operations).
const PARALLEL_WORK: u64 = 500_000;

/// The documents of one facet value.
enum ValueDocs {
    Bits(DocBits),
    List(Vec<u32>),
}

/// One facet: its values and, for every document, the ids of its values.
pub(crate) struct Facet {
    values: Vec<String>,
    docs: Vec<ValueDocs>,
    /// Count of every value over all live documents.
    totals: Vec<u64>,
    /// Document d's value ids are `ids[starts[d]..starts[d + 1]]`.
    starts: Vec<u32>,
    ids: Vec<u32>,
}

impl Facet {
    /// A facet of `values` where document d has the value ids `ids[starts[d]..starts[d + 1]]`.
    fn new(values: Vec<String>, starts: Vec<u32>, ids: Vec<u32>, len: u32) -> Self {
        let mut lists: Vec<Vec<u32>> = vec![Vec::new(); values.len()];
        for doc in 0..len {
            for &id in &ids[starts[doc as usize] as usize..starts[doc as usize + 1] as usize] {
                lists[id as usize].push(doc);
            }
        }
        let totals = lists.iter().map(|l| l.len() as u64).collect();
        let docs = lists
            .into_iter()
            .map(|list| {
                if list.len() as u64 * BITSET_SHARE >= u64::from(len) {
                    let mut b = DocBits::empty(len);
                    for d in list {
                        b.insert(d);
                    }
                    ValueDocs::Bits(b)
                } else {
                    ValueDocs::List(list)
                }
            })
            .collect();
        Facet {
            values,
            docs,
            totals,
            starts,
            ids,
        }
    }

    /// Live documents with value `value`, or `None` if no document has it.
    pub(crate) fn value_docs(&self, value: &str, len: u32) -> Option<DocBits> {
        let i = self.values.iter().position(|v| v == value)?;
        Some(match &self.docs[i] {
            ValueDocs::Bits(b) => b.clone(),
            ValueDocs::List(list) => {
                let mut b = DocBits::empty(len);
                for &d in list {
                    b.insert(d);
                }
                b
            }
        })
    }

    fn values_per_doc(&self) -> u64 {
        (self.ids.len() as u64).div_ceil((self.starts.len() as u64).max(1))
    }

    /// Estimated cost of counting by values, and by walking `walked` documents.
    fn costs(&self, words: u64, walked: u64) -> (u64, u64) {
        let by_values = self
            .docs
            .iter()
            .map(|d| match d {
                ValueDocs::Bits(_) => words * COST_WORD,
                ValueDocs::List(l) => l.len() as u64 * COST_LIST_DOC,
            })
            .sum();
        (
            by_values,
            walked * (1 + self.values_per_doc()) * COST_WALK_VALUE,
        )
    }

    fn count_by_values(&self, hits: &DocBits) -> Vec<u64> {
        self.docs
            .iter()
            .map(|d| match d {
                ValueDocs::Bits(b) => hits.and_count(b),
                ValueDocs::List(l) => l.iter().filter(|&&x| hits.contains(x)).count() as u64,
            })
            .collect()
    }

    fn add_doc(&self, counts: &mut [u64], doc: u32) {
        let (from, to) = (
            self.starts[doc as usize] as usize,
            self.starts[doc as usize + 1] as usize,
        );
        for &id in &self.ids[from..to] {
            counts[id as usize] += 1;
        }
    }
}

/// A set of live documents whose counts are known: a superset of later hit sets to count from.
pub(crate) struct Known {
    docs: DocBits,
    size: u64,
    /// Counts per facet, in the tables' order.
    counts: Vec<Vec<u64>>,
}

impl Known {
    /// Memory held, for cache accounting.
    pub(crate) fn bytes(&self) -> usize {
        self.docs.bytes() + self.counts.iter().map(|c| c.len() * 8).sum::<usize>()
    }
}

/// All facets of one searcher.
pub(crate) struct FacetTables {
    facets: Vec<(&'static str, Facet)>,
}

impl FacetTables {
    /// Reads the facets' string columns of every segment; `bases` gives each segment's first
    /// global document number and `alive` the live documents.
    pub(crate) fn load(
        searcher: &Searcher,
        names: &[&'static str],
        bases: &[u32],
        alive: &DocBits,
        len: u32,
    ) -> tantivy::Result<Self> {
        let mut facets = Vec::with_capacity(names.len());
        for &name in names {
            let mut values: Vec<String> = Vec::new();
            let mut by_name: HashMap<String, u32> = HashMap::new();
            let mut starts = Vec::with_capacity(len as usize + 1);
            let mut ids: Vec<u32> = Vec::new();
            starts.push(0);
            for (seg, reader) in searcher.segment_readers().iter().enumerate() {
                let column = reader.fast_fields().str(name)?;
                let mut global_ids = Vec::new();
                if let Some(col) = &column {
                    let mut buf = String::new();
                    for ord in 0..col.num_terms() as u64 {
                        buf.clear();
                        col.ord_to_str(ord, &mut buf)?;
                        let next = values.len() as u32;
                        let id = *by_name.entry(buf.clone()).or_insert_with(|| {
                            values.push(buf.clone());
                            next
                        });
                        global_ids.push(id);
                    }
                }
                for doc in 0..reader.max_doc() {
                    if let Some(col) = &column
                        && alive.contains(bases[seg] + doc)
                    {
                        ids.extend(col.term_ords(doc).map(|o| global_ids[o as usize]));
                    }
                    starts.push(ids.len() as u32);
                }
            }
            facets.push((name, Facet::new(values, starts, ids, len)));
        }
        Ok(Self { facets })
    }

    pub(crate) fn get(&self, name: &str) -> Option<&Facet> {
        self.facets.iter().find(|(n, _)| *n == name).map(|(_, f)| f)
    }

    /// The counts of every facet over `docs` (live documents), kept to count later hit sets
    /// within `docs` from (see [`FacetTables::count`]).
    pub(crate) fn known(&self, docs: DocBits, alive: &DocBits, known: &[&Known]) -> Known {
        let names: Vec<&str> = self.facets.iter().map(|(n, _)| *n).collect();
        let counts = self.count_raw(&names, &docs, alive, known);
        Known {
            size: docs.count(),
            docs,
            counts,
        }
    }

    /// Counts of the facets `names` over `hits` (a subset of `alive` and of every set in
    /// `known`), as (value, count) with count > 0.
    pub(crate) fn count(
        &self,
        names: &[&str],
        hits: &DocBits,
        alive: &DocBits,
        known: &[&Known],
    ) -> Vec<Vec<(String, u64)>> {
        let facets: Vec<&Facet> = names.iter().filter_map(|n| self.get(n)).collect();
        labelled(&facets, self.count_raw(names, hits, alive, known))
    }

    /// The counts kept in `known`, of every facet in the tables' order, as [`FacetTables::count`]
    /// gives them.
    pub(crate) fn known_counts(&self, known: &Known) -> Vec<Vec<(String, u64)>> {
        let facets: Vec<&Facet> = self.facets.iter().map(|(_, f)| f).collect();
        labelled(&facets, known.counts.clone())
    }

    /// Counts per value of the facets `names` (those the tables have). Facets that are cheaper
    /// to count by walking documents share one walk: of the hits, or of the smallest known
    /// superset's documents that are not hits.
    fn count_raw(
        &self,
        names: &[&str],
        hits: &DocBits,
        alive: &DocBits,
        known: &[&Known],
    ) -> Vec<Vec<u64>> {
        let h = hits.count();
        let live = alive.count();
        // The superset with the fewest documents beside the hits; `None`: walk the hits.
        let mut base: Option<(&DocBits, Option<&Known>)> = None;
        let mut walked = h;
        if live - h < walked {
            (base, walked) = (Some((alive, None)), live - h);
        }
        for k in known {
            if k.size >= h && k.size - h < walked {
                (base, walked) = (Some((&k.docs, Some(*k))), k.size - h);
            }
        }
        let words = (alive.bytes() / 8) as u64;
        let chosen: Vec<(usize, &Facet, bool)> = names
            .iter()
            .filter_map(|n| self.facets.iter().position(|(name, _)| name == n))
            .map(|i| (i, &self.facets[i].1))
            .map(|(i, f)| {
                let (by_values, by_walk) = f.costs(words, walked);
                (i, f, by_walk < by_values)
            })
            .collect();
        let mut counts: Vec<Vec<u64>> = chosen
            .iter()
            .map(|(_, f, _)| vec![0; f.values.len()])
            .collect();
        // Popcounts of many values take milliseconds at a million documents: above a bound they
        // are split in two (greedily, largest facet first), for the other core when it is free.
        let mut by_values: Vec<(u64, usize)> = (0..chosen.len())
            .filter(|&i| !chosen[i].2)
            .map(|i| (chosen[i].1.costs(words, walked).0, i))
            .collect();
        by_values.sort_unstable_by(|a, b| b.cmp(a));
        let work: u64 = by_values.iter().map(|(c, _)| c).sum();
        if work >= PARALLEL_WORK {
            let (mut mine, mut theirs) = ((0u64, Vec::new()), (0u64, Vec::new()));
            for (cost, i) in by_values {
                let half = if mine.0 <= theirs.0 {
                    &mut mine
                } else {
                    &mut theirs
                };
                half.0 += cost;
                half.1.push(i);
            }
            let count = |part: &[usize]| -> Vec<(usize, Vec<u64>)> {
                part.iter()
                    .map(|&i| (i, chosen[i].1.count_by_values(hits)))
                    .collect()
            };
            let (a, b) = rayon::join(|| count(&mine.1), || count(&theirs.1));
            for (i, c) in a.into_iter().chain(b) {
                counts[i] = c;
            }
        } else {
            for (_, i) in by_values {
                counts[i] = chosen[i].1.count_by_values(hits);
            }
        }
        let walkers: Vec<usize> = (0..chosen.len()).filter(|&i| chosen[i].2).collect();
        if !walkers.is_empty() {
            let mut add = |doc: u32| {
                for &i in &walkers {
                    chosen[i].1.add_doc(&mut counts[i], doc);
                }
            };
            match base {
                None => hits.iter().for_each(&mut add),
                Some((superset, _)) => hits.iter_missing(superset).for_each(&mut add),
            }
            if let Some((_, known)) = base {
                for &i in &walkers {
                    let (table, facet) = (chosen[i].0, chosen[i].1);
                    let totals = known.map_or(&facet.totals, |k| &k.counts[table]);
                    for (c, t) in counts[i].iter_mut().zip(totals) {
                        *c = t - *c;
                    }
                }
            }
        }
        counts
    }
}

/// Counts per value as (value, count), leaving out values with none.
fn labelled(facets: &[&Facet], counts: Vec<Vec<u64>>) -> Vec<Vec<(String, u64)>> {
    facets
        .iter()
        .zip(counts)
        .map(|(f, c)| {
            f.values
                .iter()
                .zip(c)
                .filter(|(_, n)| *n > 0)
                .map(|(v, n)| (v.clone(), n))
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic pseudo-random sequence (no dependency for a test).
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self, below: u32) -> u32 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((self.0 >> 33) % u64::from(below)) as u32
        }
    }

    /// Two facets over the `alive` documents of `len` (deleted ones have no values, as when
    /// loaded): one value each of 5, and 0–3 of 40 (some rare).
    fn tables(len: u32, alive: &DocBits, rng: &mut Lcg) -> FacetTables {
        let facet = |values: u32, per_doc: &mut dyn FnMut() -> Vec<u32>| {
            let (mut starts, mut ids) = (vec![0u32], Vec::new());
            for d in 0..len {
                let mut mine = per_doc();
                if !alive.contains(d) {
                    mine.clear();
                }
                mine.sort_unstable();
                mine.dedup();
                ids.extend(mine);
                starts.push(ids.len() as u32);
            }
            let names = (0..values).map(|v| format!("v{v}")).collect();
            Facet::new(names, starts, ids, len)
        };
        let mut r1 = Lcg(rng.next(1000).into());
        let mut r2 = Lcg(rng.next(1000).into());
        let single = facet(5, &mut || vec![r1.next(5)]);
        let multi = facet(40, &mut || {
            let n = r2.next(4);
            (0..n).map(|_| r2.next(40).min(r2.next(40))).collect()
        });
        FacetTables {
            facets: vec![("single", single), ("multi", multi)],
        }
    }

    fn naive(t: &FacetTables, hits: &DocBits) -> Vec<Vec<u64>> {
        t.facets
            .iter()
            .map(|(_, f)| {
                let mut c = vec![0; f.values.len()];
                for d in hits.iter() {
                    f.add_doc(&mut c, d);
                }
                c
            })
            .collect()
    }

    fn random_subset(of: &DocBits, len: u32, keep_in: u32, rng: &mut Lcg) -> DocBits {
        let mut b = DocBits::empty(len);
        for d in of.iter() {
            if rng.next(keep_in) != 0 {
                b.insert(d);
            }
        }
        b
    }

    /// Counting from a known superset (walking what is not a hit and subtracting), from all
    /// live documents, from the hits, or by popcounts gives the same counts.
    #[test]
    fn counts_agree_whichever_way_they_are_taken() {
        let mut rng = Lcg(7);
        let len = 20_000;
        let mut alive = DocBits::empty(len);
        for d in 0..len {
            if rng.next(50) != 0 {
                alive.insert(d);
            }
        }
        let t = tables(len, &alive, &mut rng);
        let names = ["single", "multi"];
        // A word's documents, and hit sets inside it: nearly all of it, half, a few.
        let word = random_subset(&alive, len, 3, &mut rng);
        let known = t.known(word.clone(), &alive, &[]);
        assert_eq!(known.counts, naive(&t, &word));
        for keep_in in [1000, 2, 1] {
            let hits = if keep_in == 1 {
                DocBits::empty(len)
            } else {
                random_subset(&word, len, keep_in, &mut rng)
            };
            let want = naive(&t, &hits);
            assert_eq!(t.count_raw(&names, &hits, &alive, &[&known]), want);
            assert_eq!(t.count_raw(&names, &hits, &alive, &[]), want);
        }
        // Nearly every live document: counted from the totals.
        let most = random_subset(&alive, len, 500, &mut rng);
        assert_eq!(t.count_raw(&names, &most, &alive, &[]), naive(&t, &most));
        // One facet alone, in the order asked.
        assert_eq!(
            t.count_raw(&["multi"], &word, &alive, &[&known]),
            vec![naive(&t, &word)[1].clone()]
        );
    }
}
