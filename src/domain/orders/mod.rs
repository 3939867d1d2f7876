//! Orders placed on the customer's behalf from an accepted quote: the documents they issue (請求書,
//! 納品書, 領収書, 適格返還請求書), the token pack they create, fulfilment, payments and cancellation.

pub mod documents;
mod issue;
mod manage;
mod place;
mod record;
mod view;

pub use manage::{cancel_order, fulfil_order, record_payment};
pub use place::place_order;
pub use record::{Order, OrderFilter, OrderStatus, Payment, PlaceOrder, RecordPayment};
pub use view::{
    CustomerRef, DocumentView, OrderSummary, OrderView, PaymentView, QuoteRef, get_order, kind_slug,
    list_orders, order_document_pdf, parse_kind,
};

use std::fmt;

/// How the customer pays for an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    Invoice,
    BankTransfer,
    Card,
}

impl PaymentMethod {
    pub const ALL: [PaymentMethod; 3] =
        [PaymentMethod::Invoice, PaymentMethod::BankTransfer, PaymentMethod::Card];

    /// The stored and API name (`invoice`, `bank_transfer`, `card`).
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Invoice => "invoice",
            PaymentMethod::BankTransfer => "bank_transfer",
            PaymentMethod::Card => "card",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == text)
    }
}

impl fmt::Display for PaymentMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
