//! A token rate: how many tokens Autodesk charges for a number of units of one API, and the days it
//! is in force. Exact integers all the way: tokens in thousandths per a whole number of units.

use std::borrow::Cow;

use chrono::NaiveDate;
use uuid::Uuid;

use crate::domain::error::{FieldError, Localized};
use crate::domain::price_book::EffectivePeriod;
use crate::domain::tokens::TokenAmount;

/// The largest number of units a rate may be expressed per (a trillion calls).
pub const MAX_PER_UNITS: u64 = 1_000_000_000_000;
const API_MAX_CHARS: usize = 50;

/// An API's code as usage reports and the estimator name it: `model_derivative_basic`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct ApiCode(String);

impl ApiCode {
    /// Lower-case letters, digits and `_`, starting with a letter, 2 to 50 characters.
    ///
    /// # Errors
    /// `required` or `invalid_api_code` for `field`.
    pub fn parse(field: impl Into<Cow<'static, str>>, input: &str) -> Result<Self, FieldError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(FieldError::new(
                field,
                "required",
                "Enter an API code.",
                "APIコードを入力してください。",
            ));
        }
        let well_formed = (2..=API_MAX_CHARS).contains(&text.len())
            && text.starts_with(|c: char| c.is_ascii_lowercase())
            && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if well_formed {
            Ok(Self(text.to_owned()))
        } else {
            Err(FieldError::new(
                field,
                "invalid_api_code",
                "Use 2 to 50 lower-case letters, digits and underscores, starting with a letter (e.g. model_derivative_basic).",
                "APIコードは英小文字で始まる2〜50文字の英小文字・数字・アンダースコアで入力してください（例: model_derivative_basic）。",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ApiCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// `tokens` tokens per `per_units` units, both exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub tokens: TokenAmount,
    pub per_units: u64,
}

/// A rate of the operator's table, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRate {
    pub id: Uuid,
    pub api: ApiCode,
    /// The API's name in English and Japanese.
    pub name: Localized,
    /// What is counted, plural: `calls`, `processing hours`.
    pub unit: Localized,
    pub rate: Rate,
    pub period: EffectivePeriod,
    /// A published rate kept from an earlier date: shown with a label asking to confirm the current one.
    pub historical: bool,
}

impl TokenRate {
    pub fn in_force_on(&self, day: NaiveDate) -> bool {
        self.period.contains(day)
    }
}
