//! `/orders`: the reseller places orders from accepted quotes, fulfils, records payments, cancels
//! and downloads the order documents; `/customers/{id}/balance` and `/ledger`; the operator's
//! read-only `/admin/orders` and token adjustments; the purchaser's read-only balance link.
//! Writes that create money or tokens honour an `Idempotency-Key` header (see `domain::idempotency`).

use chrono::NaiveDate;
use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{State, get, post, routes};
use serde::Deserialize;
use uuid::Uuid;

use super::quotes::PdfFile;
use crate::domain::Portal;
use crate::domain::actor::Origin;
use crate::domain::balance::{self, BalanceView, LedgerEntryView};
use crate::domain::error::Error;
use crate::domain::orders::{
    self, OrderFilter, OrderStatus, OrderSummary, OrderView, PaymentMethod, PlaceOrder, RecordPayment,
};
use crate::domain::paging::{PageRequest, Paged};
use crate::web::auth::{Admin, PartnerStaff, SignedIn};
use crate::web::error::WebError;
use crate::web::json::ApiJson;
use crate::web::pagination::PageQuery;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlaceBody {
    #[serde(default)]
    quote_id: Option<Uuid>,
    #[serde(default)]
    payment_method: String,
}

#[post("/orders", data = "<body>")]
async fn place(
    portal: &State<Portal>,
    staff: PartnerStaff,
    origin: Origin,
    body: ApiJson<PlaceBody>,
) -> Result<(Status, Json<OrderView>), WebError> {
    let input = PlaceOrder { quote_id: body.0.quote_id, payment_method: body.0.payment_method };
    Ok((Status::Created, Json(orders::place_order(portal, &staff.0, &origin, input).await?)))
}

fn page(paging: PageQuery) -> PageRequest {
    PageRequest::new(paging.page, paging.per_page)
}

fn status_filter(status: Option<&str>) -> Result<Option<OrderStatus>, Error> {
    match status.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(text) => OrderStatus::parse(text).map(Some).ok_or_else(|| {
            Error::field(
                "status",
                "invalid",
                "Use placed, fulfilled or cancelled.",
                "placed、fulfilled、cancelled のいずれかを指定してください。",
            )
        }),
    }
}

#[get("/orders?<status>&<customer>&<paging..>")]
async fn list(
    portal: &State<Portal>,
    staff: PartnerStaff,
    status: Option<&str>,
    customer: Option<Uuid>,
    paging: PageQuery,
) -> Result<Json<Paged<OrderSummary>>, WebError> {
    let filter = OrderFilter { status: status_filter(status)?, customer, page: page(paging) };
    Ok(Json(orders::list_orders(portal, &staff.0, filter).await?))
}

#[get("/admin/orders?<status>&<customer>&<paging..>")]
async fn admin_list(
    portal: &State<Portal>,
    admin: Admin,
    status: Option<&str>,
    customer: Option<Uuid>,
    paging: PageQuery,
) -> Result<Json<Paged<OrderSummary>>, WebError> {
    let filter = OrderFilter { status: status_filter(status)?, customer, page: page(paging) };
    Ok(Json(orders::list_orders(portal, &admin.0, filter).await?))
}

#[get("/admin/orders/<id>")]
async fn admin_read(portal: &State<Portal>, admin: Admin, id: Uuid) -> Result<Json<OrderView>, WebError> {
    Ok(Json(orders::get_order(portal, &admin.0, id).await?))
}

#[get("/orders/<id>")]
async fn read(portal: &State<Portal>, staff: PartnerStaff, id: Uuid) -> Result<Json<OrderView>, WebError> {
    Ok(Json(orders::get_order(portal, &staff.0, id).await?))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FulfilBody {
    #[serde(default)]
    autodesk_order_ref: Option<String>,
}

#[post("/orders/<id>/fulfil", data = "<body>")]
async fn fulfil(
    portal: &State<Portal>,
    staff: PartnerStaff,
    origin: Origin,
    id: Uuid,
    body: ApiJson<FulfilBody>,
) -> Result<Json<OrderView>, WebError> {
    Ok(Json(orders::fulfil_order(portal, &staff.0, &origin, id, body.0.autodesk_order_ref).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CancelBody {
    #[serde(default)]
    reason: String,
}

#[post("/orders/<id>/cancel", data = "<body>")]
async fn cancel(
    portal: &State<Portal>,
    staff: PartnerStaff,
    origin: Origin,
    id: Uuid,
    body: ApiJson<CancelBody>,
) -> Result<Json<OrderView>, WebError> {
    Ok(Json(orders::cancel_order(portal, &staff.0, &origin, id, body.0.reason).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PaymentBody {
    #[serde(default)]
    paid_on: String,
    #[serde(default)]
    method: String,
}

fn payment_input(body: PaymentBody) -> Result<RecordPayment, Error> {
    let paid_on = NaiveDate::parse_from_str(body.paid_on.trim(), "%Y-%m-%d");
    let method = PaymentMethod::parse(body.method.trim());
    let mut errors = crate::domain::error::FieldErrors::new();
    if paid_on.is_err() {
        errors.push(crate::domain::error::FieldError::new(
            "paid_on",
            "invalid",
            "Give the payment date as YYYY-MM-DD.",
            "入金日は YYYY-MM-DD の形式で入力してください。",
        ));
    }
    if method.is_none() {
        errors.push(crate::domain::error::FieldError::new(
            "method",
            "invalid",
            "Choose invoice, bank_transfer or card.",
            "支払方法は invoice、bank_transfer、card のいずれかを指定してください。",
        ));
    }
    errors.into_result()?;
    match (paid_on, method) {
        (Ok(paid_on), Some(method)) => Ok(RecordPayment { paid_on, method }),
        _ => Err(Error::Internal("parsed payment input is incomplete".into())),
    }
}

#[post("/orders/<id>/payments", data = "<body>")]
async fn pay(
    portal: &State<Portal>,
    staff: PartnerStaff,
    origin: Origin,
    id: Uuid,
    body: ApiJson<PaymentBody>,
) -> Result<Json<OrderView>, WebError> {
    let input = payment_input(body.0)?;
    Ok(Json(orders::record_payment(portal, &staff.0, &origin, id, input).await?))
}

#[get("/orders/<id>/documents/<file>")]
async fn document(
    portal: &State<Portal>,
    signed_in: SignedIn,
    id: Uuid,
    file: &str,
) -> Result<PdfFile, WebError> {
    let kind = file.strip_suffix(".pdf").and_then(orders::parse_kind).ok_or(Error::NotFound)?;
    let issued = orders::order_document_pdf(portal, &signed_in.actor, id, kind).await?;
    Ok(PdfFile::new(&format!("{}.pdf", issued.number), issued.content))
}

#[get("/customers/<id>/balance")]
async fn customer_balance(
    portal: &State<Portal>,
    signed_in: SignedIn,
    id: Uuid,
) -> Result<Json<BalanceView>, WebError> {
    Ok(Json(balance::customer_balance(portal, &signed_in.actor, id).await?))
}

#[get("/customers/<id>/ledger?<paging..>")]
async fn customer_ledger(
    portal: &State<Portal>,
    signed_in: SignedIn,
    id: Uuid,
    paging: PageQuery,
) -> Result<Json<Paged<LedgerEntryView>>, WebError> {
    Ok(Json(balance::customer_ledger(portal, &signed_in.actor, id, page(paging)).await?))
}

#[derive(serde::Serialize)]
struct BalanceLink {
    url: String,
}

#[get("/customers/<id>/balance-link")]
async fn customer_balance_link(
    portal: &State<Portal>,
    staff: PartnerStaff,
    id: Uuid,
) -> Result<Json<BalanceLink>, WebError> {
    // Only for the reseller's own customer.
    balance::customer_balance(portal, &staff.0, id).await?;
    Ok(Json(BalanceLink { url: balance::balance_link(portal, id) }))
}

#[get("/public/balance/<token>")]
async fn public_balance(
    portal: &State<Portal>,
    token: &str,
) -> Result<Json<balance::PublicBalance>, WebError> {
    Ok(Json(balance::public_balance_by_link(portal, token).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AdjustmentBody {
    #[serde(default)]
    tokens: String,
    #[serde(default)]
    reason: String,
}

#[post("/admin/customers/<id>/adjustments", data = "<body>")]
async fn adjust(
    portal: &State<Portal>,
    admin: Admin,
    origin: Origin,
    id: Uuid,
    body: ApiJson<AdjustmentBody>,
) -> Result<Json<BalanceView>, WebError> {
    balance::adjust(portal, &admin.0, &origin, id, &body.0.tokens, &body.0.reason).await?;
    Ok(Json(balance::customer_balance(portal, &admin.0, id).await?))
}

pub fn routes() -> Vec<rocket::Route> {
    routes![
        place,
        list,
        read,
        fulfil,
        cancel,
        pay,
        document,
        customer_balance,
        customer_ledger,
        customer_balance_link,
        public_balance,
        admin_list,
        admin_read,
        adjust
    ]
}
