//! The operator's volume tiers: list them, add one, end one. Each write is audited.

use uuid::Uuid;

use super::period::{EffectivePeriod, parse_day};
use super::{TierRecord, require_admin};
use crate::domain::Portal;
use crate::domain::actor::{Actor, Origin};
use crate::domain::audit::{self, AuditEvent};
use crate::domain::contact::fold_width;
use crate::domain::error::{Error, FieldError, FieldErrors, Result};
use crate::domain::money::Currency;
use crate::domain::pricing::PriceTier;
use crate::storage::WriteTx;
use crate::storage::price_book::{self as store, PriceBookTable};

/// The highest threshold a tier can have: the largest quantity one quote line can sell.
pub const MAX_MIN_TOKENS: u32 = 1_000_000;

/// A new tier as typed into the form or sent to the API.
#[derive(Debug, Clone, Default)]
pub struct TierInput {
    pub currency: String,
    pub min_tokens: String,
    pub unit_price: String,
    pub effective_from: String,
    /// Empty while the tier has no planned end.
    pub effective_to: String,
    pub sample: bool,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct TierFilter {
    pub currency: Option<Currency>,
    /// Only the tiers in force on this day.
    pub on: Option<chrono::NaiveDate>,
}

impl TierInput {
    /// Every bad field at once; `effective_from` may not be before `today`.
    fn parse(&self, today: chrono::NaiveDate) -> Result<(PriceTier, EffectivePeriod)> {
        let mut errors = FieldErrors::new();
        let currency = errors.check(Currency::parse("currency", &self.currency));
        let min_tokens = errors.check(parse_min_tokens(&self.min_tokens));
        let unit_price = errors.check(PriceTier::parse_unit_price("unit_price", &self.unit_price));
        let period = EffectivePeriod::parse_new(&mut errors, &self.effective_from, &self.effective_to, today);
        errors.into_result()?;
        match (currency, min_tokens, unit_price, period) {
            (Some(currency), Some(min_tokens), Some(unit_price), Some(period)) => {
                Ok((PriceTier { currency, min_tokens, unit_price }, period))
            }
            _ => Err(Error::Internal("parsed tier field missing".into())),
        }
    }

    /// Checks the input without writing anything, e.g. to report every bad field alongside errors
    /// found elsewhere.
    ///
    /// # Errors
    /// `Validation` naming each bad field.
    pub fn validate(&self, today: chrono::NaiveDate) -> Result<()> {
        self.parse(today).map(|_| ())
    }
}

/// A tier threshold: a whole number of tokens from 1 to 1,000,000.
fn parse_min_tokens(input: &str) -> Result<u32, FieldError> {
    let folded: String = input.chars().map(fold_width).collect();
    let text = folded.trim();
    let out_of_range = |code| {
        FieldError::new(
            "min_tokens",
            code,
            "Enter a whole number of tokens from 1 to 1,000,000.",
            "1から1,000,000までの整数で入力してください。",
        )
    };
    if text.is_empty() {
        return Err(FieldError::new(
            "min_tokens",
            "required",
            "Enter the number of tokens from which the tier applies.",
            "適用開始トークン数を入力してください。",
        ));
    }
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FieldError::new(
            "min_tokens",
            "not_a_whole_number",
            "Enter a whole number of tokens in digits, e.g. 5000.",
            "トークン数は5000のような整数で入力してください。",
        ));
    }
    if digits.len() != text.len() {
        return Err(out_of_range("too_small"));
    }
    // Seven significant digits already exceed the maximum; checking first keeps the parse from overflowing.
    let significant = digits.trim_start_matches('0');
    if significant.len() > 7 {
        return Err(out_of_range("too_large"));
    }
    match significant.bytes().fold(0_u32, |acc, b| acc * 10 + u32::from(b - b'0')) {
        0 => Err(out_of_range("too_small")),
        tokens if tokens > MAX_MIN_TOKENS => Err(out_of_range("too_large")),
        tokens => Ok(tokens),
    }
}

/// Every tier, past, present and scheduled, by currency and threshold; or those the filter keeps.
///
/// # Errors
/// `Forbidden` unless the operator.
pub async fn list_tiers(portal: &Portal, actor: &Actor, filter: TierFilter) -> Result<Vec<TierRecord>> {
    require_admin(actor)?;
    let currency = filter.currency.map(Currency::code);
    Ok(store::find_tiers(portal.db.conn(), currency, filter.on).await?)
}

/// Refuses a period that shares a day with another tier of the same currency and threshold: the
/// price for that quantity would be ambiguous on that day.
async fn refuse_overlap(
    tx: &WriteTx,
    tier: &PriceTier,
    period: EffectivePeriod,
    field: &'static str,
    except: Option<Uuid>,
) -> Result<()> {
    let clashes = store::overlapping_tiers(
        &**tx,
        tier.currency.code(),
        i64::from(tier.min_tokens),
        (period.from, period.to),
        except,
    )
    .await?;
    let Some(clash) = clashes.first() else { return Ok(()) };
    let days = clash.period.describe();
    let (currency, min) = (tier.currency, tier.min_tokens);
    Err(Error::Validation(vec![FieldError::new(
        field,
        "overlaps",
        format!(
            "A {currency} tier from {min} tokens is already in force on some of these days ({days}). End it first or choose other dates."
        ),
        format!(
            "同じ{currency}・{min}トークン以上の価格がこの期間の一部で既に適用されています（{days}）。先にそれを終了するか、別の期間を指定してください。"
        ),
    )]))
}

/// Adds a tier to the price book.
///
/// # Errors
/// `Forbidden` unless the operator; `Validation` for bad fields, a start before today or dates that
/// overlap a tier of the same currency and threshold (`effective_from`, `overlaps`).
pub async fn add_tier(
    portal: &Portal,
    actor: &Actor,
    origin: &Origin,
    input: &TierInput,
) -> Result<TierRecord> {
    require_admin(actor)?;
    let (tier, period) = input.parse(portal.today())?;
    let tx = portal.db.write().await?;
    store::lock_for_overlap_check(&*tx, PriceBookTable::PriceTiers).await?;
    refuse_overlap(&tx, &tier, period, "effective_from", None).await?;
    let now = portal.clock.now();
    let record = TierRecord { id: Uuid::new_v4(), tier, period, sample: input.sample };
    store::insert_tier(&*tx, &record, now).await?;
    let event = AuditEvent {
        action: "price_tier.added",
        subject_type: "price_tier",
        subject_id: Some(record.id.to_string()),
        detail: serde_json::json!({
            "currency": record.tier.currency.code(), "min_tokens": record.tier.min_tokens,
            "unit_price": record.tier.unit_price.to_string(), "effective_from": record.period.from,
            "effective_to": record.period.to, "sample": record.sample,
        }),
    };
    audit::record(&*tx, now, Some(actor), None, origin, event).await?;
    tx.commit().await?;
    Ok(record)
}

/// Gives a tier its last day in force (or moves a planned end). The tier stays in the book.
///
/// # Errors
/// `Forbidden` unless the operator; `NotFound`; `Conflict` when it has already ended; `Validation`
/// (`effective_to`) for a bad date, one before the tier starts or before yesterday, or an extension
/// that would overlap another tier.
pub async fn end_tier(
    portal: &Portal,
    actor: &Actor,
    origin: &Origin,
    id: Uuid,
    effective_to: &str,
) -> Result<TierRecord> {
    require_admin(actor)?;
    let to = parse_day("effective_to", effective_to).map_err(|e| Error::Validation(vec![e]))?;
    let today = portal.today();
    let tx = portal.db.write().await?;
    store::lock_for_overlap_check(&*tx, PriceBookTable::PriceTiers).await?;
    let record = store::find_tier(&*tx, id).await?.ok_or(Error::NotFound)?;
    if record.period.to.is_some_and(|end| end < today) {
        return Err(Error::conflict(
            "This tier has already ended; the days it was in force cannot change.",
            "この価格は既に終了しています。適用されていた期間は変更できません。",
        ));
    }
    let period = record.period.ended_on(to, today).map_err(|e| Error::Validation(vec![e]))?;
    refuse_overlap(&tx, &record.tier, period, "effective_to", Some(id)).await?;
    store::set_tier_effective_to(&*tx, id, to).await?;
    let now = portal.clock.now();
    let event = AuditEvent {
        action: "price_tier.ended",
        subject_type: "price_tier",
        subject_id: Some(id.to_string()),
        detail: serde_json::json!({
            "currency": record.tier.currency.code(), "min_tokens": record.tier.min_tokens,
            "effective_from": record.period.from, "effective_to": to, "previous_effective_to": record.period.to,
        }),
    };
    audit::record(&*tx, now, Some(actor), None, origin, event).await?;
    tx.commit().await?;
    Ok(TierRecord { period, ..record })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_are_whole_numbers_from_one_to_a_million() {
        assert_eq!(parse_min_tokens("5000"), Ok(5000));
        assert_eq!(parse_min_tokens("１"), Ok(1));
        assert_eq!(parse_min_tokens("1000000"), Ok(1_000_000));
        let code = |s| parse_min_tokens(s).map_err(|e| e.code);
        assert_eq!(code(""), Err("required"));
        assert_eq!(code("0"), Err("too_small"));
        assert_eq!(code("-1"), Err("too_small"));
        assert_eq!(code("1000001"), Err("too_large"));
        assert_eq!(code("99999999999999999999"), Err("too_large"));
        assert_eq!(code("1.5"), Err("not_a_whole_number"));
        assert_eq!(code("1,000"), Err("not_a_whole_number"));
        assert_eq!(code("abc"), Err("not_a_whole_number"));
    }
}
