//! Document numbering: per partner, kind and year, without gaps, e.g. `EXAM-Q-2026-00042`.
//! A number is drawn inside the transaction that issues the document, so a refused or failed
//! issue gives its number back.

use std::collections::{HashMap, HashSet};

use uuid::Uuid;

use crate::domain::contact::fold_width;
pub use crate::domain::documents::DocumentKind;
use crate::domain::error::{Error, FieldError, Result};
use crate::storage::{WriteTx, documents};

/// A document number such as `EXAM-Q-2026-00042`: the partner's document prefix, the kind, the
/// year and the sequence.
pub fn format_number(prefix: &str, kind: char, year: i32, sequence: i64) -> String {
    format!("{prefix}-{kind}-{year}-{sequence:05}")
}

/// Draws the next number of `kind` for the partner in `year`, inside `tx`, under the partner's
/// document prefix.
///
/// # Errors
/// Database failures.
pub async fn next_number(
    tx: &WriteTx,
    partner: Uuid,
    prefix: &str,
    kind: DocumentKind,
    year: i32,
) -> Result<String> {
    let sequence = documents::next_number(&**tx, partner, kind.as_str(), year).await?;
    Ok(format_number(prefix, kind.letter(), year, sequence))
}

/// The shortest and longest document prefix.
pub const PREFIX_MIN_CHARS: usize = 2;
pub const PREFIX_MAX_CHARS: usize = 8;

/// Checks a document prefix as the operator enters it: 2 to 8 letters A–Z or digits (lowercase
/// and full-width letters are folded), returned upper-cased.
///
/// # Errors
/// A `FieldError` on `field`.
pub fn parse_prefix(field: &'static str, input: &str) -> std::result::Result<String, FieldError> {
    let folded: String = input.trim().chars().map(fold_width).collect::<String>().to_ascii_uppercase();
    if !folded.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        || !(PREFIX_MIN_CHARS..=PREFIX_MAX_CHARS).contains(&folded.len())
    {
        return Err(FieldError::new(
            field,
            "invalid",
            "Use 2 to 8 letters A–Z or digits.",
            "半角英大文字・数字2〜8文字で入力してください。",
        ));
    }
    Ok(folded)
}

/// The prefix a slug gives by default: its first four letters and digits, upper-cased
/// (`tokyo-cad` → `TOKY`). A slug has at least two.
pub fn prefix_stem(slug: &str) -> String {
    slug.chars().filter(char::is_ascii_alphanumeric).take(4).collect::<String>().to_ascii_uppercase()
}

/// The `n`th choice for `stem`: the stem itself, then the stem followed by 2, 3, … (`TOKY2`),
/// shortened so that the whole stays within eight characters (`TOK10000`).
fn prefix_candidate(stem: &str, n: u64) -> String {
    if n <= 1 {
        return stem.to_owned();
    }
    let digits = n.to_string();
    let keep = stem.len().min(PREFIX_MAX_CHARS.saturating_sub(digits.len()));
    format!("{}{digits}", &stem[..keep])
}

/// Hands out default document prefixes unique among those already taken and those it handed out:
/// the slug's stem, or the stem with the lowest free numeric suffix. The schema migration that
/// introduced prefixes gave existing partners theirs the same way.
#[derive(Debug, Default)]
pub struct PrefixAllocator {
    taken: HashSet<String>,
    next: HashMap<String, u64>,
}

impl PrefixAllocator {
    pub fn new(taken: impl IntoIterator<Item = String>) -> Self {
        Self { taken: taken.into_iter().collect(), next: HashMap::new() }
    }

    /// Marks `prefix` as taken (e.g. one the operator chose).
    pub fn reserve(&mut self, prefix: &str) {
        self.taken.insert(prefix.to_owned());
    }

    /// The default prefix for a partner with `slug`, now taken.
    pub fn allocate(&mut self, slug: &str) -> String {
        let stem = prefix_stem(slug);
        let mut n = self.next.get(&stem).copied().unwrap_or(1);
        let prefix = loop {
            let candidate = prefix_candidate(&stem, n);
            n += 1;
            if self.taken.insert(candidate.clone()) {
                break candidate;
            }
        };
        self.next.insert(stem, n);
        prefix
    }
}

/// Draws the next order number for the partner in `year` (`EXAM-O-2026-00001`) and the next
/// number of each of `kinds` for the order's documents, inside `tx`, in one round trip. Orders have
/// their own counter beside the documents': an order is not a tax document, so the invoice numbers
/// stay a gapless series of invoices.
///
/// # Errors
/// Database failures.
pub async fn next_order_numbers(
    tx: &WriteTx,
    partner: Uuid,
    prefix: &str,
    year: i32,
    kinds: &[DocumentKind],
) -> Result<(String, Vec<String>)> {
    let names: Vec<&str> = std::iter::once("order").chain(kinds.iter().map(|k| k.as_str())).collect();
    let sequences = documents::next_numbers(&**tx, partner, &names, year).await?;
    let (order, documents) =
        sequences.split_first().ok_or_else(|| Error::Internal("no order number".into()))?;
    let numbers = kinds.iter().zip(documents).map(|(kind, n)| format_number(prefix, kind.letter(), year, *n));
    Ok((format_number(prefix, 'O', year, *order), numbers.collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_sharing_four_letters_get_numbered_prefixes_in_order() {
        let mut prefixes = PrefixAllocator::new(["OSAK".to_owned()]);
        assert_eq!(prefixes.allocate("tokyo-cad"), "TOKY");
        assert_eq!(prefixes.allocate("tokyo-cae"), "TOKY2");
        assert_eq!(prefixes.allocate("toky"), "TOKY3");
        assert_eq!(prefixes.allocate("osaka-bim"), "OSAK2");
        assert_eq!(prefixes.allocate("a-b"), "AB");
    }

    #[test]
    fn a_prefix_already_taken_is_skipped() {
        let mut prefixes = PrefixAllocator::new(["TOKY".to_owned(), "TOKY2".to_owned()]);
        prefixes.reserve("TOKY3");
        assert_eq!(prefixes.allocate("tokyo-cad"), "TOKY4");
    }

    #[test]
    fn numbered_prefixes_stay_within_eight_characters() {
        assert_eq!(prefix_candidate("TOKY", 9_999), "TOKY9999");
        assert_eq!(prefix_candidate("TOKY", 10_000), "TOK10000");
        let mut prefixes = PrefixAllocator::default();
        let all: HashSet<String> = (0..12_000).map(|_| prefixes.allocate("tokyo")).collect();
        assert_eq!(all.len(), 12_000);
        assert!(all.iter().all(|p| p.len() <= PREFIX_MAX_CHARS && parse_prefix("p", p).is_ok()));
    }

    #[test]
    fn entered_prefixes_are_folded_and_checked() {
        assert_eq!(parse_prefix("document_prefix", " tkc1 ").unwrap(), "TKC1");
        assert_eq!(parse_prefix("document_prefix", "ＴＫＣ").unwrap(), "TKC");
        for bad in ["", "T", "TOKYOCADX", "TO-K", "東京"] {
            assert!(parse_prefix("document_prefix", bad).is_err(), "{bad}");
        }
    }
}
