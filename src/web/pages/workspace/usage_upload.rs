//! Uploading a customer's usage report (`/app/customers/{id}/usage/upload`): a multipart form with
//! the CSV file, CSRF-protected, whose one-time nonce is the request's idempotency key; the answer
//! shows the counts and every rejected line with its reason.

use rocket::data::{Data, FromData, Outcome};
use rocket::form::{Form, FromForm};
use rocket::fs::TempFile;
use rocket::http::Status;
use rocket::request::Request;
use rocket::{State, get, post, routes};
use uuid::Uuid;

use super::orders::{form_nonce, keyed};
use crate::domain::actor::Origin;
use crate::domain::usage::{IngestReport, Outcome as EventOutcome, csv};
use crate::domain::{Portal, customers};
use crate::web::auth::PartnerStaff;
use crate::web::csrf::{form_token_matches, same_origin};
use crate::web::error::{WebError, field_errors};
use crate::web::page::Page;
use crate::web::view::Template;

#[derive(FromForm)]
struct UploadForm<'r> {
    #[field(name = "_csrf")]
    csrf: String,
    #[field(default = String::new())]
    nonce: String,
    file: TempFile<'r>,
}

/// A multipart upload that passed the CSRF checks; anything else answers 403.
struct ProtectedUpload<'r>(UploadForm<'r>);

#[rocket::async_trait]
impl<'r> FromData<'r> for ProtectedUpload<'r> {
    type Error = ();

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> Outcome<'r, Self, ()> {
        let multipart = req.content_type().is_some_and(|ct| ct.is_form_data());
        if !same_origin(req) || !multipart {
            return Outcome::Error((Status::Forbidden, ()));
        }
        let form = match Form::<UploadForm<'r>>::from_data(req, data).await {
            Outcome::Success(form) => form.into_inner(),
            _ => return Outcome::Error((Status::UnprocessableEntity, ())),
        };
        if !form_token_matches(req, &form.csrf).await {
            tracing::warn!("usage upload refused: CSRF token missing or wrong");
            return Outcome::Error((Status::Forbidden, ()));
        }
        Outcome::Success(ProtectedUpload(form))
    }
}

async fn render(
    portal: &Portal,
    page: &Page,
    staff: &PartnerStaff,
    id: Uuid,
    report: Option<&IngestReport>,
    errors: serde_json::Value,
) -> Result<Template, WebError> {
    let customer = customers::get_customer(portal, &staff.0, id).await?;
    let rejected: Vec<serde_json::Value> = report
        .map(|r| {
            r.results
                .iter()
                .filter(|e| e.result == EventOutcome::Rejected)
                .map(|e| {
                    let message = e.message.as_ref().map(|m| if page.lang.code() == "ja" { &m.ja } else { &m.en });
                    serde_json::json!({"line": e.line, "event_id": e.event_id, "reason": e.reason, "message": message})
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(page.render(
        "app/usage_upload",
        serde_json::json!({
            "customer": {"id": customer.id, "company_name": customer.company_name},
            "header": csv::HEADER,
            "nonce": form_nonce(),
            "report": report.map(|r| serde_json::json!({"applied": r.applied, "duplicate": r.duplicate, "rejected": r.rejected})),
            "rejected_rows": rejected,
            "errors": errors,
        }),
    ))
}

#[get("/app/customers/<id>/usage/upload")]
async fn form(
    portal: &State<Portal>,
    page: Page,
    staff: PartnerStaff,
    id: Uuid,
) -> Result<Template, WebError> {
    render(portal, &page, &staff, id, None, serde_json::json!({})).await
}

#[post("/app/customers/<id>/usage/upload", data = "<upload>")]
async fn upload(
    portal: &State<Portal>,
    page: Page,
    staff: PartnerStaff,
    origin: Origin,
    id: Uuid,
    upload: ProtectedUpload<'_>,
) -> Result<Template, WebError> {
    let form = upload.0;
    let origin = keyed(&origin, &form.nonce);
    let opened = form.file.open().await.map_err(|e| WebError(crate::domain::error::Error::internal(e)))?;
    let reader = Box::pin(opened);
    match csv::ingest_csv(portal, &staff.0, &origin, id, reader, csv::MAX_BYTES).await {
        Ok(results) => {
            let report = IngestReport::of(results);
            render(portal, &page, &staff, id, Some(&report), serde_json::json!({})).await
        }
        Err(crate::domain::error::Error::Validation(errors)) => {
            let text: Vec<String> = field_errors(&errors, page.lang).into_iter().map(|f| f.message).collect();
            render(portal, &page, &staff, id, None, serde_json::json!({"file": text.join(" ")})).await
        }
        Err(error) => Err(WebError(error)),
    }
}

pub fn routes() -> Vec<rocket::Route> {
    routes![form, upload]
}
