//! Totals and facet counts of recent queries. Counting facets touches the whole match set, which on
//! a large directory is most of the work of a broad query (the default listing matches about half
//! of it); the page of results only needs the first matches. So a query's summary is kept, for the
//! day it was computed on, and repeats of the query (other pages, other visitors) only fetch their
//! page. The cache lives inside one index, so a reload of the directory starts it empty.

use std::sync::Arc;

use chrono::NaiveDate;

use super::model::{Facets, SearchQuery, Tier};
use crate::cache::BoundedCache;

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

/// Recent queries' summaries, bounded (see [`BoundedCache`]).
pub(super) type SummaryCache = BoundedCache<SummaryKey, Arc<Summary>>;

pub(super) fn summary_cache() -> SummaryCache {
    BoundedCache::new(GENERATION_CAPACITY)
}

#[cfg(test)]
mod tests {
    use super::*;

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
