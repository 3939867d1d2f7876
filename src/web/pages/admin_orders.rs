//! The operator's read-only list of every partner's orders (`/admin/orders`).

use std::collections::HashMap;

use crate::web::view::Template;
use rocket::{State, get, routes};
use uuid::Uuid;

use super::order_list;
use crate::domain::{Portal, partners};
use crate::web::auth::Admin;
use crate::web::error::WebError;
use crate::web::page::Page;
use crate::web::pagination::PageQuery;

#[get("/admin/orders?<status>&<paging..>")]
async fn list(
    portal: &State<Portal>,
    page: Page,
    admin: Admin,
    status: Option<&str>,
    paging: PageQuery,
) -> Result<Template, WebError> {
    let mut data = order_list(portal, &admin.0, status, paging).await?;
    // Each row names its partner in the page's language.
    let mut names: HashMap<Uuid, String> = HashMap::new();
    if let Some(rows) = data.get_mut("orders").and_then(|o| o.as_array_mut()) {
        for row in rows {
            let Some(id) =
                row.get("partner_id").and_then(|p| p.as_str()).and_then(|p| Uuid::parse_str(p).ok())
            else {
                continue;
            };
            if let std::collections::hash_map::Entry::Vacant(slot) = names.entry(id) {
                let partner = partners::get_partner(portal, &admin.0, id).await?;
                slot.insert(if page.lang.code() == "ja" { partner.name_ja } else { partner.name_en });
            }
            row["partner_name"] = names.get(&id).cloned().unwrap_or_default().into();
        }
    }
    if let Some(map) = data.as_object_mut() {
        map.insert("show_partner".into(), true.into());
    }
    Ok(page.render("admin/orders", data))
}

pub fn routes() -> Vec<rocket::Route> {
    routes![list]
}
