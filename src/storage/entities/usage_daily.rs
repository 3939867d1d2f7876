//! The `usage_daily` table: usage rolled up per customer, day (in the customer's time zone), API
//! and developer, kept in the transaction that applies the events so analytics never scan them.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "usage_daily")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub customer_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub day: Date,
    #[sea_orm(primary_key, auto_increment = false)]
    pub api: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub autodesk_id: String,
    pub partner_id: Uuid,
    /// Token thousandths.
    pub tokens: i64,
    pub events: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
