//! A customer's usage page (`/app/customers/{id}/usage`): a period and grouping form, the balance
//! donut, daily usage, usage by API and by developer (charts with data tables), the token events
//! of the period, the packs expiring within 90 days, and the CSV download of the chosen grouping.

use rocket::http::Status;
use rocket::{State, get, routes};
use uuid::Uuid;

use super::view::errors_by_field;
use crate::domain::Portal;
use crate::domain::customers;
use crate::domain::error::Error;
use crate::domain::usage_analytics::{self, GroupBy, UsageParams};
use crate::web::auth::PartnerStaff;
use crate::web::error::WebError;
use crate::web::page::Page;
use crate::web::usage_view::usage_data;
use crate::web::view::Template;

fn groupings() -> Vec<&'static str> {
    GroupBy::ALL.iter().map(|g| g.as_str()).collect()
}

#[get("/app/customers/<id>/usage?<from>&<to>&<group_by>")]
async fn usage(
    portal: &State<Portal>,
    page: Page,
    staff: PartnerStaff,
    id: Uuid,
    from: Option<&str>,
    to: Option<&str>,
    group_by: Option<&str>,
) -> Result<(Status, Template), WebError> {
    let params = UsageParams { from, to, group_by };
    match usage_analytics::customer_usage_overview(portal, &staff.0, id, params).await {
        Ok(overview) => {
            let usage = usage_data(page.lang, &overview, true, portal.clock.now());
            let form = serde_json::json!({ "from": usage["from"], "to": usage["to"], "group_by": usage["group_by"] });
            let data = serde_json::json!({
                "customer": { "id": id, "company_name": overview.customer_name },
                "form": form, "groupings": groupings(), "errors": {}, "usage": usage,
            });
            Ok((Status::Ok, page.render("app/customer_usage", data)))
        }
        Err(Error::Validation(errors)) => {
            let customer = customers::get_customer(portal, &staff.0, id).await?;
            let data = serde_json::json!({
                "customer": { "id": id, "company_name": customer.company_name },
                "form": { "from": from.unwrap_or(""), "to": to.unwrap_or(""), "group_by": group_by.unwrap_or("") },
                "groupings": groupings(),
                "errors": errors_by_field(&errors, page.lang, str::to_owned),
                "usage": null,
            });
            Ok((Status::UnprocessableEntity, page.render("app/customer_usage", data)))
        }
        Err(other) => Err(other.into()),
    }
}

pub fn routes() -> Vec<rocket::Route> {
    routes![usage]
}
