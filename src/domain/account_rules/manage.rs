//! The operator's account rules: list them with the one in force today, and add a later set. A rule
//! set never starts in the past (the days already lived keep the terms they had) and each starts on
//! its own day. Each addition is audited.

use chrono::NaiveDate;
use serde::Serialize;
use uuid::Uuid;

use super::AccountRules;
use crate::domain::Portal;
use crate::domain::actor::{Actor, Origin};
use crate::domain::audit::{self, AuditEvent};
use crate::domain::contact::BoundedText;
use crate::domain::error::{Error, FieldError, FieldErrors, Result};
use crate::domain::price_book::parse_day;
use crate::storage::UniqueViolation;
use crate::storage::account_rules as store;

/// The longest trial or grace period a rule set may give, in days.
pub const MAX_DAYS: u32 = 365;
const NOTE_MAX_CHARS: usize = 500;

/// A new rule set as typed into the form or sent to the API.
#[derive(Debug, Clone, Default)]
pub struct AccountRulesInput {
    pub effective_from: String,
    pub trial_days: String,
    pub grace_days: String,
    pub deficit_allowed: bool,
    /// Empty for none.
    pub note: String,
}

/// Where a rule set stands on a day: not yet started, the one in force, or replaced by a later one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RulesStatus {
    Scheduled,
    InForce,
    Superseded,
}

/// Every rule set, oldest first, each with where it stands on `today`.
#[derive(Debug, Clone)]
pub struct RulesHistory {
    pub today: NaiveDate,
    pub sets: Vec<(AccountRules, RulesStatus)>,
}

impl RulesHistory {
    fn of(sets: Vec<AccountRules>, today: NaiveDate) -> Self {
        let in_force = sets.iter().rev().find(|r| r.effective_from <= today).map(|r| r.id);
        let sets = sets
            .into_iter()
            .map(|rules| {
                let status = if Some(rules.id) == in_force {
                    RulesStatus::InForce
                } else if rules.effective_from > today {
                    RulesStatus::Scheduled
                } else {
                    RulesStatus::Superseded
                };
                (rules, status)
            })
            .collect();
        Self { today, sets }
    }

    /// The set in force on `today`.
    pub fn in_force(&self) -> Option<&AccountRules> {
        self.sets.iter().find(|(_, status)| *status == RulesStatus::InForce).map(|(rules, _)| rules)
    }
}

fn parse_days(field: &'static str, text: &str) -> std::result::Result<u32, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(FieldError::new(
            field,
            "required",
            "Enter a number of days.",
            "日数を入力してください。",
        ));
    }
    let days: u32 = text.parse().map_err(|_| {
        FieldError::new(
            field,
            "not_a_number",
            "Enter a whole number of days, e.g. 90.",
            "日数は90のような整数で入力してください。",
        )
    })?;
    if days > MAX_DAYS {
        return Err(FieldError::new(
            field,
            "out_of_range",
            format!("Enter between 0 and {MAX_DAYS} days."),
            format!("日数は0から{MAX_DAYS}の範囲で入力してください。"),
        ));
    }
    Ok(days)
}

impl AccountRulesInput {
    /// Every bad field at once; `effective_from` may not be before `today`.
    fn parse(&self, today: NaiveDate) -> Result<AccountRules> {
        let mut errors = FieldErrors::new();
        let from = errors.check(parse_day("effective_from", &self.effective_from));
        if let Some(from) = from
            && from < today
        {
            errors.push(FieldError::new(
                "effective_from",
                "in_the_past",
                format!("Start today ({today}) or later: days already past keep the terms they had."),
                format!("適用開始日は本日（{today}）以降にしてください。過ぎた日の条件は変更できません。"),
            ));
        }
        let trial_days = errors.check(parse_days("trial_days", &self.trial_days));
        let grace_days = errors.check(parse_days("grace_days", &self.grace_days));
        let note = match self.note.trim() {
            "" => Some(None),
            text => errors
                .check(BoundedText::parse("note", text, 1, NOTE_MAX_CHARS))
                .map(|n| Some(n.into_inner())),
        };
        errors.into_result()?;
        match (from, trial_days, grace_days, note) {
            (Some(effective_from), Some(trial_days), Some(grace_days), Some(note)) => Ok(AccountRules {
                id: Uuid::new_v4(),
                effective_from,
                trial_days,
                grace_days,
                deficit_allowed: self.deficit_allowed,
                note,
            }),
            _ => Err(Error::Internal("parsed account rules field missing".into())),
        }
    }

    /// Checks the input without writing anything.
    ///
    /// # Errors
    /// `Validation` naming each bad field.
    pub fn validate(&self, today: NaiveDate) -> Result<()> {
        self.parse(today).map(drop)
    }
}

fn require_admin(actor: &Actor) -> Result<()> {
    if actor.is_admin() { Ok(()) } else { Err(Error::Forbidden) }
}

fn same_day(day: NaiveDate) -> Error {
    Error::conflict(
        format!("A rule set already starts on {day}. Choose another day."),
        format!("{day}に始まる条件が既にあります。別の日を指定してください。"),
    )
}

/// Every rule set, oldest first, with the one in force today (Asia/Tokyo).
///
/// # Errors
/// `Forbidden` unless the operator.
pub async fn list_account_rules(portal: &Portal, actor: &Actor) -> Result<RulesHistory> {
    require_admin(actor)?;
    let sets = store::all(portal.db.conn()).await?;
    Ok(RulesHistory::of(sets, portal.today()))
}

/// Adds a rule set that takes over on its `effective_from`.
///
/// # Errors
/// `Forbidden` unless the operator; `Validation` for bad fields or a start before today;
/// `Conflict` when a rule set already starts that day.
pub async fn add_account_rules(
    portal: &Portal,
    actor: &Actor,
    origin: &Origin,
    input: &AccountRulesInput,
) -> Result<AccountRules> {
    require_admin(actor)?;
    let rules = input.parse(portal.today())?;
    let tx = portal.db.write().await?;
    if store::starting_on(&*tx, rules.effective_from).await?.is_some() {
        return Err(same_day(rules.effective_from));
    }
    let now = portal.clock.now();
    match store::insert(&*tx, &rules, Some(actor.user_id), now).await {
        Ok(()) => {}
        // Two operators adding the same day at once: the unique index decides.
        Err(e) if e.unique_violation().is_some() => return Err(same_day(rules.effective_from)),
        Err(e) => return Err(e.into()),
    }
    let event = AuditEvent {
        action: "account_rules.added",
        subject_type: "account_rules",
        subject_id: Some(rules.id.to_string()),
        detail: serde_json::json!({
            "effective_from": rules.effective_from, "trial_days": rules.trial_days,
            "grace_days": rules.grace_days, "deficit_allowed": rules.deficit_allowed, "note": rules.note,
        }),
    };
    audit::record(&*tx, now, Some(actor), None, origin, event).await?;
    tx.commit().await?;
    Ok(rules)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn codes(input: &AccountRulesInput) -> Vec<(String, &'static str)> {
        match input.parse(day("2026-12-01")) {
            Err(Error::Validation(errors)) => {
                errors.into_iter().map(|e| (e.field.into_owned(), e.code)).collect()
            }
            other => panic!("{other:?}"),
        }
    }

    fn input(from: &str, trial: &str, grace: &str) -> AccountRulesInput {
        AccountRulesInput {
            effective_from: from.into(),
            trial_days: trial.into(),
            grace_days: grace.into(),
            deficit_allowed: true,
            note: String::new(),
        }
    }

    #[test]
    fn days_are_whole_numbers_from_0_to_365() {
        let ok = input("2026-12-01", "0", "365").parse(day("2026-12-01")).unwrap();
        assert_eq!((ok.trial_days, ok.grace_days, ok.note), (0, 365, None));
        assert_eq!(
            codes(&input("2026-12-01", "366", "-1")),
            [("trial_days".to_owned(), "out_of_range"), ("grace_days".to_owned(), "not_a_number")]
        );
        assert_eq!(
            codes(&input("2026-12-01", "", "1.5")),
            [("trial_days".to_owned(), "required"), ("grace_days".to_owned(), "not_a_number")]
        );
    }

    #[test]
    fn a_rule_set_starts_today_or_later() {
        assert_eq!(codes(&input("2026-11-30", "90", "14")), [("effective_from".to_owned(), "in_the_past")]);
        assert_eq!(codes(&input("2026-13-01", "90", "14")), [("effective_from".to_owned(), "invalid_date")]);
    }

    fn rules(from: &str) -> AccountRules {
        AccountRules {
            id: Uuid::new_v4(),
            effective_from: day(from),
            trial_days: 90,
            grace_days: 14,
            deficit_allowed: true,
            note: None,
        }
    }

    #[test]
    fn the_latest_set_started_by_today_is_in_force() {
        let sets = vec![rules("2020-01-01"), rules("2026-12-01"), rules("2027-01-01")];
        let statuses: Vec<_> =
            RulesHistory::of(sets.clone(), day("2026-12-15")).sets.into_iter().map(|s| s.1).collect();
        assert_eq!(statuses, [RulesStatus::Superseded, RulesStatus::InForce, RulesStatus::Scheduled]);
        let history = RulesHistory::of(sets.clone(), day("2027-01-01"));
        assert_eq!(history.in_force().map(|r| r.effective_from), Some(day("2027-01-01")));
    }
}
