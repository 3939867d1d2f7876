//! Strict JSON input for the API: the body must be declared `application/json` (415 otherwise, so
//! a cross-site `text/plain` form post cannot pass for an API call), unknown fields are refused
//! (each DTO says `deny_unknown_fields`), and a malformed body answers 422 naming the field at fault.

use rocket::data::{Data, FromData, Outcome, ToByteUnit};
use rocket::http::Status;
use rocket::request::Request;
use serde::de::DeserializeOwned;

use super::error::{ProblemField, leave_problem};
use super::i18n::lang_of;

pub struct ApiJson<T>(pub T);

#[rocket::async_trait]
impl<'r, T: DeserializeOwned + Send> FromData<'r> for ApiJson<T> {
    type Error = ();

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> Outcome<'r, Self, ()> {
        if !req.content_type().is_some_and(|ct| ct.is_json()) {
            let lang = lang_of(req);
            let field = ProblemField {
                field: "Content-Type".into(),
                code: "unsupported_media_type".into(),
                message: lang.text("errors.json_content_type"),
            };
            leave_problem(req, lang.text("errors.unsupported_media_type"), vec![field]);
            return Outcome::Error((Status::UnsupportedMediaType, ()));
        }
        let limit = req.limits().get("json").unwrap_or_else(|| 1.mebibytes());
        let body = match data.open(limit).into_bytes().await {
            Ok(body) if body.is_complete() => body.into_inner(),
            Ok(_) => {
                leave_problem(req, "The request body is too large.".into(), Vec::new());
                return Outcome::Error((Status::PayloadTooLarge, ()));
            }
            Err(_) => return Outcome::Error((Status::BadRequest, ())),
        };
        let deserializer = &mut serde_json::Deserializer::from_slice(&body);
        match serde_path_to_error::deserialize::<_, T>(deserializer) {
            Ok(value) => Outcome::Success(ApiJson(value)),
            Err(error) => {
                let path = error.path().to_string();
                let inner = error.into_inner();
                let message = inner.to_string();
                // serde names unknown and missing fields in backticks; prefer that over the path.
                let field = message
                    .split('`')
                    .nth(1)
                    .filter(|_| message.starts_with("unknown field") || message.starts_with("missing field"))
                    .map(str::to_owned)
                    .unwrap_or_else(|| if path == "." { "body".into() } else { path });
                let code = if inner.is_syntax() || inner.is_eof() { "malformed_json" } else { "invalid" };
                let lang = lang_of(req);
                let detail = lang.text("errors.form_has_errors");
                leave_problem(req, detail, vec![ProblemField { field, code: code.into(), message }]);
                Outcome::Error((Status::UnprocessableEntity, ()))
            }
        }
    }
}
