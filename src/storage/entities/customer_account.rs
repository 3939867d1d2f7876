//! The `customer_accounts` table: one row per customer that ever had tokens: its deficit and the
//! version every token change bumps first.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "customer_accounts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub customer_id: Uuid,
    pub partner_id: Uuid,
    pub deficit: i64,
    pub deficit_since: Option<DateTimeUtc>,
    pub trial_until: Option<DateTimeUtc>,
    /// When the sweep suspended the account for a deficit past its grace period.
    pub suspended_at: Option<DateTimeUtc>,
    pub version: i64,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
