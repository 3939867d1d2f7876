//! Quotes: priced from the price book and tax rules, numbered and frozen when sent, answered by
//! the customer through an unguessable link (or by the reseller on the customer's behalf), and
//! revised rather than edited once sent.
//!
//! Lifecycle: `draft → sent → accepted | declined | expired | withdrawn | superseded → ordered`.
//! Every transition is a conditional update on the current status, so racing requests cannot
//! both succeed.

mod document;
mod draft;
mod link;
mod pricing;
mod respond;
mod send;
mod terms;
mod view;

pub use document::{Verification, format_date, last_valid_day, render_pdf, verify};
pub use draft::{
    DEFAULT_VALID_DAYS, LineInput, QuoteInput, create_quote, default_currency, revise_quote, update_draft,
};
pub use respond::{
    AcceptInput, PublicQuote, accept_on_behalf, accept_public, decline_public, public_pdf, public_quote,
    withdraw_quote,
};
pub use send::{SentQuote, expire_due, expire_due_at, send_quote};
pub use view::{QuoteView, get_quote, list_quotes, quote_pdf};

use chrono::{DateTime, Utc};

use crate::storage::quotes::QuoteRow;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QuoteStatus {
    Draft,
    Sent,
    Accepted,
    Declined,
    Expired,
    Withdrawn,
    Superseded,
    Ordered,
}

impl QuoteStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            QuoteStatus::Draft => "draft",
            QuoteStatus::Sent => "sent",
            QuoteStatus::Accepted => "accepted",
            QuoteStatus::Declined => "declined",
            QuoteStatus::Expired => "expired",
            QuoteStatus::Withdrawn => "withdrawn",
            QuoteStatus::Superseded => "superseded",
            QuoteStatus::Ordered => "ordered",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            QuoteStatus::Draft,
            QuoteStatus::Sent,
            QuoteStatus::Accepted,
            QuoteStatus::Declined,
            QuoteStatus::Expired,
            QuoteStatus::Withdrawn,
            QuoteStatus::Superseded,
            QuoteStatus::Ordered,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

/// The status as it stands at `now`: a sent quote past the end of its validity day is expired
/// even before the sweep job has written that down.
pub fn effective_status(row: &QuoteRow, now: DateTime<Utc>) -> QuoteStatus {
    let stored = QuoteStatus::parse(&row.status).unwrap_or(QuoteStatus::Draft);
    match (stored, row.valid_until) {
        (QuoteStatus::Sent, Some(until)) if now >= until => QuoteStatus::Expired,
        _ => stored,
    }
}
