//! Outgoing mail: messages are written to the outbox in the same transaction as the change that
//! causes them, and delivered later by a job with retries (see `jobs`).

pub mod transport;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, DbErr};
use uuid::Uuid;

use crate::storage::Db;
use crate::storage::outbox::{self, OutboxRow};

pub use transport::{Attachment, MailConfigError, Mailer, SendError, Transport};

/// After this many failed attempts a message is given up on (about two days after it was queued).
pub const MAX_ATTEMPTS: i32 = 8;

/// How long to wait before the next attempt after `attempts` failures, or `None` once delivery
/// should stop. The first retries come quickly (a relay restarting), later ones slowly (an outage).
pub fn retry_delay(attempts: i32) -> Option<Duration> {
    match attempts {
        i32::MIN..=0 => Some(Duration::zero()),
        1 => Some(Duration::minutes(1)),
        2 => Some(Duration::minutes(5)),
        3 => Some(Duration::minutes(30)),
        4 => Some(Duration::hours(2)),
        n if n < MAX_ATTEMPTS => Some(Duration::hours(12)),
        _ => None,
    }
}

/// Where a queued message stands, as the operator sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryStatus {
    /// Waiting for its first attempt.
    Pending,
    /// An attempt failed; another is scheduled.
    Retrying,
    /// Handed to the transport.
    Sent,
    /// Given up on: too many attempts, or a message that can never be sent (e.g. a bad address).
    Failed,
}

impl DeliveryStatus {
    pub fn of(row: &OutboxRow) -> Self {
        if row.sent_at.is_some() {
            DeliveryStatus::Sent
        } else if row.next_attempt_at >= outbox::gave_up_at() {
            DeliveryStatus::Failed
        } else if row.last_error.is_some() {
            DeliveryStatus::Retrying
        } else {
            DeliveryStatus::Pending
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Retrying => "retrying",
            DeliveryStatus::Sent => "sent",
            DeliveryStatus::Failed => "failed",
        }
    }
}

/// A queued message as the operator's outbox page shows it.
#[derive(Debug, Clone)]
pub struct OutboxEntry {
    pub id: Uuid,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub kind: String,
    pub related_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub attempts: i32,
    pub status: DeliveryStatus,
    pub sent_at: Option<DateTime<Utc>>,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
}

impl OutboxEntry {
    fn of(row: OutboxRow) -> Self {
        Self {
            status: DeliveryStatus::of(&row),
            id: row.id,
            to: row.to_address,
            subject: row.subject,
            body: row.body_text,
            kind: row.kind,
            related_id: row.related_id,
            created_at: row.created_at,
            attempts: row.attempts,
            sent_at: row.sent_at,
            next_attempt_at: row.next_attempt_at,
            last_error: row.last_error,
        }
    }
}

/// A page of the outbox, newest first, and how many messages there are in all.
///
/// # Errors
/// Database failures.
pub async fn outbox_page(db: &Db, offset: u64, limit: u64) -> Result<(Vec<OutboxEntry>, u64), DbErr> {
    let (rows, total) = outbox::list(db.conn(), offset, limit).await?;
    Ok((rows.into_iter().map(OutboxEntry::of).collect(), total))
}

/// One message of the outbox.
///
/// # Errors
/// Database failures.
pub async fn outbox_entry(db: &Db, id: Uuid) -> Result<Option<OutboxEntry>, DbErr> {
    Ok(outbox::find(db.conn(), id).await?.map(OutboxEntry::of))
}

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
    enqueue_with_documents(db, message, &[], now).await
}

/// Queues `message` with the issued documents `documents` attached (as PDF files named by their
/// numbers), in the caller's transaction. The mail refers to the stored documents, so what it
/// carries is byte for byte the document whose SHA-256 the portal recorded.
///
/// # Errors
/// An insert failed.
pub async fn enqueue_with_documents(
    db: &impl ConnectionTrait,
    message: Message,
    documents: &[Uuid],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let id = Uuid::new_v4();
    outbox::insert(
        db,
        OutboxRow {
            id,
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
    .await?;
    outbox::attach(db, id, documents).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_from_a_minute_to_twelve_hours_then_stop_after_eight_attempts() {
        let minutes: Vec<_> = (1..=8).map(|n| retry_delay(n).map(|d| d.num_minutes())).collect();
        assert_eq!(minutes, [Some(1), Some(5), Some(30), Some(120), Some(720), Some(720), Some(720), None]);
    }
}
