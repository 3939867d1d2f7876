//! `/quotes`: the reseller writes, sends, revises, withdraws and records acceptance of quotes.

use rocket::http::{ContentType, Header, Status};
use rocket::serde::json::Json;
use rocket::{Responder, State, get, patch, post, routes};
use serde::Deserialize;
use uuid::Uuid;

use crate::domain::Portal;
use crate::domain::actor::Origin;
use crate::domain::quotes::{self, LineInput, QuoteInput, QuoteView, SentQuote};
use crate::web::auth::PartnerStaff;
use crate::web::error::WebError;
use crate::web::json::ApiJson;
use crate::web::pagination::{PageQuery, Paginated};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineBody {
    #[serde(default)]
    tokens: serde_json::Value,
    #[serde(default)]
    discount_percent: Option<serde_json::Value>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct QuoteBody {
    #[serde(default)]
    customer_id: Option<Uuid>,
    #[serde(default)]
    quote_request_id: Option<Uuid>,
    #[serde(default)]
    currency: Option<String>,
    #[serde(default)]
    lines: Option<Vec<LineBody>>,
    #[serde(default)]
    valid_days: Option<serde_json::Value>,
    #[serde(default)]
    notes: Option<String>,
}

fn text_of(value: serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s,
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

impl From<QuoteBody> for QuoteInput {
    fn from(b: QuoteBody) -> Self {
        QuoteInput {
            customer_id: b.customer_id,
            quote_request_id: b.quote_request_id,
            currency: b.currency,
            lines: b
                .lines
                .unwrap_or_default()
                .into_iter()
                .map(|l| LineInput { tokens: l.tokens, discount_percent: l.discount_percent.map(text_of) })
                .collect(),
            valid_days: b.valid_days,
            notes: b.notes,
        }
    }
}

#[post("/quotes", data = "<body>")]
async fn create(
    portal: &State<Portal>,
    staff: PartnerStaff,
    origin: Origin,
    body: ApiJson<QuoteBody>,
) -> Result<(Status, Json<QuoteView>), WebError> {
    let view = quotes::create_quote(portal, &staff.0, &origin, &body.0.into()).await?;
    Ok((Status::Created, Json(view)))
}

#[get("/quotes?<status>&<customer>&<paging..>")]
async fn list(
    portal: &State<Portal>,
    staff: PartnerStaff,
    status: Option<&str>,
    customer: Option<Uuid>,
    paging: PageQuery,
) -> Result<Json<Paginated<QuoteView>>, WebError> {
    let paging = paging.clamped();
    let (items, total) =
        quotes::list_quotes(portal, &staff.0, status, customer, paging.page, paging.per_page).await?;
    Ok(Json(Paginated { items, total, page: paging.page, per_page: paging.per_page }))
}

#[get("/quotes/<id>")]
async fn read(portal: &State<Portal>, staff: PartnerStaff, id: Uuid) -> Result<Json<QuoteView>, WebError> {
    Ok(Json(quotes::get_quote(portal, &staff.0, id).await?))
}

#[patch("/quotes/<id>", data = "<body>")]
async fn update(
    portal: &State<Portal>,
    staff: PartnerStaff,
    origin: Origin,
    id: Uuid,
    body: ApiJson<QuoteBody>,
) -> Result<Json<QuoteView>, WebError> {
    Ok(Json(quotes::update_draft(portal, &staff.0, &origin, id, &body.0.into()).await?))
}

#[post("/quotes/<id>/send")]
async fn send(
    portal: &State<Portal>,
    staff: PartnerStaff,
    origin: Origin,
    id: Uuid,
) -> Result<Json<SentQuote>, WebError> {
    Ok(Json(quotes::send_quote(portal, &staff.0, &origin, id).await?))
}

#[post("/quotes/<id>/revise")]
async fn revise(
    portal: &State<Portal>,
    staff: PartnerStaff,
    origin: Origin,
    id: Uuid,
) -> Result<(Status, Json<QuoteView>), WebError> {
    Ok((Status::Created, Json(quotes::revise_quote(portal, &staff.0, &origin, id).await?)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReasonBody {
    #[serde(default)]
    reason: String,
}

#[post("/quotes/<id>/accept-on-behalf", data = "<body>")]
async fn accept_on_behalf(
    portal: &State<Portal>,
    staff: PartnerStaff,
    origin: Origin,
    id: Uuid,
    body: ApiJson<ReasonBody>,
) -> Result<Json<QuoteView>, WebError> {
    Ok(Json(quotes::accept_on_behalf(portal, &staff.0, &origin, id, &body.0.reason).await?))
}

#[post("/quotes/<id>/withdraw")]
async fn withdraw(
    portal: &State<Portal>,
    staff: PartnerStaff,
    origin: Origin,
    id: Uuid,
) -> Result<Json<QuoteView>, WebError> {
    Ok(Json(quotes::withdraw_quote(portal, &staff.0, &origin, id).await?))
}

/// A stored PDF, offered for download under its document number.
#[derive(Responder)]
pub struct PdfFile {
    inner: (ContentType, Vec<u8>),
    disposition: Header<'static>,
}

impl PdfFile {
    pub fn new(name: &str, bytes: Vec<u8>) -> Self {
        let safe: String =
            name.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')).collect();
        Self {
            inner: (ContentType::PDF, bytes),
            disposition: Header::new("Content-Disposition", format!("inline; filename=\"{safe}\"")),
        }
    }
}

#[get("/quotes/<id>/pdf")]
async fn pdf(portal: &State<Portal>, staff: PartnerStaff, id: Uuid) -> Result<PdfFile, WebError> {
    let (name, bytes) = quotes::quote_pdf(portal, &staff.0, id).await?;
    Ok(PdfFile::new(&name, bytes))
}

pub fn routes() -> Vec<rocket::Route> {
    routes![create, list, read, update, send, revise, accept_on_behalf, withdraw, pdf]
}
