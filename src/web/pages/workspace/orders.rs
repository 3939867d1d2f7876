//! Order pages (`/app/orders`): the list with a status filter, one order with its documents, pack
//! and payment, and the forms that fulfil it, record its payment or cancel it; and the "place order"
//! form of an accepted quote. Forms that create money or tokens carry a one-time nonce that goes to
//! the domain as the request's idempotency key, so a double click or a reload acts once.

use crate::web::view::Template;
use chrono::NaiveDate;
use chrono_tz::Tz;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::response::Redirect;
use rocket::{State, get, post, routes};
use uuid::Uuid;

use super::view::{
    DEFAULT_TIME_ZONE, FormReply, errors_by_field, grouped_tokens, local_date, local_time, notice,
    pager_params,
};
use crate::domain::actor::{Actor, Origin};
use crate::domain::error::{Error, FieldError};
use crate::domain::order_lookup::order_for_quote;
use crate::domain::orders::{
    self, OrderFilter, OrderStatus, OrderSummary, OrderView, PaymentMethod, PlaceOrder, RecordPayment,
    kind_slug,
};
use crate::domain::paging::PageRequest;
use crate::domain::{Portal, customers};
use crate::web::api::quotes::PdfFile;
use crate::web::auth::PartnerStaff;
use crate::web::csrf::Protected;
use crate::web::error::{WebError, field_errors};
use crate::web::page::Page;
use crate::web::pagination::{PageQuery, Pager};

/// Outcomes a redirect back to an order page may report.
pub const DONE: [&str; 5] = ["placed", "existing", "fulfilled", "paid", "cancelled"];
/// How long a "place order" click waits for a twin click that is still placing the same order.
const TWIN_WAIT_MS: u64 = 100;
const TWIN_TRIES: u32 = 50;

/// A fresh one-time nonce for a form.
pub fn form_nonce() -> String {
    Uuid::new_v4().simple().to_string()
}

/// The request's origin with the form's nonce as its idempotency key (`form:<nonce>`); a nonce
/// that is not one we hand out is ignored (the domain's conditional updates still act once).
pub(super) fn keyed(origin: &Origin, nonce: &str) -> Origin {
    let nonce = nonce.trim();
    let valid = nonce.len() == 32 && nonce.chars().all(|c| c.is_ascii_hexdigit());
    Origin { idempotency_key: valid.then(|| format!("form:{nonce}")), ..origin.clone() }
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

/// One line of an order list; the placed date in Asia/Tokyo.
pub fn order_row(summary: &OrderSummary) -> serde_json::Value {
    serde_json::json!({
        "id": summary.id, "number": summary.number, "status": summary.status,
        "partner_id": summary.partner_id, "payment_method": summary.payment_method,
        "customer": {"id": summary.customer.id, "company_name": summary.customer.company_name},
        "total": summary.total, "tokens": grouped_tokens(summary.tokens),
        "placed_on": local_date(summary.placed_at, DEFAULT_TIME_ZONE),
    })
}

/// One page of the actor's orders (the operator's: every partner's).
pub async fn order_list(
    portal: &Portal,
    actor: &Actor,
    status: Option<&str>,
    paging: PageQuery,
) -> Result<serde_json::Value, WebError> {
    let paging = paging.clamped();
    let status = status.map(str::trim).filter(|s| !s.is_empty());
    let filter = OrderFilter {
        status: status_filter(status)?,
        customer: None,
        page: PageRequest::new(paging.page, paging.per_page),
    };
    let found = orders::list_orders(portal, actor, filter).await?;
    Ok(serde_json::json!({
        "orders": found.items.iter().map(order_row).collect::<Vec<_>>(),
        "statuses": OrderStatus::ALL.map(OrderStatus::as_str), "status": status.unwrap_or(""),
        "pager": Pager::new(paging, found.total), "pager_params": pager_params(&[("status", status)]),
    }))
}

#[get("/app/orders?<status>&<paging..>")]
async fn list(
    portal: &State<Portal>,
    page: Page,
    staff: PartnerStaff,
    status: Option<&str>,
    paging: PageQuery,
) -> Result<Template, WebError> {
    let mut data = order_list(portal, &staff.0, status, paging).await?;
    if let Some(map) = data.as_object_mut() {
        map.insert("order_links".into(), "/app/orders/".into());
        map.insert("customer_links".into(), true.into());
    }
    Ok(page.render("app/orders", data))
}

/// What the last action on an order left to show on its page.
#[derive(Default)]
struct Shown {
    notice: Option<String>,
    alert: Option<String>,
    errors: Vec<FieldError>,
    typed: serde_json::Value,
}

fn order_data(view: &OrderView, tz: Tz) -> serde_json::Value {
    let documents: Vec<_> = view
        .documents
        .iter()
        .map(|d| {
            serde_json::json!({
                "kind": d.kind, "number": d.number, "sha256": d.sha256, "verify_code": d.verify_code,
                "verify_url": d.verify_url, "issued": local_time(d.issued_at, tz),
                "url": format!("/app/orders/{}/documents/{}.pdf", view.id, kind_slug(d.kind)),
            })
        })
        .collect();
    let payments: Vec<_> = view
        .payments
        .iter()
        .map(|p| {
            serde_json::json!({
                "paid_on": p.paid_on.to_string(), "method": p.method, "amount": p.amount,
                "recorded": local_time(p.recorded_at, tz),
            })
        })
        .collect();
    let pack = view.pack.as_ref().map(|p| {
        serde_json::json!({
            "tokens": grouped_tokens(p.tokens), "remaining": grouped_tokens(p.remaining), "status": p.status,
            "last_day": p.last_day, "available_at": p.available_at.map(|t| local_time(t, tz)),
        })
    });
    serde_json::json!({
        "id": view.id, "number": view.number, "status": view.status, "payment_method": view.payment_method,
        "customer": {"id": view.customer.id, "company_name": view.customer.company_name},
        "quote": {"id": view.quote.id, "number": view.quote.number, "revision": view.quote.revision},
        "subtotal": view.subtotal, "tax": view.tax, "tax_rate": view.tax_rate_percent, "tax_treatment": view.tax_treatment, "total": view.total,
        "tokens": grouped_tokens(view.tokens), "autodesk_order_ref": view.autodesk_order_ref,
        "placed": local_time(view.placed_at, tz), "fulfilled": view.fulfilled_at.map(|t| local_time(t, tz)),
        "cancelled": view.cancelled_at.map(|t| local_time(t, tz)), "cancel_reason": view.cancel_reason,
        "documents": documents, "pack": pack, "payments": payments, "time_zone": tz.name(),
        "can_fulfil": view.status == OrderStatus::Placed, "can_cancel": view.status == OrderStatus::Placed,
        "can_pay": view.status != OrderStatus::Cancelled && view.payments.is_empty(),
    })
}

async fn order_page(
    portal: &Portal,
    page: &Page,
    actor: &Actor,
    id: Uuid,
    shown: Shown,
) -> Result<Template, WebError> {
    let view = orders::get_order(portal, actor, id).await?;
    let customer = customers::get_customer(portal, actor, view.customer.id).await?;
    let today = portal.clock.now().with_timezone(&customer.time_zone).date_naive().to_string();
    let mut typed = serde_json::json!({"paid_on": today, "method": view.payment_method.as_str()});
    if let (Some(all), serde_json::Value::Object(given)) = (typed.as_object_mut(), shown.typed) {
        all.extend(given);
    }
    let errors = errors_by_field(&shown.errors, page.lang, str::to_owned);
    Ok(page.render(
        "app/order",
        serde_json::json!({
            "order": order_data(&view, customer.time_zone), "notice": shown.notice, "alert": shown.alert,
            "errors": errors, "typed": typed, "nonce": form_nonce(),
            "methods": PaymentMethod::ALL.map(PaymentMethod::as_str),
        }),
    ))
}

#[get("/app/orders/<id>?<done>")]
async fn show(
    portal: &State<Portal>,
    page: Page,
    staff: PartnerStaff,
    id: Uuid,
    done: Option<&str>,
) -> Result<Template, WebError> {
    let shown = Shown { notice: notice(&page, "orders", done, &DONE), ..Shown::default() };
    order_page(portal, &page, &staff.0, id, shown).await
}

/// The order page again, explaining a refusal: a state conflict (409) or bad input (422) beside
/// its field.
async fn refused(
    portal: &Portal,
    page: &Page,
    staff: &PartnerStaff,
    id: Uuid,
    error: Error,
    typed: serde_json::Value,
) -> Result<FormReply, WebError> {
    let (status, shown) = match error {
        Error::Conflict(message) => (
            Status::Conflict,
            Shown { alert: Some(message.get(page.lang.code()).to_owned()), typed, ..Shown::default() },
        ),
        Error::Validation(errors) => {
            (Status::UnprocessableEntity, Shown { errors, typed, ..Shown::default() })
        }
        other => return Err(other.into()),
    };
    let template = order_page(portal, page, &staff.0, id, shown).await?;
    Ok(FormReply::Again((status, template)))
}

fn back(id: Uuid, done: &str) -> FormReply {
    FormReply::Done(Redirect::to(format!("/app/orders/{id}?done={done}")))
}

#[derive(FromForm)]
struct FulfilForm {
    #[field(default = String::new())]
    autodesk_order_ref: String,
    #[field(default = String::new())]
    nonce: String,
}

#[post("/app/orders/<id>/fulfil", data = "<form>")]
async fn fulfil(
    portal: &State<Portal>,
    page: Page,
    staff: PartnerStaff,
    origin: Origin,
    id: Uuid,
    form: Protected<FulfilForm>,
) -> Result<FormReply, WebError> {
    let form = form.0;
    let reference = Some(form.autodesk_order_ref.trim().to_owned()).filter(|r| !r.is_empty());
    match orders::fulfil_order(portal, &staff.0, &keyed(&origin, &form.nonce), id, reference).await {
        Ok(_) => Ok(back(id, "fulfilled")),
        Err(error) => {
            let typed = serde_json::json!({"autodesk_order_ref": form.autodesk_order_ref});
            refused(portal, &page, &staff, id, error, typed).await
        }
    }
}

#[derive(FromForm)]
struct PaymentForm {
    #[field(default = String::new())]
    paid_on: String,
    #[field(default = String::new())]
    method: String,
    #[field(default = String::new())]
    nonce: String,
}

fn payment_input(form: &PaymentForm) -> Result<RecordPayment, Error> {
    let paid_on = NaiveDate::parse_from_str(form.paid_on.trim(), "%Y-%m-%d");
    let method = PaymentMethod::parse(form.method.trim());
    let mut errors = crate::domain::error::FieldErrors::new();
    if paid_on.is_err() {
        errors.push(FieldError::new(
            "paid_on",
            "invalid",
            "Give the payment date as YYYY-MM-DD.",
            "入金日は YYYY-MM-DD の形式で入力してください。",
        ));
    }
    if method.is_none() {
        errors.push(FieldError::new(
            "method",
            "invalid",
            "Choose how the customer paid.",
            "支払方法を選択してください。",
        ));
    }
    errors.into_result()?;
    match (paid_on, method) {
        (Ok(paid_on), Some(method)) => Ok(RecordPayment { paid_on, method }),
        _ => Err(Error::Internal("parsed payment input is incomplete".into())),
    }
}

#[post("/app/orders/<id>/payments", data = "<form>")]
async fn pay(
    portal: &State<Portal>,
    page: Page,
    staff: PartnerStaff,
    origin: Origin,
    id: Uuid,
    form: Protected<PaymentForm>,
) -> Result<FormReply, WebError> {
    let form = form.0;
    let typed = serde_json::json!({"paid_on": form.paid_on, "method": form.method});
    let result = match payment_input(&form) {
        Ok(input) => orders::record_payment(portal, &staff.0, &keyed(&origin, &form.nonce), id, input).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(_) => Ok(back(id, "paid")),
        Err(error) => refused(portal, &page, &staff, id, error, typed).await,
    }
}

#[derive(FromForm)]
struct CancelForm {
    #[field(default = String::new())]
    reason: String,
    #[field(default = false)]
    confirm: bool,
    #[field(default = String::new())]
    nonce: String,
}

#[post("/app/orders/<id>/cancel", data = "<form>")]
async fn cancel(
    portal: &State<Portal>,
    page: Page,
    staff: PartnerStaff,
    origin: Origin,
    id: Uuid,
    form: Protected<CancelForm>,
) -> Result<FormReply, WebError> {
    let form = form.0;
    let typed = serde_json::json!({"reason": form.reason});
    if !form.confirm {
        let error = Error::Validation(vec![FieldError::new(
            "confirm",
            "confirmation_required",
            "Tick the box to confirm the order should be cancelled.",
            "取り消してよいか、確認欄にチェックを入れてください。",
        )]);
        return refused(portal, &page, &staff, id, error, typed).await;
    }
    let origin = keyed(&origin, &form.nonce);
    match orders::cancel_order(portal, &staff.0, &origin, id, form.reason.clone()).await {
        Ok(_) => Ok(back(id, "cancelled")),
        Err(error) => refused(portal, &page, &staff, id, error, typed).await,
    }
}

#[get("/app/orders/<id>/documents/<file>")]
async fn document(
    portal: &State<Portal>,
    staff: PartnerStaff,
    id: Uuid,
    file: &str,
) -> Result<PdfFile, WebError> {
    let kind = file.strip_suffix(".pdf").and_then(orders::parse_kind).ok_or(Error::NotFound)?;
    let issued = orders::order_document_pdf(portal, &staff.0, id, kind).await?;
    Ok(PdfFile::new(&format!("{}.pdf", issued.number), issued.content))
}

#[derive(FromForm)]
struct PlaceForm {
    #[field(default = String::new())]
    payment_method: String,
    #[field(default = String::new())]
    nonce: String,
}

/// Places the order for an accepted quote. A second click, a reload or a second tab finds the
/// order the first one placed and shows it instead of an error.
#[post("/app/quotes/<id>/order", data = "<form>")]
async fn place(
    portal: &State<Portal>,
    page: Page,
    staff: PartnerStaff,
    origin: Origin,
    id: Uuid,
    form: Protected<PlaceForm>,
) -> Result<FormReply, WebError> {
    let form = form.0;
    let origin = keyed(&origin, &form.nonce);
    let input = PlaceOrder { quote_id: Some(id), payment_method: form.payment_method.clone() };
    let mut tries = 0;
    loop {
        let error = match orders::place_order(portal, &staff.0, &origin, input.clone()).await {
            Ok(view) => {
                return Ok(FormReply::Done(Redirect::to(format!("/app/orders/{}?done=placed", view.id))));
            }
            Err(error) => error,
        };
        if let Some(existing) = order_for_quote(portal, &staff.0, id).await? {
            return Ok(FormReply::Done(Redirect::to(format!("/app/orders/{}?done=existing", existing.id))));
        }
        // A twin request with the same nonce is still placing it: wait for its answer.
        let twin_running =
            matches!(&error, Error::Conflict(message) if message.en.contains("Idempotency-Key"));
        tries += 1;
        if twin_running && tries < TWIN_TRIES {
            tokio::time::sleep(std::time::Duration::from_millis(TWIN_WAIT_MS)).await;
            continue;
        }
        return quote_refused(portal, &page, &staff, id, error).await;
    }
}

/// The quote page again with why no order could be placed.
async fn quote_refused(
    portal: &Portal,
    page: &Page,
    staff: &PartnerStaff,
    id: Uuid,
    error: Error,
) -> Result<FormReply, WebError> {
    use super::quotes::{Shown as QuoteShown, quote_page};
    let lang = page.lang;
    let (status, alert, order_error) = match error {
        Error::Conflict(message) => (Status::Conflict, Some(message.get(lang.code()).to_owned()), None),
        Error::Validation(errors) => {
            let messages: Vec<String> = field_errors(&errors, lang).into_iter().map(|e| e.message).collect();
            (Status::UnprocessableEntity, None, Some(messages.join(" ")))
        }
        other => return Err(other.into()),
    };
    let shown = QuoteShown { alert, order_error, ..QuoteShown::default() };
    let template = quote_page(portal, page, &staff.0, id, shown).await?;
    Ok(FormReply::Again((status, template)))
}

pub fn routes() -> Vec<rocket::Route> {
    routes![list, show, fulfil, pay, cancel, document, place]
}
