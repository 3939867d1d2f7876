//! What usage analytics read: sums over the daily roll-ups (`usage_daily`, never the raw events),
//! the token events of a period from the ledger; and, for fixtures and benchmarks, roll-up rows
//! written directly.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Expr, Func};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::Error;
use super::entities::ledger_entry::{self, Entity as Ledger};
use super::entities::usage_daily::{self, Entity as UsageDaily};
use crate::domain::balance::LedgerRecord;
use crate::domain::tokens::TokenAmount;
use crate::domain::tokens::reconcile::EntryKind;
use crate::domain::usage_analytics::{ApiDeveloperUsage, DailyRollup, DayUsage};

/// `SUM(column)` as a 64-bit integer: PostgreSQL sums `BIGINT` into `NUMERIC` otherwise.
fn sum_of(column: usage_daily::Column) -> Expr {
    Func::cast_as(Func::sum(Expr::col(column)), Alias::new("BIGINT")).into()
}

/// Usage per day from `from` to `to` (both included), days without usage left out, earliest first.
///
/// # Errors
/// Database failures.
pub async fn usage_by_day(
    db: &impl ConnectionTrait,
    customer: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<DayUsage>, Error> {
    let rows: Vec<(NaiveDate, i64, i64)> = UsageDaily::find()
        .select_only()
        .column(usage_daily::Column::Day)
        .expr(sum_of(usage_daily::Column::Tokens))
        .expr(sum_of(usage_daily::Column::Events))
        .filter(usage_daily::Column::CustomerId.eq(customer))
        .filter(usage_daily::Column::Day.between(from, to))
        .group_by(usage_daily::Column::Day)
        .order_by_asc(usage_daily::Column::Day)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(day, tokens, events)| DayUsage { day, tokens: TokenAmount::from_thousandths(tokens), events })
        .collect())
}

/// Usage per API and developer from `from` to `to` (both included), in no particular order.
///
/// # Errors
/// Database failures.
pub async fn usage_by_api_and_developer(
    db: &impl ConnectionTrait,
    customer: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<ApiDeveloperUsage>, Error> {
    let rows: Vec<(String, String, i64, i64)> = UsageDaily::find()
        .select_only()
        .column(usage_daily::Column::Api)
        .column(usage_daily::Column::AutodeskId)
        .expr(sum_of(usage_daily::Column::Tokens))
        .expr(sum_of(usage_daily::Column::Events))
        .filter(usage_daily::Column::CustomerId.eq(customer))
        .filter(usage_daily::Column::Day.between(from, to))
        .group_by(usage_daily::Column::Api)
        .group_by(usage_daily::Column::AutodeskId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(api, autodesk_id, tokens, events)| ApiDeveloperUsage {
            api,
            autodesk_id,
            tokens: TokenAmount::from_thousandths(tokens),
            events,
        })
        .collect())
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

/// Writes roll-up rows as they are (for fixtures and benchmarks; usage ingestion keeps its own),
/// in chunks the drivers' parameter limits allow.
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
    Ok(())
}
