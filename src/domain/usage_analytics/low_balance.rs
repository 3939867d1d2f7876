//! The balance donut's rule: green while more than 20% of the purchased tokens that are still valid
//! is left, red at or below 20% (and red when nothing valid was bought, or a deficit is owed). Decided
//! on exact thousandths; the percentages are for showing only.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use crate::domain::tokens::TokenAmount;

/// At or below this share of valid purchased tokens left, the donut turns red.
pub const LOW_PERCENT: i64 = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DonutColour {
    Green,
    Red,
}

/// What is left of the tokens bought in packs that can still be drawn on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokensLeft {
    /// Σ remaining of available packs not yet expired.
    pub left: TokenAmount,
    /// Σ tokens of those packs.
    pub valid_purchased: TokenAmount,
}

impl TokensLeft {
    pub fn colour(self) -> DonutColour {
        let left = i128::from(self.left.to_thousandths());
        let whole = i128::from(self.valid_purchased.to_thousandths());
        if left * 100 > whole * i128::from(LOW_PERCENT) { DonutColour::Green } else { DonutColour::Red }
    }

    /// The share left, in percent with one decimal, rounded down (so 100.0 means nothing was used);
    /// 0.0 when nothing valid was bought.
    pub fn left_percent(self) -> Decimal {
        let whole = self.valid_purchased.to_thousandths();
        if whole <= 0 {
            return Decimal::new(0, 1);
        }
        let share =
            Decimal::from(self.left.to_thousandths().max(0)) * Decimal::ONE_HUNDRED / Decimal::from(whole);
        let mut shown = share.round_dp_with_strategy(1, RoundingStrategy::ToZero);
        shown.rescale(1);
        shown
    }

    /// The share used: 100 less the share left, so the two always add up to what is shown.
    pub fn used_percent(self) -> Decimal {
        if self.valid_purchased.to_thousandths() <= 0 {
            return Decimal::new(0, 1);
        }
        let mut used = Decimal::ONE_HUNDRED - self.left_percent();
        used.rescale(1);
        used
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn left(left: i64, whole: i64) -> TokensLeft {
        TokensLeft {
            left: TokenAmount::from_thousandths(left),
            valid_purchased: TokenAmount::from_thousandths(whole),
        }
    }

    #[test]
    fn the_donut_is_green_above_twenty_percent_and_red_at_or_below() {
        assert_eq!(left(20_001, 100_000).colour(), DonutColour::Green);
        assert_eq!(left(20_000, 100_000).colour(), DonutColour::Red);
        assert_eq!(left(19_999, 100_000).colour(), DonutColour::Red);
        assert_eq!(left(0, 0).colour(), DonutColour::Red, "nothing valid bought");
        assert_eq!(left(100_000, 100_000).colour(), DonutColour::Green);
    }

    #[test]
    fn the_percentages_are_rounded_down_to_one_decimal_and_add_up() {
        assert_eq!((left(20_001, 100_000).left_percent().to_string()), "20.0");
        assert_eq!(left(99_999, 100_000).left_percent().to_string(), "99.9");
        assert_eq!(left(99_999, 100_000).used_percent().to_string(), "0.1");
        assert_eq!(left(100_000, 100_000).left_percent().to_string(), "100.0");
        assert_eq!(left(29_500, 100_000).used_percent().to_string(), "70.5");
        assert_eq!(
            (left(0, 0).left_percent().to_string(), left(0, 0).used_percent().to_string()),
            ("0.0".into(), "0.0".into())
        );
    }
}
