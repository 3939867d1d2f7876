//! What a usage report says, and how it is put together from the roll-up sums: every day of the
//! period (days without usage as zeros), APIs and developers ranked by tokens, the totals.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

use super::low_balance::DonutColour;
use super::period::{GroupBy, UsageQuery};
use super::record::{DayUsage, KeyUsage};
use crate::domain::balance::BalanceStatus;
use crate::domain::error::{Error, Result};
use crate::domain::tokens::TokenAmount;
use crate::domain::tokens::reconcile::EntryKind;

/// One group's usage: a day (`YYYY-MM-DD`), an API or a developer's Autodesk ID.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UsageRow {
    pub key: String,
    pub tokens: TokenAmount,
    pub events: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct UsageTotal {
    pub tokens: TokenAmount,
    pub events: i64,
}

/// The balance as the donut shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BalanceSummary {
    pub status: BalanceStatus,
    pub available: TokenAmount,
    pub pending: TokenAmount,
    pub deficit: TokenAmount,
    /// Σ tokens of the packs that can still be drawn on: what the shares are shares of.
    pub valid_purchased: TokenAmount,
    pub left_percent: rust_decimal::Decimal,
    pub used_percent: rust_decimal::Decimal,
    pub colour: DonutColour,
}

/// A movement of tokens other than usage: a purchase, an expiry, a deficit offset, a reversal or
/// an operator's adjustment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenEvent {
    /// The customer's local date.
    pub date: NaiveDate,
    pub at: DateTime<Utc>,
    pub kind: EntryKind,
    /// Signed: what it added to (or took from) the customer's tokens.
    pub tokens: TokenAmount,
    pub pack_id: Option<Uuid>,
    pub reference: String,
}

/// A pack with tokens left that expires within 90 days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExpiringPack {
    pub id: Uuid,
    pub order_id: Uuid,
    pub tokens: TokenAmount,
    pub remaining: TokenAmount,
    pub expires_at: DateTime<Utc>,
    /// The last day it can be drawn on, in the customer's time zone.
    pub last_day: NaiveDate,
}

/// The usage of a period grouped one way, with the balance, the token events of the period and
/// the packs expiring soon.
#[derive(Debug, Clone, Serialize)]
pub struct UsageReport {
    pub customer_id: Uuid,
    pub time_zone: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub group_by: GroupBy,
    pub total: UsageTotal,
    pub rows: Vec<UsageRow>,
    pub balance: BalanceSummary,
    pub events: Vec<TokenEvent>,
    pub expiring_90_days: Vec<ExpiringPack>,
}

/// A report with the usage grouped all three ways, for the pages.
#[derive(Debug, Clone, Serialize)]
pub struct UsageOverview {
    pub customer_name: String,
    /// `rows` as the query's grouping asks.
    pub report: UsageReport,
    pub by_day: Vec<UsageRow>,
    pub by_api: Vec<UsageRow>,
    pub by_developer: Vec<UsageRow>,
}

fn overflow() -> Error {
    Error::Internal("usage sums left the ledger's range".into())
}

/// Every day of the period in order, with zeros for days without usage.
pub fn day_rows(query: &UsageQuery, days: &[DayUsage]) -> Vec<UsageRow> {
    let mut used = days.iter().peekable();
    query
        .each_day()
        .map(|day| {
            while used.next_if(|u| u.day < day).is_some() {}
            match used.next_if(|u| u.day == day) {
                Some(u) => UsageRow { key: day.to_string(), tokens: u.tokens, events: u.events },
                None => UsageRow { key: day.to_string(), tokens: TokenAmount::ZERO, events: 0 },
            }
        })
        .collect()
}

/// The usage per API or per developer, summed per key over the parts of a period, most tokens
/// first, then by name.
///
/// # Errors
/// `Internal` when a sum leaves the ledger's range.
pub fn ranked(parts: &[KeyUsage]) -> Result<Vec<UsageRow>> {
    let mut sums: BTreeMap<&str, (TokenAmount, i64)> = BTreeMap::new();
    for part in parts {
        let sum = sums.entry(&part.key).or_insert((TokenAmount::ZERO, 0));
        sum.0 = sum.0.checked_add(part.tokens).ok_or_else(overflow)?;
        sum.1 = sum.1.checked_add(part.events).ok_or_else(overflow)?;
    }
    let mut rows: Vec<UsageRow> = sums
        .into_iter()
        .map(|(key, (tokens, events))| UsageRow { key: key.to_owned(), tokens, events })
        .collect();
    rows.sort_by(|a, b| b.tokens.cmp(&a.tokens).then_with(|| a.key.cmp(&b.key)));
    Ok(rows)
}

/// # Errors
/// `Internal` when a sum leaves the ledger's range.
pub fn total(rows: &[UsageRow]) -> Result<UsageTotal> {
    let tokens = TokenAmount::checked_sum(rows.iter().map(|r| r.tokens)).ok_or_else(overflow)?;
    let events = rows.iter().try_fold(0_i64, |sum, r| sum.checked_add(r.events)).ok_or_else(overflow)?;
    Ok(UsageTotal { tokens, events })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn tokens(thousandths: i64) -> TokenAmount {
        TokenAmount::from_thousandths(thousandths)
    }

    #[test]
    fn every_day_of_the_period_has_a_row_and_days_outside_are_ignored() {
        let query = UsageQuery { from: day("2027-01-30"), to: day("2027-02-02"), group_by: GroupBy::Day };
        let days = [
            DayUsage { day: day("2027-01-29"), tokens: tokens(9), events: 9 },
            DayUsage { day: day("2027-01-31"), tokens: tokens(1500), events: 2 },
            DayUsage { day: day("2027-02-02"), tokens: tokens(500), events: 1 },
        ];
        let rows = day_rows(&query, &days);
        let shown: Vec<_> = rows.iter().map(|r| (r.key.as_str(), r.tokens.to_string(), r.events)).collect();
        assert_eq!(
            shown,
            vec![
                ("2027-01-30", "0".to_owned(), 0),
                ("2027-01-31", "1.5".to_owned(), 2),
                ("2027-02-01", "0".to_owned(), 0),
                ("2027-02-02", "0.5".to_owned(), 1),
            ]
        );
        assert_eq!(total(&rows).unwrap(), UsageTotal { tokens: tokens(2000), events: 3 });
    }

    #[test]
    fn keys_are_summed_over_the_parts_and_ranked_by_tokens_then_name() {
        let part = |key: &str, t: i64| KeyUsage { key: key.into(), tokens: tokens(t), events: 1 };
        // The days before the whole months, the months, the days after: the same API in each.
        let parts = [part("md", 1000), part("da", 3000), part("md", 2000), part("zz", 3000)];
        let rows: Vec<_> =
            ranked(&parts).unwrap().into_iter().map(|r| (r.key, r.tokens.to_string(), r.events)).collect();
        assert_eq!(
            rows,
            vec![("da".into(), "3".into(), 1), ("md".into(), "3".into(), 2), ("zz".into(), "3".into(), 1)]
        );
        let huge = [part("a", i64::MAX), part("a", 1)];
        assert!(ranked(&huge).is_err());
    }
}
