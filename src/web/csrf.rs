//! Cross-site request forgery defence for every state-changing form: a per-session token (an HMAC
//! of the session id, or of an anonymous cookie before sign-in) that the form must echo, plus
//! `Origin` / `Sec-Fetch-Site` checks. GET never changes state.

use base64::Engine;
use rocket::State;
use rocket::data::{Data, FromData, Outcome, ToByteUnit};
use rocket::form::{Form, FromForm};
use rocket::http::{Cookie, SameSite, Status};
use rocket::request::{self, FromRequest, Request};
use subtle::ConstantTimeEq;

use super::auth::{self, Carrier, SignedIn};
use crate::domain::Portal;
use crate::domain::keys::mac;

const ANON_COOKIE: &str = "fp_anon";
pub const FIELD: &str = "_csrf";
pub const HEADER: &str = "X-CSRF-Token";

fn token_for(portal: &Portal, anchor: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac(&portal.keys.csrf, anchor.as_bytes()))
}

/// The token for a session's forms, for pages rendered outside a `Page` (error pages).
pub fn session_token(portal: &Portal, session_id: uuid::Uuid) -> String {
    token_for(portal, &format!("session:{session_id}"))
}

/// What the token is bound to: the session when signed in by cookie, else the anonymous cookie.
async fn anchor(req: &Request<'_>, create: bool) -> Option<String> {
    if let Some(SignedIn { actor, carrier: Carrier::Cookie }) = auth::current(req).await {
        return Some(format!("session:{}", actor.session_id));
    }
    if let Some(cookie) = req.cookies().get(ANON_COOKIE) {
        return Some(format!("anon:{}", cookie.value()));
    }
    if !create {
        return None;
    }
    let value = uuid::Uuid::new_v4().simple().to_string();
    let secure = req.guard::<&State<Portal>>().await.succeeded().is_some_and(|p| p.config.secure_cookies);
    let cookie = Cookie::build((ANON_COOKIE, value.clone()))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax);
    req.cookies().add(cookie);
    Some(format!("anon:{value}"))
}

/// The token to put in this visitor's forms.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CsrfToken(pub String);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for CsrfToken {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> request::Outcome<Self, ()> {
        let Some(portal) = req.guard::<&State<Portal>>().await.succeeded() else {
            return request::Outcome::Error((Status::InternalServerError, ()));
        };
        match anchor(req, true).await {
            Some(anchor) => request::Outcome::Success(CsrfToken(token_for(portal, &anchor))),
            None => request::Outcome::Error((Status::InternalServerError, ())),
        }
    }
}

/// For a form the route parses itself (a multipart upload): whether `presented` is this visitor's token.
pub async fn form_token_matches(req: &Request<'_>, presented: &str) -> bool {
    !presented.is_empty() && token_matches(req, presented).await
}

async fn token_matches(req: &Request<'_>, presented: &str) -> bool {
    let Some(portal) = req.guard::<&State<Portal>>().await.succeeded() else { return false };
    let Some(anchor) = anchor(req, false).await else { return false };
    let expected = token_for(portal, &anchor);
    expected.as_bytes().ct_eq(presented.as_bytes()).into()
}

/// Whether the request comes from our own pages: browsers send `Sec-Fetch-Site` and `Origin` on
/// form posts; either one pointing elsewhere refuses the request.
pub fn same_origin(req: &Request<'_>) -> bool {
    if let Some(site) = req.headers().get_one("Sec-Fetch-Site")
        && !matches!(site, "same-origin" | "none")
    {
        return false;
    }
    match req.headers().get_one("Origin") {
        None => true,
        Some(origin) => {
            let host = req.headers().get_one("Host").unwrap_or_default();
            let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or("null");
            !host.is_empty() && origin_host.eq_ignore_ascii_case(host)
        }
    }
}

/// For the JSON API used with a cookie: the token in the `X-CSRF-Token` header.
pub async fn header_token_valid(req: &Request<'_>, _signed_in: &SignedIn) -> bool {
    match req.headers().get_one(HEADER) {
        Some(token) => same_origin(req) && token_matches(req, token).await,
        None => false,
    }
}

/// A form with nothing but its CSRF token (e.g. sign out).
#[derive(FromForm)]
pub struct CsrfOnly {
    #[field(name = "_csrf")]
    pub token: String,
}

/// A form that passed the CSRF checks, parsed into `T`. A failed check answers 403.
pub struct Protected<T>(pub T);

#[rocket::async_trait]
impl<'r, T: for<'a> FromForm<'a> + Send + 'static> FromData<'r> for Protected<T> {
    type Error = ();

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> Outcome<'r, Self, ()> {
        if !same_origin(req) {
            return Outcome::Error((Status::Forbidden, ()));
        }
        let limit = req.limits().get("form").unwrap_or_else(|| 64.kibibytes());
        let body = match data.open(limit).into_string().await {
            Ok(body) if body.is_complete() => body.into_inner(),
            Ok(_) => return Outcome::Error((Status::PayloadTooLarge, ())),
            Err(_) => return Outcome::Error((Status::BadRequest, ())),
        };
        let presented = Form::values(&body)
            .find(|field| field.name == FIELD)
            .and_then(|field| {
                rocket::http::RawStr::new(field.value).url_decode().ok().map(|v| v.into_owned())
            })
            .unwrap_or_default();
        if presented.is_empty() || !token_matches(req, &presented).await {
            let path = super::routing::loggable_path(req);
            tracing::warn!(path = ?path, "form refused: CSRF token missing or wrong");
            return Outcome::Error((Status::Forbidden, ()));
        }
        match Form::<T>::parse_encoded(rocket::http::RawStr::new(&body)) {
            Ok(value) => Outcome::Success(Protected(value)),
            Err(_) => Outcome::Error((Status::UnprocessableEntity, ())),
        }
    }
}
