//! `/customers/{id}/usage` (JSON, up to 1,000 events) and `/customers/{id}/usage.csv` (the usage
//! report, streamed): each event applied once, with its result. Both honour `Idempotency-Key`.

use rocket::data::{Data, ToByteUnit};
use rocket::http::Status;
use rocket::request::{self, FromRequest, Request};
use rocket::response::{self, Responder};
use rocket::serde::json::Json;
use rocket::{State, post, routes};
use serde::Deserialize;
use uuid::Uuid;

use crate::domain::Portal;
use crate::domain::actor::Origin;
use crate::domain::usage::{self, IngestReport, UsageEventInput};
use crate::web::auth::SignedIn;
use crate::web::error::{ProblemField, WebError, leave_problem};
use crate::web::json::ApiJson;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UsageBody {
    #[serde(default)]
    events: Vec<UsageEventInput>,
}

#[post("/customers/<id>/usage", data = "<body>")]
async fn ingest(
    portal: &State<Portal>,
    user: SignedIn,
    origin: Origin,
    id: Uuid,
    body: ApiJson<UsageBody>,
) -> Result<Json<IngestReport>, WebError> {
    let results = usage::ingest(portal, &user.actor, &origin, id, body.0.events).await?;
    Ok(Json(IngestReport::of(results)))
}

/// What the CSV route needs of the request's headers: a `text/csv` body and its declared length.
struct CsvHeaders {
    is_csv: bool,
    length: Option<u64>,
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for CsvHeaders {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> request::Outcome<Self, ()> {
        let is_csv = req.content_type().is_some_and(|ct| ct.top() == "text" && ct.sub() == "csv");
        let length = req.headers().get_one("Content-Length").and_then(|l| l.trim().parse().ok());
        request::Outcome::Success(CsvHeaders { is_csv, length })
    }
}

/// A refusal before the body is read, or the domain's answer.
enum CsvError {
    Refused(Status, &'static str, &'static str),
    Web(WebError),
}

impl From<WebError> for CsvError {
    fn from(e: WebError) -> Self {
        Self::Web(e)
    }
}

impl<'r> Responder<'r, 'static> for CsvError {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        match self {
            CsvError::Web(e) => e.respond_to(req),
            CsvError::Refused(status, field, message) => {
                let problem = ProblemField {
                    field: field.into(),
                    code: status.code.to_string(),
                    message: message.into(),
                };
                leave_problem(req, message.into(), vec![problem]);
                Err(status)
            }
        }
    }
}

#[post("/customers/<id>/usage.csv", data = "<data>")]
async fn ingest_csv(
    portal: &State<Portal>,
    user: SignedIn,
    origin: Origin,
    id: Uuid,
    headers: CsvHeaders,
    data: Data<'_>,
) -> Result<Json<IngestReport>, CsvError> {
    if !headers.is_csv {
        let message = "Send the usage report with Content-Type: text/csv.";
        return Err(CsvError::Refused(Status::UnsupportedMediaType, "Content-Type", message));
    }
    let limit = usage::csv::MAX_BYTES;
    if headers.length.is_some_and(|l| l > limit) {
        let message = "The file is larger than 50 MiB; split it.";
        return Err(CsvError::Refused(Status::PayloadTooLarge, "file", message));
    }
    // One byte over the limit is read, so the domain can tell a file that is too large.
    let stream = tokio::io::BufReader::new(data.open((limit + 1).bytes()));
    let results = usage::csv::ingest_csv(portal, &user.actor, &origin, id, stream, limit)
        .await
        .map_err(WebError::from)?;
    Ok(Json(IngestReport::of(results)))
}

pub fn routes() -> Vec<rocket::Route> {
    routes![ingest, ingest_csv]
}
