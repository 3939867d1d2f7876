//! The `usage_cap_warnings` table: the reseller was warned that a developer went over their
//! monthly cap (`YYYY-MM`); the primary key makes it once per developer and month.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "usage_cap_warnings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub customer_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub autodesk_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub month: String,
    pub sent_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
