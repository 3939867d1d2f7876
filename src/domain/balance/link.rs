//! The read-only balance link a reseller sends to the purchaser: the customer's id and an HMAC of
//! it under the portal's link key, so it is unguessable and needs nothing stored.

use base64::Engine;
use subtle::ConstantTimeEq;
use uuid::Uuid;

use super::BalanceView;
use super::view::balance_of;
use crate::domain::Portal;
use crate::domain::customers::Customer;
use crate::domain::error::{Error, Result};
use crate::domain::keys::mac;

const MAC_BYTES: usize = 18;

fn tag(portal: &Portal, customer: Uuid) -> [u8; 32] {
    mac(&portal.keys.links, format!("balance-link:{customer}").as_bytes())
}

fn token(portal: &Portal, customer: Uuid) -> String {
    let mut bytes = customer.as_bytes().to_vec();
    bytes.extend_from_slice(&tag(portal, customer)[..MAC_BYTES]);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The purchaser's read-only balance page for `customer_id`: `{public_base_url}/balance/{token}`.
pub fn balance_link(portal: &Portal, customer_id: Uuid) -> String {
    format!("{}/balance/{}", portal.config.public_base_url.trim_end_matches('/'), token(portal, customer_id))
}

/// The balance a link shows.
///
/// # Errors
/// `NotFound` for a link that is malformed, forged or names no customer.
pub async fn balance_by_link(portal: &Portal, token: &str) -> Result<BalanceView> {
    let customer = customer_by_link(portal, token).await?;
    balance_of(portal, &customer).await
}

/// The customer a link names, once its tag checks out.
///
/// # Errors
/// `NotFound` for a link that is malformed, forged or names no customer.
pub(crate) async fn customer_by_link(portal: &Portal, token: &str) -> Result<Customer> {
    if token.len() > 64 {
        return Err(Error::NotFound);
    }
    let bytes =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(token).map_err(|_| Error::NotFound)?;
    if bytes.len() != 16 + MAC_BYTES {
        return Err(Error::NotFound);
    }
    let customer = Uuid::from_slice(&bytes[..16]).map_err(|_| Error::NotFound)?;
    if !bool::from(bytes[16..].ct_eq(&tag(portal, customer)[..MAC_BYTES])) {
        return Err(Error::NotFound);
    }
    crate::storage::customers::find_any(portal.db.conn(), customer).await?.ok_or(Error::NotFound)
}
