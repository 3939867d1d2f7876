//! Queries over the mail outbox.

use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr};

use super::entities::outbox_message;

pub use outbox_message::Model as OutboxRow;

pub async fn insert(db: &impl ConnectionTrait, row: OutboxRow) -> Result<(), DbErr> {
    outbox_message::ActiveModel::from(row).insert(db).await.map(|_| ())
}
