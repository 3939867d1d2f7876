//! Posting lists of document ordinals and their intersection. A list is kept either as a sorted
//! `u32` slice or, once it covers more than 1/32 of the directory, as a bitset: the bitset is then
//! smaller, and probing it during intersection is a single bit test.

use std::ops::Range;

/// Ordinals of the documents that contain one gram or carry one code, in result order.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(super) enum Posting {
    Sparse(Box<[u32]>),
    Dense { bits: Box<[u64]>, count: u32 },
}

impl Posting {
    pub(super) fn len(&self) -> usize {
        match self {
            Posting::Sparse(ords) => ords.len(),
            Posting::Dense { count, .. } => *count as usize,
        }
    }

    /// How many of this list's ordinals are set in `bits`.
    pub(super) fn count_in(&self, bits: &[u64]) -> usize {
        match self {
            Posting::Sparse(ords) => ords.iter().filter(|&&o| bit_is_set(bits, o)).count(),
            Posting::Dense { bits: own, .. } => {
                own.iter().zip(bits).map(|(a, b)| (a & b).count_ones() as usize).sum()
            }
        }
    }

    /// Rough cost of `count_in`, in words or entries touched.
    pub(super) fn scan_cost(&self) -> usize {
        match self {
            Posting::Sparse(ords) => ords.len(),
            Posting::Dense { bits, .. } => bits.len(),
        }
    }

    pub(super) fn heap_bytes(&self) -> usize {
        match self {
            Posting::Sparse(ords) => ords.len() * 4,
            Posting::Dense { bits, .. } => bits.len() * 8,
        }
    }
}

/// Collects ordinals in ascending order; the representation is chosen up front from the known
/// final count so building never holds more than the finished list.
pub(super) enum PostingBuilder {
    Sparse(Vec<u32>),
    Dense { bits: Vec<u64>, count: u32 },
}

impl PostingBuilder {
    pub(super) fn with_expected(count: u32, universe: u32) -> Self {
        if count > universe / 32 {
            Self::dense(universe)
        } else {
            PostingBuilder::Sparse(Vec::with_capacity(count as usize))
        }
    }

    /// A bitset whatever the count turns out to be.
    pub(super) fn dense(universe: u32) -> Self {
        PostingBuilder::Dense { bits: vec![0; universe.div_ceil(64) as usize], count: 0 }
    }

    /// Ordinals arrive in ascending order; repeats of the latest one are ignored.
    pub(super) fn push(&mut self, ord: u32) {
        match self {
            PostingBuilder::Sparse(ords) => {
                if ords.last() != Some(&ord) {
                    ords.push(ord);
                }
            }
            PostingBuilder::Dense { bits, count } => {
                if let Some(word) = bits.get_mut((ord / 64) as usize) {
                    let bit = 1 << (ord % 64);
                    if *word & bit == 0 {
                        *word |= bit;
                        *count += 1;
                    }
                }
            }
        }
    }

    pub(super) fn finish(self) -> Posting {
        match self {
            PostingBuilder::Sparse(ords) => Posting::Sparse(ords.into_boxed_slice()),
            PostingBuilder::Dense { bits, count } => Posting::Dense { bits: bits.into_boxed_slice(), count },
        }
    }
}

/// Ordinals in `range` that are in every list and pass `accept`, ascending, stopping after
/// `limit` of them. With no lists the range itself is the candidate set. Cost follows the shortest
/// list (or the range) and stops early when only a page is wanted, never the size of the directory.
pub(super) fn intersect(
    lists: &mut [&Posting],
    range: Range<u32>,
    limit: usize,
    accept: &mut dyn FnMut(u32) -> bool,
) -> Vec<u32> {
    lists.sort_by_key(|p| p.len());
    let mut out = Vec::new();
    match lists.split_first() {
        None => {
            out.extend(range.filter(|&o| accept(o)).take(limit));
        }
        Some((Posting::Sparse(ords), rest)) => {
            intersect_from_sparse(ords, rest, range, limit, accept, &mut out)
        }
        // The shortest list is dense, so all are: AND them a word at a time.
        Some((Posting::Dense { bits, .. }, rest)) => {
            intersect_dense(bits, rest, range, limit, accept, &mut out)
        }
    }
    out
}

fn intersect_from_sparse(
    driver: &[u32],
    rest: &[&Posting],
    range: Range<u32>,
    limit: usize,
    accept: &mut dyn FnMut(u32) -> bool,
    out: &mut Vec<u32>,
) {
    let lo = driver.partition_point(|&o| o < range.start);
    let hi = driver.partition_point(|&o| o < range.end);
    let mut cursors = vec![0usize; rest.len()];
    'candidates: for &ord in &driver[lo..hi] {
        if out.len() >= limit {
            return;
        }
        for (list, cursor) in rest.iter().zip(cursors.iter_mut()) {
            let found = match list {
                Posting::Dense { bits, .. } => bit_is_set(bits, ord),
                Posting::Sparse(ords) => gallop_to(ords, cursor, ord),
            };
            if !found {
                continue 'candidates;
            }
        }
        if accept(ord) {
            out.push(ord);
        }
    }
}

fn intersect_dense(
    first: &[u64],
    rest: &[&Posting],
    range: Range<u32>,
    limit: usize,
    accept: &mut dyn FnMut(u32) -> bool,
    out: &mut Vec<u32>,
) {
    if range.start >= range.end {
        return;
    }
    let first_word = (range.start / 64) as usize;
    let last_word = ((range.end - 1) / 64) as usize;
    for w in first_word..=last_word {
        let Some(mut word) = first.get(w).copied() else { break };
        for list in rest {
            if let Posting::Dense { bits, .. } = list {
                word &= bits.get(w).copied().unwrap_or(0);
            }
        }
        while word != 0 {
            if out.len() >= limit {
                return;
            }
            let ord = (w as u32) * 64 + word.trailing_zeros();
            word &= word - 1;
            // Sorting by length puts sparse lists first, so none follow a dense driver; checking
            // keeps the result right even if that invariant is ever broken.
            let in_sparse = rest.iter().all(|list| match list {
                Posting::Sparse(ords) => ords.binary_search(&ord).is_ok(),
                Posting::Dense { .. } => true,
            });
            if range.contains(&ord) && in_sparse && accept(ord) {
                out.push(ord);
            }
        }
    }
}

/// Ordinals as a bitset over `universe`, for counting against many lists at once.
pub(super) fn to_bits(ords: &[u32], universe: u32) -> Vec<u64> {
    let mut bits = vec![0u64; universe.div_ceil(64) as usize];
    for &o in ords {
        if let Some(w) = bits.get_mut((o / 64) as usize) {
            *w |= 1 << (o % 64);
        }
    }
    bits
}

fn bit_is_set(bits: &[u64], ord: u32) -> bool {
    bits.get((ord / 64) as usize).is_some_and(|w| w & (1 << (ord % 64)) != 0)
}

/// Advances `cursor` to the first element >= `target` by exponential then binary search, so a
/// short driver skips through a long list in logarithmic steps.
fn gallop_to(ords: &[u32], cursor: &mut usize, target: u32) -> bool {
    let tail = &ords[(*cursor).min(ords.len())..];
    let mut step = 1;
    while step < tail.len() && tail[step] < target {
        step *= 2;
    }
    let window = &tail[..(step + 1).min(tail.len())];
    let offset = window.partition_point(|&o| o < target);
    *cursor += offset;
    ords.get(*cursor) == Some(&target)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(ords: &[u32], universe: u32, force_dense: bool) -> Posting {
        let expected = if force_dense { universe } else { 0 };
        let mut b = PostingBuilder::with_expected(expected, universe);
        for &o in ords {
            b.push(o);
        }
        b.finish()
    }

    #[test]
    fn intersection_agrees_across_representations() {
        let universe = 1000;
        let a: Vec<u32> = (0..universe).filter(|o| o % 3 == 0).collect();
        let b: Vec<u32> = (0..universe).filter(|o| o % 5 == 0).collect();
        let c: Vec<u32> = (0..universe).filter(|o| o % 7 == 0).collect();
        let expected: Vec<u32> = (100..900).filter(|o| o % 105 == 0).collect();
        for mask in 0..8u32 {
            let pa = build(&a, universe, mask & 1 != 0);
            let pb = build(&b, universe, mask & 2 != 0);
            let pc = build(&c, universe, mask & 4 != 0);
            let mut lists = vec![&pa, &pb, &pc];
            assert_eq!(intersect(&mut lists, 100..900, usize::MAX, &mut |_| true), expected, "mask {mask}");
            let odd: Vec<u32> = expected.iter().copied().filter(|o| o % 2 == 1).take(2).collect();
            assert_eq!(intersect(&mut lists, 100..900, 2, &mut |o| o % 2 == 1), odd, "mask {mask}, limited");
        }
    }

    #[test]
    fn no_lists_means_the_range() {
        let got = intersect(&mut [], 10..20, 3, &mut |o| o != 11);
        assert_eq!(got, [10, 12, 13]);
    }

    #[test]
    fn gallop_finds_and_misses() {
        let ords = [1, 4, 9, 16, 25, 36, 49, 64, 81, 100];
        let mut cursor = 0;
        assert!(gallop_to(&ords, &mut cursor, 16));
        assert!(!gallop_to(&ords, &mut cursor, 50));
        assert!(gallop_to(&ords, &mut cursor, 100));
        assert!(!gallop_to(&ords, &mut cursor, 101));
    }
}
