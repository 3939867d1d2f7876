//! Operator API: `/admin/users` and `/admin/audit`.

use chrono::{DateTime, Utc};
use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{State, get, post, routes};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::Portal;
use crate::domain::accounts::{self, NewUser, User};
use crate::domain::actor::Origin;
use crate::domain::audit::{self, AuditEntry};
use crate::web::auth::Admin;
use crate::web::error::WebError;
use crate::web::json::ApiJson;
use crate::web::pagination::{PageQuery, Paginated};

#[derive(Serialize)]
pub struct UserView {
    id: Uuid,
    email: String,
    display_name: String,
    role: String,
    partner_id: Option<Uuid>,
    locale: String,
    active: bool,
    created_at: DateTime<Utc>,
}

impl From<User> for UserView {
    fn from(row: User) -> Self {
        Self {
            id: row.id,
            email: row.email,
            display_name: row.display_name,
            role: row.role.as_str().to_owned(),
            partner_id: row.partner_id,
            locale: row.locale,
            active: row.active,
            created_at: row.created_at,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateUser {
    email: String,
    #[serde(default)]
    display_name: String,
    role: String,
    #[serde(default)]
    partner_id: Option<Uuid>,
    password: String,
    #[serde(default)]
    locale: Option<String>,
}

#[get("/admin/users?<paging..>")]
async fn list_users(
    portal: &State<Portal>,
    admin: Admin,
    paging: PageQuery,
) -> Result<Json<Paginated<UserView>>, WebError> {
    let paging = paging.clamped();
    let (rows, total) = accounts::list_users(portal, &admin.0, paging.page, paging.per_page).await?;
    Ok(Json(Paginated {
        items: rows.into_iter().map(UserView::from).collect(),
        total,
        page: paging.page,
        per_page: paging.per_page,
    }))
}

#[post("/admin/users", data = "<body>")]
async fn create_user(
    portal: &State<Portal>,
    admin: Admin,
    origin: Origin,
    body: ApiJson<CreateUser>,
) -> Result<(Status, Json<UserView>), WebError> {
    let ApiJson(input) = body;
    let input = NewUser {
        email: input.email,
        display_name: input.display_name,
        role: input.role,
        partner_id: input.partner_id,
        password: input.password,
        locale: input.locale,
    };
    let row = accounts::create_user(portal, Some(&admin.0), &origin, input).await?;
    Ok((Status::Created, Json(row.into())))
}

#[derive(Serialize)]
struct AuditView {
    id: Uuid,
    at: DateTime<Utc>,
    actor_user_id: Option<Uuid>,
    actor_email: Option<String>,
    partner_id: Option<Uuid>,
    action: String,
    subject_type: String,
    subject_id: Option<String>,
    client_ip: Option<String>,
    request_id: Option<String>,
    detail: serde_json::Value,
}

impl From<AuditEntry> for AuditView {
    fn from(row: AuditEntry) -> Self {
        Self {
            id: row.id,
            at: row.at,
            actor_user_id: row.actor_user_id,
            actor_email: row.actor_email,
            partner_id: row.partner_id,
            action: row.action,
            subject_type: row.subject_type,
            subject_id: row.subject_id,
            client_ip: row.client_ip,
            request_id: row.request_id,
            detail: row.detail,
        }
    }
}

#[get("/admin/audit?<paging..>")]
async fn list_audit(
    portal: &State<Portal>,
    admin: Admin,
    paging: PageQuery,
) -> Result<Json<Paginated<AuditView>>, WebError> {
    let paging = paging.clamped();
    let (rows, total) = audit::list(portal.db.conn(), &admin.0, paging.page, paging.per_page).await?;
    Ok(Json(Paginated {
        items: rows.into_iter().map(AuditView::from).collect(),
        total,
        page: paging.page,
        per_page: paging.per_page,
    }))
}

pub fn routes() -> Vec<rocket::Route> {
    routes![list_users, create_user, list_audit]
}
