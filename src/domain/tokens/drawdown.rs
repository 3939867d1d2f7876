//! Drawdown: which packs a consumption is taken from, in Autodesk's order (the pack that expires
//! first, then the smaller pack, then the older), and how much of it no pack covers (the deficit).
//! A plan only: the caller applies each take as a conditional update with its ledger entry.

use std::cmp::Ordering;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::amount::TokenAmount;
use super::expiry::is_expired;

/// A pack the customer can draw on (status `available`), as drawdown needs to see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AvailablePack {
    pub id: Uuid,
    /// What the pack was bought with; the smaller pack goes first among those expiring together.
    pub tokens: TokenAmount,
    pub remaining: TokenAmount,
    pub purchased_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// How much one pack gives, and what it keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Take {
    pub pack_id: Uuid,
    pub tokens: TokenAmount,
    pub remaining_after: TokenAmount,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawdownPlan {
    /// In drawdown order; packs that give nothing are not listed.
    pub takes: Vec<Take>,
    /// What no pack could cover; it becomes the customer's deficit.
    pub deficit: TokenAmount,
}

/// Consumption is a positive amount; anything else is a caller's bug, not usage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cannot draw down {0} tokens: consumption must be positive")]
pub struct NotAConsumption(pub TokenAmount);

/// Plans taking `amount` from `packs` at the instant `at`. Packs expired at `at` or with nothing left
/// are passed over; the rest are used whole, one after another, in [`drawdown_order`]. The input order
/// does not matter.
///
/// # Errors
/// [`NotAConsumption`] when `amount` is zero or negative.
pub fn drawdown(
    packs: &[AvailablePack],
    amount: TokenAmount,
    at: DateTime<Utc>,
) -> Result<DrawdownPlan, NotAConsumption> {
    if !amount.is_positive() {
        return Err(NotAConsumption(amount));
    }
    let mut usable: Vec<&AvailablePack> =
        packs.iter().filter(|p| p.remaining.is_positive() && !is_expired(p.expires_at, at)).collect();
    usable.sort_by(|a, b| drawdown_order(a, b));

    let mut need = amount;
    let mut takes = Vec::new();
    for pack in usable {
        if need.is_zero() {
            break;
        }
        let tokens = need.min(pack.remaining);
        // Both subtractions stay between zero and a value that already fits: they cannot fail.
        need = need.checked_sub(tokens).unwrap_or(TokenAmount::ZERO);
        let remaining_after = pack.remaining.checked_sub(tokens).unwrap_or(TokenAmount::ZERO);
        takes.push(Take { pack_id: pack.id, tokens, remaining_after });
    }
    Ok(DrawdownPlan { takes, deficit: need })
}

/// Autodesk's order: earliest expiry, then the smaller pack, then the older purchase; the id last, so
/// two packs alike in everything else are still always drawn in the same order.
pub fn drawdown_order(a: &AvailablePack, b: &AvailablePack) -> Ordering {
    (a.expires_at, a.tokens, a.purchased_at, a.id).cmp(&(b.expires_at, b.tokens, b.purchased_at, b.id))
}

impl DrawdownPlan {
    /// The total taken from packs (the part of the consumption that is charged).
    pub fn charged(&self) -> TokenAmount {
        // Every take is part of one amount that fits in an i64, so their sum does too.
        TokenAmount::checked_sum(self.takes.iter().map(|t| t.tokens)).unwrap_or(TokenAmount::ZERO)
    }

    /// The packs as they stand once the plan is carried out, for planning the next consumption of a
    /// batch in memory. Packs the plan does not touch are returned as they were.
    pub fn applied_to(&self, packs: &[AvailablePack]) -> Vec<AvailablePack> {
        packs
            .iter()
            .map(|pack| match self.takes.iter().find(|t| t.pack_id == pack.id) {
                Some(take) => AvailablePack { remaining: take.remaining_after, ..*pack },
                None => *pack,
            })
            .collect()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn tokens(text: &str) -> TokenAmount {
        TokenAmount::parse_positive("tokens", text).unwrap()
    }

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    fn pack(n: u128, size: &str, purchased_at: &str, expires_at: &str) -> AvailablePack {
        AvailablePack {
            id: Uuid::from_u128(n),
            tokens: tokens(size),
            remaining: tokens(size),
            purchased_at: utc(purchased_at),
            expires_at: utc(expires_at),
        }
    }

    fn remaining(packs: &[AvailablePack], n: u128) -> String {
        packs.iter().find(|p| p.id == Uuid::from_u128(n)).unwrap().remaining.to_string()
    }

    const A: u128 = 0xA;
    const B: u128 = 0xB;
    const C: u128 = 0xC;

    /// Issue 11's example: A (100) and B (50) both expire on 1 June 2027, C (500) on 1 September 2027.
    fn abc() -> Vec<AvailablePack> {
        vec![
            pack(A, "100", "2026-05-20T00:00:00Z", "2027-06-01T00:00:00Z"),
            pack(B, "50", "2026-05-25T00:00:00Z", "2027-06-01T00:00:00Z"),
            pack(C, "500", "2026-08-20T00:00:00Z", "2027-09-01T00:00:00Z"),
        ]
    }

    #[test]
    fn consuming_120_takes_50_from_the_smaller_pack_then_70_from_the_other_expiring_with_it() {
        let at = utc("2027-01-10T09:00:00Z");
        let packs = abc();
        let plan = drawdown(&packs, tokens("120"), at).unwrap();
        let take = |pack_id, t: &str, left: &str| Take {
            pack_id: Uuid::from_u128(pack_id),
            tokens: tokens(t),
            remaining_after: if left == "0" { TokenAmount::ZERO } else { tokens(left) },
        };
        assert_eq!(plan.takes, vec![take(B, "50", "0"), take(A, "70", "30")]);
        assert_eq!(plan.deficit, TokenAmount::ZERO);
        assert_eq!(plan.charged(), tokens("120"));

        let after = plan.applied_to(&packs);
        let half = drawdown(&after, tokens("0.5"), at).unwrap();
        assert_eq!(half.takes, vec![take(A, "0.5", "29.5")]);
        let after = half.applied_to(&after);
        assert_eq!(
            (remaining(&after, A), remaining(&after, B), remaining(&after, C)),
            ("29.5".to_owned(), "0".to_owned(), "500".to_owned())
        );
        assert_eq!(remaining(&packs, A), "100", "planning changes nothing");
    }

    #[test]
    fn among_packs_of_the_same_expiry_and_size_the_older_goes_first() {
        let older = pack(2, "100", "2026-01-01T00:00:00Z", "2027-06-01T00:00:00Z");
        let newer = pack(1, "100", "2026-02-01T00:00:00Z", "2027-06-01T00:00:00Z");
        let plan = drawdown(&[newer, older], tokens("150"), utc("2026-12-01T00:00:00Z")).unwrap();
        let order: Vec<Uuid> = plan.takes.iter().map(|t| t.pack_id).collect();
        assert_eq!(order, vec![older.id, newer.id]);
    }

    #[test]
    fn what_the_packs_cannot_cover_is_the_deficit() {
        let plan = drawdown(&abc(), tokens("700.25"), utc("2027-01-10T09:00:00Z")).unwrap();
        assert_eq!(plan.charged(), tokens("650"));
        assert_eq!(plan.deficit, tokens("50.25"));
        assert!(plan.takes.iter().all(|t| t.remaining_after.is_zero()));
    }

    #[test]
    fn a_pack_is_passed_over_from_the_instant_it_expires() {
        let packs = abc();
        let just_before = drawdown(&packs, tokens("10"), utc("2027-05-31T23:59:59Z")).unwrap();
        assert_eq!(just_before.takes[0].pack_id, Uuid::from_u128(B));
        let at_expiry = drawdown(&packs, tokens("10"), utc("2027-06-01T00:00:00Z")).unwrap();
        assert_eq!(at_expiry.takes.len(), 1);
        assert_eq!(at_expiry.takes[0].pack_id, Uuid::from_u128(C));
        let all_expired = drawdown(&packs, tokens("10"), utc("2027-09-01T00:00:00Z")).unwrap();
        assert_eq!((all_expired.takes.len(), all_expired.deficit), (0, tokens("10")));
    }

    #[test]
    fn empty_packs_and_no_packs_give_nothing() {
        let mut packs = abc();
        packs[1].remaining = TokenAmount::ZERO;
        let plan = drawdown(&packs, tokens("1"), utc("2027-01-10T09:00:00Z")).unwrap();
        assert_eq!(plan.takes[0].pack_id, Uuid::from_u128(A));
        let nothing = drawdown(&[], tokens("3.5"), utc("2027-01-10T09:00:00Z")).unwrap();
        assert_eq!((nothing.takes, nothing.deficit), (vec![], tokens("3.5")));
    }

    #[test]
    fn zero_or_negative_consumption_is_refused() {
        let at = utc("2027-01-10T09:00:00Z");
        assert_eq!(drawdown(&abc(), TokenAmount::ZERO, at), Err(NotAConsumption(TokenAmount::ZERO)));
        let minus = TokenAmount::from_thousandths(-1);
        assert_eq!(drawdown(&abc(), minus, at), Err(NotAConsumption(minus)));
    }

    /// The simplest model of the rule: hand out one thousandth at a time, each from the first pack in
    /// Autodesk's order that still has some and has not expired.
    fn model(packs: &[AvailablePack], amount: i64, at: DateTime<Utc>) -> (Vec<(Uuid, i64)>, i64) {
        let mut left: Vec<(AvailablePack, i64)> =
            packs.iter().map(|p| (*p, p.remaining.to_thousandths())).collect();
        let mut deficit = 0;
        for _ in 0..amount {
            let next = left
                .iter_mut()
                .filter(|(p, l)| *l > 0 && at < p.expires_at)
                .min_by(|(a, _), (b, _)| drawdown_order(a, b));
            match next {
                Some((_, l)) => *l -= 1,
                None => deficit += 1,
            }
        }
        let mut remaining: Vec<(Uuid, i64)> = left.into_iter().map(|(p, l)| (p.id, l)).collect();
        remaining.sort();
        (remaining, deficit)
    }

    fn packs_strategy() -> impl Strategy<Value = Vec<AvailablePack>> {
        // Few distinct expiries, sizes and purchase days, so ties on each key are common.
        let pack = (0_u32..4, 1_i64..4, 0_i64..3_000, 0_u32..3, any::<u128>()).prop_map(
            |(expiry, size, used, bought, id)| {
                let tokens = TokenAmount::from_thousandths(size * 1000);
                AvailablePack {
                    id: Uuid::from_u128(id),
                    tokens,
                    remaining: TokenAmount::from_thousandths((size * 1000 - used).max(0)),
                    purchased_at: DateTime::from_timestamp(1_800_000_000 + i64::from(bought) * 86_400, 0)
                        .unwrap(),
                    expires_at: DateTime::from_timestamp(1_830_000_000 + i64::from(expiry) * 86_400, 0)
                        .unwrap(),
                }
            },
        );
        prop::collection::vec(pack, 0..7)
    }

    proptest! {
        #[test]
        fn the_plan_matches_the_thousandth_by_thousandth_model(
            packs in packs_strategy(),
            amount in 1_i64..15_000,
            day in 0_i64..5,
        ) {
            let at = DateTime::from_timestamp(1_830_000_000 + day * 86_400 - 1, 0).unwrap();
            let plan = drawdown(&packs, TokenAmount::from_thousandths(amount), at).unwrap();
            let mut after: Vec<(Uuid, i64)> =
                plan.applied_to(&packs).iter().map(|p| (p.id, p.remaining.to_thousandths())).collect();
            after.sort();
            prop_assert_eq!((after, plan.deficit.to_thousandths()), model(&packs, amount, at));
        }

        #[test]
        fn takes_and_deficit_add_up_and_no_pack_goes_below_zero(
            packs in packs_strategy(),
            amount in 1_i64..15_000,
            day in 0_i64..5,
        ) {
            let at = DateTime::from_timestamp(1_830_000_000 + day * 86_400 - 1, 0).unwrap();
            let plan = drawdown(&packs, TokenAmount::from_thousandths(amount), at).unwrap();
            prop_assert_eq!(plan.charged().checked_add(plan.deficit).unwrap().to_thousandths(), amount);
            prop_assert!(!plan.deficit.is_negative());
            for take in &plan.takes {
                let pack = packs.iter().find(|p| p.id == take.pack_id).unwrap();
                prop_assert!(take.tokens.is_positive());
                prop_assert!(!take.remaining_after.is_negative());
                prop_assert_eq!(pack.remaining.checked_sub(take.tokens), Some(take.remaining_after));
                prop_assert!(!is_expired(pack.expires_at, at));
            }
            // A later-expiring pack gives only once every usable pack expiring earlier is empty.
            let after = plan.applied_to(&packs);
            for take in &plan.takes {
                let taken = packs.iter().find(|p| p.id == take.pack_id).unwrap();
                let earlier_left = after.iter().any(|p| {
                    p.expires_at < taken.expires_at && !is_expired(p.expires_at, at) && p.remaining.is_positive()
                });
                prop_assert!(!earlier_left);
            }
            // A deficit only when every usable pack is empty.
            if plan.deficit.is_positive() {
                prop_assert!(after.iter().all(|p| is_expired(p.expires_at, at) || !p.remaining.is_positive()));
            }
        }

        #[test]
        fn the_plan_does_not_depend_on_the_order_packs_are_given_in(
            (packs, shuffled) in packs_strategy().prop_flat_map(|packs| (Just(packs.clone()), Just(packs).prop_shuffle())),
            amount in 1_i64..15_000,
        ) {
            let at = DateTime::from_timestamp(1_830_000_000, 0).unwrap();
            let amount = TokenAmount::from_thousandths(amount);
            prop_assert_eq!(drawdown(&packs, amount, at), drawdown(&shuffled, amount, at));
        }
    }
}
