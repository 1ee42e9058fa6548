//! Facet tables, built once when the reader loads, and facet counting over a hit set.
//!
//! Every facet value keeps its documents (a bitset when it is common, a sorted list when rare),
//! which makes filters free, and every document keeps its value ids, which makes counting a small
//! hit set cheap. A count takes the cheaper of two ways, estimated per facet: popcount the hit set
//! against each value's documents, or walk the hits (or, when most documents hit, the documents
//! that do not, subtracting from the precomputed totals) and add up their value ids.

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
            facets.push((
                name,
                Facet {
                    values,
                    docs,
                    totals,
                    starts,
                    ids,
                },
            ));
        }
        Ok(Self { facets })
    }

    pub(crate) fn get(&self, name: &str) -> Option<&Facet> {
        self.facets.iter().find(|(n, _)| *n == name).map(|(_, f)| f)
    }

    /// Counts of the facets `names` over `hits` (a subset of `alive`), as (value, count) with
    /// count > 0. Facets that are cheaper to count by walking documents share one walk.
    pub(crate) fn count(
        &self,
        names: &[&str],
        hits: &DocBits,
        alive: &DocBits,
    ) -> Vec<Vec<(String, u64)>> {
        let h = hits.count();
        let live = alive.count();
        let complement = h * 2 > live;
        let walked = if complement { live - h } else { h };
        let words = (alive.bytes() / 8) as u64;
        let chosen: Vec<(&Facet, bool)> = names
            .iter()
            .filter_map(|n| self.get(n))
            .map(|f| {
                let (by_values, by_walk) = f.costs(words, walked);
                (f, by_walk < by_values)
            })
            .collect();
        let mut counts: Vec<Vec<u64>> = chosen
            .iter()
            .map(|(f, _)| vec![0; f.values.len()])
            .collect();
        // Popcounts of many values take milliseconds at a million documents: above a bound they
        // are split in two (greedily, largest facet first), for the other core when it is free.
        let mut by_values: Vec<(u64, usize)> = (0..chosen.len())
            .filter(|&i| !chosen[i].1)
            .map(|i| (chosen[i].0.costs(words, walked).0, i))
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
                    .map(|&i| (i, chosen[i].0.count_by_values(hits)))
                    .collect()
            };
            let (a, b) = rayon::join(|| count(&mine.1), || count(&theirs.1));
            for (i, c) in a.into_iter().chain(b) {
                counts[i] = c;
            }
        } else {
            for (_, i) in by_values {
                counts[i] = chosen[i].0.count_by_values(hits);
            }
        }
        let walkers: Vec<usize> = (0..chosen.len()).filter(|&i| chosen[i].1).collect();
        if !walkers.is_empty() {
            let mut add = |doc: u32| {
                for &i in &walkers {
                    chosen[i].0.add_doc(&mut counts[i], doc);
                }
            };
            if complement {
                hits.iter_missing(alive).for_each(&mut add);
            } else {
                hits.iter().for_each(&mut add);
            }
            if complement {
                for &i in &walkers {
                    for (c, t) in counts[i].iter_mut().zip(&chosen[i].0.totals) {
                        *c = t - *c;
                    }
                }
            }
        }
        chosen
            .iter()
            .zip(counts)
            .map(|((f, _), c)| {
                f.values
                    .iter()
                    .zip(c)
                    .filter(|(_, n)| *n > 0)
                    .map(|(v, n)| (v.clone(), n))
                    .collect()
            })
            .collect()
    }
}
