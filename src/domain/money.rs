//! Currencies, money amounts and their minor units, rounding, and the plain decimal text of amounts.

use std::borrow::Cow;
use std::fmt;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::contact::fold_width;
use super::error::FieldError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Currency {
    Jpy,
    Usd,
}

impl Currency {
    pub const ALL: [Currency; 2] = [Currency::Jpy, Currency::Usd];

    pub fn code(self) -> &'static str {
        match self {
            Currency::Jpy => "JPY",
            Currency::Usd => "USD",
        }
    }

    /// Digits after the decimal point of the smallest unit that can actually be paid.
    pub fn minor_digits(self) -> u32 {
        match self {
            Currency::Jpy => 0,
            Currency::Usd => 2,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Currency::Jpy => "¥",
            Currency::Usd => "$",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        let code = code.trim();
        Self::ALL.into_iter().find(|c| c.code().eq_ignore_ascii_case(code))
    }

    pub fn parse(field: impl Into<Cow<'static, str>>, input: &str) -> Result<Self, FieldError> {
        if input.trim().is_empty() {
            return Err(FieldError::new(field, "required", "Choose a currency.", "通貨を選択してください。"));
        }
        Self::from_code(input).ok_or_else(|| {
            FieldError::new(
                field,
                "unsupported_currency",
                "Choose JPY or USD.",
                "通貨はJPYまたはUSDを選択してください。",
            )
        })
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Currency::from_code(&code)
            .ok_or_else(|| serde::de::Error::custom(format!("unsupported currency {code:?}")))
    }
}

/// How an exact amount becomes a payable one. Amounts here are never negative, so `Down` is also a floor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    Down,
    HalfUp,
    Up,
}

impl Rounding {
    pub const ALL: [Rounding; 3] = [Rounding::Down, Rounding::HalfUp, Rounding::Up];

    /// The stored and serialised name (`down`, `half_up`, `up`).
    pub fn code(self) -> &'static str {
        match self {
            Rounding::Down => "down",
            Rounding::HalfUp => "half_up",
            Rounding::Up => "up",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        let code = code.trim();
        Self::ALL.into_iter().find(|r| r.code().eq_ignore_ascii_case(code))
    }

    pub fn parse(field: impl Into<Cow<'static, str>>, input: &str) -> Result<Self, FieldError> {
        if input.trim().is_empty() {
            return Err(FieldError::new(
                field,
                "required",
                "Choose a rounding.",
                "端数処理を選択してください。",
            ));
        }
        Self::from_code(input).ok_or_else(|| {
            FieldError::new(
                field,
                "unknown_rounding",
                "Choose down, half_up or up.",
                "端数処理は切り捨て(down)・四捨五入(half_up)・切り上げ(up)から選択してください。",
            )
        })
    }

    pub fn strategy(self) -> RoundingStrategy {
        match self {
            Rounding::Down => RoundingStrategy::ToZero,
            Rounding::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            Rounding::Up => RoundingStrategy::AwayFromZero,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("{amount} has more decimal places than {currency} allows")]
    TooPrecise { amount: Decimal, currency: Currency },
    #[error("{amount} {currency} is out of range")]
    OutOfRange { amount: Decimal, currency: Currency },
    #[error("cannot combine {left} with {right}")]
    CurrencyMismatch { left: Currency, right: Currency },
}

/// An amount in a currency. It may carry more precision than the currency pays in (an unrounded
/// intermediate); `to_minor` is where that is refused, so nothing unpayable reaches the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Money {
    pub amount: Decimal,
    pub currency: Currency,
}

impl Money {
    pub fn new(amount: Decimal, currency: Currency) -> Self {
        Self { amount, currency }
    }

    pub fn zero(currency: Currency) -> Self {
        Self::from_minor(0, currency)
    }

    pub fn from_minor(minor: i64, currency: Currency) -> Self {
        Self { amount: Decimal::new(minor, currency.minor_digits()), currency }
    }

    pub fn to_minor(&self) -> Result<i64, MoneyError> {
        let out_of_range = || MoneyError::OutOfRange { amount: self.amount, currency: self.currency };
        let scaled = self.amount.checked_mul(Decimal::from(10_i64.pow(self.currency.minor_digits())));
        let scaled = scaled.ok_or_else(out_of_range)?;
        if !scaled.fract().is_zero() {
            return Err(MoneyError::TooPrecise { amount: self.amount, currency: self.currency });
        }
        scaled.to_i64().ok_or_else(out_of_range)
    }

    /// Rounds to the currency's minor unit and always carries exactly that many decimals, so `¥5` and
    /// `$5.00` print and serialise the same way however they were computed.
    pub fn round_to_minor(amount: Decimal, currency: Currency, rounding: Rounding) -> Self {
        let digits = currency.minor_digits();
        let mut rounded = amount.round_dp_with_strategy(digits, rounding.strategy());
        rounded.rescale(digits);
        Self { amount: rounded, currency }
    }

    pub fn checked_add(&self, other: &Money) -> Result<Money, MoneyError> {
        if self.currency != other.currency {
            return Err(MoneyError::CurrencyMismatch { left: self.currency, right: other.currency });
        }
        let sum = self.amount.checked_add(other.amount);
        let sum = sum.ok_or(MoneyError::OutOfRange { amount: self.amount, currency: self.currency })?;
        Ok(Money { amount: sum, currency: self.currency })
    }

    /// The amount without symbol or grouping (`42900`, `750.00`), for inputs, CSV and JSON.
    /// Extra precision is shown rather than hidden, so a unit price of ¥370.5 stays `370.5`.
    pub fn amount_string(&self) -> String {
        let digits = self.currency.minor_digits();
        let mut amount = self.amount.normalize();
        if amount.scale() < digits {
            amount.rescale(digits);
        }
        amount.to_string()
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plain = self.amount_string();
        let (sign, unsigned) = match plain.strip_prefix('-') {
            Some(rest) => ("-", rest),
            None => ("", plain.as_str()),
        };
        let (int, frac) = match unsigned.split_once('.') {
            Some((int, frac)) => (int, Some(frac)),
            None => (unsigned, None),
        };
        write!(f, "{sign}{}{}", self.currency.symbol(), group_thousands(int))?;
        match frac {
            Some(frac) => write!(f, ".{frac}"),
            None => Ok(()),
        }
    }
}

fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[derive(Serialize, Deserialize)]
struct MoneyRepr {
    amount: String,
    currency: Currency,
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        MoneyRepr { amount: self.amount_string(), currency: self.currency }.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let repr = MoneyRepr::deserialize(deserializer)?;
        let amount = plain_decimal(&repr.amount)
            .map_err(|_| serde::de::Error::custom(format!("invalid amount {:?}", repr.amount)))?;
        Ok(Money { amount, currency: repr.currency })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecimalTextError {
    NotANumber,
    OutOfRange,
}

/// Reads `123`, `-4.5` or full-width `１２３．４`. Exponents, `_`, `+`, grouping commas and bare `.5`
/// are refused because `Decimal::from_str` would accept some of them and round overlong fractions.
pub fn plain_decimal(text: &str) -> Result<Decimal, DecimalTextError> {
    let folded: String = text.chars().map(fold_width).collect();
    let folded = folded.trim();
    let unsigned = folded.strip_prefix('-').unwrap_or(folded);
    let (int, frac) = match unsigned.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (unsigned, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(int) || frac.is_some_and(|frac| !all_digits(frac)) {
        return Err(DecimalTextError::NotANumber);
    }
    Decimal::from_str_exact(folded).map_err(|_| DecimalTextError::OutOfRange)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    #[test]
    fn currency_codes_are_case_insensitive() {
        assert_eq!(Currency::parse("currency", " jpy "), Ok(Currency::Jpy));
        assert_eq!(Currency::parse("currency", "Usd"), Ok(Currency::Usd));
        assert_eq!(Currency::parse("currency", "EUR").map_err(|e| e.code), Err("unsupported_currency"));
        assert_eq!(Currency::parse("currency", "").map_err(|e| e.code), Err("required"));
    }

    #[test]
    fn display_and_plain_strings() {
        assert_eq!(Money::from_minor(42_900, Currency::Jpy).to_string(), "¥42,900");
        assert_eq!(Money::from_minor(75_000, Currency::Usd).to_string(), "$750.00");
        assert_eq!(Money::from_minor(75_000, Currency::Usd).amount_string(), "750.00");
        assert_eq!(Money::from_minor(4_075_500, Currency::Jpy).to_string(), "¥4,075,500");
        assert_eq!(Money::from_minor(-123_456_789, Currency::Usd).to_string(), "-$1,234,567.89");
        assert_eq!(Money::from_minor(0, Currency::Usd).to_string(), "$0.00");
        assert_eq!(Money::new(d("390.00"), Currency::Jpy).to_string(), "¥390");
        assert_eq!(Money::new(d("370.5"), Currency::Jpy).to_string(), "¥370.5");
        assert_eq!(Money::new(d("999"), Currency::Jpy).to_string(), "¥999");
    }

    #[test]
    fn serde_shape() {
        let json = serde_json::to_string(&Money::from_minor(42_900, Currency::Jpy)).unwrap();
        assert_eq!(json, r#"{"amount":"42900","currency":"JPY"}"#);
        let back: Money = serde_json::from_str(r#"{"amount":"750.00","currency":"usd"}"#).unwrap();
        assert_eq!(back, Money::from_minor(75_000, Currency::Usd));
        assert!(serde_json::from_str::<Money>(r#"{"amount":"1e3","currency":"USD"}"#).is_err());
        assert!(serde_json::from_str::<Money>(r#"{"amount":"1_000","currency":"USD"}"#).is_err());
    }

    #[test]
    fn to_minor_refuses_extra_precision() {
        assert_eq!(Money::new(d("750.00"), Currency::Usd).to_minor(), Ok(75_000));
        assert_eq!(Money::new(d("42900.000"), Currency::Jpy).to_minor(), Ok(42_900));
        assert!(matches!(Money::new(d("0.5"), Currency::Jpy).to_minor(), Err(MoneyError::TooPrecise { .. })));
        assert!(matches!(
            Money::new(d("1.001"), Currency::Usd).to_minor(),
            Err(MoneyError::TooPrecise { .. })
        ));
        let huge = Money::new(d("10000000000000000000"), Currency::Jpy);
        assert!(matches!(huge.to_minor(), Err(MoneyError::OutOfRange { .. })));
    }

    #[test]
    fn rounding_modes() {
        let jpy = |s, r| Money::round_to_minor(d(s), Currency::Jpy, r).amount_string();
        assert_eq!(jpy("466822.5", Rounding::HalfUp), "466823");
        assert_eq!(jpy("466822.4", Rounding::HalfUp), "466822");
        assert_eq!(jpy("46682.9", Rounding::Down), "46682");
        assert_eq!(jpy("46682.1", Rounding::Up), "46683");
        assert_eq!(jpy("46682", Rounding::Up), "46682");
        assert_eq!(Money::round_to_minor(d("75"), Currency::Usd, Rounding::Down).amount_string(), "75.00");
        assert_eq!(
            Money::round_to_minor(d("0.125"), Currency::Usd, Rounding::HalfUp).amount_string(),
            "0.13"
        );
    }

    #[test]
    fn rounding_codes_roundtrip_and_unknown_ones_are_named() {
        for rounding in Rounding::ALL {
            assert_eq!(Rounding::from_code(rounding.code()), Some(rounding));
            assert_eq!(serde_json::to_value(rounding).unwrap(), rounding.code());
        }
        assert_eq!(Rounding::parse("rounding", " HALF_UP "), Ok(Rounding::HalfUp));
        assert_eq!(Rounding::parse("rounding", "sideways").map_err(|e| e.code), Err("unknown_rounding"));
        assert_eq!(Rounding::parse("rounding", "").map_err(|e| e.code), Err("required"));
    }

    #[test]
    fn mixing_currencies_is_refused() {
        let sum = Money::zero(Currency::Jpy).checked_add(&Money::zero(Currency::Usd));
        assert!(matches!(sum, Err(MoneyError::CurrencyMismatch { .. })));
    }

    #[test]
    fn plain_decimal_is_strict() {
        assert_eq!(plain_decimal(" １２．５ "), Ok(d("12.5")));
        assert_eq!(plain_decimal("-3"), Ok(d("-3")));
        for bad in ["", ".5", "5.", "1,000", "1_000", "1e3", "+1", "--1", "1.2.3", "abc"] {
            assert_eq!(plain_decimal(bad), Err(DecimalTextError::NotANumber), "{bad:?}");
        }
        assert_eq!(plain_decimal(&"9".repeat(40)), Err(DecimalTextError::OutOfRange));
    }

    proptest! {
        #[test]
        fn minor_units_roundtrip(minor in any::<i64>(), usd in any::<bool>()) {
            let currency = if usd { Currency::Usd } else { Currency::Jpy };
            prop_assert_eq!(Money::from_minor(minor, currency).to_minor(), Ok(minor));
        }

        #[test]
        fn rounded_amounts_always_fit_minor_units(units in 0_i64..1_000_000_000_000, scale in 0_u32..6) {
            for currency in Currency::ALL {
                for rounding in [Rounding::Down, Rounding::HalfUp, Rounding::Up] {
                    let money = Money::round_to_minor(Decimal::new(units, scale), currency, rounding);
                    prop_assert!(money.to_minor().is_ok());
                }
            }
        }
    }
}
