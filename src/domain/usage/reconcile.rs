//! ledger.md's invariants 3 and 5 for one customer: every applied event is split exactly into what
//! packs covered and what became deficit; the `consumption` and `deficit` ledger entries add up to
//! those parts; the daily roll-ups hold the sums of the events they cover (per API and developer).

use uuid::Uuid;

use crate::domain::error::Result;
use crate::storage::{Conn, usage};

/// Checks the customer's usage; `Ok(Err(text))` names what disagrees.
///
/// # Errors
/// Database failures.
pub async fn check_customer(db: &impl Conn, customer: Uuid) -> Result<std::result::Result<(), String>> {
    let totals = usage::totals(db, customer).await?;
    if let Some(event) = totals.split_wrong {
        return Ok(Err(format!("usage event {event}: charged + uncharged is not its tokens")));
    }
    if totals.consumption_entries.checked_neg() != Some(totals.charged) {
        return Ok(Err(format!(
            "consumption entries total {} thousandths, but usage events were charged {}",
            -i128::from(totals.consumption_entries),
            totals.charged
        )));
    }
    if totals.deficit_entries.checked_neg() != Some(totals.uncharged) {
        return Ok(Err(format!(
            "deficit entries total {} thousandths, but usage events left {} uncharged",
            -i128::from(totals.deficit_entries),
            totals.uncharged
        )));
    }
    let mut keys: Vec<_> = totals.events_by_key.keys().chain(totals.daily_by_key.keys()).collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        let events = totals.events_by_key.get(key).copied().unwrap_or((0, 0));
        let daily = totals.daily_by_key.get(key).copied().unwrap_or((0, 0));
        if events != daily {
            return Ok(Err(format!(
                "daily usage of {} on {}: roll-ups hold {} thousandths in {} events, the events {} in {}",
                key.1, key.0, daily.0, daily.1, events.0, events.1
            )));
        }
    }
    Ok(Ok(()))
}
