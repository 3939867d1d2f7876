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
use super::money::{Currency, Rounding};
use super::pricing::PriceTier;
use super::tax::TaxRule;
use crate::storage::price_book::{self as store, PriceTierRow, TaxRuleRow};

/// Unit prices are stored in ten-thousandths of the major unit.
const UNIT_PRICE_SCALE: u32 = 4;
/// Rates are stored in hundredths of a percent, i.e. ten-thousandths of the fraction.
const RATE_SCALE: u32 = 4;

/// The tiers of `currency` in force on `day`, lowest threshold first: what a quote is priced from.
///
/// # Errors
/// Database failures; a stored tier that cannot be read (`Internal`).
pub async fn price_list_on(portal: &Portal, currency: Currency, day: NaiveDate) -> Result<Vec<PriceTier>> {
    let rows = store::tiers_on(portal.db.conn(), currency.code(), day).await?;
    rows.iter().map(tier_from_row).collect()
}

/// The tax rule of `country` (ISO 3166-1 alpha-2) in force on `day`, if the operator defined one.
///
/// # Errors
/// Database failures; a stored rule that cannot be read (`Internal`).
pub async fn tax_rule_on(portal: &Portal, country: &str, day: NaiveDate) -> Result<Option<TaxRuleRecord>> {
    let country = country.trim().to_ascii_uppercase();
    let row = store::tax_rule_on(portal.db.conn(), &country, day).await?;
    row.as_ref().map(TaxRuleRecord::from_row).transpose()
}

/// The exact tier a stored row holds (`unit_price_e4` 3 705 000 is ¥370.5).
///
/// # Errors
/// `Internal` when the row holds a currency or threshold the portal does not know, which only a
/// hand edit of the database can cause.
pub fn tier_from_row(row: &PriceTierRow) -> Result<PriceTier> {
    let currency = Currency::from_code(&row.currency)
        .ok_or_else(|| corrupt(format!("price tier {} has unknown currency {:?}", row.id, row.currency)))?;
    let min_tokens = u32::try_from(row.min_tokens)
        .map_err(|_| corrupt(format!("price tier {} has threshold {}", row.id, row.min_tokens)))?;
    Ok(PriceTier { currency, min_tokens, unit_price: unit_price_from_e4(row.unit_price_e4) })
}

/// The exact rule a stored row holds (`rate_hundredths` 1000 is a rate of 0.1).
///
/// # Errors
/// `Internal` when the row holds a rounding the portal does not know.
pub fn tax_rule_from_row(row: &TaxRuleRow) -> Result<TaxRule> {
    let rounding = Rounding::from_code(&row.rounding)
        .ok_or_else(|| corrupt(format!("tax rule {} has unknown rounding {:?}", row.id, row.rounding)))?;
    Ok(TaxRule { rate: rate_from_hundredths(row.rate_hundredths), rounding })
}

fn corrupt(message: String) -> Error {
    Error::Internal(message.into())
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

impl TierRecord {
    /// # Errors
    /// `Internal` for a row [`tier_from_row`] cannot read.
    pub fn from_row(row: &PriceTierRow) -> Result<Self> {
        Ok(Self {
            id: row.id,
            tier: tier_from_row(row)?,
            period: EffectivePeriod { from: row.effective_from, to: row.effective_to },
            sample: row.sample,
        })
    }
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

impl TaxRuleRecord {
    /// # Errors
    /// `Internal` for a row [`tax_rule_from_row`] cannot read.
    pub fn from_row(row: &TaxRuleRow) -> Result<Self> {
        Ok(Self {
            id: row.id,
            country: row.country.clone(),
            name: row.name.clone(),
            rule: tax_rule_from_row(row)?,
            period: EffectivePeriod { from: row.effective_from, to: row.effective_to },
        })
    }
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

    fn tier_row(currency: &str, min_tokens: i64, e4: i64) -> PriceTierRow {
        PriceTierRow {
            id: Uuid::nil(),
            currency: currency.into(),
            min_tokens,
            unit_price_e4: e4,
            effective_from: NaiveDate::MIN,
            effective_to: None,
            sample: true,
            created_at: chrono::DateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn stored_unit_prices_become_exact_decimals() {
        let tier = tier_from_row(&tier_row("JPY", 10_000, 3_705_000)).unwrap();
        assert_eq!(
            (tier.currency, tier.min_tokens, tier.unit_price.to_string()),
            (Currency::Jpy, 10_000, "370.5".into())
        );
        assert_eq!(tier_from_row(&tier_row("USD", 100, 30_000)).unwrap().unit_price.to_string(), "3");
        assert_eq!(unit_price_to_e4(d("380.25")), Some(3_802_500));
        assert_eq!(unit_price_to_e4(d("0.0001")), Some(1));
        assert_eq!(unit_price_to_e4(d("0.00001")), None);
    }

    #[test]
    fn unreadable_rows_are_internal_errors_not_guesses() {
        assert!(matches!(tier_from_row(&tier_row("EUR", 100, 1)), Err(Error::Internal(_))));
        assert!(matches!(tier_from_row(&tier_row("JPY", i64::MAX, 1)), Err(Error::Internal(_))));
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
