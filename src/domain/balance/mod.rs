//! Customers' tokens after the sale: packs, each customer's account (its deficit), the append-only
//! ledger, the balance the reseller and the purchaser see, the sweep (automatic fulfilment, expiry,
//! idempotency purge) and the reconciliation every token change must pass.
//!
//! Every token change is one transaction that first bumps the customer's account version (taking
//! its row lock on PostgreSQL), then changes packs only by conditional updates, each with its
//! ledger entry.

mod expiry_warnings;
mod ledger;
mod link;
mod reconciliation;
mod record;
mod sweep;
mod view;

pub use expiry_warnings::{WARNING_DAYS, warn_expiring};
pub use ledger::{adjust, fulfil_pack, post};
pub(crate) use link::customer_by_link;
pub use link::{PublicBalance, TrialNotice, balance_by_link, balance_link, public_balance_by_link};
pub use reconciliation::{ReconciliationReport, reconcile_all, reconcile_customer};
pub use record::{CustomerAccount, LedgerRecord, NewEntry, Pack};
pub use sweep::{SweepReport, sweep, sweep_at};
pub(crate) use view::status_at;
pub(crate) use view::visible_customer;
pub use view::{BalanceStatus, BalanceView, LedgerEntryView, PackView, customer_balance, customer_ledger};
