//! Queries over the account rules by effective date.

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::Error;
use super::entities::account_rule::{self, Entity as AccountRules};
use crate::domain::account_rules::AccountRules as Rules;

pub use account_rule::Model as AccountRuleRow;

/// The rules a stored row holds; a negative length (only a hand edit can make one) is `Unreadable`.
impl TryFrom<AccountRuleRow> for Rules {
    type Error = Error;

    fn try_from(row: AccountRuleRow) -> Result<Self, Error> {
        let days = |column: &'static str, value: i32| {
            u32::try_from(value)
                .map_err(|_| Error::unreadable("account_rules", row.id, column, &value.to_string()))
        };
        Ok(Rules {
            id: row.id,
            effective_from: row.effective_from,
            trial_days: days("trial_days", row.trial_days)?,
            grace_days: days("grace_days", row.grace_days)?,
            deficit_allowed: row.deficit_allowed,
            note: row.note.clone(),
        })
    }
}

/// The rules in force on `day`: the latest that took effect on or before it.
///
/// # Errors
/// Database failures; an unreadable row.
pub async fn in_force_on(db: &impl ConnectionTrait, day: NaiveDate) -> Result<Option<Rules>, Error> {
    let row = AccountRules::find()
        .filter(account_rule::Column::EffectiveFrom.lte(day))
        .order_by_desc(account_rule::Column::EffectiveFrom)
        .one(db)
        .await?;
    row.map(Rules::try_from).transpose()
}

/// Every rule set, oldest first.
///
/// # Errors
/// Database failures; an unreadable row.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<Rules>, Error> {
    let rows = AccountRules::find().order_by_asc(account_rule::Column::EffectiveFrom).all(db).await?;
    rows.into_iter().map(Rules::try_from).collect()
}
