//! The `account_rules` table: Autodesk's account terms from a date on (trial length, grace period
//! for a deficit, whether a deficit is allowed at all); the latest not after a day is in force.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "account_rules")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub effective_from: Date,
    pub trial_days: i32,
    pub grace_days: i32,
    pub deficit_allowed: bool,
    pub note: Option<String>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
