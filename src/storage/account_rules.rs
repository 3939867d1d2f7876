//! Queries over the account rules by effective date.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

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

/// The rule set that starts on `day`, if any.
///
/// # Errors
/// Database failures; an unreadable row.
pub async fn starting_on(db: &impl ConnectionTrait, day: NaiveDate) -> Result<Option<Rules>, Error> {
    let row = AccountRules::find().filter(account_rule::Column::EffectiveFrom.eq(day)).one(db).await?;
    row.map(Rules::try_from).transpose()
}

/// Stores a new rule set.
///
/// # Errors
/// Database failures, among them a unique violation when a set already starts that day; a day
/// count too large to store (`Unstorable`).
pub async fn insert(
    db: &impl ConnectionTrait,
    rules: &Rules,
    created_by: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let days = |column: &'static str, value: u32| {
        i32::try_from(value)
            .map_err(|_| Error::unstorable("account_rules", rules.id, column, &value.to_string()))
    };
    let row = account_rule::ActiveModel {
        id: Set(rules.id),
        effective_from: Set(rules.effective_from),
        trial_days: Set(days("trial_days", rules.trial_days)?),
        grace_days: Set(days("grace_days", rules.grace_days)?),
        deficit_allowed: Set(rules.deficit_allowed),
        note: Set(rules.note.clone()),
        created_by: Set(created_by),
        created_at: Set(now),
    };
    AccountRules::insert(row).exec_without_returning(db).await?;
    Ok(())
}
