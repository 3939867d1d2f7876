//! Queries over the token rate table.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter,
    QueryOrder,
};
use uuid::Uuid;

use super::Error;
use super::entities::token_rate::{self, Entity as TokenRates};
use crate::domain::error::Localized;
use crate::domain::estimator::{ApiCode, MAX_PER_UNITS, Rate, TokenRate};
use crate::domain::price_book::EffectivePeriod;
use crate::domain::tokens::TokenAmount;

pub use token_rate::Model as TokenRateRow;

/// The exact rate a stored row holds; an API code, amount or unit count the portal would not accept
/// (only a hand edit can store one) is `Unreadable`.
impl TryFrom<TokenRateRow> for TokenRate {
    type Error = Error;

    fn try_from(row: TokenRateRow) -> Result<Self, Error> {
        let api = ApiCode::parse("api", &row.api)
            .map_err(|_| Error::unreadable("token_rates", row.id, "api", &row.api))?;
        if row.tokens_thousandths <= 0 {
            let value = row.tokens_thousandths.to_string();
            return Err(Error::unreadable("token_rates", row.id, "tokens_thousandths", &value));
        }
        let per_units =
            u64::try_from(row.per_units).ok().filter(|n| (1..=MAX_PER_UNITS).contains(n)).ok_or_else(
                || Error::unreadable("token_rates", row.id, "per_units", &row.per_units.to_string()),
            )?;
        Ok(TokenRate {
            id: row.id,
            api,
            name: Localized::new(row.name_en, row.name_ja),
            unit: Localized::new(row.unit_en, row.unit_ja),
            rate: Rate { tokens: TokenAmount::from_thousandths(row.tokens_thousandths), per_units },
            period: EffectivePeriod { from: row.effective_from, to: row.effective_to },
            historical: row.historical,
        })
    }
}

fn records(rows: Vec<TokenRateRow>) -> Result<Vec<TokenRate>, Error> {
    rows.into_iter().map(TokenRate::try_from).collect()
}

/// The rates in force on `day`, by API code.
///
/// # Errors
/// Database failures; `Unreadable` for a row no record accepts.
pub async fn in_force_on(db: &impl ConnectionTrait, day: NaiveDate) -> Result<Vec<TokenRate>, Error> {
    let rows = TokenRates::find()
        .filter(token_rate::Column::EffectiveFrom.lte(day))
        .filter(
            Condition::any()
                .add(token_rate::Column::EffectiveTo.is_null())
                .add(token_rate::Column::EffectiveTo.gte(day)),
        )
        .order_by_asc(token_rate::Column::Api)
        .order_by_desc(token_rate::Column::EffectiveFrom)
        .all(db)
        .await?;
    records(rows)
}

/// Every rate, or those of one API, by API and then first day.
///
/// # Errors
/// Database failures; `Unreadable` for a row no record accepts.
pub async fn find(db: &impl ConnectionTrait, api: Option<&str>) -> Result<Vec<TokenRate>, Error> {
    let mut query = TokenRates::find();
    if let Some(api) = api {
        query = query.filter(token_rate::Column::Api.eq(api));
    }
    let rows = query
        .order_by_asc(token_rate::Column::Api)
        .order_by_asc(token_rate::Column::EffectiveFrom)
        .all(db)
        .await?;
    records(rows)
}

/// Adds a rate, written by `created_by` at `created_at`.
///
/// # Errors
/// The database refused the row; `Unstorable` for a unit count beyond the column.
pub async fn insert(
    db: &impl ConnectionTrait,
    record: &TokenRate,
    created_by: Option<Uuid>,
    created_at: DateTime<Utc>,
) -> Result<(), Error> {
    let per_units = i64::try_from(record.rate.per_units).map_err(|_| {
        Error::unstorable("token_rates", record.id, "per_units", &record.rate.per_units.to_string())
    })?;
    let row = TokenRateRow {
        id: record.id,
        api: record.api.as_str().to_owned(),
        name_en: record.name.en.to_string(),
        name_ja: record.name.ja.to_string(),
        unit_en: record.unit.en.to_string(),
        unit_ja: record.unit.ja.to_string(),
        tokens_thousandths: record.rate.tokens.to_thousandths(),
        per_units,
        effective_from: record.period.from,
        effective_to: record.period.to,
        historical: record.historical,
        created_by,
        created_at,
    };
    token_rate::ActiveModel::from(row).insert(db).await?;
    Ok(())
}

/// Sets the last day a rate is in force; nothing else about a rate ever changes.
///
/// # Errors
/// Database failures.
pub async fn set_effective_to(db: &impl ConnectionTrait, id: Uuid, to: NaiveDate) -> Result<(), DbErr> {
    TokenRates::update_many()
        .col_expr(token_rate::Column::EffectiveTo, Expr::value(to))
        .filter(token_rate::Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Serialises writers of the rate table until the transaction ends, so two new rates of one API
/// cannot both end the same predecessor. SQLite already queues every writer behind one lock.
///
/// # Errors
/// Database failures.
pub async fn lock_for_change(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    db.execute_unprepared("LOCK TABLE token_rates IN SHARE ROW EXCLUSIVE MODE").await.map(|_| ())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn row(api: &str, thousandths: i64, per_units: i64) -> TokenRateRow {
        TokenRateRow {
            id: Uuid::nil(),
            api: api.into(),
            name_en: "Model Derivative".into(),
            name_ja: "モデル変換".into(),
            unit_en: "calls".into(),
            unit_ja: "回".into(),
            tokens_thousandths: thousandths,
            per_units,
            effective_from: NaiveDate::MIN,
            effective_to: None,
            historical: true,
            created_by: None,
            created_at: DateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn stored_rates_become_exact_records() {
        let rate = TokenRate::try_from(row("model_derivative_basic", 1000, 300_000)).unwrap();
        assert_eq!(
            (rate.api.as_str(), rate.rate.tokens.to_string(), rate.rate.per_units),
            ("model_derivative_basic", "1".into(), 300_000)
        );
        assert_eq!(
            (rate.name.ja.as_ref(), rate.unit.en.as_ref(), rate.historical),
            ("モデル変換", "calls", true)
        );
    }

    #[test]
    fn unreadable_rows_are_errors_naming_the_column() {
        let bad = |r| TokenRate::try_from(r).unwrap_err();
        assert!(matches!(bad(row("Model Derivative", 1000, 1)), Error::Unreadable { column: "api", .. }));
        assert!(matches!(bad(row("x_api", 0, 1)), Error::Unreadable { column: "tokens_thousandths", .. }));
        assert!(matches!(bad(row("x_api", 1000, 0)), Error::Unreadable { column: "per_units", .. }));
        assert!(matches!(bad(row("x_api", 1000, -5)), Error::Unreadable { column: "per_units", .. }));
    }
}
