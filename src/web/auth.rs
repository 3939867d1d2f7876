//! Request guards that prove who is asking. Each is a type-level proof: a handler that takes
//! `Admin` cannot run for anyone but a signed-in operator.
//!
//! `SignedIn` → `Admin` / `PartnerStaff` / `PartnerAdmin`. A missing or invalid session answers 401,
//! a valid session with the wrong role 403.

use rocket::State;
use rocket::http::{Method, Status};
use rocket::request::{FromRequest, Outcome, Request};

use crate::domain::Portal;
use crate::domain::accounts::{self, totp};
use crate::domain::actor::{Actor, Role};
use crate::domain::error::Error;

pub const SESSION_COOKIE: &str = "fp_session";

/// Where the presented session came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carrier {
    Cookie,
    Bearer,
}

/// The session token presented with the request, if any.
pub fn presented_token(req: &Request<'_>) -> Option<(String, Carrier)> {
    if let Some(header) = req.headers().get_one("Authorization") {
        let token = header.strip_prefix("Bearer ").or_else(|| header.strip_prefix("bearer "))?;
        return Some((token.trim().to_owned(), Carrier::Bearer));
    }
    req.cookies().get(SESSION_COOKIE).map(|c| (c.value().to_owned(), Carrier::Cookie))
}

/// A verified, unrevoked session (cached per request).
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub actor: Actor,
    pub carrier: Carrier,
}

/// What the presented session turned out to be, looked up once per request.
#[derive(Debug, Clone)]
enum Lookup {
    Anonymous,
    SignedIn(SignedIn),
    /// The session could not be checked (the database did not answer): neither signed in nor
    /// anonymous, so a guard must not answer 401 and send the visitor to sign in again.
    Unavailable,
}

async fn resolve(req: &Request<'_>) -> Lookup {
    let Some((token, carrier)) = presented_token(req) else { return Lookup::Anonymous };
    let Some(portal) = req.guard::<&State<Portal>>().await.succeeded() else { return Lookup::Unavailable };
    match accounts::authenticate(portal, &token).await {
        Ok(actor) => Lookup::SignedIn(SignedIn { actor, carrier }),
        Err(Error::Unauthorized) => Lookup::Anonymous,
        Err(e) => {
            tracing::error!(request_id = %super::client::request_id(req), error = %e, "session lookup failed");
            Lookup::Unavailable
        }
    }
}

async fn lookup<'r>(req: &'r Request<'_>) -> &'r Lookup {
    req.local_cache_async(resolve(req)).await
}

/// The signed-in user, if any, without failing the request (for pages open to everyone). A session
/// that could not be checked counts as none here; guards that need a session answer 503 for it.
pub async fn current(req: &Request<'_>) -> Option<SignedIn> {
    match lookup(req).await {
        Lookup::SignedIn(signed_in) => Some(signed_in.clone()),
        Lookup::Anonymous | Lookup::Unavailable => None,
    }
}

/// The signed-in user as this request already resolved it, without a lookup (for rendering error
/// pages after the handler ran); `None` when nothing asked yet.
pub fn already_resolved<'r>(req: &'r Request<'_>) -> Option<&'r SignedIn> {
    match req.local_cache(|| Lookup::Anonymous) {
        Lookup::SignedIn(signed_in) => Some(signed_in),
        Lookup::Anonymous | Lookup::Unavailable => None,
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for SignedIn {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        let signed_in = match lookup(req).await {
            Lookup::SignedIn(signed_in) => signed_in.clone(),
            Lookup::Anonymous => return Outcome::Error((Status::Unauthorized, ())),
            Lookup::Unavailable => return Outcome::Error((Status::ServiceUnavailable, ())),
        };
        // A cookie rides along on cross-site requests; the JSON API accepts it for writes only with
        // the CSRF header. Browser forms are checked by `csrf::Protected`. Which one this is, is
        // decided on the matched route: `//api/…` or `/%61pi/…` reach the same API handlers.
        let unsafe_method = !matches!(req.method(), Method::Get | Method::Head | Method::Options);
        if signed_in.carrier == Carrier::Cookie
            && unsafe_method
            && super::routing::is_api(req)
            && !super::csrf::header_token_valid(req, &signed_in).await
        {
            return Outcome::Error((Status::Forbidden, ()));
        }
        match totp_enrollment_blocks(req, &signed_in).await {
            Ok(false) => Outcome::Success(signed_in),
            Ok(true) => {
                req.local_cache(|| TotpEnrollmentDue(true));
                Outcome::Error((Status::Forbidden, ()))
            }
            Err(e) => {
                tracing::error!(error = %e, "TOTP requirement lookup failed");
                Outcome::Error((Status::InternalServerError, ()))
            }
        }
    }
}

/// Whoever is signed in on this request, if anyone; never fails the request. For the customer's
/// link, which must refuse to take an acceptance from a signed-in member of staff.
#[derive(Debug, Clone)]
pub struct MaybeSignedIn(pub Option<SignedIn>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for MaybeSignedIn {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        Outcome::Success(MaybeSignedIn(current(req).await))
    }
}

/// The routes a staff member may use while their partner requires TOTP and they have not enabled
/// it: seeing who they are, setting TOTP up, signing out, and (for the partner admin) the
/// requirement itself.
const OPEN_BEFORE_TOTP: &[&str] = &[
    "/api/v1/me",
    "/api/v1/me/totp",
    "/api/v1/me/totp/confirm",
    "/api/v1/auth/logout",
    "/api/v1/partner/totp-policy",
    "/account",
    "/account/totp",
    "/account/totp/confirm",
    "/account/totp-policy",
    "/logout",
];

/// Set when a request was refused because TOTP must be enabled first (read by the catcher).
struct TotpEnrollmentDue(bool);

/// Whether this request was refused because the user must enable TOTP first.
pub fn totp_enrollment_due(req: &Request<'_>) -> bool {
    req.local_cache(|| TotpEnrollmentDue(false)).0
}

/// Decided on the matched route, not the raw path, so no spelling of a URL slips past.
async fn totp_enrollment_blocks(req: &Request<'_>, signed_in: &SignedIn) -> Result<bool, Error> {
    if !signed_in.actor.role.needs_partner() {
        return Ok(false);
    }
    let open = req.route().is_some_and(|route| OPEN_BEFORE_TOTP.contains(&route.uri.path()));
    if open {
        return Ok(false);
    }
    let Some(portal) = req.guard::<&State<Portal>>().await.succeeded() else { return Ok(false) };
    let actor = &signed_in.actor;
    let lookup = req
        .local_cache_async(async {
            DueLookup(totp::enrollment_due(portal, actor).await.map_err(|e| e.to_string()))
        })
        .await;
    lookup.0.clone().map_err(|e| Error::Internal(e.into()))
}

/// The requirement looked up once per request (several guards ask).
struct DueLookup(Result<bool, String>);

macro_rules! role_guard {
    ($(#[$doc:meta])* $name:ident, $allowed:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name(pub Actor);

        #[rocket::async_trait]
        impl<'r> FromRequest<'r> for $name {
            type Error = ();

            async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
                let signed_in = match req.guard::<SignedIn>().await {
                    Outcome::Success(s) => s,
                    Outcome::Error(e) => return Outcome::Error(e),
                    Outcome::Forward(f) => return Outcome::Forward(f),
                };
                let allowed: &[Role] = &$allowed;
                if allowed.contains(&signed_in.actor.role) {
                    Outcome::Success($name(signed_in.actor))
                } else {
                    Outcome::Error((Status::Forbidden, ()))
                }
            }
        }
    };
}

role_guard!(
    /// The operator.
    Admin,
    [Role::Admin]
);
role_guard!(
    /// Any reseller staff member (acts for their own partner only).
    PartnerStaff,
    [Role::PartnerAdmin, Role::PartnerSales]
);
role_guard!(
    /// A reseller's administrator (profile and staff).
    PartnerAdmin,
    [Role::PartnerAdmin]
);
