//! The purchaser's read-only balance page (`/balance/{token}`): no sign-in, the link is the
//! capability. Beside the balance and packs: the balance donut, the last 30 days of usage and the
//! packs expiring soon. Shown in the customer's language unless the visitor picks one; never
//! cached, never indexed.

use crate::web::view::Template;
use rocket::http::Header;
use rocket::{Responder, State, get, routes};

use crate::domain::Portal;
use crate::domain::order_lookup::linked_balance;
use crate::domain::usage_analytics;
use crate::web::balance_view::balance_data;
use crate::web::error::WebError;
use crate::web::i18n::Lang;
use crate::web::page::Page;
use crate::web::usage_view::usage_data;

#[derive(Responder)]
struct Private {
    template: Template,
    robots: Header<'static>,
}

#[get("/balance/<token>?<lang>")]
async fn view(
    portal: &State<Portal>,
    mut page: Page,
    token: &str,
    lang: Option<&str>,
) -> Result<Private, WebError> {
    let (balance, language) = linked_balance(portal, token).await?;
    if lang.and_then(Lang::parse).is_none() {
        page.lang = Lang::parse(&language).unwrap_or(page.lang);
    }
    let overview = usage_analytics::usage_by_link(portal, token).await?;
    let now = portal.clock.now();
    let data = serde_json::json!({
        "balance": balance_data(&balance, now),
        "usage": usage_data(page.lang, &overview, false, now),
    });
    Ok(Private {
        template: page.render("public/balance", data),
        robots: Header::new("X-Robots-Tag", "noindex, nofollow"),
    })
}

pub fn routes() -> Vec<rocket::Route> {
    routes![view]
}
