//! Operator page for the account rules by date (`/admin/account-rules`): every rule set with the one
//! in force today marked, and the form that adds a later one.

use rocket::form::FromForm;
use rocket::http::Status;
use rocket::response::Redirect;
use rocket::{State, get, post, routes};
use serde::Serialize;
use serde_json::{Value, json};

use crate::domain::Portal;
use crate::domain::account_rules::{self, AccountRulesInput};
use crate::domain::actor::Origin;
use crate::domain::error::{Error, FieldError};
use crate::web::auth::Admin;
use crate::web::csrf::Protected;
use crate::web::error::WebError;
use crate::web::page::Page;
use crate::web::pages::workspace_view::{FormReply, errors_by_field};
use crate::web::rules_view::AccountRulesView;
use crate::web::view::Template;

#[derive(Debug, FromForm, Default, Serialize)]
struct RulesForm {
    #[field(default = String::new())]
    effective_from: String,
    #[field(default = String::new())]
    trial_days: String,
    #[field(default = String::new())]
    grace_days: String,
    #[field(default = false)]
    deficit_allowed: bool,
    #[field(default = String::new())]
    note: String,
}

impl RulesForm {
    fn input(&self) -> AccountRulesInput {
        AccountRulesInput {
            effective_from: self.effective_from.clone(),
            trial_days: self.trial_days.clone(),
            grace_days: self.grace_days.clone(),
            deficit_allowed: self.deficit_allowed,
            note: self.note.clone(),
        }
    }
}

async fn render(
    portal: &Portal,
    page: &Page,
    admin: &Admin,
    form: Option<RulesForm>,
    errors: Value,
    notice: Option<String>,
) -> Result<Template, WebError> {
    let history = account_rules::list_account_rules(portal, &admin.0).await?;
    // A fresh form starts from the terms in force, from today.
    let form = form.unwrap_or_else(|| match history.in_force() {
        Some(current) => RulesForm {
            effective_from: history.today.to_string(),
            trial_days: current.trial_days.to_string(),
            grace_days: current.grace_days.to_string(),
            deficit_allowed: current.deficit_allowed,
            note: String::new(),
        },
        None => RulesForm { effective_from: history.today.to_string(), ..Default::default() },
    });
    let rows: Vec<_> =
        history.sets.iter().map(|(rules, status)| AccountRulesView::of(rules, *status)).collect();
    Ok(page.render(
        "admin/account_rules",
        json!({
            "today": history.today, "rules": rows, "form": form, "errors": errors, "notice": notice,
            "max_days": account_rules::MAX_DAYS.to_string(),
        }),
    ))
}

#[get("/admin/account-rules?<saved>")]
async fn list(
    portal: &State<Portal>,
    page: Page,
    admin: Admin,
    saved: Option<&str>,
) -> Result<Template, WebError> {
    let notice = saved.filter(|s| *s == "added").map(|_| page.text("admin_account_rules.added"));
    render(portal, &page, &admin, None, json!({}), notice).await
}

#[post("/admin/account-rules", data = "<form>")]
async fn add(
    portal: &State<Portal>,
    page: Page,
    admin: Admin,
    origin: Origin,
    form: Protected<RulesForm>,
) -> Result<FormReply, WebError> {
    let form = form.0;
    let errors = match account_rules::add_account_rules(portal, &admin.0, &origin, &form.input()).await {
        Ok(_) => return Ok(FormReply::Done(Redirect::to("/admin/account-rules?saved=added"))),
        Err(Error::Validation(errors)) => errors,
        // The day is taken: said next to the date, like any other field.
        Err(Error::Conflict(message)) => {
            vec![FieldError::new("effective_from", "taken", message.en, message.ja)]
        }
        Err(other) => return Err(other.into()),
    };
    let errors = Value::Object(errors_by_field(&errors, page.lang, str::to_owned));
    let template = render(portal, &page, &admin, Some(form), errors, None).await?;
    Ok(FormReply::Again((Status::UnprocessableEntity, template)))
}

pub fn routes() -> Vec<rocket::Route> {
    routes![list, add]
}
