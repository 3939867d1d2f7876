//! Operator pages for partners: list, create, edit (profile, tier, agreement, publication) and
//! staff accounts.

use crate::web::choices::is_prefecture;
use crate::web::view::Template;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::response::Redirect;
use rocket::{Responder, State, get, post, routes};
use uuid::Uuid;

use crate::domain::Portal;
use crate::domain::accounts::NewUser;
use crate::domain::actor::{Actor, Origin};
use crate::domain::error::{Error, FieldError};
use crate::domain::partners::Partner;
use crate::domain::partners::{self, PartnerInput};
use crate::web::auth::Admin;
use crate::web::csrf::Protected;
use crate::web::error::{WebError, field_errors};
use crate::web::i18n::Lang;
use crate::web::page::Page;
use crate::web::pagination::{PageQuery, Pager};
use crate::web::partner_view::PartnerRecord;

#[derive(Debug, FromForm, Default)]
struct PartnerForm {
    #[field(default = String::new())]
    slug: String,
    #[field(default = String::new())]
    name_ja: String,
    #[field(default = String::new())]
    name_en: String,
    #[field(default = String::new())]
    description_ja: String,
    #[field(default = String::new())]
    description_en: String,
    #[field(default = String::new())]
    tier: String,
    #[field(default = String::new())]
    csn: String,
    #[field(default = String::new())]
    document_prefix: String,
    #[field(default = String::new())]
    country: String,
    /// Prefectures ticked in the list.
    prefectures: Vec<String>,
    /// Other regions, typed: codes or prefecture names, separated by commas or spaces.
    #[field(default = String::new())]
    regions: String,
    languages: Vec<String>,
    services: Vec<String>,
    #[field(default = String::new())]
    website: String,
    #[field(default = String::new())]
    email: String,
    #[field(default = String::new())]
    phone: String,
    #[field(default = String::new())]
    postal_code: String,
    #[field(default = String::new())]
    address: String,
    #[field(default = String::new())]
    payment_terms: String,
    #[field(default = String::new())]
    bank_details: String,
    #[field(default = String::new())]
    payment_due_days: String,
    #[field(default = String::new())]
    invoice_registration_number: String,
    #[field(default = String::new())]
    max_discount_percent: String,
    #[field(default = String::new())]
    flex_signed_on: String,
    #[field(default = String::new())]
    flex_expires_on: String,
    #[field(default = false)]
    published: bool,
}

impl PartnerForm {
    fn into_input(self) -> PartnerInput {
        PartnerInput {
            slug: self.slug,
            name_ja: self.name_ja,
            name_en: self.name_en,
            description_ja: self.description_ja,
            description_en: self.description_en,
            tier: self.tier,
            csn: self.csn,
            document_prefix: self.document_prefix,
            country: self.country,
            regions: {
                let typed = self
                    .regions
                    .split([',', ' ', '、', '，', '\u{3000}'])
                    .filter(|r| !r.trim().is_empty())
                    .map(crate::web::choices::region_code);
                let mut regions: Vec<String> = Vec::new();
                for code in self.prefectures.into_iter().chain(typed) {
                    if !regions.contains(&code) {
                        regions.push(code);
                    }
                }
                regions
            },
            languages: self.languages,
            services: self.services,
            website: self.website,
            email: self.email,
            phone: self.phone,
            postal_code: self.postal_code,
            address: self.address,
            payment_terms: self.payment_terms,
            bank_details: self.bank_details,
            payment_due_days: self.payment_due_days,
            invoice_registration_number: self.invoice_registration_number,
            max_discount_percent: self.max_discount_percent,
            flex_signed_on: self.flex_signed_on,
            flex_expires_on: self.flex_expires_on,
            published: self.published,
        }
    }
}

/// The form's field for an error reported under an API name (`regions[2]`, `flex_agreement.signed_on`).
fn form_field(name: &str) -> String {
    let base = name.split('[').next().unwrap_or(name);
    match base {
        "flex_agreement.signed_on" => "flex_signed_on".into(),
        "flex_agreement.expires_on" => "flex_expires_on".into(),
        other => other.to_owned(),
    }
}

fn errors_by_field(errors: &[FieldError], lang: Lang) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    for e in field_errors(errors, lang) {
        map.entry(form_field(&e.field)).or_insert(serde_json::Value::String(e.message));
    }
    serde_json::Value::Object(map)
}

fn form_view(input: &PartnerInput) -> serde_json::Value {
    serde_json::json!({
        "slug": input.slug, "name_ja": input.name_ja, "name_en": input.name_en,
        "description_ja": input.description_ja, "description_en": input.description_en, "tier": input.tier,
        "csn": input.csn, "document_prefix": input.document_prefix, "country": input.country,
        "prefectures": input.regions.iter().filter(|r| is_prefecture(r)).collect::<Vec<_>>(),
        "regions": input.regions.iter().filter(|r| !is_prefecture(r)).cloned().collect::<Vec<_>>().join(", "),
        "languages": input.languages, "services": input.services, "website": input.website, "email": input.email,
        "phone": input.phone, "postal_code": input.postal_code, "address": input.address,
        "payment_terms": input.payment_terms, "bank_details": input.bank_details,
        "payment_due_days": input.payment_due_days, "invoice_registration_number": input.invoice_registration_number,
        "max_discount_percent": input.max_discount_percent, "flex_signed_on": input.flex_signed_on,
        "flex_expires_on": input.flex_expires_on, "published": input.published,
    })
}

fn choices(lang: Lang) -> serde_json::Value {
    serde_json::json!({
        "tiers": crate::web::choices::tiers(),
        "countries": crate::web::choices::countries(lang),
        "prefectures": crate::web::choices::prefectures(lang),
        "languages": crate::web::choices::languages(lang),
        "services": crate::web::choices::services(lang),
    })
}

#[get("/admin/partners?<q>&<paging..>")]
async fn list(
    portal: &State<Portal>,
    page: Page,
    admin: Admin,
    q: Option<&str>,
    paging: PageQuery,
) -> Result<Template, WebError> {
    let paging = paging.clamped();
    let (rows, total) = partners::list_partners(portal, &admin.0, q, paging.page, paging.per_page).await?;
    let today = portal.today();
    let records: Vec<PartnerRecord> = rows.iter().map(|r| PartnerRecord::of(r, today)).collect();
    Ok(page.render(
        "admin/partners",
        serde_json::json!({ "partners": records, "pager": Pager::new(paging, total), "q": q.unwrap_or("") }),
    ))
}

fn edit_page(
    page: &Page,
    row: Option<&Partner>,
    input: &PartnerInput,
    errors: serde_json::Value,
    staff: serde_json::Value,
    today: chrono::NaiveDate,
    notice: Option<String>,
) -> Template {
    page.render(
        "admin/partner_form",
        serde_json::json!({
            "record": row.map(|r| PartnerRecord::of(r, today)), "form": form_view(input), "errors": errors,
            "choices": choices(page.lang), "staff": staff, "notice": notice, "staff_errors": {},
        }),
    )
}

#[get("/admin/partners/new")]
fn new(page: Page, _admin: Admin) -> Template {
    let input = PartnerInput {
        country: "JP".into(),
        tier: "gold".into(),
        languages: vec!["ja".into()],
        services: vec!["flex_tokens".into()],
        ..Default::default()
    };
    edit_page(&page, None, &input, serde_json::json!({}), serde_json::json!([]), chrono::NaiveDate::MIN, None)
}

#[derive(Responder)]
enum SaveReply {
    Saved(Redirect),
    Invalid((Status, Template)),
}

#[post("/admin/partners", data = "<form>")]
async fn create(
    portal: &State<Portal>,
    page: Page,
    admin: Admin,
    origin: Origin,
    form: Protected<PartnerForm>,
) -> Result<SaveReply, WebError> {
    let input = form.0.into_input();
    match partners::create_partner(portal, &admin.0, &origin, &input).await {
        Ok(row) => Ok(SaveReply::Saved(Redirect::to(format!("/admin/partners/{}?saved=1", row.id)))),
        Err(Error::Validation(errors)) => {
            let template = edit_page(
                &page,
                None,
                &input,
                errors_by_field(&errors, page.lang),
                serde_json::json!([]),
                portal.today(),
                None,
            );
            Ok(SaveReply::Invalid((Status::UnprocessableEntity, template)))
        }
        Err(other) => Err(other.into()),
    }
}

async fn staff_of(portal: &Portal, actor: &Actor, id: Uuid) -> Result<serde_json::Value, WebError> {
    let rows = partners::partner_staff(portal, actor, id).await?;
    Ok(rows
        .iter()
        .map(|u| serde_json::json!({"email": u.email, "display_name": u.display_name, "role": u.role}))
        .collect())
}

#[get("/admin/partners/<id>?<saved>")]
async fn edit(
    portal: &State<Portal>,
    page: Page,
    admin: Admin,
    id: Uuid,
    saved: Option<&str>,
) -> Result<Template, WebError> {
    let row = partners::get_partner(portal, &admin.0, id).await?;
    let notice = saved.map(|_| page.text("admin_partners.saved"));
    Ok(edit_page(
        &page,
        Some(&row),
        &PartnerInput::from_row(&row),
        serde_json::json!({}),
        staff_of(portal, &admin.0, id).await?,
        portal.today(),
        notice,
    ))
}

#[post("/admin/partners/<id>", data = "<form>")]
async fn update(
    portal: &State<Portal>,
    page: Page,
    admin: Admin,
    origin: Origin,
    id: Uuid,
    form: Protected<PartnerForm>,
) -> Result<SaveReply, WebError> {
    let input = form.0.into_input();
    let submitted = input.clone();
    match partners::update_partner(portal, &admin.0, &origin, id, move |current| *current = submitted).await {
        Ok(row) => Ok(SaveReply::Saved(Redirect::to(format!("/admin/partners/{}?saved=1", row.id)))),
        Err(Error::Validation(errors)) => {
            let row = partners::get_partner(portal, &admin.0, id).await?;
            let template = edit_page(
                &page,
                Some(&row),
                &input,
                errors_by_field(&errors, page.lang),
                staff_of(portal, &admin.0, id).await?,
                portal.today(),
                None,
            );
            Ok(SaveReply::Invalid((Status::UnprocessableEntity, template)))
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(FromForm)]
struct StaffForm {
    #[field(default = String::new())]
    email: String,
    #[field(default = String::new())]
    display_name: String,
    #[field(default = String::new())]
    role: String,
    #[field(default = String::new())]
    password: String,
}

#[post("/admin/partners/<id>/users", data = "<form>")]
async fn add_staff(
    portal: &State<Portal>,
    page: Page,
    admin: Admin,
    origin: Origin,
    id: Uuid,
    form: Protected<StaffForm>,
) -> Result<SaveReply, WebError> {
    let form = form.0;
    let user = NewUser {
        email: form.email.clone(),
        display_name: form.display_name,
        role: form.role,
        partner_id: None,
        password: form.password,
        locale: None,
    };
    match partners::create_partner_user(portal, &admin.0, &origin, id, user).await {
        Ok(_) => Ok(SaveReply::Saved(Redirect::to(format!("/admin/partners/{id}?saved=1")))),
        Err(Error::Validation(errors)) => {
            let row = partners::get_partner(portal, &admin.0, id).await?;
            let template = page.render(
                "admin/partner_form",
                serde_json::json!({
                    "record": PartnerRecord::of(&row, portal.today()), "form": form_view(&PartnerInput::from_row(&row)),
                    "errors": {}, "choices": choices(page.lang), "staff": staff_of(portal, &admin.0, id).await?,
                    "staff_errors": errors_by_field(&errors, page.lang), "staff_email": form.email,
                }),
            );
            Ok(SaveReply::Invalid((Status::UnprocessableEntity, template)))
        }
        Err(other) => Err(other.into()),
    }
}

pub fn routes() -> Vec<rocket::Route> {
    routes![list, new, create, edit, update, add_staff]
}
