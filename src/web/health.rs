//! Liveness and readiness for load balancers and orchestrators.

use rocket::http::Status;
use rocket::serde::json::{Json, Value, json};
use rocket::{State, get, routes};

use crate::domain::Portal;

#[get("/healthz")]
fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

#[get("/readyz")]
async fn readyz(portal: &State<Portal>) -> (Status, Json<Value>) {
    match portal.db.ping().await {
        Ok(()) => (Status::Ok, Json(json!({ "status": "ready" }))),
        Err(e) => {
            tracing::error!(error = %e, "readiness check failed");
            (Status::ServiceUnavailable, Json(json!({ "status": "unavailable", "database": "unreachable" })))
        }
    }
}

pub fn routes() -> Vec<rocket::Route> {
    routes![healthz, readyz, super::telemetry::metrics]
}
