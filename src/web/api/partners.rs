//! Public partner search and profiles (`/partners`), served from the in-memory directory.

use std::time::Duration;

use rocket::http::ContentType;
use rocket::response::content::RawJson;
use rocket::{State, get, routes};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::domain::Portal;
use crate::domain::actor::Origin;
use crate::domain::error::Error;
use crate::domain::partners::search_index::Facets;
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

#[derive(Serialize)]
struct SearchPage<'a> {
    items: Vec<PublicPartner<'a>>,
    total: usize,
    page: u32,
    per_page: u32,
    facets: FacetCounts<'a>,
}

/// Refuses a client that searches more often than the configured rate.
pub fn limit_search(portal: &Portal, origin: &Origin) -> Result<(), Error> {
    let limit = portal.config.search_requests_per_client_per_minute;
    if limit == 0 {
        return Ok(());
    }
    let key = format!("search:{}", origin.client_ip.as_deref().unwrap_or("unknown"));
    portal.limiter.hit_counter(&key, limit, Duration::from_secs(60))
}

#[get("/partners?<params..>")]
fn search(
    portal: &State<Portal>,
    lang: Lang,
    origin: Origin,
    params: SearchParams,
) -> Result<(ContentType, Vec<u8>), WebError> {
    limit_search(portal, &origin)?;
    let query = params.to_query()?;
    let index = portal.directory.snapshot();
    let today = portal.today();
    let result = index.search(&query, today);
    let page = SearchPage {
        items: result.items.iter().map(|doc| PublicPartner::of(doc, lang, today)).collect(),
        total: result.total,
        page: result.page,
        per_page: result.per_page,
        facets: FacetCounts(&result.facets),
    };
    // A page of twenty partners with its facets is about 12 KiB; one allocation up front.
    let mut body = Vec::with_capacity(16 * 1024);
    serde_json::to_writer(&mut body, &page).map_err(|e| WebError(Error::internal(e)))?;
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
    let doc = index.get_by_slug(slug).ok_or(Error::NotFound)?;
    let profile = PartnerProfile {
        card: PublicPartner::of(doc, lang, portal.today()),
        description_ja: &doc.description_ja,
        description_en: &doc.description_en,
    };
    serde_json::to_string(&profile).map(RawJson).map_err(|e| WebError(Error::internal(e)))
}

pub fn routes() -> Vec<rocket::Route> {
    routes![search, profile]
}
