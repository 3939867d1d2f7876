//! The reseller's side: add a developer (which mails the invitation), change the name or cap,
//! re-send an invitation that is open or ran out, revoke; the list and one assignment, which the
//! operator may read too. Every change is audited in its own transaction.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::input::{AssignmentChanges, NewAssignment};
use super::invitation::{self, Invitation};
use super::invitation_mail;
use super::{Assignment, AssignmentStatus, AssignmentView, StoredStatus};
use crate::domain::Portal;
use crate::domain::actor::{Actor, Origin};
use crate::domain::audit::{self, AuditEvent};
use crate::domain::balance::visible_customer;
use crate::domain::customers::Customer;
use crate::domain::error::{Error, Result};
use crate::domain::paging::{PageRequest, Paged};
use crate::storage::{self, UniqueViolation, WriteTx, assignments as store};

/// The reseller's own customer `id`, for a change.
async fn own_customer(portal: &Portal, actor: &Actor, id: Uuid) -> Result<Customer> {
    let partner = actor.partner()?;
    storage::customers::find(portal.db.conn(), partner, id).await?.ok_or(Error::NotFound)
}

async fn audited(
    tx: &WriteTx,
    actor: &Actor,
    origin: &Origin,
    at: DateTime<Utc>,
    action: &'static str,
    row: &Assignment,
    detail: serde_json::Value,
) -> Result<()> {
    let mut detail = detail;
    detail["customer_id"] = row.customer_id.to_string().into();
    detail["autodesk_id"] = row.autodesk_id.as_str().into();
    let event =
        AuditEvent { action, subject_type: "assignment", subject_id: Some(row.id.to_string()), detail };
    audit::record(&**tx, at, Some(actor), None, origin, event).await
}

fn already_assigned(autodesk_id: &str) -> Error {
    Error::conflict(
        format!(
            "{autodesk_id} is already assigned to this customer; change or revoke that assignment instead."
        ),
        format!("{autodesk_id} はこの顧客に割り当て済みです。既存の割り当てを変更するか取り消してください。"),
    )
}

fn revoked_is_final() -> Error {
    Error::conflict(
        "This assignment was revoked; add the developer again to assign them anew.",
        "この割り当ては取り消されています。改めて割り当てるには開発者を追加し直してください。",
    )
}

/// Adds a developer to the reseller's customer and mails them the invitation.
///
/// # Errors
/// `Forbidden` for the operator; `NotFound` for another partner's customer; `Validation`;
/// `Conflict` when the Autodesk ID already has a live assignment for this customer.
pub async fn create_assignment(
    portal: &Portal,
    actor: &Actor,
    origin: &Origin,
    customer_id: Uuid,
    input: &NewAssignment,
) -> Result<AssignmentView> {
    let customer = own_customer(portal, actor, customer_id).await?;
    let parsed = input.parse()?;
    let now = portal.clock.now();
    let Invitation { token, hash, expires_at } = invitation::issue(now);
    let row = Assignment {
        id: Uuid::new_v4(),
        partner_id: customer.partner_id,
        customer_id: customer.id,
        autodesk_id: parsed.autodesk_id,
        name: parsed.name,
        token_cap: parsed.token_cap,
        status: StoredStatus::Invited,
        invite_token_hash: Some(hash),
        invite_expires_at: Some(expires_at),
        invited_at: now,
        accepted_at: None,
        revoked_at: None,
        created_by: Some(actor.user_id),
        created_at: now,
        updated_at: now,
    };
    let tx = portal.db.write().await?;
    // The partial unique index decides between two concurrent adds of the same developer.
    let row = match store::insert(&*tx, &row).await {
        Ok(row) => row,
        Err(e) if e.unique_violation().is_some() => return Err(already_assigned(row.autodesk_id.as_str())),
        Err(e) => return Err(e.into()),
    };
    let detail = serde_json::json!({ "name": row.name, "token_cap": row.token_cap });
    audited(&tx, actor, origin, now, "assignment.created", &row, detail).await?;
    invitation_mail::queue(portal, &tx, &row, &customer, &token, now).await?;
    tx.commit().await?;
    Ok(AssignmentView::of(&row, now))
}

/// The assignment `id` of the customer, as its partner (or the operator) may see it.
async fn visible(
    portal: &Portal,
    actor: &Actor,
    customer_id: Uuid,
    id: Uuid,
) -> Result<(Customer, Assignment)> {
    let customer = visible_customer(portal, actor, customer_id).await?;
    let row = store::find(portal.db.conn(), Some(customer.partner_id), customer.id, id)
        .await?
        .ok_or(Error::NotFound)?;
    Ok((customer, row))
}

/// The reseller's own assignment, for a change, read again inside the change's transaction.
async fn own(
    portal: &Portal,
    actor: &Actor,
    tx: &WriteTx,
    customer_id: Uuid,
    id: Uuid,
) -> Result<(Customer, Assignment)> {
    let customer = own_customer(portal, actor, customer_id).await?;
    let row = store::find(&**tx, Some(customer.partner_id), customer.id, id).await?.ok_or(Error::NotFound)?;
    Ok((customer, row))
}

/// # Errors
/// `NotFound` for another partner's customer or assignment.
pub async fn get_assignment(
    portal: &Portal,
    actor: &Actor,
    customer_id: Uuid,
    id: Uuid,
) -> Result<AssignmentView> {
    let (_, row) = visible(portal, actor, customer_id, id).await?;
    Ok(AssignmentView::of(&row, portal.clock.now()))
}

/// One page of the customer's assignments: live ones first, newest first.
///
/// # Errors
/// `NotFound` for another partner's customer.
pub async fn list_assignments(
    portal: &Portal,
    actor: &Actor,
    customer_id: Uuid,
    page: PageRequest,
) -> Result<Paged<AssignmentView>> {
    let customer = visible_customer(portal, actor, customer_id).await?;
    let (rows, total) = store::list(portal.db.conn(), customer.id, page.offset(), page.limit()).await?;
    let now = portal.clock.now();
    Ok(Paged::new(rows.iter().map(|r| AssignmentView::of(r, now)).collect(), total, page))
}

/// Changes the name or the monthly cap (`Some(None)` clears either).
///
/// # Errors
/// `NotFound`; `Validation`; `Conflict` for a revoked assignment.
pub async fn update_assignment(
    portal: &Portal,
    actor: &Actor,
    origin: &Origin,
    customer_id: Uuid,
    id: Uuid,
    changes: &AssignmentChanges,
) -> Result<AssignmentView> {
    own_customer(portal, actor, customer_id).await?;
    let parsed = changes.parse()?;
    let now = portal.clock.now();
    let tx = portal.db.write().await?;
    let (_, before) = own(portal, actor, &tx, customer_id, id).await?;
    let name = parsed.name.unwrap_or_else(|| before.name.clone());
    let token_cap = parsed.token_cap.unwrap_or(before.token_cap);
    if !store::update_details(&*tx, id, name.as_deref(), token_cap, now).await? {
        return Err(revoked_is_final());
    }
    let detail = serde_json::json!({
        "name": { "before": before.name, "after": name },
        "token_cap": { "before": before.token_cap, "after": token_cap },
    });
    audited(&tx, actor, origin, now, "assignment.updated", &before, detail).await?;
    let (_, after) = own(portal, actor, &tx, customer_id, id).await?;
    tx.commit().await?;
    Ok(AssignmentView::of(&after, now))
}

/// Revokes the assignment: the developer's usage is no longer accepted and the invitation link
/// stops working. Revoking again changes nothing and answers the same.
///
/// # Errors
/// `NotFound`.
pub async fn revoke_assignment(
    portal: &Portal,
    actor: &Actor,
    origin: &Origin,
    customer_id: Uuid,
    id: Uuid,
) -> Result<AssignmentView> {
    let now = portal.clock.now();
    let tx = portal.db.write().await?;
    let (_, before) = own(portal, actor, &tx, customer_id, id).await?;
    if store::mark_revoked(&*tx, id, now).await? {
        let detail = serde_json::json!({ "status_before": before.status_at(now) });
        audited(&tx, actor, origin, now, "assignment.revoked", &before, detail).await?;
    }
    let (_, after) = own(portal, actor, &tx, customer_id, id).await?;
    tx.commit().await?;
    Ok(AssignmentView::of(&after, now))
}

/// Sends the invitation again with a fresh 7-day link (the earlier link stops working).
///
/// # Errors
/// `NotFound`; `Conflict` once the developer accepted or the assignment was revoked.
pub async fn resend_invitation(
    portal: &Portal,
    actor: &Actor,
    origin: &Origin,
    customer_id: Uuid,
    id: Uuid,
) -> Result<AssignmentView> {
    let now = portal.clock.now();
    let tx = portal.db.write().await?;
    let (customer, before) = own(portal, actor, &tx, customer_id, id).await?;
    let status_before = before.status_at(now);
    let Invitation { token, hash, expires_at } = invitation::issue(now);
    let renewed = matches!(status_before, AssignmentStatus::Invited | AssignmentStatus::Expired)
        && store::renew_invitation(&*tx, id, &hash, expires_at, now).await?;
    if !renewed {
        let (_, current) = own(portal, actor, &tx, customer_id, id).await?;
        return Err(match current.status_at(now) {
            AssignmentStatus::Revoked => revoked_is_final(),
            _ => Error::conflict(
                "The developer already accepted; there is no invitation to send.",
                "開発者は既に承諾済みのため、招待を送る必要はありません。",
            ),
        });
    }
    let (_, after) = own(portal, actor, &tx, customer_id, id).await?;
    let detail = serde_json::json!({ "status_before": status_before, "invite_expires_at": expires_at });
    audited(&tx, actor, origin, now, "assignment.invitation_resent", &after, detail).await?;
    invitation_mail::queue(portal, &tx, &after, &customer, &token, now).await?;
    tx.commit().await?;
    Ok(AssignmentView::of(&after, now))
}
