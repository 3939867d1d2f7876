//! Reconciliation of every customer's packs, deficit and ledger (`tokens::reconcile` per customer),
//! and of orders against their packs: what the tests run after every token change and what
//! `flexportal sweep` reports.

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::domain::Portal;
use crate::domain::error::Result;
use crate::domain::tokens::reconcile::{Balance, reconcile};
use crate::storage::{Conn, orders, tokens as store};

/// What a reconciliation run checked, and the first thing it found broken.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReconciliationReport {
    pub customers: u64,
    pub packs: u64,
    /// The first discrepancy, naming the customer and the pack or entry; `None` when all agree.
    pub first_broken: Option<String>,
}

impl ReconciliationReport {
    pub fn is_ok(&self) -> bool {
        self.first_broken.is_none()
    }
}

impl std::fmt::Display for ReconciliationReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.first_broken {
            None => write!(f, "reconciliation: ok ({} customers, {} packs)", self.customers, self.packs),
            Some(problem) => write!(f, "reconciliation: FAILED: {problem}"),
        }
    }
}

/// Checks one customer at `at`.
///
/// # Errors
/// Database failures. A discrepancy is `Ok(Err(text))`, naming the pack or entry.
pub async fn reconcile_customer(
    db: &impl Conn,
    customer: Uuid,
    at: DateTime<Utc>,
) -> Result<std::result::Result<(Balance, usize), String>> {
    let packs = store::packs_of_customer(db, customer).await?;
    let entries = store::entries_of_customer(db, customer).await?;
    let deficit = store::find_account(db, customer).await?.map(|a| a.deficit).unwrap_or_default();
    let states: Vec<_> = packs.iter().map(super::Pack::state).collect();
    let ledger: Vec<_> = entries.iter().map(super::LedgerRecord::entry).collect();
    // A pack always names its order (a foreign key); an order without a pack is checked once for
    // all customers by `reconcile_all`.
    let balance = match reconcile(&states, &ledger, deficit, at) {
        Ok(balance) => balance,
        Err(problem) => return Ok(Err(format!("customer {customer}: {problem}"))),
    };
    Ok(crate::domain::usage::reconcile::check_customer(db, customer)
        .await?
        .map(|()| (balance, packs.len()))
        .map_err(|problem| format!("customer {customer}: {problem}")))
}

/// Reconciles every customer that has tokens, and checks that every order has its pack.
///
/// # Errors
/// Database failures (a discrepancy is reported, not an error).
pub async fn reconcile_all(portal: &Portal) -> Result<ReconciliationReport> {
    reconcile_all_at(portal.db.conn(), portal.clock.now()).await
}

pub(crate) async fn reconcile_all_at(db: &impl Conn, at: DateTime<Utc>) -> Result<ReconciliationReport> {
    let mut report = ReconciliationReport::default();
    for account in store::all_accounts(db).await? {
        report.customers += 1;
        match reconcile_customer(db, account.customer_id, at).await? {
            Ok((_, packs)) => report.packs += packs as u64,
            Err(problem) => {
                report.first_broken = Some(problem);
                return Ok(report);
            }
        }
    }
    if let Some(order) = orders::without_pack(db).await? {
        report.first_broken = Some(format!("order {order} has no pack"));
    }
    Ok(report)
}
