//! Outgoing mail: messages are written to the outbox in the same transaction as the change that
//! causes them, and delivered later by a job with retries (see `jobs`).

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr};
use uuid::Uuid;

use crate::storage::outbox::{self, OutboxRow};

/// A plain-text message to send.
#[derive(Debug, Clone)]
pub struct Message {
    pub to: String,
    pub subject: String,
    pub body: String,
    /// What the message is about, e.g. `quote.sent`; shown in the outbox and logs.
    pub kind: &'static str,
    pub related_id: Option<String>,
}

/// Queues `message` in the caller's transaction.
///
/// # Errors
/// The insert failed.
pub async fn enqueue(db: &impl ConnectionTrait, message: Message, now: DateTime<Utc>) -> Result<(), DbErr> {
    outbox::insert(
        db,
        OutboxRow {
            id: Uuid::new_v4(),
            to_address: message.to,
            subject: message.subject,
            body_text: message.body,
            kind: message.kind.to_owned(),
            related_id: message.related_id,
            created_at: now,
            attempts: 0,
            next_attempt_at: now,
            locked_until: None,
            sent_at: None,
            last_error: None,
        },
    )
    .await
}
