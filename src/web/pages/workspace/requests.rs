//! The inbox of quote requests (`/app/requests`): the list with a status filter, one request with
//! its message, and the steps a reseller takes on it.

use crate::web::view::Template;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::response::Redirect;
use rocket::{State, get, post, routes};
use uuid::Uuid;

use super::view::{
    DEFAULT_TIME_ZONE, FormReply, country_name, grouped, language_name, local_time, notice, pager_params,
    region_name,
};
use crate::domain::Portal;
use crate::domain::actor::Origin;
use crate::domain::error::Error;
use crate::domain::quote_requests;
use crate::domain::quote_requests::reason::reason_text;
use crate::domain::quote_requests::{QuoteRequest, RequestTarget};
use crate::web::auth::PartnerStaff;
use crate::web::csrf::{CsrfOnly, Protected};
use crate::web::error::{WebError, field_errors};
use crate::web::page::Page;
use crate::web::pagination::{PageQuery, Pager};

const STATUSES: [&str; 4] = ["new", "in_progress", "quoted", "declined"];

fn item(page: &Page, (target, request): &(RequestTarget, QuoteRequest)) -> serde_json::Value {
    serde_json::json!({
        "id": target.id, "reference": request.reference, "status": target.status.as_str(), "reason": reason_text(&target.reason, page.lang.code()),
        "received": local_time(target.created_at, DEFAULT_TIME_ZONE), "company": request.company,
        "contact_name": request.contact_name, "email": request.email, "autodesk_id": request.autodesk_id,
        "tokens": grouped(i64::from(request.tokens.get())), "country": country_name(&request.country, page.lang),
        "region": request.region.as_deref().map(|r| region_name(r, page.lang)),
        "language": language_name(&request.language, page.lang), "message": request.message,
        "customer_id": target.customer_id,
    })
}

#[get("/app/requests?<status>&<paging..>")]
async fn inbox(
    portal: &State<Portal>,
    page: Page,
    staff: PartnerStaff,
    status: Option<&str>,
    paging: PageQuery,
) -> Result<Template, WebError> {
    let paging = paging.clamped();
    let status = status.filter(|s| !s.is_empty());
    let (rows, total) = quote_requests::inbox(portal, &staff.0, status, paging.page, paging.per_page).await?;
    Ok(page.render(
        "app/requests",
        serde_json::json!({
            "requests": rows.iter().map(|r| item(&page, r)).collect::<Vec<_>>(),
            "statuses": STATUSES, "status": status.unwrap_or(""),
            "pager": Pager::new(paging, total), "pager_params": pager_params(&[("status", status)]),
        }),
    ))
}

fn request_page(
    page: &Page,
    found: &(RequestTarget, QuoteRequest),
    notice: Option<String>,
    alert: Option<String>,
) -> Template {
    page.render(
        "app/request",
        serde_json::json!({ "request": item(page, found), "notice": notice, "alert": alert }),
    )
}

#[get("/app/requests/<id>?<done>")]
async fn detail(
    portal: &State<Portal>,
    page: Page,
    staff: PartnerStaff,
    id: Uuid,
    done: Option<&str>,
) -> Result<Template, WebError> {
    let found = quote_requests::get(portal, &staff.0, id).await?;
    let notice = notice(&page, "requests", done, &["in_progress", "declined"]);
    Ok(request_page(&page, &found, notice, None))
}

/// Makes (or finds) the request's customer, then opens the quote editor for it.
#[post("/app/requests/<id>/quote", data = "<form>")]
async fn write_quote(
    portal: &State<Portal>,
    page: Page,
    staff: PartnerStaff,
    origin: Origin,
    id: Uuid,
    form: Protected<CsrfOnly>,
) -> Result<FormReply, WebError> {
    let Protected(CsrfOnly { .. }) = form;
    match quote_requests::customer_for(portal, &staff.0, &origin, id).await {
        Ok(_) => Ok(FormReply::Done(Redirect::to(format!("/app/quotes/new?request={id}")))),
        // A request can ask for a language documents are not issued in: say why, on the request.
        Err(Error::Validation(errors)) => {
            let found = quote_requests::get(portal, &staff.0, id).await?;
            let messages: Vec<String> =
                field_errors(&errors, page.lang).into_iter().map(|e| e.message).collect();
            let alert = Some(format!("{} {}", page.text("requests.no_customer"), messages.join(" ")));
            Ok(FormReply::Again((Status::UnprocessableEntity, request_page(&page, &found, None, alert))))
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(FromForm)]
struct StatusForm {
    #[field(default = String::new())]
    status: String,
}

#[post("/app/requests/<id>/status", data = "<form>")]
async fn set_status(
    portal: &State<Portal>,
    page: Page,
    staff: PartnerStaff,
    origin: Origin,
    id: Uuid,
    form: Protected<StatusForm>,
) -> Result<FormReply, WebError> {
    let status = form.0.status;
    match quote_requests::set_status(portal, &staff.0, &origin, id, &status).await {
        Ok((target, _)) => {
            Ok(FormReply::Done(Redirect::to(format!("/app/requests/{id}?done={}", target.status.as_str()))))
        }
        Err(Error::Conflict(message)) => {
            let found = quote_requests::get(portal, &staff.0, id).await?;
            let alert = Some(message.get(page.lang.code()).to_owned());
            Ok(FormReply::Again((Status::Conflict, request_page(&page, &found, None, alert))))
        }
        Err(other) => Err(other.into()),
    }
}

pub fn routes() -> Vec<rocket::Route> {
    routes![inbox, detail, write_quote, set_status]
}
