//! The customer's side of a quote (`/public/quotes/{token}`) and document verification
//! (`/verify/{code}`); no account, the unguessable token is the key.

use rocket::serde::json::Json;
use rocket::{State, get, post, routes};
use serde::{Deserialize, Serialize};

use super::quotes::PdfFile;
use crate::domain::Portal;
use crate::domain::actor::Origin;
use crate::domain::quotes::{self, AcceptInput, PublicQuote};
use crate::web::error::WebError;
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

#[post("/public/quotes/<token>/accept", data = "<body>")]
async fn accept(
    portal: &State<Portal>,
    origin: Origin,
    token: &str,
    body: ApiJson<AcceptBody>,
) -> Result<Json<Answer>, WebError> {
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
