//! The operator's tax rules: list them, add one, end one. Each write is audited.

use uuid::Uuid;

use super::period::{EffectivePeriod, parse_day};
use super::{TaxRuleRecord, rate_to_hundredths, require_admin};
use crate::domain::Portal;
use crate::domain::actor::{Actor, Origin};
use crate::domain::audit::{self, AuditEvent};
use crate::domain::contact::BoundedText;
use crate::domain::error::{Error, FieldError, FieldErrors, Result};
use crate::domain::money::Rounding;
use crate::domain::region::Country;
use crate::domain::tax::TaxRule;
use crate::storage::WriteTx;
use crate::storage::price_book::{self as store, PriceBookTable};

const NAME_MAX_CHARS: usize = 100;

/// A new tax rule as typed into the form or sent to the API.
#[derive(Debug, Clone, Default)]
pub struct TaxRuleInput {
    pub country: String,
    pub name: String,
    /// In percent: `10`, `8`, `7.5`.
    pub rate_percent: String,
    pub rounding: String,
    pub effective_from: String,
    /// Empty while the rule has no planned end.
    pub effective_to: String,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct TaxRuleFilter {
    pub country: Option<Country>,
    /// Only the rules in force on this day.
    pub on: Option<chrono::NaiveDate>,
}

/// A rule ready to be stored.
struct ValidTaxRule {
    country: Country,
    name: String,
    rule: TaxRule,
    period: EffectivePeriod,
}

impl TaxRuleInput {
    /// Every bad field at once; `effective_from` may not be before `today`.
    fn parse(&self, today: chrono::NaiveDate) -> Result<ValidTaxRule> {
        let mut errors = FieldErrors::new();
        let country = errors.check(Country::parse("country", &self.country));
        let name = errors.check(BoundedText::parse("name", &self.name, 1, NAME_MAX_CHARS));
        let rate = errors.check(parse_rate(&self.rate_percent));
        let rounding = errors.check(Rounding::parse("rounding", &self.rounding));
        let period = EffectivePeriod::parse_new(&mut errors, &self.effective_from, &self.effective_to, today);
        errors.into_result()?;
        match (country, name, rate, rounding, period) {
            (Some(country), Some(name), Some((rate, _)), Some(rounding), Some(period)) => Ok(ValidTaxRule {
                country,
                name: name.into_inner(),
                rule: TaxRule { rate, rounding },
                period,
            }),
            _ => Err(Error::Internal("parsed tax rule field missing".into())),
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

/// The rate as a fraction and as the hundredths of a percent the database stores. The tax module reads
/// up to three decimals of a percent; storage holds two, so the third is refused rather than rounded.
fn parse_rate(input: &str) -> Result<(rust_decimal::Decimal, i32), FieldError> {
    let rate = TaxRule::parse_rate_percent("rate_percent", input)?;
    let hundredths = rate_to_hundredths(rate).ok_or_else(|| {
        FieldError::new(
            "rate_percent",
            "too_precise",
            "Use at most 2 decimal places.",
            "小数点以下は2桁までで入力してください。",
        )
    })?;
    Ok((rate, hundredths))
}

/// Every tax rule, past, present and scheduled, by country; or those the filter keeps.
///
/// # Errors
/// `Forbidden` unless the operator.
pub async fn list_tax_rules(
    portal: &Portal,
    actor: &Actor,
    filter: TaxRuleFilter,
) -> Result<Vec<TaxRuleRecord>> {
    require_admin(actor)?;
    let country = filter.country.map(Country::code);
    Ok(store::find_tax_rules(portal.db.conn(), country, filter.on).await?)
}

/// Refuses a period that shares a day with another rule of the same country: which rate applies on
/// that day would be ambiguous.
async fn refuse_overlap(
    tx: &WriteTx,
    country: &str,
    period: EffectivePeriod,
    field: &'static str,
    except: Option<Uuid>,
) -> Result<()> {
    let clashes = store::overlapping_tax_rules(&**tx, country, (period.from, period.to), except).await?;
    let Some(clash) = clashes.first() else { return Ok(()) };
    let days = clash.period.describe();
    Err(Error::Validation(vec![FieldError::new(
        field,
        "overlaps",
        format!(
            "A tax rule for {country} is already in force on some of these days ({days}). End it first or choose other dates."
        ),
        format!(
            "{country}の税ルールがこの期間の一部で既に適用されています（{days}）。先にそれを終了するか、別の期間を指定してください。"
        ),
    )]))
}

/// Adds a tax rule.
///
/// # Errors
/// `Forbidden` unless the operator; `Validation` for bad fields, a start before today or dates that
/// overlap a rule of the same country (`effective_from`, `overlaps`).
pub async fn add_tax_rule(
    portal: &Portal,
    actor: &Actor,
    origin: &Origin,
    input: &TaxRuleInput,
) -> Result<TaxRuleRecord> {
    require_admin(actor)?;
    let valid = input.parse(portal.today())?;
    let tx = portal.db.write().await?;
    store::lock_for_overlap_check(&*tx, PriceBookTable::TaxRules).await?;
    refuse_overlap(&tx, valid.country.code(), valid.period, "effective_from", None).await?;
    let now = portal.clock.now();
    let record = TaxRuleRecord {
        id: Uuid::new_v4(),
        country: valid.country.code().to_owned(),
        name: valid.name,
        rule: valid.rule,
        period: valid.period,
    };
    store::insert_tax_rule(&*tx, &record, now).await?;
    let event = AuditEvent {
        action: "tax_rule.added",
        subject_type: "tax_rule",
        subject_id: Some(record.id.to_string()),
        detail: serde_json::json!({
            "country": record.country, "name": record.name, "rate": record.rule.rate.to_string(),
            "rounding": record.rule.rounding.code(), "effective_from": record.period.from,
            "effective_to": record.period.to,
        }),
    };
    audit::record(&*tx, now, Some(actor), None, origin, event).await?;
    tx.commit().await?;
    Ok(record)
}

/// Gives a tax rule its last day in force (or moves a planned end). The rule stays on record.
///
/// # Errors
/// `Forbidden` unless the operator; `NotFound`; `Conflict` when it has already ended; `Validation`
/// (`effective_to`) for a bad date, one before the rule starts or before yesterday, or an extension
/// that would overlap another rule.
pub async fn end_tax_rule(
    portal: &Portal,
    actor: &Actor,
    origin: &Origin,
    id: Uuid,
    effective_to: &str,
) -> Result<TaxRuleRecord> {
    require_admin(actor)?;
    let to = parse_day("effective_to", effective_to).map_err(|e| Error::Validation(vec![e]))?;
    let today = portal.today();
    let tx = portal.db.write().await?;
    store::lock_for_overlap_check(&*tx, PriceBookTable::TaxRules).await?;
    let record = store::find_tax_rule(&*tx, id).await?.ok_or(Error::NotFound)?;
    if record.period.to.is_some_and(|end| end < today) {
        return Err(Error::conflict(
            "This tax rule has already ended; the days it was in force cannot change.",
            "この税ルールは既に終了しています。適用されていた期間は変更できません。",
        ));
    }
    let period = record.period.ended_on(to, today).map_err(|e| Error::Validation(vec![e]))?;
    refuse_overlap(&tx, &record.country, period, "effective_to", Some(id)).await?;
    store::set_tax_rule_effective_to(&*tx, id, to).await?;
    let now = portal.clock.now();
    let event = AuditEvent {
        action: "tax_rule.ended",
        subject_type: "tax_rule",
        subject_id: Some(id.to_string()),
        detail: serde_json::json!({
            "country": record.country, "effective_from": record.period.from, "effective_to": to,
            "previous_effective_to": record.period.to,
        }),
    };
    audit::record(&*tx, now, Some(actor), None, origin, event).await?;
    tx.commit().await?;
    Ok(TaxRuleRecord { period, ..record })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_percentages_with_at_most_two_decimals() {
        let rate = |s| parse_rate(s).map(|(rate, hundredths)| (rate.to_string(), hundredths));
        assert_eq!(rate("10"), Ok(("0.1".into(), 1000)));
        assert_eq!(rate("8"), Ok(("0.08".into(), 800)));
        assert_eq!(rate("7.25"), Ok(("0.0725".into(), 725)));
        assert_eq!(rate("0"), Ok(("0".into(), 0)));
        let code = |s| parse_rate(s).map_err(|e| e.code);
        assert_eq!(code("7.125"), Err("too_precise"));
        assert_eq!(code("101"), Err("too_large"));
        assert_eq!(code("ten"), Err("not_a_number"));
    }
}
