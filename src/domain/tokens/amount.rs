//! Exact token amounts: [`TokenAmount`] (integer thousandths of a token), its strict input parsers, its
//! conversions to and from `Decimal`, and the checked arithmetic the ledger does with it.
//!
//! The type itself lives in `domain::quantity` beside `TokenQuantity`, which converts into it; this
//! module adds what the ledger needs and is the path the token code imports it from.

use std::borrow::Cow;

use rust_decimal::Decimal;

use crate::domain::error::FieldError;
use crate::domain::money::{DecimalTextError, plain_decimal};
pub use crate::domain::quantity::TokenAmount;

/// The largest amount, in whole tokens, that one input may carry. A thousand times the largest order
/// line (1,000,000 tokens): anything above is a typo or an attack, and refusing it keeps the sums of
/// millions of ledger entries far from the `i64` limit.
pub const INPUT_LIMIT_TOKENS: i64 = 1_000_000_000;

const THOUSANDTHS_PER_TOKEN: i64 = 1000;

/// A `Decimal` that is not a whole number of thousandths, or does not fit the ledger's integer column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{0} is not a token amount of at most 3 decimals within the ledger's range")]
pub struct NotATokenAmount(pub Decimal);

impl TokenAmount {
    /// Whole tokens; `None` when they do not fit in thousandths.
    pub fn from_tokens(tokens: i64) -> Option<Self> {
        tokens.checked_mul(THOUSANDTHS_PER_TOKEN).map(Self::from_thousandths)
    }

    /// Usage and consumption: a plain decimal greater than 0 with at most 3 decimals (`0.5`, `120`,
    /// `29.500`). Signs, exponents, grouping, a fourth decimal (even `1.0000`), blanks and amounts
    /// above [`INPUT_LIMIT_TOKENS`] are refused with a message naming `field`.
    ///
    /// # Errors
    /// A [`FieldError`] for `field` with the code `required`, `not_a_number`, `not_positive`,
    /// `too_precise` or `too_large`.
    pub fn parse_positive(field: impl Into<Cow<'static, str>>, input: &str) -> Result<Self, FieldError> {
        let field = field.into();
        let amount = parse_exact(field.clone(), input)?;
        if amount.is_positive() { Ok(amount) } else { Err(not_positive(field)) }
    }

    /// Operator adjustments, which may remove tokens: like [`TokenAmount::parse_positive`] but a
    /// leading `-` is allowed. Zero is refused because an adjustment of nothing is a mistake.
    ///
    /// # Errors
    /// A [`FieldError`] for `field` with the code `required`, `not_a_number`, `zero`, `too_precise` or
    /// `too_large`.
    pub fn parse_signed(field: impl Into<Cow<'static, str>>, input: &str) -> Result<Self, FieldError> {
        let field = field.into();
        let amount = parse_exact(field.clone(), input)?;
        if amount.is_zero() {
            return Err(FieldError::new(
                field,
                "zero",
                "Enter an amount other than 0.",
                "0以外のトークン数を入力してください。",
            ));
        }
        Ok(amount)
    }

    pub fn is_zero(self) -> bool {
        self.to_thousandths() == 0
    }

    pub fn is_positive(self) -> bool {
        self.to_thousandths() > 0
    }

    pub fn checked_neg(self) -> Option<Self> {
        self.to_thousandths().checked_neg().map(Self::from_thousandths)
    }

    pub fn checked_abs(self) -> Option<Self> {
        self.to_thousandths().checked_abs().map(Self::from_thousandths)
    }

    /// The exact sum, or `None` as soon as it would leave the `i64` range.
    pub fn checked_sum(amounts: impl IntoIterator<Item = Self>) -> Option<Self> {
        amounts.into_iter().try_fold(Self::ZERO, Self::checked_add)
    }
}

impl From<TokenAmount> for Decimal {
    fn from(amount: TokenAmount) -> Self {
        amount.to_decimal()
    }
}

impl TryFrom<Decimal> for TokenAmount {
    type Error = NotATokenAmount;

    fn try_from(value: Decimal) -> Result<Self, Self::Error> {
        Self::from_decimal(value).ok_or(NotATokenAmount(value))
    }
}

fn parse_exact(field: Cow<'static, str>, input: &str) -> Result<TokenAmount, FieldError> {
    if input.trim().is_empty() {
        return Err(FieldError::new(
            field,
            "required",
            "Enter a token amount.",
            "トークン数を入力してください。",
        ));
    }
    let value = match plain_decimal(input) {
        Ok(value) => value,
        Err(DecimalTextError::OutOfRange) => return Err(too_large(field)),
        Err(DecimalTextError::NotANumber) => {
            return Err(FieldError::new(
                field,
                "not_a_number",
                "Enter a number such as 12.5, without a sign, exponent or separators.",
                "12.5のような数値で入力してください（符号・指数・区切り記号は使えません）。",
            ));
        }
    };
    // The written scale, not the normalised one: `1.0000` has four decimals however it compares.
    if value.scale() > TokenAmount::DECIMALS {
        return Err(FieldError::new(
            field,
            "too_precise",
            "Use at most 3 decimal places.",
            "小数点以下は3桁までで入力してください。",
        ));
    }
    let limit = Decimal::from(INPUT_LIMIT_TOKENS);
    if value.abs() > limit {
        return Err(too_large(field));
    }
    TokenAmount::from_decimal(value).ok_or_else(|| too_large(field))
}

fn too_large(field: Cow<'static, str>) -> FieldError {
    FieldError::new(
        field,
        "too_large",
        "Enter at most 1,000,000,000 tokens.",
        "トークン数は1,000,000,000以下で入力してください。",
    )
}

fn not_positive(field: Cow<'static, str>) -> FieldError {
    FieldError::new(
        field,
        "not_positive",
        "Enter an amount greater than 0.",
        "0より大きいトークン数を入力してください。",
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn code(result: Result<TokenAmount, FieldError>) -> &'static str {
        result.map(|a| panic!("accepted {a}")).unwrap_or_else(|e| e.code)
    }

    fn thousandths(input: &str) -> i64 {
        TokenAmount::parse_positive("tokens", input).unwrap().to_thousandths()
    }

    #[test]
    fn usage_amounts_are_exact_thousandths() {
        assert_eq!(thousandths("0.5"), 500);
        assert_eq!(thousandths("120"), 120_000);
        assert_eq!(thousandths("29.500"), 29_500);
        assert_eq!(thousandths("0.001"), 1);
        assert_eq!(thousandths(" ２９．５ "), 29_500);
        assert_eq!(thousandths("1000000000"), 1_000_000_000_000);
    }

    #[test]
    fn usage_amounts_refuse_what_is_not_a_plain_positive_decimal() {
        let parse = |input| TokenAmount::parse_positive("events[3].tokens", input);
        assert_eq!(code(parse("")), "required");
        assert_eq!(code(parse("   ")), "required");
        assert_eq!(code(parse("0.0005")), "too_precise");
        assert_eq!(code(parse("1.0000")), "too_precise");
        assert_eq!(code(parse("-1")), "not_positive");
        assert_eq!(code(parse("-0.001")), "not_positive");
        assert_eq!(code(parse("0")), "not_positive");
        assert_eq!(code(parse("0.000")), "not_positive");
        for bad in ["+1", "1e3", "1E3", "1_000", "1,000", ".5", "5.", "NaN", "inf", "0x10", "abc", "1 000"] {
            assert_eq!(code(parse(bad)), "not_a_number", "{bad:?}");
        }
        assert_eq!(code(parse("1000000000.001")), "too_large");
        assert_eq!(code(parse("9223372036854775807")), "too_large");
        assert_eq!(code(parse(&"9".repeat(40))), "too_large");
    }

    #[test]
    fn errors_name_the_field_in_both_languages() {
        let error = TokenAmount::parse_positive("events[3].tokens", "0.0005").unwrap_err();
        assert_eq!(error.field, "events[3].tokens");
        assert_eq!(error.message.en, "Use at most 3 decimal places.");
        assert_eq!(error.message.ja, "小数点以下は3桁までで入力してください。");
        let negative = TokenAmount::parse_positive("tokens", "-2").unwrap_err();
        assert_eq!((negative.field.as_ref(), negative.code), ("tokens", "not_positive"));
        assert!(negative.message.ja.contains("0より大きい"));
    }

    #[test]
    fn adjustments_may_be_negative_but_not_zero() {
        let parse = |input| TokenAmount::parse_signed("adjustment", input);
        assert_eq!(parse("-12.25").map(TokenAmount::to_thousandths), Ok(-12_250));
        assert_eq!(parse("3").map(TokenAmount::to_thousandths), Ok(3000));
        assert_eq!(code(parse("0")), "zero");
        assert_eq!(code(parse("+3")), "not_a_number");
        assert_eq!(code(parse("--3")), "not_a_number");
        assert_eq!(code(parse("-1000000000.001")), "too_large");
        assert_eq!(code(parse("-0.0001")), "too_precise");
    }

    #[test]
    fn amounts_serialise_as_plain_decimal_strings() {
        let json = |input| serde_json::to_string(&TokenAmount::parse_positive("t", input).unwrap()).unwrap();
        assert_eq!(json("29.5"), r#""29.5""#);
        assert_eq!(json("29.500"), r#""29.5""#);
        assert_eq!(json("100"), r#""100""#);
        assert_eq!(json("0.001"), r#""0.001""#);
        assert_eq!(serde_json::to_string(&TokenAmount::from_thousandths(-70_000)).unwrap(), r#""-70""#);
    }

    #[test]
    fn decimal_conversion_both_ways() {
        let amount = TokenAmount::from_thousandths(29_500);
        assert_eq!(Decimal::from(amount), Decimal::new(295, 1));
        assert_eq!(Decimal::from(amount).scale(), 3);
        assert_eq!(TokenAmount::try_from(Decimal::new(295, 1)), Ok(amount));
        assert_eq!(TokenAmount::try_from(Decimal::new(29_5000, 4)), Ok(amount));
        let too_fine = Decimal::new(5, 4);
        assert_eq!(TokenAmount::try_from(too_fine), Err(NotATokenAmount(too_fine)));
        assert!(TokenAmount::try_from(Decimal::MAX).is_err());
    }

    #[test]
    fn arithmetic_is_checked_instead_of_overflowing() {
        let max = TokenAmount::from_thousandths(i64::MAX);
        let min = TokenAmount::from_thousandths(i64::MIN);
        let one = TokenAmount::from_thousandths(1);
        assert_eq!(max.checked_add(one), None);
        assert_eq!(min.checked_sub(one), None);
        assert_eq!(min.checked_neg(), None);
        assert_eq!(min.checked_abs(), None);
        assert_eq!(TokenAmount::checked_sum([max, one]), None);
        assert_eq!(TokenAmount::checked_sum([max, one, min]), None, "an overflow midway is not hidden");
        assert_eq!(TokenAmount::from_tokens(i64::MAX / 10), None);
        assert_eq!(TokenAmount::from_tokens(120), Some(TokenAmount::from_thousandths(120_000)));
        assert_eq!(TokenAmount::checked_sum([]), Some(TokenAmount::ZERO));
        assert_eq!(one.checked_neg().map(TokenAmount::to_thousandths), Some(-1));
    }

    proptest! {
        #[test]
        fn every_amount_within_the_limit_survives_text_and_decimal(
            thousandths in 1..=INPUT_LIMIT_TOKENS * 1000,
        ) {
            let amount = TokenAmount::from_thousandths(thousandths);
            prop_assert_eq!(TokenAmount::parse_positive("t", &amount.to_string()), Ok(amount));
            let negative = TokenAmount::parse_signed("t", &format!("-{amount}"));
            prop_assert_eq!(negative.map(TokenAmount::to_thousandths), Ok(-thousandths));
            prop_assert_eq!(TokenAmount::try_from(Decimal::from(amount)), Ok(amount));
            let json = serde_json::to_string(&amount).unwrap();
            prop_assert_eq!(serde_json::from_str::<TokenAmount>(&json).unwrap(), amount);
        }

        #[test]
        fn a_fourth_decimal_is_always_refused(whole in 0_u32..1_000_000, fraction in 0_u32..10_000) {
            let text = format!("{whole}.{fraction:04}");
            prop_assert_eq!(code(TokenAmount::parse_positive("t", &text)), "too_precise");
        }
    }
}
