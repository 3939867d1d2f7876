//! Queries over the price book and tax rules.

use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
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
