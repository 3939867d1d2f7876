//! The `usage_events` table: each usage event Autodesk reported, once per customer and event id,
//! with what packs covered (`charged`) and what became deficit (`uncharged`), in token thousandths.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "usage_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub customer_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub event_id: String,
    pub partner_id: Uuid,
    pub occurred_at: DateTimeUtc,
    pub autodesk_id: String,
    pub app: Option<String>,
    pub api: String,
    pub units_thousandths: Option<i64>,
    pub tokens: i64,
    pub charged: i64,
    pub uncharged: i64,
    pub over_cap: bool,
    pub batch_id: Uuid,
    pub received_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
