//! Queries over the audit log. Entries are inserted and read, never changed.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use super::Error;
use super::entities::audit_entry::{self, Entity as AuditLog};
use crate::domain::audit::AuditEntry;

pub use audit_entry::Model as AuditRow;

impl TryFrom<AuditRow> for AuditEntry {
    type Error = Error;

    fn try_from(row: AuditRow) -> Result<Self, Error> {
        let detail = serde_json::from_str(&row.detail)
            .map_err(|_| Error::unreadable("audit_log", row.id, "detail", &row.detail))?;
        Ok(AuditEntry {
            id: row.id,
            at: row.at,
            actor_user_id: row.actor_user_id,
            actor_email: row.actor_email,
            partner_id: row.partner_id,
            action: row.action,
            subject_type: row.subject_type,
            subject_id: row.subject_id,
            client_ip: row.client_ip,
            request_id: row.request_id,
            detail,
        })
    }
}

/// # Errors
/// The database refused the entry.
pub async fn insert(db: &impl ConnectionTrait, entry: &AuditEntry) -> Result<(), Error> {
    let row = AuditRow {
        id: entry.id,
        at: entry.at,
        actor_user_id: entry.actor_user_id,
        actor_email: entry.actor_email.clone(),
        partner_id: entry.partner_id,
        action: entry.action.clone(),
        subject_type: entry.subject_type.clone(),
        subject_id: entry.subject_id.clone(),
        client_ip: entry.client_ip.clone(),
        request_id: entry.request_id.clone(),
        detail: entry.detail.to_string(),
    };
    audit_entry::ActiveModel::from(row).insert(db).await?;
    Ok(())
}

/// A page of entries, newest first, optionally for one partner only.
///
/// # Errors
/// Database failures; `Unreadable` for an entry whose detail is not JSON.
pub async fn list(
    db: &impl ConnectionTrait,
    partner: Option<Uuid>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<AuditEntry>, u64), Error> {
    let mut query = AuditLog::find();
    if let Some(partner) = partner {
        query = query.filter(audit_entry::Column::PartnerId.eq(partner));
    }
    let total = query.clone().count(db).await?;
    let rows = query.order_by_desc(audit_entry::Column::At).offset(offset).limit(limit).all(db).await?;
    Ok((rows.into_iter().map(AuditEntry::try_from).collect::<Result<_, _>>()?, total))
}
