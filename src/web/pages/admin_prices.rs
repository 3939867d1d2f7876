//! Operator page for the price book and tax rules (`/admin/prices`): both tables with what is in force
//! today highlighted, and the forms that add a tier or a rule and end one.

use crate::web::view::Template;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::response::Redirect;
use rocket::{Responder, State, get, post, routes};
use serde::Serialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::domain::Portal;
use crate::domain::actor::Origin;
use crate::domain::error::{Error, FieldError};
use crate::domain::money::{Currency, Rounding};
use crate::domain::price_book::{self, TaxRuleFilter, TaxRuleInput, TierFilter, TierInput};
use crate::domain::region::Country;
use crate::web::auth::Admin;
use crate::web::csrf::Protected;
use crate::web::error::{WebError, field_errors};
use crate::web::i18n::Lang;
use crate::web::page::Page;
use crate::web::price_view::PageRow;

#[derive(Debug, FromForm, Default, Serialize)]
struct TierForm {
    #[field(default = String::new())]
    currency: String,
    #[field(default = String::new())]
    min_tokens: String,
    #[field(default = String::new())]
    unit_price: String,
    #[field(default = String::new())]
    effective_from: String,
    #[field(default = String::new())]
    effective_to: String,
    #[field(default = false)]
    sample: bool,
}

impl TierForm {
    fn input(&self) -> TierInput {
        TierInput {
            currency: self.currency.clone(),
            min_tokens: self.min_tokens.clone(),
            unit_price: self.unit_price.clone(),
            effective_from: self.effective_from.clone(),
            effective_to: self.effective_to.clone(),
            sample: self.sample,
        }
    }
}

#[derive(Debug, FromForm, Default, Serialize)]
struct TaxRuleForm {
    #[field(default = String::new())]
    country: String,
    #[field(default = String::new())]
    name: String,
    #[field(default = String::new())]
    rate_percent: String,
    #[field(default = String::new())]
    rounding: String,
    #[field(default = String::new())]
    effective_from: String,
    #[field(default = String::new())]
    effective_to: String,
}

impl TaxRuleForm {
    fn input(&self) -> TaxRuleInput {
        TaxRuleInput {
            country: self.country.clone(),
            name: self.name.clone(),
            rate_percent: self.rate_percent.clone(),
            rounding: self.rounding.clone(),
            effective_from: self.effective_from.clone(),
            effective_to: self.effective_to.clone(),
        }
    }
}

#[derive(Debug, FromForm)]
struct EndForm {
    #[field(default = String::new())]
    effective_to: String,
}

/// What the page shows besides the tables: the two add forms as typed, and errors of the form that failed.
struct FormsState {
    tier: TierForm,
    tier_errors: Value,
    rule: TaxRuleForm,
    rule_errors: Value,
    /// The end form that failed: `{kind, id, value, error}`, all empty when none did.
    failed_end: Value,
    notice: Option<String>,
}

impl FormsState {
    fn fresh(today: chrono::NaiveDate) -> Self {
        let from = today.to_string();
        Self {
            tier: TierForm {
                currency: Currency::Jpy.code().into(),
                effective_from: from.clone(),
                ..Default::default()
            },
            tier_errors: json!({}),
            rule: TaxRuleForm {
                country: Country::Japan.code().into(),
                rounding: Rounding::Down.code().into(),
                effective_from: from,
                ..Default::default()
            },
            rule_errors: json!({}),
            failed_end: json!({"kind": "", "id": "", "value": "", "error": ""}),
            notice: None,
        }
    }
}

pub(super) fn errors_by_field(errors: &[FieldError], lang: Lang) -> Value {
    let mut map = serde_json::Map::new();
    for e in field_errors(errors, lang) {
        map.entry(e.field).or_insert(Value::String(e.message));
    }
    Value::Object(map)
}

async fn render(
    portal: &Portal,
    page: &Page,
    admin: &Admin,
    state: FormsState,
) -> Result<Template, WebError> {
    let today = portal.today();
    let tiers = price_book::list_tiers(portal, &admin.0, TierFilter::default()).await?;
    let rules = price_book::list_tax_rules(portal, &admin.0, TaxRuleFilter::default()).await?;
    let lang = page.lang.code();
    let countries: Vec<Value> =
        Country::iter().map(|c| json!({"code": c.code(), "name": c.name(lang)})).collect();
    Ok(page.render(
        "admin/prices",
        json!({
            "today": today,
            "tiers": tiers.iter().map(|t| PageRow::tier(t, today)).collect::<Vec<_>>(),
            "rules": rules.iter().map(|r| PageRow::tax_rule(r, today)).collect::<Vec<_>>(),
            "currencies": Currency::ALL.iter().map(|c| c.code()).collect::<Vec<_>>(),
            "roundings": Rounding::ALL.iter().map(|r| r.code()).collect::<Vec<_>>(),
            "countries": countries,
            "tier_form": state.tier, "tier_errors": state.tier_errors,
            "rule_form": state.rule, "rule_errors": state.rule_errors,
            "failed_end": state.failed_end, "notice": state.notice,
        }),
    ))
}

/// The notices a redirect may ask for; anything else in `?saved=` is ignored.
const NOTICES: [&str; 4] = ["tier_added", "tier_ended", "rule_added", "rule_ended"];

#[get("/admin/prices?<saved>")]
async fn prices(
    portal: &State<Portal>,
    page: Page,
    admin: Admin,
    saved: Option<&str>,
) -> Result<Template, WebError> {
    let mut state = FormsState::fresh(portal.today());
    state.notice =
        saved.filter(|key| NOTICES.contains(key)).map(|key| page.text(&format!("admin_prices.{key}")));
    render(portal, &page, &admin, state).await
}

#[derive(Responder)]
enum FormReply {
    Saved(Redirect),
    Invalid((Status, Template)),
}

fn saved(notice: &str) -> FormReply {
    FormReply::Saved(Redirect::to(format!("/admin/prices?saved={notice}")))
}

async fn invalid(
    portal: &Portal,
    page: &Page,
    admin: &Admin,
    state: FormsState,
) -> Result<FormReply, WebError> {
    let template = render(portal, page, admin, state).await?;
    Ok(FormReply::Invalid((Status::UnprocessableEntity, template)))
}

#[post("/admin/prices/tiers", data = "<form>")]
async fn add_tier(
    portal: &State<Portal>,
    page: Page,
    admin: Admin,
    origin: Origin,
    form: Protected<TierForm>,
) -> Result<FormReply, WebError> {
    let form = form.0;
    match price_book::add_tier(portal, &admin.0, &origin, &form.input()).await {
        Ok(_) => Ok(saved("tier_added")),
        Err(Error::Validation(errors)) => {
            let state = FormsState {
                tier: form,
                tier_errors: errors_by_field(&errors, page.lang),
                ..FormsState::fresh(portal.today())
            };
            invalid(portal, &page, &admin, state).await
        }
        Err(other) => Err(other.into()),
    }
}

#[post("/admin/prices/tax-rules", data = "<form>")]
async fn add_tax_rule(
    portal: &State<Portal>,
    page: Page,
    admin: Admin,
    origin: Origin,
    form: Protected<TaxRuleForm>,
) -> Result<FormReply, WebError> {
    let form = form.0;
    match price_book::add_tax_rule(portal, &admin.0, &origin, &form.input()).await {
        Ok(_) => Ok(saved("rule_added")),
        Err(Error::Validation(errors)) => {
            let state = FormsState {
                rule: form,
                rule_errors: errors_by_field(&errors, page.lang),
                ..FormsState::fresh(portal.today())
            };
            invalid(portal, &page, &admin, state).await
        }
        Err(other) => Err(other.into()),
    }
}

/// Which table an end form belongs to.
#[derive(Clone, Copy)]
enum Kind {
    Tier,
    Rule,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Tier => "tier",
            Kind::Rule => "rule",
        }
    }
}

async fn end(
    portal: &Portal,
    page: &Page,
    admin: &Admin,
    origin: &Origin,
    (kind, id): (Kind, Uuid),
    effective_to: &str,
) -> Result<FormReply, WebError> {
    let ended = match kind {
        Kind::Tier => price_book::end_tier(portal, &admin.0, origin, id, effective_to).await.map(drop),
        Kind::Rule => price_book::end_tax_rule(portal, &admin.0, origin, id, effective_to).await.map(drop),
    };
    match ended {
        Ok(()) => Ok(saved(&format!("{}_ended", kind.name()))),
        Err(Error::Validation(errors)) => {
            let message = field_errors(&errors, page.lang).into_iter().next().map(|e| e.message);
            let state = FormsState {
                failed_end: json!({"kind": kind.name(), "id": id, "value": effective_to, "error": message}),
                ..FormsState::fresh(portal.today())
            };
            invalid(portal, page, admin, state).await
        }
        Err(other) => Err(other.into()),
    }
}

#[post("/admin/prices/tiers/<id>/end", data = "<form>")]
async fn end_tier(
    portal: &State<Portal>,
    page: Page,
    admin: Admin,
    origin: Origin,
    id: Uuid,
    form: Protected<EndForm>,
) -> Result<FormReply, WebError> {
    end(portal, &page, &admin, &origin, (Kind::Tier, id), &form.0.effective_to).await
}

#[post("/admin/prices/tax-rules/<id>/end", data = "<form>")]
async fn end_tax_rule(
    portal: &State<Portal>,
    page: Page,
    admin: Admin,
    origin: Origin,
    id: Uuid,
    form: Protected<EndForm>,
) -> Result<FormReply, WebError> {
    end(portal, &page, &admin, &origin, (Kind::Rule, id), &form.0.effective_to).await
}

pub fn routes() -> Vec<rocket::Route> {
    routes![prices, add_tier, add_tax_rule, end_tier, end_tax_rule]
}
