//! The home page.

use rocket::{get, routes};
use rocket_dyn_templates::Template;

use crate::web::page::Page;

#[get("/")]
fn home(page: Page) -> Template {
    page.render("home", serde_json::json!({}))
}

pub fn routes() -> Vec<rocket::Route> {
    routes![home]
}
