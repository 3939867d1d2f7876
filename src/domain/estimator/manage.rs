//! The operator's rate table: list the rates, add one. A new rate of an API ends the rate it takes
//! over from on the day before; history is never deleted, so an estimate can be traced to its rate.

use chrono::{Days, NaiveDate};
use uuid::Uuid;

use super::rate::{ApiCode, MAX_PER_UNITS, Rate, TokenRate};
use crate::domain::Portal;
use crate::domain::actor::{Actor, Origin};
use crate::domain::audit::{self, AuditEvent};
use crate::domain::contact::BoundedText;
use crate::domain::error::{Error, FieldError, FieldErrors, Localized, Result};
use crate::domain::money::plain_decimal;
use crate::domain::price_book::{EffectivePeriod, parse_day};
use crate::domain::tokens::TokenAmount;
use crate::storage::token_rates as store;

const NAME_MAX_CHARS: usize = 200;
const UNIT_MAX_CHARS: usize = 100;

/// A new rate as typed into the form or sent to the API. Names and units may be left empty for an
/// API that already has a rate: they are kept from its latest one.
#[derive(Debug, Clone, Default)]
pub struct RateInput {
    pub api: String,
    pub name_en: String,
    pub name_ja: String,
    pub unit_en: String,
    pub unit_ja: String,
    /// Tokens per `per_units` units, a decimal with at most 3 places: `1`, `0.5`.
    pub tokens: String,
    /// A whole number of units: `300000`.
    pub per_units: String,
    pub effective_from: String,
    pub historical: bool,
}

/// The rate added, and the rate it took over from, now ending the day before.
#[derive(Debug, Clone)]
pub struct AddedRate {
    pub rate: TokenRate,
    pub ended: Option<TokenRate>,
}

struct ValidRate {
    api: ApiCode,
    texts: [String; 4],
    rate: Rate,
    from: NaiveDate,
}

fn require_admin(actor: &Actor) -> Result<()> {
    if actor.is_admin() { Ok(()) } else { Err(Error::Forbidden) }
}

fn parse_per_units(input: &str) -> Result<u64, FieldError> {
    let not_whole = || {
        FieldError::new(
            "per_units",
            "not_a_whole_number",
            format!("Enter a whole number of units from 1 to {MAX_PER_UNITS}."),
            format!("単位数は1〜{MAX_PER_UNITS}の整数で入力してください。"),
        )
    };
    if input.trim().is_empty() {
        return Err(FieldError::new(
            "per_units",
            "required",
            "Enter a number of units.",
            "単位数を入力してください。",
        ));
    }
    let value = plain_decimal(input).map_err(|_| not_whole())?;
    if !value.fract().is_zero() {
        return Err(not_whole());
    }
    rust_decimal::prelude::ToPrimitive::to_u64(&value)
        .filter(|n| (1..=MAX_PER_UNITS).contains(n))
        .ok_or_else(not_whole)
}

impl RateInput {
    fn parse(&self, today: NaiveDate) -> Result<ValidRate> {
        let mut errors = FieldErrors::new();
        let api = errors.check(ApiCode::parse("api", &self.api));
        let text = |errors: &mut FieldErrors, field: &'static str, value: &str, max| {
            errors.check(BoundedText::parse(field, value, 0, max)).map(BoundedText::into_inner)
        };
        let name_en = text(&mut errors, "name_en", &self.name_en, NAME_MAX_CHARS);
        let name_ja = text(&mut errors, "name_ja", &self.name_ja, NAME_MAX_CHARS);
        let unit_en = text(&mut errors, "unit_en", &self.unit_en, UNIT_MAX_CHARS);
        let unit_ja = text(&mut errors, "unit_ja", &self.unit_ja, UNIT_MAX_CHARS);
        let tokens = errors.check(TokenAmount::parse_positive("tokens", &self.tokens));
        let per_units = errors.check(parse_per_units(&self.per_units));
        let from = errors.check(parse_day("effective_from", &self.effective_from));
        if let Some(from) = from
            && from < today
        {
            errors.push(FieldError::new(
                "effective_from",
                "in_the_past",
                format!("Start today ({today}) or later: estimates already given keep the rate they had."),
                format!("開始日は本日（{today}）以降にしてください。過ぎた日のレートは変更できません。"),
            ));
        }
        errors.into_result()?;
        match (api, name_en, name_ja, unit_en, unit_ja, tokens, per_units, from) {
            (
                Some(api),
                Some(ne),
                Some(nj),
                Some(ue),
                Some(uj),
                Some(tokens),
                Some(per_units),
                Some(from),
            ) => Ok(ValidRate { api, texts: [ne, nj, ue, uj], rate: Rate { tokens, per_units }, from }),
            _ => Err(Error::Internal("parsed rate field missing".into())),
        }
    }

    /// Checks the input without writing anything.
    ///
    /// # Errors
    /// `Validation` naming each bad field.
    pub fn validate(&self, today: NaiveDate) -> Result<()> {
        self.parse(today).map(|_| ())
    }
}

/// Every rate, past, in force and scheduled, by API; or those of one API.
///
/// # Errors
/// `Forbidden` unless the operator; database failures.
pub async fn list_rates(portal: &Portal, actor: &Actor, api: Option<&ApiCode>) -> Result<Vec<TokenRate>> {
    require_admin(actor)?;
    Ok(store::find(portal.db.conn(), api.map(ApiCode::as_str)).await?)
}

/// Names and units as typed, the blanks kept from the API's latest rate; a new API needs them all.
fn texts(typed: [String; 4], latest: Option<&TokenRate>) -> Result<(Localized, Localized)> {
    let kept = latest.map(|r| [&r.name.en, &r.name.ja, &r.unit.en, &r.unit.ja]);
    let fields = ["name_en", "name_ja", "unit_en", "unit_ja"];
    let mut errors = FieldErrors::new();
    let mut out: Vec<String> = Vec::with_capacity(4);
    for (i, text) in typed.into_iter().enumerate() {
        match (text.is_empty(), kept) {
            (false, _) => out.push(text),
            (true, Some(kept)) => out.push(kept[i].to_string()),
            (true, None) => {
                errors.push(FieldError::new(
                    fields[i],
                    "required",
                    "A new API needs its names and units in both languages.",
                    "新しいAPIには日本語と英語の名称と単位が必要です。",
                ));
                out.push(String::new());
            }
        }
    }
    errors.into_result()?;
    let [name_en, name_ja, unit_en, unit_ja]: [String; 4] =
        out.try_into().map_err(|_| Error::Internal("four texts expected".into()))?;
    Ok((Localized::new(name_en, name_ja), Localized::new(unit_en, unit_ja)))
}

/// Adds a rate from its first day on, open-ended. The API's rate in force on that day (or running
/// into it) ends the day before, in the same transaction; both changes are audited.
///
/// # Errors
/// `Forbidden` unless the operator; `Validation` for bad fields, a start before today, missing names
/// of a new API, or a start on or before that of a rate already scheduled for the API.
pub async fn add_rate(
    portal: &Portal,
    actor: &Actor,
    origin: &Origin,
    input: &RateInput,
) -> Result<AddedRate> {
    require_admin(actor)?;
    let valid = input.parse(portal.today())?;
    let tx = portal.db.write().await?;
    store::lock_for_change(&*tx).await?;
    let existing = store::find(&*tx, Some(valid.api.as_str())).await?;
    if let Some(later) = existing.iter().find(|r| r.period.from >= valid.from) {
        let from = later.period.from;
        return Err(Error::Validation(vec![FieldError::new(
            "effective_from",
            "overlaps",
            format!("A rate for {} already starts on {from}: start this one after it.", valid.api),
            format!(
                "{}のレートは{from}から既に登録されています。それより後の日付を指定してください。",
                valid.api
            ),
        )]));
    }
    let (name, unit) = texts(valid.texts, existing.last())?;
    let day_before = valid
        .from
        .checked_sub_days(Days::new(1))
        .ok_or_else(|| Error::Internal("date out of range".into()))?;
    let now = portal.clock.now();
    let record = TokenRate {
        id: Uuid::new_v4(),
        api: valid.api,
        name,
        unit,
        rate: valid.rate,
        period: EffectivePeriod { from: valid.from, to: None },
        historical: input.historical,
    };
    let mut ended = None;
    if let Some(previous) = existing.iter().find(|r| r.period.to.is_none_or(|to| to >= valid.from)) {
        store::set_effective_to(&*tx, previous.id, day_before).await?;
        let event = AuditEvent {
            action: "token_rate.ended",
            subject_type: "token_rate",
            subject_id: Some(previous.id.to_string()),
            detail: serde_json::json!({
                "api": previous.api, "effective_from": previous.period.from, "effective_to": day_before,
                "previous_effective_to": previous.period.to, "replaced_by": record.id,
            }),
        };
        audit::record(&*tx, now, Some(actor), None, origin, event).await?;
        let period = EffectivePeriod { from: previous.period.from, to: Some(day_before) };
        ended = Some(TokenRate { period, ..previous.clone() });
    }
    store::insert(&*tx, &record, Some(actor.user_id), now).await?;
    let event = AuditEvent {
        action: "token_rate.added",
        subject_type: "token_rate",
        subject_id: Some(record.id.to_string()),
        detail: serde_json::json!({
            "api": record.api, "tokens": record.rate.tokens.to_string(), "per_units": record.rate.per_units,
            "effective_from": record.period.from, "historical": record.historical,
            "name_en": record.name.en, "name_ja": record.name.ja,
        }),
    };
    audit::record(&*tx, now, Some(actor), None, origin, event).await?;
    tx.commit().await?;
    Ok(AddedRate { rate: record, ended })
}
