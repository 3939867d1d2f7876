//! Reconciliation replayed over ledger.md's operations, and rows changed behind the ledger's back.

use super::*;
use crate::domain::tokens::drawdown::{AvailablePack, drawdown};
use crate::domain::tokens::expiry::expires_at;
use crate::domain::tokens::purchase::offset_deficit;
use chrono::Duration;
use chrono_tz::Asia::Tokyo;
use proptest::prelude::*;

fn tokens(text: &str) -> TokenAmount {
    TokenAmount::parse_positive("tokens", text).unwrap()
}

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
}

fn minus(amount: TokenAmount) -> TokenAmount {
    amount.checked_neg().unwrap()
}

/// A customer's token book kept the way ledger.md's operations keep it, using the drawdown, expiry and
/// purchase rules: what the storage layer is meant to do, in memory.
#[derive(Debug, Clone)]
struct Book {
    packs: Vec<(PackState, DateTime<Utc>)>,
    entries: Vec<LedgerEntry>,
    deficit: TokenAmount,
    consumed: TokenAmount,
    next_id: u128,
}

impl Book {
    fn new() -> Self {
        Self {
            packs: vec![],
            entries: vec![],
            deficit: TokenAmount::ZERO,
            consumed: TokenAmount::ZERO,
            next_id: 1,
        }
    }

    fn packs(&self) -> Vec<PackState> {
        self.packs.iter().map(|(p, _)| *p).collect()
    }

    fn check(&self, at: DateTime<Utc>) -> Result<Balance, Discrepancy> {
        reconcile(&self.packs(), &self.entries, self.deficit, at)
    }

    fn pack_mut(&mut self, id: Uuid) -> &mut PackState {
        &mut self.packs.iter_mut().find(|(p, _)| p.id == id).unwrap().0
    }

    fn entry(&mut self, pack_id: Option<Uuid>, kind: EntryKind, tokens: TokenAmount) {
        self.entries.push(LedgerEntry { pack_id, kind, tokens });
    }

    /// Place order: a pending pack and its purchase entry.
    fn buy(&mut self, size: TokenAmount, at: DateTime<Utc>) -> Uuid {
        let id = Uuid::from_u128(self.next_id);
        self.next_id += 1;
        let pack = PackState {
            id,
            status: PackStatus::Pending,
            tokens: size,
            remaining: size,
            expires_at: expires_at(at, Tokyo),
        };
        self.packs.push((pack, at));
        self.entry(Some(id), EntryKind::Purchase, size);
        id
    }

    /// Fulfil: the pack becomes available and pays off any deficit first.
    fn fulfil(&mut self, id: Uuid) {
        let pack = *self.pack_mut(id);
        if pack.status != PackStatus::Pending {
            return;
        }
        let settled = offset_deficit(pack.remaining, self.deficit).unwrap();
        if settled.offset.is_positive() {
            self.entry(Some(id), EntryKind::DeficitOffset, minus(settled.offset));
        }
        self.deficit = settled.deficit_after;
        let pack = self.pack_mut(id);
        pack.status = PackStatus::Available;
        pack.remaining = settled.pack_remaining;
    }

    /// Cancel before fulfilment: the pack is voided by a reversal of what it held.
    fn cancel(&mut self, id: Uuid) {
        let pack = *self.pack_mut(id);
        if pack.status != PackStatus::Pending {
            return;
        }
        self.entry(Some(id), EntryKind::Reversal, minus(pack.remaining));
        let pack = self.pack_mut(id);
        pack.status = PackStatus::Voided;
        pack.remaining = TokenAmount::ZERO;
    }

    /// Consume: drawdown over the available packs; what they cannot cover becomes deficit.
    fn consume(&mut self, amount: TokenAmount, at: DateTime<Utc>) {
        let available: Vec<AvailablePack> = self
            .packs
            .iter()
            .filter(|(p, _)| p.status == PackStatus::Available)
            .map(|(p, purchased_at)| AvailablePack {
                id: p.id,
                tokens: p.tokens,
                remaining: p.remaining,
                purchased_at: *purchased_at,
                expires_at: p.expires_at,
            })
            .collect();
        let plan = drawdown(&available, amount, at).unwrap();
        for take in &plan.takes {
            self.entry(Some(take.pack_id), EntryKind::Consumption, minus(take.tokens));
            self.pack_mut(take.pack_id).remaining = take.remaining_after;
        }
        if plan.deficit.is_positive() {
            self.entry(None, EntryKind::Deficit, minus(plan.deficit));
            self.deficit = self.deficit.checked_add(plan.deficit).unwrap();
        }
        self.consumed = self.consumed.checked_add(amount).unwrap();
    }

    /// Expire (sweep): packs past their expiry give up what is left through an expiry entry.
    fn sweep(&mut self, at: DateTime<Utc>) {
        let due: Vec<PackState> = self
            .packs()
            .into_iter()
            .filter(|p| p.status == PackStatus::Available && is_expired(p.expires_at, at))
            .collect();
        for pack in due {
            if pack.remaining.is_positive() {
                self.entry(Some(pack.id), EntryKind::Expiry, minus(pack.remaining));
            }
            let stored = self.pack_mut(pack.id);
            stored.status = PackStatus::Expired;
            stored.remaining = TokenAmount::ZERO;
        }
    }
}

/// Issue 11's packs: A (100) and B (50) expiring together, C (500) later; 120 then 0.5 consumed.
fn abc() -> (Book, [Uuid; 3], DateTime<Utc>) {
    let mut book = Book::new();
    let a = book.buy(tokens("100"), utc("2026-06-01T10:00:00+09:00"));
    let b = book.buy(tokens("50"), utc("2026-06-01T11:00:00+09:00"));
    let c = book.buy(tokens("500"), utc("2026-09-01T10:00:00+09:00"));
    for id in [a, b, c] {
        book.fulfil(id);
    }
    let at = utc("2027-01-10T09:00:00Z");
    book.consume(tokens("120"), at);
    book.consume(tokens("0.5"), at);
    (book, [a, b, c], at)
}

#[test]
fn the_drawdown_example_reconciles_with_its_ledger() {
    let (book, [a, b, c], at) = abc();
    let remaining: Vec<String> = [a, b, c]
        .iter()
        .map(|id| book.packs().iter().find(|p| p.id == *id).unwrap().remaining.to_string())
        .collect();
    assert_eq!(remaining, ["29.5", "0", "500"]);
    let balance = book.check(at).unwrap();
    assert_eq!(
        balance,
        Balance { available: tokens("529.5"), pending: TokenAmount::ZERO, deficit: TokenAmount::ZERO }
    );
    assert_eq!(balance.net(), tokens("529.5"));
}

#[test]
fn usage_beyond_the_packs_is_owed_and_the_next_purchase_pays_it_off_first() {
    let mut book = Book::new();
    let first = book.buy(tokens("100"), utc("2027-01-05T10:00:00+09:00"));
    book.fulfil(first);
    let at = utc("2027-02-01T00:00:00Z");
    book.consume(tokens("130.25"), at);
    let owing = book.check(at).unwrap();
    assert_eq!((owing.available, owing.deficit), (TokenAmount::ZERO, tokens("30.25")));
    assert_eq!(owing.net(), minus(tokens("30.25")));

    let second = book.buy(tokens("130.25"), at);
    assert_eq!(book.check(at).unwrap().pending, tokens("130.25"), "a pending pack does not settle yet");
    book.fulfil(second);
    let settled = book.check(at).unwrap();
    assert_eq!(
        settled,
        Balance { available: tokens("100"), pending: TokenAmount::ZERO, deficit: TokenAmount::ZERO }
    );
}

#[test]
fn expired_and_voided_packs_reconcile_and_leave_the_balance() {
    let mut book = Book::new();
    let kept = book.buy(tokens("100"), utc("2027-02-28T10:00:00+09:00"));
    let voided = book.buy(tokens("200"), utc("2027-03-01T10:00:00+09:00"));
    book.fulfil(kept);
    book.cancel(voided);
    book.consume(tokens("60"), utc("2027-06-01T00:00:00Z"));
    let expiry = utc("2028-02-29T00:00:00+09:00");
    // Past its expiry but not yet swept: no longer available, and usage then is owed.
    let unswept = book.check(expiry).unwrap();
    assert_eq!((unswept.available, unswept.pending), (TokenAmount::ZERO, TokenAmount::ZERO));
    book.consume(tokens("1"), expiry);
    assert_eq!(book.check(expiry).unwrap().deficit, tokens("1"));
    book.sweep(expiry);
    assert_eq!(book.check(expiry).unwrap().deficit, tokens("1"));
    let last = book.entries.iter().rev().find(|e| e.kind == EntryKind::Expiry).unwrap();
    assert_eq!((last.pack_id, last.tokens), (Some(kept), minus(tokens("40"))));
}

fn first_pack(book: &Book) -> Uuid {
    book.packs[0].0.id
}

#[test]
fn a_pack_whose_remaining_was_changed_directly_is_named() {
    let (mut book, [a, ..], at) = abc();
    book.pack_mut(a).remaining = tokens("30");
    let broken = book.check(at).unwrap_err();
    assert_eq!(
        broken,
        Discrepancy::RemainingDisagrees { pack: a, recorded: tokens("30"), from_ledger: tokens("29.5") }
    );
    assert_eq!(broken.to_string(), format!("pack {a}: remaining 30, but its ledger entries give 29.5"));

    book.pack_mut(a).remaining = tokens("100.001");
    assert!(matches!(book.check(at), Err(Discrepancy::RemainingOutOfRange { pack, .. }) if pack == a));
    book.pack_mut(a).remaining = minus(tokens("1"));
    assert!(matches!(book.check(at), Err(Discrepancy::RemainingOutOfRange { pack, .. }) if pack == a));
}

#[test]
fn the_first_broken_pack_is_the_one_reported() {
    let (mut book, [a, b, c], at) = abc();
    book.pack_mut(c).remaining = tokens("499");
    book.pack_mut(b).remaining = tokens("1");
    assert!(matches!(book.check(at), Err(Discrepancy::RemainingDisagrees { pack, .. }) if pack == b));
    assert_eq!(first_pack(&book), a);
}

#[test]
fn a_pack_without_exactly_one_purchase_of_its_size_is_broken() {
    let (book, [a, ..], at) = abc();
    let mut missing = book.clone();
    missing.entries.retain(|e| !(e.kind == EntryKind::Purchase && e.pack_id == Some(a)));
    assert!(
        matches!(missing.check(at), Err(Discrepancy::PurchaseDisagrees { pack, entries: 0, .. }) if pack == a)
    );
    let mut twice = book.clone();
    twice.entry(Some(a), EntryKind::Purchase, tokens("100"));
    assert!(
        matches!(twice.check(at), Err(Discrepancy::PurchaseDisagrees { pack, entries: 2, .. }) if pack == a)
    );
    let mut resized = book;
    resized.pack_mut(a).tokens = tokens("120");
    assert!(
        matches!(resized.check(at), Err(Discrepancy::PurchaseDisagrees { pack, entries: 1, .. }) if pack == a)
    );
}

#[test]
fn malformed_entries_are_named_by_position() {
    let (book, [a, ..], at) = abc();
    let with = |entry: LedgerEntry| {
        let mut book = book.clone();
        book.entries.push(entry);
        book.check(at).unwrap_err()
    };
    let index = book.entries.len();
    let positive_use =
        with(LedgerEntry { pack_id: Some(a), kind: EntryKind::Consumption, tokens: tokens("1") });
    assert!(
        matches!(positive_use, Discrepancy::MalformedEntry { index: i, kind: EntryKind::Consumption, .. } if i == index)
    );
    let deficit_on_pack =
        with(LedgerEntry { pack_id: Some(a), kind: EntryKind::Deficit, tokens: minus(tokens("1")) });
    assert!(matches!(deficit_on_pack, Discrepancy::MalformedEntry { kind: EntryKind::Deficit, .. }));
    let packless_expiry =
        with(LedgerEntry { pack_id: None, kind: EntryKind::Expiry, tokens: minus(tokens("1")) });
    assert!(matches!(packless_expiry, Discrepancy::MalformedEntry { kind: EntryKind::Expiry, .. }));
    let zero_adjustment =
        with(LedgerEntry { pack_id: Some(a), kind: EntryKind::Adjustment, tokens: TokenAmount::ZERO });
    assert!(matches!(zero_adjustment, Discrepancy::MalformedEntry { kind: EntryKind::Adjustment, .. }));
    let stranger = Uuid::from_u128(0xDEAD);
    let foreign = with(LedgerEntry {
        pack_id: Some(stranger),
        kind: EntryKind::Consumption,
        tokens: minus(tokens("1")),
    });
    assert_eq!(foreign, Discrepancy::UnknownPack { index, kind: EntryKind::Consumption, pack: stranger });
}

#[test]
fn an_operator_adjustment_moves_the_pack_or_the_deficit_it_names() {
    let (mut book, [a, ..], at) = abc();
    book.entry(Some(a), EntryKind::Adjustment, minus(tokens("9.5")));
    book.pack_mut(a).remaining = tokens("20");
    assert_eq!(book.check(at).unwrap().available, tokens("520"));

    let mut owing = Book::new();
    owing.consume(tokens("10"), at);
    owing.entry(None, EntryKind::Adjustment, tokens("4"));
    assert!(
        matches!(owing.check(at), Err(Discrepancy::DeficitDisagrees { .. })),
        "the deficit row was not lowered"
    );
    owing.deficit = tokens("6");
    assert_eq!(owing.check(at).unwrap().deficit, tokens("6"));
    owing.entry(None, EntryKind::Adjustment, tokens("10"));
    owing.deficit = minus(tokens("4"));
    assert_eq!(owing.check(at), Err(Discrepancy::NegativeDeficit { deficit: minus(tokens("4")) }));
}

#[test]
fn a_deficit_row_changed_directly_disagrees_with_the_ledger() {
    let mut book = Book::new();
    let at = utc("2027-02-01T00:00:00Z");
    book.consume(tokens("12"), at);
    book.deficit = tokens("2");
    let broken = book.check(at).unwrap_err();
    assert_eq!(broken, Discrepancy::DeficitDisagrees { recorded: tokens("2"), from_ledger: tokens("12") });
    assert_eq!(broken.to_string(), "deficit 2, but the ledger gives 12");
}

#[test]
fn a_deficit_beside_usable_tokens_means_a_purchase_skipped_its_offset() {
    let mut book = Book::new();
    let at = utc("2027-02-01T00:00:00Z");
    book.consume(tokens("30"), at);
    let pack = book.buy(tokens("100"), at);
    book.pack_mut(pack).status = PackStatus::Available;
    assert_eq!(
        book.check(at),
        Err(Discrepancy::DeficitBesideTokens { deficit: tokens("30"), available: tokens("100") })
    );
}

#[test]
fn unusable_packs_are_not_drawn_on_and_expired_ones_keep_nothing() {
    let mut book = Book::new();
    let at = utc("2027-02-01T00:00:00Z");
    let pending = book.buy(tokens("100"), at);
    book.entry(Some(pending), EntryKind::Consumption, minus(tokens("1")));
    book.pack_mut(pending).remaining = tokens("99");
    assert_eq!(
        book.check(at),
        Err(Discrepancy::EntryOnUnusablePack {
            pack: pending,
            status: PackStatus::Pending,
            kind: EntryKind::Consumption
        })
    );

    let mut voided = Book::new();
    let id = voided.buy(tokens("100"), at);
    voided.pack_mut(id).status = PackStatus::Voided;
    assert_eq!(voided.check(at), Err(Discrepancy::VoidedWithoutReversal { pack: id }));

    let mut expired = Book::new();
    let id = expired.buy(tokens("100"), at);
    expired.fulfil(id);
    expired.pack_mut(id).status = PackStatus::Expired;
    assert_eq!(
        expired.check(at),
        Err(Discrepancy::ExpiredWithTokensLeft { pack: id, remaining: tokens("100") })
    );
}

#[test]
fn kinds_and_statuses_read_back_their_stored_names() {
    for kind in EntryKind::ALL {
        assert_eq!(EntryKind::parse(kind.as_str()), Some(kind));
    }
    for status in PackStatus::ALL {
        assert_eq!(PackStatus::parse(&status.to_string()), Some(status));
    }
    assert_eq!(EntryKind::parse("deficit_offset"), Some(EntryKind::DeficitOffset));
    assert_eq!(EntryKind::parse("Purchase"), None);
    assert_eq!(PackStatus::parse(""), None);
}

#[derive(Debug, Clone)]
enum Step {
    Buy(i64),
    Fulfil(usize),
    Cancel(usize),
    Consume(i64),
    Wait(i64),
    Sweep,
}

fn steps() -> impl Strategy<Value = Vec<Step>> {
    let step = prop_oneof![
        (100_i64..400).prop_map(Step::Buy),
        (0_usize..8).prop_map(Step::Fulfil),
        (0_usize..8).prop_map(Step::Cancel),
        (1_i64..250_000).prop_map(Step::Consume),
        (0_i64..200).prop_map(Step::Wait),
        Just(Step::Sweep),
    ];
    prop::collection::vec(step, 1..40)
}

fn run(steps: &[Step]) -> (Book, DateTime<Utc>) {
    let mut book = Book::new();
    let mut at = utc("2027-01-01T00:00:00Z");
    for step in steps {
        match *step {
            Step::Buy(size) => {
                book.buy(TokenAmount::from_tokens(size).unwrap(), at);
            }
            Step::Fulfil(n) => {
                if let Some(id) = book.packs.get(n).map(|(p, _)| p.id) {
                    book.fulfil(id);
                }
            }
            Step::Cancel(n) => {
                if let Some(id) = book.packs.get(n).map(|(p, _)| p.id) {
                    book.cancel(id);
                }
            }
            Step::Consume(thousandths) => book.consume(TokenAmount::from_thousandths(thousandths), at),
            Step::Wait(days) => at += Duration::days(days),
            Step::Sweep => book.sweep(at),
        }
        assert_eq!(book.check(at).map(|_| ()), Ok(()), "after {step:?}");
    }
    (book, at)
}

proptest! {
    #[test]
    fn every_sequence_of_operations_reconciles_and_conserves_tokens(steps in steps()) {
        let (book, at) = run(&steps);
        let balance = book.check(at).unwrap();
        let sum = |kind| TokenAmount::checked_sum(book.entries.iter().filter(|e| e.kind == kind).map(|e| e.tokens)).unwrap();
        // Every consumed thousandth was charged to a pack or became deficit.
        let charged_or_owed = sum(EntryKind::Consumption).checked_add(sum(EntryKind::Deficit)).unwrap();
        prop_assert_eq!(charged_or_owed, minus(book.consumed));
        // Everything bought is still in a pack, or was consumed, offset, expired or reversed.
        let left_in_packs = TokenAmount::checked_sum(book.packs().iter().map(|p| p.remaining)).unwrap();
        let moved_out = [EntryKind::Consumption, EntryKind::DeficitOffset, EntryKind::Expiry, EntryKind::Reversal]
            .into_iter()
            .try_fold(TokenAmount::ZERO, |total, kind| total.checked_add(sum(kind)))
            .unwrap();
        prop_assert_eq!(left_in_packs.checked_sub(moved_out), Some(sum(EntryKind::Purchase)));
        prop_assert!(!balance.deficit.is_negative());
    }

    #[test]
    fn any_pack_changed_by_even_a_thousandth_is_caught_and_named(
        steps in steps(),
        pick in any::<prop::sample::Index>(),
        delta in prop_oneof![-5_000_i64..0, 1_i64..5_000],
    ) {
        let (mut book, at) = run(&steps);
        prop_assume!(!book.packs.is_empty());
        let victim = book.packs[pick.index(book.packs.len())].0.id;
        let pack = book.pack_mut(victim);
        pack.remaining = pack.remaining.checked_add(TokenAmount::from_thousandths(delta)).unwrap();
        let named = match book.check(at) {
            Err(Discrepancy::RemainingDisagrees { pack, .. } | Discrepancy::RemainingOutOfRange { pack, .. }) => pack,
            other => panic!("not caught: {other:?}"),
        };
        prop_assert_eq!(named, victim);
    }
}
