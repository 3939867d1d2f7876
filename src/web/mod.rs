//! The web layer: routes (pages and the JSON API), guards, forms, views and the mapping of errors
//! to HTTP. Calls into `domain`; never into `storage` for writes.

pub mod api;
pub mod auth;
pub mod client;
pub mod csrf;
pub mod error;
pub mod health;
pub mod i18n;
pub mod json;
pub mod page;
pub mod pages;
pub mod pagination;
pub mod partner_view;
pub mod price_view;
pub mod search_params;
pub mod security_headers;
pub mod telemetry;

use rocket::fs::FileServer;
use rocket::{Build, Rocket};
use rocket_dyn_templates::Template;

/// Paths anyone may call without a session; every other route requires one (tested by iterating
/// the mounted routes).
pub const PUBLIC_ROUTES: &[&str] = &[
    "/",
    "/login",
    "/healthz",
    "/readyz",
    "/metrics",
    "/partners",
    "/partners/<slug>",
    "/api/v1/openapi.json",
    "/api/v1/auth/token",
    "/api/v1/partners",
    "/api/v1/partners/<slug>",
    "/api/v1/public/quotes/<token>",
    "/api/v1/public/quotes/<token>/accept",
    "/api/v1/public/quotes/<token>/decline",
    "/api/v1/public/quotes/<token>/pdf",
    "/api/v1/verify/<code>",
    "/q/<token>",
    "/q/<token>/accept",
    "/q/<token>/decline",
    "/q/<token>/pdf",
    "/verify/<code>",
    "/partners/<slug>/quote-request",
    "/quote-request",
];

/// Routes anyone may POST to without a session (the same path may need a session for GET).
pub const PUBLIC_POSTS: &[&str] = &["/api/v1/quote-requests"];

/// `{{ amount | money }}`: a `{"amount": "42900", "currency": "JPY"}` object shown as `¥42,900`.
fn money_filter(
    value: &rocket_dyn_templates::tera::Value,
    _: &std::collections::HashMap<String, rocket_dyn_templates::tera::Value>,
) -> rocket_dyn_templates::tera::Result<rocket_dyn_templates::tera::Value> {
    use crate::domain::money::{Currency, Money};
    let amount =
        value.get("amount").and_then(|a| a.as_str()).and_then(|a| a.parse::<rust_decimal::Decimal>().ok());
    let currency = value.get("currency").and_then(|c| c.as_str()).and_then(Currency::from_code);
    match (amount, currency) {
        (Some(amount), Some(currency)) => Ok(Money::new(amount, currency).to_string().into()),
        _ => Ok(value.clone()),
    }
}

/// Mounts every route, catcher and fairing of the web layer.
pub fn mount(rocket: Rocket<Build>, static_dir: &str, hsts: bool) -> Rocket<Build> {
    rocket
        .mount("/", pages::routes())
        .mount("/", health::routes())
        .mount("/api/v1", api::routes())
        .mount("/static", FileServer::from(static_dir).rank(20))
        .register("/", error::catchers())
        .manage(telemetry::Metrics::default())
        .attach(Template::custom(|engines| engines.tera.register_filter("money", money_filter)))
        .attach(telemetry::Telemetry)
        .attach(security_headers::SecurityHeaders { hsts })
}
