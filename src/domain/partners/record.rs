//! A partner as stored, every field already parsed: its tier, its maximum discount and its code
//! lists (regions, languages, services).

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::Tier;
use crate::domain::pricing::DiscountPercent;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partner {
    pub id: Uuid,
    pub slug: String,
    pub csn: String,
    /// Starts every document number the partner issues (`TOKY-Q-2026-00001`): 2–8 characters
    /// `A–Z0–9`, unique across partners.
    pub document_prefix: String,
    pub name_ja: String,
    pub name_en: String,
    pub description_ja: String,
    pub description_en: String,
    pub tier: Tier,
    pub country: String,
    pub regions: Vec<String>,
    pub languages: Vec<String>,
    pub services: Vec<String>,
    pub website: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Printed in the issuer block of documents.
    pub postal_code: Option<String>,
    pub address: Option<String>,
    /// 支払条件, printed on quotes, e.g. `月末締め翌月末払い`.
    pub payment_terms: Option<String>,
    /// 振込先: the bank transfer details printed on invoices, up to six lines.
    pub bank_details: Option<String>,
    /// Days after the invoice date that payment is due (0–120).
    pub payment_due_days: u16,
    pub invoice_registration_number: Option<String>,
    pub max_discount: DiscountPercent,
    pub flex_signed_on: Option<NaiveDate>,
    pub flex_expires_on: Option<NaiveDate>,
    pub published: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Partner {
    /// The language the portal writes to this partner in: its first language, or Japanese.
    pub fn mail_language(&self) -> &'static str {
        match self.languages.first().map(String::as_str) {
            Some("en") => "en",
            _ => "ja",
        }
    }
}
