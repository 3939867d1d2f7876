//! The partner directory: reseller profiles with tier and Flex agreement, their validation, the
//! operator's and partner admins' use cases, CSV import, demo directories, and the in-memory
//! search read model.

pub mod demo;
mod directory;
mod flex;
pub mod import;
mod manage;
mod profile;
mod record;
pub mod search_index;

pub use directory::{Directory, spawn_refresher};
pub use flex::{FlexTerms, HasFlexTerms, is_flex_eligible};
pub use import::{ImportReport, RejectedRow, import_csv};
pub use manage::{
    create_partner, create_partner_user, get_partner, list_partners, list_staff, own_partner, partner_staff,
    update_own_profile, update_partner,
};
pub use profile::{DEFAULT_PAYMENT_DUE_DAYS, MAX_PAYMENT_DUE_DAYS, PartnerInput, ValidPartner};
pub use record::Partner;
pub use search_index::{PartnerDoc, SearchQuery, Tier};

/// Splits a stored comma-separated code list.
pub fn codes(list: &str) -> Vec<String> {
    list.split(',').map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned).collect()
}

/// The search document of a stored partner.
pub fn doc_of(row: &Partner) -> PartnerDoc {
    PartnerDoc {
        id: row.id,
        slug: row.slug.clone(),
        name_ja: row.name_ja.clone(),
        name_en: row.name_en.clone(),
        description_ja: row.description_ja.clone(),
        description_en: row.description_en.clone(),
        tier: row.tier,
        country: row.country.clone(),
        regions: row.regions.clone(),
        languages: row.languages.clone(),
        services: row.services.clone(),
        website: row.website.clone(),
        published: row.published,
        flex_signed_on: row.flex_signed_on,
        flex_expires_on: row.flex_expires_on,
    }
}
