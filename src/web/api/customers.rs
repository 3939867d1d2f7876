//! `/customers`: the reseller's own customer book.

use chrono::{DateTime, NaiveDate, Utc};
use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{State, get, patch, post, routes};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::Portal;
use crate::domain::actor::Origin;
use crate::domain::customers::Customer;
use crate::domain::customers::{self, CustomerInput};
use crate::web::auth::PartnerStaff;
use crate::web::error::WebError;
use crate::web::json::ApiJson;
use crate::web::pagination::{PageQuery, Paginated};

#[derive(Serialize)]
pub struct CustomerView {
    id: Uuid,
    company_name: String,
    department: Option<String>,
    contact_name: String,
    email: String,
    phone: Option<String>,
    postal_code: Option<String>,
    address: Option<String>,
    country: String,
    language: String,
    time_zone: String,
    purchaser_autodesk_id: String,
    trial_started_on: Option<NaiveDate>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<Customer> for CustomerView {
    fn from(r: Customer) -> Self {
        Self {
            id: r.id,
            company_name: r.company_name,
            department: r.department,
            contact_name: r.contact_name,
            email: r.email,
            phone: r.phone,
            postal_code: r.postal_code,
            address: r.address,
            country: r.country,
            language: r.language,
            time_zone: r.time_zone.name().to_owned(),
            purchaser_autodesk_id: r.purchaser_autodesk_id,
            trial_started_on: r.trial_started_on,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct CustomerBody {
    company_name: Option<String>,
    /// `null` clears it (also phone, postal code and address); leaving a field out keeps it.
    #[serde(default, deserialize_with = "crate::web::partner_view::nullable")]
    department: Option<Option<String>>,
    contact_name: Option<String>,
    email: Option<String>,
    #[serde(default, deserialize_with = "crate::web::partner_view::nullable")]
    phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::web::partner_view::nullable")]
    postal_code: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::web::partner_view::nullable")]
    address: Option<Option<String>>,
    country: Option<String>,
    language: Option<String>,
    time_zone: Option<String>,
    purchaser_autodesk_id: Option<String>,
    /// The day the customer's Autodesk trial began; `null` clears it.
    #[serde(default, deserialize_with = "crate::web::partner_view::nullable")]
    trial_started_on: Option<Option<String>>,
}

impl CustomerBody {
    fn apply(self, input: &mut CustomerInput) {
        let set = |target: &mut String, value: Option<String>| {
            if let Some(value) = value {
                *target = value;
            }
        };
        set(&mut input.company_name, self.company_name);
        set(&mut input.contact_name, self.contact_name);
        set(&mut input.email, self.email);
        set(&mut input.country, self.country);
        set(&mut input.language, self.language);
        set(&mut input.time_zone, self.time_zone);
        set(&mut input.purchaser_autodesk_id, self.purchaser_autodesk_id);
        for (target, value) in [
            (&mut input.department, self.department),
            (&mut input.phone, self.phone),
            (&mut input.postal_code, self.postal_code),
            (&mut input.address, self.address),
            (&mut input.trial_started_on, self.trial_started_on),
        ] {
            if let Some(value) = value {
                *target = value.unwrap_or_default();
            }
        }
    }
}

#[get("/customers?<q>&<paging..>")]
async fn list(
    portal: &State<Portal>,
    staff: PartnerStaff,
    q: Option<&str>,
    paging: PageQuery,
) -> Result<Json<Paginated<CustomerView>>, WebError> {
    let paging = paging.clamped();
    let (rows, total) = customers::list_customers(portal, &staff.0, q, paging.page, paging.per_page).await?;
    Ok(Json(Paginated {
        items: rows.into_iter().map(CustomerView::from).collect(),
        total,
        page: paging.page,
        per_page: paging.per_page,
    }))
}

#[post("/customers", data = "<body>")]
async fn create(
    portal: &State<Portal>,
    staff: PartnerStaff,
    origin: Origin,
    body: ApiJson<CustomerBody>,
) -> Result<(Status, Json<CustomerView>), WebError> {
    let mut input = CustomerInput::default();
    body.0.apply(&mut input);
    let row = customers::create_customer(portal, &staff.0, &origin, &input).await?;
    Ok((Status::Created, Json(row.into())))
}

#[get("/customers/<id>")]
async fn read(portal: &State<Portal>, staff: PartnerStaff, id: Uuid) -> Result<Json<CustomerView>, WebError> {
    Ok(Json(customers::get_customer(portal, &staff.0, id).await?.into()))
}

#[patch("/customers/<id>", data = "<body>")]
async fn update(
    portal: &State<Portal>,
    staff: PartnerStaff,
    origin: Origin,
    id: Uuid,
    body: ApiJson<CustomerBody>,
) -> Result<Json<CustomerView>, WebError> {
    let row = customers::update_customer(portal, &staff.0, &origin, id, |input| body.0.apply(input)).await?;
    Ok(Json(row.into()))
}

pub fn routes() -> Vec<rocket::Route> {
    routes![list, create, read, update]
}
