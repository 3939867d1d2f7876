//! What the reseller sends to add or change an assignment, and its parsers: the Autodesk ID (an
//! e-mail, trimmed and lower-cased), an optional name, and an optional monthly cap in whole tokens.

use serde_json::Value;

use crate::domain::contact::{AutodeskId, BoundedText, fold_width};
use crate::domain::error::{FieldError, FieldErrors, Result};
use crate::domain::quantity::without_thousands_separators;
use crate::domain::tokens::TokenAmount;
use crate::domain::tokens::amount::INPUT_LIMIT_TOKENS;

const NAME_MAX_CHARS: usize = 200;

/// A cap as it arrived: a JSON value from the API (an integer, or `null` for none) or a form field
/// (blank for none).
#[derive(Debug, Clone)]
pub enum CapInput {
    Json(Value),
    Text(String),
}

/// A developer to add.
#[derive(Debug, Clone, Default)]
pub struct NewAssignment {
    pub autodesk_id: String,
    pub name: Option<String>,
    pub token_cap: Option<CapInput>,
}

/// Changes to an assignment: `None` keeps a field; `Some(None)` (or a blank) clears it.
#[derive(Debug, Clone, Default)]
pub struct AssignmentChanges {
    pub name: Option<Option<String>>,
    pub token_cap: Option<CapInput>,
}

/// A new assignment, parsed.
pub(super) struct ParsedNew {
    pub autodesk_id: AutodeskId,
    pub name: Option<String>,
    pub token_cap: Option<TokenAmount>,
}

impl NewAssignment {
    /// # Errors
    /// `Validation` naming every bad field.
    pub(super) fn parse(&self) -> Result<ParsedNew> {
        let mut errors = FieldErrors::new();
        let autodesk_id = errors.check(AutodeskId::parse("autodesk_id", &self.autodesk_id));
        let name = errors.check(parse_name(self.name.as_deref())).flatten();
        let token_cap = match &self.token_cap {
            Some(cap) => errors.check(parse_cap(cap)).flatten(),
            None => None,
        };
        errors.into_result()?;
        match autodesk_id {
            Some(autodesk_id) => Ok(ParsedNew { autodesk_id, name, token_cap }),
            None => Err(crate::domain::error::Error::Internal("parsed Autodesk ID missing".into())),
        }
    }
}

/// Parsed changes: `None` keeps a field, `Some(value)` sets it (`Some(None)` clears it).
pub(super) struct ParsedChanges {
    pub name: Option<Option<String>>,
    pub token_cap: Option<Option<TokenAmount>>,
}

impl AssignmentChanges {
    /// # Errors
    /// `Validation` naming every bad field.
    pub(super) fn parse(&self) -> Result<ParsedChanges> {
        let mut errors = FieldErrors::new();
        let name = match &self.name {
            Some(name) => errors.check(parse_name(name.as_deref())),
            None => None,
        };
        let token_cap = match &self.token_cap {
            Some(cap) => errors.check(parse_cap(cap)),
            None => None,
        };
        errors.into_result()?;
        Ok(ParsedChanges { name, token_cap })
    }
}

/// A name shown to the reseller beside the Autodesk ID; blank means none.
fn parse_name(text: Option<&str>) -> Result<Option<String>, FieldError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(text) => BoundedText::parse("name", text, 1, NAME_MAX_CHARS).map(|t| Some(t.into_inner())),
    }
}

/// A monthly cap: whole tokens from 1 to [`INPUT_LIMIT_TOKENS`], or none.
fn parse_cap(input: &CapInput) -> Result<Option<TokenAmount>, FieldError> {
    match input {
        CapInput::Json(Value::Null) => Ok(None),
        CapInput::Json(Value::Number(n)) => match (n.as_u64(), n.as_i64()) {
            (Some(tokens), _) => cap_in_range(tokens).map(Some),
            (None, Some(_)) => Err(too_small()),
            (None, None) => Err(not_whole(
                "Send the cap as a whole number of tokens such as 500, not 500.5 or 500.0.",
                "上限は500のような整数のトークン数で送信してください（小数は使えません）。",
            )),
        },
        CapInput::Json(_) => Err(not_whole(
            "Send the cap as a JSON integer (whole tokens), or null for no cap.",
            "上限は整数のトークン数（上限なしは null）で送信してください。",
        )),
        CapInput::Text(text) => {
            let folded: String = text.chars().map(fold_width).collect();
            let trimmed = folded.trim();
            if trimmed.is_empty() {
                return Ok(None);
            }
            let ungrouped = without_thousands_separators(trimmed);
            let digits = ungrouped.as_deref().unwrap_or(trimmed);
            if let Some(rest) = digits.strip_prefix('-')
                && !rest.is_empty()
                && rest.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(too_small());
            }
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(not_whole(
                    "Enter the cap as a whole number of tokens such as 500, or leave it blank.",
                    "上限は500のような整数のトークン数で入力してください（上限なしは空欄）。",
                ));
            }
            let significant = digits.trim_start_matches('0');
            if significant.len() > 10 {
                return Err(too_large());
            }
            cap_in_range(significant.parse::<u64>().unwrap_or(0)).map(Some)
        }
    }
}

fn cap_in_range(tokens: u64) -> Result<TokenAmount, FieldError> {
    if tokens < 1 {
        return Err(too_small());
    }
    i64::try_from(tokens)
        .ok()
        .filter(|t| *t <= INPUT_LIMIT_TOKENS)
        .and_then(TokenAmount::from_tokens)
        .ok_or_else(too_large)
}

fn not_whole(en: &'static str, ja: &'static str) -> FieldError {
    FieldError::new("token_cap", "not_a_whole_number", en, ja)
}

fn too_small() -> FieldError {
    FieldError::new(
        "token_cap",
        "too_small",
        "The cap is at least 1 token; leave it blank for no cap.",
        "上限は1トークン以上です。上限を設けない場合は空欄にしてください。",
    )
}

fn too_large() -> FieldError {
    FieldError::new(
        "token_cap",
        "too_large",
        "The cap is at most 1,000,000,000 tokens.",
        "上限は1,000,000,000トークン以下で入力してください。",
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cap(input: CapInput) -> Result<Option<i64>, &'static str> {
        parse_cap(&input).map(|c| c.map(TokenAmount::to_thousandths)).map_err(|e| e.code)
    }

    #[test]
    fn caps_are_whole_tokens_from_one_or_nothing() {
        assert_eq!(cap(CapInput::Json(json!(500))), Ok(Some(500_000)));
        assert_eq!(cap(CapInput::Json(json!(1))), Ok(Some(1_000)));
        assert_eq!(cap(CapInput::Json(json!(null))), Ok(None));
        assert_eq!(cap(CapInput::Json(json!(0))), Err("too_small"));
        assert_eq!(cap(CapInput::Json(json!(-5))), Err("too_small"));
        assert_eq!(cap(CapInput::Json(json!(1.5))), Err("not_a_whole_number"));
        assert_eq!(cap(CapInput::Json(json!("500"))), Err("not_a_whole_number"));
        assert_eq!(cap(CapInput::Json(json!(1_000_000_001_u64))), Err("too_large"));
        assert_eq!(cap(CapInput::Text(" １，０００ ".into())), Ok(Some(1_000_000)));
        assert_eq!(cap(CapInput::Text(String::new())), Ok(None));
        assert_eq!(cap(CapInput::Text("1,5".into())), Err("not_a_whole_number"));
        assert_eq!(cap(CapInput::Text("-3".into())), Err("too_small"));
        assert_eq!(cap(CapInput::Text("99999999999999999999".into())), Err("too_large"));
    }

    #[test]
    fn a_new_assignment_reports_every_bad_field() {
        let input = NewAssignment {
            autodesk_id: "not an address".into(),
            name: Some("a\tb".into()),
            token_cap: Some(CapInput::Json(json!(0))),
        };
        let Err(crate::domain::error::Error::Validation(errors)) = input.parse() else { panic!() };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_ref()).collect();
        assert_eq!(fields, ["autodesk_id", "name", "token_cap"]);
    }
}
