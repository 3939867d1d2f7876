//! The web layer: routes (pages and the JSON API), guards, forms, views and the mapping of errors
//! to HTTP. Calls into `domain` only, which owns persistence.

pub mod api;
pub mod assets;
pub mod auth;
pub mod balance_view;
pub mod charts;
pub mod choices;
pub mod client;
pub mod csrf;
pub mod csv_export;
pub mod error;
pub mod health;
pub mod i18n;
pub mod json;
pub mod page;
pub mod pages;
pub mod pagination;
pub mod partner_view;
pub mod price_view;
pub mod qr;
pub mod rate_view;
pub mod routing;
pub mod rules_view;
pub mod search_params;
pub mod security_headers;
pub mod telemetry;
pub mod usage_view;
pub mod view;

use rocket::{Build, Rocket};

use assets::Assets;

/// Paths anyone may call without a session; every other route requires one (tested by iterating
/// the mounted routes).
pub const PUBLIC_ROUTES: &[&str] = &[
    "/",
    "/login",
    "/login/code",
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
    "/api/v1/public/balance/<token>",
    "/api/v1/public/invitations/<token>/accept",
    "/api/v1/verify/<code>",
    "/q/<token>",
    "/balance/<token>",
    "/i/<token>",
    "/i/<token>/accept",
    "/q/<token>/accept",
    "/q/<token>/decline",
    "/q/<token>/pdf",
    "/verify",
    "/verify/<code>",
    "/partners/<slug>/quote-request",
    "/quote-request",
    "/quote-request/sent",
    "/estimate",
    "/api/v1/rates",
];

/// Routes anyone may POST to without a session (the same path may need a session for GET).
pub const PUBLIC_POSTS: &[&str] = &["/api/v1/quote-requests", "/api/v1/estimate"];

/// Mounts every route, catcher and fairing of the web layer; templates and static files come
/// from `assets` (built in, or a development folder).
pub fn mount(rocket: Rocket<Build>, assets: Assets, hsts: bool) -> Rocket<Build> {
    let static_files = assets.static_files();
    rocket
        .mount("/", pages::routes())
        .mount("/", health::routes())
        .mount(routing::API_BASE, api::routes())
        .mount("/static", assets::routes())
        .register("/", error::catchers())
        .manage(static_files)
        .manage(telemetry::Metrics::default())
        .manage(pages::directory::SearchPages::default())
        .manage(api::partners::SearchJson::default())
        .attach(rocket::fairing::AdHoc::try_on_ignite("templates", |rocket| async move {
            match view::Views::load(&assets) {
                Ok(views) => Ok(rocket.manage(views)),
                Err(e) => {
                    tracing::error!(error = %view::describe(&e), "the templates do not load");
                    Err(rocket)
                }
            }
        }))
        .attach(telemetry::Telemetry)
        .attach(security_headers::SecurityHeaders { hsts })
}
