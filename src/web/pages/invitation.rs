//! The developer's invitation page (`/i/{token}`): who invites them (the reseller, for which
//! customer) and an accept button. No sign-in, the link is the capability; shown in the customer's
//! language unless the visitor picks one; limited per client, never cached, never indexed.

use crate::web::view::Template;
use rocket::http::{Header, Status};
use rocket::response::Redirect;
use rocket::{Responder, State, get, post, routes};

use crate::domain::Portal;
use crate::domain::actor::Origin;
use crate::domain::assignments::{self, InvitationView};
use crate::domain::error::Error;
use crate::web::auth::MaybeSignedIn;
use crate::web::csrf::{CsrfOnly, Protected};
use crate::web::error::WebError;
use crate::web::i18n::Lang;
use crate::web::page::Page;

#[derive(Responder)]
struct Private {
    inner: (Status, Template),
    robots: Header<'static>,
}

#[derive(Responder)]
enum Reply {
    Page(Private),
    Done(Redirect),
    Limited { inner: (Status, Template), retry_after: Header<'static> },
}

fn private(status: Status, template: Template) -> Reply {
    Reply::Page(Private {
        inner: (status, template),
        robots: Header::new("X-Robots-Tag", "noindex, nofollow"),
    })
}

/// The page in the customer's language, unless the visitor chose one with `?lang=`.
fn in_customer_language(page: &mut Page, chosen: Option<&str>, invitation: &InvitationView) {
    if chosen.and_then(Lang::parse).is_none() {
        page.lang = Lang::parse(&invitation.language).unwrap_or(page.lang);
    }
}

fn render(
    page: &Page,
    token: &str,
    invitation: &InvitationView,
    message: Option<String>,
    notice: bool,
) -> Template {
    page.render(
        "public/invitation",
        serde_json::json!({
            "token": token, "invitation": invitation, "message": message, "notice": notice,
            "partner_name": if page.lang == Lang::Ja { &invitation.partner_name_ja } else { &invitation.partner_name_en },
        }),
    )
}

/// 429 with `Retry-After` as a page, or `None` when the client is within its limit.
fn limited(portal: &Portal, page: &Page, origin: &Origin) -> Option<Reply> {
    match assignments::limit_invitation_lookups(portal, origin) {
        Err(Error::RateLimited { retry_after_secs }) => {
            let detail = page.text("errors.too_many");
            let body = page.render("errors/error", serde_json::json!({ "status": 429, "detail": detail }));
            Some(Reply::Limited {
                inner: (Status::TooManyRequests, body),
                retry_after: Header::new("Retry-After", retry_after_secs.to_string()),
            })
        }
        _ => None,
    }
}

#[get("/i/<token>?<done>&<lang>")]
async fn view(
    portal: &State<Portal>,
    mut page: Page,
    origin: Origin,
    token: &str,
    done: Option<&str>,
    lang: Option<&str>,
) -> Result<Reply, WebError> {
    if let Some(reply) = limited(portal, &page, &origin) {
        return Ok(reply);
    }
    let invitation = assignments::invitation(portal, token).await?;
    in_customer_language(&mut page, lang, &invitation);
    let notice = done == Some("accepted") && invitation.status == assignments::AssignmentStatus::Active;
    Ok(private(Status::Ok, render(&page, token, &invitation, None, notice)))
}

#[post("/i/<token>/accept?<lang>", data = "<form>")]
async fn accept(
    portal: &State<Portal>,
    mut page: Page,
    origin: Origin,
    visitor: MaybeSignedIn,
    token: &str,
    lang: Option<&str>,
    form: Protected<CsrfOnly>,
) -> Result<Reply, WebError> {
    let _ = form;
    if let Some(reply) = limited(portal, &page, &origin) {
        return Ok(reply);
    }
    let invitation = assignments::invitation(portal, token).await?;
    in_customer_language(&mut page, lang, &invitation);
    // Accepting is the developer's own consent; the reseller's staff cannot give it for them.
    if visitor.0.is_some() {
        let text = page.text("invitation.staff_signed_in");
        return Ok(private(Status::Forbidden, render(&page, token, &invitation, Some(text), false)));
    }
    match assignments::accept_invitation(portal, &origin, token).await {
        Ok(_) => Ok(Reply::Done(Redirect::to(format!("/i/{token}?done=accepted")))),
        Err(Error::Conflict(message)) => {
            let invitation = assignments::invitation(portal, token).await?;
            let text = message.get(page.lang.code()).to_owned();
            Ok(private(Status::Conflict, render(&page, token, &invitation, Some(text), false)))
        }
        Err(other) => Err(other.into()),
    }
}

pub fn routes() -> Vec<rocket::Route> {
    routes![view, accept]
}
