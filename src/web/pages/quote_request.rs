//! The public quote-request form: to one partner (`/partners/{slug}/quote-request`) or routed by
//! the portal (`/quote-request`).

use crate::web::view::Template;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::{State, get, post, routes};

use crate::domain::Portal;
use crate::domain::actor::Origin;
use crate::domain::error::Error;
use crate::domain::partners::is_flex_eligible;
use crate::domain::quote_requests::{self, RequestInput};
use crate::web::csrf::Protected;
use crate::web::error::{WebError, field_errors};
use crate::web::i18n::Lang;
use crate::web::page::Page;

#[derive(FromForm, Default, serde::Serialize)]
struct RequestForm {
    #[field(default = String::new())]
    company: String,
    #[field(default = String::new())]
    contact_name: String,
    #[field(default = String::new())]
    email: String,
    #[field(default = String::new())]
    autodesk_id: String,
    #[field(default = String::new())]
    tokens: String,
    #[field(default = String::new())]
    country: String,
    #[field(default = String::new())]
    region: String,
    #[field(default = String::new())]
    language: String,
    #[field(default = String::new())]
    message: String,
    #[field(default = String::new())]
    website: String,
}

fn choices(lang: Lang) -> serde_json::Value {
    serde_json::json!({
        "countries": crate::web::choices::countries(lang),
        "prefectures": crate::web::choices::prefectures(lang),
        "languages": crate::web::choices::languages(lang),
    })
}

/// The partner the form is addressed to, if it can take requests now.
fn partner_card(portal: &Portal, slug: &str, lang: Lang) -> Result<serde_json::Value, Error> {
    let index = portal.directory.snapshot();
    let doc =
        index.get_by_slug(slug).filter(|d| is_flex_eligible(d, portal.today())).ok_or(Error::NotFound)?;
    Ok(
        serde_json::json!({ "slug": doc.slug, "name": if lang == Lang::Ja { &doc.name_ja } else { &doc.name_en } }),
    )
}

fn form_page(
    page: &Page,
    partner: Option<serde_json::Value>,
    form: &RequestForm,
    errors: serde_json::Value,
) -> Template {
    page.render("public/quote_request", serde_json::json!({ "partner": partner, "form": form, "errors": errors, "choices": choices(page.lang) }))
}

fn defaults(lang: Lang) -> RequestForm {
    RequestForm {
        country: "JP".into(),
        language: lang.code().into(),
        tokens: "100".into(),
        ..<RequestForm as Default>::default()
    }
}

#[get("/partners/<slug>/quote-request")]
fn to_partner(portal: &State<Portal>, page: Page, slug: &str) -> Result<Template, WebError> {
    let partner = partner_card(portal, slug, page.lang)?;
    Ok(form_page(&page, Some(partner), &defaults(page.lang), serde_json::json!({})))
}

#[get("/quote-request")]
fn routed(page: Page) -> Template {
    form_page(&page, None, &defaults(page.lang), serde_json::json!({}))
}

async fn submit(
    portal: &Portal,
    page: &Page,
    origin: &Origin,
    slug: Option<&str>,
    form: RequestForm,
) -> Result<(Status, Template), WebError> {
    let partner = match slug {
        Some(slug) => Some(partner_card(portal, slug, page.lang)?),
        None => None,
    };
    let tokens = form.tokens.trim();
    // The form field is text: send digits as a number and anything else as text, so the domain's
    // parser answers "whole number from 100" the same way for forms and JSON.
    let tokens_value = tokens
        .parse::<u64>()
        .map_or_else(|_| serde_json::Value::String(tokens.to_owned()), serde_json::Value::from);
    let input = RequestInput {
        partner: slug.map(str::to_owned),
        company: form.company.clone(),
        contact_name: form.contact_name.clone(),
        email: form.email.clone(),
        autodesk_id: form.autodesk_id.clone(),
        tokens: tokens_value,
        country: form.country.clone(),
        region: form.region.clone(),
        language: form.language.clone(),
        message: form.message.clone(),
        website: form.website.clone(),
    };
    match quote_requests::submit(portal, origin, &input).await {
        Ok(submitted) => Ok((
            Status::Created,
            page.render(
                "public/quote_request_sent",
                serde_json::json!({ "submitted": submitted, "email": form.email }),
            ),
        )),
        Err(Error::Validation(errors)) => {
            let mut by_field = serde_json::Map::new();
            for e in field_errors(&errors, page.lang) {
                by_field.entry(e.field).or_insert(serde_json::Value::String(e.message));
            }
            Ok((Status::UnprocessableEntity, form_page(page, partner, &form, by_field.into())))
        }
        Err(other) => Err(other.into()),
    }
}

#[post("/partners/<slug>/quote-request", data = "<form>")]
async fn submit_to_partner(
    portal: &State<Portal>,
    page: Page,
    origin: Origin,
    slug: &str,
    form: Protected<RequestForm>,
) -> Result<(Status, Template), WebError> {
    submit(portal, &page, &origin, Some(slug), form.0).await
}

#[post("/quote-request", data = "<form>")]
async fn submit_routed(
    portal: &State<Portal>,
    page: Page,
    origin: Origin,
    form: Protected<RequestForm>,
) -> Result<(Status, Template), WebError> {
    submit(portal, &page, &origin, None, form.0).await
}

pub fn routes() -> Vec<rocket::Route> {
    routes![to_partner, routed, submit_to_partner, submit_routed]
}
