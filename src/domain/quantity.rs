//! Token counts: `TokenQuantity`, what a quote line sells, and `TokenAmount`, what the token ledger moves.

use std::borrow::Cow;
use std::fmt;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::contact::fold_width;
use super::error::FieldError;
use super::money::{DecimalTextError, plain_decimal};

/// A purchase quantity: Flex tokens are sold in whole tokens, at least 100 and at most 1,000,000 per line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TokenQuantity(u32);

impl TokenQuantity {
    pub const MIN: u32 = 100;
    pub const MAX: u32 = 1_000_000;

    pub fn new(tokens: u32) -> Option<Self> {
        (Self::MIN..=Self::MAX).contains(&tokens).then_some(Self(tokens))
    }

    pub fn get(self) -> u32 {
        self.0
    }

    pub fn to_decimal(self) -> Decimal {
        Decimal::from(self.0)
    }

    /// Form input, as people type it: digits (full-width ones are folded), optionally grouped by
    /// thousands with commas (`1,000`, `１，０００`). A comma anywhere else (`1,5`, `10,00`) is refused
    /// rather than guessed at, because a comma is a decimal separator in some of our partners' locales.
    pub fn parse(field: impl Into<Cow<'static, str>>, input: &str) -> Result<Self, FieldError> {
        let folded: String = input.chars().map(fold_width).collect();
        let trimmed = folded.trim();
        let ungrouped = without_thousands_separators(trimmed);
        let text = ungrouped.as_deref().unwrap_or(trimmed);
        if text.is_empty() {
            return Err(required(field));
        }
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(not_whole(field, text));
        }
        if negative {
            return Err(too_small(field));
        }
        let significant = digits.trim_start_matches('0');
        // Anything past seven significant digits is above the maximum, and folding it would overflow.
        if significant.len() > 7 {
            return Err(too_large(field));
        }
        let tokens = significant.bytes().fold(0_u32, |acc, b| acc * 10 + u32::from(b - b'0'));
        Self::in_range(field, u64::from(tokens))
    }

    /// JSON input: only an integer number is a quantity. `100.0` and `"100"` are refused so an API client
    /// learns its encoding is wrong instead of having it silently coerced.
    pub fn from_json(field: impl Into<Cow<'static, str>>, value: &Value) -> Result<Self, FieldError> {
        let wrong_type = |field, en, ja| FieldError::new(field, "not_a_whole_number", en, ja);
        match value {
            Value::Null => Err(required(field)),
            Value::Number(n) => match (n.as_u64(), n.as_i64()) {
                (Some(tokens), _) => Self::in_range(field, tokens),
                (None, Some(_)) => Err(too_small(field)),
                (None, None) => Err(wrong_type(
                    field.into(),
                    "Send the number of tokens as a JSON integer such as 100, not 100.0.",
                    "トークン数は100のような整数で送信してください（100.0のような小数表記は使えません）。",
                )),
            },
            Value::String(_) => Err(wrong_type(
                field.into(),
                "Send the number of tokens as a JSON integer, not a string.",
                "トークン数は文字列ではなく整数の数値で送信してください。",
            )),
            _ => Err(wrong_type(
                field.into(),
                "Send the number of tokens as a JSON integer.",
                "トークン数は整数の数値で送信してください。",
            )),
        }
    }

    fn in_range(field: impl Into<Cow<'static, str>>, tokens: u64) -> Result<Self, FieldError> {
        match u32::try_from(tokens).ok().and_then(Self::new) {
            Some(quantity) => Ok(quantity),
            None if tokens < u64::from(Self::MIN) => Err(too_small(field)),
            None => Err(too_large(field)),
        }
    }
}

/// `1,000,000` → `1000000` when every comma separates groups of exactly three digits; `None` when
/// there is no comma or one is out of place.
pub(crate) fn without_thousands_separators(text: &str) -> Option<String> {
    let mut groups = text.split(',');
    let first = groups.next()?;
    let rest: Vec<&str> = groups.collect();
    let digits = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
    let well_formed = !rest.is_empty()
        && digits(first)
        && first.len() <= 3
        && rest.iter().all(|g| g.len() == 3 && digits(g));
    well_formed.then(|| text.replace(',', ""))
}

fn required(field: impl Into<Cow<'static, str>>) -> FieldError {
    FieldError::new(field, "required", "Enter the number of tokens.", "トークン数を入力してください。")
}

fn too_small(field: impl Into<Cow<'static, str>>) -> FieldError {
    FieldError::new(
        field,
        "too_small",
        "Enter a whole number of at least 100.",
        "100以上の整数で入力してください。",
    )
}

fn too_large(field: impl Into<Cow<'static, str>>) -> FieldError {
    FieldError::new(
        field,
        "too_large",
        "Enter a whole number no greater than 1,000,000.",
        "1,000,000以下の整数で入力してください。",
    )
}

fn not_whole(field: impl Into<Cow<'static, str>>, text: &str) -> FieldError {
    let (en, ja) = if text.contains(',') {
        (
            "Enter digits, with commas only between groups of three (e.g. 1000 or 1,000).",
            "数字で入力してください。カンマは3桁区切りにのみ使えます（例: 1000 または 1,000）。",
        )
    } else if text.contains('.') {
        (
            "Tokens are sold in whole numbers; remove the decimals.",
            "トークン数は小数を含まない整数で入力してください。",
        )
    } else {
        ("Enter the number of tokens in digits.", "トークン数は数字で入力してください。")
    };
    FieldError::new(field, "not_a_whole_number", en, ja)
}

impl fmt::Display for TokenQuantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for TokenQuantity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u32(self.0)
    }
}

impl<'de> Deserialize<'de> for TokenQuantity {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let tokens = u32::deserialize(deserializer)?;
        Self::new(tokens).ok_or_else(|| serde::de::Error::custom("tokens must be between 100 and 1,000,000"))
    }
}

/// A signed ledger amount in thousandths of a token (usage is metered fractionally, e.g. 0.5).
/// Held as the integer the database stores, so sums are exact and cannot drift.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct TokenAmount(i64);

impl TokenAmount {
    pub const ZERO: Self = Self(0);
    pub const DECIMALS: u32 = 3;

    pub fn from_thousandths(thousandths: i64) -> Self {
        Self(thousandths)
    }

    pub fn to_thousandths(self) -> i64 {
        self.0
    }

    /// `None` when the value has more than three decimals or does not fit the ledger's integer column.
    pub fn from_decimal(value: Decimal) -> Option<Self> {
        if value.normalize().scale() > Self::DECIMALS {
            return None;
        }
        value.checked_mul(Decimal::from(1000)).and_then(|t| t.to_i64()).map(Self)
    }

    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0, Self::DECIMALS)
    }

    pub fn checked_add(self, other: Self) -> Option<Self> {
        self.0.checked_add(other.0).map(Self)
    }

    pub fn checked_sub(self, other: Self) -> Option<Self> {
        self.0.checked_sub(other.0).map(Self)
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// Form input such as `12.5` or `-0.25`; a sign is allowed because adjustments can remove tokens.
    pub fn parse(field: impl Into<Cow<'static, str>>, input: &str) -> Result<Self, FieldError> {
        if input.trim().is_empty() {
            return Err(FieldError::new(
                field,
                "required",
                "Enter a token amount.",
                "トークン数を入力してください。",
            ));
        }
        let too_large = |field| {
            FieldError::new(field, "too_large", "This amount is too large.", "トークン数が大きすぎます。")
        };
        let value = match plain_decimal(input) {
            Ok(value) => value,
            Err(DecimalTextError::OutOfRange) => return Err(too_large(field.into())),
            Err(DecimalTextError::NotANumber) => {
                return Err(FieldError::new(
                    field,
                    "not_a_number",
                    "Enter a number such as 12.5.",
                    "12.5のような数値で入力してください。",
                ));
            }
        };
        if value.normalize().scale() > Self::DECIMALS {
            return Err(FieldError::new(
                field,
                "too_precise",
                "Use at most 3 decimal places.",
                "小数点以下は3桁までで入力してください。",
            ));
        }
        Self::from_decimal(value).ok_or_else(|| too_large(field.into()))
    }
}

impl From<TokenQuantity> for TokenAmount {
    fn from(quantity: TokenQuantity) -> Self {
        Self(i64::from(quantity.0) * 1000)
    }
}

impl fmt::Display for TokenAmount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_decimal().normalize())
    }
}

impl Serialize for TokenAmount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TokenAmount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse("tokens", &text).map_err(|e| serde::de::Error::custom(e.message.en))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn code(result: Result<TokenQuantity, FieldError>) -> &'static str {
        result.map(|q| panic!("accepted {q}")).unwrap_or_else(|e| e.code)
    }

    #[test]
    fn form_quantities() {
        assert_eq!(TokenQuantity::parse("tokens", "100").map(TokenQuantity::get), Ok(100));
        assert_eq!(TokenQuantity::parse("tokens", " 1000000 ").map(TokenQuantity::get), Ok(1_000_000));
        assert_eq!(TokenQuantity::parse("tokens", "１２３４").map(TokenQuantity::get), Ok(1234));
        assert_eq!(TokenQuantity::parse("tokens", "000250").map(TokenQuantity::get), Ok(250));
        assert_eq!(code(TokenQuantity::parse("tokens", "99")), "too_small");
        assert_eq!(code(TokenQuantity::parse("tokens", "100.5")), "not_a_whole_number");
        assert_eq!(code(TokenQuantity::parse("tokens", "-1")), "too_small");
        assert_eq!(code(TokenQuantity::parse("tokens", "abc")), "not_a_whole_number");
        assert_eq!(code(TokenQuantity::parse("tokens", "")), "required");
        assert_eq!(code(TokenQuantity::parse("tokens", "   ")), "required");
        assert_eq!(code(TokenQuantity::parse("tokens", "1000001")), "too_large");
        assert_eq!(code(TokenQuantity::parse("tokens", "99999999999999999999999")), "too_large");
        assert_eq!(TokenQuantity::parse("tokens", "1,000").map(TokenQuantity::get), Ok(1000));
        assert_eq!(TokenQuantity::parse("tokens", "１，０００").map(TokenQuantity::get), Ok(1000));
        assert_eq!(TokenQuantity::parse("tokens", "1,000,000").map(TokenQuantity::get), Ok(1_000_000));
        assert_eq!(code(TokenQuantity::parse("tokens", "1,000,001")), "too_large");
        assert_eq!(code(TokenQuantity::parse("tokens", "1,5")), "not_a_whole_number");
        assert_eq!(code(TokenQuantity::parse("tokens", "10,00")), "not_a_whole_number");
        assert_eq!(code(TokenQuantity::parse("tokens", "1000,000")), "not_a_whole_number");
        assert_eq!(code(TokenQuantity::parse("tokens", ",100")), "not_a_whole_number");
        assert_eq!(code(TokenQuantity::parse("tokens", "100,")), "not_a_whole_number");
        assert_eq!(code(TokenQuantity::parse("tokens", "1,,000")), "not_a_whole_number");
        assert_eq!(code(TokenQuantity::parse("tokens", "-1,000")), "not_a_whole_number");
        assert_eq!(code(TokenQuantity::parse("tokens", "1 000")), "not_a_whole_number");
        assert_eq!(code(TokenQuantity::parse("tokens", "+100")), "not_a_whole_number");
        assert_eq!(code(TokenQuantity::parse("tokens", "-")), "not_a_whole_number");
    }

    #[test]
    fn errors_name_the_field_and_speak_both_languages() {
        let error = TokenQuantity::parse("lines[2].tokens", "99").unwrap_err();
        assert_eq!(error.field, "lines[2].tokens");
        assert_eq!(error.message.ja, "100以上の整数で入力してください。");
        let comma = TokenQuantity::parse("tokens", "1,00").unwrap_err();
        assert!(comma.message.en.contains("groups of three"));
    }

    #[test]
    fn json_quantities() {
        let parse = |v: Value| TokenQuantity::from_json("tokens", &v);
        assert_eq!(parse(json!(100)).map(TokenQuantity::get), Ok(100));
        assert_eq!(parse(json!(1_000_000)).map(TokenQuantity::get), Ok(1_000_000));
        assert_eq!(code(parse(json!(99))), "too_small");
        assert_eq!(code(parse(json!(-1))), "too_small");
        assert_eq!(code(parse(json!(1_000_001))), "too_large");
        assert_eq!(code(parse(json!(u64::MAX))), "too_large");
        assert_eq!(code(parse(Value::Null)), "required");
        let float: Value = serde_json::from_str("100.0").unwrap();
        let error = parse(float).unwrap_err();
        assert_eq!(error.code, "not_a_whole_number");
        assert!(error.message.en.contains("not 100.0"));
        let string = parse(json!("100")).unwrap_err();
        assert!(string.message.en.contains("not a string"));
        assert_eq!(code(parse(json!(true))), "not_a_whole_number");
    }

    #[test]
    fn token_amounts() {
        let half = TokenAmount::parse("amount", "0.5").unwrap();
        assert_eq!((half.to_thousandths(), half.to_string()), (500, "0.5".to_owned()));
        assert_eq!(TokenAmount::from(TokenQuantity::new(100).unwrap()).to_string(), "100");
        assert_eq!(TokenAmount::parse("amount", "100.000").unwrap().to_string(), "100");
        assert_eq!(TokenAmount::parse("amount", "1.250").unwrap().to_thousandths(), 1250);
        assert_eq!(TokenAmount::from_thousandths(-1).to_string(), "-0.001");
        let code = |s| TokenAmount::parse("amount", s).unwrap_err().code;
        assert_eq!((code(""), code("x"), code("0.0005")), ("required", "not_a_number", "too_precise"));
        assert_eq!(code("99999999999999999999"), "too_large");
        assert_eq!(half.checked_add(half), Some(TokenAmount::from_thousandths(1000)));
        assert_eq!(TokenAmount::ZERO.checked_sub(half).map(TokenAmount::is_negative), Some(true));
        assert_eq!(TokenAmount::from_thousandths(i64::MAX).checked_add(half), None);
        assert_eq!(serde_json::to_string(&half).unwrap(), r#""0.5""#);
    }

    proptest! {
        #[test]
        fn every_valid_quantity_parses(tokens in 100_u32..=1_000_000) {
            let expected = TokenQuantity::new(tokens);
            prop_assert_eq!(TokenQuantity::parse("t", &tokens.to_string()).ok(), expected);
            prop_assert_eq!(TokenQuantity::from_json("t", &json!(tokens)).ok(), expected);
            prop_assert!(expected.is_some());
        }

        #[test]
        fn out_of_range_quantities_are_refused(tokens in prop_oneof![0_u64..100, 1_000_001_u64..u64::MAX]) {
            let expected = if tokens < 100 { "too_small" } else { "too_large" };
            prop_assert_eq!(code(TokenQuantity::parse("t", &tokens.to_string())), expected);
        }

        #[test]
        fn thousandths_roundtrip(thousandths in any::<i64>()) {
            let amount = TokenAmount::from_thousandths(thousandths);
            prop_assert_eq!(amount.to_thousandths(), thousandths);
            prop_assert_eq!(TokenAmount::from_decimal(amount.to_decimal()), Some(amount));
            prop_assert_eq!(TokenAmount::parse("a", &amount.to_string()), Ok(amount));
        }
    }
}
