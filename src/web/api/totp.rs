//! Two-step sign-in for the signed-in user (`/me/totp`) and a partner admin's requirement for
//! their staff (`/partner/totp-policy`).

use rocket::serde::json::Json;
use rocket::{State, get, post, put, routes};
use serde::{Deserialize, Serialize};

use crate::domain::Portal;
use crate::domain::accounts::totp::{self, Enrollment, TotpStatus};
use crate::domain::actor::Origin;
use crate::web::auth::{PartnerAdmin, PartnerStaff, SignedIn};
use crate::web::error::WebError;
use crate::web::json::ApiJson;

#[get("/me/totp")]
async fn status(portal: &State<Portal>, user: SignedIn) -> Result<Json<TotpStatus>, WebError> {
    Ok(Json(totp::status(portal, &user.actor).await?))
}

#[post("/me/totp")]
async fn begin(portal: &State<Portal>, user: SignedIn, origin: Origin) -> Result<Json<Enrollment>, WebError> {
    Ok(Json(totp::begin(portal, &user.actor, &origin).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfirmBody {
    code: String,
}

#[derive(Serialize)]
struct Enabled {
    enabled: bool,
    /// Shown this once; each signs in once in place of a code.
    recovery_codes: Vec<String>,
}

#[post("/me/totp/confirm", data = "<body>")]
async fn confirm(
    portal: &State<Portal>,
    user: SignedIn,
    origin: Origin,
    body: ApiJson<ConfirmBody>,
) -> Result<Json<Enabled>, WebError> {
    let recovery_codes = totp::confirm(portal, &user.actor, &origin, &body.0.code).await?;
    Ok(Json(Enabled { enabled: true, recovery_codes }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DisableBody {
    password: String,
    code: String,
}

#[derive(Serialize)]
struct Disabled {
    enabled: bool,
}

#[post("/me/totp/disable", data = "<body>")]
async fn disable(
    portal: &State<Portal>,
    user: SignedIn,
    origin: Origin,
    body: ApiJson<DisableBody>,
) -> Result<Json<Disabled>, WebError> {
    let ApiJson(DisableBody { password, code }) = body;
    totp::disable(portal, &user.actor, &origin, &password, &code).await?;
    Ok(Json(Disabled { enabled: false }))
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Policy {
    /// Every staff member of the partner must use TOTP to sign in.
    required: bool,
}

#[get("/partner/totp-policy")]
async fn policy(portal: &State<Portal>, staff: PartnerStaff) -> Result<Json<Policy>, WebError> {
    Ok(Json(Policy { required: totp::partner_requirement(portal, &staff.0).await? }))
}

#[put("/partner/totp-policy", data = "<body>")]
async fn set_policy(
    portal: &State<Portal>,
    admin: PartnerAdmin,
    origin: Origin,
    body: ApiJson<Policy>,
) -> Result<Json<Policy>, WebError> {
    let required = body.0.required;
    totp::set_partner_requirement(portal, &admin.0, &origin, required).await?;
    Ok(Json(Policy { required }))
}

pub fn routes() -> Vec<rocket::Route> {
    routes![status, begin, confirm, disable, policy, set_policy]
}
