//! The public shapes of partner search (documents, queries, results, facets, tiers) and the
//! flex-eligibility rule, which lives here and nowhere else.

use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const DEFAULT_PER_PAGE: u32 = 20;
pub const MAX_PER_PAGE: u32 = 100;

/// Declaration order is result order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    Platinum,
    Gold,
    Silver,
    Authorized,
}

impl Tier {
    pub const ALL: [Tier; 4] = [Tier::Platinum, Tier::Gold, Tier::Silver, Tier::Authorized];

    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Platinum => "platinum",
            Tier::Gold => "gold",
            Tier::Silver => "silver",
            Tier::Authorized => "authorized",
        }
    }

    pub(super) fn rank(self) -> usize {
        self as usize
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownTier;

impl std::fmt::Display for UnknownTier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("unknown partner tier")
    }
}

impl std::error::Error for UnknownTier {}

impl FromStr for Tier {
    type Err = UnknownTier;

    /// Accepts the codes used in URLs, in any case.
    fn from_str(code: &str) -> Result<Self, Self::Err> {
        Tier::ALL.into_iter().find(|t| t.as_str().eq_ignore_ascii_case(code.trim())).ok_or(UnknownTier)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerDoc {
    pub id: Uuid,
    pub slug: String,
    pub name_ja: String,
    pub name_en: String,
    pub description_ja: String,
    pub description_en: String,
    pub tier: Tier,
    pub country: String,
    pub regions: Vec<String>,
    pub languages: Vec<String>,
    pub services: Vec<String>,
    pub website: Option<String>,
    pub published: bool,
    pub flex_signed_on: Option<NaiveDate>,
    pub flex_expires_on: Option<NaiveDate>,
}

/// Empty filter strings count as absent, because that is what an untouched form field sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchQuery {
    pub text: Option<String>,
    pub country: Option<String>,
    pub region: Option<String>,
    pub language: Option<String>,
    pub service: Option<String>,
    pub tier: Option<Tier>,
    pub flex_only: bool,
    /// 1-based; 0 is read as 1.
    pub page: u32,
    /// Clamped to `1..=MAX_PER_PAGE`.
    pub per_page: u32,
}

impl Default for SearchQuery {
    fn default() -> Self {
        SearchQuery {
            text: None,
            country: None,
            region: None,
            language: None,
            service: None,
            tier: None,
            flex_only: false,
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        }
    }
}

/// Counts over the whole match set, each sorted by count descending, then key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facets {
    pub tier: Vec<(Tier, usize)>,
    pub language: Vec<(String, usize)>,
    pub region: Vec<(String, usize)>,
    pub service: Vec<(String, usize)>,
}

#[derive(Debug, Clone)]
pub struct SearchResult<'a> {
    pub items: Vec<super::Hit<'a>>,
    pub total: usize,
    /// The page and page size actually applied after clamping, for rendering pagination.
    pub page: u32,
    pub per_page: u32,
    /// Shared with the index's summary of the query, so repeats do not copy it.
    pub facets: std::sync::Arc<Facets>,
}
