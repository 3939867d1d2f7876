//! The `partners` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "partners")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub slug: String,
    #[sea_orm(unique)]
    pub csn: String,
    #[sea_orm(unique)]
    pub document_prefix: String,
    pub name_ja: String,
    pub name_en: String,
    pub description_ja: String,
    pub description_en: String,
    pub tier: String,
    pub country: String,
    pub regions: String,
    pub languages: String,
    pub services: String,
    pub website: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub postal_code: Option<String>,
    pub address: Option<String>,
    pub payment_terms: Option<String>,
    pub bank_details: Option<String>,
    pub payment_due_days: i32,
    pub invoice_registration_number: Option<String>,
    pub max_discount_hundredths: i32,
    pub flex_signed_on: Option<Date>,
    pub flex_expires_on: Option<Date>,
    pub published: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
