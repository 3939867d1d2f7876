//! Usage as the daily roll-ups hold it, already parsed: one roll-up row, and the sums the analytics
//! read from them.

use chrono::NaiveDate;
use uuid::Uuid;

use crate::domain::tokens::TokenAmount;

/// One `usage_daily` row: what one developer used of one API on one day (the customer's local day).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailyRollup {
    pub customer_id: Uuid,
    pub partner_id: Uuid,
    pub day: NaiveDate,
    pub api: String,
    pub autodesk_id: String,
    pub tokens: TokenAmount,
    pub events: i64,
}

/// The usage of one day, summed over APIs and developers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayUsage {
    pub day: NaiveDate,
    pub tokens: TokenAmount,
    pub events: i64,
}

/// The usage of one API, or of one developer, over (part of) a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyUsage {
    /// The API or the developer's Autodesk ID.
    pub key: String,
    pub tokens: TokenAmount,
    pub events: i64,
}
