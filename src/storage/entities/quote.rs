//! The `quotes` table: one row per revision.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "quotes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub partner_id: Uuid,
    pub customer_id: Uuid,
    pub request_target_id: Option<Uuid>,
    pub root_id: Uuid,
    pub revision: i32,
    pub number: Option<String>,
    pub status: String,
    pub currency: String,
    pub valid_days: i32,
    pub valid_until: Option<DateTimeUtc>,
    pub notes: String,
    pub subtotal_minor: i64,
    pub tax_minor: i64,
    pub total_minor: i64,
    pub tax_rate_hundredths: i32,
    pub tax_rounding: String,
    pub language: String,
    pub sent_at: Option<DateTimeUtc>,
    pub pdf_sha256: Option<String>,
    pub link_token_hash: Option<String>,
    pub responded_at: Option<DateTimeUtc>,
    pub accepted_name: Option<String>,
    pub accepted_ip: Option<String>,
    pub accepted_pdf_sha256: Option<String>,
    pub accepted_by_user_id: Option<Uuid>,
    pub response_reason: Option<String>,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
