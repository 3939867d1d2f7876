//! The public token estimator: `GET /rates` (the rates in force today) and `POST /estimate`
//! (`{items:[{api, monthly_units}]}` → tokens per month and year and the purchase to suggest). Both
//! are rate limited per client. Items are read field by field so every bad one is named
//! (`items[2].monthly_units`).

use chrono::NaiveDate;
use rocket::serde::json::Json;
use rocket::{State, get, post, routes};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::domain::Portal;
use crate::domain::actor::Origin;
use crate::domain::error::{Error, FieldError, FieldErrors};
use crate::domain::estimator::{self, EstimateItem, MAX_ITEMS};
use crate::web::error::WebError;
use crate::web::i18n::Lang;
use crate::web::json::ApiJson;
use crate::web::rate_view::{EstimateView, RateView};

#[derive(Serialize)]
struct RatesView {
    /// The day the rates are in force.
    on: NaiveDate,
    items: Vec<RateView>,
}

#[get("/rates")]
async fn rates(portal: &State<Portal>, origin: Origin) -> Result<Json<RatesView>, WebError> {
    estimator::limit_client(portal, &origin)?;
    let (on, rates) = estimator::rates_in_force(portal).await?;
    Ok(Json(RatesView { on, items: rates.iter().map(RateView::from).collect() }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EstimateBody {
    #[serde(default)]
    items: Value,
}

fn wrong_type(field: String, en: &'static str, ja: &'static str) -> FieldError {
    FieldError::new(field, "wrong_type", en, ja)
}

/// One item's fields as text: `api` a string, `monthly_units` a number or a decimal string.
fn item(errors: &mut FieldErrors, i: usize, value: &Value) -> EstimateItem {
    let Value::Object(fields) = value else {
        errors.push(wrong_type(
            format!("items[{i}]"),
            "Send each item as an object with api and monthly_units.",
            "各項目はapiとmonthly_unitsを持つオブジェクトで送信してください。",
        ));
        return EstimateItem::default();
    };
    for key in fields.keys().filter(|k| !["api", "monthly_units"].contains(&k.as_str())) {
        errors.push(FieldError::new(
            format!("items[{i}].{key}"),
            "unknown_field",
            "Unknown field: an item has only api and monthly_units.",
            "不明な項目です。各項目はapiとmonthly_unitsのみです。",
        ));
    }
    let api = match fields.get("api") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => text.clone(),
        Some(_) => {
            errors.push(wrong_type(
                format!("items[{i}].api"),
                "Send the API code as a string.",
                "APIコードは文字列で送信してください。",
            ));
            String::new()
        }
    };
    // A JSON number is read from its shortest decimal form (`2.5`), which is what the client wrote.
    let monthly_units = match fields.get("monthly_units") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => text.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(_) => {
            errors.push(wrong_type(
                format!("items[{i}].monthly_units"),
                "Send the monthly use as a number such as 3000000 or 2.5.",
                "月間の利用量は3000000や2.5のような数値で送信してください。",
            ));
            String::new()
        }
    };
    EstimateItem { api, monthly_units }
}

/// The items as text, and the errors of items whose JSON shape is wrong.
fn items(value: &Value) -> Result<(Vec<EstimateItem>, FieldErrors), Error> {
    let mut errors = FieldErrors::new();
    let list = match value {
        Value::Array(list) if list.len() > MAX_ITEMS => {
            return Err(Error::Validation(vec![FieldError::new(
                "items",
                "too_many",
                format!("Send at most {MAX_ITEMS} items."),
                format!("項目は{MAX_ITEMS}件までにしてください。"),
            )]));
        }
        Value::Array(list) => list,
        Value::Null => return Ok((Vec::new(), errors)),
        _ => {
            errors.push(wrong_type(
                "items".into(),
                "Send items as a JSON array.",
                "itemsは配列で送信してください。",
            ));
            errors.into_result()?;
            return Ok((Vec::new(), FieldErrors::new()));
        }
    };
    let parsed = list.iter().enumerate().map(|(i, v)| item(&mut errors, i, v)).collect();
    Ok((parsed, errors))
}

/// The shape errors, then the estimator's own errors of the fields not already named (nor inside
/// an item already named as a whole), so every bad field is reported at once.
fn all_errors(shape: FieldErrors, checked: Result<(), Error>) -> Error {
    let mut errors = match shape.into_result() {
        Err(Error::Validation(errors)) => errors,
        _ => Vec::new(),
    };
    if let Err(Error::Validation(more)) = checked {
        let flagged: Vec<String> = errors.iter().map(|e| e.field.to_string()).collect();
        let named = |field: &str| {
            flagged.iter().any(|f| {
                field == f || field.strip_prefix(f.as_str()).is_some_and(|rest| rest.starts_with('.'))
            })
        };
        errors.extend(more.into_iter().filter(|e| !named(&e.field)));
    }
    Error::Validation(errors)
}

#[post("/estimate", data = "<body>")]
async fn estimate(
    portal: &State<Portal>,
    origin: Origin,
    lang: Lang,
    body: ApiJson<EstimateBody>,
) -> Result<Json<EstimateView>, WebError> {
    estimator::limit_client(portal, &origin)?;
    let (items, shape_errors) = items(&body.0.items)?;
    if !shape_errors.is_empty() {
        let checked = estimator::estimate(portal, &items).await.map(drop);
        return Err(all_errors(shape_errors, checked).into());
    }
    let estimate = estimator::estimate(portal, &items).await?;
    Ok(Json(EstimateView::new(&estimate, lang)))
}

pub fn routes() -> Vec<rocket::Route> {
    routes![rates, estimate]
}
