//! The in-memory read model behind the public partner search: published partners in result order,
//! gram postings for free text, code postings for filters, and facets. The public types and the
//! flex-eligibility rule live in `model` and are re-exported here.
//!
//! Documents are sorted once at build, so an ordinal is also a result position: every posting is
//! already in result order, a tier is a contiguous ordinal range, and a page is a skip/take.

mod codes;
mod model;
mod postings;
pub mod search_text;
mod shown;
mod snapshot;
mod store;
mod summaries;
#[cfg(test)]
mod tests;

use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use chrono::NaiveDate;

use super::flex::is_flex_eligible;
use codes::{CodeField, sorted_facet};
pub use model::{
    DEFAULT_PER_PAGE, Facets, MAX_PER_PAGE, PartnerDoc, SearchQuery, SearchResult, Tier, UnknownTier,
};
use postings::{Posting, PostingBuilder, intersect, to_bits};
use search_text::{GramMap, for_each_gram, posting_is_exact, query_terms, term_keys};
pub use search_text::{MAX_QUERY_CHARS, MAX_QUERY_TERMS, normalize};
pub use snapshot::SnapshotError;
use store::DocStore;
pub use store::{Hit, UnreadableDocument};
use summaries::{Summary, SummaryCache, SummaryKey, summary_cache};

pub struct SearchIndex {
    /// Published documents in result order, packed; a document's position is its ordinal.
    store: DocStore,
    /// Sorted gram keys and their postings, side by side.
    gram_keys: Vec<u64>,
    gram_postings: Vec<Posting>,
    /// Ordinals sorted by slug, for lookups without a second copy of every slug.
    slug_order: Vec<u32>,
    /// Tier `t` occupies ordinals `tier_starts[t]..tier_starts[t + 1]`.
    tier_starts: [u32; 5],
    country: CodeField,
    region: CodeField,
    language: CodeField,
    service: CodeField,
    /// The landing page (no query, no filter) is the most common request; its facets never change.
    unfiltered_facets: Arc<Facets>,
    /// Flex eligibility depends on the day; the set for the day last asked about.
    eligible: RwLock<Option<(NaiveDate, Arc<Posting>)>>,
    summaries: SummaryCache,
    /// Distinguishes this index from every other built in the process, so that anything derived
    /// from it elsewhere (rendered pages) can tell when the directory changed.
    generation: u64,
}

static NEXT_GENERATION: AtomicU64 = AtomicU64::new(0);

impl SearchIndex {
    /// Unpublished documents are dropped here, so nothing downstream can leak them.
    pub fn build(docs: Vec<PartnerDoc>) -> Self {
        let mut docs: Vec<PartnerDoc> = docs.into_iter().filter(|d| d.published).collect();
        // Ordinals are u32 to halve posting memory; four billion partners is not a real concern.
        docs.truncate(u32::MAX as usize);
        docs.sort_by_cached_key(|d| (d.tier, d.name_en.to_lowercase(), d.slug.clone(), d.id));
        let store = DocStore::build(&docs);
        docs.truncate(store.len());
        let universe = docs.len() as u32;

        let mut tier_starts = [universe; 5];
        for (i, t) in Tier::ALL.into_iter().enumerate() {
            tier_starts[i] = docs.partition_point(|d| d.tier < t) as u32;
        }

        let mut slug_order: Vec<u32> = (0..universe).collect();
        slug_order.sort_by(|&a, &b| docs[a as usize].slug.cmp(&docs[b as usize].slug).then(a.cmp(&b)));

        let country = CodeField::build(docs.iter().map(|d| std::slice::from_ref(&d.country)), universe);
        let region = CodeField::build(docs.iter().map(|d| d.regions.as_slice()), universe);
        let language = CodeField::build(docs.iter().map(|d| d.languages.as_slice()), universe);
        let service = CodeField::build(docs.iter().map(|d| d.services.as_slice()), universe);

        drop(docs);
        let mut index = SearchIndex::assemble(Parts {
            store,
            gram_keys: Vec::new(),
            gram_postings: Vec::new(),
            slug_order,
            tier_starts,
            country,
            region,
            language,
            service,
            unfiltered_facets: Facets::default(),
        });
        index.build_gram_postings();
        index.unfiltered_facets = Arc::new(Facets {
            tier: sorted_facet(Tier::ALL.into_iter().map(|t| (t, index.tier_range(t).len()))),
            language: index.language.facet_all(),
            region: index.region.facet_all(),
            service: index.service.facet_all(),
        });
        index
    }

    /// An index from its built parts, with empty caches and a new generation.
    fn assemble(parts: Parts) -> Self {
        SearchIndex {
            store: parts.store,
            gram_keys: parts.gram_keys,
            gram_postings: parts.gram_postings,
            slug_order: parts.slug_order,
            tier_starts: parts.tier_starts,
            country: parts.country,
            region: parts.region,
            language: parts.language,
            service: parts.service,
            unfiltered_facets: Arc::new(parts.unfiltered_facets),
            eligible: RwLock::new(None),
            summaries: summary_cache(),
            generation: NEXT_GENERATION.fetch_add(1, Ordering::Relaxed),
        }
    }

    /// Two passes over the text: the first counts the documents holding each gram, so every
    /// posting is allocated once at its final size and representation, keeping peak build memory
    /// close to the finished index.
    fn build_gram_postings(&mut self) {
        let universe = self.len() as u32;
        // Per gram: documents seen so far, and the last one counted (plus one, so 0 means none).
        let mut seen: GramMap<(u32, u32)> = GramMap::default();
        for ord in 0..universe {
            for_each_gram(self.store.text(ord).unwrap_or_default(), |g| {
                let (count, last) = seen.entry(g).or_insert((0, 0));
                if *last != ord + 1 {
                    (*count, *last) = (*count + 1, ord + 1);
                }
            });
        }
        let mut keys: Vec<(u64, u32)> = seen.iter().map(|(&k, &(n, _))| (k, n)).collect();
        keys.sort_unstable();
        let mut slots: GramMap<u32> = GramMap::default();
        slots.reserve(keys.len());
        let mut builders = Vec::with_capacity(keys.len());
        for (slot, &(key, count)) in keys.iter().enumerate() {
            slots.insert(key, slot as u32);
            builders.push(PostingBuilder::with_expected(count, universe));
        }
        drop(seen);
        for ord in 0..universe {
            for_each_gram(self.store.text(ord).unwrap_or_default(), |g| {
                if let Some(b) = slots.get(&g).and_then(|&slot| builders.get_mut(slot as usize)) {
                    b.push(ord);
                }
            });
        }
        self.gram_keys = keys.into_iter().map(|(k, _)| k).collect();
        self.gram_postings = builders.into_iter().map(PostingBuilder::finish).collect();
    }

    pub fn search(&self, q: &SearchQuery, today: NaiveDate) -> SearchResult<'_> {
        let per_page = q.per_page.clamp(1, MAX_PER_PAGE);
        let page = q.page.max(1);
        let skip = (page as usize - 1).saturating_mul(per_page as usize);
        let page_end = skip.saturating_add(per_page as usize);
        let Some(plan) = self.plan(q, today) else {
            let end = page_end.min(self.len()) as u32;
            let items = (skip.min(end as usize) as u32..end).filter_map(|o| self.store.hit(o)).collect();
            let facets = self.unfiltered_facets.clone();
            return SearchResult { items, total: self.len(), page, per_page, facets };
        };
        let key = SummaryKey::of(q, &plan.terms, today);
        let (ords, summary) = match self.summaries.get(&key) {
            // The summary is known: only the matches up to the end of this page are needed.
            Some(summary) => (self.run(&plan, page_end), summary),
            None => {
                let ords = self.run(&plan, usize::MAX);
                let summary =
                    Arc::new(Summary { total: ords.len(), facets: Arc::new(self.facets_of(&ords)) });
                self.summaries.insert(key, summary.clone());
                (ords, summary)
            }
        };
        let items = ords.iter().skip(skip).take(per_page as usize).filter_map(|&o| self.store.hit(o));
        SearchResult {
            items: items.collect(),
            total: summary.total,
            page,
            per_page,
            facets: summary.facets.clone(),
        }
    }

    /// What a query asks for, resolved against the index: the postings that must all hold, the
    /// ordinal range (tier), and the terms whose postings only suggest a match. `None` when the
    /// query constrains nothing.
    fn plan(&self, q: &SearchQuery, today: NaiveDate) -> Option<Plan<'_>> {
        let mut range = 0..self.len() as u32;
        if let Some(tier) = q.tier {
            range = overlap(range, self.tier_range(tier));
        }
        let terms = q.text.as_deref().map(query_terms).unwrap_or_default();
        let mut plan = Plan { lists: Vec::new(), eligible: None, range, terms, matches_nothing: false };
        if q.flex_only {
            // Only platinum and gold can be eligible, and they are the leading ordinals.
            plan.range = overlap(plan.range, 0..self.tier_starts[Tier::Silver.rank()]);
            plan.eligible = Some(self.eligible_on(today));
        }
        let filters = [
            (&self.country, &q.country),
            (&self.region, &q.region),
            (&self.language, &q.language),
            (&self.service, &q.service),
        ];
        for (field, value) in filters {
            if let Some(code) = value.as_deref().filter(|c| !c.trim().is_empty()) {
                match field.posting(code) {
                    Some(posting) => plan.lists.push(posting),
                    None => plan.matches_nothing = true,
                }
            }
        }
        let mut keys = Vec::new();
        for term in &plan.terms {
            term_keys(term, &mut keys);
        }
        keys.sort_unstable();
        keys.dedup();
        for key in keys {
            match self.gram_keys.binary_search(&key) {
                Ok(i) => plan.lists.extend(self.gram_postings.get(i)),
                Err(_) => plan.matches_nothing = true,
            }
        }
        let constrained = !plan.lists.is_empty() || plan.eligible.is_some() || plan.matches_nothing;
        (constrained || plan.range.len() != self.len()).then_some(plan)
    }

    /// The plan's matching ordinals in result order, at most `limit` of them.
    fn run(&self, plan: &Plan<'_>, limit: usize) -> Vec<u32> {
        if plan.matches_nothing {
            return Vec::new();
        }
        let mut lists = plan.lists.clone();
        lists.extend(plan.eligible.as_deref());
        let unproven: Vec<memchr::memmem::Finder<'_>> = plan
            .terms
            .iter()
            .filter(|t| !posting_is_exact(t))
            .map(|t| memchr::memmem::Finder::new(t.as_bytes()))
            .collect();
        let mut verified = |ord: u32| {
            let text = self.store.text_bytes(ord);
            unproven.iter().all(|t| t.find(text).is_some())
        };
        intersect(&mut lists, plan.range.clone(), limit, &mut verified)
    }

    /// The Flex-eligible ordinals on `day`, worked out once per day and index.
    fn eligible_on(&self, day: NaiveDate) -> Arc<Posting> {
        if let Some((cached_day, posting)) = &*self.eligible.read().unwrap_or_else(|p| p.into_inner())
            && *cached_day == day
        {
            return posting.clone();
        }
        let mut builder = PostingBuilder::dense(self.len() as u32);
        let candidates = self.tier_starts[Tier::Silver.rank()] as usize;
        for (ord, record) in self.store.records().iter().enumerate().take(candidates) {
            if is_flex_eligible(record, day) {
                builder.push(ord as u32);
            }
        }
        let posting = Arc::new(builder.finish());
        *self.eligible.write().unwrap_or_else(|p| p.into_inner()) = Some((day, posting.clone()));
        posting
    }

    fn facets_of(&self, ords: &[u32]) -> Facets {
        let tier = Tier::ALL.into_iter().map(|t| {
            let r = self.tier_range(t);
            (t, ords.partition_point(|&o| o < r.end) - ords.partition_point(|&o| o < r.start))
        });
        let fields = [&self.language, &self.region, &self.service];
        // Per-document counting is a scattered lookup per match and field; bitset counting streams
        // every code's posting once. On a 100k directory a scattered lookup misses cache and costs
        // about as much as 16 streamed words, hence the weight.
        let streamed = fields.map(CodeField::bitset_facet_cost).iter().sum::<usize>();
        let bitset_cost = self.len() / 64 + ords.len() + streamed;
        let bits = (ords.len() * fields.len() * 16 > bitset_cost).then(|| to_bits(ords, self.len() as u32));
        Facets {
            tier: sorted_facet(tier),
            language: self.language.facet(ords, bits.as_deref()),
            region: self.region.facet(ords, bits.as_deref()),
            service: self.service.facet(ords, bits.as_deref()),
        }
    }

    fn tier_range(&self, tier: Tier) -> Range<u32> {
        self.tier_starts[tier.rank()]..self.tier_starts[tier.rank() + 1]
    }

    /// Exact, case-sensitive slug match among published partners.
    ///
    /// # Errors
    /// Only a damaged index fails here (see [`UnreadableDocument`]).
    pub fn get_by_slug(&self, slug: &str) -> Result<Option<PartnerDoc>, UnreadableDocument> {
        let slug_at = |i: usize| self.slug_order.get(i).and_then(|&o| self.store.slug(o));
        let i = self.slug_order.partition_point(|&o| self.store.slug(o).is_some_and(|s| s.as_str() < slug));
        match (slug_at(i), self.slug_order.get(i)) {
            (Some(found), Some(&ord)) if found == slug => self.store.doc(ord).map(Some),
            _ => Ok(None),
        }
    }

    /// Drops the kept query summaries, so the next searches count everything again (what a
    /// benchmark of first-time queries needs).
    pub fn forget_summaries(&self) {
        self.summaries.clear();
    }

    /// Unique to this index within the process.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Number of searchable (published) partners.
    pub fn len(&self) -> usize {
        self.store.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Published partners in result order, each rebuilt as it is reached.
    pub fn docs(&self) -> impl Iterator<Item = Result<PartnerDoc, UnreadableDocument>> + '_ {
        (0..self.len() as u32).map(|ord| self.store.doc(ord))
    }

    /// Approximate heap held by the index, for capacity planning and a metrics gauge.
    pub fn heap_bytes(&self) -> usize {
        self.heap_parts().iter().map(|(_, bytes)| bytes).sum()
    }

    /// [`Self::heap_bytes`] by part: the documents (records, normalised text, what rebuilds the
    /// shown fields, code spellings), the gram keys and postings, the code postings, the slug order.
    pub fn heap_parts(&self) -> Vec<(&'static str, usize)> {
        let grams = self.gram_keys.capacity() * 8
            + self.gram_postings.iter().map(|p| p.heap_bytes() + size_of::<Posting>()).sum::<usize>();
        let codes = [&self.country, &self.region, &self.language, &self.service].map(CodeField::heap_bytes);
        let mut parts = self.store.heap_parts().to_vec();
        parts.extend([
            ("grams", grams),
            ("code postings", codes.iter().sum()),
            ("slug order", self.slug_order.capacity() * 4),
        ]);
        parts
    }
}

/// What an index is made of, apart from its caches (see [`SearchIndex::assemble`]).
struct Parts {
    store: DocStore,
    gram_keys: Vec<u64>,
    gram_postings: Vec<Posting>,
    slug_order: Vec<u32>,
    tier_starts: [u32; 5],
    country: CodeField,
    region: CodeField,
    language: CodeField,
    service: CodeField,
    unfiltered_facets: Facets,
}

/// A query resolved against the index (see [`SearchIndex::plan`]).
struct Plan<'a> {
    lists: Vec<&'a Posting>,
    eligible: Option<Arc<Posting>>,
    range: Range<u32>,
    terms: Vec<String>,
    /// A code or gram nobody has: the answer is empty whatever else holds.
    matches_nothing: bool,
}

fn overlap(a: Range<u32>, b: Range<u32>) -> Range<u32> {
    let start = a.start.max(b.start);
    start..a.end.min(b.end).max(start)
}
