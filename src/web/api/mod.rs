//! The JSON API under `/api/v1`. Each resource module exposes its routes; they are mounted here.

mod admin;
mod admin_account_rules;
mod admin_partners;
mod admin_prices;
mod admin_rates;
mod assignments;
mod auth;
mod customers;
mod estimate;
mod orders;
mod partner_self;
pub mod partners;
mod public_quotes;
mod quote_requests;
pub mod quotes;
mod totp;
mod usage;
mod usage_analytics;

use rocket::http::ContentType;
use rocket::{get, routes};

const OPENAPI: &str = include_str!("openapi.json");

#[get("/openapi.json")]
fn openapi() -> (ContentType, &'static str) {
    (ContentType::JSON, OPENAPI)
}

pub fn routes() -> Vec<rocket::Route> {
    let mut all = routes![openapi];
    all.extend(auth::routes());
    all.extend(admin::routes());
    all.extend(admin_partners::routes());
    all.extend(admin_prices::routes());
    all.extend(admin_rates::routes());
    all.extend(admin_account_rules::routes());
    all.extend(partner_self::routes());
    all.extend(partners::routes());
    all.extend(customers::routes());
    all.extend(assignments::routes());
    all.extend(quote_requests::routes());
    all.extend(quotes::routes());
    all.extend(orders::routes());
    all.extend(public_quotes::routes());
    all.extend(totp::routes());
    all.extend(estimate::routes());
    all.extend(usage_analytics::routes());
    all.extend(usage::routes());
    all
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_openapi_document_is_valid_json_with_paths() {
        let doc: serde_json::Value = serde_json::from_str(super::OPENAPI).unwrap();
        assert_eq!(doc["openapi"].as_str().map(|v| &v[..2]), Some("3."));
        assert!(doc["paths"]["/auth/token"]["post"].is_object());
    }
}
