//! Queries over the price book and tax rules.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, IntoCondition};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter,
    QueryOrder,
};
use uuid::Uuid;

use super::Error;
use super::entities::price_tier::{self, Entity as PriceTiers};
use super::entities::tax_rule::{self, Entity as TaxRules};
use crate::domain::money::{Currency, Rounding};
use crate::domain::price_book::{
    EffectivePeriod, TaxRuleRecord, TierRecord, rate_from_hundredths, rate_to_hundredths, unit_price_from_e4,
    unit_price_to_e4,
};
use crate::domain::pricing::PriceTier;
use crate::domain::tax::TaxRule;

pub use price_tier::Model as PriceTierRow;
pub use tax_rule::Model as TaxRuleRow;

/// The exact tier a stored row holds (`unit_price_e4` 3 705 000 is ¥370.5); a currency or threshold
/// the portal does not know (only a hand edit can cause one) is `Unreadable`.
impl TryFrom<PriceTierRow> for TierRecord {
    type Error = Error;

    fn try_from(row: PriceTierRow) -> Result<Self, Error> {
        let currency = Currency::from_code(&row.currency)
            .ok_or_else(|| Error::unreadable("price_tiers", row.id, "currency", &row.currency))?;
        let min_tokens = u32::try_from(row.min_tokens).map_err(|_| {
            Error::unreadable("price_tiers", row.id, "min_tokens", &row.min_tokens.to_string())
        })?;
        Ok(TierRecord {
            id: row.id,
            tier: PriceTier { currency, min_tokens, unit_price: unit_price_from_e4(row.unit_price_e4) },
            period: EffectivePeriod { from: row.effective_from, to: row.effective_to },
            sample: row.sample,
        })
    }
}

/// The exact rule a stored row holds (`rate_hundredths` 1000 is a rate of 0.1).
impl TryFrom<TaxRuleRow> for TaxRuleRecord {
    type Error = Error;

    fn try_from(row: TaxRuleRow) -> Result<Self, Error> {
        let rounding = Rounding::from_code(&row.rounding)
            .ok_or_else(|| Error::unreadable("tax_rules", row.id, "rounding", &row.rounding))?;
        Ok(TaxRuleRecord {
            id: row.id,
            country: row.country,
            name: row.name,
            rule: TaxRule { rate: rate_from_hundredths(row.rate_hundredths), rounding },
            period: EffectivePeriod { from: row.effective_from, to: row.effective_to },
        })
    }
}

fn tiers(rows: Vec<PriceTierRow>) -> Result<Vec<TierRecord>, Error> {
    rows.into_iter().map(TierRecord::try_from).collect()
}

fn tax_rules(rows: Vec<TaxRuleRow>) -> Result<Vec<TaxRuleRecord>, Error> {
    rows.into_iter().map(TaxRuleRecord::try_from).collect()
}

/// Tiers of `currency` in force on `day`.
pub async fn tiers_on(
    db: &impl ConnectionTrait,
    currency: &str,
    day: NaiveDate,
) -> Result<Vec<TierRecord>, Error> {
    let rows = PriceTiers::find()
        .filter(price_tier::Column::Currency.eq(currency))
        .filter(price_tier::Column::EffectiveFrom.lte(day))
        .filter(
            Condition::any()
                .add(price_tier::Column::EffectiveTo.is_null())
                .add(price_tier::Column::EffectiveTo.gte(day)),
        )
        .order_by_asc(price_tier::Column::MinTokens)
        .all(db)
        .await?;
    tiers(rows)
}

/// The tax rule of `country` in force on `day` (the latest started, if several overlap).
pub async fn tax_rule_on(
    db: &impl ConnectionTrait,
    country: &str,
    day: NaiveDate,
) -> Result<Option<TaxRuleRecord>, Error> {
    let row = TaxRules::find()
        .filter(tax_rule::Column::Country.eq(country))
        .filter(tax_rule::Column::EffectiveFrom.lte(day))
        .filter(
            Condition::any()
                .add(tax_rule::Column::EffectiveTo.is_null())
                .add(tax_rule::Column::EffectiveTo.gte(day)),
        )
        .order_by_desc(tax_rule::Column::EffectiveFrom)
        .one(db)
        .await?;
    row.map(TaxRuleRecord::try_from).transpose()
}

/// # Errors
/// Database failures; `Unreadable` for a row no record accepts.
pub async fn all_tiers(db: &impl ConnectionTrait) -> Result<Vec<TierRecord>, Error> {
    tiers(
        PriceTiers::find()
            .order_by_asc(price_tier::Column::Currency)
            .order_by_asc(price_tier::Column::EffectiveFrom)
            .order_by_asc(price_tier::Column::MinTokens)
            .all(db)
            .await?,
    )
}

/// # Errors
/// Database failures; `Unreadable` for a row no record accepts.
pub async fn all_tax_rules(db: &impl ConnectionTrait) -> Result<Vec<TaxRuleRecord>, Error> {
    tax_rules(
        TaxRules::find()
            .order_by_asc(tax_rule::Column::Country)
            .order_by_asc(tax_rule::Column::EffectiveFrom)
            .all(db)
            .await?,
    )
}

/// Adds a tier, written at `created_at`.
///
/// # Errors
/// The database refused the row; `Unstorable` for a unit price finer than its column holds.
pub async fn insert_tier(
    db: &impl ConnectionTrait,
    record: &TierRecord,
    created_at: DateTime<Utc>,
) -> Result<(), Error> {
    let unit_price_e4 = unit_price_to_e4(record.tier.unit_price).ok_or_else(|| {
        Error::unstorable("price_tiers", record.id, "unit_price_e4", &record.tier.unit_price.to_string())
    })?;
    let row = PriceTierRow {
        id: record.id,
        currency: record.tier.currency.code().to_owned(),
        min_tokens: i64::from(record.tier.min_tokens),
        unit_price_e4,
        effective_from: record.period.from,
        effective_to: record.period.to,
        sample: record.sample,
        created_at,
    };
    price_tier::ActiveModel::from(row).insert(db).await?;
    Ok(())
}

/// Adds a tax rule, written at `created_at`.
///
/// # Errors
/// The database refused the row; `Unstorable` for a rate finer than its column holds.
pub async fn insert_tax_rule(
    db: &impl ConnectionTrait,
    record: &TaxRuleRecord,
    created_at: DateTime<Utc>,
) -> Result<(), Error> {
    let rate_hundredths = rate_to_hundredths(record.rule.rate).ok_or_else(|| {
        Error::unstorable("tax_rules", record.id, "rate_hundredths", &record.rule.rate.to_string())
    })?;
    let row = TaxRuleRow {
        id: record.id,
        country: record.country.clone(),
        name: record.name.clone(),
        rate_hundredths,
        rounding: record.rule.rounding.code().to_owned(),
        effective_from: record.period.from,
        effective_to: record.period.to,
        created_at,
    };
    tax_rule::ActiveModel::from(row).insert(db).await?;
    Ok(())
}

/// # Errors
/// Database failures; `Unreadable` for a row no record accepts.
pub async fn find_tier(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<TierRecord>, Error> {
    PriceTiers::find_by_id(id).one(db).await?.map(TierRecord::try_from).transpose()
}

/// # Errors
/// Database failures; `Unreadable` for a row no record accepts.
pub async fn find_tax_rule(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<TaxRuleRecord>, Error> {
    TaxRules::find_by_id(id).one(db).await?.map(TaxRuleRecord::try_from).transpose()
}

/// Rows whose days `[effective_from, effective_to]` (an open end runs forever) share at least one day
/// with `[from, to]`.
fn overlapping<C: ColumnTrait>(from_col: C, to_col: C, from: NaiveDate, to: Option<NaiveDate>) -> Condition {
    let ends_after_start = Condition::any().add(to_col.is_null()).add(to_col.gte(from));
    let starts_before_end = match to {
        Some(to) => from_col.lte(to).into_condition(),
        None => Condition::all(),
    };
    Condition::all().add(ends_after_start).add(starts_before_end)
}

/// Tiers filtered by currency and by the day they are in force, for the operator's lists.
pub async fn find_tiers(
    db: &impl ConnectionTrait,
    currency: Option<&str>,
    on: Option<NaiveDate>,
) -> Result<Vec<TierRecord>, Error> {
    let mut query = PriceTiers::find();
    if let Some(currency) = currency {
        query = query.filter(price_tier::Column::Currency.eq(currency));
    }
    if let Some(day) = on {
        query = query.filter(overlapping(
            price_tier::Column::EffectiveFrom,
            price_tier::Column::EffectiveTo,
            day,
            Some(day),
        ));
    }
    tiers(
        query
            .order_by_asc(price_tier::Column::Currency)
            .order_by_asc(price_tier::Column::MinTokens)
            .order_by_asc(price_tier::Column::EffectiveFrom)
            .all(db)
            .await?,
    )
}

/// Tax rules filtered by country and by the day they are in force, for the operator's lists.
pub async fn find_tax_rules(
    db: &impl ConnectionTrait,
    country: Option<&str>,
    on: Option<NaiveDate>,
) -> Result<Vec<TaxRuleRecord>, Error> {
    let mut query = TaxRules::find();
    if let Some(country) = country {
        query = query.filter(tax_rule::Column::Country.eq(country));
    }
    if let Some(day) = on {
        query = query.filter(overlapping(
            tax_rule::Column::EffectiveFrom,
            tax_rule::Column::EffectiveTo,
            day,
            Some(day),
        ));
    }
    tax_rules(
        query
            .order_by_asc(tax_rule::Column::Country)
            .order_by_asc(tax_rule::Column::EffectiveFrom)
            .all(db)
            .await?,
    )
}

/// Tiers of the same currency and threshold in force on any day of `[from, to]`, other than `except`.
pub async fn overlapping_tiers(
    db: &impl ConnectionTrait,
    currency: &str,
    min_tokens: i64,
    (from, to): (NaiveDate, Option<NaiveDate>),
    except: Option<Uuid>,
) -> Result<Vec<TierRecord>, Error> {
    let mut query = PriceTiers::find()
        .filter(price_tier::Column::Currency.eq(currency))
        .filter(price_tier::Column::MinTokens.eq(min_tokens))
        .filter(overlapping(price_tier::Column::EffectiveFrom, price_tier::Column::EffectiveTo, from, to));
    if let Some(id) = except {
        query = query.filter(price_tier::Column::Id.ne(id));
    }
    tiers(query.order_by_asc(price_tier::Column::EffectiveFrom).all(db).await?)
}

/// Tax rules of the same country in force on any day of `[from, to]`, other than `except`.
pub async fn overlapping_tax_rules(
    db: &impl ConnectionTrait,
    country: &str,
    (from, to): (NaiveDate, Option<NaiveDate>),
    except: Option<Uuid>,
) -> Result<Vec<TaxRuleRecord>, Error> {
    let mut query = TaxRules::find().filter(tax_rule::Column::Country.eq(country)).filter(overlapping(
        tax_rule::Column::EffectiveFrom,
        tax_rule::Column::EffectiveTo,
        from,
        to,
    ));
    if let Some(id) = except {
        query = query.filter(tax_rule::Column::Id.ne(id));
    }
    tax_rules(query.order_by_asc(tax_rule::Column::EffectiveFrom).all(db).await?)
}

/// Sets the last day a tier is in force; nothing else about a tier ever changes.
pub async fn set_tier_effective_to(db: &impl ConnectionTrait, id: Uuid, to: NaiveDate) -> Result<(), DbErr> {
    PriceTiers::update_many()
        .col_expr(price_tier::Column::EffectiveTo, Expr::value(to))
        .filter(price_tier::Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Sets the last day a tax rule is in force; nothing else about a rule ever changes.
pub async fn set_tax_rule_effective_to(
    db: &impl ConnectionTrait,
    id: Uuid,
    to: NaiveDate,
) -> Result<(), DbErr> {
    TaxRules::update_many()
        .col_expr(tax_rule::Column::EffectiveTo, Expr::value(to))
        .filter(tax_rule::Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Which table a writer is about to check for overlaps and then change.
#[derive(Debug, Clone, Copy)]
pub enum PriceBookTable {
    PriceTiers,
    TaxRules,
}

/// Serialises writers of one table until the transaction ends, so two overlapping definitions cannot
/// both pass their overlap check. PostgreSQL needs the table lock (readers are not blocked by this
/// mode); SQLite already queues every writer behind one lock.
pub async fn lock_for_overlap_check(db: &impl ConnectionTrait, table: PriceBookTable) -> Result<(), DbErr> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    let sql = match table {
        PriceBookTable::PriceTiers => "LOCK TABLE price_tiers IN SHARE ROW EXCLUSIVE MODE",
        PriceBookTable::TaxRules => "LOCK TABLE tax_rules IN SHARE ROW EXCLUSIVE MODE",
    };
    db.execute_unprepared(sql).await.map(|_| ())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn tier_row(currency: &str, min_tokens: i64, e4: i64) -> PriceTierRow {
        PriceTierRow {
            id: Uuid::nil(),
            currency: currency.into(),
            min_tokens,
            unit_price_e4: e4,
            effective_from: NaiveDate::MIN,
            effective_to: None,
            sample: true,
            created_at: DateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn stored_unit_prices_become_exact_decimals() {
        let tier = TierRecord::try_from(tier_row("JPY", 10_000, 3_705_000)).unwrap().tier;
        assert_eq!(
            (tier.currency, tier.min_tokens, tier.unit_price.to_string()),
            (Currency::Jpy, 10_000, "370.5".into())
        );
        let usd = TierRecord::try_from(tier_row("USD", 100, 30_000)).unwrap();
        assert_eq!(usd.tier.unit_price.to_string(), "3");
    }

    #[test]
    fn unreadable_rows_are_errors_naming_the_row_not_guesses() {
        let unknown_currency = TierRecord::try_from(tier_row("EUR", 100, 1)).unwrap_err();
        assert!(unknown_currency.to_string().contains("price_tiers row"), "{unknown_currency}");
        assert!(matches!(unknown_currency, Error::Unreadable { column: "currency", .. }));
        let huge = TierRecord::try_from(tier_row("JPY", i64::MAX, 1)).unwrap_err();
        assert!(matches!(huge, Error::Unreadable { column: "min_tokens", .. }));
    }
}
