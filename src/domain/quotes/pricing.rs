//! Prices a quote's lines from the price book and the tax rule in force, exactly.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::domain::error::{Error, FieldError, Result};
use crate::domain::money::{Currency, Money, Rounding};
use crate::domain::pricing::{DiscountPercent, PriceTier, line_amount, unit_price_for};
use crate::domain::quantity::TokenQuantity;
use crate::domain::tax::{self, TaxRule};
use crate::storage::{Conn, price_book};

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

pub use crate::domain::price_book::unit_price_from_e4;

pub fn rounding_code(rounding: Rounding) -> &'static str {
    rounding.code()
}

/// Ten-thousandths of the major unit, as the database keeps unit prices. Prices come from the price
/// book, which holds at most four decimals, so nothing is cut here.
pub fn unit_price_e4(price: Decimal) -> i64 {
    crate::domain::price_book::unit_price_to_e4(price).unwrap_or(i64::MAX)
}

/// The tax rule for a customer in `country` on `day`; none in force means no tax.
pub async fn tax_rule(db: &impl Conn, country: &str, day: NaiveDate) -> Result<TaxRule> {
    let rule = price_book::tax_rule_on(db, country, day).await?;
    Ok(rule.map_or(TaxRule { rate: Decimal::ZERO, rounding: Rounding::Down }, |record| record.rule))
}

/// Prices `lines` in `currency` with the price book and tax rule of `day`.
///
/// # Errors
/// `Validation` on `currency` when the price book has no price for a quantity.
pub async fn price(
    db: &impl Conn,
    currency: Currency,
    country: &str,
    lines: &[OrderedLine],
    day: NaiveDate,
) -> Result<PricedQuote> {
    let rows = price_book::tiers_on(db, currency.code(), day).await?;
    let tiers: Vec<PriceTier> = rows.into_iter().map(|record| record.tier).collect();
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
