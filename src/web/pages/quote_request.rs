//! The public quote-request form: to one partner (`/partners/{slug}/quote-request`) or routed by
//! the portal (`/quote-request`).

use crate::web::view::Template;
use rocket::form::FromForm;
use rocket::http::{Cookie, CookieJar, SameSite, Status};
use rocket::response::Redirect;
use rocket::{Responder, State, get, post, routes};

use crate::domain::Portal;
use crate::domain::actor::Origin;
use crate::domain::contact::Email;
use crate::domain::error::Error;
use crate::domain::estimator;
use crate::domain::partners::is_flex_eligible;
use crate::domain::quantity::TokenQuantity;
use crate::domain::quote_requests::{self, RequestInput, receipt};
use crate::web::csrf::Protected;
use crate::web::error::{WebError, field_errors};
use crate::web::i18n::Lang;
use crate::web::page::Page;

use super::estimate::EstimatorForm;

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
pub(super) fn partner_card(portal: &Portal, slug: &str, lang: Lang) -> Result<serde_json::Value, Error> {
    let index = portal.directory.snapshot();
    let doc =
        index.get_by_slug(slug)?.filter(|d| is_flex_eligible(d, portal.today())).ok_or(Error::NotFound)?;
    Ok(
        serde_json::json!({ "slug": doc.slug, "name": if lang == Lang::Ja { &doc.name_ja } else { &doc.name_en } }),
    )
}

/// The request form with the estimator above it, whose suggestion comes back to this form.
async fn form_page(
    portal: &Portal,
    page: &Page,
    partner: Option<serde_json::Value>,
    form: &RequestForm,
    errors: serde_json::Value,
) -> Result<Template, Error> {
    let slug = partner.as_ref().and_then(|p| p["slug"].as_str()).map(str::to_owned);
    let (today, rates) = estimator::rates_in_force(portal).await?;
    let estimator = EstimatorForm::new(&rates, today, page.lang, slug);
    Ok(page.render(
        "public/quote_request",
        serde_json::json!({
            "partner": partner, "form": form, "errors": errors, "choices": choices(page.lang),
            "estimator": estimator,
        }),
    ))
}

/// A fresh form; `tokens` is the estimator's suggestion when the visitor came from it. Anything but
/// a plain whole number there is ignored: the form's own check speaks on submission.
fn defaults(lang: Lang, tokens: Option<&str>) -> RequestForm {
    let suggested = tokens
        .map(str::trim)
        .filter(|t| (1..=10).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit()));
    RequestForm {
        country: "JP".into(),
        language: lang.code().into(),
        tokens: suggested.unwrap_or("100").into(),
        ..<RequestForm as Default>::default()
    }
}

#[get("/partners/<slug>/quote-request?<tokens>")]
async fn to_partner(
    portal: &State<Portal>,
    page: Page,
    slug: &str,
    tokens: Option<&str>,
) -> Result<Template, WebError> {
    let partner = partner_card(portal, slug, page.lang)?;
    let form = defaults(page.lang, tokens);
    Ok(form_page(portal, &page, Some(partner), &form, serde_json::json!({})).await?)
}

#[get("/quote-request?<tokens>")]
async fn routed(portal: &State<Portal>, page: Page, tokens: Option<&str>) -> Result<Template, WebError> {
    let form = defaults(page.lang, tokens);
    Ok(form_page(portal, &page, None, &form, serde_json::json!({})).await?)
}

/// The cookie that carries the signed receipt to the thank-you page. It is a cookie rather than a
/// query parameter so the requester's e-mail address never appears in a URL (history, logs).
const RECEIPT_COOKIE: &str = "flexportal_request_receipt";
const SENT_PATH: &str = "/quote-request/sent";

#[derive(Responder)]
enum SubmitReply {
    Sent(Redirect),
    Invalid((Status, Template)),
}

async fn submit(
    portal: &Portal,
    page: &Page,
    origin: &Origin,
    jar: &CookieJar<'_>,
    slug: Option<&str>,
    form: RequestForm,
) -> Result<SubmitReply, WebError> {
    let partner = match slug {
        Some(slug) => Some(partner_card(portal, slug, page.lang)?),
        None => None,
    };
    // The form field is text typed by a person (`１，０００`): read it as the workspace editor does,
    // not as the JSON API does. Text that is no quantity still goes through the submission (which
    // counts it against the client's limit and checks every other field) as a string, and the
    // domain's "send a JSON integer" answer for it is replaced by the form parser's message.
    let tokens = TokenQuantity::parse("tokens", &form.tokens);
    let tokens_value = match &tokens {
        Ok(quantity) => serde_json::Value::from(quantity.get()),
        Err(_) => serde_json::Value::String(form.tokens.clone()),
    };
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
    let outcome = match (quote_requests::submit(portal, origin, &input).await, tokens) {
        (Err(Error::Validation(mut errors)), Err(tokens_error)) => {
            errors.retain(|e| e.field != "tokens");
            errors.insert(0, tokens_error);
            Err(Error::Validation(errors))
        }
        (outcome, _) => outcome,
    };
    match outcome {
        Ok(submitted) => {
            // Post/redirect/get: reloading the thank-you page shows the receipt, it does not send
            // the request again.
            // The address as the domain read it (full-width folded, trimmed, lower case).
            let email = Email::parse("email", &form.email)
                .map_or_else(|_| form.email.clone(), |e| e.as_str().to_owned());
            let token = receipt::issue(portal, &submitted, &email)?;
            jar.add(
                Cookie::build((RECEIPT_COOKIE, token))
                    .path(SENT_PATH)
                    .http_only(true)
                    .secure(portal.config.secure_cookies)
                    .same_site(SameSite::Lax),
            );
            Ok(SubmitReply::Sent(Redirect::to(SENT_PATH)))
        }
        Err(Error::Validation(errors)) => {
            let mut by_field = serde_json::Map::new();
            for e in field_errors(&errors, page.lang) {
                by_field.entry(e.field).or_insert(serde_json::Value::String(e.message));
            }
            Ok(SubmitReply::Invalid((
                Status::UnprocessableEntity,
                form_page(portal, page, partner, &form, by_field.into()).await?,
            )))
        }
        Err(other) => Err(other.into()),
    }
}

#[post("/partners/<slug>/quote-request", data = "<form>")]
async fn submit_to_partner(
    portal: &State<Portal>,
    page: Page,
    origin: Origin,
    jar: &CookieJar<'_>,
    slug: &str,
    form: Protected<RequestForm>,
) -> Result<SubmitReply, WebError> {
    submit(portal, &page, &origin, jar, Some(slug), form.0).await
}

#[post("/quote-request", data = "<form>")]
async fn submit_routed(
    portal: &State<Portal>,
    page: Page,
    origin: Origin,
    jar: &CookieJar<'_>,
    form: Protected<RequestForm>,
) -> Result<SubmitReply, WebError> {
    submit(portal, &page, &origin, jar, None, form.0).await
}

/// The thank-you page, from the receipt the form left: the reference, the partners in the reader's
/// language and the address the confirmation went to.
#[get("/quote-request/sent")]
fn sent(portal: &State<Portal>, page: Page, jar: &CookieJar<'_>) -> Result<Template, WebError> {
    let token = jar.get(RECEIPT_COOKIE).map(|c| c.value().to_owned()).ok_or(Error::NotFound)?;
    let receipt = receipt::read(portal, &token)?;
    let index = portal.directory.snapshot();
    let routed_to: Vec<serde_json::Value> = receipt
        .partners
        .iter()
        .map(|slug| {
            let name = index
                .get_by_slug(slug)?
                .map_or_else(|| slug.clone(), |d| if page.lang == Lang::Ja { d.name_ja } else { d.name_en });
            Ok(serde_json::json!({ "slug": slug, "name": name }))
        })
        .collect::<Result<_, Error>>()?;
    Ok(page.render(
        "public/quote_request_sent",
        serde_json::json!({
            "submitted": { "reference": receipt.reference, "routed_to": routed_to },
            "email": receipt.email,
        }),
    ))
}

pub fn routes() -> Vec<rocket::Route> {
    routes![to_partner, routed, submit_to_partner, submit_routed, sent]
}
