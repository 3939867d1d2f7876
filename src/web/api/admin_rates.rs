//! Operator API for the token rate table: `/admin/rates` (list, add). A new rate of an API ends the
//! one it takes over from on the day before; rates are never edited or deleted.

use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{State, get, post, routes};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::domain::Portal;
use crate::domain::actor::Origin;
use crate::domain::error::{FieldError, FieldErrors};
use crate::domain::estimator::{self, ApiCode, RateInput};
use crate::web::auth::Admin;
use crate::web::error::WebError;
use crate::web::json::ApiJson;
use crate::web::pagination::{PageQuery, Paginated};
use crate::web::rate_view::RateView;

use super::admin_prices::{all_errors, decimal_text, flag, page_of, text};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewRateBody {
    #[serde(default)]
    api: Value,
    #[serde(default)]
    name_en: Value,
    #[serde(default)]
    name_ja: Value,
    #[serde(default)]
    unit_en: Value,
    #[serde(default)]
    unit_ja: Value,
    #[serde(default)]
    tokens: Value,
    #[serde(default)]
    per_units: Value,
    #[serde(default)]
    effective_from: Value,
    #[serde(default)]
    historical: Value,
}

#[derive(Serialize)]
struct AddedView {
    rate: RateView,
    /// The rate this one takes over from, now ending the day before; `null` for a new API.
    ended: Option<RateView>,
}

/// A whole number of units: a JSON integer, or a string the domain reads.
fn units_text(errors: &mut FieldErrors, value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Number(n) if n.is_u64() => n.to_string(),
        Value::String(text) => text.clone(),
        _ => {
            errors.push(FieldError::new(
                "per_units",
                "wrong_type",
                "Send the number of units as a JSON integer such as 300000.",
                "単位数は300000のような整数の数値で送信してください。",
            ));
            String::new()
        }
    }
}

#[get("/admin/rates?<api>&<paging..>")]
async fn list(
    portal: &State<Portal>,
    admin: Admin,
    api: Option<&str>,
    paging: PageQuery,
) -> Result<Json<Paginated<RateView>>, WebError> {
    let mut errors = FieldErrors::new();
    let api = api.and_then(|a| errors.check(ApiCode::parse("api", a)));
    errors.into_result()?;
    let rates = estimator::list_rates(portal, &admin.0, api.as_ref()).await?;
    Ok(Json(page_of(rates.iter().map(RateView::from).collect(), paging.clamped())))
}

#[post("/admin/rates", data = "<body>")]
async fn add(
    portal: &State<Portal>,
    admin: Admin,
    origin: Origin,
    body: ApiJson<NewRateBody>,
) -> Result<(Status, Json<AddedView>), WebError> {
    let b = body.0;
    let mut errors = FieldErrors::new();
    let input = RateInput {
        api: text(&mut errors, "api", &b.api),
        name_en: text(&mut errors, "name_en", &b.name_en),
        name_ja: text(&mut errors, "name_ja", &b.name_ja),
        unit_en: text(&mut errors, "unit_en", &b.unit_en),
        unit_ja: text(&mut errors, "unit_ja", &b.unit_ja),
        tokens: decimal_text(&mut errors, "tokens", &b.tokens),
        per_units: units_text(&mut errors, &b.per_units),
        effective_from: text(&mut errors, "effective_from", &b.effective_from),
        historical: flag(&mut errors, "historical", &b.historical),
    };
    if !errors.is_empty() {
        return Err(all_errors(errors, input.validate(portal.today())).into());
    }
    let added = estimator::add_rate(portal, &admin.0, &origin, &input).await?;
    let view =
        AddedView { rate: RateView::from(&added.rate), ended: added.ended.as_ref().map(RateView::from) };
    Ok((Status::Created, Json(view)))
}

pub fn routes() -> Vec<rocket::Route> {
    routes![list, add]
}
