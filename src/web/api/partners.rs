//! Public partner search and profiles (`/partners`), served from the in-memory directory.

use std::collections::BTreeMap;
use std::time::Duration;

use rocket::response::content::RawJson;
use rocket::{State, get, routes};
use serde::Serialize;

use crate::domain::Portal;
use crate::domain::actor::Origin;
use crate::domain::error::Error;
use crate::domain::partners::search_index::Facets;
use crate::web::error::WebError;
use crate::web::i18n::Lang;
use crate::web::partner_view::PublicPartner;
use crate::web::search_params::SearchParams;

#[derive(Serialize)]
struct FacetCounts {
    tier: BTreeMap<&'static str, usize>,
    language: BTreeMap<String, usize>,
    region: BTreeMap<String, usize>,
    service: BTreeMap<String, usize>,
}

impl From<&Facets> for FacetCounts {
    fn from(f: &Facets) -> Self {
        Self {
            tier: f.tier.iter().map(|(t, n)| (t.as_str(), *n)).collect(),
            language: f.language.iter().cloned().collect(),
            region: f.region.iter().cloned().collect(),
            service: f.service.iter().cloned().collect(),
        }
    }
}

#[derive(Serialize)]
struct SearchPage<'a> {
    items: Vec<PublicPartner<'a>>,
    total: usize,
    page: u32,
    per_page: u32,
    facets: FacetCounts,
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
) -> Result<RawJson<String>, WebError> {
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
        facets: FacetCounts::from(&result.facets),
    };
    serde_json::to_string(&page).map(RawJson).map_err(|e| WebError(Error::internal(e)))
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
