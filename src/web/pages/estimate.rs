//! The public token estimator (`/estimate`), also shown as a small form on both quote-request pages.
//! A GET form, so it works without JavaScript: the rates in force, one monthly-use field per API, the
//! result, and a button that opens the request form with the suggested purchase filled in.

use rocket::http::Status;
use rocket::{State, get, routes};
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::domain::Portal;
use crate::domain::actor::Origin;
use crate::domain::error::{Error, FieldError};
use crate::domain::estimator::{self, EstimateItem, TokenRate};
use crate::web::error::{WebError, field_errors};
use crate::web::i18n::Lang;
use crate::web::page::Page;
use crate::web::rate_view::{EstimateView, RateRow};
use crate::web::view::Template;

use super::quote_request::partner_card;

/// What the estimator form shows: the rates in force, what was typed for each API, and the errors.
#[derive(Debug, Serialize)]
pub struct EstimatorForm {
    pub rates: Vec<RateRow>,
    /// The monthly use typed, by API code.
    pub units: Map<String, Value>,
    /// Error messages by API code, and `items` for the form as a whole.
    pub errors: Map<String, Value>,
    /// The partner whose request form the suggestion goes to; `None` for the routed form.
    pub partner: Option<String>,
}

impl EstimatorForm {
    pub fn new(rates: &[TokenRate], today: chrono::NaiveDate, lang: Lang, partner: Option<String>) -> Self {
        Self {
            rates: rates.iter().map(|r| RateRow::new(r, today, lang)).collect(),
            units: rates.iter().map(|r| (r.api.to_string(), Value::String(String::new()))).collect(),
            errors: Map::new(),
            partner,
        }
    }
}

/// Errors of `items[i].…` shown at the field of item `i`'s API; anything else (an API the form does
/// not show included) at the form as a whole.
fn errors_by_api(
    errors: &[FieldError],
    items: &[EstimateItem],
    form: &Map<String, Value>,
    lang: Lang,
) -> Map<String, Value> {
    let mut by_api = Map::new();
    for e in field_errors(errors, lang) {
        let index = e
            .field
            .strip_prefix("items[")
            .and_then(|rest| rest.split(']').next())
            .and_then(|i| i.parse::<usize>().ok());
        let key = match index.and_then(|i| items.get(i)) {
            Some(item) if form.contains_key(&item.api) => item.api.clone(),
            _ => "items".to_owned(),
        };
        by_api.entry(key).or_insert(Value::String(e.message));
    }
    by_api
}

#[get("/estimate?<api>&<units>&<partner>")]
async fn estimate_page(
    portal: &State<Portal>,
    page: Page,
    origin: Origin,
    api: Vec<String>,
    units: Vec<String>,
    partner: Option<&str>,
) -> Result<(Status, Template), WebError> {
    estimator::limit_client(portal, &origin)?;
    let partner = match partner.map(str::trim).filter(|s| !s.is_empty()) {
        Some(slug) => Some(partner_card(portal, slug, page.lang)?),
        None => None,
    };
    let slug = partner.as_ref().and_then(|p| p["slug"].as_str()).map(str::to_owned);
    let (today, rates) = estimator::rates_in_force(portal).await?;
    let mut form = EstimatorForm::new(&rates, today, page.lang, slug);
    // Only the fields filled in are estimated; an empty one is an API the visitor does not use.
    let items: Vec<EstimateItem> = api
        .iter()
        .zip(units.iter().map(String::as_str).chain(std::iter::repeat("")))
        .filter(|(_, units)| !units.trim().is_empty())
        .map(|(api, units)| EstimateItem { api: api.trim().to_owned(), monthly_units: units.to_owned() })
        .collect();
    for item in &items {
        if let Some(typed) = form.units.get_mut(&item.api) {
            *typed = Value::String(item.monthly_units.clone());
        }
    }
    let asked = !api.is_empty();
    let (status, result) = if asked {
        match estimator::estimate(portal, &items).await {
            Ok(estimate) => (Status::Ok, Some(EstimateView::new(&estimate, page.lang))),
            Err(Error::Validation(errors)) => {
                form.errors = errors_by_api(&errors, &items, &form.units, page.lang);
                (Status::UnprocessableEntity, None)
            }
            Err(other) => return Err(other.into()),
        }
    } else {
        (Status::Ok, None)
    };
    let body = page.render(
        "public/estimate",
        json!({
            "estimator": form, "result": result, "partner": partner,
        }),
    );
    Ok((status, body))
}

pub fn routes() -> Vec<rocket::Route> {
    routes![estimate_page]
}
