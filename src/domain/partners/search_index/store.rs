//! The published documents as the index keeps them. Matching needs every document's normalised
//! text; a result page needs twenty documents as shown. So the normalised text of all documents
//! is held in one buffer, each document keeps a small fixed record (id, tier, Flex dates) and a
//! short recipe that turns its normalised fields back into the shown ones (see `shown`), with its
//! website and its codes as numbers into one table of spellings. A document is rebuilt only when
//! a page shows it.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::model::{PartnerDoc, Tier};
use super::search_text::{FIELD_SEPARATOR, normalize};
use super::shown::{self, read_number, read_text, write_number};
use crate::domain::partners::flex::{FlexTerms, HasFlexTerms};

/// What a document is filtered by, kept as it is.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub(super) struct Record {
    pub(super) id: Uuid,
    pub(super) tier: Tier,
    flex_signed_on: Option<NaiveDate>,
    flex_expires_on: Option<NaiveDate>,
}

/// Only published documents are stored.
impl HasFlexTerms for Record {
    fn flex_terms(&self) -> FlexTerms {
        FlexTerms {
            published: true,
            tier: self.tier,
            signed_on: self.flex_signed_on,
            expires_on: self.flex_expires_on,
        }
    }
}

/// The searchable fields in the order their normalised forms are joined: verification stops at
/// the first hit, so names (what people type) go first and the Japanese description, the longest
/// in bytes, goes last.
const SEARCHED: usize = 5;
const NAME_JA: usize = 0;
const NAME_EN: usize = 1;
const SLUG: usize = 2;
const DESCRIPTION_EN: usize = 3;
const DESCRIPTION_JA: usize = 4;

/// One search result: its id at once, the document itself only when a page shows it.
#[derive(Clone, Copy)]
pub struct Hit<'a> {
    store: &'a DocStore,
    ord: u32,
    pub id: Uuid,
}

impl std::fmt::Debug for Hit<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hit").field("ord", &self.ord).field("id", &self.id).finish()
    }
}

impl Hit<'_> {
    /// # Errors
    /// Only a damaged index fails here (see [`UnreadableDocument`]).
    pub fn doc(&self) -> Result<PartnerDoc, UnreadableDocument> {
        self.store.doc(self.ord)
    }
}

/// A document the index cannot read back: only a damaged snapshot could hold one, and a snapshot
/// is checked document by document when it is read.
#[derive(Debug, thiserror::Error)]
#[error("the partner search index cannot read back its document {0}")]
pub struct UnreadableDocument(pub(super) u32);

impl From<UnreadableDocument> for crate::domain::error::Error {
    fn from(source: UnreadableDocument) -> Self {
        Self::internal(source)
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct DocStore {
    records: Vec<Record>,
    /// Document `i`'s normalised fields, joined by the field separator, are
    /// `text[text_ends[i - 1]..text_ends[i]]` (from 0 for the first).
    text: String,
    text_ends: Vec<u32>,
    /// Document `i`'s recipe is `recipes[recipe_ends[i - 1]..recipe_ends[i]]`: the edits of its
    /// slug, Japanese and English name, Japanese and English description, then its website and
    /// its country, regions, languages and services as spelling numbers.
    recipes: Vec<u8>,
    recipe_ends: Vec<u32>,
    /// Every code spelling any document uses, once.
    spellings: Vec<Box<str>>,
}

impl DocStore {
    /// Packs `docs`, in the order given. Should the text outgrow its 32-bit offsets (some millions
    /// of partners) it stops there; [`DocStore::len`] says how many it took.
    pub(super) fn build<'d>(docs: &'d [PartnerDoc]) -> Self {
        let mut store = DocStore::default();
        let mut spelling_ids: HashMap<&'d str, usize> = HashMap::new();
        let mut fields: [String; SEARCHED] = Default::default();
        for doc in docs {
            fields[NAME_JA] = normalize(&doc.name_ja);
            fields[NAME_EN] = normalize(&doc.name_en);
            fields[SLUG] = normalize(&doc.slug);
            fields[DESCRIPTION_EN] = normalize(&doc.description_en);
            fields[DESCRIPTION_JA] = normalize(&doc.description_ja);
            let text_len = fields.iter().map(String::len).sum::<usize>() + SEARCHED - 1;
            let recipe_mark = store.recipes.len();
            for (field, shown) in [
                (SLUG, &doc.slug),
                (NAME_JA, &doc.name_ja),
                (NAME_EN, &doc.name_en),
                (DESCRIPTION_JA, &doc.description_ja),
                (DESCRIPTION_EN, &doc.description_en),
            ] {
                shown::encode(&fields[field], shown, &mut store.recipes);
            }
            match &doc.website {
                Some(site) => {
                    write_number(1, &mut store.recipes);
                    write_number(site.len(), &mut store.recipes);
                    store.recipes.extend_from_slice(site.as_bytes());
                }
                None => write_number(0, &mut store.recipes),
            }
            let mut intern = |c: &'d str, out: &mut Vec<u8>| {
                let next = store.spellings.len();
                let id = *spelling_ids.entry(c).or_insert(next);
                if id == next {
                    store.spellings.push(c.into());
                }
                write_number(id, out);
            };
            intern(&doc.country, &mut store.recipes);
            for list in [&doc.regions, &doc.languages, &doc.services] {
                write_number(list.len(), &mut store.recipes);
                for c in list {
                    intern(c, &mut store.recipes);
                }
            }
            let (Ok(text_end), Ok(recipe_end)) =
                (u32::try_from(store.text.len() + text_len), u32::try_from(store.recipes.len()))
            else {
                store.recipes.truncate(recipe_mark);
                break;
            };
            for (i, field) in fields.iter().enumerate() {
                if i > 0 {
                    store.text.push(FIELD_SEPARATOR);
                }
                store.text.push_str(field);
            }
            store.text_ends.push(text_end);
            store.recipe_ends.push(recipe_end);
            store.records.push(Record {
                id: doc.id,
                tier: doc.tier,
                flex_signed_on: doc.flex_signed_on,
                flex_expires_on: doc.flex_expires_on,
            });
        }
        store.records.shrink_to_fit();
        store.text.shrink_to_fit();
        store.text_ends.shrink_to_fit();
        store.recipes.shrink_to_fit();
        store.recipe_ends.shrink_to_fit();
        store.spellings.shrink_to_fit();
        store
    }

    pub(super) fn len(&self) -> usize {
        self.records.len()
    }

    pub(super) fn records(&self) -> &[Record] {
        &self.records
    }

    pub(super) fn id(&self, ord: u32) -> Option<Uuid> {
        self.records.get(ord as usize).map(|r| r.id)
    }

    /// The result at `ord`, if there is a document there.
    pub(super) fn hit(&self, ord: u32) -> Option<Hit<'_>> {
        Some(Hit { store: self, ord, id: self.id(ord)? })
    }

    fn span(ends: &[u32], ord: usize) -> Option<(usize, usize)> {
        let start = if ord == 0 { 0 } else { *ends.get(ord - 1)? };
        Some((start as usize, *ends.get(ord)? as usize))
    }

    /// The normalised searchable text of a document, as bytes (a match of a whole term as bytes is
    /// a match as chars: UTF-8 never starts a char inside another).
    pub(super) fn text_bytes(&self, ord: u32) -> &[u8] {
        Self::span(&self.text_ends, ord as usize)
            .and_then(|(s, e)| self.text.as_bytes().get(s..e))
            .unwrap_or_default()
    }

    pub(super) fn text(&self, ord: u32) -> Option<&str> {
        let (s, e) = Self::span(&self.text_ends, ord as usize)?;
        self.text.get(s..e)
    }

    fn fields(&self, ord: u32) -> Option<[&str; SEARCHED]> {
        let mut split = self.text(ord)?.split(FIELD_SEPARATOR);
        let fields = [(); SEARCHED].map(|()| split.next());
        if split.next().is_some() {
            return None;
        }
        let [a, b, c, d, e] = fields;
        Some([a?, b?, c?, d?, e?])
    }

    fn recipe(&self, ord: u32) -> Option<&[u8]> {
        let (s, e) = Self::span(&self.recipe_ends, ord as usize)?;
        self.recipes.get(s..e)
    }

    fn spelling(&self, recipe: &mut &[u8]) -> Option<String> {
        self.spellings.get(read_number(recipe)?).map(|s| s.to_string())
    }

    fn spellings(&self, recipe: &mut &[u8]) -> Option<Vec<String>> {
        let n = read_number(recipe)?;
        (0..n).map(|_| self.spelling(recipe)).collect()
    }

    /// The document as it was given to [`DocStore::build`].
    pub(super) fn doc(&self, ord: u32) -> Result<PartnerDoc, UnreadableDocument> {
        self.rebuild(ord).ok_or(UnreadableDocument(ord))
    }

    fn rebuild(&self, ord: u32) -> Option<PartnerDoc> {
        let record = self.records.get(ord as usize)?;
        let fields = self.fields(ord)?;
        let mut recipe = self.recipe(ord)?;
        let slug = shown::decode(fields[SLUG], &mut recipe)?;
        let name_ja = shown::decode(fields[NAME_JA], &mut recipe)?;
        let name_en = shown::decode(fields[NAME_EN], &mut recipe)?;
        let description_ja = shown::decode(fields[DESCRIPTION_JA], &mut recipe)?;
        let description_en = shown::decode(fields[DESCRIPTION_EN], &mut recipe)?;
        let website = match read_number(&mut recipe)? {
            0 => None,
            _ => Some(read_text(&mut recipe)?.to_owned()),
        };
        let country = self.spelling(&mut recipe)?;
        let regions = self.spellings(&mut recipe)?;
        let languages = self.spellings(&mut recipe)?;
        let services = self.spellings(&mut recipe)?;
        recipe.is_empty().then_some(PartnerDoc {
            id: record.id,
            slug,
            name_ja,
            name_en,
            description_ja,
            description_en,
            tier: record.tier,
            country,
            regions,
            languages,
            services,
            website,
            published: true,
            flex_signed_on: record.flex_signed_on,
            flex_expires_on: record.flex_expires_on,
        })
    }

    /// The shown slug alone, without rebuilding the rest (slug lookups compare many).
    pub(super) fn slug(&self, ord: u32) -> Option<String> {
        let fields = self.fields(ord)?;
        shown::decode(fields[SLUG], &mut self.recipe(ord)?)
    }

    /// Whether every part lines up and every document reads back: what a snapshot read from a file
    /// must show before it is used.
    pub(super) fn is_sound(&self) -> bool {
        let n = self.records.len();
        let ordered = |ends: &[u32], total: usize| {
            ends.len() == n
                && ends.windows(2).all(|w| w[0] <= w[1])
                && ends.last().map_or(total == 0, |&e| e as usize == total)
        };
        ordered(&self.text_ends, self.text.len())
            && ordered(&self.recipe_ends, self.recipes.len())
            && (0..n as u32).all(|ord| self.rebuild(ord).is_some())
    }

    /// Cuts the last byte of the recipes, as a damaged file would.
    #[cfg(test)]
    pub(super) fn damage(&mut self) {
        self.recipes.pop();
    }

    /// Heap held by each part: records, normalised text, recipes, code spellings.
    pub(super) fn heap_parts(&self) -> [(&'static str, usize); 4] {
        [
            ("records", self.records.capacity() * size_of::<Record>()),
            ("text", self.text.capacity() + self.text_ends.capacity() * 4),
            ("shown fields", self.recipes.capacity() + self.recipe_ends.capacity() * 4),
            ("code spellings", self.spellings.iter().map(|s| s.len() + size_of::<Box<str>>()).sum()),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(i: u128) -> PartnerDoc {
        PartnerDoc {
            id: Uuid::from_u128(i),
            slug: format!("tokyo-cad-{i}"),
            name_ja: format!("東京ＣＡＤソリューションズ{i}"),
            name_en: format!("Tokyo CAD Solutions {i}"),
            description_ja: "東京都を中心に、Autodesk Flex トークンの導入を支援します（研修）。".into(),
            description_en: "  A reseller in Tokyo.\nOffers training.  ".into(),
            tier: Tier::ALL[(i % 4) as usize],
            country: "JP".into(),
            regions: vec!["JP-13".into(), "jp-13".into(), "JP-14".into()],
            languages: vec!["ja".into(), "en".into()],
            services: if i.is_multiple_of(2) { vec![] } else { vec!["flex_tokens".into()] },
            website: i.is_multiple_of(3).then(|| format!("https://example-{i}.example/")),
            published: true,
            flex_signed_on: NaiveDate::from_ymd_opt(2025, 1, 1),
            flex_expires_on: None,
        }
    }

    #[test]
    fn every_document_reads_back_as_it_was_given() {
        let docs: Vec<PartnerDoc> = (0..50).map(doc).collect();
        let store = DocStore::build(&docs);
        assert_eq!(store.len(), docs.len());
        for (ord, given) in docs.iter().enumerate() {
            assert_eq!(store.doc(ord as u32).ok().as_ref(), Some(given));
            assert_eq!(store.slug(ord as u32).as_deref(), Some(given.slug.as_str()));
            assert_eq!(store.id(ord as u32), Some(given.id));
        }
        assert!(store.is_sound());
        assert_eq!(store.spellings.len(), 7, "each spelling is kept once: {:?}", store.spellings);
        assert!(store.doc(50).is_err());
    }

    #[test]
    fn the_searched_text_is_each_field_normalised_names_first() {
        let store = DocStore::build(&[doc(1)]);
        assert_eq!(
            store.text(0),
            Some(
                "東京cadソリューションズ1\ntokyo cad solutions 1\ntokyo-cad-1\na reseller in tokyo. offers \
                 training.\n東京都を中心に、autodesk flex トークンの導入を支援します(研修)。"
            )
        );
        assert_eq!(store.text_bytes(0), store.text(0).unwrap_or_default().as_bytes());
    }

    #[test]
    fn a_damaged_store_is_not_sound() {
        let docs: Vec<PartnerDoc> = (0..3).map(doc).collect();
        let mut cut = DocStore::build(&docs);
        cut.recipes.pop();
        assert!(!cut.is_sound());
        let mut short = DocStore::build(&docs);
        short.text_ends.pop();
        assert!(!short.is_sound());
        let mut wrong = DocStore::build(&docs);
        wrong.recipes[0] = 9;
        assert!(!wrong.is_sound());
        let mut unknown_code = DocStore::build(&docs[..1]);
        unknown_code.spellings.pop();
        assert!(!unknown_code.is_sound());
    }
}
