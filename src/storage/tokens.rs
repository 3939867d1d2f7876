//! Token packs, customer token accounts (`accounts`) and the ledger. Rows are read into [`Pack`],
//! `CustomerAccount` and [`LedgerRecord`] records (a value that does not parse is `Unreadable`,
//! naming the row). A pack's `remaining` and status change only through conditional updates that
//! say whether they happened; ledger entries are only ever inserted.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

mod accounts;

pub use accounts::*;

use super::Error;
use super::entities::ledger_entry::{self, Entity as Ledger};
use super::entities::pack::{self, Entity as Packs};
use crate::domain::balance::{LedgerRecord, NewEntry, Pack};
use crate::domain::tokens::TokenAmount;
use crate::domain::tokens::reconcile::{EntryKind, PackStatus};

impl TryFrom<pack::Model> for Pack {
    type Error = Error;

    fn try_from(row: pack::Model) -> Result<Self, Error> {
        let status = PackStatus::parse(&row.status)
            .ok_or_else(|| Error::unreadable("packs", row.id, "status", &row.status))?;
        Ok(Pack {
            id: row.id,
            partner_id: row.partner_id,
            customer_id: row.customer_id,
            order_id: row.order_id,
            tokens: TokenAmount::from_thousandths(row.tokens),
            remaining: TokenAmount::from_thousandths(row.remaining),
            status,
            purchased_at: row.purchased_at,
            available_at: row.available_at,
            expires_at: row.expires_at,
        })
    }
}

impl TryFrom<ledger_entry::Model> for LedgerRecord {
    type Error = Error;

    fn try_from(row: ledger_entry::Model) -> Result<Self, Error> {
        let kind = EntryKind::parse(&row.kind)
            .ok_or_else(|| Error::unreadable("ledger_entries", row.id, "kind", &row.kind))?;
        Ok(LedgerRecord {
            id: row.id,
            partner_id: row.partner_id,
            customer_id: row.customer_id,
            seq: row.seq,
            pack_id: row.pack_id,
            kind,
            tokens: TokenAmount::from_thousandths(row.tokens),
            reference: row.reference,
            reason: row.reason,
            actor_user_id: row.actor_user_id,
            created_at: row.created_at,
        })
    }
}

fn packs(rows: Vec<pack::Model>) -> Result<Vec<Pack>, Error> {
    rows.into_iter().map(Pack::try_from).collect()
}

fn entries(rows: Vec<ledger_entry::Model>) -> Result<Vec<LedgerRecord>, Error> {
    rows.into_iter().map(LedgerRecord::try_from).collect()
}

// ---- packs ----

/// # Errors
/// The database refused the row (a second pack for one order breaks its unique key).
pub async fn insert_pack(db: &impl ConnectionTrait, p: &Pack) -> Result<(), Error> {
    pack::ActiveModel::from(pack::Model {
        id: p.id,
        partner_id: p.partner_id,
        customer_id: p.customer_id,
        order_id: p.order_id,
        tokens: p.tokens.to_thousandths(),
        remaining: p.remaining.to_thousandths(),
        status: p.status.as_str().to_owned(),
        purchased_at: p.purchased_at,
        available_at: p.available_at,
        expires_at: p.expires_at,
    })
    .insert(db)
    .await?;
    Ok(())
}

/// The pack order `order` bought.
///
/// # Errors
/// Database failures; `Unreadable` for a row no record accepts.
pub async fn pack_of_order(db: &impl ConnectionTrait, order: Uuid) -> Result<Option<Pack>, Error> {
    Packs::find().filter(pack::Column::OrderId.eq(order)).one(db).await?.map(Pack::try_from).transpose()
}

/// Every pack of one customer, the one expiring first first.
///
/// # Errors
/// As [`pack_of_order`].
pub async fn packs_of_customer(db: &impl ConnectionTrait, customer: Uuid) -> Result<Vec<Pack>, Error> {
    packs(
        Packs::find()
            .filter(pack::Column::CustomerId.eq(customer))
            .order_by_asc(pack::Column::ExpiresAt)
            .order_by_asc(pack::Column::PurchasedAt)
            .order_by_asc(pack::Column::Id)
            .all(db)
            .await?,
    )
}

/// Pending → available with what it keeps after offsetting a deficit; false unless it was pending
/// with all its tokens.
///
/// # Errors
/// Database failures.
pub async fn make_available(
    db: &impl ConnectionTrait,
    id: Uuid,
    remaining: TokenAmount,
    at: DateTime<Utc>,
) -> Result<bool, Error> {
    let result = Packs::update_many()
        .col_expr(pack::Column::Status, Expr::value(PackStatus::Available.as_str()))
        .col_expr(pack::Column::Remaining, Expr::value(remaining.to_thousandths()))
        .col_expr(pack::Column::AvailableAt, Expr::value(Some(at)))
        .filter(pack::Column::Id.eq(id))
        .filter(pack::Column::Status.eq(PackStatus::Pending.as_str()))
        .filter(Expr::col(pack::Column::Remaining).eq(Expr::col(pack::Column::Tokens)))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Pending → voided, its tokens gone; false unless it was pending with `remaining` left.
///
/// # Errors
/// Database failures.
pub async fn void(db: &impl ConnectionTrait, id: Uuid, remaining: TokenAmount) -> Result<bool, Error> {
    let result = Packs::update_many()
        .col_expr(pack::Column::Status, Expr::value(PackStatus::Voided.as_str()))
        .col_expr(pack::Column::Remaining, Expr::value(0_i64))
        .filter(pack::Column::Id.eq(id))
        .filter(pack::Column::Status.eq(PackStatus::Pending.as_str()))
        .filter(pack::Column::Remaining.eq(remaining.to_thousandths()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Available → expired with nothing left, only while it still holds exactly `remaining`: two
/// sweeps cannot both expire it, and usage that landed since it was read makes this one lose.
///
/// # Errors
/// Database failures.
pub async fn expire(db: &impl ConnectionTrait, id: Uuid, remaining: TokenAmount) -> Result<bool, Error> {
    let result = Packs::update_many()
        .col_expr(pack::Column::Status, Expr::value(PackStatus::Expired.as_str()))
        .col_expr(pack::Column::Remaining, Expr::value(0_i64))
        .filter(pack::Column::Id.eq(id))
        .filter(pack::Column::Status.eq(PackStatus::Available.as_str()))
        .filter(pack::Column::Remaining.eq(remaining.to_thousandths()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Moves a pack's `remaining` by `change` (negative to take), only while it holds `expected`;
/// false otherwise.
///
/// # Errors
/// Database failures (a result outside 0..=tokens breaks the table's check).
pub async fn change_remaining(
    db: &impl ConnectionTrait,
    id: Uuid,
    expected: TokenAmount,
    change: TokenAmount,
) -> Result<bool, Error> {
    let result = Packs::update_many()
        .col_expr(pack::Column::Remaining, Expr::col(pack::Column::Remaining).add(change.to_thousandths()))
        .filter(pack::Column::Id.eq(id))
        .filter(pack::Column::Remaining.eq(expected.to_thousandths()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Available packs that expired by `now` (with or without tokens left), oldest expiry first.
///
/// # Errors
/// As [`pack_of_order`].
pub async fn expired_by(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Pack>, Error> {
    packs(
        Packs::find()
            .filter(pack::Column::Status.eq(PackStatus::Available.as_str()))
            .filter(pack::Column::ExpiresAt.lte(now))
            .order_by_asc(pack::Column::ExpiresAt)
            .limit(limit)
            .all(db)
            .await?,
    )
}

// ---- accounts ----

/// Appends `new` to the customer's ledger, numbered `first_seq`, `first_seq + 1`, …
///
/// # Errors
/// The database refused a row (a sequence number taken twice breaks the unique key).
pub async fn append(
    db: &impl ConnectionTrait,
    partner: Uuid,
    customer: Uuid,
    first_seq: i64,
    new: &[NewEntry],
    at: DateTime<Utc>,
) -> Result<(), Error> {
    if new.is_empty() {
        return Ok(());
    }
    let rows = new.iter().zip(first_seq..).map(|(entry, seq)| {
        ledger_entry::ActiveModel::from(ledger_entry::Model {
            id: Uuid::new_v4(),
            partner_id: partner,
            customer_id: customer,
            seq,
            pack_id: entry.pack_id,
            kind: entry.kind.as_str().to_owned(),
            tokens: entry.tokens.to_thousandths(),
            reference: entry.reference.clone(),
            reason: entry.reason.clone(),
            actor_user_id: entry.actor_user_id,
            created_at: at,
        })
    });
    Ledger::insert_many(rows).exec_without_returning(db).await?;
    Ok(())
}

/// Every entry of one customer, in order.
///
/// # Errors
/// Database failures; `Unreadable` for a row no record accepts.
pub async fn entries_of_customer(
    db: &impl ConnectionTrait,
    customer: Uuid,
) -> Result<Vec<LedgerRecord>, Error> {
    entries(
        Ledger::find()
            .filter(ledger_entry::Column::CustomerId.eq(customer))
            .order_by_asc(ledger_entry::Column::Seq)
            .all(db)
            .await?,
    )
}

/// The tokens `customer` used after `since`: the sum of its `consumption` and `deficit` entries,
/// as a positive amount, summed by the database over the (customer, kind, time) index.
///
/// # Errors
/// Database failures.
pub async fn used_since(
    db: &impl ConnectionTrait,
    customer: Uuid,
    since: DateTime<Utc>,
) -> Result<TokenAmount, Error> {
    let kinds = [EntryKind::Consumption.as_str(), EntryKind::Deficit.as_str()];
    let total: Option<i64> = Ledger::find()
        .select_only()
        .column_as(Expr::cust("CAST(COALESCE(-SUM(tokens), 0) AS BIGINT)"), "used")
        .filter(ledger_entry::Column::CustomerId.eq(customer))
        .filter(ledger_entry::Column::Kind.is_in(kinds))
        .filter(ledger_entry::Column::CreatedAt.gt(since))
        .into_tuple()
        .one(db)
        .await?;
    Ok(TokenAmount::from_thousandths(total.unwrap_or(0)))
}

/// One page of a customer's entries, newest first, and how many there are.
///
/// # Errors
/// As [`entries_of_customer`].
pub async fn ledger_page(
    db: &impl ConnectionTrait,
    customer: Uuid,
    offset: u64,
    limit: u64,
) -> Result<(Vec<LedgerRecord>, u64), Error> {
    let query = Ledger::find().filter(ledger_entry::Column::CustomerId.eq(customer));
    let total = query.clone().count(db).await?;
    let rows = query.order_by_desc(ledger_entry::Column::Seq).offset(offset).limit(limit).all(db).await?;
    Ok((entries(rows)?, total))
}
