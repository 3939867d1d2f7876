//! The `price_tiers` table (unit prices in ten-thousandths of the major unit).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "price_tiers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub currency: String,
    pub min_tokens: i64,
    pub unit_price_e4: i64,
    pub effective_from: Date,
    pub effective_to: Option<Date>,
    pub sample: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
