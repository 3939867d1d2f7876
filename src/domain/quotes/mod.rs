//! Quotes: priced from the price book and tax rules, numbered and frozen when sent, answered by
//! the customer through an unguessable link (or by the reseller on the customer's behalf), and
//! revised rather than edited once sent.
//!
//! Lifecycle: `draft → sent → accepted | declined | expired | withdrawn | superseded → ordered`.
//! Every transition is a conditional update on the current status, so racing requests cannot
//! both succeed.

mod accepted_mail;
mod document;
mod draft;
mod link;
mod pricing;
mod record;
mod respond;
mod send;
mod terms;
mod validity;
mod view;

pub use document::{Verification, format_date, verify};
pub use draft::{
    DEFAULT_VALID_DAYS, LineInput, QuoteInput, create_quote, default_currency, revise_quote, update_draft,
};
pub(crate) use link::{hex, verify_code};
pub use record::{Acceptance, DraftChanges, Quote, QuoteLine, QuoteTotals, Sending};
pub use respond::{
    AcceptInput, PublicQuote, accept_on_behalf, accept_public, decline_public, public_pdf, public_quote,
    withdraw_quote,
};
pub use send::{SentQuote, expire_due, expire_due_at, send_quote};
pub use validity::{last_valid_day, start_of_day, validity_end};
pub use view::{QuoteView, get_quote, list_quotes, quote_pdf, tax_treatment};

use chrono::{DateTime, Utc};

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

    /// Accepted, or further along: the one revision of a quote that the customer took.
    pub fn is_accepted(self) -> bool {
        matches!(self, QuoteStatus::Accepted | QuoteStatus::Ordered)
    }
}

/// The status as it stands at `now` (see [`Quote::status_at`]).
pub fn effective_status(quote: &Quote, now: DateTime<Utc>) -> QuoteStatus {
    quote.status_at(now)
}
