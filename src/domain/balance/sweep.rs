//! The token sweep, safe on several instances at once: orders nobody fulfilled within the
//! configured delay are fulfilled; packs past their expiry lose exactly what was left with an
//! `expiry` entry; purchasers and resellers are warned before packs expire (`expiry_warnings`);
//! accounts whose deficit outlived the grace period in force are suspended; idempotency keys older
//! than a day are purged; then everything is reconciled.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::expiry_warnings::warn_expiring;
use super::reconciliation::{ReconciliationReport, reconcile_all_at};
use super::{NewEntry, fulfil_pack, post};
use crate::domain::Portal;
use crate::domain::audit::{self, AuditEvent};
use crate::domain::error::{Error, Result};
use crate::domain::idempotency::KEEP_HOURS;
use crate::domain::tokens::TokenAmount;
use crate::domain::tokens::reconcile::EntryKind;
use crate::storage::{Db, idempotency, orders, tokens as store};

/// How many orders or packs one sweep handles per step; the next run takes the rest.
const BATCH: u64 = 500;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SweepReport {
    pub auto_fulfilled: u64,
    pub expired_packs: u64,
    pub expired_tokens: TokenAmount,
    pub purged_keys: u64,
    /// Accounts the sweep suspended: a deficit older than the grace period in force.
    pub suspended_accounts: u64,
    /// Packs whose purchaser and reseller were warned of their expiry.
    pub expiry_warnings: u64,
    pub reconciliation: ReconciliationReport,
}

impl SweepReport {
    pub fn did_something(&self) -> bool {
        self.auto_fulfilled > 0
            || self.expired_packs > 0
            || self.purged_keys > 0
            || self.suspended_accounts > 0
            || self.expiry_warnings > 0
            || !self.reconciliation.is_ok()
    }
}

impl std::fmt::Display for SweepReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "orders fulfilled automatically: {}, packs expired: {} ({} tokens), accounts suspended: {}, idempotency keys purged: {}\n{}",
            self.auto_fulfilled,
            self.expired_packs,
            self.expired_tokens,
            self.suspended_accounts,
            self.purged_keys,
            self.reconciliation
        )
    }
}

/// Runs the token sweep now, on the portal clock.
///
/// # Errors
/// Database failures.
pub async fn sweep(portal: &Portal) -> Result<SweepReport> {
    let after = Duration::hours(i64::try_from(portal.config.auto_fulfil_after_hours).unwrap_or(24));
    sweep_at(&portal.db, portal.clock.now(), after).await
}

/// Runs the token sweep as of `now`, fulfilling orders placed at least `auto_fulfil_after` ago.
///
/// # Errors
/// Database failures.
pub async fn sweep_at(db: &Db, now: DateTime<Utc>, auto_fulfil_after: Duration) -> Result<SweepReport> {
    let mut report = SweepReport::default();
    for order in orders::placed_before(db.conn(), now - auto_fulfil_after, BATCH).await? {
        let tx = db.write().await?;
        if !orders::mark_fulfilled(&*tx, order.id, None, None, now).await? {
            continue;
        }
        let Some(pack) = store::pack_of_order(&*tx, order.id).await? else {
            return Err(Error::Internal(format!("order {} has no pack", order.id).into()));
        };
        match fulfil_pack(&tx, &pack, &format!("order:{}", order.number), None, now).await {
            Ok(()) => {}
            Err(Error::Conflict(_)) => continue,
            Err(e) => return Err(e),
        }
        let event = AuditEvent {
            action: "order.fulfilled",
            subject_type: "order",
            subject_id: Some(order.id.to_string()),
            detail: serde_json::json!({ "number": order.number, "by": "sweep" }),
        };
        audit::record_system(&*tx, now, order.partner_id, event).await?;
        tx.commit().await?;
        report.auto_fulfilled += 1;
    }
    for pack in store::expired_by(db.conn(), now, BATCH).await? {
        let tx = db.write().await?;
        store::lock_account(&*tx, pack.customer_id, 0, now).await?;
        // Re-read under the lock: usage may have drawn on it since.
        let Some(current) = store::pack_of_order(&*tx, pack.order_id).await? else { continue };
        if !store::expire(&*tx, current.id, current.remaining).await? {
            continue;
        }
        if current.remaining.is_positive() {
            let entry = NewEntry {
                pack_id: Some(current.id),
                kind: EntryKind::Expiry,
                tokens: current.remaining.checked_neg().unwrap_or_default(),
                reference: "sweep".to_owned(),
                reason: None,
                actor_user_id: None,
            };
            post(&tx, current.partner_id, current.customer_id, &[entry], now).await?;
        }
        tx.commit().await?;
        report.expired_packs += 1;
        report.expired_tokens = report.expired_tokens.checked_add(current.remaining).unwrap_or_default();
    }
    report.expiry_warnings = warn_expiring(db, now).await?;
    report.suspended_accounts = suspend_overdue(db, now).await?;
    {
        let tx = db.write().await?;
        report.purged_keys = idempotency::purge(&*tx, now - Duration::hours(KEEP_HOURS)).await?;
        tx.commit().await?;
    }
    report.reconciliation = reconcile_all_at(db.conn(), now).await?;
    Ok(report)
}

/// Suspends every account whose deficit outlived the grace period in force today (UTC), each with
/// an audit entry; returns how many. Conditional, so another run or instance suspends none twice.
async fn suspend_overdue(db: &Db, now: DateTime<Utc>) -> Result<u64> {
    let tx = db.write().await?;
    let rules = crate::domain::account_rules::in_force_on(&*tx, now.date_naive()).await?;
    let began_by = now - rules.grace();
    let mut suspended = 0;
    for account in store::overdue_unsuspended(&*tx, began_by).await? {
        if !store::suspend_if_overdue(&*tx, account.customer_id, began_by, now).await? {
            continue;
        }
        let event = AuditEvent {
            action: "account.suspended",
            subject_type: "customer",
            subject_id: Some(account.customer_id.to_string()),
            detail: serde_json::json!({
                "deficit": account.deficit.to_string(),
                "deficit_since": account.deficit_since,
                "grace_days": rules.grace_days,
            }),
        };
        audit::record_system(&*tx, now, account.partner_id, event).await?;
        suspended += 1;
    }
    tx.commit().await?;
    Ok(suspended)
}
