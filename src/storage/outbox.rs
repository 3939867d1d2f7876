//! Queries over the mail outbox: queueing, claiming a message for delivery, and recording the outcome.
//!
//! A message is *pending* until `sent_at` is set. A message the delivery job has given up on keeps
//! `sent_at` empty, its `last_error`, and `next_attempt_at` = [`GAVE_UP_AT`], so it never comes due
//! again but stays visible (and can be requeued by hand by moving `next_attempt_at`).

use chrono::{DateTime, TimeZone, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::entities::outbox_attachment::{self, Entity as OutboxAttachments};
use super::entities::outbox_message::{self, Column, Entity as Outbox};

pub use outbox_message::Model as OutboxRow;

/// The `next_attempt_at` that marks a message the delivery job has given up on.
pub fn gave_up_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(9999, 12, 31, 0, 0, 0).single().unwrap_or(DateTime::<Utc>::MAX_UTC)
}

pub async fn insert(db: &impl ConnectionTrait, row: OutboxRow) -> Result<(), DbErr> {
    outbox_message::ActiveModel::from(row).insert(db).await.map(|_| ())
}

fn unlocked_at(now: DateTime<Utc>) -> Condition {
    Condition::any().add(Column::LockedUntil.is_null()).add(Column::LockedUntil.lt(now))
}

/// Unsent messages whose next attempt has come and that no delivery holds, oldest due first.
pub async fn due(db: &impl ConnectionTrait, now: DateTime<Utc>, limit: u64) -> Result<Vec<OutboxRow>, DbErr> {
    Outbox::find()
        .filter(Column::SentAt.is_null())
        .filter(Column::NextAttemptAt.lte(now))
        .filter(unlocked_at(now))
        .order_by_asc(Column::NextAttemptAt)
        .order_by_asc(Column::CreatedAt)
        .limit(limit)
        .all(db)
        .await
}

/// Locks message `id` for one delivery until `lock_until`. The conditions are repeated in the
/// update itself, so of several instances (or a `flexportal sweep` beside the server) racing for
/// the same message exactly one sees a row change and sends it.
pub async fn claim(
    db: &impl ConnectionTrait,
    id: Uuid,
    now: DateTime<Utc>,
    lock_until: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = Outbox::update_many()
        .col_expr(Column::LockedUntil, Expr::value(lock_until))
        .filter(Column::Id.eq(id))
        .filter(Column::SentAt.is_null())
        .filter(Column::NextAttemptAt.lte(now))
        .filter(unlocked_at(now))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Records a delivery and releases the lock.
pub async fn mark_sent(
    db: &impl ConnectionTrait,
    id: Uuid,
    attempts: i32,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    Outbox::update_many()
        .col_expr(Column::SentAt, Expr::value(now))
        .col_expr(Column::Attempts, Expr::value(attempts))
        .col_expr(Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(Column::LastError, Expr::value(Option::<String>::None))
        .filter(Column::Id.eq(id))
        .filter(Column::SentAt.is_null())
        .exec(db)
        .await
        .map(|_| ())
}

/// Records a failed attempt: the new attempt count, when to try again (or [`gave_up_at`]) and why
/// it failed; releases the lock.
pub async fn mark_failed(
    db: &impl ConnectionTrait,
    id: Uuid,
    attempts: i32,
    next_attempt_at: DateTime<Utc>,
    error: &str,
) -> Result<(), DbErr> {
    Outbox::update_many()
        .col_expr(Column::Attempts, Expr::value(attempts))
        .col_expr(Column::NextAttemptAt, Expr::value(next_attempt_at))
        .col_expr(Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(Column::LastError, Expr::value(Some(error.to_owned())))
        .filter(Column::Id.eq(id))
        .filter(Column::SentAt.is_null())
        .exec(db)
        .await
        .map(|_| ())
}

/// A page of messages, newest first, and how many there are in all.
pub async fn list(
    db: &impl ConnectionTrait,
    offset: u64,
    limit: u64,
) -> Result<(Vec<OutboxRow>, u64), DbErr> {
    let total = Outbox::find().count(db).await?;
    let rows = Outbox::find()
        .order_by_desc(Column::CreatedAt)
        .order_by_desc(Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    Ok((rows, total))
}

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<OutboxRow>, DbErr> {
    Outbox::find_by_id(id).one(db).await
}

/// Attaches the issued documents `documents`, in order, to the queued message `outbox_id`.
pub async fn attach(db: &impl ConnectionTrait, outbox_id: Uuid, documents: &[Uuid]) -> Result<(), DbErr> {
    if documents.is_empty() {
        return Ok(());
    }
    let rows = documents.iter().zip(0..).map(|(document_id, position)| outbox_attachment::ActiveModel {
        outbox_id: Set(outbox_id),
        position: Set(position),
        document_id: Set(*document_id),
    });
    OutboxAttachments::insert_many(rows).exec(db).await.map(|_| ())
}

/// The documents attached to message `outbox_id`, in order.
pub async fn attachments(db: &impl ConnectionTrait, outbox_id: Uuid) -> Result<Vec<Uuid>, DbErr> {
    let rows = OutboxAttachments::find()
        .filter(outbox_attachment::Column::OutboxId.eq(outbox_id))
        .order_by_asc(outbox_attachment::Column::Position)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|r| r.document_id).collect())
}
