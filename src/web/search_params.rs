//! The public search's query string, parsed strictly (bad codes and numbers are field errors) and
//! clamped (page size at most 100, text at most 100 characters).

use rocket::form::FromForm;

use crate::domain::error::{FieldError, FieldErrors, Result};
use crate::domain::partners::{SearchQuery, Tier};

#[derive(Debug, Default, Clone, PartialEq, Eq, Hash, FromForm, serde::Serialize)]
pub struct SearchParams {
    pub q: Option<String>,
    pub country: Option<String>,
    pub region: Option<String>,
    pub language: Option<String>,
    pub service: Option<String>,
    pub tier: Option<String>,
    pub flex: Option<String>,
    pub page: Option<String>,
    pub per_page: Option<String>,
}

const MAX_TEXT_CHARS: usize = 100;
const MAX_CODE_CHARS: usize = 16;

fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn number(field: &'static str, value: &Option<String>, default: u32) -> Result<u32, FieldError> {
    match present(value) {
        None => Ok(default),
        Some(text) => text.parse::<u64>().map(|n| u32::try_from(n).unwrap_or(u32::MAX)).map_err(|_| {
            FieldError::new(field, "not_a_whole_number", "Enter a whole number.", "整数で入力してください。")
        }),
    }
}

fn code(field: &'static str, value: &Option<String>) -> Result<Option<String>, FieldError> {
    match present(value) {
        None => Ok(None),
        Some(text)
            if text.len() <= MAX_CODE_CHARS
                && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') =>
        {
            Ok(Some(text.to_owned()))
        }
        Some(_) => Err(FieldError::new(field, "invalid", "Unknown code.", "不明なコードです。")),
    }
}

impl SearchParams {
    /// # Errors
    /// `Validation` for a malformed number, code, tier or flag.
    pub fn to_query(&self) -> Result<SearchQuery> {
        let mut errors = FieldErrors::new();
        let page = errors.check(number("page", &self.page, 1)).unwrap_or(1).max(1);
        let per_page = errors.check(number("per_page", &self.per_page, 20)).unwrap_or(20).clamp(1, 100);
        let tier = match present(&self.tier) {
            None => None,
            Some(text) => errors.check(text.parse::<Tier>().map_err(|_| {
                FieldError::new(
                    "tier",
                    "invalid",
                    "Choose platinum, gold, silver or authorized.",
                    "ティアを選択してください。",
                )
            })),
        };
        let flex_only = match present(&self.flex).map(str::to_ascii_lowercase).as_deref() {
            None | Some("true" | "1" | "on" | "yes") => true,
            Some("false" | "0" | "off" | "no") => false,
            Some(_) => {
                errors.push(FieldError::new(
                    "flex",
                    "invalid",
                    "Use true or false.",
                    "true または false を指定してください。",
                ));
                true
            }
        };
        let country = errors.check(code("country", &self.country)).flatten();
        let region = errors.check(code("region", &self.region)).flatten();
        let language = errors.check(code("language", &self.language)).flatten();
        let service = errors.check(code("service", &self.service)).flatten();
        errors.into_result()?;
        let text = present(&self.q).map(|t| t.chars().take(MAX_TEXT_CHARS).collect());
        Ok(SearchQuery { text, country, region, language, service, tier, flex_only, page, per_page })
    }
}
