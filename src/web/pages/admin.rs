//! Operator pages: overview, users and the audit log.

use crate::web::view::Template;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::response::Redirect;
use rocket::{Responder, State, get, post, routes};

use crate::domain::Portal;
use crate::domain::accounts::{self, NewUser};
use crate::domain::actor::{Origin, Role};
use crate::domain::audit;
use crate::domain::error::Error;
use crate::web::auth::Admin;
use crate::web::csrf::Protected;
use crate::web::error::{WebError, field_errors};
use crate::web::page::Page;
use crate::web::pagination::{PageQuery, Pager};

#[get("/admin")]
fn overview(_admin: Admin) -> Redirect {
    Redirect::to("/admin/users")
}

#[derive(FromForm, Default, serde::Serialize)]
struct UserForm {
    #[field(default = String::new())]
    email: String,
    #[field(default = String::new())]
    display_name: String,
    #[field(default = String::new())]
    role: String,
    #[field(default = String::new())]
    password: String,
    #[field(default = String::new())]
    locale: String,
}

async fn users_page(
    portal: &Portal,
    page: &Page,
    admin: &Admin,
    paging: PageQuery,
    form: &UserForm,
    errors: serde_json::Value,
    notice: Option<String>,
) -> Result<Template, WebError> {
    let (rows, total) = accounts::list_users(portal, &admin.0, paging.page, paging.per_page).await?;
    let users: Vec<_> = rows
        .iter()
        .map(|u| {
            serde_json::json!({
                "email": u.email, "display_name": u.display_name, "role": u.role, "locale": u.locale,
                "active": u.active, "created_at": u.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            })
        })
        .collect();
    let roles: Vec<_> = Role::ALL.iter().map(|r| r.as_str()).collect();
    Ok(page.render(
        "admin/users",
        serde_json::json!({
            "users": users, "pager": Pager::new(paging, total), "form": form, "errors": errors,
            "roles": roles, "notice": notice,
        }),
    ))
}

#[get("/admin/users?<created>&<paging..>")]
async fn users(
    portal: &State<Portal>,
    page: Page,
    admin: Admin,
    created: Option<&str>,
    paging: PageQuery,
) -> Result<Template, WebError> {
    let paging = paging.clamped();
    let notice = created.map(|email| page.text("admin.user_created").replace("{email}", email));
    users_page(
        portal,
        &page,
        &admin,
        paging,
        &<UserForm as Default>::default(),
        serde_json::json!({}),
        notice,
    )
    .await
}

#[derive(Responder)]
enum FormReply {
    Created(Redirect),
    Page((Status, Template)),
}

#[post("/admin/users", data = "<form>")]
async fn create_user(
    portal: &State<Portal>,
    page: Page,
    admin: Admin,
    origin: Origin,
    form: Protected<UserForm>,
) -> Result<FormReply, WebError> {
    let Protected(form) = form;
    let input = NewUser {
        email: form.email.clone(),
        display_name: form.display_name.clone(),
        role: form.role.clone(),
        partner_id: None,
        password: form.password.clone(),
        locale: Some(form.locale.clone()),
    };
    let paging = <PageQuery as Default>::default();
    match accounts::create_user(portal, Some(&admin.0), &origin, input).await {
        // Post/redirect/get: a reload shows the list again instead of creating the user twice.
        Ok(user) => {
            let email = rocket::http::RawStr::new(&user.email).percent_encode();
            Ok(FormReply::Created(Redirect::to(format!("/admin/users?created={email}"))))
        }
        Err(Error::Validation(errors)) => {
            let by_field: serde_json::Map<_, _> = field_errors(&errors, page.lang)
                .into_iter()
                .map(|e| (e.field, serde_json::Value::String(e.message)))
                .collect();
            let form = UserForm { password: String::new(), ..form };
            let template = users_page(portal, &page, &admin, paging, &form, by_field.into(), None).await?;
            Ok(FormReply::Page((Status::UnprocessableEntity, template)))
        }
        Err(other) => Err(other.into()),
    }
}

#[get("/admin/audit?<paging..>")]
async fn audit_log(
    portal: &State<Portal>,
    page: Page,
    admin: Admin,
    paging: PageQuery,
) -> Result<Template, WebError> {
    let paging = paging.clamped();
    let (rows, total) = audit::list(portal.db.conn(), &admin.0, paging.page, paging.per_page).await?;
    let names = page.lang.catalog().get("audit_actions");
    let entries: Vec<_> = rows
        .iter()
        .map(|e| {
            // Times in the operator's zone; an action's name in the reader's language (its code for
            // one the catalogue does not know yet); request ids share a per-process prefix, so the
            // end is the part that tells rows apart.
            let at = e.at.with_timezone(&portal.time_zone).format("%Y-%m-%d %H:%M:%S %Z").to_string();
            let name = names.and_then(|n| n.get(&e.action)).and_then(|n| n.as_str()).unwrap_or(&e.action);
            let request_id = e.request_id.as_deref().unwrap_or("");
            let shown_id =
                request_id.char_indices().rev().nth(7).map_or(request_id, |(i, _)| &request_id[i..]);
            serde_json::json!({
                "at": at, "actor": e.actor_email, "action": e.action, "action_name": name,
                "subject": format!("{} {}", e.subject_type, e.subject_id.as_deref().unwrap_or("")),
                "client_ip": e.client_ip, "request_id": request_id, "request_id_end": shown_id,
            })
        })
        .collect();
    Ok(page
        .render("admin/audit", serde_json::json!({ "entries": entries, "pager": Pager::new(paging, total) })))
}

pub fn routes() -> Vec<rocket::Route> {
    routes![overview, users, create_user, audit_log]
}
