//! How token rates and estimates are shown, in the API and on the pages. Token amounts are decimal
//! strings with at most 3 decimals (`"10"`, `"7.5"`, `"0.012"`); whole numbers of tokens and units
//! of a rate are JSON integers.

use chrono::NaiveDate;
use serde::Serialize;
use uuid::Uuid;

use crate::domain::estimator::{Estimate, EstimateLine, MINIMUM_PURCHASE, TokenRate};
use crate::domain::price_book::PeriodStatus;
use crate::domain::tokens::TokenAmount;
use crate::web::i18n::Lang;
use crate::web::pages::workspace_view::grouped_decimal;

#[derive(Debug, Serialize)]
pub struct RateView {
    pub id: Uuid,
    pub api: String,
    pub name_en: String,
    pub name_ja: String,
    pub unit_en: String,
    pub unit_ja: String,
    /// Tokens charged per `per_units` units.
    pub tokens: TokenAmount,
    pub per_units: u64,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    /// A historical published rate: confirm the current one before relying on it.
    pub historical: bool,
}

impl From<&TokenRate> for RateView {
    fn from(rate: &TokenRate) -> Self {
        Self {
            id: rate.id,
            api: rate.api.as_str().to_owned(),
            name_en: rate.name.en.to_string(),
            name_ja: rate.name.ja.to_string(),
            unit_en: rate.unit.en.to_string(),
            unit_ja: rate.unit.ja.to_string(),
            tokens: rate.rate.tokens,
            per_units: rate.rate.per_units,
            effective_from: rate.period.from,
            effective_to: rate.period.to,
            historical: rate.historical,
        }
    }
}

/// A rate as a page shows it: the API view, its name and unit in the reader's language, and where it
/// stands today.
#[derive(Debug, Serialize)]
pub struct RateRow {
    #[serde(flatten)]
    pub item: RateView,
    pub name: String,
    pub unit: String,
    /// `300,000` as people read it.
    pub per_units_shown: String,
    pub status: PeriodStatus,
}

impl RateRow {
    pub fn new(rate: &TokenRate, today: NaiveDate, lang: Lang) -> Self {
        Self {
            item: RateView::from(rate),
            name: rate.name.get(lang.code()).to_owned(),
            unit: rate.unit.get(lang.code()).to_owned(),
            per_units_shown: grouped_decimal(&rate.rate.per_units.to_string()),
            status: rate.period.status_on(today),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct LineView {
    pub api: String,
    pub name: String,
    pub unit: String,
    pub monthly_units: String,
    pub tokens_per_month: TokenAmount,
    pub tokens_per_year: TokenAmount,
    pub rate: RateView,
}

impl LineView {
    fn new(line: &EstimateLine, lang: Lang) -> Self {
        Self {
            api: line.rate.api.as_str().to_owned(),
            name: line.rate.name.get(lang.code()).to_owned(),
            unit: line.rate.unit.get(lang.code()).to_owned(),
            monthly_units: line.monthly_units.to_string(),
            tokens_per_month: line.tokens_per_month,
            tokens_per_year: line.tokens_per_year,
            rate: RateView::from(&line.rate),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct WarningView {
    pub code: &'static str,
    pub message: String,
}

#[derive(Debug, Serialize)]
pub struct EstimateView {
    /// The day whose rates were used.
    pub on: NaiveDate,
    pub tokens_per_month: TokenAmount,
    pub tokens_per_year: TokenAmount,
    pub suggested_purchase: u64,
    pub minimum_purchase: u64,
    pub lines: Vec<LineView>,
    pub warnings: Vec<WarningView>,
}

impl EstimateView {
    pub fn new(estimate: &Estimate, lang: Lang) -> Self {
        Self {
            on: estimate.on,
            tokens_per_month: estimate.tokens_per_month,
            tokens_per_year: estimate.tokens_per_year,
            suggested_purchase: estimate.suggested_purchase,
            minimum_purchase: MINIMUM_PURCHASE,
            lines: estimate.lines.iter().map(|l| LineView::new(l, lang)).collect(),
            warnings: estimate
                .warnings
                .iter()
                .map(|w| WarningView { code: w.code, message: w.message.get(lang.code()).to_owned() })
                .collect(),
        }
    }
}
