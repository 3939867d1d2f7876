//! The days a price tier or tax rule is in force: a first day and an optional last day, both inclusive.

use std::borrow::Cow;

use chrono::{Days, NaiveDate};
use serde::Serialize;

use crate::domain::error::{FieldError, FieldErrors};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct EffectivePeriod {
    pub from: NaiveDate,
    /// The last day in force; `None` until the operator ends the definition.
    pub to: Option<NaiveDate>,
}

/// Where a period stands on a given day, for lists that highlight what is in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodStatus {
    Scheduled,
    InForce,
    Ended,
}

impl EffectivePeriod {
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && self.to.is_none_or(|to| day <= to)
    }

    pub fn status_on(&self, day: NaiveDate) -> PeriodStatus {
        if day < self.from {
            PeriodStatus::Scheduled
        } else if self.contains(day) {
            PeriodStatus::InForce
        } else {
            PeriodStatus::Ended
        }
    }

    /// A new definition with `(from, to)` as typed by the operator. It may not start before `today`:
    /// backdating would change what was in force on days whose quotes were already sent.
    pub(super) fn parse_new(
        errors: &mut FieldErrors,
        from: &str,
        to: &str,
        today: NaiveDate,
    ) -> Option<EffectivePeriod> {
        let from = errors.check(parse_day("effective_from", from));
        let to = match to.trim() {
            "" => Some(None),
            text => errors.check(parse_day("effective_to", text)).map(Some),
        };
        let (from, to) = (from?, to?);
        if from < today {
            errors.push(FieldError::new(
                "effective_from",
                "in_the_past",
                format!("Start today ({today}) or later: days already past keep the prices they had."),
                format!("開始日は本日（{today}）以降にしてください。過ぎた日の価格は変更できません。"),
            ));
            return None;
        }
        if let Some(to) = to
            && to < from
        {
            errors.push(before_start("effective_to", from));
            return None;
        }
        Some(EffectivePeriod { from, to })
    }

    /// This period ended on `to` instead. Ending yesterday is the earliest allowed, so the days a
    /// definition was in force stay on record.
    pub(super) fn ended_on(&self, to: NaiveDate, today: NaiveDate) -> Result<EffectivePeriod, FieldError> {
        if to < self.from {
            return Err(before_start("effective_to", self.from));
        }
        let yesterday = today.checked_sub_days(Days::new(1)).unwrap_or(today);
        if to < yesterday {
            return Err(FieldError::new(
                "effective_to",
                "in_the_past",
                format!("End it on {yesterday} or later: the days it was in force stay on record."),
                format!("終了日は{yesterday}以降にしてください。適用されていた日の記録は変更できません。"),
            ));
        }
        Ok(EffectivePeriod { from: self.from, to: Some(to) })
    }

    /// `2024-01-01 – 2026-12-31`, or `2024-01-01 –` while open.
    pub fn describe(&self) -> String {
        match self.to {
            Some(to) => format!("{} – {to}", self.from),
            None => format!("{} –", self.from),
        }
    }
}

fn before_start(field: &'static str, from: NaiveDate) -> FieldError {
    FieldError::new(
        field,
        "before_effective_from",
        format!("The last day cannot be before the first day ({from})."),
        format!("終了日は開始日（{from}）以降にしてください。"),
    )
}

/// A day as `YYYY-MM-DD`. Only four-digit years are accepted: SQLite compares stored dates as text,
/// which orders correctly only while every year has the same width.
///
/// # Errors
/// `required` when empty, `invalid_date` otherwise.
pub fn parse_day(field: impl Into<Cow<'static, str>>, text: &str) -> Result<NaiveDate, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(FieldError::new(field, "required", "Enter a date.", "日付を入力してください。"));
    }
    let well_formed = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    well_formed.then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()).flatten().ok_or_else(|| {
        FieldError::new(
            field,
            "invalid_date",
            "Enter a date as YYYY-MM-DD.",
            "日付はYYYY-MM-DD形式で入力してください。",
        )
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn new(from: &str, to: &str) -> Result<EffectivePeriod, Vec<&'static str>> {
        let mut errors = FieldErrors::new();
        let period = EffectivePeriod::parse_new(&mut errors, from, to, day("2026-12-01"));
        match errors.into_result() {
            Ok(()) => Ok(period.unwrap()),
            Err(crate::domain::error::Error::Validation(e)) => Err(e.iter().map(|e| e.code).collect()),
            Err(other) => panic!("{other}"),
        }
    }

    #[test]
    fn days_are_strict_iso_dates() {
        assert_eq!(parse_day("d", " 2027-01-01 "), Ok(day("2027-01-01")));
        for bad in ["2027-1-1", "2027/01/01", "+12027-01-01", "2027-02-30", "tomorrow", "20270101"] {
            assert_eq!(parse_day("d", bad).map_err(|e| e.code), Err("invalid_date"), "{bad}");
        }
        assert_eq!(parse_day("d", "").map_err(|e| e.code), Err("required"));
    }

    #[test]
    fn a_new_period_starts_today_or_later_and_ends_after_it_starts() {
        assert_eq!(new("2026-12-01", ""), Ok(EffectivePeriod { from: day("2026-12-01"), to: None }));
        assert_eq!(new("2027-01-01", "2027-01-01").map(|p| p.to), Ok(Some(day("2027-01-01"))));
        assert_eq!(new("2026-11-30", ""), Err(vec!["in_the_past"]));
        assert_eq!(new("2027-02-01", "2027-01-31"), Err(vec!["before_effective_from"]));
        assert_eq!(new("", "x"), Err(vec!["required", "invalid_date"]));
    }

    #[test]
    fn ending_keeps_the_days_already_in_force() {
        let open = EffectivePeriod { from: day("2024-01-01"), to: None };
        let today = day("2026-12-01");
        assert_eq!(open.ended_on(day("2026-11-30"), today).map(|p| p.to), Ok(Some(day("2026-11-30"))));
        assert_eq!(open.ended_on(day("2026-11-29"), today).map_err(|e| e.code), Err("in_the_past"));
        let scheduled = EffectivePeriod { from: day("2027-01-01"), to: None };
        assert_eq!(
            scheduled.ended_on(day("2026-12-31"), today).map_err(|e| e.code),
            Err("before_effective_from")
        );
    }

    #[test]
    fn status_and_containment_include_both_ends() {
        let period = EffectivePeriod { from: day("2027-01-01"), to: Some(day("2027-01-31")) };
        assert_eq!(period.status_on(day("2026-12-31")), PeriodStatus::Scheduled);
        assert_eq!(period.status_on(day("2027-01-01")), PeriodStatus::InForce);
        assert_eq!(period.status_on(day("2027-01-31")), PeriodStatus::InForce);
        assert_eq!(period.status_on(day("2027-02-01")), PeriodStatus::Ended);
        assert_eq!(period.describe(), "2027-01-01 – 2027-01-31");
    }
}
