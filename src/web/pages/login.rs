//! Signing in and out through the browser.

use crate::web::view::Template;
use rocket::form::FromForm;
use rocket::http::{Cookie, CookieJar, Header, SameSite, Status};
use rocket::response::Redirect;
use rocket::{Responder, State, get, post, routes};

use crate::domain::Portal;
use crate::domain::accounts::{self, SessionKind};
use crate::domain::actor::Origin;
use crate::domain::error::Error;
use crate::web::auth::{Carrier, MaybeSignedIn, SESSION_COOKIE, SignedIn};
use crate::web::csrf::{CsrfOnly, Protected};
use crate::web::error::WebError;
use crate::web::page::Page;

#[derive(FromForm, Default)]
struct LoginForm {
    #[field(default = String::new())]
    email: String,
    #[field(default = String::new())]
    password: String,
    #[field(default = String::new())]
    next: String,
}

#[derive(Responder)]
enum LoginReply {
    Redirect(Redirect),
    Form((Status, Template)),
    Limited { inner: (Status, Template), retry_after: Header<'static> },
}

/// Only a local path may be a redirect target (no `//host` or `scheme:`). Characters a URI cannot
/// hold as they are (a space from `?next=/a%20b`, Japanese text) are percent-encoded again, so the
/// redirect is always a valid URI; anything that still does not parse is dropped.
fn safe_next(next: &str) -> Option<String> {
    let ok =
        next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') && !next.contains("://");
    if !ok {
        return None;
    }
    let mut encoded = String::with_capacity(next.len());
    for c in next.chars() {
        if c.is_ascii_graphic() && !matches!(c, '"' | '<' | '>' | '`' | '{' | '}' | '|' | '^') {
            encoded.push(c);
        } else {
            let mut buf = [0; 4];
            for byte in c.encode_utf8(&mut buf).bytes() {
                encoded.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    rocket::http::uri::Origin::parse(&encoded).is_ok().then_some(encoded)
}

/// The sign-in form, also shown (with 401) wherever a page needs a session.
pub fn login_page_for(page: &Page, email: &str, next: &str, error: Option<String>) -> Template {
    page.render(
        "login",
        serde_json::json!({ "email": email, "next": safe_next(next).unwrap_or_default(), "error": error }),
    )
}

#[get("/login?<next>")]
fn login_page(page: Page, next: Option<&str>) -> Template {
    login_page_for(&page, "", next.unwrap_or(""), None)
}

#[post("/login", data = "<form>")]
async fn login_submit(
    portal: &State<Portal>,
    page: Page,
    origin: Origin,
    jar: &CookieJar<'_>,
    previous: MaybeSignedIn,
    form: Protected<LoginForm>,
) -> Result<LoginReply, WebError> {
    let Protected(form) = form;
    match accounts::login(portal, &form.email, &form.password, SessionKind::Browser, &origin).await {
        Ok(issued) => {
            end_previous_session(portal, previous, &origin).await?;
            Ok(signed_in(portal, jar, issued, &form.next))
        }
        Err(Error::CodeNeeded { pending }) => {
            Ok(LoginReply::Form((Status::Ok, code_page_for(&page, &pending, &form.next, None))))
        }
        Err(Error::Unauthorized) => {
            let page = login_page_for(&page, &form.email, &form.next, Some(page.text("login.failed")));
            Ok(LoginReply::Form((Status::Unauthorized, page)))
        }
        Err(Error::Validation(_)) => {
            // Only an over-long e-mail gets here; it is not echoed back into the form.
            let page = login_page_for(&page, "", &form.next, Some(page.text("login.email_too_long")));
            Ok(LoginReply::Form((Status::UnprocessableEntity, page)))
        }
        Err(Error::RateLimited { retry_after_secs }) => {
            let message = page.text("login.too_many").replace("{seconds}", &retry_after_secs.to_string());
            let page = login_page_for(&page, &form.email, &form.next, Some(message));
            Ok(LoginReply::Limited {
                inner: (Status::TooManyRequests, page),
                retry_after: Header::new("Retry-After", retry_after_secs.to_string()),
            })
        }
        Err(other) => Err(other.into()),
    }
}

/// Sets the session cookie and sends the browser on to where it was going.
/// A new sign-in in this browser ends the session it had: its cookie is about to be replaced, and
/// the old session must not stay usable by whoever copied it.
async fn end_previous_session(
    portal: &Portal,
    previous: MaybeSignedIn,
    origin: &Origin,
) -> Result<(), Error> {
    match previous.0.filter(|p| p.carrier == Carrier::Cookie) {
        Some(previous) => accounts::logout(portal, &previous.actor, origin).await,
        None => Ok(()),
    }
}

fn signed_in(
    portal: &Portal,
    jar: &CookieJar<'_>,
    issued: accounts::IssuedSession,
    next: &str,
) -> LoginReply {
    let max_age = rocket::time::Duration::seconds(issued.expires_in_secs);
    let cookie = Cookie::build((SESSION_COOKIE, issued.token))
        .path("/")
        .http_only(true)
        .secure(portal.config.secure_cookies)
        .same_site(SameSite::Lax)
        .max_age(max_age);
    jar.add(cookie);
    let target = safe_next(next).unwrap_or_else(|| "/app".into());
    LoginReply::Redirect(Redirect::to(target))
}

/// The second step for accounts with TOTP: the password step's short-lived token rides in a
/// hidden field (it is no session and opens nothing but this form).
fn code_page_for(page: &Page, pending: &str, next: &str, error: Option<String>) -> Template {
    page.render(
        "login_code",
        serde_json::json!({ "pending": pending, "next": safe_next(next).unwrap_or_default(), "error": error }),
    )
}

#[derive(FromForm, Default)]
struct CodeForm {
    #[field(default = String::new())]
    pending: String,
    #[field(default = String::new())]
    code: String,
    #[field(default = String::new())]
    next: String,
}

#[post("/login/code", data = "<form>")]
async fn login_code(
    portal: &State<Portal>,
    page: Page,
    origin: Origin,
    jar: &CookieJar<'_>,
    previous: MaybeSignedIn,
    form: Protected<CodeForm>,
) -> Result<LoginReply, WebError> {
    let Protected(form) = form;
    match accounts::complete_login(portal, &form.pending, &form.code, SessionKind::Browser, &origin).await {
        Ok(issued) => {
            end_previous_session(portal, previous, &origin).await?;
            Ok(signed_in(portal, jar, issued, &form.next))
        }
        Err(Error::CodeWrong) => {
            let page =
                code_page_for(&page, &form.pending, &form.next, Some(page.text("totp.code_wrong_alone")));
            Ok(LoginReply::Form((Status::Unauthorized, page)))
        }
        Err(Error::Unauthorized) => {
            let page = login_page_for(&page, "", &form.next, Some(page.text("totp.restart")));
            Ok(LoginReply::Form((Status::Unauthorized, page)))
        }
        Err(Error::RateLimited { retry_after_secs }) => {
            let message = page.text("login.too_many").replace("{seconds}", &retry_after_secs.to_string());
            let page = code_page_for(&page, &form.pending, &form.next, Some(message));
            Ok(LoginReply::Limited {
                inner: (Status::TooManyRequests, page),
                retry_after: Header::new("Retry-After", retry_after_secs.to_string()),
            })
        }
        Err(other) => Err(other.into()),
    }
}

/// The code step exists only as the answer to a password post (e.g. after switching language on
/// it): start again from the password form, in the language just chosen.
#[get("/login/code")]
fn login_code_again(_page: Page) -> Redirect {
    Redirect::to("/login")
}

#[post("/logout", data = "<form>")]
async fn logout(
    portal: &State<Portal>,
    user: SignedIn,
    origin: Origin,
    jar: &CookieJar<'_>,
    form: Protected<CsrfOnly>,
) -> Result<Redirect, WebError> {
    let Protected(CsrfOnly { .. }) = form;
    accounts::logout(portal, &user.actor, &origin).await?;
    jar.remove(Cookie::build(SESSION_COOKIE).path("/"));
    Ok(Redirect::to("/"))
}

pub fn routes() -> Vec<rocket::Route> {
    routes![login_page, login_submit, login_code, login_code_again, logout]
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_redirect_targets() {
        assert_eq!(safe_next("/app/quotes").as_deref(), Some("/app/quotes"));
        assert_eq!(safe_next("/a b").as_deref(), Some("/a%20b"));
        assert_eq!(safe_next("/app/quotes?q=東京").as_deref(), Some("/app/quotes?q=%E6%9D%B1%E4%BA%AC"));
        assert_eq!(safe_next("//evil.example"), None);
        assert_eq!(safe_next("https://evil.example"), None);
        assert_eq!(safe_next("/\\evil.example"), None);
        assert_eq!(safe_next(""), None);
    }
}
