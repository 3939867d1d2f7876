//! The signed-in user's own account: changing the password (which signs out every session).

use crate::web::view::Template;
use rocket::form::FromForm;
use rocket::http::{Cookie, CookieJar, Status};
use rocket::{State, get, post, routes};

use crate::domain::Portal;
use crate::domain::accounts;
use crate::domain::actor::Origin;
use crate::domain::error::Error;
use crate::web::auth::{SESSION_COOKIE, SignedIn};
use crate::web::csrf::Protected;
use crate::web::error::{WebError, field_errors};
use crate::web::page::Page;

#[get("/account")]
fn account(page: Page, _user: SignedIn) -> Template {
    page.render("account", serde_json::json!({ "errors": {} }))
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
            Ok((
                Status::UnprocessableEntity,
                page.render("account", serde_json::json!({ "errors": by_field })),
            ))
        }
        Err(other) => Err(other.into()),
    }
}

pub fn routes() -> Vec<rocket::Route> {
    routes![account, change_password]
}
