//! The built index written to a file and read back, so that a restart on a large directory does not
//! have to load every partner and build the index again (about 3 s at 100,000 partners).
//!
//! A snapshot starts with a stamp that says what it was built from (the format, the database, its
//! directory version, the number of partners and the latest change); it is used only when the stamp
//! the database gives now is the same, and anything unreadable is ignored in favour of a build.
//!
//! Layout: the stamp's length (4 bytes, little endian), the stamp, then the index in postcard.

use std::io::{Read, Write};

use serde::{Deserialize, Serialize};

use super::SearchIndex;
use super::codes::CodeField;
use super::model::Facets;
use super::postings::Posting;
use super::store::DocStore;

/// Bumped whenever the index's shape changes, so an old snapshot is never misread.
pub(super) const FORMAT: u32 = 2;

#[derive(Serialize)]
struct Written<'a> {
    store: &'a DocStore,
    gram_keys: &'a [u64],
    gram_postings: &'a [Posting],
    slug_order: &'a [u32],
    tier_starts: [u32; 5],
    codes: [&'a CodeField; 4],
    unfiltered_facets: &'a Facets,
}

#[derive(Deserialize)]
struct Stored {
    store: DocStore,
    gram_keys: Vec<u64>,
    gram_postings: Vec<Posting>,
    slug_order: Vec<u32>,
    tier_starts: [u32; 5],
    codes: [CodeField; 4],
    unfiltered_facets: Facets,
}

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("snapshot file: {0}")]
    Io(#[from] std::io::Error),
    #[error("snapshot encoding: {0}")]
    Encoding(#[from] postcard::Error),
    #[error("snapshot holds documents that do not read back")]
    Unsound,
}

impl SearchIndex {
    /// Writes the index, marked with `stamp`, to `out`.
    ///
    /// # Errors
    /// The writer failed.
    pub fn write_snapshot(&self, stamp: &str, mut out: impl Write) -> Result<(), SnapshotError> {
        let stamp = format!("{FORMAT}:{stamp}");
        out.write_all(&(stamp.len() as u32).to_le_bytes())?;
        out.write_all(stamp.as_bytes())?;
        let [country, region, language, service] =
            [&self.country, &self.region, &self.language, &self.service];
        let written = Written {
            store: &self.store,
            gram_keys: &self.gram_keys,
            gram_postings: &self.gram_postings,
            slug_order: &self.slug_order,
            tier_starts: self.tier_starts,
            codes: [country, region, language, service],
            unfiltered_facets: &self.unfiltered_facets,
        };
        postcard::to_io(&written, &mut out)?;
        out.flush()?;
        Ok(())
    }

    /// Reads an index written by [`SearchIndex::write_snapshot`] if it carries `stamp`; `Ok(None)`
    /// when it was built from something else.
    ///
    /// # Errors
    /// The file could not be read or decoded.
    pub fn read_snapshot(stamp: &str, mut input: impl Read) -> Result<Option<SearchIndex>, SnapshotError> {
        let expected = format!("{FORMAT}:{stamp}");
        let mut length = [0u8; 4];
        input.read_exact(&mut length)?;
        let length = u32::from_le_bytes(length) as usize;
        if length != expected.len() {
            return Ok(None);
        }
        let mut found = vec![0u8; length];
        input.read_exact(&mut found)?;
        if found != expected.as_bytes() {
            return Ok(None);
        }
        let mut body = Vec::new();
        input.read_to_end(&mut body)?;
        let read: Stored = postcard::from_bytes(&body)?;
        drop(body);
        if !read.store.is_sound() {
            return Err(SnapshotError::Unsound);
        }
        let [country, region, language, service] = read.codes;
        Ok(Some(SearchIndex::assemble(super::Parts {
            store: read.store,
            gram_keys: read.gram_keys,
            gram_postings: read.gram_postings,
            slug_order: read.slug_order,
            tier_starts: read.tier_starts,
            country,
            region,
            language,
            service,
            unfiltered_facets: read.unfiltered_facets,
        })))
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::super::model::{PartnerDoc, SearchQuery, Tier};
    use super::*;

    fn docs() -> Vec<PartnerDoc> {
        (0..200)
            .map(|i| PartnerDoc {
                id: uuid::Uuid::from_u128(i),
                slug: format!("p{i}"),
                name_ja: format!("東京テック{i}"),
                name_en: format!("Tokyo Tech {i}"),
                description_ja: "大阪府の販売店".into(),
                description_en: "Osaka reseller".into(),
                tier: Tier::ALL[(i % 4) as usize],
                country: "JP".into(),
                regions: vec![if i % 3 == 0 { "JP-13" } else { "JP-27" }.into()],
                languages: vec!["ja".into()],
                services: vec!["flex_tokens".into()],
                website: None,
                published: i % 10 != 0,
                flex_signed_on: NaiveDate::from_ymd_opt(2025, 1, 1),
                flex_expires_on: NaiveDate::from_ymd_opt(2026, 1, 1),
            })
            .collect()
    }

    fn answers(index: &SearchIndex) -> Vec<(Vec<String>, usize, Facets)> {
        let today = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
        let queries = [
            SearchQuery::default(),
            SearchQuery { text: Some("東京".into()), ..SearchQuery::default() },
            SearchQuery { text: Some("tech 1".into()), flex_only: true, ..SearchQuery::default() },
            SearchQuery { region: Some("jp-13".into()), per_page: 7, page: 2, ..SearchQuery::default() },
        ];
        queries
            .iter()
            .map(|q| {
                let r = index.search(q, today);
                let slugs = r.items.iter().map(|h| h.doc().map(|d| d.slug).unwrap_or_default()).collect();
                (slugs, r.total, (*r.facets).clone())
            })
            .collect()
    }

    #[test]
    fn a_saved_index_answers_exactly_like_the_one_it_was_saved_from() {
        let built = SearchIndex::build(docs());
        let mut file = Vec::new();
        built.write_snapshot("db:7:200:123", &mut file).unwrap();
        let read = SearchIndex::read_snapshot("db:7:200:123", file.as_slice()).unwrap().unwrap();
        assert_eq!(answers(&read), answers(&built));
        assert_eq!(read.get_by_slug("p3").unwrap(), built.get_by_slug("p3").unwrap());
        assert_eq!(
            read.docs().collect::<Result<Vec<_>, _>>().unwrap(),
            built.docs().collect::<Result<Vec<_>, _>>().unwrap()
        );
        assert_ne!(read.generation(), built.generation(), "a read index is a new generation");
    }

    #[test]
    fn a_saved_index_from_another_state_is_not_used_and_a_damaged_one_is_an_error() {
        let built = SearchIndex::build(docs());
        let mut file = Vec::new();
        built.write_snapshot("db:7:200:123", &mut file).unwrap();
        assert!(SearchIndex::read_snapshot("db:8:200:123", file.as_slice()).unwrap().is_none());
        assert!(SearchIndex::read_snapshot("other:7:200:123", file.as_slice()).unwrap().is_none());
        let cut = &file[..file.len() / 2];
        assert!(SearchIndex::read_snapshot("db:7:200:123", cut).is_err());
        assert!(SearchIndex::read_snapshot("db:7:200:123", &file[..2]).is_err());
    }

    #[test]
    fn a_saved_index_whose_documents_do_not_read_back_is_an_error() {
        let mut built = SearchIndex::build(docs());
        built.store.damage();
        let mut file = Vec::new();
        built.write_snapshot("db:7:200:123", &mut file).unwrap();
        let read = SearchIndex::read_snapshot("db:7:200:123", file.as_slice());
        assert!(matches!(read, Err(SnapshotError::Unsound)), "{:?}", read.err());
    }
}
