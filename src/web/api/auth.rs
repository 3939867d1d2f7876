//! `/auth/token`, `/auth/logout` and `/me`.

use rocket::serde::json::Json;
use rocket::{State, get, post, routes};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::Portal;
use crate::domain::accounts::{self, SessionKind};
use crate::domain::actor::Origin;
use crate::web::auth::SignedIn;
use crate::web::error::WebError;
use crate::web::json::ApiJson;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenRequest {
    email: String,
    password: String,
    /// The 6-digit code (or a recovery code) for accounts that use TOTP.
    #[serde(default)]
    otp: Option<String>,
}

#[derive(Serialize)]
struct TokenResponse {
    access_token: String,
    token_type: &'static str,
    expires_in: i64,
}

#[post("/auth/token", data = "<body>")]
async fn token(
    portal: &State<Portal>,
    origin: Origin,
    body: ApiJson<TokenRequest>,
) -> Result<Json<TokenResponse>, WebError> {
    let ApiJson(TokenRequest { email, password, otp }) = body;
    let issued =
        accounts::login_with_code(portal, &email, &password, otp.as_deref(), SessionKind::Api, &origin)
            .await?;
    Ok(Json(TokenResponse {
        access_token: issued.token,
        token_type: "Bearer",
        expires_in: issued.expires_in_secs,
    }))
}

#[derive(Serialize)]
struct LoggedOut {
    status: &'static str,
}

#[post("/auth/logout")]
async fn logout(portal: &State<Portal>, origin: Origin, user: SignedIn) -> Result<Json<LoggedOut>, WebError> {
    accounts::logout(portal, &user.actor, &origin).await?;
    Ok(Json(LoggedOut { status: "revoked" }))
}

#[derive(Serialize)]
struct PartnerRef {
    id: Uuid,
}

#[derive(Serialize)]
struct Me {
    id: Uuid,
    email: String,
    display_name: String,
    role: &'static str,
    partner: Option<PartnerRef>,
}

#[get("/me")]
fn me(user: SignedIn) -> Json<Me> {
    let actor = user.actor;
    Json(Me {
        id: actor.user_id,
        email: actor.email,
        display_name: actor.display_name,
        role: actor.role.as_str(),
        partner: actor.partner_id.map(|id| PartnerRef { id }),
    })
}

pub fn routes() -> Vec<rocket::Route> {
    routes![token, logout, me]
}
