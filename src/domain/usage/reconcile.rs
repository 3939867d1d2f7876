//! ledger.md's invariants 3 and 5 for one customer: every applied event is split exactly into what
//! packs covered and what became deficit; the `consumption` and `deficit` ledger entries add up to
//! those parts; the daily roll-ups hold the sums of the events they cover (per API and developer),
//! and the coarser roll-ups analytics read (day totals; per API and per developer by day and by
//! month) the sums of the daily ones.

use std::collections::HashMap;

use uuid::Uuid;

use crate::domain::error::Result;
use crate::domain::usage_analytics::rollup::{Dimension, Grain};
use crate::storage::{Conn, usage, usage_analytics};

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
    check_rollups(db, customer, &totals.daily_by_key).await
}

type Sums = (i128, i128);

fn add(
    sums: &mut HashMap<(String, String, String), Sums>,
    key: (Dimension, Grain, &str),
    (t, e): (i64, i64),
) {
    let sum =
        sums.entry((key.0.as_str().to_owned(), key.1.as_str().to_owned(), key.2.to_owned())).or_default();
    sum.0 += i128::from(t);
    sum.1 += i128::from(e);
}

/// The coarser roll-ups against the finest: per dimension, grain and key over all time, and the
/// day totals day by day.
async fn check_rollups(
    db: &impl Conn,
    customer: Uuid,
    finest: &HashMap<(String, String), (i64, i64)>,
) -> Result<std::result::Result<(), String>> {
    let held = usage_analytics::rollup_totals(db, customer).await?;
    let mut expected: HashMap<(String, String, String), Sums> = HashMap::new();
    for ((api, developer), &sums) in finest {
        add(&mut expected, (Dimension::Total, Grain::Day, ""), sums);
        for grain in [Grain::Day, Grain::Month] {
            add(&mut expected, (Dimension::Api, grain, api), sums);
            add(&mut expected, (Dimension::Developer, grain, developer), sums);
        }
    }
    let mut keys: Vec<_> = expected.keys().chain(held.by_kind_and_key.keys()).collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        let want = expected.get(key).copied().unwrap_or((0, 0));
        let have = held.by_kind_and_key.get(key).map_or((0, 0), |&(t, e)| (i128::from(t), i128::from(e)));
        if want != have {
            return Ok(Err(format!(
                "{} usage by {} of {:?}: roll-ups hold {} thousandths in {} events, the daily roll-up {} in {}",
                key.0, key.1, key.2, have.0, have.1, want.0, want.1
            )));
        }
    }
    let mut days: Vec<_> = held.day_totals.keys().chain(held.finest_by_day.keys()).collect();
    days.sort();
    days.dedup();
    for day in days {
        let have = held.day_totals.get(day).copied().unwrap_or((0, 0));
        let want = held.finest_by_day.get(day).copied().unwrap_or((0, 0));
        if have != want {
            return Ok(Err(format!(
                "usage on {day}: the day's total holds {} thousandths in {} events, the daily roll-up {} in {}",
                have.0, have.1, want.0, want.1
            )));
        }
    }
    Ok(Ok(()))
}
