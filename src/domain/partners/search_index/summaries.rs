//! Totals and facet counts of recent queries. Counting facets touches the whole match set, which on
//! a large directory is most of the work of a broad query (the default listing matches about half
//! of it); the page of results only needs the first matches. So a query's summary is kept, for the
//! day it was computed on, and repeats of the query (other pages, other visitors) only fetch their
//! page. The cache lives inside one index, so a reload of the directory starts it empty.
//!
//! Two generations bound it: entries go into the young map; when that is full it becomes the old
//! map (dropping the previous old one), and a hit in the old map moves the entry back. Memory stays
//! under `2 × capacity` entries, and queries asked again survive a turnover.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;

use super::model::{Facets, SearchQuery, Tier};

/// Entries per generation. A summary is about a hundred short facet entries (a few KiB), so the
/// cache holds at most a few MiB.
const GENERATION_CAPACITY: usize = 512;

/// Everything a query's match set depends on: its normalised terms and codes, and the day (flex
/// eligibility moves with it). The page and page size are not part of it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct SummaryKey {
    terms: Vec<String>,
    codes: [Option<String>; 4],
    tier: Option<Tier>,
    flex_only: bool,
    day: NaiveDate,
}

impl SummaryKey {
    pub(super) fn of(q: &SearchQuery, terms: &[String], day: NaiveDate) -> Self {
        let code = |c: &Option<String>| {
            c.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(str::to_ascii_lowercase)
        };
        let mut terms = terms.to_vec();
        terms.sort_unstable();
        SummaryKey {
            terms,
            codes: [code(&q.country), code(&q.region), code(&q.language), code(&q.service)],
            tier: q.tier,
            flex_only: q.flex_only,
            day,
        }
    }
}

#[derive(Debug)]
pub(super) struct Summary {
    pub(super) total: usize,
    pub(super) facets: Arc<Facets>,
}

#[derive(Default)]
pub(super) struct SummaryCache {
    generations: Mutex<Generations>,
}

#[derive(Default)]
struct Generations {
    young: HashMap<SummaryKey, Arc<Summary>>,
    old: HashMap<SummaryKey, Arc<Summary>>,
}

impl Generations {
    fn insert(&mut self, key: SummaryKey, summary: Arc<Summary>) {
        if self.young.len() >= GENERATION_CAPACITY {
            self.old = std::mem::take(&mut self.young);
        }
        self.young.insert(key, summary);
    }
}

impl SummaryCache {
    pub(super) fn get(&self, key: &SummaryKey) -> Option<Arc<Summary>> {
        let mut g = self.generations.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(hit) = g.young.get(key) {
            return Some(hit.clone());
        }
        let (key, hit) = g.old.remove_entry(key)?;
        g.insert(key, hit.clone());
        Some(hit)
    }

    pub(super) fn insert(&self, key: SummaryKey, summary: Arc<Summary>) {
        self.generations.lock().unwrap_or_else(|p| p.into_inner()).insert(key, summary);
    }

    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        let g = self.generations.lock().unwrap_or_else(|p| p.into_inner());
        g.young.len() + g.old.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: usize) -> SummaryKey {
        let q = SearchQuery { text: Some(format!("t{n}")), ..SearchQuery::default() };
        SummaryKey::of(&q, &[format!("t{n}")], NaiveDate::MIN)
    }

    fn summary(total: usize) -> Arc<Summary> {
        Arc::new(Summary { total, facets: Arc::default() })
    }

    #[test]
    fn stays_bounded_and_keeps_what_is_asked_again() {
        let cache = SummaryCache::default();
        cache.insert(key(0), summary(0));
        for n in 1..(GENERATION_CAPACITY * 5) {
            cache.insert(key(n), summary(n));
            // Key 0 is asked for all the time, so it must never fall out.
            assert_eq!(cache.get(&key(0)).map(|s| s.total), Some(0), "after {n} inserts");
            assert!(cache.len() <= 2 * GENERATION_CAPACITY);
        }
        assert!(cache.get(&key(1)).is_none(), "a key never asked again is dropped in time");
    }

    #[test]
    fn the_day_and_the_codes_case_are_part_of_the_key() {
        let q = SearchQuery { region: Some(" JP-13 ".into()), ..SearchQuery::default() };
        let lower = SearchQuery { region: Some("jp-13".into()), ..SearchQuery::default() };
        let day = NaiveDate::MIN;
        assert_eq!(SummaryKey::of(&q, &[], day), SummaryKey::of(&lower, &[], day));
        assert_ne!(SummaryKey::of(&q, &[], day), SummaryKey::of(&q, &[], day.succ_opt().unwrap_or(day)));
        let a = SummaryKey::of(&q, &["b".into(), "a".into()], day);
        assert_eq!(a, SummaryKey::of(&q, &["a".into(), "b".into()], day), "term order does not matter");
    }
}
