//! Reconciliation: one customer's packs, deficit and ledger entries must tell the same story. Run after
//! every token change in tests and by `flexportal sweep`; the first thing that disagrees is reported,
//! naming the pack or entry.
//!
//! Ledger entries are signed by their effect on what they touch (ledger.md):
//! - on a pack's `remaining`: `purchase` (+, the pack's tokens, exactly one per pack), `consumption`,
//!   `deficit_offset`, `expiry` and `reversal` (all −), and `adjustment` with a pack (±, not 0);
//! - on the customer's balance: `deficit` (−, usage no pack covered; it raises the deficit) and
//!   `adjustment` without a pack (±: a positive one forgives deficit). A `deficit_offset` also lowers
//!   the deficit by what it took from its pack.
//!
//! So per pack `tokens − Σ consumption − Σ offset − Σ expiry − Σ reversal ± Σ adjustment = remaining`
//! with `0 ≤ remaining ≤ tokens`, and per customer `deficit = Σ deficit − Σ offset ∓ Σ adjustment ≥ 0`,
//! a deficit existing only while no usable pack has tokens left.

use std::fmt;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::amount::TokenAmount;
use super::expiry::is_expired;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    Purchase,
    Consumption,
    Deficit,
    DeficitOffset,
    Expiry,
    Reversal,
    Adjustment,
}

impl EntryKind {
    pub const ALL: [EntryKind; 7] = [
        EntryKind::Purchase,
        EntryKind::Consumption,
        EntryKind::Deficit,
        EntryKind::DeficitOffset,
        EntryKind::Expiry,
        EntryKind::Reversal,
        EntryKind::Adjustment,
    ];

    /// The stored name (`purchase`, `deficit_offset`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Purchase => "purchase",
            EntryKind::Consumption => "consumption",
            EntryKind::Deficit => "deficit",
            EntryKind::DeficitOffset => "deficit_offset",
            EntryKind::Expiry => "expiry",
            EntryKind::Reversal => "reversal",
            EntryKind::Adjustment => "adjustment",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

impl fmt::Display for EntryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PackStatus {
    Pending,
    Available,
    Expired,
    Voided,
}

impl PackStatus {
    pub const ALL: [PackStatus; 4] =
        [PackStatus::Pending, PackStatus::Available, PackStatus::Expired, PackStatus::Voided];

    pub fn as_str(self) -> &'static str {
        match self {
            PackStatus::Pending => "pending",
            PackStatus::Available => "available",
            PackStatus::Expired => "expired",
            PackStatus::Voided => "voided",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

impl fmt::Display for PackStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A pack as stored, with what reconciliation compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PackState {
    pub id: Uuid,
    pub status: PackStatus,
    pub tokens: TokenAmount,
    pub remaining: TokenAmount,
    pub expires_at: DateTime<Utc>,
}

/// One ledger entry, signed as the module says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LedgerEntry {
    pub pack_id: Option<Uuid>,
    pub kind: EntryKind,
    pub tokens: TokenAmount,
}

/// One customer's balance once everything agrees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Balance {
    /// Σ remaining of packs that are available and not expired at the instant checked.
    pub available: TokenAmount,
    /// Σ remaining of packs not yet fulfilled.
    pub pending: TokenAmount,
    /// Tokens used beyond the packs and not yet offset by a purchase.
    pub deficit: TokenAmount,
}

impl Balance {
    /// product.md's "available balance": what is left minus what is owed (never both non-zero).
    pub fn net(&self) -> TokenAmount {
        if self.deficit.is_zero() {
            self.available
        } else {
            self.deficit.checked_neg().unwrap_or(TokenAmount::ZERO)
        }
    }
}

/// The first thing found broken, naming the ledger entry (its position in the input), the pack or the
/// customer's deficit, with the values that disagree.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Discrepancy {
    #[error("ledger entry {index} ({kind} of {tokens}): {problem}")]
    MalformedEntry { index: usize, kind: EntryKind, tokens: TokenAmount, problem: &'static str },
    #[error("ledger entry {index} ({kind}) names pack {pack}, which is not one of this customer's packs")]
    UnknownPack { index: usize, kind: EntryKind, pack: Uuid },
    #[error("pack {pack}: {tokens} tokens, but {entries} purchase entries for {purchased}")]
    PurchaseDisagrees { pack: Uuid, tokens: TokenAmount, purchased: TokenAmount, entries: usize },
    #[error("pack {pack}: remaining {remaining} is outside 0 to {tokens}")]
    RemainingOutOfRange { pack: Uuid, remaining: TokenAmount, tokens: TokenAmount },
    #[error("pack {pack}: remaining {recorded}, but its ledger entries give {from_ledger}")]
    RemainingDisagrees { pack: Uuid, recorded: TokenAmount, from_ledger: TokenAmount },
    #[error("pack {pack} is {status} but has {kind} entries")]
    EntryOnUnusablePack { pack: Uuid, status: PackStatus, kind: EntryKind },
    #[error("pack {pack} is expired with {remaining} tokens left")]
    ExpiredWithTokensLeft { pack: Uuid, remaining: TokenAmount },
    #[error("pack {pack} is voided without a reversal entry")]
    VoidedWithoutReversal { pack: Uuid },
    #[error("deficit {recorded}, but the ledger gives {from_ledger}")]
    DeficitDisagrees { recorded: TokenAmount, from_ledger: TokenAmount },
    #[error("deficit {deficit} is negative")]
    NegativeDeficit { deficit: TokenAmount },
    #[error("deficit {deficit} while usable packs still hold {available}")]
    DeficitBesideTokens { deficit: TokenAmount, available: TokenAmount },
    #[error("the ledger's sums leave the range of the ledger's integers")]
    Overflow,
}

/// Checks one customer's `packs`, `entries` and recorded `deficit` against each other at the instant
/// `at` (packs expired by then count as no longer available even before the sweep marks them).
///
/// # Errors
/// The first [`Discrepancy`]: entries in the order given, then packs in the order given, then the
/// customer's deficit.
pub fn reconcile(
    packs: &[PackState],
    entries: &[LedgerEntry],
    deficit: TokenAmount,
    at: DateTime<Utc>,
) -> Result<Balance, Discrepancy> {
    for (index, entry) in entries.iter().enumerate() {
        check_entry(index, entry)?;
        if let Some(pack) = entry.pack_id
            && !packs.iter().any(|p| p.id == pack)
        {
            return Err(Discrepancy::UnknownPack { index, kind: entry.kind, pack });
        }
    }
    for pack in packs {
        check_pack(pack, entries.iter().filter(|e| e.pack_id == Some(pack.id)))?;
    }

    let from_ledger = deficit_from_ledger(entries)?;
    if from_ledger != deficit {
        return Err(Discrepancy::DeficitDisagrees { recorded: deficit, from_ledger });
    }
    if deficit.is_negative() {
        return Err(Discrepancy::NegativeDeficit { deficit });
    }
    let sum_remaining = |keep: &dyn Fn(&PackState) -> bool| {
        TokenAmount::checked_sum(packs.iter().filter(|p| keep(p)).map(|p| p.remaining))
            .ok_or(Discrepancy::Overflow)
    };
    let available = sum_remaining(&|p| p.status == PackStatus::Available && !is_expired(p.expires_at, at))?;
    let pending = sum_remaining(&|p| p.status == PackStatus::Pending)?;
    if deficit.is_positive() && available.is_positive() {
        return Err(Discrepancy::DeficitBesideTokens { deficit, available });
    }
    Ok(Balance { available, pending, deficit })
}

fn check_entry(index: usize, entry: &LedgerEntry) -> Result<(), Discrepancy> {
    let malformed =
        |problem| Discrepancy::MalformedEntry { index, kind: entry.kind, tokens: entry.tokens, problem };
    let on_pack = entry.pack_id.is_some();
    if entry.kind == EntryKind::Deficit && on_pack {
        return Err(malformed("a deficit entry belongs to the customer, not to a pack"));
    }
    if !matches!(entry.kind, EntryKind::Deficit | EntryKind::Adjustment) && !on_pack {
        return Err(malformed("this kind of entry must name its pack"));
    }
    let sign_ok = match entry.kind {
        EntryKind::Purchase => entry.tokens.is_positive(),
        EntryKind::Adjustment => !entry.tokens.is_zero(),
        _ => entry.tokens.is_negative(),
    };
    if sign_ok { Ok(()) } else { Err(malformed("the amount has the wrong sign for its kind")) }
}

fn check_pack<'a>(
    pack: &PackState,
    entries: impl Iterator<Item = &'a LedgerEntry> + Clone,
) -> Result<(), Discrepancy> {
    let of_kind = |kind| entries.clone().filter(move |e| e.kind == kind);
    let purchased = TokenAmount::checked_sum(of_kind(EntryKind::Purchase).map(|e| e.tokens))
        .ok_or(Discrepancy::Overflow)?;
    let purchases = of_kind(EntryKind::Purchase).count();
    if purchases != 1 || purchased != pack.tokens {
        return Err(Discrepancy::PurchaseDisagrees {
            pack: pack.id,
            tokens: pack.tokens,
            purchased,
            entries: purchases,
        });
    }
    if pack.remaining.is_negative() || pack.remaining > pack.tokens {
        return Err(Discrepancy::RemainingOutOfRange {
            pack: pack.id,
            remaining: pack.remaining,
            tokens: pack.tokens,
        });
    }
    let from_ledger =
        TokenAmount::checked_sum(entries.clone().map(|e| e.tokens)).ok_or(Discrepancy::Overflow)?;
    if from_ledger != pack.remaining {
        return Err(Discrepancy::RemainingDisagrees { pack: pack.id, recorded: pack.remaining, from_ledger });
    }
    match pack.status {
        PackStatus::Pending | PackStatus::Voided => {
            // Only an available pack is drawn on, offset against a deficit or expired by the sweep.
            let drawn = [EntryKind::Consumption, EntryKind::DeficitOffset, EntryKind::Expiry];
            if let Some(kind) = drawn.into_iter().find(|&kind| of_kind(kind).next().is_some()) {
                return Err(Discrepancy::EntryOnUnusablePack { pack: pack.id, status: pack.status, kind });
            }
            if pack.status == PackStatus::Voided && of_kind(EntryKind::Reversal).next().is_none() {
                return Err(Discrepancy::VoidedWithoutReversal { pack: pack.id });
            }
        }
        PackStatus::Expired if pack.remaining.is_positive() => {
            return Err(Discrepancy::ExpiredWithTokensLeft { pack: pack.id, remaining: pack.remaining });
        }
        PackStatus::Expired | PackStatus::Available => {}
    }
    Ok(())
}

fn deficit_from_ledger(entries: &[LedgerEntry]) -> Result<TokenAmount, Discrepancy> {
    entries.iter().try_fold(TokenAmount::ZERO, |deficit, entry| {
        let change = match (entry.kind, entry.pack_id) {
            // Usage no pack covered (negative) raises the deficit; a packless adjustment moves the
            // balance, so the deficit the other way.
            (EntryKind::Deficit, _) | (EntryKind::Adjustment, None) => entry.tokens.checked_neg(),
            // What an offset took from its pack (negative) is what the deficit went down by.
            (EntryKind::DeficitOffset, _) => Some(entry.tokens),
            _ => Some(TokenAmount::ZERO),
        };
        change.and_then(|change| deficit.checked_add(change)).ok_or(Discrepancy::Overflow)
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
