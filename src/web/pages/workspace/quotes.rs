//! Quote pages (`/app/quotes`): the list with a status filter, a new draft for a customer or a
//! quote request, and one quote with its lines and totals (and, while a draft, its editor).

use std::collections::HashMap;

use crate::web::view::Template;
use chrono_tz::Tz;
use rocket::http::Status;
use rocket::response::Redirect;
use rocket::{State, get, post, routes};
use uuid::Uuid;

use super::orders::{form_nonce, order_row};
use super::quote_editor::{QuoteForm, Submission, editor_view};
use super::view::{FormReply, grouped, local_time, notice, pager_params};
use crate::domain::actor::{Actor, Origin};
use crate::domain::error::{Error, FieldError};
use crate::domain::money::Currency;
use crate::domain::order_lookup::order_for_quote;
use crate::domain::orders::PaymentMethod;
use crate::domain::quotes::{self, QuoteStatus, QuoteView};
use crate::domain::{Portal, customers, quote_requests};
use crate::web::auth::PartnerStaff;
use crate::web::csrf::Protected;
use crate::web::error::WebError;
use crate::web::page::Page;
use crate::web::pagination::{PageQuery, Pager};

const STATUSES: [&str; 8] =
    ["draft", "sent", "accepted", "declined", "expired", "withdrawn", "superseded", "ordered"];
/// How many customers the "new quote" page offers when it was opened without one.
const CUSTOMER_CHOICES: u64 = 100;
/// Outcomes a redirect back to a quote page may report.
pub const DONE: [&str; 6] = ["created", "saved", "sent", "revised", "withdrawn", "accepted"];

/// The last valid day in the customer's time zone, if the quote has been sent.
fn valid_until(view: &QuoteView, tz: Tz) -> Option<String> {
    view.valid_until.map(|until| quotes::last_valid_day(until, tz).to_string())
}

/// One line of a quote list.
pub fn quote_rows(views: &[QuoteView], tz: Tz) -> Vec<serde_json::Value> {
    views.iter().map(|v| quote_row(v, tz)).collect()
}

fn quote_row(view: &QuoteView, tz: Tz) -> serde_json::Value {
    serde_json::json!({
        "id": view.id, "number": view.number, "revision": view.revision, "status": view.status,
        "customer": {"id": view.customer.id, "company_name": view.customer.company_name},
        "total": view.total.to_string(), "valid_until": valid_until(view, tz),
        "updated": local_time(view.updated_at, tz),
    })
}

#[get("/app/quotes?<status>&<paging..>")]
async fn list(
    portal: &State<Portal>,
    page: Page,
    staff: PartnerStaff,
    status: Option<&str>,
    paging: PageQuery,
) -> Result<Template, WebError> {
    let paging = paging.clamped();
    let status = status.filter(|s| !s.is_empty());
    let (views, total) =
        quotes::list_quotes(portal, &staff.0, status, None, paging.page, paging.per_page).await?;
    // Each row shows its dates in its own customer's time zone.
    let mut zones: HashMap<Uuid, Tz> = HashMap::new();
    let mut rows = Vec::with_capacity(views.len());
    for view in &views {
        let tz = match zones.get(&view.customer.id) {
            Some(tz) => *tz,
            None => {
                let customer = customers::get_customer(portal, &staff.0, view.customer.id).await?;
                *zones.entry(view.customer.id).or_insert(customer.time_zone)
            }
        };
        rows.push(quote_row(view, tz));
    }
    Ok(page.render(
        "app/quotes",
        serde_json::json!({
            "quotes": rows, "statuses": STATUSES, "status": status.unwrap_or(""),
            "pager": Pager::new(paging, total), "pager_params": pager_params(&[("status", status)]),
        }),
    ))
}

/// The "new quote" page: for a customer, for a quote request, or with a choice of customers.
async fn new_page(
    portal: &Portal,
    page: &Page,
    actor: &Actor,
    customer: Option<Uuid>,
    request: Option<Uuid>,
    submitted: Option<(&QuoteForm, &[FieldError], &Submission)>,
) -> Result<Template, WebError> {
    let found = match request {
        Some(id) => Some(quote_requests::get(portal, actor, id).await?),
        None => None,
    };
    let customer_id = customer.or_else(|| found.as_ref().and_then(|(target, _)| target.customer_id));
    let customer = match customer_id {
        Some(id) => Some(customers::get_customer(portal, actor, id).await?),
        None => None,
    };
    let choices = match (&customer, &found) {
        (None, None) => customers::list_customers(portal, actor, None, 1, CUSTOMER_CHOICES).await?.0,
        _ => Vec::new(),
    };
    let currency = customer.as_ref().map_or(Currency::Jpy, quotes::default_currency);
    let tokens = found.as_ref().map(|(_, r)| i64::from(r.tokens.get()));
    let fresh = QuoteForm::new_quote(customer_id, request, currency, tokens);
    let editor = match submitted {
        Some((form, errors, submission)) => {
            editor_view("/app/quotes", form, errors, Some(submission), page.lang)
        }
        None => editor_view("/app/quotes", &fresh, &[], None, page.lang),
    };
    Ok(page.render(
        "app/quote_new",
        serde_json::json!({
            "customer": customer.as_ref().map(|c| serde_json::json!({"id": c.id, "company_name": c.company_name})),
            "request": found.as_ref().map(|(t, r)| serde_json::json!({
                "id": t.id, "reference": r.reference, "company": r.company, "tokens": grouped(i64::from(r.tokens.get())),
            })),
            "choices": choices.iter().map(|c| serde_json::json!({"id": c.id, "company_name": c.company_name})).collect::<Vec<_>>(),
            "editor": editor,
        }),
    ))
}

#[get("/app/quotes/new?<customer>&<request>")]
async fn new(
    portal: &State<Portal>,
    page: Page,
    staff: PartnerStaff,
    customer: Option<Uuid>,
    request: Option<Uuid>,
) -> Result<Template, WebError> {
    new_page(portal, &page, &staff.0, customer, request, None).await
}

#[post("/app/quotes", data = "<form>")]
async fn create(
    portal: &State<Portal>,
    page: Page,
    staff: PartnerStaff,
    origin: Origin,
    form: Protected<QuoteForm>,
) -> Result<FormReply, WebError> {
    let form = form.0;
    let submission = form.submission();
    match quotes::create_quote(portal, &staff.0, &origin, &submission.input).await {
        Ok(view) => Ok(FormReply::Done(Redirect::to(format!("/app/quotes/{}?done=created", view.id)))),
        Err(error) => {
            let errors = submission.errors(error)?;
            let (customer, request) = (submission.input.customer_id, submission.input.quote_request_id);
            let template =
                new_page(portal, &page, &staff.0, customer, request, Some((&form, &errors, &submission)))
                    .await?;
            Ok(FormReply::Again((Status::UnprocessableEntity, template)))
        }
    }
}

/// What the last action on a quote left to show on its page.
#[derive(Default)]
pub struct Shown<'a> {
    pub notice: Option<String>,
    pub alert: Option<String>,
    pub editor: Option<(&'a QuoteForm, &'a [FieldError], &'a Submission)>,
    pub reason: String,
    pub reason_error: Option<String>,
    /// Why the "place order" form was refused (beside its payment method).
    pub order_error: Option<String>,
}

fn quote_view(view: &QuoteView, tz: Tz) -> serde_json::Value {
    let lines: Vec<_> = view
        .lines
        .iter()
        .map(|l| {
            serde_json::json!({
                "tokens": grouped(l.tokens), "unit_price": l.unit_price.to_string(),
                "discount_percent": l.discount_percent, "amount": l.amount.to_string(),
            })
        })
        .collect();
    serde_json::json!({
        "id": view.id, "number": view.number, "revision": view.revision, "next_revision": view.revision + 1,
        "status": view.status, "customer": {"id": view.customer.id, "company_name": view.customer.company_name},
        "request_id": view.quote_request_id, "currency": view.currency, "lines": lines,
        "subtotal": view.subtotal.to_string(), "tax": view.tax.to_string(), "tax_rate": view.tax_rate_percent,
        "tax_treatment": view.tax_treatment,
        "total": view.total.to_string(), "valid_days": view.valid_days, "valid_until": valid_until(view, tz),
        "notes": view.notes, "sent_at": view.sent_at.map(|t| local_time(t, tz)), "public_url": view.public_url,
        "pdf_sha256": view.pdf_sha256, "responded_at": view.responded_at.map(|t| local_time(t, tz)),
        "accepted_name": view.accepted_name,
        "accepted_on_behalf": view.accepted_on_behalf, "response_reason": view.response_reason,
        "updated": local_time(view.updated_at, tz), "time_zone": tz.name(),
    })
}

/// One quote as the reseller works on it.
pub async fn quote_page(
    portal: &Portal,
    page: &Page,
    actor: &Actor,
    id: Uuid,
    shown: Shown<'_>,
) -> Result<Template, WebError> {
    let view = quotes::get_quote(portal, actor, id).await?;
    let customer = customers::get_customer(portal, actor, view.customer.id).await?;
    let action = format!("/app/quotes/{id}");
    let editor = match (view.status, shown.editor) {
        (QuoteStatus::Draft, Some((form, errors, submission))) => {
            Some(editor_view(&action, form, errors, Some(submission), page.lang))
        }
        (QuoteStatus::Draft, None) => {
            Some(editor_view(&action, &QuoteForm::from_view(&view), &[], None, page.lang))
        }
        _ => None,
    };
    let order = match view.status {
        QuoteStatus::Ordered => order_for_quote(portal, actor, id).await?.map(|o| order_row(&o)),
        _ => None,
    };
    Ok(page.render(
        "app/quote",
        serde_json::json!({
            "quote": quote_view(&view, customer.time_zone), "editor": editor, "choices": [],
            "notice": shown.notice, "alert": shown.alert, "reason": shown.reason, "reason_error": shown.reason_error,
            "order": order, "order_error": shown.order_error, "nonce": form_nonce(),
            "methods": PaymentMethod::ALL.map(PaymentMethod::as_str),
        }),
    ))
}

#[get("/app/quotes/<id>?<done>")]
async fn show(
    portal: &State<Portal>,
    page: Page,
    staff: PartnerStaff,
    id: Uuid,
    done: Option<&str>,
) -> Result<Template, WebError> {
    let shown = Shown { notice: notice(&page, "quotes", done, &DONE), ..Shown::default() };
    quote_page(portal, &page, &staff.0, id, shown).await
}

#[post("/app/quotes/<id>", data = "<form>")]
async fn update(
    portal: &State<Portal>,
    page: Page,
    staff: PartnerStaff,
    origin: Origin,
    id: Uuid,
    form: Protected<QuoteForm>,
) -> Result<FormReply, WebError> {
    let form = form.0;
    let submission = form.submission();
    match quotes::update_draft(portal, &staff.0, &origin, id, &submission.input).await {
        Ok(_) => Ok(FormReply::Done(Redirect::to(format!("/app/quotes/{id}?done=saved")))),
        Err(Error::Conflict(message)) => {
            let shown = Shown { alert: Some(message.get(page.lang.code()).to_owned()), ..Shown::default() };
            let template = quote_page(portal, &page, &staff.0, id, shown).await?;
            Ok(FormReply::Again((Status::Conflict, template)))
        }
        Err(error) => {
            let errors = submission.errors(error)?;
            let shown = Shown { editor: Some((&form, &errors, &submission)), ..Shown::default() };
            let template = quote_page(portal, &page, &staff.0, id, shown).await?;
            Ok(FormReply::Again((Status::UnprocessableEntity, template)))
        }
    }
}

pub fn routes() -> Vec<rocket::Route> {
    routes![list, new, create, show, update]
}
