//! A quote revision and its lines as the domain holds them: statuses, currencies, quantities and
//! discounts already parsed. Storage reads rows into these (failing loudly on a value it cannot
//! read) and writes them back; the changes a transition makes are plain records too.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::QuoteStatus;
use crate::domain::money::Currency;
use crate::domain::pricing::DiscountPercent;
use crate::domain::quantity::TokenQuantity;

/// One revision of a quote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    pub id: Uuid,
    pub partner_id: Uuid,
    pub customer_id: Uuid,
    pub request_target_id: Option<Uuid>,
    pub root_id: Uuid,
    pub revision: i32,
    pub number: Option<String>,
    /// As stored; see [`Quote::status_at`] for the status as it stands now.
    pub status: QuoteStatus,
    pub currency: Currency,
    pub valid_days: i32,
    pub valid_until: Option<DateTime<Utc>>,
    pub notes: String,
    pub totals: QuoteTotals,
    pub language: String,
    pub sent_at: Option<DateTime<Utc>>,
    pub pdf_sha256: Option<String>,
    pub link_token_hash: Option<String>,
    pub responded_at: Option<DateTime<Utc>>,
    pub accepted_name: Option<String>,
    pub accepted_ip: Option<String>,
    pub accepted_pdf_sha256: Option<String>,
    pub accepted_by_user_id: Option<Uuid>,
    pub response_reason: Option<String>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The priced totals frozen onto a quote, in minor units of its currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteTotals {
    pub subtotal_minor: i64,
    pub tax_minor: i64,
    pub total_minor: i64,
    pub tax_rate_hundredths: i32,
    pub tax_rounding: String,
}

/// One priced line of a quote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteLine {
    pub id: Uuid,
    pub quote_id: Uuid,
    pub position: i32,
    pub tokens: TokenQuantity,
    pub discount: DiscountPercent,
    pub unit_price_e4: i64,
    pub amount_minor: i64,
}

/// What sending writes onto a draft.
#[derive(Debug, Clone)]
pub struct Sending {
    pub number: String,
    pub valid_until: DateTime<Utc>,
    pub sent_at: DateTime<Utc>,
    pub pdf_sha256: String,
    pub link_token_hash: String,
    pub language: String,
}

/// What an acceptance writes onto a sent quote: by the customer through the link, or recorded by
/// the reseller on the customer's behalf (with the user and a reason).
#[derive(Debug, Clone)]
pub struct Acceptance {
    pub at: DateTime<Utc>,
    pub name: String,
    pub ip: Option<String>,
    pub pdf_sha256: Option<String>,
    pub by_user: Option<Uuid>,
    pub reason: Option<String>,
}

/// The changes to a draft's terms: new totals, and validity and notes when given.
#[derive(Debug, Clone)]
pub struct DraftChanges {
    pub currency: Currency,
    pub totals: QuoteTotals,
    pub valid_days: Option<i32>,
    pub notes: Option<String>,
    pub at: DateTime<Utc>,
}

impl Quote {
    /// The status as it stands at `now`: a sent quote past the end of its validity day is expired
    /// even before the sweep job has written that down.
    pub fn status_at(&self, now: DateTime<Utc>) -> QuoteStatus {
        match (self.status, self.valid_until) {
            (QuoteStatus::Sent, Some(until)) if now >= until => QuoteStatus::Expired,
            (status, _) => status,
        }
    }
}
