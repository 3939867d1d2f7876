//! The audit trail: every write records who, on whose behalf, what, when and from where.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::actor::{Actor, Origin};
use super::error::{Error, Result};
use crate::storage::Conn;
use crate::storage::audit as store;

/// An entry of the audit trail as it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<Uuid>,
    pub actor_email: Option<String>,
    pub partner_id: Option<Uuid>,
    pub action: String,
    pub subject_type: String,
    pub subject_id: Option<String>,
    pub client_ip: Option<String>,
    pub request_id: Option<String>,
    pub detail: serde_json::Value,
}

/// One thing that happened, before it is written.
pub struct AuditEvent<'a> {
    pub action: &'a str,
    pub subject_type: &'a str,
    pub subject_id: Option<String>,
    pub detail: serde_json::Value,
}

/// Writes an entry in the caller's transaction, so it lands exactly when the change does.
///
/// # Errors
/// The insert failed.
pub async fn record(
    db: &impl Conn,
    at: DateTime<Utc>,
    actor: Option<&Actor>,
    actor_email: Option<&str>,
    origin: &Origin,
    event: AuditEvent<'_>,
) -> Result<()> {
    let email = actor.map(|a| a.email.clone()).or_else(|| actor_email.map(str::to_owned));
    let who = Who { user_id: actor.map(|a| a.user_id), email, partner_id: actor.and_then(|a| a.partner_id) };
    insert(db, at, who, origin, event).await
}

/// Records what the portal did on its own (the sweep) for `partner`, so the partner's admins see
/// it in their audit log as well as the operator.
///
/// # Errors
/// The insert failed.
pub async fn record_system(
    db: &impl Conn,
    at: DateTime<Utc>,
    partner: Uuid,
    event: AuditEvent<'_>,
) -> Result<()> {
    let who = Who { user_id: None, email: None, partner_id: Some(partner) };
    insert(db, at, who, &Origin::default(), event).await
}

/// Who an entry is by, and for which partner.
struct Who {
    user_id: Option<Uuid>,
    email: Option<String>,
    partner_id: Option<Uuid>,
}

async fn insert(
    db: &impl Conn,
    at: DateTime<Utc>,
    who: Who,
    origin: &Origin,
    event: AuditEvent<'_>,
) -> Result<()> {
    store::insert(
        db,
        &AuditEntry {
            id: Uuid::new_v4(),
            at,
            actor_user_id: who.user_id,
            actor_email: who.email,
            partner_id: who.partner_id,
            action: event.action.to_owned(),
            subject_type: event.subject_type.to_owned(),
            subject_id: event.subject_id,
            client_ip: origin.client_ip.clone(),
            request_id: origin.request_id.clone(),
            detail: event.detail,
        },
    )
    .await?;
    Ok(())
}

/// A page of the audit log: the operator sees everything, partner admins their own partner's entries.
///
/// # Errors
/// `Forbidden` for sales staff; database failures.
pub async fn list(db: &impl Conn, actor: &Actor, page: u64, per_page: u64) -> Result<(Vec<AuditEntry>, u64)> {
    let partner = match actor.role {
        super::actor::Role::Admin => None,
        super::actor::Role::PartnerAdmin => Some(actor.partner()?),
        super::actor::Role::PartnerSales => return Err(Error::Forbidden),
    };
    Ok(store::list(db, partner, (page.max(1) - 1) * per_page, per_page).await?)
}
