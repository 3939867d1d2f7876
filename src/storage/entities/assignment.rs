//! The `assignments` table: a developer's Autodesk ID assigned to a customer, with the invitation
//! that makes it active. `expired` is not stored: an invitation past `invite_expires_at` reads so.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "assignments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub partner_id: Uuid,
    pub customer_id: Uuid,
    pub autodesk_id: String,
    pub name: Option<String>,
    /// Monthly cap in token thousandths.
    pub token_cap: Option<i64>,
    pub status: String,
    pub invite_token_hash: Option<String>,
    pub invite_expires_at: Option<DateTimeUtc>,
    pub invited_at: DateTimeUtc,
    pub accepted_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
