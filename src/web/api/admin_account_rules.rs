//! Operator API for the account rules by date (`/admin/account-rules`): every rule set, oldest
//! first, with the one in force today; and a later set added. Partners get 403.

use chrono::NaiveDate;
use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{State, get, post, routes};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use super::admin_prices::{all_errors, flag, text, wrong_type};
use crate::domain::Portal;
use crate::domain::account_rules::{self, AccountRulesInput, RulesStatus};
use crate::domain::actor::Origin;
use crate::domain::error::{FieldError, FieldErrors};
use crate::web::auth::Admin;
use crate::web::error::WebError;
use crate::web::json::ApiJson;
use crate::web::rules_view::AccountRulesView;

#[derive(Serialize)]
struct RulesList {
    today: NaiveDate,
    /// The id of the set in force today.
    in_force: Option<Uuid>,
    items: Vec<AccountRulesView>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewRulesBody {
    #[serde(default)]
    effective_from: Value,
    #[serde(default)]
    trial_days: Value,
    #[serde(default)]
    grace_days: Value,
    #[serde(default)]
    deficit_allowed: Value,
    #[serde(default)]
    note: Value,
}

/// A day count must be a JSON integer; anything else is named as the wrong type.
fn days_text(errors: &mut FieldErrors, field: &'static str, value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Number(n) if n.is_i64() || n.is_u64() => n.to_string(),
        _ => {
            errors.push(wrong_type(
                field,
                "Send the number of days as a JSON integer such as 90.",
                "日数は90のような整数の数値で送信してください。",
            ));
            String::new()
        }
    }
}

/// Whether usage may become a deficit is a decision the operator states, never a default.
fn required_flag(errors: &mut FieldErrors, field: &'static str, value: &Value) -> bool {
    if value.is_null() {
        errors.push(FieldError::new(
            field,
            "required",
            "Send true or false.",
            "trueまたはfalseで送信してください。",
        ));
        return false;
    }
    flag(errors, field, value)
}

#[get("/admin/account-rules")]
async fn list(portal: &State<Portal>, admin: Admin) -> Result<Json<RulesList>, WebError> {
    let history = account_rules::list_account_rules(portal, &admin.0).await?;
    Ok(Json(RulesList {
        today: history.today,
        in_force: history.in_force().map(|r| r.id),
        items: history.sets.iter().map(|(rules, status)| AccountRulesView::of(rules, *status)).collect(),
    }))
}

#[post("/admin/account-rules", data = "<body>")]
async fn add(
    portal: &State<Portal>,
    admin: Admin,
    origin: Origin,
    body: ApiJson<NewRulesBody>,
) -> Result<(Status, Json<AccountRulesView>), WebError> {
    let body = body.0;
    let mut errors = FieldErrors::new();
    let input = AccountRulesInput {
        effective_from: text(&mut errors, "effective_from", &body.effective_from),
        trial_days: days_text(&mut errors, "trial_days", &body.trial_days),
        grace_days: days_text(&mut errors, "grace_days", &body.grace_days),
        deficit_allowed: required_flag(&mut errors, "deficit_allowed", &body.deficit_allowed),
        note: text(&mut errors, "note", &body.note),
    };
    if !errors.is_empty() {
        return Err(all_errors(errors, input.validate(portal.today())).into());
    }
    let rules = account_rules::add_account_rules(portal, &admin.0, &origin, &input).await?;
    let status =
        if rules.effective_from <= portal.today() { RulesStatus::InForce } else { RulesStatus::Scheduled };
    Ok((Status::Created, Json(AccountRulesView::of(&rules, status))))
}

pub fn routes() -> Vec<rocket::Route> {
    routes![list, add]
}
