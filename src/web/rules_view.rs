//! How account rule sets are shown, in the API and on the operator's page.

use chrono::NaiveDate;
use serde::Serialize;
use uuid::Uuid;

use crate::domain::account_rules::{AccountRules, RulesStatus};

#[derive(Debug, Serialize)]
pub struct AccountRulesView {
    pub id: Uuid,
    pub effective_from: NaiveDate,
    pub trial_days: u32,
    pub grace_days: u32,
    pub deficit_allowed: bool,
    pub note: Option<String>,
    pub status: RulesStatus,
}

impl AccountRulesView {
    pub fn of(rules: &AccountRules, status: RulesStatus) -> Self {
        Self {
            id: rules.id,
            effective_from: rules.effective_from,
            trial_days: rules.trial_days,
            grace_days: rules.grace_days,
            deficit_allowed: rules.deficit_allowed,
            note: rules.note.clone(),
            status,
        }
    }
}
