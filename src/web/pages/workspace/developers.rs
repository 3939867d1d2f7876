//! A customer's developers (`/app/customers/{id}/developers`): the Autodesk IDs assigned to it with
//! their status, a form to add one (which mails the invitation), and per developer forms to change
//! the name or monthly cap, re-send the invitation, or revoke. Each form redirects back with a
//! notice, or shows the page again with the message beside the field or above the list.

use rocket::form::FromForm;
use rocket::http::Status;
use rocket::response::Redirect;
use rocket::{State, get, post, routes};
use uuid::Uuid;

use super::view::{FormReply, errors_by_field, grouped_tokens, local_time, notice};
use crate::domain::Portal;
use crate::domain::actor::{Actor, Origin};
use crate::domain::assignments::{self, AssignmentChanges, AssignmentView, CapInput, NewAssignment};
use crate::domain::customers::{self, Customer};
use crate::domain::error::{Error, FieldError};
use crate::domain::paging::PageRequest;
use crate::web::auth::PartnerStaff;
use crate::web::csrf::{CsrfOnly, Protected};
use crate::web::error::WebError;
use crate::web::page::Page;
use crate::web::pagination::{PageQuery, Pager};
use crate::web::view::Template;

#[derive(Debug, Clone, Default, FromForm, serde::Serialize)]
struct DeveloperForm {
    #[field(default = String::new())]
    autodesk_id: String,
    #[field(default = String::new())]
    name: String,
    #[field(default = String::new())]
    token_cap: String,
}

/// What the page shows besides the list: what was typed and what went wrong, for the add form or
/// for one developer's form, and an alert for a refusal that belongs to no field.
#[derive(Default)]
struct Shown {
    notice: Option<String>,
    alert: Option<String>,
    add: DeveloperForm,
    add_errors: Vec<FieldError>,
    /// The developer whose form is shown again, with what was typed and its errors.
    edit: Option<(Uuid, DeveloperForm, Vec<FieldError>)>,
    paging: PageQuery,
}

fn row_view(row: &AssignmentView, customer: &Customer, page: &Page) -> serde_json::Value {
    let tz = customer.time_zone;
    serde_json::json!({
        "id": row.id,
        "autodesk_id": row.autodesk_id,
        "name": row.name.clone().unwrap_or_default(),
        "token_cap": row.token_cap.map(|c| c.to_string()).unwrap_or_default(),
        "token_cap_shown": row.token_cap.map_or_else(|| page.text("developers.no_cap"), grouped_tokens),
        "status": row.status,
        "invite_expires": row.invite_expires_at.map(|at| local_time(at, tz)),
        "accepted": row.accepted_at.map(|at| local_time(at, tz)),
        "can_edit": row.status != assignments::AssignmentStatus::Revoked,
        "can_resend": matches!(row.status, assignments::AssignmentStatus::Invited | assignments::AssignmentStatus::Expired),
    })
}

async fn developers_page(
    portal: &Portal,
    page: &Page,
    actor: &Actor,
    customer_id: Uuid,
    shown: Shown,
) -> Result<Template, WebError> {
    let customer = customers::get_customer(portal, actor, customer_id).await?;
    let paging = shown.paging.clamped();
    let list = assignments::list_assignments(
        portal,
        actor,
        customer_id,
        PageRequest::new(paging.page, paging.per_page),
    )
    .await?;
    let mut rows: Vec<serde_json::Value> = list.items.iter().map(|r| row_view(r, &customer, page)).collect();
    if let Some((id, typed, errors)) = &shown.edit {
        for row in rows.iter_mut().filter(|r| r["id"] == serde_json::json!(id)) {
            row["name"] = typed.name.clone().into();
            row["token_cap"] = typed.token_cap.clone().into();
            row["errors"] = errors_by_field(errors, page.lang, str::to_owned).into();
        }
    }
    Ok(page.render(
        "app/developers",
        serde_json::json!({
            "customer": { "id": customer.id, "company_name": customer.company_name },
            "developers": rows,
            "pager": Pager::new(paging, list.total),
            "notice": shown.notice,
            "alert": shown.alert,
            "form": shown.add,
            "errors": errors_by_field(&shown.add_errors, page.lang, str::to_owned),
        }),
    ))
}

#[get("/app/customers/<id>/developers?<done>&<paging..>")]
async fn list(
    portal: &State<Portal>,
    page: Page,
    staff: PartnerStaff,
    id: Uuid,
    done: Option<&str>,
    paging: PageQuery,
) -> Result<Template, WebError> {
    let notice = notice(&page, "developers", done, &["created", "saved", "revoked", "resent"]);
    developers_page(portal, &page, &staff.0, id, Shown { notice, paging, ..Shown::default() }).await
}

fn back(id: Uuid, done: &str) -> FormReply {
    FormReply::Done(Redirect::to(format!("/app/customers/{id}/developers?done={done}")))
}

/// The page again after a refusal: bad input beside its fields (422), a conflict as an alert (409).
async fn again(
    portal: &Portal,
    page: &Page,
    actor: &Actor,
    id: Uuid,
    error: Error,
    place: impl FnOnce(&mut Shown, Vec<FieldError>),
) -> Result<FormReply, WebError> {
    let mut shown = Shown::default();
    let status = match error {
        Error::Validation(errors) => {
            place(&mut shown, errors);
            Status::UnprocessableEntity
        }
        Error::Conflict(message) => {
            shown.alert = Some(message.get(page.lang.code()).to_owned());
            Status::Conflict
        }
        other => return Err(other.into()),
    };
    let template = developers_page(portal, page, actor, id, shown).await?;
    Ok(FormReply::Again((status, template)))
}

#[post("/app/customers/<id>/developers", data = "<form>")]
async fn create(
    portal: &State<Portal>,
    page: Page,
    staff: PartnerStaff,
    origin: Origin,
    id: Uuid,
    form: Protected<DeveloperForm>,
) -> Result<FormReply, WebError> {
    let typed = form.0;
    let input = NewAssignment {
        autodesk_id: typed.autodesk_id.clone(),
        name: Some(typed.name.clone()),
        token_cap: Some(CapInput::Text(typed.token_cap.clone())),
    };
    match assignments::create_assignment(portal, &staff.0, &origin, id, &input).await {
        Ok(_) => Ok(back(id, "created")),
        Err(error) => {
            // A developer assigned already: the message belongs beside the Autodesk ID.
            let error = match error {
                Error::Conflict(message) => Error::Validation(vec![FieldError {
                    field: "autodesk_id".into(),
                    code: "already_assigned",
                    message,
                }]),
                other => other,
            };
            let place = |shown: &mut Shown, errors| {
                shown.add = typed;
                shown.add_errors = errors;
            };
            again(portal, &page, &staff.0, id, error, place).await
        }
    }
}

#[post("/app/customers/<id>/developers/<aid>", data = "<form>")]
async fn update(
    portal: &State<Portal>,
    page: Page,
    staff: PartnerStaff,
    origin: Origin,
    id: Uuid,
    aid: Uuid,
    form: Protected<DeveloperForm>,
) -> Result<FormReply, WebError> {
    let typed = form.0;
    let changes = AssignmentChanges {
        name: Some(Some(typed.name.clone())),
        token_cap: Some(CapInput::Text(typed.token_cap.clone())),
    };
    match assignments::update_assignment(portal, &staff.0, &origin, id, aid, &changes).await {
        Ok(_) => Ok(back(id, "saved")),
        Err(error) => {
            let place = |shown: &mut Shown, errors| shown.edit = Some((aid, typed, errors));
            again(portal, &page, &staff.0, id, error, place).await
        }
    }
}

/// Revoking cannot be undone (only a new assignment brings the developer back): the form carries
/// a box to tick.
#[derive(FromForm)]
struct RevokeForm {
    #[field(default = false)]
    confirm: bool,
}

#[post("/app/customers/<id>/developers/<aid>/revoke", data = "<form>")]
async fn revoke(
    portal: &State<Portal>,
    page: Page,
    staff: PartnerStaff,
    origin: Origin,
    id: Uuid,
    aid: Uuid,
    form: Protected<RevokeForm>,
) -> Result<FormReply, WebError> {
    if !form.0.confirm {
        let shown = Shown { alert: Some(page.text("developers.revoke_unconfirmed")), ..Shown::default() };
        let template = developers_page(portal, &page, &staff.0, id, shown).await?;
        return Ok(FormReply::Again((Status::UnprocessableEntity, template)));
    }
    match assignments::revoke_assignment(portal, &staff.0, &origin, id, aid).await {
        Ok(_) => Ok(back(id, "revoked")),
        Err(error) => again(portal, &page, &staff.0, id, error, |_, _| {}).await,
    }
}

#[post("/app/customers/<id>/developers/<aid>/resend", data = "<form>")]
async fn resend(
    portal: &State<Portal>,
    page: Page,
    staff: PartnerStaff,
    origin: Origin,
    id: Uuid,
    aid: Uuid,
    form: Protected<CsrfOnly>,
) -> Result<FormReply, WebError> {
    let _ = form;
    match assignments::resend_invitation(portal, &staff.0, &origin, id, aid).await {
        Ok(_) => Ok(back(id, "resent")),
        Err(error) => again(portal, &page, &staff.0, id, error, |_, _| {}).await,
    }
}

pub fn routes() -> Vec<rocket::Route> {
    routes![list, create, update, revoke, resend]
}
