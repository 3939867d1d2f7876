//! Orders and payments as stored: every field already parsed.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::PaymentMethod;
use crate::domain::money::Currency;
use crate::domain::tokens::TokenAmount;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Placed and invoiced; its pack is pending.
    Placed,
    /// Its pack is available.
    Fulfilled,
    /// Cancelled before fulfilment; its pack is voided.
    Cancelled,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 3] = [OrderStatus::Placed, OrderStatus::Fulfilled, OrderStatus::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Placed => "placed",
            OrderStatus::Fulfilled => "fulfilled",
            OrderStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An order as stored: the amounts are those frozen in the accepted quote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    pub id: Uuid,
    pub partner_id: Uuid,
    pub customer_id: Uuid,
    pub quote_id: Uuid,
    /// e.g. `EXMP-O-2027-00001`.
    pub number: String,
    pub payment_method: PaymentMethod,
    pub status: OrderStatus,
    pub currency: Currency,
    pub subtotal_minor: i64,
    pub tax_minor: i64,
    pub total_minor: i64,
    pub tax_rate_hundredths: i32,
    /// The tokens ordered: the pack's size.
    pub tokens: TokenAmount,
    pub autodesk_order_ref: Option<String>,
    pub placed_by: Uuid,
    pub placed_at: DateTime<Utc>,
    pub fulfilled_at: Option<DateTime<Utc>>,
    /// Who fulfilled it; `None` for the automatic fulfilment.
    pub fulfilled_by: Option<Uuid>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub cancel_reason: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// The one payment recorded for an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub id: Uuid,
    pub partner_id: Uuid,
    pub order_id: Uuid,
    pub paid_on: NaiveDate,
    pub method: PaymentMethod,
    pub amount_minor: i64,
    pub recorded_by: Option<Uuid>,
    pub recorded_at: DateTime<Utc>,
}

/// What placing an order takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceOrder {
    pub quote_id: Option<Uuid>,
    /// As sent: `invoice`, `bank_transfer` or `card`.
    pub payment_method: String,
}

/// What recording a payment takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordPayment {
    pub paid_on: NaiveDate,
    pub method: PaymentMethod,
}

/// Which orders a list shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OrderFilter {
    pub status: Option<OrderStatus>,
    pub customer: Option<Uuid>,
    pub page: crate::domain::paging::PageRequest,
}
