//! Dense bitsets over the searcher's documents (all segments laid end to end). Hit sets, term
//! postings and facet values are combined as bitsets: at a million projects one set is 125 KB,
//! and AND/OR/popcount over it take microseconds, where merging posting lists scales with hits.

/// A set of global document numbers in `0..len`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DocBits {
    words: Vec<u64>,
    len: u32,
}

impl DocBits {
    pub(crate) fn empty(len: u32) -> Self {
        Self {
            words: vec![0; (len as usize).div_ceil(64)],
            len,
        }
    }

    pub(crate) fn insert(&mut self, doc: u32) {
        self.words[(doc / 64) as usize] |= 1 << (doc % 64);
    }

    pub(crate) fn contains(&self, doc: u32) -> bool {
        self.words
            .get((doc / 64) as usize)
            .is_some_and(|w| w & (1 << (doc % 64)) != 0)
    }

    pub(crate) fn count(&self) -> u64 {
        self.words.iter().map(|w| u64::from(w.count_ones())).sum()
    }

    pub(crate) fn and_with(&mut self, other: &DocBits) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= b;
        }
    }

    pub(crate) fn or_with(&mut self, other: &DocBits) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= b;
        }
    }

    pub(crate) fn and_not_with(&mut self, other: &DocBits) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= !b;
        }
    }

    /// The documents in exactly k of `sets`, for k from `sets.len()` down to 1, each tier with
    /// its k. Counts are kept bit-sliced (one bitset per binary digit), so the work is a few
    /// word operations per set and word rather than per document.
    pub(crate) fn by_coverage(sets: &[&DocBits], len: u32) -> Vec<(usize, DocBits)> {
        let digits = (usize::BITS - sets.len().leading_zeros()) as usize;
        let mut planes = vec![DocBits::empty(len); digits];
        for set in sets {
            for (i, &w) in set.words.iter().enumerate() {
                let mut carry = w;
                for plane in planes.iter_mut() {
                    if carry == 0 {
                        break;
                    }
                    let sum = plane.words[i] ^ carry;
                    carry &= plane.words[i];
                    plane.words[i] = sum;
                }
            }
        }
        (1..=sets.len())
            .rev()
            .map(|k| {
                let mut tier = DocBits::empty(len);
                for (i, w) in tier.words.iter_mut().enumerate() {
                    *w = planes.iter().enumerate().fold(!0u64, |acc, (d, plane)| {
                        let p = plane.words[i];
                        acc & if k >> d & 1 == 1 { p } else { !p }
                    });
                }
                (k, tier)
            })
            .collect()
    }

    /// |self ∩ other| without building the intersection.
    pub(crate) fn and_count(&self, other: &DocBits) -> u64 {
        self.words
            .iter()
            .zip(&other.words)
            .map(|(a, b)| u64::from((a & b).count_ones()))
            .sum()
    }

    /// The members, ascending.
    pub(crate) fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        ones(self.words.iter().copied())
    }

    /// The members of `within` that are not in `self`, ascending.
    pub(crate) fn iter_missing<'a>(
        &'a self,
        within: &'a DocBits,
    ) -> impl Iterator<Item = u32> + 'a {
        ones(within.words.iter().zip(&self.words).map(|(w, s)| w & !s))
    }

    /// The set as 64-bit words: document d is bit d % 64 of word d / 64.
    pub(crate) fn words(&self) -> &[u64] {
        &self.words
    }

    /// Memory held, for cache accounting.
    pub(crate) fn bytes(&self) -> usize {
        self.words.len() * 8
    }
}

fn ones(words: impl Iterator<Item = u64>) -> impl Iterator<Item = u32> {
    words.enumerate().flat_map(|(i, mut w)| {
        let base = (i as u32) * 64;
        std::iter::from_fn(move || {
            (w != 0).then(|| {
                let bit = w.trailing_zeros();
                w &= w - 1;
                base + bit
            })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_operations() {
        let mut a = DocBits::empty(200);
        let mut b = DocBits::empty(200);
        for d in [0, 5, 64, 130, 199] {
            a.insert(d);
        }
        for d in [5, 130, 150] {
            b.insert(d);
        }
        assert_eq!(a.count(), 5);
        assert_eq!(a.and_count(&b), 2);
        assert_eq!(b.iter_missing(&a).collect::<Vec<_>>(), [0, 64, 199]);
        let mut c = a.clone();
        c.and_with(&b);
        assert_eq!(c.iter().collect::<Vec<_>>(), [5, 130]);
        c.or_with(&b);
        assert_eq!(c.iter().collect::<Vec<_>>(), [5, 130, 150]);
        a.and_not_with(&b);
        assert_eq!(a.iter().collect::<Vec<_>>(), [0, 64, 199]);
        assert!(a.contains(199) && !a.contains(5) && !a.contains(1000));
    }

    #[test]
    fn coverage_tiers_count_the_sets_each_document_is_in() {
        // Five sets over 300 documents: document d is in set s when (d * (s + 3)) % 7 < 4.
        let len = 300;
        let sets: Vec<DocBits> = (0..5)
            .map(|s| {
                let mut b = DocBits::empty(len);
                for d in 0..len {
                    if (d * (s + 3)) % 7 < 4 {
                        b.insert(d);
                    }
                }
                b
            })
            .collect();
        let refs: Vec<&DocBits> = sets.iter().collect();
        let tiers = DocBits::by_coverage(&refs, len);
        assert_eq!(
            tiers.iter().map(|t| t.0).collect::<Vec<_>>(),
            [5, 4, 3, 2, 1]
        );
        for d in 0..len {
            let k = sets.iter().filter(|s| s.contains(d)).count();
            let holding: Vec<usize> = tiers
                .iter()
                .filter(|(_, t)| t.contains(d))
                .map(|t| t.0)
                .collect();
            let expected = if k == 0 { vec![] } else { vec![k] };
            assert_eq!(holding, expected, "document {d}");
        }
    }
}
