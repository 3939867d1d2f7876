//! Customer token accounts: the row each customer's balance work locks, its deficit, and the
//! overdue accounts the sweep suspends.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use super::super::Error;
use super::super::entities::customer_account::{self, Entity as Accounts};
use crate::domain::balance::CustomerAccount;
use crate::domain::tokens::TokenAmount;

impl From<customer_account::Model> for CustomerAccount {
    fn from(row: customer_account::Model) -> Self {
        CustomerAccount {
            customer_id: row.customer_id,
            partner_id: row.partner_id,
            deficit: TokenAmount::from_thousandths(row.deficit),
            deficit_since: row.deficit_since,
            trial_until: row.trial_until,
            suspended_at: row.suspended_at,
            version: row.version,
            updated_at: row.updated_at,
        }
    }
}

/// The customer's account, created (empty) if it has none.
///
/// # Errors
/// Database failures.
pub async fn ensure_account(
    db: &impl ConnectionTrait,
    partner: Uuid,
    customer: Uuid,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let row = customer_account::ActiveModel {
        customer_id: Set(customer),
        partner_id: Set(partner),
        deficit: Set(0),
        deficit_since: Set(None),
        trial_until: Set(None),
        suspended_at: Set(None),
        version: Set(0),
        updated_at: Set(now),
    };
    Accounts::insert(row)
        .on_conflict(OnConflict::column(customer_account::Column::CustomerId).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Bumps the customer's account version by `entries` (taking its row lock until commit on
/// PostgreSQL) and returns the account as it now stands: its entries take the sequence numbers
/// `version − entries + 1 ..= version`.
///
/// # Errors
/// Database failures; `RecordNotFound` when the customer has no account.
pub async fn lock_account(
    db: &impl ConnectionTrait,
    customer: Uuid,
    entries: i64,
    now: DateTime<Utc>,
) -> Result<CustomerAccount, Error> {
    Accounts::update_many()
        .col_expr(
            customer_account::Column::Version,
            Expr::col(customer_account::Column::Version).add(entries),
        )
        .col_expr(customer_account::Column::UpdatedAt, Expr::value(now))
        .filter(customer_account::Column::CustomerId.eq(customer))
        .exec(db)
        .await?;
    find_account(db, customer)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("customer account {customer}")).into())
}

/// # Errors
/// Database failures.
pub async fn find_account(
    db: &impl ConnectionTrait,
    customer: Uuid,
) -> Result<Option<CustomerAccount>, Error> {
    Ok(Accounts::find_by_id(customer).one(db).await?.map(CustomerAccount::from))
}

/// Every account, for reconciling them all.
///
/// # Errors
/// Database failures.
pub async fn all_accounts(db: &impl ConnectionTrait) -> Result<Vec<CustomerAccount>, Error> {
    Ok(Accounts::find()
        .order_by_asc(customer_account::Column::CustomerId)
        .all(db)
        .await?
        .into_iter()
        .map(CustomerAccount::from)
        .collect())
}

/// Sets the customer's deficit and when it began, only while it is `expected`; false otherwise.
/// A deficit settled to zero lifts a suspension.
///
/// # Errors
/// Database failures (a negative deficit breaks the table's check).
pub async fn set_deficit(
    db: &impl ConnectionTrait,
    customer: Uuid,
    expected: TokenAmount,
    deficit: TokenAmount,
    since: Option<DateTime<Utc>>,
) -> Result<bool, Error> {
    let mut update = Accounts::update_many()
        .col_expr(customer_account::Column::Deficit, Expr::value(deficit.to_thousandths()))
        .col_expr(customer_account::Column::DeficitSince, Expr::value(since));
    if deficit.is_zero() {
        update = update.col_expr(customer_account::Column::SuspendedAt, Expr::value(None::<DateTime<Utc>>));
    }
    let result = update
        .filter(customer_account::Column::CustomerId.eq(customer))
        .filter(customer_account::Column::Deficit.eq(expected.to_thousandths()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Owing tokens since `began_by` or earlier, and not suspended yet.
fn overdue_unsuspended_since(began_by: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(customer_account::Column::Deficit.gt(0))
        .add(customer_account::Column::SuspendedAt.is_null())
        .add(customer_account::Column::DeficitSince.lte(began_by))
}

/// Accounts owing tokens since `began_by` or earlier and not suspended yet.
///
/// # Errors
/// Database failures.
pub async fn overdue_unsuspended(
    db: &impl ConnectionTrait,
    began_by: DateTime<Utc>,
) -> Result<Vec<CustomerAccount>, Error> {
    let rows = Accounts::find().filter(overdue_unsuspended_since(began_by)).all(db).await?;
    Ok(rows.into_iter().map(CustomerAccount::from).collect())
}

/// Suspends `customer`'s account if it still owes tokens since `began_by` or earlier and is not
/// suspended yet. Conditional, so a second run (or another instance) changes nothing.
///
/// # Errors
/// Database failures.
pub async fn suspend_if_overdue(
    db: &impl ConnectionTrait,
    customer: Uuid,
    began_by: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, Error> {
    let result = Accounts::update_many()
        .col_expr(customer_account::Column::SuspendedAt, Expr::value(Some(now)))
        .filter(customer_account::Column::CustomerId.eq(customer))
        .filter(overdue_unsuspended_since(began_by))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

// ---- ledger ----
