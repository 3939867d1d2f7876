//! The `usage_rollups` table: usage summed per customer by day (the day's total, each API, each
//! developer) and by calendar month (each API, each developer), kept in the transaction that
//! applies the events beside `usage_daily`, so a period's analytics read a few rows per day or month.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "usage_rollups")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub customer_id: Uuid,
    /// `total`, `api` or `developer`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub dimension: String,
    /// `day` or `month`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub grain: String,
    /// The day, or the first day of the month (the customer's local calendar).
    #[sea_orm(primary_key, auto_increment = false)]
    pub period: Date,
    /// The API or the developer's Autodesk ID; empty for the day's total.
    #[sea_orm(primary_key, auto_increment = false)]
    pub group_key: String,
    pub partner_id: Uuid,
    /// Token thousandths.
    pub tokens: i64,
    pub events: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
