//! Operator API for the price book and tax rules: `/admin/price-book` and `/admin/tax-rules` (list,
//! add, end). Bodies are read field by field so that every bad field is named at once, and money and
//! rates must arrive as decimal strings, never as JSON numbers.

use std::borrow::Cow;

use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{State, get, patch, post, routes};
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

use crate::domain::Portal;
use crate::domain::actor::Origin;
use crate::domain::error::{Error, FieldError, FieldErrors, Result};
use crate::domain::money::Currency;
use crate::domain::price_book::{self, TaxRuleFilter, TaxRuleInput, TierFilter, TierInput, parse_day};
use crate::domain::region::Country;
use crate::web::auth::Admin;
use crate::web::error::WebError;
use crate::web::json::ApiJson;
use crate::web::pagination::{PageQuery, Paginated};
use crate::web::price_view::{TaxRuleView, TierView};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewTierBody {
    #[serde(default)]
    currency: Value,
    #[serde(default)]
    min_tokens: Value,
    #[serde(default)]
    unit_price: Value,
    #[serde(default)]
    effective_from: Value,
    #[serde(default)]
    effective_to: Value,
    #[serde(default)]
    sample: Value,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewTaxRuleBody {
    #[serde(default)]
    country: Value,
    #[serde(default)]
    name: Value,
    #[serde(default)]
    rate_percent: Value,
    #[serde(default)]
    rounding: Value,
    #[serde(default)]
    effective_from: Value,
    #[serde(default)]
    effective_to: Value,
}

/// The only change a definition accepts: its last day in force.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EndBody {
    #[serde(default)]
    effective_to: Value,
}

pub(super) fn wrong_type(field: &'static str, en: &'static str, ja: &'static str) -> FieldError {
    FieldError::new(field, "wrong_type", en, ja)
}

/// A JSON string field; `null` or absent reads as empty so the domain reports it if it is required.
pub(super) fn text(errors: &mut FieldErrors, field: &'static str, value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        _ => {
            errors.push(wrong_type(
                field,
                "Send this field as a JSON string.",
                "この項目は文字列で送信してください。",
            ));
            String::new()
        }
    }
}

/// A decimal that must travel as a string: a JSON number may already have lost digits to binary
/// floating point on the client's side.
pub(super) fn decimal_text(errors: &mut FieldErrors, field: &'static str, value: &Value) -> String {
    if value.is_number() {
        errors.push(wrong_type(
            field,
            "Send the amount as a decimal string such as \"370.5\", not a JSON number.",
            "金額・率は数値ではなく\"370.5\"のような文字列で送信してください。",
        ));
        return String::new();
    }
    text(errors, field, value)
}

pub(super) fn integer_text(errors: &mut FieldErrors, field: &'static str, value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Number(n) if n.is_i64() || n.is_u64() => n.to_string(),
        _ => {
            errors.push(wrong_type(
                field,
                "Send the number of tokens as a JSON integer such as 5000.",
                "トークン数は5000のような整数の数値で送信してください。",
            ));
            String::new()
        }
    }
}

pub(super) fn flag(errors: &mut FieldErrors, field: &'static str, value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(flag) => *flag,
        _ => {
            errors.push(wrong_type(field, "Send true or false.", "trueまたはfalseで送信してください。"));
            false
        }
    }
}

/// The JSON type errors and the domain's own errors for the other fields, as one answer.
pub(super) fn all_errors(type_errors: FieldErrors, checked: Result<()>) -> Error {
    let mut errors = match type_errors.into_result() {
        Err(Error::Validation(errors)) => errors,
        _ => Vec::new(),
    };
    if let Err(Error::Validation(more)) = checked {
        let flagged: Vec<Cow<'static, str>> = errors.iter().map(|e| e.field.clone()).collect();
        errors.extend(more.into_iter().filter(|e| !flagged.contains(&e.field)));
    }
    Error::Validation(errors)
}

pub(super) fn page_of<T>(items: Vec<T>, paging: PageQuery) -> Paginated<T> {
    let total = items.len() as u64;
    let skip = usize::try_from((paging.page - 1).saturating_mul(paging.per_page)).unwrap_or(usize::MAX);
    let take = usize::try_from(paging.per_page).unwrap_or(usize::MAX);
    let items = items.into_iter().skip(skip).take(take).collect();
    Paginated { items, total, page: paging.page, per_page: paging.per_page }
}

fn filter_day(errors: &mut FieldErrors, on: Option<&str>) -> Option<chrono::NaiveDate> {
    on.and_then(|day| errors.check(parse_day("on", day)))
}

#[get("/admin/price-book?<currency>&<on>&<paging..>")]
async fn list_tiers(
    portal: &State<Portal>,
    admin: Admin,
    currency: Option<&str>,
    on: Option<&str>,
    paging: PageQuery,
) -> Result<Json<Paginated<TierView>>, WebError> {
    let mut errors = FieldErrors::new();
    let currency = currency.and_then(|c| errors.check(Currency::parse("currency", c)));
    let on = filter_day(&mut errors, on);
    errors.into_result()?;
    let records = price_book::list_tiers(portal, &admin.0, TierFilter { currency, on }).await?;
    let views = records.iter().map(TierView::from).collect();
    Ok(Json(page_of(views, paging.clamped())))
}

#[post("/admin/price-book", data = "<body>")]
async fn add_tier(
    portal: &State<Portal>,
    admin: Admin,
    origin: Origin,
    body: ApiJson<NewTierBody>,
) -> Result<(Status, Json<TierView>), WebError> {
    let body = body.0;
    let mut errors = FieldErrors::new();
    let input = TierInput {
        currency: text(&mut errors, "currency", &body.currency),
        min_tokens: integer_text(&mut errors, "min_tokens", &body.min_tokens),
        unit_price: decimal_text(&mut errors, "unit_price", &body.unit_price),
        effective_from: text(&mut errors, "effective_from", &body.effective_from),
        effective_to: text(&mut errors, "effective_to", &body.effective_to),
        sample: flag(&mut errors, "sample", &body.sample),
    };
    if !errors.is_empty() {
        return Err(all_errors(errors, input.validate(portal.today())).into());
    }
    let record = price_book::add_tier(portal, &admin.0, &origin, &input).await?;
    Ok((Status::Created, Json(TierView::from(&record))))
}

#[patch("/admin/price-book/<id>", data = "<body>")]
async fn end_tier(
    portal: &State<Portal>,
    admin: Admin,
    origin: Origin,
    id: Uuid,
    body: ApiJson<EndBody>,
) -> Result<Json<TierView>, WebError> {
    let mut errors = FieldErrors::new();
    let effective_to = text(&mut errors, "effective_to", &body.0.effective_to);
    errors.into_result()?;
    let record = price_book::end_tier(portal, &admin.0, &origin, id, &effective_to).await?;
    Ok(Json(TierView::from(&record)))
}

#[get("/admin/tax-rules?<country>&<on>&<paging..>")]
async fn list_tax_rules(
    portal: &State<Portal>,
    admin: Admin,
    country: Option<&str>,
    on: Option<&str>,
    paging: PageQuery,
) -> Result<Json<Paginated<TaxRuleView>>, WebError> {
    let mut errors = FieldErrors::new();
    let country = country.and_then(|c| errors.check(Country::parse("country", c)));
    let on = filter_day(&mut errors, on);
    errors.into_result()?;
    let records = price_book::list_tax_rules(portal, &admin.0, TaxRuleFilter { country, on }).await?;
    let views = records.iter().map(TaxRuleView::from).collect();
    Ok(Json(page_of(views, paging.clamped())))
}

#[post("/admin/tax-rules", data = "<body>")]
async fn add_tax_rule(
    portal: &State<Portal>,
    admin: Admin,
    origin: Origin,
    body: ApiJson<NewTaxRuleBody>,
) -> Result<(Status, Json<TaxRuleView>), WebError> {
    let body = body.0;
    let mut errors = FieldErrors::new();
    let input = TaxRuleInput {
        country: text(&mut errors, "country", &body.country),
        name: text(&mut errors, "name", &body.name),
        rate_percent: decimal_text(&mut errors, "rate_percent", &body.rate_percent),
        rounding: text(&mut errors, "rounding", &body.rounding),
        effective_from: text(&mut errors, "effective_from", &body.effective_from),
        effective_to: text(&mut errors, "effective_to", &body.effective_to),
    };
    if !errors.is_empty() {
        return Err(all_errors(errors, input.validate(portal.today())).into());
    }
    let record = price_book::add_tax_rule(portal, &admin.0, &origin, &input).await?;
    Ok((Status::Created, Json(TaxRuleView::from(&record))))
}

#[patch("/admin/tax-rules/<id>", data = "<body>")]
async fn end_tax_rule(
    portal: &State<Portal>,
    admin: Admin,
    origin: Origin,
    id: Uuid,
    body: ApiJson<EndBody>,
) -> Result<Json<TaxRuleView>, WebError> {
    let mut errors = FieldErrors::new();
    let effective_to = text(&mut errors, "effective_to", &body.0.effective_to);
    errors.into_result()?;
    let record = price_book::end_tax_rule(portal, &admin.0, &origin, id, &effective_to).await?;
    Ok(Json(TaxRuleView::from(&record)))
}

pub fn routes() -> Vec<rocket::Route> {
    routes![list_tiers, add_tier, end_tier, list_tax_rules, add_tax_rule, end_tax_rule]
}
