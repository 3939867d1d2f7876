//! Outbox delivery: claims due messages one by one, hands them to the transport and records the
//! outcome, so that a message is sent once however many instances run the job at the same time.

use chrono::{DateTime, Duration, Utc};

use crate::mail::{self, Mailer, SendError};
use crate::storage::outbox::{self, OutboxRow};
use crate::storage::{Db, Error};

/// How many due messages one query fetches; the job keeps fetching while batches come back full.
const BATCH: u64 = 50;
/// Bounds one run, so that a huge backlog cannot keep a run (or a `sweep`) going for ever.
const MAX_BATCHES: usize = 20;
/// Longer than the SMTP timeout: a lock outlives the attempt that took it. A message whose sender
/// died mid-attempt comes due again after it, so delivery is at least once, never lost.
const LOCK_FOR: Duration = Duration::minutes(10);
/// Every lock of a run is counted from the run's `now`, so a run stops claiming well before the
/// first lock could expire; what is left comes due in the next run.
const RUN_BUDGET: std::time::Duration = std::time::Duration::from_secs(5 * 60);
/// Keeps a failing server's chatter from filling the outbox table.
const MAX_ERROR_LEN: usize = 1000;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct DeliveryReport {
    pub sent: u64,
    /// Attempts that failed in this run (retried later, or given up on).
    pub failed: u64,
}

/// Delivers every message due at `now` through `mailer`.
///
/// # Errors
/// The database failed; messages already handled keep their recorded outcome.
pub async fn deliver_outbox(db: &Db, mailer: &Mailer, now: DateTime<Utc>) -> Result<DeliveryReport, Error> {
    let mut report = DeliveryReport::default();
    let started = std::time::Instant::now();
    'batches: for _ in 0..MAX_BATCHES {
        let rows = outbox::due(db.conn(), now, BATCH).await?;
        let full = rows.len() as u64 == BATCH;
        for row in rows {
            if started.elapsed() > RUN_BUDGET {
                break 'batches;
            }
            if !claim(db, &row, now).await? {
                continue;
            }
            if deliver_one(db, mailer, &row, now).await? {
                report.sent += 1;
            } else {
                report.failed += 1;
            }
        }
        if !full {
            break;
        }
    }
    Ok(report)
}

async fn claim(db: &Db, row: &OutboxRow, now: DateTime<Utc>) -> Result<bool, Error> {
    let tx = db.write().await?;
    let claimed = outbox::claim(&*tx, row.id, now, now + LOCK_FOR).await?;
    tx.commit().await?;
    Ok(claimed)
}

/// Sends one claimed message and records the outcome; returns whether it was sent.
async fn deliver_one(db: &Db, mailer: &Mailer, row: &OutboxRow, now: DateTime<Utc>) -> Result<bool, Error> {
    let attempts = row.attempts.saturating_add(1);
    let outcome = match attachments(db, row).await? {
        Ok(files) => mailer.send(row, &files, now).await,
        Err(missing) => Err(missing),
    };
    let tx = db.write().await?;
    let sent = match outcome {
        Ok(()) => {
            outbox::mark_sent(&*tx, row.id, attempts, now).await?;
            tracing::info!(outbox_id = %row.id, kind = %row.kind, attempts, "mail sent");
            true
        }
        Err(error) => {
            let retry = match &error {
                SendError::Permanent(_) => None,
                SendError::Transient(_) => mail::retry_delay(attempts),
            };
            let next_attempt_at = retry.map_or_else(outbox::gave_up_at, |delay| now + delay);
            let text = truncate(&error.to_string(), MAX_ERROR_LEN);
            outbox::mark_failed(&*tx, row.id, attempts, next_attempt_at, &text).await?;
            match retry {
                Some(_) => tracing::warn!(
                    outbox_id = %row.id, kind = %row.kind, attempts, error = %text.escape_debug(),
                    next_attempt_at = %next_attempt_at, "mail delivery failed; will retry"
                ),
                None => tracing::error!(
                    outbox_id = %row.id, kind = %row.kind, attempts, error = %text.escape_debug(),
                    "mail delivery failed; giving up"
                ),
            }
            false
        }
    };
    tx.commit().await?;
    Ok(sent)
}

/// The PDFs attached to `row`, named by their document numbers; a document that is gone (only a
/// hand edit can remove one) makes the message unsendable rather than silently lighter.
async fn attachments(db: &Db, row: &OutboxRow) -> Result<Result<Vec<mail::Attachment>, SendError>, Error> {
    let ids = outbox::attachments(db.conn(), row.id).await?;
    let documents = crate::storage::documents::find_many(db.conn(), &ids).await?;
    if documents.len() != ids.len() {
        return Ok(Err(SendError::Permanent(format!(
            "{} of {} attached documents are missing",
            ids.len() - documents.len(),
            ids.len()
        ))));
    }
    Ok(Ok(documents
        .into_iter()
        .map(|d| mail::Attachment { filename: format!("{}.pdf", d.number), content: d.content })
        .collect()))
}

fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}
