//! The signed-in landing page of the reseller workspace (`/app`).

use rocket::{get, routes};
use rocket_dyn_templates::Template;

use crate::web::auth::SignedIn;
use crate::web::page::Page;

#[get("/app")]
fn workspace(page: Page, user: SignedIn) -> Template {
    page.render(
        "app/index",
        serde_json::json!({ "role": user.actor.role.as_str(), "partner_id": user.actor.partner_id }),
    )
}

pub fn routes() -> Vec<rocket::Route> {
    routes![workspace]
}
