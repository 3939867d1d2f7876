//! `/quote-requests`: the public submits; reseller staff work their inbox.

use chrono::{DateTime, Utc};
use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{State, get, patch, post, routes};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::Portal;
use crate::domain::actor::Origin;
use crate::domain::quote_requests::reason::reason_text;
use crate::domain::quote_requests::{self, QuoteRequest, RequestInput, RequestTarget, Submitted};
use crate::web::auth::PartnerStaff;
use crate::web::error::WebError;
use crate::web::json::ApiJson;
use crate::web::pagination::{PageQuery, Paginated};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RequestBody {
    #[serde(default)]
    partner: Option<String>,
    #[serde(default)]
    company: String,
    #[serde(default)]
    contact_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    autodesk_id: String,
    #[serde(default)]
    tokens: serde_json::Value,
    #[serde(default)]
    country: String,
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    language: String,
    #[serde(default)]
    message: Option<String>,
    /// The honeypot: people leave it empty.
    #[serde(default)]
    website: Option<String>,
}

#[post("/quote-requests", data = "<body>")]
async fn submit(
    portal: &State<Portal>,
    origin: Origin,
    body: ApiJson<RequestBody>,
) -> Result<(Status, Json<Submitted>), WebError> {
    let b = body.0;
    let input = RequestInput {
        partner: b.partner,
        company: b.company,
        contact_name: b.contact_name,
        email: b.email,
        autodesk_id: b.autodesk_id,
        tokens: b.tokens,
        country: b.country,
        region: b.region.unwrap_or_default(),
        language: b.language,
        message: b.message.unwrap_or_default(),
        website: b.website.unwrap_or_default(),
    };
    Ok((Status::Created, Json(quote_requests::submit(portal, &origin, &input).await?)))
}

#[derive(Serialize)]
pub struct InboxItem {
    id: Uuid,
    reference: String,
    status: String,
    /// Why the request came to this partner, in English.
    reason: String,
    /// The same as a code: `chosen`, or `routed:<tier>:<area>:<language>:<open requests>`.
    reason_code: String,
    company: String,
    contact_name: String,
    email: String,
    autodesk_id: String,
    tokens: i64,
    country: String,
    region: Option<String>,
    language: String,
    message: String,
    customer_id: Option<Uuid>,
    received_at: DateTime<Utc>,
}

pub fn item((target, request): (RequestTarget, QuoteRequest)) -> InboxItem {
    InboxItem {
        id: target.id,
        reference: request.reference,
        status: target.status.as_str().to_owned(),
        reason: reason_text(&target.reason, "en"),
        reason_code: target.reason,
        company: request.company,
        contact_name: request.contact_name,
        email: request.email,
        autodesk_id: request.autodesk_id,
        tokens: i64::from(request.tokens.get()),
        country: request.country,
        region: request.region,
        language: request.language,
        message: request.message,
        customer_id: target.customer_id,
        received_at: target.created_at,
    }
}

#[get("/quote-requests?<status>&<paging..>")]
async fn inbox(
    portal: &State<Portal>,
    staff: PartnerStaff,
    status: Option<&str>,
    paging: PageQuery,
) -> Result<Json<Paginated<InboxItem>>, WebError> {
    let paging = paging.clamped();
    let (rows, total) = quote_requests::inbox(portal, &staff.0, status, paging.page, paging.per_page).await?;
    Ok(Json(Paginated {
        items: rows.into_iter().map(item).collect(),
        total,
        page: paging.page,
        per_page: paging.per_page,
    }))
}

#[get("/quote-requests/<id>")]
async fn read(portal: &State<Portal>, staff: PartnerStaff, id: Uuid) -> Result<Json<InboxItem>, WebError> {
    Ok(Json(item(quote_requests::get(portal, &staff.0, id).await?)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusBody {
    status: String,
}

#[patch("/quote-requests/<id>", data = "<body>")]
async fn set_status(
    portal: &State<Portal>,
    staff: PartnerStaff,
    origin: Origin,
    id: Uuid,
    body: ApiJson<StatusBody>,
) -> Result<Json<InboxItem>, WebError> {
    Ok(Json(item(quote_requests::set_status(portal, &staff.0, &origin, id, &body.0.status).await?)))
}

pub fn routes() -> Vec<rocket::Route> {
    routes![submit, inbox, read, set_status]
}
