//! The customer's side of a quote (`/public/quotes/{token}`) and document verification
//! (`/verify/{code}`); no account, the unguessable token is the key.

use rocket::http::Status;
use rocket::request::Request;
use rocket::response::{self, Responder};
use rocket::serde::json::Json;
use rocket::{State, get, post, routes};
use serde::{Deserialize, Serialize};

use super::quotes::PdfFile;
use crate::domain::Portal;
use crate::domain::actor::Origin;
use crate::domain::quotes::{self, AcceptInput, PublicQuote};
use crate::web::auth::MaybeSignedIn;
use crate::web::error::{WebError, render};
use crate::web::i18n::lang_of;
use crate::web::json::ApiJson;

#[get("/public/quotes/<token>")]
async fn read(portal: &State<Portal>, token: &str) -> Result<Json<PublicQuote>, WebError> {
    Ok(Json(quotes::public_quote(portal, token).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AcceptBody {
    #[serde(default)]
    name: String,
    #[serde(default)]
    agree: bool,
    #[serde(default)]
    pdf_sha256: Option<String>,
}

#[derive(Serialize)]
struct Answer {
    status: &'static str,
}

/// Staff signed in (by cookie or bearer) may not accept through the customer's link: it would be
/// recorded as the customer's own acceptance. 403, pointing to "record acceptance on behalf".
pub struct StaffOnCustomerLink;

impl<'r> Responder<'r, 'static> for StaffOnCustomerLink {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let detail = lang_of(req).text("quote_public.staff_signed_in");
        render(req, Status::Forbidden, Some(detail), Vec::new(), None)
    }
}

#[derive(rocket::Responder)]
enum Refusal {
    Domain(WebError),
    Staff(StaffOnCustomerLink),
}

impl From<crate::domain::error::Error> for Refusal {
    fn from(e: crate::domain::error::Error) -> Self {
        Refusal::Domain(e.into())
    }
}

#[post("/public/quotes/<token>/accept", data = "<body>")]
async fn accept(
    portal: &State<Portal>,
    origin: Origin,
    visitor: MaybeSignedIn,
    token: &str,
    body: ApiJson<AcceptBody>,
) -> Result<Json<Answer>, Refusal> {
    if visitor.0.is_some() {
        return Err(Refusal::Staff(StaffOnCustomerLink));
    }
    let b = body.0;
    let input = AcceptInput { name: b.name, agree: b.agree, pdf_sha256: b.pdf_sha256 };
    let status = quotes::accept_public(portal, &origin, token, &input).await?;
    Ok(Json(Answer { status: status.as_str() }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DeclineBody {
    #[serde(default)]
    reason: String,
}

#[post("/public/quotes/<token>/decline", data = "<body>")]
async fn decline(
    portal: &State<Portal>,
    origin: Origin,
    token: &str,
    body: ApiJson<DeclineBody>,
) -> Result<Json<Answer>, WebError> {
    let status = quotes::decline_public(portal, &origin, token, &body.0.reason).await?;
    Ok(Json(Answer { status: status.as_str() }))
}

#[get("/public/quotes/<token>/pdf")]
async fn pdf(portal: &State<Portal>, token: &str) -> Result<PdfFile, WebError> {
    let (name, bytes) = quotes::public_pdf(portal, token).await?;
    Ok(PdfFile::new(&name, bytes))
}

/// Limited per client like the page (429 with `Retry-After`).
#[get("/verify/<code>")]
async fn verify(
    portal: &State<Portal>,
    origin: Origin,
    code: &str,
) -> Result<Json<quotes::Verification>, WebError> {
    crate::web::pages::limit_verify(portal, &origin)?;
    Ok(Json(quotes::verify(portal, code).await?))
}

pub fn routes() -> Vec<rocket::Route> {
    routes![read, accept, decline, pdf, verify]
}
