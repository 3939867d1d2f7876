//! The one place where failures become HTTP: `application/problem+json` (RFC 9457) for the API and
//! for clients that ask for JSON, an HTML error page otherwise. Internal details are logged with the
//! request id and never sent.

use std::sync::Mutex;

use crate::web::view::Template;
use rocket::http::{ContentType, Header, Status};
use rocket::request::Request;
use rocket::response::{self, Responder, Response};
use rocket::{Catcher, catch, catchers};
use serde::Serialize;

use super::auth::{Carrier, SignedIn};
use super::client::request_id;
use super::i18n::{Lang, lang_of};
use super::page::UserView;
use crate::domain::Portal;
use crate::domain::error::{Error, FieldError};

#[derive(Debug, Serialize)]
pub struct ProblemField {
    pub field: String,
    pub code: String,
    pub message: String,
}

#[derive(Debug, Serialize)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
    pub request_id: String,
    #[serde(skip)]
    pub retry_after: Option<u64>,
}

/// A problem a data guard found, left for the catcher that renders its status.
#[derive(Default)]
pub struct PendingProblem(pub Mutex<Option<(String, Vec<ProblemField>)>>);

pub fn leave_problem(req: &Request<'_>, detail: String, errors: Vec<ProblemField>) {
    let slot = req.local_cache(PendingProblem::default);
    *slot.0.lock().unwrap_or_else(|p| p.into_inner()) = Some((detail, errors));
}

fn wants_json(req: &Request<'_>) -> bool {
    super::routing::is_api(req)
        || req.headers().get_one("Accept").is_some_and(|a| a.contains("json") && !a.contains("text/html"))
}

fn status_key(status: Status) -> (&'static str, &'static str) {
    match status.code {
        400 | 413 | 422 => ("bad-request", "errors.bad_request"),
        401 => ("unauthorized", "errors.unauthorized"),
        403 => ("forbidden", "errors.forbidden"),
        404 => ("not-found", "errors.not_found"),
        409 => ("conflict", "errors.conflict"),
        415 => ("unsupported-media-type", "errors.unsupported_media_type"),
        429 => ("too-many-requests", "errors.too_many"),
        503 => ("unavailable", "errors.unavailable"),
        _ => ("internal", "errors.internal"),
    }
}

pub fn field_errors(errors: &[FieldError], lang: Lang) -> Vec<ProblemField> {
    errors
        .iter()
        .map(|e| ProblemField {
            field: e.field.to_string(),
            code: e.code.to_owned(),
            message: e.message.get(lang.code()).to_owned(),
        })
        .collect()
}

/// The header of a signed-in user's pages (name, navigation, a working sign-out form), so an error
/// page does not look signed out. Reads the session this request already resolved; the catcher
/// resolves it first for requests no route took.
fn signed_in_header(req: &Request<'_>) -> (Option<UserView>, String, bool) {
    let signed_in = super::auth::already_resolved(req);
    match (signed_in, req.rocket().state::<Portal>()) {
        (Some(SignedIn { actor, carrier: Carrier::Cookie }), Some(portal)) => (
            Some(UserView::from(actor)),
            super::csrf::session_token(portal, actor.session_id),
            actor.is_admin() && super::pages::outbox_available(portal.config.profile),
        ),
        _ => (None, String::new(), false),
    }
}

/// Renders a status as a problem document or an error page.
pub fn render(
    req: &Request<'_>,
    status: Status,
    detail: Option<String>,
    errors: Vec<ProblemField>,
    retry_after: Option<u64>,
) -> response::Result<'static> {
    let lang = lang_of(req);
    let (kind, key) = status_key(status);
    let title = status.reason().unwrap_or("Error").to_owned();
    let detail = detail.unwrap_or_else(|| lang.text(key));
    let request_id = request_id(req);
    let mut response = if wants_json(req) {
        let problem = Problem {
            kind: format!("https://flexportal.example/problems/{kind}"),
            title,
            status: status.code,
            detail,
            errors,
            request_id,
            retry_after,
        };
        let body = serde_json::to_string(&problem).map_err(|_| Status::InternalServerError)?;
        Response::build()
            .header(ContentType::new("application", "problem+json"))
            .sized_body(body.len(), std::io::Cursor::new(body))
            .finalize()
    } else {
        let (user, csrf, show_outbox) = signed_in_header(req);
        let context = serde_json::json!({
            "lang": lang.code(),
            "tr": lang.catalog(),
            "status": status.code,
            "detail": detail,
            "errors": errors,
            "request_id": request_id,
            "user": user,
            "path": req.uri().path().to_string(),
            "csrf": csrf,
            "show_outbox": show_outbox,
        });
        Template::render("errors/error", context).respond_to(req)?
    };
    response.set_status(status);
    if let Some(seconds) = retry_after {
        response.set_header(Header::new("Retry-After", seconds.to_string()));
    }
    Ok(response)
}

/// A response already built, handed back as it is.
pub struct Rendered(pub Response<'static>);

impl<'r> Responder<'r, 'static> for Rendered {
    fn respond_to(self, _: &'r Request<'_>) -> response::Result<'static> {
        Ok(self.0)
    }
}

/// A domain error on its way out of a handler.
#[derive(Debug)]
pub struct WebError(pub Error);

impl From<Error> for WebError {
    fn from(e: Error) -> Self {
        Self(e)
    }
}

impl<'r> Responder<'r, 'static> for WebError {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let lang = lang_of(req);
        match self.0 {
            Error::NotFound => render(req, Status::NotFound, None, Vec::new(), None),
            Error::Validation(errors) => {
                let fields = field_errors(&errors, lang);
                render(
                    req,
                    Status::UnprocessableEntity,
                    Some(lang.text("errors.form_has_errors")),
                    fields,
                    None,
                )
            }
            Error::Conflict(message) => {
                render(req, Status::Conflict, Some(message.get(lang.code()).to_owned()), Vec::new(), None)
            }
            Error::Unauthorized => render(req, Status::Unauthorized, None, Vec::new(), None),
            Error::Forbidden => render(req, Status::Forbidden, None, Vec::new(), None),
            Error::CodeNeeded { .. } => {
                let field = ProblemField {
                    field: "otp".into(),
                    code: "otp_required".into(),
                    message: lang.text("totp.code_needed"),
                };
                render(req, Status::Unauthorized, Some(lang.text("totp.code_needed")), vec![field], None)
            }
            Error::CodeWrong => {
                let field = ProblemField {
                    field: "otp".into(),
                    code: "otp_invalid".into(),
                    message: lang.text("totp.code_wrong"),
                };
                render(req, Status::Unauthorized, Some(lang.text("totp.code_wrong")), vec![field], None)
            }
            Error::RateLimited { retry_after_secs } => {
                render(req, Status::TooManyRequests, None, Vec::new(), Some(retry_after_secs))
            }
            Error::Internal(source) => {
                tracing::error!(request_id = %request_id(req), error = %source, source = ?source.source(), "internal error");
                render(req, Status::InternalServerError, None, Vec::new(), None)
            }
        }
    }
}

#[catch(default)]
async fn default_catcher(status: Status, req: &Request<'_>) -> Result<Rendered, Status> {
    // A partner that requires TOTP sends staff without it to set it up before anything else.
    if status == Status::Forbidden && super::auth::totp_enrollment_due(req) {
        if wants_json(req) {
            let message = lang_of(req).text("totp.required");
            let field =
                ProblemField { field: "totp".into(), code: "totp_required".into(), message: message.clone() };
            return render(req, status, Some(message), vec![field], None).map(Rendered);
        }
        let response = Response::build()
            .status(Status::SeeOther)
            .header(Header::new("Location", "/account/totp"))
            .finalize();
        return Ok(Rendered(response));
    }
    // Resolve the session (cached for `render`) so the page keeps the signed-in header.
    let _ = super::auth::current(req).await;
    let pending = req.local_cache(PendingProblem::default).0.lock().unwrap_or_else(|p| p.into_inner()).take();
    if let Some((detail, errors)) = pending {
        return render(req, status, Some(detail), errors, None).map(Rendered);
    }
    // A page that needs a session answers 401 with the sign-in form, which returns here afterwards.
    if status == Status::Unauthorized
        && !wants_json(req)
        && let Some(page) = req.guard::<super::page::Page>().await.succeeded()
    {
        let next =
            if req.method() == rocket::http::Method::Get { req.uri().to_string() } else { String::new() };
        let mut response = super::pages::login_page_for(&page, "", &next, None).respond_to(req)?;
        response.set_status(status);
        return Ok(Rendered(response));
    }
    let csrf_refusal =
        status == Status::Forbidden && !wants_json(req) && req.method() == rocket::http::Method::Post;
    let detail = csrf_refusal.then(|| lang_of(req).text("errors.csrf"));
    render(req, status, detail, Vec::new(), None).map(Rendered)
}

pub fn catchers() -> Vec<Catcher> {
    catchers![default_catcher]
}
