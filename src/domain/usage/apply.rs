//! Applying one batch in one transaction: lock the customer's account, drop events already stored,
//! refuse developers not actively assigned, plan the drawdown in memory, then write it with one
//! conditional update per pack touched, one `consumption` entry per pack and one `deficit` entry,
//! and the events and daily roll-ups as multi-row statements. A lost race or a serialization
//! failure retries the whole batch.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::event::{Rejection, ValidEvent};
use super::plan::{Split, plan};
use super::{EventResult, Outcome, Slot, caps};
use crate::domain::Portal;
use crate::domain::account_rules::AccountRules;
use crate::domain::actor::{Actor, Origin};
use crate::domain::audit::{self, AuditEvent};
use crate::domain::balance::{NewEntry, post};
use crate::domain::customers::Customer;
use crate::domain::error::{Error, Result};
use crate::domain::idempotency::Guard;
use crate::domain::tokens::TokenAmount;
use crate::domain::tokens::reconcile::EntryKind;
use crate::domain::usage_analytics::rollup::{Fine, rollups};
use crate::storage::usage::{self as store, DailyAddition, StoredEvent};
use crate::storage::usage_analytics as analytics_store;
use crate::storage::{self, WriteTx, tokens};

/// How often a batch is tried before its failure is answered.
const ATTEMPTS: u32 = 10;

/// The idempotency key to claim and complete in the batch's transaction, with the results of the
/// request's earlier batches that belong in the stored response.
pub(crate) struct Finish<'a> {
    pub guard: &'a Guard,
    pub prior: &'a [EventResult],
}

pub(crate) enum Applied {
    /// This batch's results.
    Batch(Vec<EventResult>),
    /// Another request with the same key finished first: its whole response.
    Replayed(Vec<EventResult>),
}

#[derive(Debug, thiserror::Error)]
#[error("a pack or the account changed while a usage batch was applied")]
struct LostRace;

fn overflow() -> Error {
    Error::Internal("a usage batch's tokens left the ledger's range".into())
}

/// Whether trying the batch again may succeed: a conditional update lost, or the database gave up
/// on the transaction (serialization failure, deadlock, a busy SQLite file).
fn is_transient(error: &Error) -> bool {
    let Error::Internal(source) = error else { return false };
    if source.is::<LostRace>() {
        return true;
    }
    match source.downcast_ref::<storage::Error>() {
        Some(storage::Error::Database(db)) => {
            let text = db.to_string();
            ["could not serialize", "deadlock detected", "database is locked", "40001", "40P01"]
                .iter()
                .any(|marker| text.contains(marker))
        }
        _ => false,
    }
}

/// Applies `slots` (in order) for `customer`, retrying lost races.
///
/// # Errors
/// Database failures that persist; what the idempotency key's record answers.
pub(crate) async fn apply_batch(
    portal: &Portal,
    actor: &Actor,
    origin: &Origin,
    customer: &Customer,
    slots: &[Slot],
    finish: Option<Finish<'_>>,
) -> Result<Applied> {
    let mut attempt = 1;
    loop {
        match attempt_once(portal, actor, origin, customer, slots, finish.as_ref()).await {
            Err(error) if attempt < ATTEMPTS && is_transient(&error) => {
                tracing::debug!(attempt, %error, "usage batch lost a race; trying again");
                let jitter = u64::from(rand::random::<u8>() % 8);
                tokio::time::sleep(Duration::from_millis(u64::from(attempt) * 4 + jitter)).await;
                attempt += 1;
            }
            other => return other,
        }
    }
}

async fn attempt_once(
    portal: &Portal,
    actor: &Actor,
    origin: &Origin,
    customer: &Customer,
    slots: &[Slot],
    finish: Option<&Finish<'_>>,
) -> Result<Applied> {
    let now = portal.clock.now();
    let tx = portal.db.write().await?;
    if let Some(finish) = finish
        && let Some(answer) = finish.guard.claim::<Vec<EventResult>>(&tx, now).await?
    {
        drop(tx);
        return answer.map(Applied::Replayed);
    }
    let batch_id = Uuid::new_v4();
    let mut results: Vec<Option<EventResult>> = slots
        .iter()
        .map(|slot| match slot {
            Slot::Done(result) => Some(result.clone()),
            Slot::Valid { .. } => None,
        })
        .collect();
    let valid: Vec<(usize, Option<u64>, &ValidEvent)> = slots
        .iter()
        .enumerate()
        .filter_map(|(i, slot)| match slot {
            Slot::Valid { line, event } => Some((i, *line, event)),
            Slot::Done(_) => None,
        })
        .collect();
    let parts = if valid.is_empty() {
        (TokenAmount::ZERO, TokenAmount::ZERO)
    } else {
        let batch = Batch { portal, actor, customer, batch_id, now };
        batch.write(&tx, &valid, &mut results).await?
    };
    let results: Vec<EventResult> = results
        .into_iter()
        .collect::<Option<_>>()
        .ok_or_else(|| Error::Internal("an event has no result".into()))?;
    let count = |outcome| results.iter().filter(|r| r.result == outcome).count();
    let event = AuditEvent {
        action: "usage.ingested",
        subject_type: "customer",
        subject_id: Some(customer.id.to_string()),
        detail: serde_json::json!({
            "batch_id": batch_id,
            "applied": count(Outcome::Applied),
            "duplicate": count(Outcome::Duplicate),
            "rejected": count(Outcome::Rejected),
            "charged": parts.0.to_string(),
            "uncharged": parts.1.to_string(),
        }),
    };
    audit::record(&*tx, now, Some(actor), None, origin, event).await?;
    if let Some(finish) = finish {
        let mut all: Vec<EventResult> = finish.prior.iter().chain(results.iter()).cloned().collect();
        all.sort_by_key(|r| r.line);
        finish.guard.complete(&tx, 200, &all).await?;
    }
    tx.commit().await?;
    Ok(Applied::Batch(results))
}

struct Batch<'a> {
    portal: &'a Portal,
    actor: &'a Actor,
    customer: &'a Customer,
    batch_id: Uuid,
    now: DateTime<Utc>,
}

/// The rules in force on `day` among every rule set (oldest first).
fn in_force(rules: &[AccountRules], day: NaiveDate) -> Result<&AccountRules> {
    rules
        .iter()
        .rev()
        .find(|r| r.effective_from <= day)
        .ok_or_else(|| Error::Internal(format!("no account rules are in force on {day}").into()))
}

impl Batch<'_> {
    fn day(&self, event: &ValidEvent) -> NaiveDate {
        event.occurred_at.with_timezone(&self.customer.time_zone).date_naive()
    }

    /// Writes the valid events and fills in their results; returns what packs covered and what
    /// became deficit.
    async fn write(
        &self,
        tx: &WriteTx,
        valid: &[(usize, Option<u64>, &ValidEvent)],
        results: &mut [Option<EventResult>],
    ) -> Result<(TokenAmount, TokenAmount)> {
        let (customer, now) = (self.customer, self.now);
        tokens::ensure_account(&**tx, customer.partner_id, customer.id, now).await?;
        // Lock first: everything read below is what the lock protects.
        let account = tokens::lock_account(&**tx, customer.id, 0, now).await?;
        let ids: Vec<&str> = valid.iter().map(|(_, _, e)| e.event_id.as_str()).collect();
        let stored: HashSet<String> =
            store::existing_ids(&**tx, customer.id, &ids).await?.into_iter().collect();
        let mut developers: Vec<&str> = valid.iter().map(|(_, _, e)| e.autodesk_id.as_str()).collect();
        developers.sort_unstable();
        developers.dedup();
        let assigned = store::active_developers(&**tx, customer.id, &developers).await?;
        let rules = storage::account_rules::all(&**tx).await?;

        let mut candidates = Vec::with_capacity(valid.len());
        for &(index, line, event) in valid {
            if stored.contains(&event.event_id) {
                results[index] = Some(EventResult::duplicate(event.event_id.clone(), line));
            } else if !assigned.contains_key(&event.autodesk_id) {
                results[index] =
                    Some(EventResult::rejected(event.event_id.clone(), line, Rejection::not_assigned()));
            } else {
                let allowed = in_force(&rules, self.day(event))?.deficit_allowed;
                candidates.push((index, line, event, allowed));
            }
        }
        let packs = store::drawable_packs(&**tx, customer.id).await?;
        let planned = plan(&candidates.iter().map(|c| (c.2, c.3)).collect::<Vec<_>>(), &packs)?;
        let mut applied: Vec<(usize, Option<u64>, &ValidEvent, Split)> = Vec::new();
        for (&(index, line, event, _), split) in candidates.iter().zip(&planned.splits) {
            match split {
                Some(split) => applied.push((index, line, event, *split)),
                None => {
                    let why = Rejection::insufficient_balance();
                    results[index] = Some(EventResult::rejected(event.event_id.clone(), line, why));
                }
            }
        }
        let events: Vec<&ValidEvent> = applied.iter().map(|a| a.2).collect();
        let over_cap = caps::flag(self.portal, tx, customer, &events, &assigned, now).await?;

        for &(pack, take) in &planned.takes {
            if !store::take_from_pack(&**tx, pack, take).await? {
                return Err(Error::internal(LostRace));
            }
        }
        self.post_entries(tx, &planned.takes, planned.deficit, &account).await?;
        let rows: Vec<StoredEvent> = applied
            .iter()
            .zip(&over_cap)
            .map(|(&(_, _, e, split), &over_cap)| self.stored(e, split, over_cap))
            .collect();
        store::insert_events(&**tx, &rows).await?;
        let daily = self.daily(&events)?;
        store::add_to_daily(&**tx, customer.partner_id, customer.id, &daily).await?;
        let coarser = rollups(daily.iter().map(|d| Fine {
            day: d.day,
            api: &d.api,
            autodesk_id: &d.autodesk_id,
            tokens: d.tokens,
            events: d.events,
        }))?;
        analytics_store::add_rollups(&**tx, customer.partner_id, customer.id, &coarser).await?;

        for (&(index, line, event, split), &over_cap) in applied.iter().zip(&over_cap) {
            results[index] = Some(EventResult {
                charged: Some(split.charged),
                uncharged: Some(split.uncharged),
                over_cap: Some(over_cap),
                ..EventResult::plain(event.event_id.clone(), Outcome::Applied, line)
            });
        }
        let charged = TokenAmount::checked_sum(planned.takes.iter().map(|t| t.1)).ok_or_else(overflow)?;
        Ok((charged, planned.deficit))
    }

    /// One `consumption` entry per pack touched and one `deficit` entry for the rest, raising the
    /// account's deficit (and starting its clock when it was clear).
    async fn post_entries(
        &self,
        tx: &WriteTx,
        takes: &[(Uuid, TokenAmount)],
        deficit: TokenAmount,
        account: &crate::domain::balance::CustomerAccount,
    ) -> Result<()> {
        let reference = format!("usage:{}", self.batch_id);
        let entry = |pack_id, kind, tokens: TokenAmount| -> Result<NewEntry> {
            Ok(NewEntry {
                pack_id,
                kind,
                tokens: tokens.checked_neg().ok_or_else(overflow)?,
                reference: reference.clone(),
                reason: None,
                actor_user_id: Some(self.actor.user_id),
            })
        };
        let mut entries = takes
            .iter()
            .map(|&(pack, take)| entry(Some(pack), EntryKind::Consumption, take))
            .collect::<Result<Vec<_>>>()?;
        if deficit.is_positive() {
            entries.push(entry(None, EntryKind::Deficit, deficit)?);
            let after = account.deficit.checked_add(deficit).ok_or_else(overflow)?;
            let since = if account.deficit.is_zero() {
                Some(self.now)
            } else {
                account.deficit_since.or(Some(self.now))
            };
            if !tokens::set_deficit(&**tx, self.customer.id, account.deficit, after, since).await? {
                return Err(Error::internal(LostRace));
            }
        }
        if !entries.is_empty() {
            post(tx, self.customer.partner_id, self.customer.id, &entries, self.now).await?;
        }
        Ok(())
    }

    fn stored(&self, e: &ValidEvent, split: Split, over_cap: bool) -> StoredEvent {
        StoredEvent {
            customer_id: self.customer.id,
            partner_id: self.customer.partner_id,
            event_id: e.event_id.clone(),
            occurred_at: e.occurred_at,
            autodesk_id: e.autodesk_id.clone(),
            app: e.app.clone(),
            api: e.api.clone(),
            units_thousandths: e.units_thousandths,
            tokens: e.tokens,
            charged: split.charged,
            uncharged: split.uncharged,
            over_cap,
            batch_id: self.batch_id,
            received_at: self.now,
        }
    }

    /// The applied events summed per customer-local day, API and developer.
    fn daily(&self, events: &[&ValidEvent]) -> Result<Vec<DailyAddition>> {
        let mut sums: BTreeMap<(NaiveDate, &str, &str), (TokenAmount, i64)> = BTreeMap::new();
        for e in events {
            let sum = sums.entry((self.day(e), &e.api, &e.autodesk_id)).or_insert((TokenAmount::ZERO, 0));
            sum.0 = sum.0.checked_add(e.tokens).ok_or_else(overflow)?;
            sum.1 += 1;
        }
        Ok(sums
            .into_iter()
            .map(|((day, api, autodesk_id), (tokens, events))| DailyAddition {
                day,
                api: api.to_owned(),
                autodesk_id: autodesk_id.to_owned(),
                tokens,
                events,
            })
            .collect())
    }
}

/// Developers' monthly caps by Autodesk ID (none when uncapped), as `caps::flag` reads them.
pub(crate) type Caps = HashMap<String, Option<TokenAmount>>;
