//! Queries over the price book and tax rules.

use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, IntoCondition};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter,
    QueryOrder,
};
use uuid::Uuid;

use super::entities::price_tier::{self, Entity as PriceTiers};
use super::entities::tax_rule::{self, Entity as TaxRules};

pub use price_tier::Model as PriceTierRow;
pub use tax_rule::Model as TaxRuleRow;

/// Tiers of `currency` in force on `day`.
pub async fn tiers_on(
    db: &impl ConnectionTrait,
    currency: &str,
    day: NaiveDate,
) -> Result<Vec<PriceTierRow>, DbErr> {
    PriceTiers::find()
        .filter(price_tier::Column::Currency.eq(currency))
        .filter(price_tier::Column::EffectiveFrom.lte(day))
        .filter(
            Condition::any()
                .add(price_tier::Column::EffectiveTo.is_null())
                .add(price_tier::Column::EffectiveTo.gte(day)),
        )
        .order_by_asc(price_tier::Column::MinTokens)
        .all(db)
        .await
}

/// The tax rule of `country` in force on `day` (the latest started, if several overlap).
pub async fn tax_rule_on(
    db: &impl ConnectionTrait,
    country: &str,
    day: NaiveDate,
) -> Result<Option<TaxRuleRow>, DbErr> {
    TaxRules::find()
        .filter(tax_rule::Column::Country.eq(country))
        .filter(tax_rule::Column::EffectiveFrom.lte(day))
        .filter(
            Condition::any()
                .add(tax_rule::Column::EffectiveTo.is_null())
                .add(tax_rule::Column::EffectiveTo.gte(day)),
        )
        .order_by_desc(tax_rule::Column::EffectiveFrom)
        .one(db)
        .await
}

pub async fn all_tiers(db: &impl ConnectionTrait) -> Result<Vec<PriceTierRow>, DbErr> {
    PriceTiers::find()
        .order_by_asc(price_tier::Column::Currency)
        .order_by_asc(price_tier::Column::EffectiveFrom)
        .order_by_asc(price_tier::Column::MinTokens)
        .all(db)
        .await
}

pub async fn all_tax_rules(db: &impl ConnectionTrait) -> Result<Vec<TaxRuleRow>, DbErr> {
    TaxRules::find()
        .order_by_asc(tax_rule::Column::Country)
        .order_by_asc(tax_rule::Column::EffectiveFrom)
        .all(db)
        .await
}

pub async fn insert_tier(db: &impl ConnectionTrait, row: PriceTierRow) -> Result<PriceTierRow, DbErr> {
    price_tier::ActiveModel::from(row).insert(db).await
}

pub async fn insert_tax_rule(db: &impl ConnectionTrait, row: TaxRuleRow) -> Result<TaxRuleRow, DbErr> {
    tax_rule::ActiveModel::from(row).insert(db).await
}

pub async fn find_tier(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<PriceTierRow>, DbErr> {
    PriceTiers::find_by_id(id).one(db).await
}

pub async fn find_tax_rule(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<TaxRuleRow>, DbErr> {
    TaxRules::find_by_id(id).one(db).await
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
) -> Result<Vec<PriceTierRow>, DbErr> {
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
    query
        .order_by_asc(price_tier::Column::Currency)
        .order_by_asc(price_tier::Column::MinTokens)
        .order_by_asc(price_tier::Column::EffectiveFrom)
        .all(db)
        .await
}

/// Tax rules filtered by country and by the day they are in force, for the operator's lists.
pub async fn find_tax_rules(
    db: &impl ConnectionTrait,
    country: Option<&str>,
    on: Option<NaiveDate>,
) -> Result<Vec<TaxRuleRow>, DbErr> {
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
    query.order_by_asc(tax_rule::Column::Country).order_by_asc(tax_rule::Column::EffectiveFrom).all(db).await
}

/// Tiers of the same currency and threshold in force on any day of `[from, to]`, other than `except`.
pub async fn overlapping_tiers(
    db: &impl ConnectionTrait,
    currency: &str,
    min_tokens: i64,
    (from, to): (NaiveDate, Option<NaiveDate>),
    except: Option<Uuid>,
) -> Result<Vec<PriceTierRow>, DbErr> {
    let mut query = PriceTiers::find()
        .filter(price_tier::Column::Currency.eq(currency))
        .filter(price_tier::Column::MinTokens.eq(min_tokens))
        .filter(overlapping(price_tier::Column::EffectiveFrom, price_tier::Column::EffectiveTo, from, to));
    if let Some(id) = except {
        query = query.filter(price_tier::Column::Id.ne(id));
    }
    query.order_by_asc(price_tier::Column::EffectiveFrom).all(db).await
}

/// Tax rules of the same country in force on any day of `[from, to]`, other than `except`.
pub async fn overlapping_tax_rules(
    db: &impl ConnectionTrait,
    country: &str,
    (from, to): (NaiveDate, Option<NaiveDate>),
    except: Option<Uuid>,
) -> Result<Vec<TaxRuleRow>, DbErr> {
    let mut query = TaxRules::find().filter(tax_rule::Column::Country.eq(country)).filter(overlapping(
        tax_rule::Column::EffectiveFrom,
        tax_rule::Column::EffectiveTo,
        from,
        to,
    ));
    if let Some(id) = except {
        query = query.filter(tax_rule::Column::Id.ne(id));
    }
    query.order_by_asc(tax_rule::Column::EffectiveFrom).all(db).await
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
