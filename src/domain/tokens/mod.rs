//! Flex tokens after the sale: exact amounts, when a pack expires, which packs usage draws on, how a
//! purchase settles a deficit, and the reconciliation check every token change must pass. Pure rules:
//! no database, no clock, no HTTP; the use cases that store packs and ledger entries call these.

pub mod amount;
pub mod drawdown;
pub mod expiry;
pub mod purchase;
pub mod reconcile;

pub use amount::TokenAmount;
