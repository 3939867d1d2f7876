//! How a customer's balance and ledger are shown, to the reseller on the customer's page and to the
//! purchaser through the read-only link: token amounts grouped, days in the customer's time zone.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

use crate::domain::balance::{BalanceView, LedgerEntryView};
use crate::domain::tokens::reconcile::PackStatus;
use crate::web::pages::workspace_view::{grouped_tokens, local_date, local_time};

/// The balance figures and packs; packs still usable that end within 90 days are marked.
pub fn balance_data(view: &BalanceView, now: DateTime<Utc>) -> serde_json::Value {
    let tz: Tz = view.time_zone.parse().unwrap_or(chrono_tz::Asia::Tokyo);
    let horizon = now + Duration::days(90);
    let packs: Vec<_> = view
        .packs
        .iter()
        .map(|p| {
            let expiring = p.status == PackStatus::Available && p.expires_at > now && p.expires_at <= horizon;
            serde_json::json!({
                "order_id": p.order_id, "tokens": grouped_tokens(p.tokens), "remaining": grouped_tokens(p.remaining),
                "purchased": local_date(p.purchased_at, tz), "last_day": p.last_day, "status": p.status,
                "expiring": expiring,
            })
        })
        .collect();
    serde_json::json!({
        "customer_name": view.customer_name, "time_zone": view.time_zone, "status": view.status,
        "trial_last_day": view.trial_last_day,
        "available": grouped_tokens(view.available), "pending": grouped_tokens(view.pending),
        "deficit": grouped_tokens(view.deficit), "used_12_months": grouped_tokens(view.used_12_months),
        "purchased_total": grouped_tokens(view.purchased_total),
        "expiring_90_days": grouped_tokens(view.expiring_90_days), "packs": packs,
    })
}

/// One ledger entry as a row.
pub fn ledger_row(entry: &LedgerEntryView, tz: Tz) -> serde_json::Value {
    serde_json::json!({
        "seq": entry.seq, "kind": entry.kind, "tokens": grouped_tokens(entry.tokens),
        "negative": entry.tokens.is_negative(), "reference": entry.reference, "reason": entry.reason,
        "at": local_time(entry.created_at, tz),
    })
}
