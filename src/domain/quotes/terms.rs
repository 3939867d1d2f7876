//! The terms a reseller writes on a quote (lines, discount, currency, validity, notes), parsed
//! into types with a field error for every bad value.

use rust_decimal::Decimal;
use uuid::Uuid;

use super::pricing::OrderedLine;
use crate::domain::error::{FieldError, FieldErrors, Result};
use crate::domain::money::Currency;
use crate::domain::pricing::DiscountPercent;
use crate::domain::quantity::TokenQuantity;

const MAX_LINES: usize = 20;
const NOTES_MAX_CHARS: usize = 2_000;
pub const DEFAULT_VALID_DAYS: i32 = 30;

#[derive(Debug, Clone, Default)]
pub struct LineInput {
    pub tokens: serde_json::Value,
    pub discount_percent: Option<String>,
}

/// A quote as written by the reseller, unparsed.
#[derive(Debug, Clone, Default)]
pub struct QuoteInput {
    pub customer_id: Option<Uuid>,
    pub quote_request_id: Option<Uuid>,
    pub currency: Option<String>,
    pub lines: Vec<LineInput>,
    pub valid_days: Option<serde_json::Value>,
    pub notes: Option<String>,
}

pub(super) struct ParsedTerms {
    pub currency: Option<Currency>,
    pub lines: Vec<OrderedLine>,
    pub valid_days: i32,
    pub notes: String,
}

pub(super) fn parse_terms(input: &QuoteInput, max_discount: Decimal) -> Result<ParsedTerms> {
    let mut errors = FieldErrors::new();
    let currency = input
        .currency
        .as_deref()
        .filter(|c| !c.trim().is_empty())
        .and_then(|c| errors.check(Currency::parse("currency", c)));
    if input.lines.is_empty() {
        errors.push(FieldError::new(
            "lines",
            "required",
            "Add at least one line.",
            "明細を1行以上入力してください。",
        ));
    }
    if input.lines.len() > MAX_LINES {
        errors.push(FieldError::new("lines", "too_many", "At most 20 lines.", "明細は20行までです。"));
    }
    let mut lines = Vec::new();
    for (i, line) in input.lines.iter().take(MAX_LINES).enumerate() {
        let tokens = errors.check(TokenQuantity::from_json(format!("lines[{i}].tokens"), &line.tokens));
        let discount = match line.discount_percent.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            None => Some(DiscountPercent::ZERO),
            Some(text) => errors.check(DiscountPercent::parse(
                format!("lines[{i}].discount_percent"),
                text,
                max_discount,
            )),
        };
        if let (Some(tokens), Some(discount)) = (tokens, discount) {
            lines.push(OrderedLine { tokens, discount });
        }
    }
    let valid_days = match &input.valid_days {
        None | Some(serde_json::Value::Null) => Some(DEFAULT_VALID_DAYS),
        Some(value) => errors.check(parse_valid_days(value)),
    };
    let notes = input.notes.clone().unwrap_or_default();
    if notes.chars().count() > NOTES_MAX_CHARS {
        errors.push(FieldError::new(
            "notes",
            "too_long",
            "Use at most 2,000 characters.",
            "2,000文字以内で入力してください。",
        ));
    }
    errors.into_result()?;
    Ok(ParsedTerms {
        currency,
        lines,
        valid_days: valid_days.unwrap_or(DEFAULT_VALID_DAYS),
        notes: notes.chars().filter(|c| !c.is_control() || *c == '\n').collect::<String>().trim().to_owned(),
    })
}

fn parse_valid_days(value: &serde_json::Value) -> Result<i32, FieldError> {
    let number = match value {
        serde_json::Value::Number(n) => n.as_i64(),
        serde_json::Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    };
    match number {
        Some(days) if (14..=180).contains(&days) => Ok(i32::try_from(days).unwrap_or(DEFAULT_VALID_DAYS)),
        Some(_) => Err(FieldError::new(
            "valid_days",
            "out_of_range",
            "A quote is valid for 14 to 180 days.",
            "有効期間は14〜180日で指定してください。",
        )),
        None => Err(FieldError::new(
            "valid_days",
            "not_a_whole_number",
            "Enter a whole number of days.",
            "日数を整数で入力してください。",
        )),
    }
}
