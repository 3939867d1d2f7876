//! The frame every HTML page shares: language and its texts, the signed-in user, the CSRF token for
//! forms, and the request id. Handlers add their own data and name a template.

use crate::web::view::Template;
use rocket::http::Status;
use rocket::request::{FromRequest, Outcome, Request};
use serde::Serialize;

use super::auth::{self, Carrier};
use super::client::request_id;
use super::csrf::CsrfToken;
use super::i18n::{Lang, lang_of};
use super::pages::outbox_available;
use crate::domain::Portal;
use crate::domain::actor::Actor;

#[derive(Debug, Clone, Serialize)]
pub struct UserView {
    pub email: String,
    pub display_name: String,
    pub role: &'static str,
    pub is_admin: bool,
    pub is_partner: bool,
}

impl From<&Actor> for UserView {
    fn from(actor: &Actor) -> Self {
        Self {
            email: actor.email.clone(),
            display_name: actor.display_name.clone(),
            role: actor.role.as_str(),
            is_admin: actor.is_admin(),
            is_partner: actor.role.needs_partner(),
        }
    }
}

pub struct Page {
    pub lang: Lang,
    pub user: Option<UserView>,
    pub csrf: String,
    pub path: String,
    pub request_id: String,
    /// Whether the nav links the operator's outbox page (an admin, outside production).
    pub show_outbox: bool,
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Page {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        let user = match auth::current(req).await {
            Some(signed_in) if signed_in.carrier == Carrier::Cookie => Some(UserView::from(&signed_in.actor)),
            _ => None,
        };
        let csrf = match req.guard::<CsrfToken>().await {
            Outcome::Success(token) => token.0,
            _ => return Outcome::Error((Status::InternalServerError, ())),
        };
        let show_outbox = user.as_ref().is_some_and(|u| u.is_admin)
            && req.rocket().state::<Portal>().is_some_and(|p| outbox_available(p.config.profile));
        Outcome::Success(Page {
            show_outbox,
            lang: lang_of(req),
            user,
            csrf,
            path: req.uri().path().to_string(),
            request_id: request_id(req),
        })
    }
}

impl Page {
    /// Renders `template` with the page's own `data` (an object whose keys become template variables)
    /// inside the shared frame.
    pub fn render(&self, template: &'static str, data: impl Serialize) -> Template {
        let mut context = match serde_json::to_value(data) {
            Ok(serde_json::Value::Object(map)) => map,
            _ => serde_json::Map::new(),
        };
        context.insert("lang".into(), self.lang.code().into());
        context.insert("csrf".into(), self.csrf.clone().into());
        context.insert("path".into(), self.path.clone().into());
        context.insert("request_id".into(), self.request_id.clone().into());
        context.insert("show_outbox".into(), self.show_outbox.into());
        context.insert("user".into(), serde_json::to_value(&self.user).unwrap_or_default());
        Template::with_map(template, context, self.lang)
    }

    pub fn text(&self, key: &str) -> String {
        self.lang.text(key)
    }
}
