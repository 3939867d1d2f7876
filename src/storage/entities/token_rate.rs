//! The `token_rates` table: tokens (in thousandths) per a number of units of an API, by effective date.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "token_rates")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub api: String,
    pub name_en: String,
    pub name_ja: String,
    pub unit_en: String,
    pub unit_ja: String,
    pub tokens_thousandths: i64,
    pub per_units: i64,
    pub effective_from: Date,
    pub effective_to: Option<Date>,
    pub historical: bool,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
