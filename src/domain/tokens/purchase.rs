//! A purchase settles the deficit first: when a pack becomes available and the customer owes tokens,
//! the pack pays the deficit off before anything else (ledger.md, "Fulfil"), and keeps the rest.

use super::amount::TokenAmount;

/// What fulfilling a pack does to the pack and to the customer's deficit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeficitOffset {
    /// `min(tokens, deficit)`: the amount of the `deficit_offset` ledger entry (none when zero).
    pub offset: TokenAmount,
    /// What the pack keeps: `tokens − offset`.
    pub pack_remaining: TokenAmount,
    /// The deficit left after the offset.
    pub deficit_after: TokenAmount,
}

impl DeficitOffset {
    /// Whether the customer owed something and owes nothing now: `deficit_since` and a suspension end.
    pub fn clears_deficit(&self) -> bool {
        self.offset.is_positive() && self.deficit_after.is_zero()
    }
}

/// A pack's tokens and a customer's deficit that cannot be: the rows they came from are corrupt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ImpossibleSettlement {
    #[error("a pack of {0} tokens: a pack holds a positive number of tokens")]
    PackNotPositive(TokenAmount),
    #[error("a deficit of {0} tokens: a deficit is never negative")]
    NegativeDeficit(TokenAmount),
}

/// Settles as much of `deficit` as a new pack of `tokens` covers.
///
/// # Errors
/// [`ImpossibleSettlement`] when `tokens` is not positive or `deficit` is negative.
pub fn offset_deficit(
    tokens: TokenAmount,
    deficit: TokenAmount,
) -> Result<DeficitOffset, ImpossibleSettlement> {
    if !tokens.is_positive() {
        return Err(ImpossibleSettlement::PackNotPositive(tokens));
    }
    if deficit.is_negative() {
        return Err(ImpossibleSettlement::NegativeDeficit(deficit));
    }
    let offset = tokens.min(deficit);
    // Both are a non-negative value minus at most itself: they cannot overflow.
    let pack_remaining = tokens.checked_sub(offset).unwrap_or(TokenAmount::ZERO);
    let deficit_after = deficit.checked_sub(offset).unwrap_or(TokenAmount::ZERO);
    Ok(DeficitOffset { offset, pack_remaining, deficit_after })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn tokens(text: &str) -> TokenAmount {
        TokenAmount::parse_positive("tokens", text).unwrap()
    }

    #[test]
    fn a_purchase_of_the_deficit_plus_100_leaves_100_and_no_deficit() {
        let settled = offset_deficit(tokens("137.5"), tokens("37.5")).unwrap();
        assert_eq!(settled.offset, tokens("37.5"));
        assert_eq!(settled.pack_remaining, tokens("100"));
        assert_eq!(settled.deficit_after, TokenAmount::ZERO);
        assert!(settled.clears_deficit());
    }

    #[test]
    fn a_purchase_smaller_than_the_deficit_is_used_up_and_the_rest_is_still_owed() {
        let settled = offset_deficit(tokens("100"), tokens("250.125")).unwrap();
        assert_eq!(settled.offset, tokens("100"));
        assert_eq!(settled.pack_remaining, TokenAmount::ZERO);
        assert_eq!(settled.deficit_after, tokens("150.125"));
        assert!(!settled.clears_deficit());
    }

    #[test]
    fn without_a_deficit_the_pack_keeps_everything_and_needs_no_offset_entry() {
        let settled = offset_deficit(tokens("100"), TokenAmount::ZERO).unwrap();
        assert_eq!(settled.offset, TokenAmount::ZERO);
        assert_eq!(settled.pack_remaining, tokens("100"));
        assert!(!settled.clears_deficit());
    }

    #[test]
    fn impossible_packs_and_deficits_are_refused() {
        let minus = TokenAmount::from_thousandths(-1);
        assert_eq!(
            offset_deficit(TokenAmount::ZERO, tokens("5")),
            Err(ImpossibleSettlement::PackNotPositive(TokenAmount::ZERO))
        );
        assert_eq!(offset_deficit(minus, tokens("5")), Err(ImpossibleSettlement::PackNotPositive(minus)));
        assert_eq!(offset_deficit(tokens("100"), minus), Err(ImpossibleSettlement::NegativeDeficit(minus)));
    }

    proptest! {
        #[test]
        fn nothing_is_lost_or_made_up(tokens in 1_i64..=i64::MAX, deficit in 0_i64..=i64::MAX) {
            let (t, d) = (TokenAmount::from_thousandths(tokens), TokenAmount::from_thousandths(deficit));
            let settled = offset_deficit(t, d).unwrap();
            prop_assert_eq!(settled.offset.to_thousandths(), tokens.min(deficit));
            prop_assert_eq!(settled.offset.checked_add(settled.pack_remaining), Some(t));
            prop_assert_eq!(settled.offset.checked_add(settled.deficit_after), Some(d));
            prop_assert!(settled.pack_remaining.is_zero() || settled.deficit_after.is_zero());
        }
    }
}
