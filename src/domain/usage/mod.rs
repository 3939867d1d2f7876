//! Usage Autodesk reports for a customer's developers, applied once per event id: drawn down from
//! the packs in Autodesk's order, what no pack covers recorded as deficit (or refused when the
//! account rules in force allow none), a developer over their monthly cap flagged and the reseller
//! warned once a month, and the daily roll-ups analytics read kept in the same transaction.
//!
//! Events arrive as JSON (up to [`MAX_BATCH`]) or as the usage report's CSV, streamed and applied
//! [`MAX_BATCH`] rows per transaction. Each event ends `applied`, `duplicate` (its id is stored or
//! came earlier in the same request) or `rejected` with a reason.

mod apply;
mod caps;
pub mod csv;
pub mod event;
pub mod plan;
pub mod reconcile;

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::Portal;
use crate::domain::actor::{Actor, Origin};
use crate::domain::balance::visible_customer;
use crate::domain::error::{Error, Result};
use crate::domain::idempotency::{self, Begin};
use crate::domain::tokens::TokenAmount;

pub use event::{Rejection, UsageEventInput, ValidEvent};

/// The most events one JSON request, or one transaction of a CSV upload, carries.
pub const MAX_BATCH: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Applied,
    Duplicate,
    Rejected,
}

/// A rejection's message in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub en: String,
    pub ja: String,
}

/// What became of one event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventResult {
    pub event_id: String,
    pub result: Outcome,
    /// Why it was rejected: a stable code (`tokens_too_precise`, `not_assigned`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<Message>,
    /// The CSV line it came from (the header is line 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// For an applied event: what packs covered, and what became deficit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charged: Option<TokenAmount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uncharged: Option<TokenAmount>,
    /// For an applied event: the developer is over their monthly cap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub over_cap: Option<bool>,
}

impl EventResult {
    fn plain(event_id: String, result: Outcome, line: Option<u64>) -> Self {
        Self {
            event_id,
            result,
            reason: None,
            message: None,
            line,
            charged: None,
            uncharged: None,
            over_cap: None,
        }
    }

    pub fn rejected(event_id: String, line: Option<u64>, why: Rejection) -> Self {
        Self {
            reason: Some(why.reason),
            message: Some(Message { en: why.en, ja: why.ja }),
            ..Self::plain(event_id, Outcome::Rejected, line)
        }
    }

    pub fn duplicate(event_id: String, line: Option<u64>) -> Self {
        Self::plain(event_id, Outcome::Duplicate, line)
    }
}

/// The answer to an ingestion request: every event's result and the counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngestReport {
    pub results: Vec<EventResult>,
    pub applied: u64,
    pub duplicate: u64,
    pub rejected: u64,
}

impl IngestReport {
    pub fn of(results: Vec<EventResult>) -> Self {
        let count = |outcome| results.iter().filter(|r| r.result == outcome).count() as u64;
        let (applied, duplicate, rejected) =
            (count(Outcome::Applied), count(Outcome::Duplicate), count(Outcome::Rejected));
        Self { results, applied, duplicate, rejected }
    }
}

/// One event of a batch after the checks that need no database.
#[derive(Debug, Clone)]
pub(crate) enum Slot {
    Done(EventResult),
    Valid { line: Option<u64>, event: ValidEvent },
}

/// Checks events in order: a bad id or field is rejected; an id that came earlier in the same
/// request (`seen`, which the caller keeps across a file's batches) is a duplicate.
pub(crate) fn prepare(
    rows: impl IntoIterator<Item = (Option<u64>, std::result::Result<UsageEventInput, Rejection>)>,
    seen: &mut HashSet<String>,
    now: DateTime<Utc>,
) -> Vec<Slot> {
    rows.into_iter()
        .map(|(line, row)| {
            let input = match row {
                Ok(input) => input,
                Err(why) => return Slot::Done(EventResult::rejected(String::new(), line, why)),
            };
            let id = match event::event_id(&input.event_id) {
                Ok(id) => id,
                Err(why) => return Slot::Done(EventResult::rejected(input.event_id, line, why)),
            };
            if seen.contains(&id) {
                return Slot::Done(EventResult::duplicate(id, line));
            }
            match event::check(&input, id.clone(), now) {
                Ok(event) => {
                    seen.insert(id);
                    Slot::Valid { line, event }
                }
                Err(why) => Slot::Done(EventResult::rejected(id, line, why)),
            }
        })
        .collect()
}

fn batch_size_error() -> Error {
    Error::field(
        "events",
        "count",
        "Send 1 to 1,000 events per request.",
        "1回のリクエストで送れるイベントは1〜1,000件です。",
    )
}

/// Applies a JSON batch of usage events for `customer_id`, in one transaction.
///
/// # Errors
/// `Validation` for no events or more than [`MAX_BATCH`], or a bad `Idempotency-Key`; `NotFound`
/// for another partner's customer; `Conflict` while a request with the same key is running.
pub async fn ingest(
    portal: &Portal,
    actor: &Actor,
    origin: &Origin,
    customer_id: Uuid,
    events: Vec<UsageEventInput>,
) -> Result<Vec<EventResult>> {
    if events.is_empty() || events.len() > MAX_BATCH {
        return Err(batch_size_error());
    }
    let customer = visible_customer(portal, actor, customer_id).await?;
    let canonical = serde_json::to_string(&events).map_err(Error::internal)?;
    let hash = idempotency::request_hash(&["usage", &customer.id.to_string(), &canonical]);
    let key = origin.idempotency_key.as_deref();
    let guard = match idempotency::begin(portal.db.conn(), key, customer.partner_id, hash).await? {
        Begin::Replay(results) => return Ok(results),
        Begin::Fresh(guard) => guard,
    };
    let slots = prepare(events.into_iter().map(|e| (None, Ok(e))), &mut HashSet::new(), portal.clock.now());
    let finish = guard.as_ref().map(|guard| apply::Finish { guard, prior: &[] });
    match apply::apply_batch(portal, actor, origin, &customer, &slots, finish).await? {
        apply::Applied::Batch(results) | apply::Applied::Replayed(results) => Ok(results),
    }
}
