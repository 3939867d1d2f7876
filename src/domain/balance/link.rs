//! The read-only balance link a reseller sends to the purchaser: the customer's id and an HMAC of
//! it under the portal's link key, so it is unguessable and needs nothing stored.

use base64::Engine;
use chrono::{DateTime, Utc};
use serde::Serialize;
use subtle::ConstantTimeEq;
use uuid::Uuid;

use super::view::balance_of;
use super::{BalanceStatus, BalanceView};
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

/// What the purchaser's link gives as JSON: during the free trial only when it ends, as on the
/// link's page (Autodesk shows no balance in a trial); afterwards the whole balance.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum PublicBalance {
    Trial(TrialNotice),
    Balance(BalanceView),
}

#[derive(Debug, Serialize)]
pub struct TrialNotice {
    pub customer_id: Uuid,
    pub customer_name: String,
    pub time_zone: String,
    pub status: BalanceStatus,
    pub trial_until: Option<DateTime<Utc>>,
    pub trial_last_day: Option<String>,
}

/// The balance a link gives as JSON, withheld during the trial.
///
/// # Errors
/// `NotFound` for a link that is malformed, forged or names no customer.
pub async fn public_balance_by_link(portal: &Portal, token: &str) -> Result<PublicBalance> {
    let view = balance_by_link(portal, token).await?;
    Ok(if view.status == BalanceStatus::Trial {
        PublicBalance::Trial(TrialNotice {
            customer_id: view.customer_id,
            customer_name: view.customer_name,
            time_zone: view.time_zone,
            status: view.status,
            trial_until: view.trial_until,
            trial_last_day: view.trial_last_day,
        })
    } else {
        PublicBalance::Balance(view)
    })
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
