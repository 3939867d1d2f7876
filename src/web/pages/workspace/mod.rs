//! The reseller workspace (`/app`): the landing page with what needs attention, and the pages for
//! quote requests, customers and quotes, each built on the same domain use cases as the API.

mod customers;
mod developers;
mod orders;
mod quote_actions;
mod quote_editor;
mod quotes;
mod requests;
mod usage_analytics;
mod usage_upload;
pub(crate) mod view;

pub use orders::order_list;

use crate::web::view::Template;
use rocket::{State, get, routes};

use crate::domain::actor::Actor;
use crate::domain::error::Result;
use crate::domain::{Portal, quote_requests, quotes as quote_cases};
use crate::web::auth::SignedIn;
use crate::web::error::WebError;
use crate::web::page::Page;

/// What waits for a reseller: new requests, unsent drafts, sent quotes not yet answered, and
/// accepted quotes waiting for an order.
async fn counts(portal: &Portal, actor: &Actor) -> Result<serde_json::Value> {
    let (_, new_requests) = quote_requests::inbox(portal, actor, Some("new"), 1, 1).await?;
    let (_, drafts) = quote_cases::list_quotes(portal, actor, Some("draft"), None, 1, 1).await?;
    let (_, awaiting) = quote_cases::list_quotes(portal, actor, Some("sent"), None, 1, 1).await?;
    let (_, accepted) = quote_cases::list_quotes(portal, actor, Some("accepted"), None, 1, 1).await?;
    Ok(serde_json::json!({
        "new_requests": new_requests, "drafts": drafts, "awaiting": awaiting, "accepted": accepted,
    }))
}

#[get("/app")]
async fn workspace(portal: &State<Portal>, page: Page, user: SignedIn) -> Result<Template, WebError> {
    let counts =
        if user.actor.role.needs_partner() { Some(counts(portal, &user.actor).await?) } else { None };
    Ok(page.render(
        "app/index",
        serde_json::json!({
            "role": user.actor.role.as_str(), "partner_id": user.actor.partner_id, "counts": counts,
        }),
    ))
}

pub fn routes() -> Vec<rocket::Route> {
    let mut all = routes![workspace];
    all.extend(requests::routes());
    all.extend(customers::routes());
    all.extend(developers::routes());
    all.extend(usage_analytics::routes());
    all.extend(quotes::routes());
    all.extend(quote_actions::routes());
    all.extend(orders::routes());
    all.extend(usage_upload::routes());
    all
}
