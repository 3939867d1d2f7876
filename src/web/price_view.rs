//! How price tiers and tax rules are shown, in the API and on the operator's pages.
//!
//! Amounts are decimal strings in major units with at least the currency's minor digits and no
//! trailing zeros beyond them: `"390"`, `"370.5"`, `"3.00"`. Rates are percentages: `"10"`, `"7.5"`.

use chrono::NaiveDate;
use serde::Serialize;
use uuid::Uuid;

use crate::domain::money::{Currency, Money, Rounding};
use crate::domain::price_book::{PeriodStatus, TaxRuleRecord, TierRecord, rate_percent};

#[derive(Debug, Serialize)]
pub struct TierView {
    pub id: Uuid,
    pub currency: Currency,
    pub min_tokens: u32,
    pub unit_price: Money,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    pub sample: bool,
}

impl From<&TierRecord> for TierView {
    fn from(record: &TierRecord) -> Self {
        Self {
            id: record.id,
            currency: record.tier.currency,
            min_tokens: record.tier.min_tokens,
            unit_price: Money::new(record.tier.unit_price, record.tier.currency),
            effective_from: record.period.from,
            effective_to: record.period.to,
            sample: record.sample,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct TaxRuleView {
    pub id: Uuid,
    pub country: String,
    pub name: String,
    pub rate_percent: String,
    pub rounding: Rounding,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
}

impl From<&TaxRuleRecord> for TaxRuleView {
    fn from(record: &TaxRuleRecord) -> Self {
        Self {
            id: record.id,
            country: record.country.clone(),
            name: record.name.clone(),
            rate_percent: rate_percent(record.rule.rate).to_string(),
            rounding: record.rule.rounding,
            effective_from: record.period.from,
            effective_to: record.period.to,
        }
    }
}

/// A row of a page table: the API view plus what the page shows about it on `today`.
#[derive(Debug, Serialize)]
pub struct PageRow<V> {
    #[serde(flatten)]
    pub item: V,
    /// The amount as people read it (`¥370.5`), when the row has one.
    pub shown: Option<String>,
    pub status: PeriodStatus,
}

impl PageRow<TierView> {
    pub fn tier(record: &TierRecord, today: NaiveDate) -> Self {
        let item = TierView::from(record);
        let shown = Some(item.unit_price.to_string());
        Self { item, shown, status: record.period.status_on(today) }
    }
}

impl PageRow<TaxRuleView> {
    pub fn tax_rule(record: &TaxRuleRecord, today: NaiveDate) -> Self {
        Self { item: TaxRuleView::from(record), shown: None, status: record.period.status_on(today) }
    }
}
