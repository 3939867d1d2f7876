//! Consumption tax on a document — computed once per rate on the sum of its lines — and the totals it shows.

use std::borrow::Cow;
use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::error::FieldError;
use super::money::{Currency, DecimalTextError, Money, MoneyError, Rounding, plain_decimal};

/// A tax rate as a fraction (`0.10` for 10%) and how its fractions of a minor unit are dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxRule {
    pub rate: Decimal,
    pub rounding: Rounding,
}

impl TaxRule {
    /// Japan's standard consumption tax. Rounding down is what the qualified-invoice rules let an issuer
    /// choose and what customers expect, since the rounding happens once per invoice rather than per line.
    pub fn japan_standard() -> Self {
        Self { rate: Decimal::new(10, 2), rounding: Rounding::Down }
    }

    /// The operator's input in percent (`10`, `8`, `7.5`), returned as a fraction (`0.1`).
    pub fn parse_rate_percent(
        field: impl Into<Cow<'static, str>>,
        input: &str,
    ) -> Result<Decimal, FieldError> {
        if input.trim().is_empty() {
            return Err(FieldError::new(field, "required", "Enter a tax rate.", "税率を入力してください。"));
        }
        let out_of_range = |field| {
            FieldError::new(
                field,
                "too_large",
                "Enter a rate of at most 100%.",
                "税率は100%以下で入力してください。",
            )
        };
        let percent = match plain_decimal(input) {
            Ok(percent) => percent,
            Err(DecimalTextError::OutOfRange) => return Err(out_of_range(field.into())),
            Err(DecimalTextError::NotANumber) => {
                return Err(FieldError::new(
                    field,
                    "not_a_number",
                    "Enter a percentage such as 10.",
                    "税率は10のような数値で入力してください。",
                ));
            }
        };
        if percent.is_sign_negative() && !percent.is_zero() {
            return Err(FieldError::new(
                field,
                "too_small",
                "The rate cannot be negative.",
                "税率は0以上で入力してください。",
            ));
        }
        if percent.normalize().scale() > 3 {
            return Err(FieldError::new(
                field,
                "too_precise",
                "Use at most 3 decimal places.",
                "小数点以下は3桁までで入力してください。",
            ));
        }
        if percent > Decimal::ONE_HUNDRED {
            return Err(out_of_range(field.into()));
        }
        Ok((percent / Decimal::ONE_HUNDRED).normalize())
    }
}

impl Default for TaxRule {
    fn default() -> Self {
        Self::japan_standard()
    }
}

/// The tax at one rate: the sum of the lines taxed at it, and the tax on that sum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaxByRate {
    pub rate: Decimal,
    pub base: Money,
    pub tax: Money,
}

/// Groups lines by rate (and currency, so a stray line in another currency is never added to a yen sum)
/// and rounds the tax once per group. Rounding per line instead would let the document's tax drift from
/// its taxable amount by up to one minor unit per line, which a qualified invoice must not do.
/// Groups come out ordered by currency, then rate.
pub fn round_once_per_rate(lines: &[(Decimal, Money)], rounding: Rounding) -> Vec<TaxByRate> {
    let mut groups: BTreeMap<(Currency, Decimal), Decimal> = BTreeMap::new();
    for (rate, line) in lines {
        *groups.entry((line.currency, rate.normalize())).or_default() += line.amount;
    }
    groups
        .into_iter()
        .map(|((currency, rate), base)| TaxByRate {
            rate,
            base: Money::new(base, currency),
            tax: Money::round_to_minor(base * rate, currency, rounding),
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentTotals {
    pub subtotal: Money,
    pub taxes: Vec<TaxByRate>,
    pub tax_total: Money,
    pub total: Money,
}

/// Totals for a document whose lines are all taxed under `rule`. The currency is passed rather than taken
/// from the first line so an empty draft still has totals (`¥0`).
pub fn totals(currency: Currency, lines: &[Money], rule: &TaxRule) -> Result<DocumentTotals, MoneyError> {
    let rated: Vec<(Decimal, Money)> = lines.iter().map(|line| (rule.rate, *line)).collect();
    totals_by_rate(currency, &rated, rule.rounding)
}

/// Totals for a document with lines at several rates (e.g. 10% and the reduced 8%).
pub fn totals_by_rate(
    currency: Currency,
    lines: &[(Decimal, Money)],
    rounding: Rounding,
) -> Result<DocumentTotals, MoneyError> {
    if let Some((_, line)) = lines.iter().find(|(_, line)| line.currency != currency) {
        return Err(MoneyError::CurrencyMismatch { left: currency, right: line.currency });
    }
    let taxes = round_once_per_rate(lines, rounding);
    let mut subtotal = Money::zero(currency);
    let mut tax_total = Money::zero(currency);
    for group in &taxes {
        subtotal = subtotal.checked_add(&group.base)?;
        tax_total = tax_total.checked_add(&group.tax)?;
    }
    let total = subtotal.checked_add(&tax_total)?;
    Ok(DocumentTotals { subtotal, taxes, tax_total, total })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::pricing::{DiscountPercent, PriceTier, line_amount, unit_price_for};
    use crate::domain::quantity::TokenQuantity;
    use proptest::prelude::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    fn jpy(minor: i64) -> Money {
        Money::from_minor(minor, Currency::Jpy)
    }

    fn tiers() -> Vec<PriceTier> {
        vec![
            PriceTier { currency: Currency::Jpy, min_tokens: 100, unit_price: d("390") },
            PriceTier { currency: Currency::Jpy, min_tokens: 10_000, unit_price: d("370.5") },
            PriceTier { currency: Currency::Usd, min_tokens: 100, unit_price: d("3.00") },
        ]
    }

    /// Prices one line from the demo price book, as a quote would.
    fn line(currency: Currency, tokens: u32, discount: &str) -> Money {
        let qty = TokenQuantity::new(tokens).unwrap();
        let unit = unit_price_for(&tiers(), currency, qty).unwrap();
        let discount = DiscountPercent::parse("discount", discount, d("100")).unwrap();
        line_amount(qty, unit, discount, currency)
    }

    fn shown(totals: &DocumentTotals) -> [String; 3] {
        [totals.subtotal.to_string(), totals.tax_total.to_string(), totals.total.to_string()]
    }

    #[test]
    fn hundred_tokens_in_yen() {
        let totals = totals(Currency::Jpy, &[line(Currency::Jpy, 100, "0")], &TaxRule::default()).unwrap();
        assert_eq!(shown(&totals), ["¥39,000", "¥3,900", "¥42,900"]);
        assert_eq!(totals.total.to_minor(), Ok(42_900));
    }

    #[test]
    fn volume_tier_with_half_yen_unit_price() {
        let totals = totals(Currency::Jpy, &[line(Currency::Jpy, 10_000, "0")], &TaxRule::default()).unwrap();
        assert_eq!(shown(&totals), ["¥3,705,000", "¥370,500", "¥4,075,500"]);
    }

    #[test]
    fn discounted_line_then_tax_rounded_down_once() {
        // 1234 × 390 × 0.97 = 466,822.2 → ¥466,822 (half-up); tax 46,682.2 → ¥46,682 (down).
        let totals = totals(Currency::Jpy, &[line(Currency::Jpy, 1234, "3")], &TaxRule::default()).unwrap();
        assert_eq!(shown(&totals), ["¥466,822", "¥46,682", "¥513,504"]);
    }

    #[test]
    fn tax_once_per_document_differs_from_tax_per_line() {
        // Each line: 101 × 390 × 0.97 = 38,207.7 → ¥38,208, whose own tax would be 3,820.8 → ¥3,820.
        let lines = [line(Currency::Jpy, 101, "3"), line(Currency::Jpy, 101, "3")];
        let rule = TaxRule::default();
        let per_line: Decimal = lines
            .iter()
            .map(|l| Money::round_to_minor(l.amount * rule.rate, l.currency, rule.rounding).amount)
            .sum();
        assert_eq!(per_line, d("7640"));
        // The document: 76,416 × 10% = 7,641.6 → ¥7,641, one yen more than the per-line sum.
        let totals = totals(Currency::Jpy, &lines, &rule).unwrap();
        assert_eq!(shown(&totals), ["¥76,416", "¥7,641", "¥84,057"]);
        assert_eq!(totals.tax_total.amount - per_line, d("1"));
    }

    #[test]
    fn dollars() {
        let totals = totals(Currency::Usd, &[line(Currency::Usd, 250, "0")], &TaxRule::default()).unwrap();
        assert_eq!(shown(&totals), ["$750.00", "$75.00", "$825.00"]);
        let json = serde_json::to_value(&totals).unwrap();
        assert_eq!(json["total"], serde_json::json!({"amount": "825.00", "currency": "USD"}));
        assert_eq!(json["taxes"][0]["rate"], "0.1");
    }

    #[test]
    fn several_rates_are_grouped_and_ordered() {
        let (standard, reduced) = (d("0.10"), d("0.08"));
        let lines = [(standard, jpy(1_000)), (reduced, jpy(500)), (d("0.1"), jpy(105))];
        let totals = totals_by_rate(Currency::Jpy, &lines, Rounding::Down).unwrap();
        let groups: Vec<_> =
            totals.taxes.iter().map(|t| (t.rate, t.base.to_string(), t.tax.to_string())).collect();
        let expected = [(reduced, "¥500", "¥40"), (standard, "¥1,105", "¥110")];
        assert_eq!(groups, expected.map(|(r, b, t)| (r, b.to_owned(), t.to_owned())));
        assert_eq!(shown(&totals), ["¥1,605", "¥150", "¥1,755"]);
    }

    #[test]
    fn empty_and_mismatched_documents() {
        let empty = totals(Currency::Usd, &[], &TaxRule::default()).unwrap();
        assert_eq!(shown(&empty), ["$0.00", "$0.00", "$0.00"]);
        assert!(empty.taxes.is_empty());
        let mixed =
            totals(Currency::Jpy, &[jpy(100), Money::from_minor(100, Currency::Usd)], &TaxRule::default());
        assert!(matches!(mixed, Err(MoneyError::CurrencyMismatch { .. })));
    }

    #[test]
    fn rate_input() {
        assert_eq!(TaxRule::parse_rate_percent("rate", "10"), Ok(d("0.1")));
        assert_eq!(TaxRule::parse_rate_percent("rate", "7.5"), Ok(d("0.075")));
        let code = |s| TaxRule::parse_rate_percent("rate", s).unwrap_err().code;
        assert_eq!(
            [code(""), code("ten"), code("-1"), code("101"), code("8.0001")],
            ["required", "not_a_number", "too_small", "too_large", "too_precise"]
        );
    }

    fn price() -> impl Strategy<Value = Decimal> {
        (1_i64..=50_000_000, 0_u32..=4).prop_map(|(mantissa, scale)| Decimal::new(mantissa, scale))
    }

    fn document() -> impl Strategy<Value = (Currency, Vec<PriceTier>, Vec<(u32, u32)>)> {
        let currency = prop_oneof![Just(Currency::Jpy), Just(Currency::Usd)];
        let extra_tiers = prop::collection::vec((101_u32..=1_000_000, price()), 0..4);
        let lines = prop::collection::vec((100_u32..=1_000_000, 0_u32..=10_000), 1..6);
        (currency, price(), extra_tiers, lines).prop_map(|(currency, base, extra, lines)| {
            let mut tiers = vec![PriceTier { currency, min_tokens: 100, unit_price: base }];
            tiers.extend(extra.into_iter().map(|(min_tokens, unit_price)| PriceTier {
                currency,
                min_tokens,
                unit_price,
            }));
            (currency, tiers, lines)
        })
    }

    fn rate() -> impl Strategy<Value = Decimal> {
        prop_oneof![
            Just(Decimal::new(10, 2)),
            Just(Decimal::new(8, 2)),
            (0_i64..=2_500).prop_map(|r| Decimal::new(r, 4))
        ]
    }

    fn rounding() -> impl Strategy<Value = Rounding> {
        prop_oneof![Just(Rounding::Down), Just(Rounding::HalfUp), Just(Rounding::Up)]
    }

    proptest! {
        #[test]
        fn totals_add_up_and_tax_stays_within_one_minor_unit(
            (currency, tiers, lines) in document(),
            rates in prop::collection::vec(rate(), 1..3),
            rounding in rounding(),
        ) {
            let mut priced = Vec::new();
            for (i, (tokens, hundredths)) in lines.iter().enumerate() {
                let qty = TokenQuantity::new(*tokens).unwrap();
                let unit = unit_price_for(&tiers, currency, qty);
                prop_assert!(unit.is_some());
                let discount = DiscountPercent::from_hundredths(*hundredths).unwrap();
                let amount = line_amount(qty, unit.unwrap(), discount, currency);
                prop_assert!(amount.to_minor().is_ok());
                priced.push((rates[i % rates.len()], amount));
            }
            let totals = totals_by_rate(currency, &priced, rounding).unwrap();

            prop_assert_eq!(totals.total.amount, totals.subtotal.amount + totals.tax_total.amount);
            prop_assert_eq!(totals.subtotal.amount, priced.iter().map(|(_, m)| m.amount).sum::<Decimal>());
            let tax_sum: Decimal = totals.taxes.iter().map(|t| t.tax.amount).sum();
            prop_assert_eq!(totals.tax_total.amount, tax_sum);
            prop_assert!(totals.total.to_minor().is_ok());

            let minor_unit = Decimal::new(1, currency.minor_digits());
            for group in &totals.taxes {
                let exact = group.base.amount * group.rate;
                let gap = group.tax.amount - exact;
                prop_assert!(gap.abs() < minor_unit, "tax {} vs exact {}", group.tax.amount, exact);
                match rounding {
                    Rounding::Down => prop_assert!(gap <= Decimal::ZERO),
                    Rounding::Up => prop_assert!(gap >= Decimal::ZERO),
                    Rounding::HalfUp => prop_assert!(gap.abs() * Decimal::TWO <= minor_unit),
                }
            }
        }
    }
}
