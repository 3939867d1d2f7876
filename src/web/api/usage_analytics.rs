//! `GET /customers/{id}/usage`: a customer's usage of a period by day, API or developer, with its
//! balance, token events and packs expiring within 90 days; and the same rows as a CSV download
//! (`/customers/{id}/usage/export.csv`). A reseller reads its own customers, the operator any.

use rocket::serde::json::Json;
use rocket::{State, get, routes};
use uuid::Uuid;

use crate::domain::Portal;
use crate::domain::usage_analytics::{self, UsageParams, UsageReport};
use crate::web::auth::SignedIn;
use crate::web::csv_export::{CsvFile, document};
use crate::web::error::WebError;

#[get("/customers/<id>/usage?<from>&<to>&<group_by>")]
async fn usage(
    portal: &State<Portal>,
    signed_in: SignedIn,
    id: Uuid,
    from: Option<&str>,
    to: Option<&str>,
    group_by: Option<&str>,
) -> Result<Json<UsageReport>, WebError> {
    let params = UsageParams { from, to, group_by };
    Ok(Json(usage_analytics::customer_usage(portal, &signed_in.actor, id, params).await?))
}

#[get("/customers/<id>/usage/export.csv?<from>&<to>&<group_by>")]
async fn export(
    portal: &State<Portal>,
    signed_in: SignedIn,
    id: Uuid,
    from: Option<&str>,
    to: Option<&str>,
    group_by: Option<&str>,
) -> Result<CsvFile, WebError> {
    let params = UsageParams { from, to, group_by };
    let report = usage_analytics::customer_usage(portal, &signed_in.actor, id, params).await?;
    let group = report.group_by.as_str();
    let rows = report.rows.iter().map(|r| vec![r.key.clone(), r.tokens.to_string(), r.events.to_string()]);
    let name = format!("usage-{}-{}-by-{group}.csv", report.from, report.to);
    Ok(CsvFile::new(&name, document(&[group, "tokens", "events"], rows)))
}

pub fn routes() -> Vec<rocket::Route> {
    routes![usage, export]
}
