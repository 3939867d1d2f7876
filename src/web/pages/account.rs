//! The signed-in user's own account: changing the password (which signs out every session),
//! two-step sign-in (TOTP), and for a partner admin whether their staff must use it.

use crate::web::view::Template;
use rocket::form::FromForm;
use rocket::http::{Cookie, CookieJar, Status};
use rocket::response::Redirect;
use rocket::{State, get, post, routes};

use crate::domain::Portal;
use crate::domain::accounts;
use crate::domain::accounts::totp::{self, Enrollment};
use crate::domain::actor::{Actor, Origin, Role};
use crate::domain::error::{Error, FieldError};
use crate::web::auth::{PartnerAdmin, SESSION_COOKIE, SignedIn};
use crate::web::csrf::{CsrfOnly, Protected};
use crate::web::error::{WebError, field_errors};
use crate::web::page::Page;
use crate::web::qr;

#[get("/account")]
async fn account(portal: &State<Portal>, page: Page, user: SignedIn) -> Result<(Status, Template), WebError> {
    account_page(portal, &page, &user.actor, Status::Ok, None, serde_json::json!({})).await
}

#[derive(FromForm)]
struct PasswordForm {
    #[field(default = String::new())]
    current_password: String,
    #[field(default = String::new())]
    new_password: String,
}

#[post("/account/password", data = "<form>")]
async fn change_password(
    portal: &State<Portal>,
    page: Page,
    user: SignedIn,
    origin: Origin,
    jar: &CookieJar<'_>,
    form: Protected<PasswordForm>,
) -> Result<(Status, Template), WebError> {
    let Protected(form) = form;
    match accounts::change_password(portal, &user.actor, &origin, &form.current_password, &form.new_password)
        .await
    {
        Ok(()) => {
            jar.remove(Cookie::build(SESSION_COOKIE).path("/"));
            let notice = page.text("account.changed");
            Ok((Status::Ok, super::login_page_for(&page, &user.actor.email, "", Some(notice))))
        }
        Err(Error::Validation(errors)) => {
            let by_field: serde_json::Map<_, _> = field_errors(&errors, page.lang)
                .into_iter()
                .map(|e| (e.field, serde_json::Value::String(e.message)))
                .collect();
            let mut context = totp_context(portal, &user.actor).await?;
            context["errors"] = serde_json::Value::Object(by_field);
            context["totp_errors"] = serde_json::json!({});
            Ok((Status::UnprocessableEntity, page.render("account", context)))
        }
        Err(other) => Err(other.into()),
    }
}

/// What the account page shows about two-step sign-in, and the partner requirement control for
/// a partner admin.
async fn totp_context(portal: &Portal, actor: &Actor) -> Result<serde_json::Value, WebError> {
    let status = totp::status(portal, actor).await?;
    let policy = if actor.role == Role::PartnerAdmin {
        Some(serde_json::json!({ "required": totp::partner_requirement(portal, actor).await? }))
    } else {
        None
    };
    Ok(serde_json::json!({ "totp": status, "policy": policy }))
}

async fn account_page(
    portal: &Portal,
    page: &Page,
    actor: &Actor,
    status: Status,
    notice: Option<String>,
    totp_errors: serde_json::Value,
) -> Result<(Status, Template), WebError> {
    let mut context = totp_context(portal, actor).await?;
    context["errors"] = serde_json::json!({});
    context["totp_errors"] = totp_errors;
    context["notice"] = serde_json::json!(notice);
    Ok((status, page.render("account", context)))
}

fn errors_by_field(errors: &[FieldError], page: &Page) -> serde_json::Value {
    let by_field: serde_json::Map<_, _> = field_errors(errors, page.lang)
        .into_iter()
        .map(|e| (e.field, serde_json::Value::String(e.message)))
        .collect();
    serde_json::Value::Object(by_field)
}

/// The set-up page: the pending key as a QR code and as text, and the field to confirm it.
fn enrolment_page(
    page: &Page,
    enrollment: Option<&Enrollment>,
    required: bool,
    error: Option<String>,
) -> Template {
    let qr = enrollment.and_then(|e| qr::svg(&e.otpauth_url, &page.text("totp.qr_label")));
    page.render(
        "account_totp",
        serde_json::json!({
            "enrollment": enrollment, "qr": qr, "required": required, "error": error, "codes": null,
        }),
    )
}

#[get("/account/totp")]
async fn totp_setup(
    portal: &State<Portal>,
    page: Page,
    user: SignedIn,
) -> Result<Result<Template, Redirect>, WebError> {
    let status = totp::status(portal, &user.actor).await?;
    if status.enabled {
        return Ok(Err(Redirect::to("/account")));
    }
    let enrollment = if status.pending { Some(totp::pending(portal, &user.actor).await?) } else { None };
    Ok(Ok(enrolment_page(&page, enrollment.as_ref(), status.required, None)))
}

#[post("/account/totp", data = "<form>")]
async fn totp_begin(
    portal: &State<Portal>,
    user: SignedIn,
    origin: Origin,
    form: Protected<CsrfOnly>,
) -> Result<Redirect, WebError> {
    let Protected(CsrfOnly { .. }) = form;
    match totp::begin(portal, &user.actor, &origin).await {
        Ok(_) => Ok(Redirect::to("/account/totp")),
        Err(Error::Conflict(_)) => Ok(Redirect::to("/account")),
        Err(other) => Err(other.into()),
    }
}

#[derive(FromForm)]
struct ConfirmForm {
    #[field(default = String::new())]
    code: String,
}

#[post("/account/totp/confirm", data = "<form>")]
async fn totp_confirm(
    portal: &State<Portal>,
    page: Page,
    user: SignedIn,
    origin: Origin,
    form: Protected<ConfirmForm>,
) -> Result<(Status, Template), WebError> {
    let Protected(form) = form;
    match totp::confirm(portal, &user.actor, &origin, &form.code).await {
        Ok(codes) => Ok((
            Status::Ok,
            page.render(
                "account_totp",
                serde_json::json!({ "enrollment": null, "codes": codes, "required": false }),
            ),
        )),
        Err(Error::Validation(errors)) => {
            let message = field_errors(&errors, page.lang).into_iter().next().map(|e| e.message);
            let status = totp::status(portal, &user.actor).await?;
            let enrollment = totp::pending(portal, &user.actor).await.ok();
            Ok((
                Status::UnprocessableEntity,
                enrolment_page(&page, enrollment.as_ref(), status.required, message),
            ))
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(FromForm)]
struct DisableForm {
    #[field(default = String::new())]
    password: String,
    #[field(default = String::new())]
    code: String,
}

#[post("/account/totp/disable", data = "<form>")]
async fn totp_disable(
    portal: &State<Portal>,
    page: Page,
    user: SignedIn,
    origin: Origin,
    form: Protected<DisableForm>,
) -> Result<(Status, Template), WebError> {
    let Protected(form) = form;
    match totp::disable(portal, &user.actor, &origin, &form.password, &form.code).await {
        Ok(()) => {
            let notice = Some(page.text("totp.disabled"));
            account_page(portal, &page, &user.actor, Status::Ok, notice, serde_json::json!({})).await
        }
        Err(Error::Validation(errors)) => {
            let errors = errors_by_field(&errors, &page);
            account_page(portal, &page, &user.actor, Status::UnprocessableEntity, None, errors).await
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(FromForm)]
struct PolicyForm {
    #[field(default = false)]
    required: bool,
}

#[post("/account/totp-policy", data = "<form>")]
async fn totp_policy(
    portal: &State<Portal>,
    page: Page,
    admin: PartnerAdmin,
    origin: Origin,
    form: Protected<PolicyForm>,
) -> Result<(Status, Template), WebError> {
    let Protected(form) = form;
    totp::set_partner_requirement(portal, &admin.0, &origin, form.required).await?;
    let notice = Some(page.text("totp.policy_saved"));
    account_page(portal, &page, &admin.0, Status::Ok, notice, serde_json::json!({})).await
}

pub fn routes() -> Vec<rocket::Route> {
    routes![account, change_password, totp_setup, totp_begin, totp_confirm, totp_disable, totp_policy]
}
