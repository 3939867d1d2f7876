//! A quote request and the inbox items it was routed to, as the domain holds them: the quantity
//! parsed and each inbox item's status an enum.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::domain::quantity::TokenQuantity;

/// Where an inbox item stands with its partner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    New,
    InProgress,
    Quoted,
    Declined,
}

impl RequestStatus {
    pub const ALL: [RequestStatus; 4] =
        [RequestStatus::New, RequestStatus::InProgress, RequestStatus::Quoted, RequestStatus::Declined];

    /// Still waiting for the partner: counted when routing spreads requests across partners, and
    /// the ones a sent quote answers.
    pub const OPEN: [RequestStatus; 2] = [RequestStatus::New, RequestStatus::InProgress];

    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::New => "new",
            RequestStatus::InProgress => "in_progress",
            RequestStatus::Quoted => "quoted",
            RequestStatus::Declined => "declined",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// A request as the public submitted it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteRequest {
    pub id: Uuid,
    pub reference: String,
    pub company: String,
    pub contact_name: String,
    pub email: String,
    pub autodesk_id: String,
    pub tokens: TokenQuantity,
    pub country: String,
    pub region: Option<String>,
    pub language: String,
    pub message: String,
    pub client_ip: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// One partner's inbox item for a request, with why it was routed there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestTarget {
    pub id: Uuid,
    pub quote_request_id: Uuid,
    pub partner_id: Uuid,
    pub reason: String,
    pub status: RequestStatus,
    pub customer_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
