//! The price book's volume tiers, partner discounts and the amount of one quote line.

use std::borrow::Cow;
use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::contact::fold_width;
use super::error::FieldError;
use super::money::{Currency, DecimalTextError, Money, Rounding, plain_decimal};
use super::quantity::TokenQuantity;

/// From `min_tokens` tokens upwards, each token costs `unit_price` in `currency`. A unit price may be finer
/// than the currency's minor unit (¥370.5): only line amounts are rounded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceTier {
    pub currency: Currency,
    pub min_tokens: u32,
    pub unit_price: Decimal,
}

impl PriceTier {
    pub const MAX_UNIT_PRICE: Decimal = Decimal::from_parts(1_000_000_000, 0, 0, false, 0);
    pub const UNIT_PRICE_DECIMALS: u32 = 4;

    /// The operator's unit price input: positive, at most four decimals and at most 1,000,000,000, which
    /// keeps every line product far inside `Decimal`'s range.
    pub fn parse_unit_price(field: impl Into<Cow<'static, str>>, input: &str) -> Result<Decimal, FieldError> {
        let error = |field, code, en, ja| Err(FieldError::new(field, code, en, ja));
        if input.trim().is_empty() {
            return error(field.into(), "required", "Enter a unit price.", "単価を入力してください。");
        }
        let too_large = (
            "too_large",
            "Enter a unit price up to 1,000,000,000.",
            "単価は1,000,000,000以下で入力してください。",
        );
        let price = match plain_decimal(input) {
            Ok(price) => price,
            Err(DecimalTextError::OutOfRange) => {
                return error(field.into(), too_large.0, too_large.1, too_large.2);
            }
            Err(DecimalTextError::NotANumber) => {
                return error(
                    field.into(),
                    "not_a_number",
                    "Enter a price such as 390.",
                    "単価は390のような数値で入力してください。",
                );
            }
        };
        if price <= Decimal::ZERO {
            return error(
                field.into(),
                "too_small",
                "Enter a price greater than 0.",
                "0より大きい単価を入力してください。",
            );
        }
        if price.normalize().scale() > Self::UNIT_PRICE_DECIMALS {
            return error(
                field.into(),
                "too_precise",
                "Use at most 4 decimal places.",
                "小数点以下は4桁までで入力してください。",
            );
        }
        if price > Self::MAX_UNIT_PRICE {
            return error(field.into(), too_large.0, too_large.1, too_large.2);
        }
        Ok(price.normalize())
    }
}

/// The unit price of the highest tier the quantity reaches. If a price book holds two tiers with the same
/// threshold the cheaper one wins, so a duplicate can never overcharge a customer.
pub fn unit_price_for(tiers: &[PriceTier], currency: Currency, qty: TokenQuantity) -> Option<Decimal> {
    tiers
        .iter()
        .filter(|tier| tier.currency == currency && tier.min_tokens <= qty.get())
        .max_by(|a, b| a.min_tokens.cmp(&b.min_tokens).then(b.unit_price.cmp(&a.unit_price)))
        .map(|tier| tier.unit_price)
}

/// A discount in percent, 0..=100 with at most two decimals, held in hundredths of a percent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct DiscountPercent(u32);

impl DiscountPercent {
    pub const ZERO: Self = Self(0);
    const HUNDRED: Decimal = Decimal::ONE_HUNDRED;

    pub fn new(percent: Decimal) -> Option<Self> {
        if (percent.is_sign_negative() && !percent.is_zero()) || percent > Self::HUNDRED {
            return None;
        }
        if percent.normalize().scale() > 2 {
            return None;
        }
        let hundredths = (percent * Self::HUNDRED).normalize();
        u32::try_from(hundredths.mantissa()).ok().map(Self)
    }

    pub fn from_hundredths(hundredths: u32) -> Option<Self> {
        (hundredths <= 10_000).then_some(Self(hundredths))
    }

    /// The integer the database stores (3% is 300).
    pub fn to_hundredths(self) -> u32 {
        self.0
    }

    pub fn get(self) -> Decimal {
        Decimal::new(i64::from(self.0), 2).normalize()
    }

    /// Form input such as `3`, `2.5` or `３％`. `max` is the partner's ceiling; above 100 it is ignored.
    pub fn parse(field: impl Into<Cow<'static, str>>, input: &str, max: Decimal) -> Result<Self, FieldError> {
        let folded: String = input.chars().map(fold_width).collect();
        let text = folded.trim();
        let text = text.strip_suffix('%').unwrap_or(text).trim_end();
        if text.is_empty() {
            return Err(FieldError::new(
                field,
                "required",
                "Enter a discount (0 for none).",
                "割引率を入力してください（割引なしの場合は0）",
            ));
        }
        let limit = max.clamp(Decimal::ZERO, Self::HUNDRED).normalize();
        let too_large = |field| {
            FieldError::new(
                field,
                "too_large",
                format!("The discount can be at most {limit}%."),
                format!("割引率は{limit}%以下で入力してください。"),
            )
        };
        let percent = match plain_decimal(text) {
            Ok(percent) => percent,
            Err(DecimalTextError::OutOfRange) => return Err(too_large(field.into())),
            Err(DecimalTextError::NotANumber) => {
                return Err(FieldError::new(
                    field,
                    "not_a_number",
                    "Enter a percentage such as 3 or 2.5.",
                    "割引率は3や2.5のような数値で入力してください。",
                ));
            }
        };
        if percent.is_sign_negative() && !percent.is_zero() {
            return Err(FieldError::new(
                field,
                "too_small",
                "The discount cannot be negative.",
                "割引率は0以上で入力してください。",
            ));
        }
        if percent.normalize().scale() > 2 {
            return Err(FieldError::new(
                field,
                "too_precise",
                "Use at most 2 decimal places.",
                "小数点以下は2桁までで入力してください。",
            ));
        }
        if percent > limit {
            return Err(too_large(field.into()));
        }
        Self::new(percent).ok_or_else(|| too_large(field.into()))
    }
}

impl fmt::Display for DiscountPercent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", self.get())
    }
}

impl Serialize for DiscountPercent {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.get())
    }
}

impl<'de> Deserialize<'de> for DiscountPercent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let percent = plain_decimal(&text).ok().and_then(Self::new);
        percent.ok_or_else(|| serde::de::Error::custom(format!("invalid discount {text:?}")))
    }
}

/// `qty × unit_price × (100 − discount) / 100`, rounded half-up to the currency's minor unit. The exact
/// product is formed first so the discount never rounds separately from the price.
///
/// # Panics
/// Only if `unit_price` exceeds about 10^20, which `PriceTier::parse_unit_price` rules out.
pub fn line_amount(
    qty: TokenQuantity,
    unit_price: Decimal,
    discount: DiscountPercent,
    currency: Currency,
) -> Money {
    let hundred = Decimal::ONE_HUNDRED;
    let exact = qty.to_decimal() * unit_price * (hundred - discount.get()) / hundred;
    Money::round_to_minor(exact, currency, Rounding::HalfUp)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    fn qty(tokens: u32) -> TokenQuantity {
        TokenQuantity::new(tokens).unwrap()
    }

    fn demo_tiers() -> Vec<PriceTier> {
        vec![
            PriceTier { currency: Currency::Jpy, min_tokens: 100, unit_price: d("390") },
            PriceTier { currency: Currency::Jpy, min_tokens: 10_000, unit_price: d("370.5") },
            PriceTier { currency: Currency::Usd, min_tokens: 100, unit_price: d("3.00") },
        ]
    }

    #[test]
    fn tier_selection() {
        let tiers = demo_tiers();
        assert_eq!(unit_price_for(&tiers, Currency::Jpy, qty(100)), Some(d("390")));
        assert_eq!(unit_price_for(&tiers, Currency::Jpy, qty(9_999)), Some(d("390")));
        assert_eq!(unit_price_for(&tiers, Currency::Jpy, qty(10_000)), Some(d("370.5")));
        assert_eq!(unit_price_for(&tiers, Currency::Jpy, qty(1_000_000)), Some(d("370.5")));
        assert_eq!(unit_price_for(&tiers, Currency::Usd, qty(50_000)), Some(d("3")));
        assert_eq!(unit_price_for(&tiers[1..], Currency::Jpy, qty(9_999)), None);
        let duplicated = [tiers[0].clone(), PriceTier { unit_price: d("380"), ..tiers[0].clone() }];
        assert_eq!(unit_price_for(&duplicated, Currency::Jpy, qty(500)), Some(d("380")));
    }

    #[test]
    fn line_amounts() {
        let none = DiscountPercent::ZERO;
        assert_eq!(
            line_amount(qty(100), d("390"), none, Currency::Jpy),
            Money::from_minor(39_000, Currency::Jpy)
        );
        let big = line_amount(qty(10_000), d("370.5"), none, Currency::Jpy);
        assert_eq!(big.to_string(), "¥3,705,000");
        let three = DiscountPercent::parse("discount", "3", d("10")).unwrap();
        // 1234 × 390 × 0.97 = 466,822.2
        assert_eq!(line_amount(qty(1234), d("390"), three, Currency::Jpy).to_string(), "¥466,822");
        // 101 × 390 × 0.97 = 38,207.7, a half-up case that goes up
        assert_eq!(line_amount(qty(101), d("390"), three, Currency::Jpy).to_string(), "¥38,208");
        assert_eq!(line_amount(qty(250), d("3.00"), none, Currency::Usd).to_string(), "$750.00");
        let odd = DiscountPercent::parse("discount", "2.5", d("10")).unwrap();
        // 333 × 2.99 × 0.975 = 970.77825
        assert_eq!(line_amount(qty(333), d("2.99"), odd, Currency::Usd).amount_string(), "970.78");
    }

    #[test]
    fn discounts() {
        let parse = |s| DiscountPercent::parse("discount", s, d("15"));
        assert_eq!(parse("3").map(DiscountPercent::to_hundredths), Ok(300));
        assert_eq!(parse(" ２．５％ ").map(DiscountPercent::get), Ok(d("2.5")));
        assert_eq!(parse("15.00").map(|p| p.to_string()), Ok("15%".to_owned()));
        assert_eq!(parse("0").map(DiscountPercent::to_hundredths), Ok(0));
        let code = |s| parse(s).unwrap_err().code;
        assert_eq!(
            [code(""), code("abc"), code("-1"), code("2.555")],
            ["required", "not_a_number", "too_small", "too_precise"]
        );
        let error = parse("15.01").unwrap_err();
        assert_eq!(
            (error.code, error.message.ja.as_ref()),
            ("too_large", "割引率は15%以下で入力してください。")
        );
        assert_eq!(
            DiscountPercent::parse("d", "100", d("250")).map(DiscountPercent::to_hundredths),
            Ok(10_000)
        );
        assert_eq!(DiscountPercent::parse("d", "100.01", d("250")).unwrap_err().code, "too_large");
        assert_eq!(DiscountPercent::from_hundredths(10_001), None);
        assert_eq!(DiscountPercent::new(d("3.000")), DiscountPercent::from_hundredths(300));
    }

    #[test]
    fn unit_prices() {
        let parse = |s| PriceTier::parse_unit_price("unit_price", s);
        assert_eq!(parse("370.5"), Ok(d("370.5")));
        assert_eq!(parse("3.00"), Ok(d("3")));
        let code = |s| parse(s).unwrap_err().code;
        assert_eq!(
            [code(""), code("¥390"), code("0"), code("1.00001")],
            ["required", "not_a_number", "too_small", "too_precise"]
        );
        assert_eq!(code("1000000000.5"), "too_large");
    }
}
