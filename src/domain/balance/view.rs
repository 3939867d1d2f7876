//! A customer's balance and ledger as the reseller (and, through the link, the purchaser) sees them.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{CustomerAccount, LedgerRecord, Pack};
use crate::domain::Portal;
use crate::domain::actor::Actor;
use crate::domain::customers::Customer;
use crate::domain::error::{Error, Result};
use crate::domain::paging::{PageRequest, Paged};
use crate::domain::tokens::TokenAmount;
use crate::domain::tokens::expiry::is_expired;
use crate::domain::tokens::reconcile::{EntryKind, PackStatus};
use crate::storage::{self, tokens as store};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BalanceStatus {
    Active,
    /// In the free trial the reseller recorded (`trial_until`).
    Trial,
    /// Owes tokens, within the grace period.
    Grace,
    /// Owes tokens past the grace period, until a purchase covers the deficit.
    Suspended,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PackView {
    pub id: Uuid,
    pub order_id: Uuid,
    pub tokens: TokenAmount,
    pub remaining: TokenAmount,
    pub purchased_at: DateTime<Utc>,
    pub available_at: Option<DateTime<Utc>>,
    pub expires_at: DateTime<Utc>,
    /// The last day it can be drawn on, in the customer's time zone (`YYYY-MM-DD`).
    pub last_day: String,
    pub status: PackStatus,
}

impl PackView {
    pub fn of(pack: &Pack, tz: chrono_tz::Tz) -> Self {
        Self {
            id: pack.id,
            order_id: pack.order_id,
            tokens: pack.tokens,
            remaining: pack.remaining,
            purchased_at: pack.purchased_at,
            available_at: pack.available_at,
            expires_at: pack.expires_at,
            last_day: crate::domain::quotes::last_valid_day(pack.expires_at, tz).to_string(),
            status: pack.status,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BalanceView {
    pub customer_id: Uuid,
    pub customer_name: String,
    pub time_zone: String,
    pub status: BalanceStatus,
    /// When the free trial the reseller recorded ends (none recorded: `None`).
    pub trial_until: Option<DateTime<Utc>>,
    /// The trial's last day in the customer's time zone (`YYYY-MM-DD`).
    pub trial_last_day: Option<String>,
    /// Σ remaining of available packs not yet expired.
    pub available: TokenAmount,
    /// Σ tokens of packs bought and not yet fulfilled.
    pub pending: TokenAmount,
    pub deficit: TokenAmount,
    pub deficit_since: Option<DateTime<Utc>>,
    pub used_12_months: TokenAmount,
    pub purchased_total: TokenAmount,
    /// Σ remaining of available packs expiring within 90 days.
    pub expiring_90_days: TokenAmount,
    pub packs: Vec<PackView>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LedgerEntryView {
    pub seq: i64,
    pub kind: EntryKind,
    pub tokens: TokenAmount,
    pub pack_id: Option<Uuid>,
    pub reference: String,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<LedgerRecord> for LedgerEntryView {
    fn from(r: LedgerRecord) -> Self {
        Self {
            seq: r.seq,
            kind: r.kind,
            tokens: r.tokens,
            pack_id: r.pack_id,
            reference: r.reference,
            reason: r.reason,
            created_at: r.created_at,
        }
    }
}

/// The customer `id` as the actor may see it: a reseller its own, the operator any.
pub(crate) async fn visible_customer(portal: &Portal, actor: &Actor, id: Uuid) -> Result<Customer> {
    let db = portal.db.conn();
    let customer = if actor.is_admin() {
        storage::customers::find_any(db, id).await?
    } else {
        storage::customers::find(db, actor.partner()?, id).await?
    };
    customer.ok_or(Error::NotFound)
}

fn sum(amounts: impl IntoIterator<Item = TokenAmount>) -> Result<TokenAmount> {
    TokenAmount::checked_sum(amounts)
        .ok_or_else(|| Error::Internal("a balance left the ledger's range".into()))
}

/// Builds the balance of `customer` at `now` from its stored packs, account and entries.
pub(crate) async fn balance_of(portal: &Portal, customer: &Customer) -> Result<BalanceView> {
    let db = portal.db.conn();
    let now = portal.clock.now();
    let packs = store::packs_of_customer(db, customer.id).await?;
    let account = store::find_account(db, customer.id).await?;
    let used_12_months = store::used_since(db, customer.id, now - Duration::days(365)).await?;
    let today = now.with_timezone(&customer.time_zone).date_naive();
    let grace = crate::domain::account_rules::in_force_on(db, today).await?.grace();
    assemble(customer, &packs, account.as_ref(), used_12_months, now, grace)
}

/// Where the account stands at `now`: in its trial, owing within or past the `grace` period (or
/// suspended by the sweep), or active.
pub(crate) fn status_at(
    account: Option<&CustomerAccount>,
    now: DateTime<Utc>,
    grace: Duration,
) -> BalanceStatus {
    let deficit = account.map_or(TokenAmount::ZERO, |a| a.deficit);
    match (account.and_then(|a| a.trial_until), account.and_then(|a| a.deficit_since)) {
        (Some(until), _) if now < until => BalanceStatus::Trial,
        _ if deficit.is_positive() && account.is_some_and(|a| a.suspended_at.is_some()) => {
            BalanceStatus::Suspended
        }
        (_, Some(since)) if deficit.is_positive() && now >= since + grace => BalanceStatus::Suspended,
        _ if deficit.is_positive() => BalanceStatus::Grace,
        _ => BalanceStatus::Active,
    }
}

fn assemble(
    customer: &Customer,
    packs: &[Pack],
    account: Option<&CustomerAccount>,
    used_12_months: TokenAmount,
    now: DateTime<Utc>,
    grace: Duration,
) -> Result<BalanceView> {
    let usable = |p: &&Pack| p.status == PackStatus::Available && !is_expired(p.expires_at, now);
    let available = sum(packs.iter().filter(usable).map(|p| p.remaining))?;
    let pending = sum(packs.iter().filter(|p| p.status == PackStatus::Pending).map(|p| p.remaining))?;
    let horizon = now + Duration::days(90);
    let expiring = sum(packs.iter().filter(usable).filter(|p| p.expires_at <= horizon).map(|p| p.remaining))?;
    let purchased_total = sum(packs.iter().filter(|p| p.status != PackStatus::Voided).map(|p| p.tokens))?;
    let deficit = account.map_or(TokenAmount::ZERO, |a| a.deficit);
    let deficit_since = account.and_then(|a| a.deficit_since);
    let status = status_at(account, now, grace);
    Ok(BalanceView {
        customer_id: customer.id,
        customer_name: customer.company_name.clone(),
        time_zone: customer.time_zone.name().to_owned(),
        status,
        trial_until: account.and_then(|a| a.trial_until),
        trial_last_day: account
            .and_then(|a| a.trial_until)
            .map(|until| crate::domain::quotes::last_valid_day(until, customer.time_zone).to_string()),
        available,
        pending,
        deficit,
        deficit_since,
        used_12_months,
        purchased_total,
        expiring_90_days: expiring,
        packs: packs.iter().map(|p| PackView::of(p, customer.time_zone)).collect(),
    })
}

/// The customer's balance: what is available, pending and owed, and every pack.
///
/// # Errors
/// `NotFound` for another partner's customer.
pub async fn customer_balance(portal: &Portal, actor: &Actor, customer_id: Uuid) -> Result<BalanceView> {
    let customer = visible_customer(portal, actor, customer_id).await?;
    balance_of(portal, &customer).await
}

/// One page of the customer's ledger, newest first.
///
/// # Errors
/// `NotFound` for another partner's customer.
pub async fn customer_ledger(
    portal: &Portal,
    actor: &Actor,
    customer_id: Uuid,
    page: PageRequest,
) -> Result<Paged<LedgerEntryView>> {
    let customer = visible_customer(portal, actor, customer_id).await?;
    let (rows, total) =
        store::ledger_page(portal.db.conn(), customer.id, page.offset(), page.limit()).await?;
    Ok(Paged::new(rows.into_iter().map(LedgerEntryView::from).collect(), total, page))
}
