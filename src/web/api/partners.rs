//! Public partner search and profiles (`/partners`), served from the in-memory directory.

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use uuid::Uuid;

use rocket::http::ContentType;
use rocket::response::content::RawJson;
use rocket::{State, get, routes};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::cache::BoundedCache;
use crate::domain::Portal;
use crate::domain::actor::Origin;
use crate::domain::error::Error;
use crate::domain::partners::search_index::{Facets, Hit};
use crate::web::error::WebError;
use crate::web::i18n::Lang;
use crate::web::partner_view::PublicPartner;
use crate::web::search_params::SearchParams;

/// Facet counts as JSON objects keyed by code, in code order (the index keeps them by count).
struct FacetCounts<'a>(&'a Facets);

fn by_code<'a, K: AsRef<str> + 'a>(entries: impl Iterator<Item = &'a (K, usize)>) -> Vec<(&'a str, usize)> {
    let mut out: Vec<(&str, usize)> = entries.map(|(k, n)| (k.as_ref(), *n)).collect();
    out.sort_unstable_by_key(|&(k, _)| k);
    out
}

impl Serialize for FacetCounts<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let f = self.0;
        let tiers: Vec<(&str, usize)> = f.tier.iter().map(|(t, n)| (t.as_str(), *n)).collect();
        let mut map = serializer.serialize_map(Some(4))?;
        map.serialize_entry("tier", &Counts(by_code(tiers.iter())))?;
        map.serialize_entry("language", &Counts(by_code(f.language.iter())))?;
        map.serialize_entry("region", &Counts(by_code(f.region.iter())))?;
        map.serialize_entry("service", &Counts(by_code(f.service.iter())))?;
        map.end()
    }
}

struct Counts<'a>(Vec<(&'a str, usize)>);

impl Serialize for Counts<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(k, n)| (k, n)))
    }
}

/// Pieces of search responses kept serialised, because writing JSON was the largest part of a
/// search's cost: each partner's item (per directory generation, language and day, the things it
/// depends on) and each query summary's facets. A response is then mostly copying bytes.
pub struct SearchJson {
    items: BoundedCache<ItemKey, Arc<str>>,
    /// Keyed by the address of the facets; the entry holds them, so the address cannot be reused
    /// for other facets while the entry lives, and a hit is checked to be the very same value.
    facets: BoundedCache<usize, (Arc<Facets>, Arc<str>)>,
}

/// Items per generation (about 600 bytes each): the cache stays under 3 MiB.
const JSON_ITEMS: usize = 2048;
const JSON_FACETS: usize = 256;

impl Default for SearchJson {
    fn default() -> Self {
        SearchJson { items: BoundedCache::new(JSON_ITEMS), facets: BoundedCache::new(JSON_FACETS) }
    }
}

#[derive(PartialEq, Eq, Hash)]
struct ItemKey {
    directory: u64,
    id: Uuid,
    lang: Lang,
    today: NaiveDate,
}

impl SearchJson {
    /// A result's JSON, rebuilding the partner only when it is not kept.
    fn item(&self, key: ItemKey, hit: &Hit<'_>) -> Result<Arc<str>, Error> {
        if let Some(json) = self.items.get(&key) {
            return Ok(json);
        }
        let doc = hit.doc()?;
        let json: Arc<str> = serde_json::to_string(&PublicPartner::of(&doc, key.lang, key.today))
            .map_err(Error::internal)?
            .into();
        self.items.insert(key, json.clone());
        Ok(json)
    }

    fn facets(&self, facets: &Arc<Facets>) -> Result<Arc<str>, serde_json::Error> {
        let key = Arc::as_ptr(facets) as usize;
        if let Some((held, json)) = self.facets.get(&key)
            && Arc::ptr_eq(&held, facets)
        {
            return Ok(json);
        }
        let json: Arc<str> = serde_json::to_string(&FacetCounts(facets))?.into();
        self.facets.insert(key, (facets.clone(), json.clone()));
        Ok(json)
    }
}

/// Refuses a client that searches more often than the configured rate.
pub fn limit_search(portal: &Portal, origin: &Origin) -> Result<(), Error> {
    let limit = portal.config.search_requests_per_client_per_minute;
    if limit == 0 {
        return Ok(());
    }
    let key = format!("search:{}", origin.client_key());
    portal.limiter.hit_counter(&key, limit, Duration::from_secs(60))
}

#[get("/partners?<params..>")]
fn search(
    portal: &State<Portal>,
    json: &State<SearchJson>,
    lang: Lang,
    origin: Origin,
    params: SearchParams,
) -> Result<(ContentType, Vec<u8>), WebError> {
    limit_search(portal, &origin)?;
    let query = params.to_query()?;
    let index = portal.directory.snapshot();
    let today = portal.today();
    let result = index.search(&query, today);
    let internal = |e: serde_json::Error| WebError(Error::internal(e));
    // `{"items":[…],"total":…,"page":…,"per_page":…,"facets":{…}}`, assembled from the kept pieces.
    let mut body = Vec::with_capacity(16 * 1024);
    body.extend_from_slice(b"{\"items\":[");
    for (i, hit) in result.items.iter().enumerate() {
        if i > 0 {
            body.push(b',');
        }
        let key = ItemKey { directory: index.generation(), id: hit.id, lang, today };
        body.extend_from_slice(json.item(key, hit)?.as_bytes());
    }
    body.extend_from_slice(b"],");
    let counts = format!(
        "\"total\":{},\"page\":{},\"per_page\":{},\"facets\":",
        result.total, result.page, result.per_page
    );
    body.extend_from_slice(counts.as_bytes());
    body.extend_from_slice(json.facets(&result.facets).map_err(internal)?.as_bytes());
    body.push(b'}');
    Ok((ContentType::JSON, body))
}

#[derive(Serialize)]
struct PartnerProfile<'a> {
    #[serde(flatten)]
    card: PublicPartner<'a>,
    description_ja: &'a str,
    description_en: &'a str,
}

#[get("/partners/<slug>")]
fn profile(portal: &State<Portal>, lang: Lang, slug: &str) -> Result<RawJson<String>, WebError> {
    let index = portal.directory.snapshot();
    let doc = index.get_by_slug(slug).map_err(Error::from)?.ok_or(Error::NotFound)?;
    let profile = PartnerProfile {
        card: PublicPartner::of(&doc, lang, portal.today()),
        description_ja: &doc.description_ja,
        description_en: &doc.description_en,
    };
    serde_json::to_string(&profile).map(RawJson).map_err(|e| WebError(Error::internal(e)))
}

pub fn routes() -> Vec<rocket::Route> {
    routes![search, profile]
}
