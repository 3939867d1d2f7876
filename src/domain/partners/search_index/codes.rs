//! Interned code dimensions (country, region, language, service): per-code postings for filters
//! and per-document code lists for facet counting.

use std::collections::HashMap;

use super::postings::{Posting, PostingBuilder};

/// One filterable code dimension (country, region, language, service) with interned codes.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(super) struct CodeField {
    /// Display form of each code id: its most common spelling (ties to the smallest), so one
    /// mistyped record cannot change how a facet is shown, and input order never matters.
    labels: Vec<String>,
    /// ASCII-lowercased code to id, which is what makes filters case-insensitive.
    ids: HashMap<String, u32>,
    postings: Vec<Posting>,
    /// The codes of document `i` are `values[starts[i]..starts[i + 1]]`.
    starts: Vec<u32>,
    values: Vec<u32>,
}

impl CodeField {
    pub(super) fn build<'d>(per_doc: impl Iterator<Item = &'d [String]>, universe: u32) -> Self {
        let mut field = CodeField { starts: vec![0], ..CodeField::default() };
        let mut spellings: Vec<HashMap<&str, u32>> = Vec::new();
        for codes in per_doc {
            let first = field.values.len();
            for code in codes.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
                let next_id = spellings.len() as u32;
                let id = *field.ids.entry(code.to_ascii_lowercase()).or_insert(next_id);
                if id == next_id {
                    spellings.push(HashMap::new());
                }
                // Repeats within one document would double-count facets and break posting order.
                if !field.values[first..].contains(&id) {
                    field.values.push(id);
                    *spellings[id as usize].entry(code).or_insert(0) += 1;
                }
            }
            field.starts.push(field.values.len() as u32);
        }
        field.labels = spellings
            .iter()
            .map(|seen| {
                let best = seen.iter().max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)));
                best.map(|(s, _)| (*s).to_owned()).unwrap_or_default()
            })
            .collect();
        let mut counts = vec![0u32; field.labels.len()];
        for &id in &field.values {
            counts[id as usize] += 1;
        }
        let mut builders: Vec<PostingBuilder> =
            counts.iter().map(|&c| PostingBuilder::with_expected(c, universe)).collect();
        for ord in 0..field.starts.len().saturating_sub(1) {
            for &id in field.codes_of(ord) {
                builders[id as usize].push(ord as u32);
            }
        }
        field.postings = builders.into_iter().map(PostingBuilder::finish).collect();
        field
    }

    /// `None` when no published document carries the code.
    pub(super) fn posting(&self, code: &str) -> Option<&Posting> {
        let id = self.ids.get(&code.trim().to_ascii_lowercase())?;
        self.postings.get(*id as usize)
    }

    pub(super) fn codes_of(&self, ord: usize) -> &[u32] {
        match (self.starts.get(ord), self.starts.get(ord + 1)) {
            (Some(&s), Some(&e)) => &self.values[s as usize..e as usize],
            _ => &[],
        }
    }

    /// Counts per code over `matched`. With `bits` (the same set as a bitset) each code's posting
    /// is counted against it instead, which is cheaper once the match set is a sizeable share of
    /// the directory: the cost then follows the number of codes, not the number of matches.
    pub(super) fn facet(&self, matched: &[u32], bits: Option<&[u64]>) -> Vec<(String, usize)> {
        let counts: Vec<usize> = match bits {
            Some(bits) => self.postings.iter().map(|p| p.count_in(bits)).collect(),
            None => {
                let mut counts = vec![0usize; self.labels.len()];
                for &ord in matched {
                    for &id in self.codes_of(ord as usize) {
                        counts[id as usize] += 1;
                    }
                }
                counts
            }
        };
        sorted_facet(self.labels.iter().cloned().zip(counts))
    }

    /// Work `facet` does per call when counting against a bitset.
    pub(super) fn bitset_facet_cost(&self) -> usize {
        self.postings.iter().map(Posting::scan_cost).sum()
    }

    pub(super) fn facet_all(&self) -> Vec<(String, usize)> {
        sorted_facet(self.labels.iter().cloned().zip(self.postings.iter().map(Posting::len)))
    }

    pub(super) fn heap_bytes(&self) -> usize {
        let labels: usize = self.labels.iter().map(|l| l.capacity() + size_of::<String>()).sum();
        let ids: usize = self.ids.keys().map(|k| k.capacity() + size_of::<(String, u32)>() + 8).sum();
        let postings: usize = self.postings.iter().map(|p| p.heap_bytes() + size_of::<Posting>()).sum();
        labels + ids + postings + (self.starts.capacity() + self.values.capacity()) * 4
    }
}

pub(super) fn sorted_facet<K: Ord>(entries: impl Iterator<Item = (K, usize)>) -> Vec<(K, usize)> {
    let mut out: Vec<(K, usize)> = entries.filter(|(_, n)| *n > 0).collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}
