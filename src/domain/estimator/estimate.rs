//! The estimate itself, a pure function of the rates in force and the usage typed: tokens per month
//! for each API (rounded up to the thousandth, as a charge is), per year, and the purchase to suggest.
//!
//! All of it is integer arithmetic in thousandths (of units and of tokens) in `u128`, so nothing is
//! rounded except the one rounding up per line.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::rate::TokenRate;
use crate::domain::error::{FieldError, FieldErrors, Localized, Result};
use crate::domain::money::{DecimalTextError, plain_decimal};
use crate::domain::quantity::without_thousands_separators;
use crate::domain::tokens::TokenAmount;
use crate::domain::tokens::amount::INPUT_LIMIT_TOKENS;

/// The most items one estimate may carry.
pub const MAX_ITEMS: usize = 50;
/// The smallest purchase Autodesk accepts, in tokens.
pub const MINIMUM_PURCHASE: u64 = 100;
/// The largest quantity one order line carries; larger suggestions are split by the reseller.
pub const ORDER_LIMIT: u64 = 1_000_000;
/// A trillion units a month is beyond any real use: refusing more keeps the products far from overflow.
const MAX_MONTHLY_UNITS: i64 = 1_000_000_000_000;
const UNIT_DECIMALS: u32 = 3;
const THOUSAND: u128 = 1000;

/// One line as sent: an API code and the units used per month, both still text.
#[derive(Debug, Clone, Default)]
pub struct EstimateItem {
    pub api: String,
    pub monthly_units: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EstimateLine {
    pub rate: TokenRate,
    pub monthly_units: Decimal,
    pub tokens_per_month: TokenAmount,
    pub tokens_per_year: TokenAmount,
}

/// Something the reader should know before buying; `code` is stable, the message is for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub code: &'static str,
    pub message: Localized,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Estimate {
    /// The day whose rates were used.
    pub on: NaiveDate,
    pub lines: Vec<EstimateLine>,
    pub tokens_per_month: TokenAmount,
    pub tokens_per_year: TokenAmount,
    /// Whole tokens covering a year of this use, and never less than the minimum purchase.
    pub suggested_purchase: u64,
    pub warnings: Vec<Warning>,
}

/// Estimates `items` with `rates` (those in force on `on`).
///
/// # Errors
/// `Validation` naming each bad field: `items` when there are none or more than [`MAX_ITEMS`],
/// `items[i].api` for an API without a rate in force, `items[i].monthly_units` for text that is not a
/// number of at most 3 decimals from 0 to a trillion, or usage whose tokens would be absurd.
pub fn estimate(rates: &[TokenRate], on: NaiveDate, items: &[EstimateItem]) -> Result<Estimate> {
    let mut errors = FieldErrors::new();
    if items.is_empty() {
        errors.push(FieldError::new(
            "items",
            "required",
            "Add at least one API and its monthly use.",
            "APIと月間の利用量を1件以上入力してください。",
        ));
    } else if items.len() > MAX_ITEMS {
        errors.push(FieldError::new(
            "items",
            "too_many",
            format!("Send at most {MAX_ITEMS} items."),
            format!("項目は{MAX_ITEMS}件までにしてください。"),
        ));
    }
    errors.into_result()?;
    let by_api: HashMap<&str, &TokenRate> = rates.iter().map(|r| (r.api.as_str(), r)).collect();
    let mut errors = FieldErrors::new();
    let mut lines = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let rate = errors
            .check(rate_for(&by_api, rates, item.api.trim()).map_err(|e| e.at(format!("items[{i}].api"))));
        let units = errors.check(
            parse_monthly_units(&item.monthly_units).map_err(|e| e.at(format!("items[{i}].monthly_units"))),
        );
        let (Some(rate), Some(units)) = (rate, units) else { continue };
        match line(rate, units) {
            Some(line) => lines.push(line),
            None => errors.push(
                FieldError::new(
                    "monthly_units",
                    "too_large",
                    "This use is beyond what the estimator computes; ask a reseller directly.",
                    "この利用量は試算の範囲を超えています。販売店に直接ご相談ください。",
                )
                .at(format!("items[{i}].monthly_units")),
            ),
        }
    }
    errors.into_result()?;
    let month: i64 = lines.iter().map(|l| l.tokens_per_month.to_thousandths()).sum();
    let year = month * 12;
    let whole_year = u64::try_from(year).unwrap_or(0).div_ceil(1000);
    let suggested_purchase = whole_year.max(MINIMUM_PURCHASE);
    let warnings = warnings(&lines, whole_year, suggested_purchase);
    Ok(Estimate {
        on,
        lines,
        tokens_per_month: TokenAmount::from_thousandths(month),
        tokens_per_year: TokenAmount::from_thousandths(year),
        suggested_purchase,
        warnings,
    })
}

fn rate_for<'a>(
    by_api: &HashMap<&str, &'a TokenRate>,
    rates: &[TokenRate],
    api: &str,
) -> Result<&'a TokenRate, FieldError> {
    if api.is_empty() {
        return Err(FieldError::new("api", "required", "Choose an API.", "APIを選択してください。"));
    }
    by_api.get(api).copied().ok_or_else(|| {
        let known: Vec<&str> = rates.iter().map(|r| r.api.as_str()).collect();
        let known = known.join(", ");
        FieldError::new(
            "api",
            "unknown_api",
            format!("No rate is in force for this API. Known APIs: {known}."),
            format!("このAPIには適用中の換算レートがありません。対応API: {known}"),
        )
    })
}

/// A number of units from 0 to a trillion with at most 3 decimals: `3000000`, `2.5`.
///
/// # Errors
/// `required`, `not_a_number`, `negative`, `too_precise` or `too_large`, for the field `monthly_units`.
pub fn parse_monthly_units(input: &str) -> Result<Decimal, FieldError> {
    const FIELD: &str = "monthly_units";
    if input.trim().is_empty() {
        return Err(FieldError::new(
            FIELD,
            "required",
            "Enter the use per month.",
            "月間の利用量を入力してください。",
        ));
    }
    let too_large = || {
        FieldError::new(
            FIELD,
            "too_large",
            "Enter at most 1,000,000,000,000 units per month.",
            "月間の利用量は1,000,000,000,000以下で入力してください。",
        )
    };
    // People type `3,000,000`; only well-placed separators of a whole number are read as such.
    let ungrouped = without_thousands_separators(input.trim());
    let units = match plain_decimal(ungrouped.as_deref().unwrap_or(input)) {
        Ok(units) => units,
        Err(DecimalTextError::OutOfRange) => return Err(too_large()),
        Err(DecimalTextError::NotANumber) => {
            return Err(FieldError::new(
                FIELD,
                "not_a_number",
                "Enter a number such as 3000000 or 2.5.",
                "3000000や2.5のような数値で入力してください。",
            ));
        }
    };
    if units.is_sign_negative() && !units.is_zero() {
        return Err(FieldError::new(FIELD, "negative", "Enter 0 or more.", "0以上で入力してください。"));
    }
    if units.normalize().scale() > UNIT_DECIMALS {
        return Err(FieldError::new(
            FIELD,
            "too_precise",
            "Use at most 3 decimal places.",
            "小数点以下は3桁までで入力してください。",
        ));
    }
    if units > Decimal::from(MAX_MONTHLY_UNITS) {
        return Err(too_large());
    }
    Ok(units.abs().normalize())
}

/// `None` when the tokens of a month exceed what one input may carry.
fn line(rate: &TokenRate, units: Decimal) -> Option<EstimateLine> {
    let units_thousandths = units.checked_mul(Decimal::from(1000))?.to_u128()?;
    let tokens = u128::try_from(rate.rate.tokens.to_thousandths()).ok()?;
    let per = u128::from(rate.rate.per_units).checked_mul(THOUSAND)?;
    let month = units_thousandths.checked_mul(tokens)?.div_ceil(per);
    let limit = u128::try_from(INPUT_LIMIT_TOKENS).ok()? * THOUSAND;
    if month > limit {
        return None;
    }
    let month = i64::try_from(month).ok()?;
    Some(EstimateLine {
        rate: rate.clone(),
        monthly_units: units,
        tokens_per_month: TokenAmount::from_thousandths(month),
        tokens_per_year: TokenAmount::from_thousandths(month.checked_mul(12)?),
    })
}

fn warnings(lines: &[EstimateLine], whole_year: u64, suggested: u64) -> Vec<Warning> {
    let mut warnings = vec![Warning {
        code: "tokens_expire",
        message: Localized::new(
            "Tokens expire one year after purchase and unused tokens are lost: buy what you expect to use within a year.",
            "トークンの有効期限は購入から1年です。使わなかったトークンは失効するため、1年以内に使う量を購入してください。",
        ),
    }];
    if whole_year < MINIMUM_PURCHASE {
        warnings.push(Warning {
            code: "minimum_purchase",
            message: Localized::new(
                format!(
                    "Your estimated use is {whole_year} tokens a year; the minimum purchase is {MINIMUM_PURCHASE} tokens."
                ),
                format!("推定の年間利用量は{whole_year}トークンです。最小購入数は{MINIMUM_PURCHASE}トークンです。"),
            ),
        });
    }
    if suggested > ORDER_LIMIT {
        warnings.push(Warning {
            code: "above_order_limit",
            message: Localized::new(
                format!(
                    "One order carries at most {ORDER_LIMIT} tokens: the reseller will split this purchase."
                ),
                format!("1回の注文は{ORDER_LIMIT}トークンまでです。販売店が複数の注文に分けます。"),
            ),
        });
    }
    let mut seen = Vec::new();
    for line in lines.iter().filter(|l| l.rate.historical) {
        if seen.contains(&line.rate.api) {
            continue;
        }
        seen.push(line.rate.api.clone());
        warnings.push(Warning {
            code: "historical_rate",
            message: Localized::new(
                format!(
                    "The rate for {} is a historical published rate: confirm the current rate with your reseller.",
                    line.rate.name.en
                ),
                format!("{}の換算レートは過去に公表された値です。最新のレートは販売店にご確認ください。", line.rate.name.ja),
            ),
        });
    }
    warnings
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::error::Error;
    use crate::domain::estimator::rate::{ApiCode, Rate};
    use crate::domain::price_book::EffectivePeriod;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn rate(api: &str, thousandths: i64, per_units: u64, historical: bool) -> TokenRate {
        TokenRate {
            id: uuid::Uuid::nil(),
            api: ApiCode::parse("api", api).unwrap(),
            name: Localized::new(api.to_owned(), api.to_owned()),
            unit: Localized::new("units", "単位"),
            rate: Rate { tokens: TokenAmount::from_thousandths(thousandths), per_units },
            period: EffectivePeriod { from: day("2024-01-01"), to: None },
            historical,
        }
    }

    fn seeded() -> Vec<TokenRate> {
        vec![rate("model_derivative_basic", 1000, 300_000, true), rate("automation_fusion", 3000, 1, true)]
    }

    fn item(api: &str, units: &str) -> EstimateItem {
        EstimateItem { api: api.into(), monthly_units: units.into() }
    }

    fn run(items: &[EstimateItem]) -> Result<Estimate> {
        estimate(&seeded(), day("2026-12-01"), items)
    }

    fn fields(result: Result<Estimate>) -> Vec<(String, &'static str)> {
        match result {
            Err(Error::Validation(errors)) => {
                errors.into_iter().map(|e| (e.field.into_owned(), e.code)).collect()
            }
            other => panic!("expected field errors, got {other:?}"),
        }
    }

    #[test]
    fn three_million_model_derivative_calls_a_month_are_ten_tokens_and_a_purchase_of_120() {
        let e = run(&[item("model_derivative_basic", "3000000")]).unwrap();
        assert_eq!(e.tokens_per_month.to_string(), "10");
        assert_eq!(run(&[item("model_derivative_basic", " 3,000,000 ")]).unwrap(), e);
        assert_eq!(e.tokens_per_year.to_string(), "120");
        assert_eq!(e.suggested_purchase, 120);
        let codes: Vec<_> = e.warnings.iter().map(|w| w.code).collect();
        assert_eq!(codes, ["tokens_expire", "historical_rate"]);
    }

    #[test]
    fn fractional_hours_and_tiny_use_round_up_to_the_thousandth_and_the_minimum_purchase() {
        let e = run(&[item("automation_fusion", "2.5")]).unwrap();
        assert_eq!(
            (e.tokens_per_month.to_string(), e.tokens_per_year.to_string()),
            ("7.5".into(), "90".into())
        );
        assert_eq!(e.suggested_purchase, 100);
        assert!(
            e.warnings.iter().any(|w| w.code == "minimum_purchase" && w.message.en.contains("90 tokens"))
        );
        // One call is 1/300000 of a token: charged as a whole thousandth.
        let e = run(&[item("model_derivative_basic", "1")]).unwrap();
        assert_eq!(e.tokens_per_month.to_thousandths(), 1);
        assert_eq!(e.tokens_per_year.to_string(), "0.012");
        assert_eq!(e.suggested_purchase, 100);
        let e = run(&[item("model_derivative_basic", "0")]).unwrap();
        assert_eq!((e.tokens_per_month, e.suggested_purchase), (TokenAmount::ZERO, 100));
    }

    #[test]
    fn lines_add_up_and_the_year_is_rounded_up_to_whole_tokens() {
        let e =
            run(&[item("model_derivative_basic", "3000000"), item("automation_fusion", "0.001")]).unwrap();
        assert_eq!(e.lines.len(), 2);
        assert_eq!(e.lines[1].tokens_per_month.to_string(), "0.003");
        assert_eq!(e.tokens_per_month.to_string(), "10.003");
        assert_eq!(e.tokens_per_year.to_string(), "120.036");
        assert_eq!(e.suggested_purchase, 121);
        let big = run(&[item("automation_fusion", "30000")]).unwrap();
        assert_eq!(
            (big.suggested_purchase, big.warnings.iter().any(|w| w.code == "above_order_limit")),
            (1_080_000, true)
        );
    }

    #[test]
    fn bad_items_are_named_by_their_position() {
        assert_eq!(
            fields(run(&[
                item("model_derivative_basic", "1"),
                item("design_automation", "1"),
                item("automation_fusion", "-1"),
                item("automation_fusion", "lots"),
                item("automation_fusion", "1.0005"),
                item("", ""),
                item("automation_fusion", "1000000000001"),
                item("automation_fusion", "1e3"),
                item("automation_fusion", "1,00"),
            ])),
            [
                ("items[1].api".into(), "unknown_api"),
                ("items[2].monthly_units".into(), "negative"),
                ("items[3].monthly_units".into(), "not_a_number"),
                ("items[4].monthly_units".into(), "too_precise"),
                ("items[5].api".into(), "required"),
                ("items[5].monthly_units".into(), "required"),
                ("items[6].monthly_units".into(), "too_large"),
                ("items[7].monthly_units".into(), "not_a_number"),
                ("items[8].monthly_units".into(), "not_a_number"),
            ]
        );
        assert_eq!(fields(run(&[])), [("items".into(), "required")]);
        assert_eq!(fields(run(&vec![item("automation_fusion", "1"); 51])), [("items".into(), "too_many")]);
        assert!(run(&vec![item("automation_fusion", "1"); 50]).is_ok());
        // Within the unit limit but beyond a billion tokens a month.
        assert_eq!(
            fields(run(&[item("automation_fusion", "1000000000")])),
            [("items[0].monthly_units".into(), "too_large")]
        );
    }

    #[test]
    fn a_current_rate_has_no_historical_warning() {
        let rates = [rate("automation_fusion", 3000, 1, false)];
        let e = estimate(&rates, day("2026-12-01"), &[item("automation_fusion", "100")]).unwrap();
        assert_eq!(e.warnings.iter().map(|w| w.code).collect::<Vec<_>>(), ["tokens_expire"]);
        assert_eq!(e.suggested_purchase, 3600);
    }
}
