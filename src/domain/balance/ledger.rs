//! Writing token changes: the account lock, ledger entries, fulfilling a pack (offsetting a
//! deficit first) and the operator's adjustments.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{CustomerAccount, NewEntry, Pack};
use crate::domain::Portal;
use crate::domain::actor::{Actor, Origin};
use crate::domain::audit::{self, AuditEvent};
use crate::domain::error::{Error, Result};
use crate::domain::tokens::TokenAmount;
use crate::domain::tokens::purchase::offset_deficit;
use crate::domain::tokens::reconcile::{EntryKind, PackStatus};
use crate::storage::{self, WriteTx, tokens as store};

/// Locks the customer's account (creating it if needed) and appends `entries` to its ledger, in
/// the caller's transaction; returns the account as locked.
///
/// # Errors
/// Database failures.
pub async fn post(
    tx: &WriteTx,
    partner: Uuid,
    customer: Uuid,
    entries: &[NewEntry],
    now: DateTime<Utc>,
) -> Result<CustomerAccount> {
    store::ensure_account(&**tx, partner, customer, now).await?;
    let count = i64::try_from(entries.len()).map_err(Error::internal)?;
    let account = store::lock_account(&**tx, customer, count, now).await?;
    store::append(&**tx, partner, customer, account.version - count + 1, entries, now).await?;
    Ok(account)
}

fn lost_race() -> Error {
    Error::conflict(
        "The tokens changed meanwhile; try again.",
        "処理中にトークン残高が変更されました。もう一度お試しください。",
    )
}

/// Makes a pending pack available at `now`, offsetting the customer's deficit first (a
/// `deficit_offset` entry for what it took), in the caller's transaction.
///
/// # Errors
/// `Conflict` when the pack is no longer pending or the account changed under it; `Internal` for
/// stored amounts that cannot be.
pub async fn fulfil_pack(
    tx: &WriteTx,
    pack: &Pack,
    reference: &str,
    actor: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<()> {
    if pack.status != PackStatus::Pending {
        return Err(lost_race());
    }
    store::ensure_account(&**tx, pack.partner_id, pack.customer_id, now).await?;
    // Lock first, then read the deficit the lock protects.
    let account = store::lock_account(&**tx, pack.customer_id, 0, now).await?;
    let settled = offset_deficit(pack.tokens, account.deficit).map_err(Error::internal)?;
    if !store::make_available(&**tx, pack.id, settled.pack_remaining, now).await? {
        return Err(lost_race());
    }
    if settled.offset.is_positive() {
        let since = if settled.deficit_after.is_zero() { None } else { account.deficit_since };
        if !store::set_deficit(&**tx, pack.customer_id, account.deficit, settled.deficit_after, since).await?
        {
            return Err(lost_race());
        }
        let entry = NewEntry {
            pack_id: Some(pack.id),
            kind: EntryKind::DeficitOffset,
            tokens: settled.offset.checked_neg().ok_or_else(|| Error::internal(Overflow))?,
            reference: reference.to_owned(),
            reason: None,
            actor_user_id: actor,
        };
        post(tx, pack.partner_id, pack.customer_id, &[entry], now).await?;
    }
    Ok(())
}

#[derive(Debug, thiserror::Error)]
#[error("a token amount left the ledger's range")]
struct Overflow;

/// The operator corrects a customer's tokens with a reason: a positive amount without a pack
/// forgives deficit; a negative one records tokens owed (only while no available pack holds any).
///
/// # Errors
/// `Forbidden` unless the operator; `NotFound` for an unknown customer; `Validation` for a bad
/// amount or a missing reason; `Conflict` when the change would break the balance's rules.
pub async fn adjust(
    portal: &Portal,
    actor: &Actor,
    origin: &Origin,
    customer_id: Uuid,
    tokens: &str,
    reason: &str,
) -> Result<()> {
    if !actor.is_admin() {
        return Err(Error::Forbidden);
    }
    let amount = TokenAmount::parse_signed("tokens", tokens).map_err(|e| Error::Validation(vec![e]))?;
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 1000 {
        return Err(Error::field(
            "reason",
            "required",
            "Give a reason of at most 1,000 characters.",
            "理由を1,000文字以内で入力してください。",
        ));
    }
    let customer =
        storage::customers::find_any(portal.db.conn(), customer_id).await?.ok_or(Error::NotFound)?;
    let now = portal.clock.now();
    let tx = portal.db.write().await?;
    store::ensure_account(&*tx, customer.partner_id, customer.id, now).await?;
    let account = store::lock_account(&*tx, customer.id, 0, now).await?;
    // A packless adjustment moves the deficit the other way.
    let deficit = account.deficit.checked_sub(amount).filter(|d| !d.is_negative()).ok_or_else(|| {
        Error::conflict(
            "The adjustment would forgive more than the customer owes.",
            "調整額が顧客の不足分を超えています。",
        )
    })?;
    if deficit.is_positive() {
        let packs = store::packs_of_customer(&*tx, customer.id).await?;
        if packs.iter().any(|p| p.status == PackStatus::Available && p.remaining.is_positive()) {
            return Err(Error::conflict(
                "The customer still has available tokens; a deficit exists only once they are used up.",
                "顧客にはまだ利用可能なトークンがあります。不足分はトークンを使い切った後にのみ発生します。",
            ));
        }
    }
    let since = if deficit.is_zero() { None } else { account.deficit_since.or(Some(now)) };
    if !store::set_deficit(&*tx, customer.id, account.deficit, deficit, since).await? {
        return Err(lost_race());
    }
    let entry = NewEntry {
        pack_id: None,
        kind: EntryKind::Adjustment,
        tokens: amount,
        reference: format!("operator:{}", actor.email),
        reason: Some(reason.to_owned()),
        actor_user_id: Some(actor.user_id),
    };
    post(&tx, customer.partner_id, customer.id, &[entry], now).await?;
    let event = AuditEvent {
        action: "tokens.adjusted",
        subject_type: "customer",
        subject_id: Some(customer.id.to_string()),
        detail: serde_json::json!({ "tokens": amount.to_string(), "reason": reason }),
    };
    audit::record(&*tx, now, Some(actor), None, origin, event).await?;
    tx.commit().await?;
    Ok(())
}
