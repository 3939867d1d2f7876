//! Usage analytics for one customer: usage of a period by day, API or developer (read from the
//! daily roll-ups, never from the raw events), the balance as a share of the valid tokens bought,
//! the token events of the period and the packs expiring within 90 days. For the reseller (or the
//! operator) and, through the balance link, for the purchaser.

mod low_balance;
mod period;
mod record;
mod report;

pub use low_balance::{DonutColour, LOW_PERCENT, TokensLeft};
pub use period::{DEFAULT_DAYS, GroupBy, MAX_DAYS, UsageParams, UsageQuery};
pub use record::{ApiDeveloperUsage, DailyRollup, DayUsage};
pub use report::{
    BalanceSummary, ExpiringPack, TokenEvent, UsageOverview, UsageReport, UsageRow, UsageTotal,
};

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use crate::domain::Portal;
use crate::domain::actor::Actor;
use crate::domain::balance::{self, Pack};
use crate::domain::customers::Customer;
use crate::domain::error::{Error, Result};
use crate::domain::quotes::{last_valid_day, start_of_day};
use crate::domain::tokens::TokenAmount;
use crate::domain::tokens::expiry::is_expired;
use crate::domain::tokens::reconcile::{EntryKind, PackStatus};
use crate::storage::{tokens as token_store, usage_analytics as store};

/// The ledger entries a report lists as token events (usage itself is shown as usage).
const TOKEN_EVENT_KINDS: [EntryKind; 5] = [
    EntryKind::Purchase,
    EntryKind::Expiry,
    EntryKind::DeficitOffset,
    EntryKind::Reversal,
    EntryKind::Adjustment,
];
/// At most this many token events are listed for one period, newest first.
pub const EVENTS_SHOWN: u64 = 500;
/// Packs expiring within this many days are listed.
const EXPIRING_DAYS: i64 = 90;

fn sum(amounts: impl IntoIterator<Item = TokenAmount>) -> Result<TokenAmount> {
    TokenAmount::checked_sum(amounts)
        .ok_or_else(|| Error::Internal("a balance left the ledger's range".into()))
}

fn usable(pack: &Pack, now: DateTime<Utc>) -> bool {
    pack.status == PackStatus::Available && !is_expired(pack.expires_at, now)
}

/// The balance, what is left of the valid packs, and the packs expiring soon: from the customer's
/// packs and account only, so it costs the same however long the ledger grows.
async fn balance_and_expiring(
    portal: &Portal,
    customer: &Customer,
) -> Result<(BalanceSummary, Vec<ExpiringPack>)> {
    let db = portal.db.conn();
    let now = portal.clock.now();
    let packs = token_store::packs_of_customer(db, customer.id).await?;
    let account = token_store::find_account(db, customer.id).await?;
    let today = now.with_timezone(&customer.time_zone).date_naive();
    let grace = crate::domain::account_rules::in_force_on(db, today).await?.grace();
    let valid: Vec<&Pack> = packs.iter().filter(|p| usable(p, now)).collect();
    let left = TokensLeft {
        left: sum(valid.iter().map(|p| p.remaining))?,
        valid_purchased: sum(valid.iter().map(|p| p.tokens))?,
    };
    let summary = BalanceSummary {
        status: balance::status_at(account.as_ref(), now, grace),
        available: left.left,
        pending: sum(packs.iter().filter(|p| p.status == PackStatus::Pending).map(|p| p.remaining))?,
        deficit: account.as_ref().map_or(TokenAmount::ZERO, |a| a.deficit),
        valid_purchased: left.valid_purchased,
        left_percent: left.left_percent(),
        used_percent: left.used_percent(),
        colour: left.colour(),
    };
    let horizon = now + Duration::days(EXPIRING_DAYS);
    let expiring = valid
        .iter()
        .filter(|p| p.expires_at <= horizon && p.remaining.is_positive())
        .map(|p| ExpiringPack {
            id: p.id,
            order_id: p.order_id,
            tokens: p.tokens,
            remaining: p.remaining,
            expires_at: p.expires_at,
            last_day: last_valid_day(p.expires_at, customer.time_zone),
        })
        .collect();
    Ok((summary, expiring))
}

async fn token_events(portal: &Portal, customer: &Customer, query: &UsageQuery) -> Result<Vec<TokenEvent>> {
    let tz = customer.time_zone;
    let since = start_of_day(query.from, tz);
    let until = start_of_day(query.to + Duration::days(1), tz);
    let entries =
        store::entries_between(portal.db.conn(), customer.id, &TOKEN_EVENT_KINDS, since, until, EVENTS_SHOWN)
            .await?;
    Ok(entries
        .into_iter()
        .map(|e| TokenEvent {
            date: e.created_at.with_timezone(&tz).date_naive(),
            at: e.created_at,
            kind: e.kind,
            tokens: e.tokens,
            pack_id: e.pack_id,
            reference: e.reference,
        })
        .collect())
}

fn query_for(portal: &Portal, customer: &Customer, params: UsageParams<'_>) -> Result<UsageQuery> {
    let today = portal.clock.now().with_timezone(&customer.time_zone).date_naive();
    UsageQuery::parse(params, today)
}

async fn report_with(
    portal: &Portal,
    customer: &Customer,
    query: UsageQuery,
    rows: Vec<UsageRow>,
) -> Result<UsageReport> {
    let (balance, expiring_90_days) = balance_and_expiring(portal, customer).await?;
    Ok(UsageReport {
        customer_id: customer.id,
        time_zone: customer.time_zone.name().to_owned(),
        from: query.from,
        to: query.to,
        group_by: query.group_by,
        total: report::total(&rows)?,
        rows,
        balance,
        events: token_events(portal, customer, &query).await?,
        expiring_90_days,
    })
}

/// The customer's usage of a period grouped one way, with its balance, token events and expiring
/// packs.
///
/// # Errors
/// `NotFound` for another partner's customer (before the parameters are looked at); `Validation`
/// naming `from`, `to` or `group_by`.
pub async fn customer_usage(
    portal: &Portal,
    actor: &Actor,
    customer_id: Uuid,
    params: UsageParams<'_>,
) -> Result<UsageReport> {
    let customer = balance::visible_customer(portal, actor, customer_id).await?;
    let query = query_for(portal, &customer, params)?;
    let db = portal.db.conn();
    let rows = match query.group_by {
        GroupBy::Day => {
            report::day_rows(&query, &store::usage_by_day(db, customer.id, query.from, query.to).await?)
        }
        GroupBy::Api | GroupBy::Developer => {
            let pairs = store::usage_by_api_and_developer(db, customer.id, query.from, query.to).await?;
            let key = if query.group_by == GroupBy::Api { report::by_api } else { report::by_developer };
            report::ranked(&pairs, key)?
        }
    };
    report_with(portal, &customer, query, rows).await
}

async fn overview_of(portal: &Portal, customer: &Customer, query: UsageQuery) -> Result<UsageOverview> {
    let db = portal.db.conn();
    let by_day = report::day_rows(&query, &store::usage_by_day(db, customer.id, query.from, query.to).await?);
    let pairs = store::usage_by_api_and_developer(db, customer.id, query.from, query.to).await?;
    let by_api = report::ranked(&pairs, report::by_api)?;
    let by_developer = report::ranked(&pairs, report::by_developer)?;
    let rows = match query.group_by {
        GroupBy::Day => by_day.clone(),
        GroupBy::Api => by_api.clone(),
        GroupBy::Developer => by_developer.clone(),
    };
    let report = report_with(portal, customer, query, rows).await?;
    Ok(UsageOverview { customer_name: customer.company_name.clone(), report, by_day, by_api, by_developer })
}

/// The customer's usage of a period grouped every way, for the usage page.
///
/// # Errors
/// As [`customer_usage`].
pub async fn customer_usage_overview(
    portal: &Portal,
    actor: &Actor,
    customer_id: Uuid,
    params: UsageParams<'_>,
) -> Result<UsageOverview> {
    let customer = balance::visible_customer(portal, actor, customer_id).await?;
    let query = query_for(portal, &customer, params)?;
    overview_of(portal, &customer, query).await
}

/// The last 30 days of usage for the purchaser's read-only balance link.
///
/// # Errors
/// `NotFound` for a link that is malformed, forged or names no customer.
pub async fn usage_by_link(portal: &Portal, token: &str) -> Result<UsageOverview> {
    let customer = balance::customer_by_link(portal, token).await?;
    let query = query_for(portal, &customer, UsageParams::default())?;
    overview_of(portal, &customer, query).await
}
