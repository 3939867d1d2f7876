//! One usage event as received, checked on its own: its id, time, developer, API, units and tokens.
//! What fails is a rejection with a stable reason code and a message in both languages; nothing
//! here reads the database.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::domain::money::plain_decimal;
use crate::domain::tokens::TokenAmount;

/// The longest event id stored (the column's length).
pub const MAX_EVENT_ID: usize = 128;
const MAX_AUTODESK_ID: usize = 254;
const MAX_API: usize = 100;
const MAX_APP: usize = 100;

/// A usage event as the caller sent it, every field still text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsageEventInput {
    #[serde(default)]
    pub event_id: String,
    #[serde(default)]
    pub occurred_at: String,
    #[serde(default)]
    pub autodesk_id: String,
    #[serde(default)]
    pub app: Option<String>,
    #[serde(default)]
    pub api: String,
    #[serde(default)]
    pub units: Option<String>,
    #[serde(default)]
    pub tokens: String,
}

/// Why an event was not applied: a stable code and a message in English and Japanese.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    pub reason: String,
    pub en: String,
    pub ja: String,
}

impl Rejection {
    pub fn new(reason: &str, en: &str, ja: &str) -> Self {
        Self { reason: reason.to_owned(), en: en.to_owned(), ja: ja.to_owned() }
    }

    pub fn not_assigned() -> Self {
        Self::new(
            "not_assigned",
            "This developer's Autodesk ID is not actively assigned to the customer (not assigned, invitation not accepted or expired, or revoked).",
            "この開発者の Autodesk ID は顧客に有効に割り当てられていません（未割当、招待が未承諾・期限切れ、または取消済み）。",
        )
    }

    pub fn insufficient_balance() -> Self {
        Self::new(
            "insufficient_balance",
            "The customer's balance does not cover this usage and the account rules in force allow no deficit.",
            "顧客の残高ではこの使用量を賄えず、現行のアカウント規則では不足（マイナス残高）が認められていません。",
        )
    }

    pub fn malformed_row(en: &str) -> Self {
        Self::new("malformed_row", en, "CSV の行を読み取れません（列の数や引用符を確認してください）。")
    }
}

/// An event that passed every check that needs no database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidEvent {
    pub event_id: String,
    pub occurred_at: DateTime<Utc>,
    /// Trimmed and lower-cased, as assignments store it.
    pub autodesk_id: String,
    pub app: Option<String>,
    pub api: String,
    pub units_thousandths: Option<i64>,
    pub tokens: TokenAmount,
}

/// The event id as it will be stored, or why it cannot be.
///
/// # Errors
/// A [`Rejection`] (`event_id_invalid`) for an empty id, one over 128 characters or one with
/// control characters.
pub fn event_id(input: &str) -> Result<String, Rejection> {
    let id = input.trim();
    if id.is_empty() || id.chars().count() > MAX_EVENT_ID || id.chars().any(char::is_control) {
        return Err(Rejection::new(
            "event_id_invalid",
            "Give an event id of 1 to 128 characters.",
            "イベント ID を1〜128文字で指定してください。",
        ));
    }
    Ok(id.to_owned())
}

/// Checks every field of `input` (its id already checked) at the instant `now`.
///
/// # Errors
/// The first [`Rejection`]: time, developer, API, app, units, then tokens.
pub fn check(input: &UsageEventInput, id: String, now: DateTime<Utc>) -> Result<ValidEvent, Rejection> {
    let occurred_at = DateTime::parse_from_rfc3339(input.occurred_at.trim())
        .map_err(|_| {
            Rejection::new(
                "time_invalid",
                "Give occurred_at as an RFC 3339 time with its offset, e.g. 2027-01-10T09:00:00+09:00.",
                "occurred_at は 2027-01-10T09:00:00+09:00 のようなオフセット付きの RFC 3339 形式で指定してください。",
            )
        })?
        .with_timezone(&Utc);
    if occurred_at > now {
        return Err(Rejection::new(
            "time_in_future",
            "occurred_at is in the future; usage is reported after it happens.",
            "occurred_at が未来の日時です。使用量は発生後に報告されます。",
        ));
    }
    let autodesk_id = input.autodesk_id.trim().to_lowercase();
    if autodesk_id.is_empty() || autodesk_id.chars().count() > MAX_AUTODESK_ID {
        return Err(Rejection::new(
            "autodesk_id_invalid",
            "Give the developer's Autodesk ID (at most 254 characters).",
            "開発者の Autodesk ID（254文字以内）を指定してください。",
        ));
    }
    let api = input.api.trim();
    if api.is_empty() || api.chars().count() > MAX_API || api.chars().any(char::is_control) {
        return Err(Rejection::new(
            "api_invalid",
            "Give the API that consumed the tokens (1 to 100 characters).",
            "トークンを消費した API 名を1〜100文字で指定してください。",
        ));
    }
    let app = input.app.as_deref().map(str::trim).filter(|a| !a.is_empty());
    if app.is_some_and(|a| a.chars().count() > MAX_APP || a.chars().any(char::is_control)) {
        return Err(Rejection::new(
            "app_invalid",
            "Give the app name in at most 100 characters.",
            "アプリ名は100文字以内で指定してください。",
        ));
    }
    let units = match input.units.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        None => None,
        Some(text) => Some(units(text)?),
    };
    let tokens = TokenAmount::parse_positive("tokens", &input.tokens).map_err(|e| Rejection {
        reason: format!("tokens_{}", e.code),
        en: e.message.en.into_owned(),
        ja: e.message.ja.into_owned(),
    })?;
    Ok(ValidEvent {
        event_id: id,
        occurred_at,
        autodesk_id,
        app: app.map(str::to_owned),
        api: api.to_owned(),
        units_thousandths: units,
        tokens,
    })
}

/// Units (calls, processing hours): a plain decimal ≥ 0 with at most 3 decimals, kept in thousandths.
fn units(text: &str) -> Result<i64, Rejection> {
    let bad = || {
        Rejection::new(
            "units_invalid",
            "Give units as a number of at least 0 with at most 3 decimals.",
            "units は0以上、小数点以下3桁までの数値で指定してください。",
        )
    };
    let value = plain_decimal(text).map_err(|_| bad())?;
    if value.is_sign_negative() || value.scale() > 3 {
        return Err(bad());
    }
    (value * Decimal::from(1000)).trunc().try_into().map_err(|_| bad())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn input(tokens: &str, at: &str) -> UsageEventInput {
        UsageEventInput {
            event_id: "e-1".into(),
            occurred_at: at.into(),
            autodesk_id: " Dev@Example.COM ".into(),
            app: Some("Viewer".into()),
            api: "Model Derivative".into(),
            units: Some("300000".into()),
            tokens: tokens.into(),
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2027-01-10T12:00:00Z").unwrap().with_timezone(&Utc)
    }

    fn reason(tokens: &str, at: &str) -> String {
        check(&input(tokens, at), "e-1".into(), now()).unwrap_err().reason
    }

    #[test]
    fn a_well_formed_event_is_read_exactly() {
        let event = check(&input("0.5", "2027-01-10T09:00:00+09:00"), "e-1".into(), now()).unwrap();
        assert_eq!(event.tokens.to_thousandths(), 500);
        assert_eq!(event.autodesk_id, "dev@example.com");
        assert_eq!(event.units_thousandths, Some(300_000_000));
        assert_eq!(event.occurred_at.to_rfc3339(), "2027-01-10T00:00:00+00:00");
    }

    #[test]
    fn malformed_values_are_rejected_with_their_reason() {
        let at = "2027-01-10T09:00:00Z";
        assert_eq!(reason("-1", at), "tokens_not_positive");
        assert_eq!(reason("0", at), "tokens_not_positive");
        assert_eq!(reason("1.0005", at), "tokens_too_precise");
        assert_eq!(reason("abc", at), "tokens_not_a_number");
        assert_eq!(reason("", at), "tokens_required");
        assert_eq!(reason("1", "yesterday"), "time_invalid");
        assert_eq!(reason("1", "2027-01-10 09:00:00"), "time_invalid");
        assert_eq!(reason("1", "2027-01-10T12:00:01Z"), "time_in_future");
        let mut blank_api = input("1", at);
        blank_api.api = "  ".into();
        assert_eq!(check(&blank_api, "e".into(), now()).unwrap_err().reason, "api_invalid");
        let mut bad_units = input("1", at);
        bad_units.units = Some("-3".into());
        assert_eq!(check(&bad_units, "e".into(), now()).unwrap_err().reason, "units_invalid");
    }

    #[test]
    fn event_ids_are_1_to_128_characters() {
        assert_eq!(event_id(" a-1 ").unwrap(), "a-1");
        assert_eq!(event_id("").unwrap_err().reason, "event_id_invalid");
        assert!(event_id(&"x".repeat(128)).is_ok());
        assert_eq!(event_id(&"x".repeat(129)).unwrap_err().reason, "event_id_invalid");
    }
}
