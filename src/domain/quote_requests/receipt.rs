//! The receipt of a public quote request: what the thank-you page shows (reference, the partners it
//! went to, the requester's address), signed so the page can be reloaded without sending anything
//! again and without the portal keeping a second copy.

use chrono::Duration;
use uuid::Uuid;

use super::Submitted;
use crate::domain::Portal;
use crate::domain::accounts::tokens::Audience;
use crate::domain::error::{Error, Result};

/// How long the thank-you page can be reloaded.
const VALID_FOR: Duration = Duration::hours(24);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub reference: String,
    /// Slugs of the partners the request went to, in routing order.
    pub partners: Vec<String>,
    pub email: String,
}

/// Signs the receipt of a request just submitted.
///
/// # Errors
/// Signing failed (it does not for an HMAC key).
pub fn issue(portal: &Portal, submitted: &Submitted, email: &str) -> Result<String> {
    let partners: Vec<&str> = submitted.routed_to.iter().map(|r| r.slug.as_str()).collect();
    let subject = serde_json::json!([submitted.reference, partners, email.trim()]).to_string();
    let now = portal.clock.now();
    portal.signer.issue(Audience::RequestReceipt, &subject, Uuid::new_v4(), now, now + VALID_FOR)
}

/// Reads a receipt back.
///
/// # Errors
/// `NotFound` for anything but a receipt this portal signed that has not expired.
pub fn read(portal: &Portal, token: &str) -> Result<Receipt> {
    let claims = portal
        .signer
        .verify(token, Audience::RequestReceipt, portal.clock.now())
        .map_err(|_| Error::NotFound)?;
    let (reference, partners, email) =
        serde_json::from_str::<(String, Vec<String>, String)>(&claims.sub).map_err(|_| Error::NotFound)?;
    Ok(Receipt { reference, partners, email })
}
