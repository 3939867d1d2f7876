//! The operator's price book and tax rules: what quotes read (the tiers and the tax rule in force on a
//! day) and the operator's use cases that add definitions and end them.
//!
//! History is never deleted or rewritten: a definition is only ever added or given a last day, so a
//! quote sent earlier can always be traced to the tier and rule it was priced with.

mod period;
mod tax_rules;
mod tiers;

pub use period::{EffectivePeriod, PeriodStatus, parse_day};
pub use tax_rules::{TaxRuleFilter, TaxRuleInput, add_tax_rule, end_tax_rule, list_tax_rules};
pub use tiers::{TierFilter, TierInput, add_tier, end_tier, list_tiers};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use uuid::Uuid;

use super::Portal;
use super::actor::Actor;
use super::error::{Error, Result};
use super::money::Currency;
use super::pricing::PriceTier;
use super::tax::TaxRule;
use crate::storage::price_book as store;

/// Unit prices are stored in ten-thousandths of the major unit.
const UNIT_PRICE_SCALE: u32 = 4;
/// Rates are stored in hundredths of a percent, i.e. ten-thousandths of the fraction.
const RATE_SCALE: u32 = 4;

/// The tiers of `currency` in force on `day`, lowest threshold first: what a quote is priced from.
///
/// # Errors
/// Database failures; a stored tier that cannot be read (`Internal`).
pub async fn price_list_on(portal: &Portal, currency: Currency, day: NaiveDate) -> Result<Vec<PriceTier>> {
    let records = store::tiers_on(portal.db.conn(), currency.code(), day).await?;
    Ok(records.into_iter().map(|r| r.tier).collect())
}

/// The tax rule of `country` (ISO 3166-1 alpha-2) in force on `day`, if the operator defined one.
///
/// # Errors
/// Database failures; a stored rule that cannot be read (`Internal`).
pub async fn tax_rule_on(portal: &Portal, country: &str, day: NaiveDate) -> Result<Option<TaxRuleRecord>> {
    let country = country.trim().to_ascii_uppercase();
    Ok(store::tax_rule_on(portal.db.conn(), &country, day).await?)
}

pub fn unit_price_from_e4(e4: i64) -> Decimal {
    Decimal::new(e4, UNIT_PRICE_SCALE).normalize()
}

/// `None` for a price finer than a ten-thousandth or too large to store; the parser refuses both first.
pub fn unit_price_to_e4(price: Decimal) -> Option<i64> {
    scaled_integer(price, UNIT_PRICE_SCALE)?.to_i64()
}

pub fn rate_from_hundredths(hundredths: i32) -> Decimal {
    Decimal::new(i64::from(hundredths), RATE_SCALE).normalize()
}

/// `None` for a rate finer than a hundredth of a percent.
pub fn rate_to_hundredths(rate: Decimal) -> Option<i32> {
    scaled_integer(rate, RATE_SCALE)?.to_i32()
}

fn scaled_integer(value: Decimal, scale: u32) -> Option<Decimal> {
    let scaled = value.checked_mul(Decimal::from(10_i64.pow(scale)))?;
    scaled.fract().is_zero().then_some(scaled)
}

/// A rate as the percentage the operator typed (`0.1` is `10`).
pub fn rate_percent(rate: Decimal) -> Decimal {
    (rate * Decimal::ONE_HUNDRED).normalize()
}

/// A tier as the operator manages it: its price and the days it is in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierRecord {
    pub id: Uuid,
    pub tier: PriceTier,
    pub period: EffectivePeriod,
    /// Published example figures rather than a negotiated price; shown as "sample".
    pub sample: bool,
}

/// A tax rule with its country, name and the days it is in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxRuleRecord {
    pub id: Uuid,
    pub country: String,
    pub name: String,
    pub rule: TaxRule,
    pub period: EffectivePeriod,
}

fn require_admin(actor: &Actor) -> Result<()> {
    if actor.is_admin() { Ok(()) } else { Err(Error::Forbidden) }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    #[test]
    fn unit_prices_are_kept_in_ten_thousandths() {
        assert_eq!(unit_price_from_e4(3_705_000).to_string(), "370.5");
        assert_eq!(unit_price_from_e4(30_000).to_string(), "3");
        assert_eq!(unit_price_to_e4(d("380.25")), Some(3_802_500));
        assert_eq!(unit_price_to_e4(d("0.0001")), Some(1));
        assert_eq!(unit_price_to_e4(d("0.00001")), None);
    }

    #[test]
    fn stored_rates_become_fractions_and_back() {
        assert_eq!(rate_from_hundredths(1000), d("0.1"));
        assert_eq!(rate_from_hundredths(800), d("0.08"));
        assert_eq!(rate_from_hundredths(750).to_string(), "0.075");
        assert_eq!(rate_to_hundredths(d("0.1")), Some(1000));
        assert_eq!(rate_to_hundredths(d("0.07125")), None);
        assert_eq!(rate_percent(d("0.1")).to_string(), "10");
        assert_eq!(rate_percent(d("0.075")).to_string(), "7.5");
    }
}
