//! A customer's free trial. The reseller records the day the customer's Autodesk trial began; it
//! lasts the `trial_days` of the account rules in force on that day, counted in the customer's time
//! zone with the first day included, so a 90-day trial begun on 1 December runs through 28 February.
//! The account's `trial_until` is the instant it ends; until then the balance status is `trial`
//! and the balance pages show the trial's last day instead of the balance.

use chrono::{DateTime, Days, NaiveDate, Utc};
use chrono_tz::Tz;

use super::Customer;
use crate::domain::account_rules::AccountRules;
use crate::domain::error::{Error, FieldError, Result};
use crate::domain::price_book::parse_day;
use crate::domain::quotes::start_of_day;
use crate::storage::{self, WriteTx};

pub const FIELD: &str = "trial_started_on";

/// The day typed in, `None` when empty. A trial that has not begun cannot be recorded.
///
/// # Errors
/// `invalid_date`, or `in_the_future` for a day after `today` (the customer's).
pub fn parse_started_on(text: &str, today: NaiveDate) -> Result<Option<NaiveDate>, FieldError> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let day = parse_day(FIELD, text)?;
    if day > today {
        return Err(FieldError::new(
            FIELD,
            "in_the_future",
            format!("Enter the day the trial began: today ({today}) or earlier."),
            format!("トライアルの開始日を本日（{today}）以前の日付で入力してください。"),
        ));
    }
    Ok(Some(day))
}

/// The instant a trial begun on `started_on` under `rules` ends for a customer in `tz`.
pub fn trial_until(started_on: NaiveDate, rules: &AccountRules, tz: Tz) -> DateTime<Utc> {
    match started_on.checked_add_days(Days::new(u64::from(rules.trial_days))) {
        Some(day_after) => start_of_day(day_after, tz),
        None => DateTime::<Utc>::MAX_UTC,
    }
}

/// Brings the customer's account in line with its recorded trial start, in the caller's
/// transaction: computes `trial_until` and stores it on the account (creating the account row if
/// the customer has none yet).
///
/// # Errors
/// `Validation` (`trial_started_on`) when no account rules cover the day; database failures.
pub(crate) async fn record(tx: &WriteTx, customer: &Customer, now: DateTime<Utc>) -> Result<()> {
    let until = match customer.trial_started_on {
        Some(day) => {
            let rules = storage::account_rules::in_force_on(&**tx, day).await?.ok_or_else(|| {
                Error::Validation(vec![FieldError::new(
                    FIELD,
                    "no_account_rules",
                    format!("No account rules are defined for {day}: enter a later day."),
                    format!(
                        "{day}に適用されるアカウント条件がありません。それ以降の日付を入力してください。"
                    ),
                )])
            })?;
            Some(trial_until(day, &rules, customer.time_zone))
        }
        None => None,
    };
    let account = storage::tokens::find_account(&**tx, customer.id).await?;
    match account {
        Some(account) if account.trial_until == until => return Ok(()),
        None if until.is_none() => return Ok(()),
        _ => {}
    }
    storage::tokens::ensure_account(&**tx, customer.partner_id, customer.id, now).await?;
    storage::trial::set_trial_until(&**tx, customer.id, until, now).await?;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn rules(trial_days: u32) -> AccountRules {
        AccountRules {
            id: uuid::Uuid::nil(),
            effective_from: day("2020-01-01"),
            trial_days,
            grace_days: 14,
            deficit_allowed: true,
            note: None,
        }
    }

    #[test]
    fn a_90_day_trial_begun_on_1_december_ends_when_1_march_begins_in_tokyo() {
        let until = trial_until(day("2026-12-01"), &rules(90), chrono_tz::Asia::Tokyo);
        assert_eq!(until.to_rfc3339(), "2027-02-28T15:00:00+00:00");
        assert_eq!(crate::domain::quotes::last_valid_day(until, chrono_tz::Asia::Tokyo), day("2027-02-28"));
        let zero = trial_until(day("2026-12-01"), &rules(0), chrono_tz::Asia::Tokyo);
        assert_eq!(zero.to_rfc3339(), "2026-11-30T15:00:00+00:00");
    }

    #[test]
    fn the_start_is_a_day_not_after_today_or_nothing() {
        let today = day("2026-12-01");
        assert_eq!(parse_started_on(" ", today), Ok(None));
        assert_eq!(parse_started_on("2026-12-01", today), Ok(Some(today)));
        assert_eq!(parse_started_on("2026-12-02", today).map_err(|e| e.code), Err("in_the_future"));
        assert_eq!(parse_started_on("12/01/2026", today).map_err(|e| e.code), Err("invalid_date"));
    }
}
