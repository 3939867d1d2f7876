//! What usage analytics read: sums over the roll-ups (`usage_rollups`, never the raw events), the
//! token events of a period from the ledger; the roll-up rows ingestion adds to; and, for fixtures
//! and benchmarks, finest roll-up rows written directly.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Expr, Func, IntoColumnRef, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::Error;
use super::entities::ledger_entry::{self, Entity as Ledger};
use super::entities::usage_daily::{self, Entity as UsageDaily};
use super::entities::usage_rollup::{self, Entity as Rollups};
use crate::domain::balance::LedgerRecord;
use crate::domain::tokens::TokenAmount;
use crate::domain::tokens::reconcile::EntryKind;
use crate::domain::usage_analytics::rollup::{self, Dimension, Fine, Grain, Rollup, Segment};
use crate::domain::usage_analytics::{DailyRollup, DayUsage, KeyUsage};

/// Roll-up rows per statement: eight parameters each, far below either driver's limit.
const ROWS_PER_STATEMENT: usize = 1000;

/// `SUM(column)` as a 64-bit integer: PostgreSQL sums `BIGINT` into `NUMERIC` otherwise.
fn sum_of(column: impl IntoColumnRef) -> Expr {
    Func::cast_as(Func::sum(Expr::col(column)), Alias::new("BIGINT")).into()
}

/// Usage per day from `from` to `to` (both included), days without usage left out, earliest first:
/// one row a day.
///
/// # Errors
/// Database failures.
pub async fn usage_by_day(
    db: &impl ConnectionTrait,
    customer: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<DayUsage>, Error> {
    let rows: Vec<(NaiveDate, i64, i64)> = day_totals(customer)
        .filter(usage_rollup::Column::Period.between(from, to))
        .order_by_asc(usage_rollup::Column::Period)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(day, tokens, events)| DayUsage { day, tokens: TokenAmount::from_thousandths(tokens), events })
        .collect())
}

/// The customer's day-total rows: day, token thousandths, events.
fn day_totals(customer: Uuid) -> sea_orm::Select<Rollups> {
    Rollups::find()
        .select_only()
        .column(usage_rollup::Column::Period)
        .column(usage_rollup::Column::Tokens)
        .column(usage_rollup::Column::Events)
        .filter(usage_rollup::Column::CustomerId.eq(customer))
        .filter(usage_rollup::Column::Dimension.eq(Dimension::Total.as_str()))
        .filter(usage_rollup::Column::Grain.eq(Grain::Day.as_str()))
}

/// Usage per API or per developer (`dimension`) over one stretch of a period, in no particular
/// order.
///
/// # Errors
/// Database failures.
pub async fn usage_by_key(
    db: &impl ConnectionTrait,
    customer: Uuid,
    dimension: Dimension,
    segment: Segment,
) -> Result<Vec<KeyUsage>, Error> {
    let rows: Vec<(String, i64, i64)> = Rollups::find()
        .select_only()
        .column(usage_rollup::Column::GroupKey)
        .expr(sum_of(usage_rollup::Column::Tokens))
        .expr(sum_of(usage_rollup::Column::Events))
        .filter(usage_rollup::Column::CustomerId.eq(customer))
        .filter(usage_rollup::Column::Dimension.eq(dimension.as_str()))
        .filter(usage_rollup::Column::Grain.eq(segment.grain.as_str()))
        .filter(usage_rollup::Column::Period.between(segment.from, segment.to))
        .group_by(usage_rollup::Column::GroupKey)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(key, tokens, events)| KeyUsage { key, tokens: TokenAmount::from_thousandths(tokens), events })
        .collect())
}

/// Adds `rows` to the customer's roll-ups: a new row per dimension, grain, period and key, or the
/// sums added to the row there is. `rows` must name each of those once.
///
/// # Errors
/// Database failures.
pub async fn add_rollups(
    db: &impl ConnectionTrait,
    partner: Uuid,
    customer: Uuid,
    rows: &[Rollup],
) -> Result<(), Error> {
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let models = chunk.iter().map(|r| usage_rollup::ActiveModel {
            customer_id: Set(customer),
            dimension: Set(r.dimension.as_str().to_owned()),
            grain: Set(r.grain.as_str().to_owned()),
            period: Set(r.period),
            group_key: Set(r.key.clone()),
            partner_id: Set(partner),
            tokens: Set(r.tokens.to_thousandths()),
            events: Set(r.events),
        });
        let add = |column: usage_rollup::Column, name: &str| {
            Expr::col((Rollups, column)).add(Expr::cust(format!("excluded.{name}")))
        };
        let on_conflict = OnConflict::columns([
            usage_rollup::Column::CustomerId,
            usage_rollup::Column::Dimension,
            usage_rollup::Column::Grain,
            usage_rollup::Column::Period,
            usage_rollup::Column::GroupKey,
        ])
        .value(usage_rollup::Column::Tokens, add(usage_rollup::Column::Tokens, "tokens"))
        .value(usage_rollup::Column::Events, add(usage_rollup::Column::Events, "events"))
        .to_owned();
        Rollups::insert_many(models).on_conflict(on_conflict).exec_without_returning(db).await?;
    }
    Ok(())
}

/// A customer's roll-ups summed for reconciliation (by aggregate queries, no scan into memory).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RollupTotals {
    /// Per (dimension, grain, key) over all periods: Σ tokens (thousandths) and Σ events.
    pub by_kind_and_key: HashMap<(String, String, String), (i64, i64)>,
    /// Per day: the day's total row.
    pub day_totals: HashMap<NaiveDate, (i64, i64)>,
    /// Per day: Σ of the finest roll-up (`usage_daily`).
    pub finest_by_day: HashMap<NaiveDate, (i64, i64)>,
}

/// # Errors
/// Database failures.
pub async fn rollup_totals(db: &impl ConnectionTrait, customer: Uuid) -> Result<RollupTotals, Error> {
    let kinds: Vec<(String, String, String, i64, i64)> = Rollups::find()
        .select_only()
        .column(usage_rollup::Column::Dimension)
        .column(usage_rollup::Column::Grain)
        .column(usage_rollup::Column::GroupKey)
        .expr(sum_of(usage_rollup::Column::Tokens))
        .expr(sum_of(usage_rollup::Column::Events))
        .filter(usage_rollup::Column::CustomerId.eq(customer))
        .group_by(usage_rollup::Column::Dimension)
        .group_by(usage_rollup::Column::Grain)
        .group_by(usage_rollup::Column::GroupKey)
        .into_tuple()
        .all(db)
        .await?;
    let days: Vec<(NaiveDate, i64, i64)> = day_totals(customer).into_tuple().all(db).await?;
    let finest: Vec<(NaiveDate, i64, i64)> = UsageDaily::find()
        .select_only()
        .column(usage_daily::Column::Day)
        .expr(sum_of(usage_daily::Column::Tokens))
        .expr(sum_of(usage_daily::Column::Events))
        .filter(usage_daily::Column::CustomerId.eq(customer))
        .group_by(usage_daily::Column::Day)
        .into_tuple()
        .all(db)
        .await?;
    Ok(RollupTotals {
        by_kind_and_key: kinds.into_iter().map(|(d, g, k, t, e)| ((d, g, k), (t, e))).collect(),
        day_totals: days.into_iter().map(|(d, t, e)| (d, (t, e))).collect(),
        finest_by_day: finest.into_iter().map(|(d, t, e)| (d, (t, e))).collect(),
    })
}

/// The customer's ledger entries of `kinds` written in `[since, until)`, newest first, at most
/// `limit` of them.
///
/// # Errors
/// Database failures; `Unreadable` for a row no record accepts.
pub async fn entries_between(
    db: &impl ConnectionTrait,
    customer: Uuid,
    kinds: &[EntryKind],
    since: DateTime<Utc>,
    until: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<LedgerRecord>, Error> {
    Ledger::find()
        .filter(ledger_entry::Column::CustomerId.eq(customer))
        .filter(ledger_entry::Column::Kind.is_in(kinds.iter().map(|k| k.as_str())))
        .filter(ledger_entry::Column::CreatedAt.gte(since))
        .filter(ledger_entry::Column::CreatedAt.lt(until))
        .order_by_desc(ledger_entry::Column::Seq)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(LedgerRecord::try_from)
        .collect()
}

/// Writes finest roll-up rows as they are, and the coarser roll-ups they add up to (for fixtures
/// and benchmarks; usage ingestion keeps its own), in chunks the drivers' parameter limits allow.
///
/// # Errors
/// Database failures (a row twice breaks the primary key).
pub async fn insert_rollups(db: &impl ConnectionTrait, rows: &[DailyRollup]) -> Result<(), Error> {
    for chunk in rows.chunks(1000) {
        let models = chunk.iter().map(|r| {
            usage_daily::ActiveModel::from(usage_daily::Model {
                customer_id: r.customer_id,
                day: r.day,
                api: r.api.clone(),
                autodesk_id: r.autodesk_id.clone(),
                partner_id: r.partner_id,
                tokens: r.tokens.to_thousandths(),
                events: r.events,
            })
        });
        UsageDaily::insert_many(models).exec_without_returning(db).await?;
    }
    let mut customers: BTreeMap<(Uuid, Uuid), Vec<Fine<'_>>> = BTreeMap::new();
    for r in rows {
        customers.entry((r.partner_id, r.customer_id)).or_default().push(Fine {
            day: r.day,
            api: &r.api,
            autodesk_id: &r.autodesk_id,
            tokens: r.tokens,
            events: r.events,
        });
    }
    for ((partner, customer), fine) in customers {
        let coarser = rollup::rollups(fine).map_err(|e| Error::Unstorable {
            table: "usage_rollups",
            id: customer,
            column: "tokens",
            value: e.to_string(),
        })?;
        add_rollups(db, partner, customer, &coarser).await?;
    }
    Ok(())
}
