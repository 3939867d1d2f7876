//! Usage analytics for one customer: usage of a period by day, API or developer (read from the
//! daily roll-ups, never from the raw events), the balance as a share of the valid tokens bought,
//! the token events of the period and the packs expiring within 90 days. For the reseller (or the
//! operator) and, through the balance link, for the purchaser.

mod low_balance;
mod period;
mod record;
mod report;
pub mod rollup;

pub use low_balance::{DonutColour, LOW_PERCENT, TokensLeft};
pub use period::{DEFAULT_DAYS, GroupBy, MAX_DAYS, UsageParams, UsageQuery};
pub use record::{DailyRollup, DayUsage, KeyUsage};
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
use crate::domain::usage_analytics::rollup::{Dimension, segments};
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
    let today = now.with_timezone(&customer.time_zone).date_naive();
    let (packs, account, rules) = tokio::try_join!(
        async { Ok::<_, Error>(token_store::packs_of_customer(db, customer.id).await?) },
        async { Ok::<_, Error>(token_store::find_account(db, customer.id).await?) },
        crate::domain::account_rules::in_force_on(db, today),
    )?;
    let grace = rules.grace();
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

/// What every report shows beside its rows: the balance, the packs expiring soon and the token
/// events of the period.
struct Context {
    balance: BalanceSummary,
    expiring_90_days: Vec<ExpiringPack>,
    events: Vec<TokenEvent>,
}

async fn context(portal: &Portal, customer: &Customer, query: &UsageQuery) -> Result<Context> {
    let ((balance, expiring_90_days), events) =
        tokio::try_join!(balance_and_expiring(portal, customer), token_events(portal, customer, query))?;
    Ok(Context { balance, expiring_90_days, events })
}

fn report_of(
    customer: &Customer,
    query: UsageQuery,
    rows: Vec<UsageRow>,
    context: Context,
) -> Result<UsageReport> {
    Ok(UsageReport {
        customer_id: customer.id,
        time_zone: customer.time_zone.name().to_owned(),
        from: query.from,
        to: query.to,
        group_by: query.group_by,
        total: report::total(&rows)?,
        rows,
        balance: context.balance,
        events: context.events,
        expiring_90_days: context.expiring_90_days,
    })
}

async fn usage_by_day(portal: &Portal, customer: &Customer, query: &UsageQuery) -> Result<Vec<UsageRow>> {
    let days = store::usage_by_day(portal.db.conn(), customer.id, query.from, query.to).await?;
    Ok(report::day_rows(query, &days))
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
    let rows = async {
        match query.group_by {
            GroupBy::Day => usage_by_day(portal, &customer, &query).await,
            GroupBy::Api => usage_by_key(portal, &customer, Dimension::Api, &query).await,
            GroupBy::Developer => usage_by_key(portal, &customer, Dimension::Developer, &query).await,
        }
    };
    // The reads wait on the database, not on each other.
    let (rows, context) = tokio::try_join!(rows, context(portal, &customer, &query))?;
    report_of(&customer, query, rows, context)
}

/// The period's usage per API or per developer, ranked: whole months read from the monthly
/// roll-ups, the days around them from the daily ones.
async fn usage_by_key(
    portal: &Portal,
    customer: &Customer,
    dimension: Dimension,
    query: &UsageQuery,
) -> Result<Vec<UsageRow>> {
    let mut parts = Vec::new();
    for segment in segments(query.from, query.to) {
        parts.extend(store::usage_by_key(portal.db.conn(), customer.id, dimension, segment).await?);
    }
    report::ranked(&parts)
}

async fn overview_of(portal: &Portal, customer: &Customer, query: UsageQuery) -> Result<UsageOverview> {
    let (by_day, by_api, by_developer, context) = tokio::try_join!(
        usage_by_day(portal, customer, &query),
        usage_by_key(portal, customer, Dimension::Api, &query),
        usage_by_key(portal, customer, Dimension::Developer, &query),
        context(portal, customer, &query),
    )?;
    let rows = match query.group_by {
        GroupBy::Day => by_day.clone(),
        GroupBy::Api => by_api.clone(),
        GroupBy::Developer => by_developer.clone(),
    };
    let report = report_of(customer, query, rows, context)?;
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
