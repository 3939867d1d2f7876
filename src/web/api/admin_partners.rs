//! Operator API for partners: `/admin/partners` (list, create, read, update, staff accounts).

use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{State, get, patch, post, routes};
use serde::Deserialize;
use uuid::Uuid;

use super::admin::UserView;
use crate::domain::Portal;
use crate::domain::accounts::NewUser;
use crate::domain::actor::Origin;
use crate::domain::partners::{self, PartnerInput};
use crate::web::auth::Admin;
use crate::web::error::WebError;
use crate::web::json::ApiJson;
use crate::web::pagination::{PageQuery, Paginated};
use crate::web::partner_view::{PartnerBody, PartnerRecord};

#[get("/admin/partners?<q>&<paging..>")]
async fn list(
    portal: &State<Portal>,
    admin: Admin,
    q: Option<&str>,
    paging: PageQuery,
) -> Result<Json<Paginated<PartnerRecord>>, WebError> {
    let paging = paging.clamped();
    let (rows, total) = partners::list_partners(portal, &admin.0, q, paging.page, paging.per_page).await?;
    let today = portal.today();
    let items = rows.iter().map(|row| PartnerRecord::of(row, today)).collect();
    Ok(Json(Paginated { items, total, page: paging.page, per_page: paging.per_page }))
}

#[post("/admin/partners", data = "<body>")]
async fn create(
    portal: &State<Portal>,
    admin: Admin,
    origin: Origin,
    body: ApiJson<PartnerBody>,
) -> Result<(Status, Json<PartnerRecord>), WebError> {
    let mut input = PartnerInput::default();
    body.0.apply(&mut input);
    let row = partners::create_partner(portal, &admin.0, &origin, &input).await?;
    Ok((Status::Created, Json(PartnerRecord::of(&row, portal.today()))))
}

#[get("/admin/partners/<id>")]
async fn read(portal: &State<Portal>, admin: Admin, id: Uuid) -> Result<Json<PartnerRecord>, WebError> {
    let row = partners::get_partner(portal, &admin.0, id).await?;
    Ok(Json(PartnerRecord::of(&row, portal.today())))
}

#[patch("/admin/partners/<id>", data = "<body>")]
async fn update(
    portal: &State<Portal>,
    admin: Admin,
    origin: Origin,
    id: Uuid,
    body: ApiJson<PartnerBody>,
) -> Result<Json<PartnerRecord>, WebError> {
    let row = partners::update_partner(portal, &admin.0, &origin, id, |input| body.0.apply(input)).await?;
    Ok(Json(PartnerRecord::of(&row, portal.today())))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffBody {
    pub email: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default = "default_staff_role")]
    pub role: String,
    pub password: String,
    #[serde(default)]
    pub locale: Option<String>,
}

fn default_staff_role() -> String {
    "partner_admin".into()
}

impl StaffBody {
    pub fn into_new_user(self) -> NewUser {
        NewUser {
            email: self.email,
            display_name: self.display_name,
            role: self.role,
            partner_id: None,
            password: self.password,
            locale: self.locale,
        }
    }
}

#[post("/admin/partners/<id>/users", data = "<body>")]
async fn create_staff(
    portal: &State<Portal>,
    admin: Admin,
    origin: Origin,
    id: Uuid,
    body: ApiJson<StaffBody>,
) -> Result<(Status, Json<UserView>), WebError> {
    let user = partners::create_partner_user(portal, &admin.0, &origin, id, body.0.into_new_user()).await?;
    Ok((Status::Created, Json(user.into())))
}

pub fn routes() -> Vec<rocket::Route> {
    routes![list, create, read, update, create_staff]
}
