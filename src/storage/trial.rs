//! The end of a customer's free trial, kept on its token account row.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::Error;
use super::entities::customer_account::{self, Entity as Accounts};

/// Sets (or with `None` clears) when the customer's trial ends.
///
/// # Errors
/// Database failures.
pub async fn set_trial_until(
    db: &impl ConnectionTrait,
    customer: Uuid,
    until: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    Accounts::update_many()
        .col_expr(customer_account::Column::TrialUntil, Expr::value(until))
        .col_expr(customer_account::Column::UpdatedAt, Expr::value(now))
        .filter(customer_account::Column::CustomerId.eq(customer))
        .exec(db)
        .await?;
    Ok(())
}
