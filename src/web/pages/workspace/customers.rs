//! The customer book (`/app/customers`): search and pages, a new customer, and one customer's
//! details with its quotes, its token balance, packs and ledger, and the purchaser's balance link.

use crate::web::view::Template;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::response::Redirect;
use rocket::{State, get, post, routes};
use uuid::Uuid;

use super::quotes::quote_rows;
use super::view::{FormReply, errors_by_field, local_time, notice, pager_params};
use crate::domain::actor::{Actor, Origin};
use crate::domain::customers::Customer;
use crate::domain::customers::{self, CustomerInput};
use crate::domain::error::{Error, FieldError};
use crate::domain::paging::PageRequest;
use crate::domain::{Portal, balance, quotes};
use crate::web::auth::PartnerStaff;
use crate::web::balance_view::{balance_data, ledger_row};
use crate::web::csrf::Protected;
use crate::web::error::WebError;
use crate::web::page::Page;
use crate::web::pagination::{PageQuery, Pager};

/// The languages documents are issued in.
const DOCUMENT_LANGUAGES: [&str; 2] = ["ja", "en"];
/// How many of a customer's quotes its page lists (newest first).
const QUOTES_SHOWN: u64 = 50;

#[derive(Debug, FromForm)]
struct CustomerForm {
    #[field(default = String::new())]
    company_name: String,
    #[field(default = String::new())]
    department: String,
    #[field(default = String::new())]
    contact_name: String,
    #[field(default = String::new())]
    email: String,
    #[field(default = String::new())]
    phone: String,
    #[field(default = String::new())]
    postal_code: String,
    #[field(default = String::new())]
    address: String,
    #[field(default = String::new())]
    country: String,
    #[field(default = String::new())]
    language: String,
    #[field(default = String::new())]
    time_zone: String,
    #[field(default = String::new())]
    purchaser_autodesk_id: String,
    #[field(default = String::new())]
    trial_started_on: String,
}

impl CustomerForm {
    fn into_input(self) -> CustomerInput {
        CustomerInput {
            company_name: self.company_name,
            department: self.department,
            contact_name: self.contact_name,
            email: self.email,
            phone: self.phone,
            postal_code: self.postal_code,
            address: self.address,
            country: self.country,
            language: self.language,
            time_zone: self.time_zone,
            purchaser_autodesk_id: self.purchaser_autodesk_id,
            trial_started_on: self.trial_started_on,
        }
    }
}

fn form_view(input: &CustomerInput) -> serde_json::Value {
    serde_json::json!({
        "company_name": input.company_name, "department": input.department,
        "contact_name": input.contact_name, "email": input.email,
        "phone": input.phone, "postal_code": input.postal_code, "address": input.address,
        "country": input.country, "language": input.language, "time_zone": input.time_zone,
        "purchaser_autodesk_id": input.purchaser_autodesk_id, "trial_started_on": input.trial_started_on,
    })
}

fn row_view(row: &Customer) -> serde_json::Value {
    serde_json::json!({
        "id": row.id, "company_name": row.company_name, "contact_name": row.contact_name, "email": row.email,
        "language": row.language, "time_zone": row.time_zone.name(),
        "updated": local_time(row.updated_at, row.time_zone),
    })
}

fn choices(page: &Page) -> serde_json::Value {
    serde_json::json!({ "countries": crate::web::choices::countries(page.lang), "languages": DOCUMENT_LANGUAGES })
}

#[get("/app/customers?<q>&<paging..>")]
async fn list(
    portal: &State<Portal>,
    page: Page,
    staff: PartnerStaff,
    q: Option<&str>,
    paging: PageQuery,
) -> Result<Template, WebError> {
    let paging = paging.clamped();
    let q = q.map(str::trim).filter(|q| !q.is_empty());
    let (rows, total) = customers::list_customers(portal, &staff.0, q, paging.page, paging.per_page).await?;
    Ok(page.render(
        "app/customers",
        serde_json::json!({
            "customers": rows.iter().map(row_view).collect::<Vec<_>>(), "q": q.unwrap_or(""),
            "pager": Pager::new(paging, total), "pager_params": pager_params(&[("q", q)]),
        }),
    ))
}

/// What a customer page shows besides the customer: a notice after a redirect, and which page of
/// the ledger.
#[derive(Default)]
struct Shown {
    notice: Option<String>,
    ledger: PageQuery,
}

/// The customer's tokens: balance, packs, one page of the ledger and the purchaser's read-only link.
async fn tokens_view(
    portal: &Portal,
    actor: &Actor,
    row: &Customer,
    paging: PageQuery,
) -> Result<serde_json::Value, WebError> {
    let paging = paging.clamped();
    let balance = balance::customer_balance(portal, actor, row.id).await?;
    let ledger =
        balance::customer_ledger(portal, actor, row.id, PageRequest::new(paging.page, paging.per_page))
            .await?;
    Ok(serde_json::json!({
        "balance": balance_data(&balance, portal.clock.now()),
        "ledger": ledger.items.iter().map(|e| ledger_row(e, row.time_zone)).collect::<Vec<_>>(),
        "link": balance::balance_link(portal, row.id),
        "pager": Pager::new(paging, ledger.total),
    }))
}

/// The customer page: its form (with any errors) and, once it exists, its quotes.
async fn customer_page(
    portal: &Portal,
    page: &Page,
    actor: &Actor,
    row: Option<&Customer>,
    input: &CustomerInput,
    errors: &[FieldError],
    shown: Shown,
) -> Result<Template, WebError> {
    let Shown { notice, ledger: ledger_page } = shown;
    let quotes = match row {
        Some(row) => {
            let (views, _) = quotes::list_quotes(portal, actor, None, Some(row.id), 1, QUOTES_SHOWN).await?;
            quote_rows(&views, row.time_zone)
        }
        None => Vec::new(),
    };
    let tokens = match row {
        Some(row) => Some(tokens_view(portal, actor, row, ledger_page).await?),
        None => None,
    };
    Ok(page.render(
        "app/customer",
        serde_json::json!({
            "record": row.map(row_view), "form": form_view(input), "choices": choices(page), "notice": notice,
            "errors": errors_by_field(errors, page.lang, str::to_owned), "quotes": quotes, "tokens": tokens,
            "pack_links": true,
        }),
    ))
}

#[get("/app/customers/new")]
async fn new(portal: &State<Portal>, page: Page, staff: PartnerStaff) -> Result<Template, WebError> {
    let input = CustomerInput {
        country: "JP".into(),
        language: page.lang.code().into(),
        time_zone: "Asia/Tokyo".into(),
        ..CustomerInput::default()
    };
    customer_page(portal, &page, &staff.0, None, &input, &[], Shown::default()).await
}

#[post("/app/customers", data = "<form>")]
async fn create(
    portal: &State<Portal>,
    page: Page,
    staff: PartnerStaff,
    origin: Origin,
    form: Protected<CustomerForm>,
) -> Result<FormReply, WebError> {
    let input = form.0.into_input();
    match customers::create_customer(portal, &staff.0, &origin, &input).await {
        Ok(row) => Ok(FormReply::Done(Redirect::to(format!("/app/customers/{}?done=created", row.id)))),
        Err(Error::Validation(errors)) => {
            let template =
                customer_page(portal, &page, &staff.0, None, &input, &errors, Shown::default()).await?;
            Ok(FormReply::Again((Status::UnprocessableEntity, template)))
        }
        Err(other) => Err(other.into()),
    }
}

#[get("/app/customers/<id>?<done>&<paging..>")]
async fn edit(
    portal: &State<Portal>,
    page: Page,
    staff: PartnerStaff,
    id: Uuid,
    done: Option<&str>,
    paging: PageQuery,
) -> Result<Template, WebError> {
    let row = customers::get_customer(portal, &staff.0, id).await?;
    let notice = notice(&page, "customers", done, &["created", "saved"]);
    let input = CustomerInput::from_row(&row);
    customer_page(portal, &page, &staff.0, Some(&row), &input, &[], Shown { notice, ledger: paging }).await
}

#[post("/app/customers/<id>", data = "<form>")]
async fn update(
    portal: &State<Portal>,
    page: Page,
    staff: PartnerStaff,
    origin: Origin,
    id: Uuid,
    form: Protected<CustomerForm>,
) -> Result<FormReply, WebError> {
    let input = form.0.into_input();
    let submitted = input.clone();
    match customers::update_customer(portal, &staff.0, &origin, id, move |current| *current = submitted).await
    {
        Ok(row) => Ok(FormReply::Done(Redirect::to(format!("/app/customers/{}?done=saved", row.id)))),
        Err(Error::Validation(errors)) => {
            let row = customers::get_customer(portal, &staff.0, id).await?;
            let template =
                customer_page(portal, &page, &staff.0, Some(&row), &input, &errors, Shown::default()).await?;
            Ok(FormReply::Again((Status::UnprocessableEntity, template)))
        }
        Err(other) => Err(other.into()),
    }
}

pub fn routes() -> Vec<rocket::Route> {
    routes![list, new, create, edit, update]
}
