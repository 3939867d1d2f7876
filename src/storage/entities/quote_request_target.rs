//! The `quote_request_targets` table: one row per partner a request was routed to (the reseller's
//! inbox item), with the routing reason and its own status.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "quote_request_targets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub quote_request_id: Uuid,
    pub partner_id: Uuid,
    pub reason: String,
    pub status: String,
    pub customer_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::quote_request::Entity",
        from = "Column::QuoteRequestId",
        to = "super::quote_request::Column::Id"
    )]
    Request,
}

impl Related<super::quote_request::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Request.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
