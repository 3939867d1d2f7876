//! The token estimator: the operator's rate table (tokens per units of an API, by effective date)
//! and the public estimate that turns a monthly use into tokens per month, per year and a purchase to
//! suggest.

mod estimate;
mod manage;
mod rate;

pub use estimate::{
    Estimate, EstimateItem, EstimateLine, MAX_ITEMS, MINIMUM_PURCHASE, ORDER_LIMIT, Warning,
    parse_monthly_units,
};
pub use manage::{AddedRate, RateInput, add_rate, list_rates};
pub use rate::{ApiCode, MAX_PER_UNITS, Rate, TokenRate};

use chrono::NaiveDate;

use super::Portal;
use super::actor::Origin;
use super::error::Result;
use crate::storage::token_rates as store;

/// The rates in force today (the operator's date), by API code.
///
/// # Errors
/// Database failures; a stored rate that cannot be read (`Internal`).
pub async fn rates_in_force(portal: &Portal) -> Result<(NaiveDate, Vec<TokenRate>)> {
    let today = portal.today();
    Ok((today, rates_on(portal, today).await?))
}

/// The rates in force on `day`, by API code; one per API.
///
/// # Errors
/// Database failures; a stored rate that cannot be read (`Internal`).
pub async fn rates_on(portal: &Portal, day: NaiveDate) -> Result<Vec<TokenRate>> {
    let mut rates = store::in_force_on(portal.db.conn(), day).await?;
    // Adding a rate ends its predecessor, so two never share a day; if a hand edit made them, the
    // later start wins (the query lists it first for each API).
    rates.dedup_by(|later, earlier| later.api == earlier.api);
    Ok(rates)
}

/// Estimates `items` with the rates in force today.
///
/// # Errors
/// `Validation` naming each bad field (`items`, `items[i].api`, `items[i].monthly_units`); database
/// failures.
pub async fn estimate(portal: &Portal, items: &[EstimateItem]) -> Result<Estimate> {
    let (today, rates) = rates_in_force(portal).await?;
    estimate::estimate(&rates, today, items)
}

/// Refuses a client that asks for estimates or rates more often than the configured rate: the
/// estimator is public and each answer reads the database.
///
/// # Errors
/// `RateLimited` once the client has asked `estimates_per_client_per_minute` times this minute.
pub fn limit_client(portal: &Portal, origin: &Origin) -> Result<()> {
    let limit = portal.config.estimates_per_client_per_minute;
    portal.limiter.per_client("estimate", origin, limit, std::time::Duration::from_secs(60))
}
