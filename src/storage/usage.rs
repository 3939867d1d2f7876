//! Usage events, their daily roll-ups and the warnings sent once per developer and month. Events
//! and roll-ups are written a batch at a time (multi-row statements); the roll-up adds to what a
//! day already holds. Packs are drawn on only by conditional updates that say whether they happened.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QuerySelect, Set};
use uuid::Uuid;

use super::Error;
use super::entities::assignment::{self, Entity as Assignments};
use super::entities::ledger_entry::{self, Entity as Ledger};
use super::entities::pack::{self, Entity as Packs};
use super::entities::usage_cap_warning::{self, Entity as CapWarnings};
use super::entities::usage_daily::{self, Entity as Daily};
use super::entities::usage_event::{self, Entity as Events};
use crate::domain::tokens::TokenAmount;
use crate::domain::tokens::drawdown::AvailablePack;
use crate::domain::tokens::reconcile::{EntryKind, PackStatus};

mod existing;
pub use existing::existing_ids;

/// Rows per multi-row statement: 14 columns × 500 stays far below SQLite's and PostgreSQL's limits
/// on bound parameters.
const ROWS_PER_STATEMENT: usize = 500;

/// `CAST(SUM(column) AS BIGINT)`: PostgreSQL sums big integers as `numeric`.
fn total(column: impl sea_orm::sea_query::IntoColumnRef) -> Expr {
    Expr::col(column).sum().cast_as(sea_orm::sea_query::Alias::new("BIGINT"))
}

/// One usage event as it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    pub customer_id: Uuid,
    pub partner_id: Uuid,
    pub event_id: String,
    pub occurred_at: DateTime<Utc>,
    pub autodesk_id: String,
    pub app: Option<String>,
    pub api: String,
    pub units_thousandths: Option<i64>,
    pub tokens: TokenAmount,
    pub charged: TokenAmount,
    pub uncharged: TokenAmount,
    pub over_cap: bool,
    pub batch_id: Uuid,
    pub received_at: DateTime<Utc>,
}

/// What one day, API and developer add to the roll-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailyAddition {
    pub day: NaiveDate,
    pub api: String,
    pub autodesk_id: String,
    pub tokens: TokenAmount,
    pub events: i64,
}

/// The customer's developers among `autodesk_ids` whose assignment is `active`, with their monthly
/// cap in thousandths (none when uncapped).
///
/// # Errors
/// Database failures.
pub async fn active_developers(
    db: &impl ConnectionTrait,
    customer: Uuid,
    autodesk_ids: &[&str],
) -> Result<HashMap<String, Option<TokenAmount>>, Error> {
    let mut found = HashMap::new();
    for chunk in autodesk_ids.chunks(ROWS_PER_STATEMENT) {
        let rows: Vec<(String, Option<i64>)> = Assignments::find()
            .select_only()
            .column(assignment::Column::AutodeskId)
            .column(assignment::Column::TokenCap)
            .filter(assignment::Column::CustomerId.eq(customer))
            .filter(assignment::Column::Status.eq("active"))
            .filter(assignment::Column::AutodeskId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        found.extend(rows.into_iter().map(|(id, cap)| (id, cap.map(TokenAmount::from_thousandths))));
    }
    Ok(found)
}

/// The customer's packs that can be drawn on (status `available`, tokens left), for drawdown.
///
/// # Errors
/// Database failures.
pub async fn drawable_packs(db: &impl ConnectionTrait, customer: Uuid) -> Result<Vec<AvailablePack>, Error> {
    let rows = Packs::find()
        .filter(pack::Column::CustomerId.eq(customer))
        .filter(pack::Column::Status.eq(PackStatus::Available.as_str()))
        .filter(pack::Column::Remaining.gt(0))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| AvailablePack {
            id: row.id,
            tokens: TokenAmount::from_thousandths(row.tokens),
            remaining: TokenAmount::from_thousandths(row.remaining),
            purchased_at: row.purchased_at,
            expires_at: row.expires_at,
        })
        .collect())
}

/// `remaining = remaining − take` on an available pack holding at least `take`; false otherwise.
///
/// # Errors
/// Database failures.
pub async fn take_from_pack(db: &impl ConnectionTrait, id: Uuid, take: TokenAmount) -> Result<bool, Error> {
    let take = take.to_thousandths();
    let result = Packs::update_many()
        .col_expr(pack::Column::Remaining, Expr::col(pack::Column::Remaining).sub(take))
        .filter(pack::Column::Id.eq(id))
        .filter(pack::Column::Status.eq(PackStatus::Available.as_str()))
        .filter(pack::Column::Remaining.gte(take))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Inserts the events, several rows per statement.
///
/// # Errors
/// The database refused a row (an event id stored twice breaks the primary key).
pub async fn insert_events(db: &impl ConnectionTrait, events: &[StoredEvent]) -> Result<(), Error> {
    for chunk in events.chunks(ROWS_PER_STATEMENT) {
        let rows = chunk.iter().map(|e| usage_event::ActiveModel {
            customer_id: Set(e.customer_id),
            event_id: Set(e.event_id.clone()),
            partner_id: Set(e.partner_id),
            occurred_at: Set(e.occurred_at),
            autodesk_id: Set(e.autodesk_id.clone()),
            app: Set(e.app.clone()),
            api: Set(e.api.clone()),
            units_thousandths: Set(e.units_thousandths),
            tokens: Set(e.tokens.to_thousandths()),
            charged: Set(e.charged.to_thousandths()),
            uncharged: Set(e.uncharged.to_thousandths()),
            over_cap: Set(e.over_cap),
            batch_id: Set(e.batch_id),
            received_at: Set(e.received_at),
        });
        Events::insert_many(rows).exec_without_returning(db).await?;
    }
    Ok(())
}

/// Adds to the daily roll-up: a new row per day, API and developer, or the sums added to the row
/// there is. `additions` must name each key once.
///
/// # Errors
/// Database failures.
pub async fn add_to_daily(
    db: &impl ConnectionTrait,
    partner: Uuid,
    customer: Uuid,
    additions: &[DailyAddition],
) -> Result<(), Error> {
    for chunk in additions.chunks(ROWS_PER_STATEMENT) {
        let rows = chunk.iter().map(|a| usage_daily::ActiveModel {
            customer_id: Set(customer),
            day: Set(a.day),
            api: Set(a.api.clone()),
            autodesk_id: Set(a.autodesk_id.clone()),
            partner_id: Set(partner),
            tokens: Set(a.tokens.to_thousandths()),
            events: Set(a.events),
        });
        let add = |column: usage_daily::Column, name: &str| {
            Expr::col((Daily, column)).add(Expr::cust(format!("excluded.{name}")))
        };
        let on_conflict = OnConflict::columns([
            usage_daily::Column::CustomerId,
            usage_daily::Column::Day,
            usage_daily::Column::Api,
            usage_daily::Column::AutodeskId,
        ])
        .value(usage_daily::Column::Tokens, add(usage_daily::Column::Tokens, "tokens"))
        .value(usage_daily::Column::Events, add(usage_daily::Column::Events, "events"))
        .to_owned();
        Daily::insert_many(rows).on_conflict(on_conflict).exec_without_returning(db).await?;
    }
    Ok(())
}

/// What a developer used for the customer from `first` to `last` (inclusive), from the roll-up.
///
/// # Errors
/// Database failures.
pub async fn used_between(
    db: &impl ConnectionTrait,
    customer: Uuid,
    autodesk_id: &str,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<TokenAmount, Error> {
    let total: Option<Option<i64>> = Daily::find()
        .select_only()
        .column_as(total(usage_daily::Column::Tokens), "total")
        .filter(usage_daily::Column::CustomerId.eq(customer))
        .filter(usage_daily::Column::AutodeskId.eq(autodesk_id))
        .filter(usage_daily::Column::Day.between(first, last))
        .into_tuple()
        .one(db)
        .await?;
    Ok(TokenAmount::from_thousandths(total.flatten().unwrap_or(0)))
}

/// Records that the reseller was warned about `autodesk_id` in `month`; false when it was already.
///
/// # Errors
/// Database failures.
pub async fn record_cap_warning(
    db: &impl ConnectionTrait,
    customer: Uuid,
    autodesk_id: &str,
    month: &str,
    now: DateTime<Utc>,
) -> Result<bool, Error> {
    let row = usage_cap_warning::ActiveModel {
        customer_id: Set(customer),
        autodesk_id: Set(autodesk_id.to_owned()),
        month: Set(month.to_owned()),
        sent_at: Set(now),
    };
    let result = CapWarnings::insert(row)
        .on_conflict(
            OnConflict::columns([
                usage_cap_warning::Column::CustomerId,
                usage_cap_warning::Column::AutodeskId,
                usage_cap_warning::Column::Month,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(result == 1)
}

/// Sums for reconciling one customer's usage: events, roll-ups and the usage ledger entries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UsageTotals {
    /// Per (API, developer): Σ tokens and the number of events, from the events.
    pub events_by_key: HashMap<(String, String), (i64, i64)>,
    /// The same from the daily roll-up.
    pub daily_by_key: HashMap<(String, String), (i64, i64)>,
    pub charged: i64,
    pub uncharged: i64,
    /// Events whose parts do not add up to their tokens (never, while the table's check holds).
    pub split_wrong: Option<String>,
    /// Σ of `consumption` and of `deficit` ledger entries (negative).
    pub consumption_entries: i64,
    pub deficit_entries: i64,
}

#[derive(FromQueryResult)]
struct KeySums {
    api: String,
    autodesk_id: String,
    tokens: Option<i64>,
    events: Option<i64>,
}

#[derive(FromQueryResult)]
struct Parts {
    charged: Option<i64>,
    uncharged: Option<i64>,
}

/// Reads the sums reconciliation compares, by aggregate queries (no scan into memory).
///
/// # Errors
/// Database failures.
pub async fn totals(db: &impl ConnectionTrait, customer: Uuid) -> Result<UsageTotals, Error> {
    let by_key = |rows: Vec<KeySums>| {
        rows.into_iter()
            .map(|r| ((r.api, r.autodesk_id), (r.tokens.unwrap_or(0), r.events.unwrap_or(0))))
            .collect::<HashMap<_, _>>()
    };
    let events = Events::find()
        .select_only()
        .column(usage_event::Column::Api)
        .column(usage_event::Column::AutodeskId)
        .column_as(total(usage_event::Column::Tokens), "tokens")
        .column_as(usage_event::Column::EventId.count(), "events")
        .filter(usage_event::Column::CustomerId.eq(customer))
        .group_by(usage_event::Column::Api)
        .group_by(usage_event::Column::AutodeskId)
        .into_model::<KeySums>()
        .all(db)
        .await?;
    let daily = Daily::find()
        .select_only()
        .column(usage_daily::Column::Api)
        .column(usage_daily::Column::AutodeskId)
        .column_as(total(usage_daily::Column::Tokens), "tokens")
        .column_as(total(usage_daily::Column::Events), "events")
        .filter(usage_daily::Column::CustomerId.eq(customer))
        .group_by(usage_daily::Column::Api)
        .group_by(usage_daily::Column::AutodeskId)
        .into_model::<KeySums>()
        .all(db)
        .await?;
    let parts = Events::find()
        .select_only()
        .column_as(total(usage_event::Column::Charged), "charged")
        .column_as(total(usage_event::Column::Uncharged), "uncharged")
        .filter(usage_event::Column::CustomerId.eq(customer))
        .into_model::<Parts>()
        .one(db)
        .await?;
    let split_wrong: Option<String> = Events::find()
        .select_only()
        .column(usage_event::Column::EventId)
        .filter(usage_event::Column::CustomerId.eq(customer))
        .filter(
            Expr::col(usage_event::Column::Charged)
                .add(Expr::col(usage_event::Column::Uncharged))
                .ne(Expr::col(usage_event::Column::Tokens)),
        )
        .into_tuple()
        .one(db)
        .await?;
    let entry_sum = |kind: EntryKind| {
        Ledger::find()
            .select_only()
            .column_as(total(ledger_entry::Column::Tokens), "total")
            .filter(ledger_entry::Column::CustomerId.eq(customer))
            .filter(ledger_entry::Column::Kind.eq(kind.as_str()))
            .into_tuple::<Option<i64>>()
            .one(db)
    };
    let consumption = entry_sum(EntryKind::Consumption).await?.flatten().unwrap_or(0);
    let deficit = entry_sum(EntryKind::Deficit).await?.flatten().unwrap_or(0);
    Ok(UsageTotals {
        events_by_key: by_key(events),
        daily_by_key: by_key(daily),
        charged: parts.as_ref().and_then(|p| p.charged).unwrap_or(0),
        uncharged: parts.as_ref().and_then(|p| p.uncharged).unwrap_or(0),
        split_wrong,
        consumption_entries: consumption,
        deficit_entries: deficit,
    })
}
