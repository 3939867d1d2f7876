//! Packs, customer token accounts and ledger entries as stored: every field already parsed.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::domain::tokens::TokenAmount;
use crate::domain::tokens::reconcile::{EntryKind, LedgerEntry, PackState, PackStatus};

/// The tokens one order bought.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pack {
    pub id: Uuid,
    pub partner_id: Uuid,
    pub customer_id: Uuid,
    pub order_id: Uuid,
    pub tokens: TokenAmount,
    pub remaining: TokenAmount,
    pub status: PackStatus,
    pub purchased_at: DateTime<Utc>,
    pub available_at: Option<DateTime<Utc>>,
    pub expires_at: DateTime<Utc>,
}

impl Pack {
    pub fn state(&self) -> PackState {
        PackState {
            id: self.id,
            status: self.status,
            tokens: self.tokens,
            remaining: self.remaining,
            expires_at: self.expires_at,
        }
    }
}

/// One customer's token account: what it owes, and the version every token change bumps first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerAccount {
    pub customer_id: Uuid,
    pub partner_id: Uuid,
    pub deficit: TokenAmount,
    pub deficit_since: Option<DateTime<Utc>>,
    pub trial_until: Option<DateTime<Utc>>,
    /// When the sweep suspended the account for a deficit past its grace period; cleared when a
    /// purchase (or an operator's adjustment) settles the deficit.
    pub suspended_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

/// One ledger entry as stored. Never changed once written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerRecord {
    pub id: Uuid,
    pub partner_id: Uuid,
    pub customer_id: Uuid,
    /// Its place in the customer's history, from 1.
    pub seq: i64,
    pub pack_id: Option<Uuid>,
    pub kind: EntryKind,
    /// Signed: see `tokens::reconcile` for what each kind's sign means.
    pub tokens: TokenAmount,
    /// What caused it: `order:EXMP-O-2027-00001`, `sweep`, `operator`.
    pub reference: String,
    /// An operator adjustment's reason.
    pub reason: Option<String>,
    pub actor_user_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

impl LedgerRecord {
    pub fn entry(&self) -> LedgerEntry {
        LedgerEntry { pack_id: self.pack_id, kind: self.kind, tokens: self.tokens }
    }
}

/// An entry about to be written: the storage numbers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    pub pack_id: Option<Uuid>,
    pub kind: EntryKind,
    pub tokens: TokenAmount,
    pub reference: String,
    pub reason: Option<String>,
    pub actor_user_id: Option<Uuid>,
}
