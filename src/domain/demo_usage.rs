//! Demo usage for the showcase partner's customers: a few developers who accepted their
//! invitations, and usage events with a weekday rhythm across several APIs, applied through the same
//! ingestion as Autodesk's reports, so balances, deficits, roll-ups and the ledger are real and the
//! reconciliation passes. Deterministic for a seed.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use uuid::Uuid;

use super::Portal;
use super::actor::{Actor, Origin};
use super::assignments::{self, NewAssignment};
use super::error::Result;
use super::usage::{self, Outcome, UsageEventInput};
use crate::storage;

/// APIs with a typical cost of one event in thousandths of a token, and the app that calls them.
const APIS: [(&str, &str, i64); 4] = [
    ("Model Derivative", "Viewer", 40),
    ("Automation API for Fusion", "Batch export", 900),
    ("Design Automation for Revit", "Sheet publisher", 1_500),
    ("Reality Capture", "Site scans", 2_500),
];

/// The developers every demo customer has.
const DEVELOPERS: [&str; 4] = ["aiko", "ben", "chika", "dan"];

/// Events go in batches of this many, one transaction each.
const BATCH: usize = 1_000;

/// How many days back the generated usage reaches.
const DAYS: i64 = 90;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Makes sure the customer's demo developers are assigned and active: each is invited as the
/// workspace does, then accepts as if from the mail.
async fn developers(portal: &Portal, staff: &Actor, customer: Uuid, domain: &str) -> Result<Vec<String>> {
    let live = assignments::active_autodesk_ids(portal.db.conn(), customer).await?;
    let mut ids = Vec::new();
    for name in DEVELOPERS {
        let autodesk_id = format!("{name}@{domain}");
        if !live.iter().any(|(id, _)| *id == autodesk_id) {
            let input = NewAssignment { autodesk_id: autodesk_id.clone(), name: None, token_cap: None };
            let view =
                assignments::create_assignment(portal, staff, &Origin::default(), customer, &input).await?;
            let row = storage::assignments::find(portal.db.conn(), None, customer, view.id).await?;
            if let Some(hash) = row.and_then(|r| r.invite_token_hash) {
                // A write like any other: through the writer, not the read pool.
                let tx = portal.db.write().await?;
                storage::assignments::mark_accepted(&*tx, view.id, &hash, portal.clock.now()).await?;
                tx.commit().await?;
            }
        }
        ids.push(autodesk_id);
    }
    Ok(ids)
}

/// One day's weight: weekdays busy, weekends quiet.
fn weight(day: Weekday) -> u64 {
    match day {
        Weekday::Sat | Weekday::Sun => 1,
        _ => 6,
    }
}

/// Writes `count` usage events for `customer` over the last 90 days, reporting progress through
/// `progress` (events done); returns how many were applied (a second run with the same seed finds
/// them all `duplicate`).
///
/// # Errors
/// `NotFound` for a customer of another partner; database failures.
pub async fn seed_usage(
    portal: &Portal,
    staff: &Actor,
    customer: Uuid,
    count: u64,
    seed: u64,
    mut progress: impl FnMut(u64),
) -> Result<u64> {
    let domain = format!("dev{}.example", &customer.simple().to_string()[..8]);
    let developers = developers(portal, staff, customer, &domain).await?;
    // The rhythm is the customer's: weekdays and working hours on their own calendar and clock.
    let zone = super::customers::get_customer(portal, staff, customer).await?.time_zone;
    let now = portal.clock.now();
    let today = now.with_timezone(&zone).date_naive();
    let start = today - Duration::days(DAYS);
    let days: Vec<NaiveDate> = (0..DAYS).map(|d| start + Duration::days(d)).collect();
    let total_weight: u64 = days.iter().map(|d| weight(d.weekday())).sum();
    let mut rng = Rng(seed ^ customer.as_u128() as u64);
    let mut applied = 0;
    let mut batch = Vec::with_capacity(BATCH);
    for n in 0..count {
        // Pick a day by weight, then a working hour.
        let mut pick = rng.below(total_weight);
        let day = days
            .iter()
            .find(|d| {
                let w = weight(d.weekday());
                if pick < w {
                    true
                } else {
                    pick -= w;
                    false
                }
            })
            .copied()
            .unwrap_or(start);
        let seconds = i64::try_from(rng.below(9 * 3600)).unwrap_or(0);
        // Working hours: nine hours from nine in the morning.
        let local = day.and_time(NaiveTime::MIN) + Duration::hours(9) + Duration::seconds(seconds);
        let at = zone.from_local_datetime(&local).earliest().map_or(now, |t| t.with_timezone(&Utc)).min(now);
        let (api, app, cost) = APIS[usize::try_from(rng.below(APIS.len() as u64)).unwrap_or(0)];
        let thousandths =
            cost / 2 + i64::try_from(rng.below(u64::try_from(cost).unwrap_or(1))).unwrap_or(0) + 1;
        batch.push(UsageEventInput {
            event_id: format!("demo-{seed}-{n}"),
            occurred_at: at.to_rfc3339(),
            autodesk_id: developers[usize::try_from(rng.below(developers.len() as u64)).unwrap_or(0)].clone(),
            app: Some(app.to_owned()),
            api: api.to_owned(),
            units: None,
            tokens: format!("{}.{:03}", thousandths / 1000, thousandths % 1000),
        });
        if batch.len() == BATCH || n + 1 == count {
            let results =
                usage::ingest(portal, staff, &Origin::default(), customer, std::mem::take(&mut batch))
                    .await?;
            applied += results.iter().filter(|r| r.result == Outcome::Applied).count() as u64;
            progress(n + 1);
        }
    }
    Ok(applied)
}

/// Writes `count` usage events (split across the showcase partner's customers) as its sales staff
/// would upload them; returns how many were applied.
///
/// # Errors
/// `Conflict` when the showcase partner, its staff or its customers are missing (the first start of
/// the development profile creates them); database failures.
pub async fn seed_showcase_usage(
    portal: &Portal,
    count: u64,
    seed: u64,
    mut progress: impl FnMut(u64),
) -> Result<u64> {
    let missing = || {
        super::error::Error::conflict(
            "The showcase partner with its staff and customers is missing: start the portal once in the development profile first.",
            "デモ用の販売店（スタッフと顧客）がありません。先に開発プロファイルでポータルを一度起動してください。",
        )
    };
    let db = portal.db.conn();
    let partner = storage::partners::find_by_slug(db, super::partners::demo::SHOWCASE_SLUG)
        .await?
        .ok_or_else(missing)?;
    let user = storage::users::list_for_partner(db, partner.id)
        .await?
        .into_iter()
        .min_by_key(|u| u.role != super::actor::Role::PartnerSales)
        .ok_or_else(missing)?;
    let staff = Actor {
        user_id: user.id,
        email: user.email,
        display_name: user.display_name,
        role: user.role,
        partner_id: Some(partner.id),
        session_id: Uuid::new_v4(),
    };
    let (customers, _) = storage::customers::list(db, partner.id, None, 0, 100).await?;
    if customers.is_empty() {
        return Err(missing());
    }
    let share = count / customers.len() as u64;
    let mut done = 0;
    let mut applied = 0;
    for (i, customer) in customers.iter().enumerate() {
        let events = if i + 1 == customers.len() { count - share * i as u64 } else { share };
        let base = done;
        applied += seed_usage(portal, &staff, customer.id, events, seed, |n| progress(base + n)).await?;
        done += events;
    }
    Ok(applied)
}
