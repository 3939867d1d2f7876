//! The customer's quote page (`/q/{token}`): view, download the PDF, accept or decline; and the
//! public document verification page (`/verify/{code}`).

use crate::web::view::Template;
use rocket::form::FromForm;
use rocket::http::{Header, Status};
use rocket::response::Redirect;
use rocket::{Responder, State, get, post, routes};

use crate::domain::Portal;
use crate::domain::actor::Origin;
use crate::domain::error::{Error, FieldError};
use crate::domain::quotes::{self, AcceptInput, PublicQuote};
use crate::web::api::quotes::PdfFile;
use crate::web::auth::MaybeSignedIn;
use crate::web::csrf::Protected;
use crate::web::error::{WebError, field_errors};
use crate::web::page::Page;

fn quote_page(
    page: &Page,
    token: &str,
    quote: &PublicQuote,
    errors: serde_json::Value,
    message: Option<String>,
    notice: Option<String>,
    typed: serde_json::Value,
) -> Template {
    page.render(
        "public/quote",
        serde_json::json!({ "token": token, "quote": quote, "errors": errors, "message": message, "notice": notice, "typed": typed }),
    )
}

#[get("/q/<token>?<done>")]
async fn view(
    portal: &State<Portal>,
    page: Page,
    token: &str,
    done: Option<&str>,
) -> Result<Template, WebError> {
    let quote = quotes::public_quote(portal, token).await?;
    let notice = done.map(|d| {
        page.text(if d == "accepted" {
            "quote_public.accepted_notice"
        } else {
            "quote_public.declined_notice"
        })
    });
    Ok(quote_page(&page, token, &quote, serde_json::json!({}), None, notice, serde_json::json!({})))
}

#[get("/q/<token>/pdf")]
async fn pdf(portal: &State<Portal>, token: &str) -> Result<PdfFile, WebError> {
    let (name, bytes) = quotes::public_pdf(portal, token).await?;
    Ok(PdfFile::new(&name, bytes))
}

#[derive(FromForm)]
struct AcceptForm {
    #[field(default = String::new())]
    name: String,
    #[field(default = false)]
    agree: bool,
    #[field(default = String::new())]
    pdf_sha256: String,
}

#[derive(Responder)]
enum Reply {
    Done(Redirect),
    Page((Status, Template)),
}

/// The quote page again, saying why; `typed` is what the customer typed (kept in the fields).
async fn refused(
    portal: &Portal,
    page: &Page,
    token: &str,
    error: Error,
    typed: serde_json::Value,
) -> Result<Reply, WebError> {
    let quote = quotes::public_quote(portal, token).await?;
    match error {
        Error::Validation(errors) => {
            let mut by_field = serde_json::Map::new();
            for e in field_errors(&errors, page.lang) {
                by_field.entry(e.field).or_insert(serde_json::Value::String(e.message));
            }
            Ok(Reply::Page((
                Status::UnprocessableEntity,
                quote_page(page, token, &quote, by_field.into(), None, None, typed),
            )))
        }
        Error::Conflict(message) => {
            let text = message.get(page.lang.code()).to_owned();
            Ok(Reply::Page((
                Status::Conflict,
                quote_page(page, token, &quote, serde_json::json!({}), Some(text), None, typed),
            )))
        }
        other => Err(other.into()),
    }
}

#[post("/q/<token>/accept", data = "<form>")]
async fn accept(
    portal: &State<Portal>,
    page: Page,
    origin: Origin,
    visitor: MaybeSignedIn,
    token: &str,
    form: Protected<AcceptForm>,
) -> Result<Reply, WebError> {
    let form = form.0;
    let typed = serde_json::json!({ "name": form.name });
    // Staff accepting through the customer's link would record the acceptance as the customer's
    // own; the workspace has "record acceptance on behalf" for that.
    if visitor.0.is_some() {
        let quote = quotes::public_quote(portal, token).await?;
        let text = page.text("quote_public.staff_signed_in");
        return Ok(Reply::Page((
            Status::Forbidden,
            quote_page(&page, token, &quote, serde_json::json!({}), Some(text), None, typed),
        )));
    }
    let input = AcceptInput { name: form.name, agree: form.agree, pdf_sha256: Some(form.pdf_sha256) };
    match quotes::accept_public(portal, &origin, token, &input).await {
        Ok(_) => Ok(Reply::Done(Redirect::to(format!("/q/{token}?done=accepted")))),
        Err(e) => refused(portal, &page, token, e, typed).await,
    }
}

#[derive(FromForm)]
struct DeclineForm {
    #[field(default = String::new())]
    reason: String,
    /// Declining cannot be undone: the form has a box to tick.
    #[field(default = false)]
    confirm: bool,
}

#[post("/q/<token>/decline", data = "<form>")]
async fn decline(
    portal: &State<Portal>,
    page: Page,
    origin: Origin,
    token: &str,
    form: Protected<DeclineForm>,
) -> Result<Reply, WebError> {
    let typed = serde_json::json!({ "reason": form.0.reason });
    if !form.0.confirm {
        let error = Error::Validation(vec![FieldError::new(
            "confirm",
            "confirmation_required",
            "Tick the box to confirm you want to decline.",
            "辞退する場合は確認欄にチェックを入れてください。",
        )]);
        return refused(portal, &page, token, error, typed).await;
    }
    match quotes::decline_public(portal, &origin, token, &form.0.reason).await {
        Ok(_) => Ok(Reply::Done(Redirect::to(format!("/q/{token}?done=declined")))),
        Err(e) => refused(portal, &page, token, e, typed).await,
    }
}

#[derive(Responder)]
enum VerifyReply {
    Found(Template),
    Missing((Status, Template)),
    Limited { inner: (Status, Template), retry_after: Header<'static> },
}

/// The verification form: `/verify` shows it, `/verify?code=…` goes to that code's page (a plain
/// GET form, so it works without scripts and can be bookmarked).
#[derive(Responder)]
enum VerifyForm {
    Form(Template),
    Lookup(Box<Redirect>),
}

#[get("/verify?<code>")]
fn verify_form(page: Page, code: Option<&str>) -> VerifyForm {
    let typed = code.map(|c| c.trim().to_ascii_uppercase()).unwrap_or_default();
    if typed.is_empty() {
        return VerifyForm::Form(
            page.render("public/verify", serde_json::json!({ "document": null, "code": "" })),
        );
    }
    let encoded = rocket::http::RawStr::new(&typed).percent_encode();
    VerifyForm::Lookup(Box::new(Redirect::to(format!("/verify/{encoded}"))))
}

/// Lookups are limited per client: the codes are short, and the page must not become a way to
/// enumerate every document issued.
#[get("/verify/<code>")]
async fn verify(
    portal: &State<Portal>,
    page: Page,
    origin: Origin,
    code: &str,
) -> Result<VerifyReply, WebError> {
    if let Err(Error::RateLimited { retry_after_secs }) = limit_verify(portal, &origin) {
        let message = page.text("verify.too_many").replace("{seconds}", &retry_after_secs.to_string());
        let body = page.render("public/verify", serde_json::json!({ "document": null, "limited": message }));
        return Ok(VerifyReply::Limited {
            inner: (Status::TooManyRequests, body),
            retry_after: Header::new("Retry-After", retry_after_secs.to_string()),
        });
    }
    let typed = code.trim().to_ascii_uppercase();
    match quotes::verify(portal, &typed).await {
        Ok(verification) => {
            let issued_on = quotes::format_date(verification.issued_on, page.lang.code());
            Ok(VerifyReply::Found(page.render(
                "public/verify",
                serde_json::json!({ "document": verification, "issued_on": issued_on, "code": typed }),
            )))
        }
        Err(Error::NotFound) => {
            let body = page.render(
                "public/verify",
                serde_json::json!({ "document": null, "missing": true, "code": typed }),
            );
            Ok(VerifyReply::Missing((Status::NotFound, body)))
        }
        Err(other) => Err(other.into()),
    }
}

/// The per-client limit on document verification lookups, shared by the page and the API.
///
/// # Errors
/// `RateLimited` once the client has looked up `verify_lookups_per_client_per_minute` codes.
pub fn limit_verify(portal: &Portal, origin: &Origin) -> Result<(), Error> {
    let limit = portal.config.verify_lookups_per_client_per_minute;
    portal.limiter.per_client("verify", origin, limit, std::time::Duration::from_secs(60))
}

pub fn routes() -> Vec<rocket::Route> {
    routes![view, pdf, accept, decline, verify_form, verify]
}
