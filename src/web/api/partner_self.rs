//! A partner admin's own partner: `/partner` (profile) and `/partner/users` (staff).

use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{State, get, patch, post, routes};

use super::admin::UserView;
use super::admin_partners::StaffBody;
use crate::domain::Portal;
use crate::domain::accounts::create_user;
use crate::domain::actor::Origin;
use crate::domain::partners;
use crate::web::auth::{PartnerAdmin, PartnerStaff};
use crate::web::error::WebError;
use crate::web::json::ApiJson;
use crate::web::pagination::Paginated;
use crate::web::partner_view::{PartnerBody, PartnerRecord};

#[get("/partner")]
async fn read(portal: &State<Portal>, staff: PartnerStaff) -> Result<Json<PartnerRecord>, WebError> {
    let row = partners::own_partner(portal, &staff.0).await?;
    Ok(Json(PartnerRecord::of(&row, portal.today())))
}

#[patch("/partner", data = "<body>")]
async fn update(
    portal: &State<Portal>,
    admin: PartnerAdmin,
    origin: Origin,
    body: ApiJson<PartnerBody>,
) -> Result<Json<PartnerRecord>, WebError> {
    let row = partners::update_own_profile(portal, &admin.0, &origin, |input| body.0.apply(input)).await?;
    Ok(Json(PartnerRecord::of(&row, portal.today())))
}

#[get("/partner/users")]
async fn staff(portal: &State<Portal>, admin: PartnerAdmin) -> Result<Json<Paginated<UserView>>, WebError> {
    let rows = partners::list_staff(portal, &admin.0).await?;
    let total = rows.len() as u64;
    let items: Vec<UserView> = rows.into_iter().map(UserView::from).collect();
    Ok(Json(Paginated { per_page: total.max(1), items, total, page: 1 }))
}

#[post("/partner/users", data = "<body>")]
async fn add_staff(
    portal: &State<Portal>,
    admin: PartnerAdmin,
    origin: Origin,
    body: ApiJson<StaffBody>,
) -> Result<(Status, Json<UserView>), WebError> {
    let mut user = body.0.into_new_user();
    user.partner_id = admin.0.partner_id;
    let row = create_user(portal, Some(&admin.0), &origin, user).await?;
    Ok((Status::Created, Json(row.into())))
}

pub fn routes() -> Vec<rocket::Route> {
    routes![read, update, staff, add_staff]
}
