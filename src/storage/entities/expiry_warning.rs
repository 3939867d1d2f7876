//! The `expiry_warnings` table: a pack's warning `days_before` its expiry went out; the primary
//! key makes each warning once, however often and on however many instances the sweep runs.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "expiry_warnings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub pack_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub days_before: i32,
    pub sent_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
