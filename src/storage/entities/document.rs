//! The `documents` table: every issued PDF with its number, hash and verification code.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "documents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub partner_id: Uuid,
    pub kind: String,
    pub subject_id: Uuid,
    pub number: String,
    #[sea_orm(unique)]
    pub verify_code: String,
    pub sha256: String,
    pub content: Vec<u8>,
    pub issued_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
