//! Autodesk's account terms as dated data: how long a new customer's trial lasts (no balance is
//! shown meanwhile), how long a deficit may stand before the account is suspended, and whether
//! usage beyond the balance is allowed to become a deficit at all. The operator adds a later rule
//! set when Autodesk changes the terms; the one in force on a day is the latest started by then.

use chrono::{NaiveDate, TimeDelta};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::error::{Error, Result};
use crate::storage;

mod manage;

pub use manage::{
    AccountRulesInput, MAX_DAYS, RulesHistory, RulesStatus, add_account_rules, list_account_rules,
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRules {
    pub id: Uuid,
    pub effective_from: NaiveDate,
    pub trial_days: u32,
    pub grace_days: u32,
    /// When false, usage beyond the balance is rejected instead of becoming a deficit.
    pub deficit_allowed: bool,
    pub note: Option<String>,
}

impl AccountRules {
    pub fn grace(&self) -> TimeDelta {
        TimeDelta::days(i64::from(self.grace_days))
    }

    pub fn trial(&self) -> TimeDelta {
        TimeDelta::days(i64::from(self.trial_days))
    }
}

/// The rules in force on `day`.
///
/// # Errors
/// `Internal` when no rule set covers the day (the migration seeds one from 2020) or a stored rule
/// cannot be read.
pub async fn in_force_on(db: &impl storage::Conn, day: NaiveDate) -> Result<AccountRules> {
    storage::account_rules::in_force_on(db, day)
        .await?
        .ok_or_else(|| Error::Internal(format!("no account rules are in force on {day}").into()))
}
