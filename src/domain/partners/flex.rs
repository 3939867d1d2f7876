//! Flex eligibility: whether a partner may receive quote requests, send Flex quotes and place
//! orders on a given day. Published, Platinum or Gold, and inside a signed Flex agreement (both
//! dates present, both inclusive). This is the only place the rule lives.

use chrono::NaiveDate;

use super::Partner;
use super::Tier;
use super::search_index::PartnerDoc;

/// The facts the rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlexTerms {
    pub published: bool,
    pub tier: Tier,
    pub signed_on: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
}

/// Anything that carries a partner's Flex terms: a stored partner, a directory document, a form.
pub trait HasFlexTerms {
    fn flex_terms(&self) -> FlexTerms;
}

impl<T: HasFlexTerms + ?Sized> HasFlexTerms for &T {
    fn flex_terms(&self) -> FlexTerms {
        (**self).flex_terms()
    }
}

impl HasFlexTerms for FlexTerms {
    fn flex_terms(&self) -> FlexTerms {
        *self
    }
}

impl HasFlexTerms for PartnerDoc {
    fn flex_terms(&self) -> FlexTerms {
        FlexTerms {
            published: self.published,
            tier: self.tier,
            signed_on: self.flex_signed_on,
            expires_on: self.flex_expires_on,
        }
    }
}

impl HasFlexTerms for Partner {
    fn flex_terms(&self) -> FlexTerms {
        FlexTerms {
            published: self.published,
            tier: self.tier,
            signed_on: self.flex_signed_on,
            expires_on: self.flex_expires_on,
        }
    }
}

/// Whether `partner` is Flex-eligible on `today`.
pub fn is_flex_eligible(partner: &impl HasFlexTerms, today: NaiveDate) -> bool {
    let terms = partner.flex_terms();
    let tier_ok = matches!(terms.tier, Tier::Platinum | Tier::Gold);
    let in_term =
        matches!((terms.signed_on, terms.expires_on), (Some(s), Some(e)) if s <= today && today <= e);
    terms.published && tier_ok && in_term
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn terms(
        published: bool,
        tier: Tier,
        signed_on: Option<NaiveDate>,
        expires_on: Option<NaiveDate>,
    ) -> FlexTerms {
        FlexTerms { published, tier, signed_on, expires_on }
    }

    #[test]
    fn published_platinum_or_gold_inside_the_agreement_is_eligible() {
        let (signed, expires) = (Some(day(2025, 1, 1)), Some(day(2025, 12, 31)));
        let today = day(2025, 6, 1);
        let eligible = |t: FlexTerms| is_flex_eligible(&t, today);
        assert!(eligible(terms(true, Tier::Platinum, signed, expires)));
        assert!(eligible(terms(true, Tier::Gold, signed, expires)));
        assert!(!eligible(terms(true, Tier::Silver, signed, expires)));
        assert!(!eligible(terms(true, Tier::Authorized, signed, expires)));
        assert!(!eligible(terms(false, Tier::Platinum, signed, expires)));
        assert!(!eligible(terms(true, Tier::Gold, signed, Some(day(2025, 5, 31)))), "expired");
        assert!(!eligible(terms(true, Tier::Gold, Some(day(2025, 6, 2)), expires)), "not yet signed");
        assert!(!eligible(terms(true, Tier::Gold, None, expires)));
        assert!(!eligible(terms(true, Tier::Gold, signed, None)));
        assert!(eligible(terms(true, Tier::Gold, Some(today), Some(today))), "both bounds inclusive");
    }
}
