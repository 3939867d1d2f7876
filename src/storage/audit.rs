//! Queries over the audit log. Entries are inserted and read, never changed.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::entities::audit_entry::{self, Entity as AuditLog};

pub use audit_entry::Model as AuditRow;

pub async fn insert(db: &impl ConnectionTrait, row: AuditRow) -> Result<(), DbErr> {
    audit_entry::ActiveModel::from(row).insert(db).await.map(|_| ())
}

/// A page of entries, newest first, optionally for one partner only.
pub async fn list(
    db: &impl ConnectionTrait,
    partner: Option<Uuid>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<AuditRow>, u64), DbErr> {
    let mut query = AuditLog::find();
    if let Some(partner) = partner {
        query = query.filter(audit_entry::Column::PartnerId.eq(partner));
    }
    let total = query.clone().count(db).await?;
    let rows = query.order_by_desc(audit_entry::Column::At).offset(offset).limit(limit).all(db).await?;
    Ok((rows, total))
}
