//! Operator page for the token rate table (`/admin/rates`): every rate with what is in force today
//! highlighted, and the form that adds one (which ends the API's current rate the day before).

use rocket::form::FromForm;
use rocket::http::Status;
use rocket::response::Redirect;
use rocket::{Responder, State, get, post, routes};
use serde::Serialize;
use serde_json::{Value, json};

use crate::domain::Portal;
use crate::domain::actor::Origin;
use crate::domain::error::Error;
use crate::domain::estimator::{self, RateInput};
use crate::web::auth::Admin;
use crate::web::csrf::Protected;
use crate::web::error::WebError;
use crate::web::page::Page;
use crate::web::rate_view::RateRow;
use crate::web::view::Template;

use super::admin_prices::errors_by_field;

#[derive(Debug, FromForm, Default, Serialize)]
struct RateForm {
    #[field(default = String::new())]
    api: String,
    #[field(default = String::new())]
    name_en: String,
    #[field(default = String::new())]
    name_ja: String,
    #[field(default = String::new())]
    unit_en: String,
    #[field(default = String::new())]
    unit_ja: String,
    #[field(default = String::new())]
    tokens: String,
    #[field(default = String::new())]
    per_units: String,
    #[field(default = String::new())]
    effective_from: String,
    #[field(default = false)]
    historical: bool,
}

impl RateForm {
    fn input(&self) -> RateInput {
        RateInput {
            api: self.api.clone(),
            name_en: self.name_en.clone(),
            name_ja: self.name_ja.clone(),
            unit_en: self.unit_en.clone(),
            unit_ja: self.unit_ja.clone(),
            tokens: self.tokens.clone(),
            per_units: self.per_units.clone(),
            effective_from: self.effective_from.clone(),
            historical: self.historical,
        }
    }
}

async fn render(
    portal: &Portal,
    page: &Page,
    admin: &Admin,
    form: &RateForm,
    errors: Value,
    notice: Option<String>,
) -> Result<Template, WebError> {
    let today = portal.today();
    let rates = estimator::list_rates(portal, &admin.0, None).await?;
    let mut apis: Vec<&str> = rates.iter().map(|r| r.api.as_str()).collect();
    apis.dedup();
    Ok(page.render(
        "admin/rates",
        json!({
            "today": today,
            "rates": rates.iter().map(|r| RateRow::new(r, today, page.lang)).collect::<Vec<_>>(),
            "apis": apis,
            "form": form, "errors": errors, "notice": notice,
        }),
    ))
}

fn fresh_form(portal: &Portal) -> RateForm {
    RateForm { effective_from: portal.today().to_string(), ..Default::default() }
}

#[get("/admin/rates?<saved>")]
async fn rates(
    portal: &State<Portal>,
    page: Page,
    admin: Admin,
    saved: Option<&str>,
) -> Result<Template, WebError> {
    let notice = (saved == Some("added")).then(|| page.text("admin_rates.added"));
    render(portal, &page, &admin, &fresh_form(portal), json!({}), notice).await
}

#[derive(Responder)]
enum FormReply {
    Saved(Redirect),
    Invalid((Status, Template)),
}

#[post("/admin/rates", data = "<form>")]
async fn add(
    portal: &State<Portal>,
    page: Page,
    admin: Admin,
    origin: Origin,
    form: Protected<RateForm>,
) -> Result<FormReply, WebError> {
    let form = form.0;
    match estimator::add_rate(portal, &admin.0, &origin, &form.input()).await {
        Ok(_) => Ok(FormReply::Saved(Redirect::to("/admin/rates?saved=added"))),
        Err(Error::Validation(errors)) => {
            let errors = errors_by_field(&errors, page.lang);
            let template = render(portal, &page, &admin, &form, errors, None).await?;
            Ok(FormReply::Invalid((Status::UnprocessableEntity, template)))
        }
        Err(other) => Err(other.into()),
    }
}

pub fn routes() -> Vec<rocket::Route> {
    routes![rates, add]
}
