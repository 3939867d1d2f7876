//! What a reseller does to a quote from its page: send, revise, withdraw, record the customer's
//! acceptance, and download the PDF that was sent. Each action is a CSRF-protected form that
//! redirects back with a notice, or shows the page again with why it could not be done.

use rocket::form::FromForm;
use rocket::http::Status;
use rocket::response::Redirect;
use rocket::{State, get, post, routes};
use uuid::Uuid;

use super::quotes::{Shown, quote_page};
use super::view::FormReply;
use crate::domain::actor::Origin;
use crate::domain::error::{Error, FieldError};
use crate::domain::{Portal, quotes};
use crate::web::api::quotes::PdfFile;
use crate::web::auth::PartnerStaff;
use crate::web::csrf::{CsrfOnly, Protected};
use crate::web::error::{WebError, field_errors};
use crate::web::page::Page;

/// The quote page again, explaining a refusal: a state conflict (409) or bad input (422).
async fn refused(
    portal: &Portal,
    page: &Page,
    staff: &PartnerStaff,
    id: Uuid,
    error: Error,
    reason: String,
) -> Result<FormReply, WebError> {
    let lang = page.lang;
    let (status, shown) = match error {
        Error::Conflict(message) => (
            Status::Conflict,
            Shown { alert: Some(message.get(lang.code()).to_owned()), reason, ..Shown::default() },
        ),
        Error::Validation(errors) => {
            let messages: Vec<String> = field_errors(&errors, lang).into_iter().map(|e| e.message).collect();
            let on_reason = errors.iter().any(|e| e.field == "reason");
            let shown = if on_reason {
                Shown { reason_error: Some(messages.join(" ")), reason, ..Shown::default() }
            } else {
                Shown { alert: Some(messages.join(" ")), reason, ..Shown::default() }
            };
            (Status::UnprocessableEntity, shown)
        }
        other => return Err(other.into()),
    };
    let template = quote_page(portal, page, &staff.0, id, shown).await?;
    Ok(FormReply::Again((status, template)))
}

/// Sending and withdrawing cannot be undone: their forms carry a box to tick, checked here so a
/// stray click (or a form without it) changes nothing.
#[derive(FromForm)]
struct ConfirmForm {
    #[field(default = false)]
    confirm: bool,
}

fn unconfirmed(en: &'static str, ja: &'static str) -> Error {
    Error::Validation(vec![FieldError::new("confirm", "confirmation_required", en, ja)])
}

fn back(id: Uuid, done: &str) -> FormReply {
    FormReply::Done(Redirect::to(format!("/app/quotes/{id}?done={done}")))
}

#[post("/app/quotes/<id>/send", data = "<form>")]
async fn send(
    portal: &State<Portal>,
    page: Page,
    staff: PartnerStaff,
    origin: Origin,
    id: Uuid,
    form: Protected<ConfirmForm>,
) -> Result<FormReply, WebError> {
    if !form.0.confirm {
        let error = unconfirmed(
            "Tick the box to confirm the quote should go to the customer now.",
            "お客様に今すぐ送付してよいか、確認欄にチェックを入れてください。",
        );
        return refused(portal, &page, &staff, id, error, String::new()).await;
    }
    match quotes::send_quote(portal, &staff.0, &origin, id).await {
        Ok(_) => Ok(back(id, "sent")),
        Err(error) => refused(portal, &page, &staff, id, error, String::new()).await,
    }
}

#[post("/app/quotes/<id>/revise", data = "<form>")]
async fn revise(
    portal: &State<Portal>,
    page: Page,
    staff: PartnerStaff,
    origin: Origin,
    id: Uuid,
    form: Protected<CsrfOnly>,
) -> Result<FormReply, WebError> {
    let Protected(CsrfOnly { .. }) = form;
    match quotes::revise_quote(portal, &staff.0, &origin, id).await {
        Ok(revision) => Ok(back(revision.id, "revised")),
        Err(error) => refused(portal, &page, &staff, id, error, String::new()).await,
    }
}

#[post("/app/quotes/<id>/withdraw", data = "<form>")]
async fn withdraw(
    portal: &State<Portal>,
    page: Page,
    staff: PartnerStaff,
    origin: Origin,
    id: Uuid,
    form: Protected<ConfirmForm>,
) -> Result<FormReply, WebError> {
    if !form.0.confirm {
        let error = unconfirmed(
            "Tick the box to confirm the quote should be withdrawn.",
            "取り下げてよいか、確認欄にチェックを入れてください。",
        );
        return refused(portal, &page, &staff, id, error, String::new()).await;
    }
    match quotes::withdraw_quote(portal, &staff.0, &origin, id).await {
        Ok(_) => Ok(back(id, "withdrawn")),
        Err(error) => refused(portal, &page, &staff, id, error, String::new()).await,
    }
}

#[derive(FromForm)]
struct ReasonForm {
    #[field(default = String::new())]
    reason: String,
}

#[post("/app/quotes/<id>/accept-on-behalf", data = "<form>")]
async fn accept_on_behalf(
    portal: &State<Portal>,
    page: Page,
    staff: PartnerStaff,
    origin: Origin,
    id: Uuid,
    form: Protected<ReasonForm>,
) -> Result<FormReply, WebError> {
    let reason = form.0.reason;
    match quotes::accept_on_behalf(portal, &staff.0, &origin, id, &reason).await {
        Ok(_) => Ok(back(id, "accepted")),
        Err(error) => refused(portal, &page, &staff, id, error, reason).await,
    }
}

#[get("/app/quotes/<id>/pdf")]
async fn pdf(portal: &State<Portal>, staff: PartnerStaff, id: Uuid) -> Result<PdfFile, WebError> {
    let (name, bytes) = quotes::quote_pdf(portal, &staff.0, id).await?;
    Ok(PdfFile::new(&name, bytes))
}

pub fn routes() -> Vec<rocket::Route> {
    routes![send, revise, withdraw, accept_on_behalf, pdf]
}
