//! `/customers/{id}/assignments`: developers' Autodesk IDs assigned to a customer (partner staff
//! manage them, the operator may read), and `/public/invitations/{token}/accept`, where the
//! developer accepts the invitation mailed to them.

use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{State, delete, get, patch, post, routes};
use serde::Deserialize;
use uuid::Uuid;

use crate::domain::Portal;
use crate::domain::actor::Origin;
use crate::domain::assignments::{
    self, AssignmentChanges, AssignmentView, CapInput, InvitationView, NewAssignment,
};
use crate::domain::error::Error;
use crate::domain::paging::{PageRequest, Paged};
use crate::web::auth::{MaybeSignedIn, PartnerStaff, SignedIn};
use crate::web::error::WebError;
use crate::web::json::ApiJson;
use crate::web::pagination::PageQuery;
use crate::web::partner_view::nullable;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateBody {
    #[serde(default)]
    autodesk_id: String,
    #[serde(default)]
    name: Option<String>,
    /// Whole tokens per month; kept as JSON so a wrong type gets the field's own message.
    #[serde(default)]
    token_cap: Option<serde_json::Value>,
}

#[get("/customers/<id>/assignments?<paging..>")]
async fn list(
    portal: &State<Portal>,
    signed_in: SignedIn,
    id: Uuid,
    paging: PageQuery,
) -> Result<Json<Paged<AssignmentView>>, WebError> {
    let page = PageRequest::new(paging.page, paging.per_page);
    Ok(Json(assignments::list_assignments(portal, &signed_in.actor, id, page).await?))
}

#[post("/customers/<id>/assignments", data = "<body>")]
async fn create(
    portal: &State<Portal>,
    staff: PartnerStaff,
    origin: Origin,
    id: Uuid,
    body: ApiJson<CreateBody>,
) -> Result<(Status, Json<AssignmentView>), WebError> {
    let body = body.0;
    let input = NewAssignment {
        autodesk_id: body.autodesk_id,
        name: body.name,
        token_cap: body.token_cap.map(CapInput::Json),
    };
    let view = assignments::create_assignment(portal, &staff.0, &origin, id, &input).await?;
    Ok((Status::Created, Json(view)))
}

#[get("/customers/<id>/assignments/<aid>")]
async fn read(
    portal: &State<Portal>,
    signed_in: SignedIn,
    id: Uuid,
    aid: Uuid,
) -> Result<Json<AssignmentView>, WebError> {
    Ok(Json(assignments::get_assignment(portal, &signed_in.actor, id, aid).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangeBody {
    /// `null` clears it; leaving it out keeps it.
    #[serde(default, deserialize_with = "nullable")]
    name: Option<Option<String>>,
    /// `null` removes the cap; leaving it out keeps it.
    #[serde(default, deserialize_with = "nullable")]
    token_cap: Option<Option<serde_json::Value>>,
}

#[patch("/customers/<id>/assignments/<aid>", data = "<body>")]
async fn update(
    portal: &State<Portal>,
    staff: PartnerStaff,
    origin: Origin,
    id: Uuid,
    aid: Uuid,
    body: ApiJson<ChangeBody>,
) -> Result<Json<AssignmentView>, WebError> {
    let body = body.0;
    let token_cap = body.token_cap.map(|cap| CapInput::Json(cap.unwrap_or(serde_json::Value::Null)));
    let changes = AssignmentChanges { name: body.name, token_cap };
    Ok(Json(assignments::update_assignment(portal, &staff.0, &origin, id, aid, &changes).await?))
}

#[delete("/customers/<id>/assignments/<aid>")]
async fn revoke(
    portal: &State<Portal>,
    staff: PartnerStaff,
    origin: Origin,
    id: Uuid,
    aid: Uuid,
) -> Result<Json<AssignmentView>, WebError> {
    Ok(Json(assignments::revoke_assignment(portal, &staff.0, &origin, id, aid).await?))
}

#[post("/customers/<id>/assignments/<aid>/resend")]
async fn resend(
    portal: &State<Portal>,
    staff: PartnerStaff,
    origin: Origin,
    id: Uuid,
    aid: Uuid,
) -> Result<Json<AssignmentView>, WebError> {
    Ok(Json(assignments::resend_invitation(portal, &staff.0, &origin, id, aid).await?))
}

/// The developer accepts; no account, the link's token is the key. Limited per client. Staff
/// signed in are refused: accepting is the developer's own consent, not the reseller's.
#[post("/public/invitations/<token>/accept")]
async fn accept(
    portal: &State<Portal>,
    origin: Origin,
    visitor: MaybeSignedIn,
    token: &str,
) -> Result<Json<InvitationView>, WebError> {
    if visitor.0.is_some() {
        return Err(Error::Forbidden.into());
    }
    assignments::limit_invitation_lookups(portal, &origin)?;
    Ok(Json(assignments::accept_invitation(portal, &origin, token).await?))
}

pub fn routes() -> Vec<rocket::Route> {
    routes![list, create, read, update, revoke, resend, accept]
}
