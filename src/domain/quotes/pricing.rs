//! Prices a quote's lines from the price book and the tax rule in force, exactly.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sea_orm::ConnectionTrait;

use crate::domain::error::{Error, FieldError, Result};
use crate::domain::money::{Currency, Money, Rounding};
use crate::domain::pricing::{DiscountPercent, PriceTier, line_amount, unit_price_for};
use crate::domain::quantity::TokenQuantity;
use crate::domain::tax::{self, TaxRule};
use crate::storage::price_book;

/// One parsed line.
#[derive(Debug, Clone, Copy)]
pub struct OrderedLine {
    pub tokens: TokenQuantity,
    pub discount: DiscountPercent,
}

#[derive(Debug, Clone)]
pub struct PricedLine {
    pub tokens: TokenQuantity,
    pub discount: DiscountPercent,
    pub unit_price: Decimal,
    pub amount: Money,
}

#[derive(Debug, Clone)]
pub struct PricedQuote {
    pub currency: Currency,
    pub lines: Vec<PricedLine>,
    pub subtotal: Money,
    pub tax: Money,
    pub total: Money,
    pub rule: TaxRule,
}

fn rounding_of(code: &str) -> Rounding {
    match code {
        "half_up" => Rounding::HalfUp,
        "up" => Rounding::Up,
        _ => Rounding::Down,
    }
}

pub fn rounding_code(rounding: Rounding) -> &'static str {
    match rounding {
        Rounding::Down => "down",
        Rounding::HalfUp => "half_up",
        Rounding::Up => "up",
    }
}

/// Ten-thousandths of the major unit, as the database keeps unit prices.
pub fn unit_price_e4(price: Decimal) -> i64 {
    (price * Decimal::from(10_000)).trunc().try_into().unwrap_or(i64::MAX)
}

pub fn unit_price_from_e4(e4: i64) -> Decimal {
    Decimal::new(e4, 4).normalize()
}

/// The tax rule for a customer in `country` on `day`; none in force means no tax.
pub async fn tax_rule(db: &impl ConnectionTrait, country: &str, day: NaiveDate) -> Result<TaxRule> {
    let rule = price_book::tax_rule_on(db, country, day).await.map_err(Error::internal)?;
    Ok(rule.map_or(TaxRule { rate: Decimal::ZERO, rounding: Rounding::Down }, |r| TaxRule {
        rate: Decimal::new(i64::from(r.rate_hundredths), 4),
        rounding: rounding_of(&r.rounding),
    }))
}

/// Prices `lines` in `currency` with the price book and tax rule of `day`.
///
/// # Errors
/// `Validation` on `currency` when the price book has no price for a quantity.
pub async fn price(
    db: &impl ConnectionTrait,
    currency: Currency,
    country: &str,
    lines: &[OrderedLine],
    day: NaiveDate,
) -> Result<PricedQuote> {
    let tiers: Vec<PriceTier> = price_book::tiers_on(db, currency.code(), day)
        .await
        .map_err(Error::internal)?
        .iter()
        .map(|row| PriceTier {
            currency,
            min_tokens: u32::try_from(row.min_tokens).unwrap_or(u32::MAX),
            unit_price: unit_price_from_e4(row.unit_price_e4),
        })
        .collect();
    let mut priced = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        let unit_price = unit_price_for(&tiers, currency, line.tokens).ok_or_else(|| {
            Error::Validation(vec![FieldError::new(
                format!("lines[{i}].tokens"),
                "no_price",
                "The price book has no price for this quantity in this currency.",
                "この通貨・数量の価格が価格表にありません。",
            )])
        })?;
        priced.push(PricedLine {
            tokens: line.tokens,
            discount: line.discount,
            unit_price,
            amount: line_amount(line.tokens, unit_price, line.discount, currency),
        });
    }
    let rule = tax_rule(db, country, day).await?;
    let amounts: Vec<Money> = priced.iter().map(|l| l.amount).collect();
    let totals = tax::totals(currency, &amounts, &rule).map_err(Error::internal)?;
    Ok(PricedQuote {
        currency,
        lines: priced,
        subtotal: totals.subtotal,
        tax: totals.tax_total,
        total: totals.total,
        rule,
    })
}
