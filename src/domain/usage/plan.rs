//! Planning a batch in memory: each event in order is drawn down from the packs as the events
//! before it left them, what no pack covers becomes deficit — or, when the account rules in force
//! allow no deficit, the event is refused whole. The caller carries the plan out with one
//! conditional update per pack touched.

use uuid::Uuid;

use crate::domain::error::{Error, Result};
use crate::domain::tokens::TokenAmount;
use crate::domain::tokens::drawdown::{AvailablePack, drawdown};

use super::event::ValidEvent;

/// What one event does once applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split {
    pub charged: TokenAmount,
    pub uncharged: TokenAmount,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchPlan {
    /// Per event, in the order given: its split, or `None` when it cannot be covered and no
    /// deficit is allowed.
    pub splits: Vec<Option<Split>>,
    /// Per pack touched, in the order first touched: the total taken from it.
    pub takes: Vec<(Uuid, TokenAmount)>,
    /// What the batch adds to the deficit.
    pub deficit: TokenAmount,
}

fn overflow() -> Error {
    Error::Internal("a usage batch's tokens left the ledger's range".into())
}

/// Plans `events` (each with whether the rules in force on its day allow a deficit) against `packs`.
///
/// # Errors
/// `Internal` when sums leave the ledger's range (inputs are limited far below it).
pub fn plan(events: &[(&ValidEvent, bool)], packs: &[AvailablePack]) -> Result<BatchPlan> {
    let mut running = packs.to_vec();
    let mut splits = Vec::with_capacity(events.len());
    let mut takes: Vec<(Uuid, TokenAmount)> = Vec::new();
    let mut deficit = TokenAmount::ZERO;
    for (event, deficit_allowed) in events {
        let drawn = drawdown(&running, event.tokens, event.occurred_at).map_err(Error::internal)?;
        if drawn.deficit.is_positive() && !deficit_allowed {
            splits.push(None);
            continue;
        }
        for take in &drawn.takes {
            match takes.iter_mut().find(|(id, _)| *id == take.pack_id) {
                Some((_, total)) => *total = total.checked_add(take.tokens).ok_or_else(overflow)?,
                None => takes.push((take.pack_id, take.tokens)),
            }
        }
        deficit = deficit.checked_add(drawn.deficit).ok_or_else(overflow)?;
        splits.push(Some(Split { charged: drawn.charged(), uncharged: drawn.deficit }));
        running = drawn.applied_to(&running);
    }
    Ok(BatchPlan { splits, takes, deficit })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use chrono::{DateTime, Utc};

    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    fn tokens(n: i64) -> TokenAmount {
        TokenAmount::from_tokens(n).unwrap()
    }

    fn event(n: i64) -> ValidEvent {
        ValidEvent {
            event_id: format!("e{n}"),
            occurred_at: at("2027-01-10T00:00:00Z"),
            autodesk_id: "dev@example.com".into(),
            app: None,
            api: "Model Derivative".into(),
            units_thousandths: None,
            tokens: tokens(n),
        }
    }

    fn pack(id: u128, size: i64) -> AvailablePack {
        AvailablePack {
            id: Uuid::from_u128(id),
            tokens: tokens(size),
            remaining: tokens(size),
            purchased_at: at("2026-06-01T00:00:00Z"),
            expires_at: at("2027-06-01T00:00:00Z"),
        }
    }

    #[test]
    fn events_draw_one_after_another_and_the_rest_becomes_deficit() {
        let (a, b, c) = (event(30), event(50), event(40));
        let plan = plan(&[(&a, true), (&b, true), (&c, true)], &[pack(1, 100)]).unwrap();
        let split = |c, u| Some(Split { charged: tokens(c), uncharged: tokens(u) });
        assert_eq!(plan.splits, vec![split(30, 0), split(50, 0), split(20, 20)]);
        assert_eq!(plan.takes, vec![(Uuid::from_u128(1), tokens(100))]);
        assert_eq!(plan.deficit, tokens(20));
    }

    #[test]
    fn without_deficit_an_event_the_balance_cannot_cover_is_refused_whole_and_takes_nothing() {
        let (a, b, c) = (event(60), event(50), event(40));
        let plan = plan(&[(&a, false), (&b, false), (&c, false)], &[pack(1, 100)]).unwrap();
        let split = |c| Some(Split { charged: tokens(c), uncharged: TokenAmount::ZERO });
        assert_eq!(plan.splits, vec![split(60), None, split(40)]);
        assert_eq!(plan.takes, vec![(Uuid::from_u128(1), tokens(100))]);
        assert_eq!(plan.deficit, TokenAmount::ZERO);
    }
}
