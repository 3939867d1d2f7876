//! Document numbering: per partner, kind and year, without gaps, e.g. `EXAM-Q-2026-00042`.
//! A number is drawn inside the transaction that issues the document, so a refused or failed
//! issue gives its number back.

use uuid::Uuid;

pub use crate::domain::documents::DocumentKind;
use crate::domain::error::Result;
use crate::storage::{WriteTx, documents};

/// A document number such as `EXAM-Q-2026-00042`: the partner's prefix (from its slug), the kind,
/// the year and the sequence.
pub fn format_number(slug: &str, kind: char, year: i32, sequence: i64) -> String {
    let prefix: String =
        slug.chars().filter(char::is_ascii_alphanumeric).take(4).collect::<String>().to_ascii_uppercase();
    format!("{prefix}-{kind}-{year}-{sequence:05}")
}

/// Draws the next number of `kind` for the partner in `year`, inside `tx`.
///
/// # Errors
/// Database failures.
pub async fn next_number(
    tx: &WriteTx,
    partner: Uuid,
    slug: &str,
    kind: DocumentKind,
    year: i32,
) -> Result<String> {
    let sequence = documents::next_number(&**tx, partner, kind.as_str(), year).await?;
    Ok(format_number(slug, kind.letter(), year, sequence))
}

/// Draws the next order number for the partner in `year` (`EXAM-O-2026-00001`), inside `tx`. Orders
/// have their own counter beside the documents': an order is not a tax document, so the invoice
/// numbers stay a gapless series of invoices.
///
/// # Errors
/// Database failures.
pub async fn next_order_number(tx: &WriteTx, partner: Uuid, slug: &str, year: i32) -> Result<String> {
    let sequence = documents::next_number(&**tx, partner, "order", year).await?;
    Ok(format_number(slug, 'O', year, sequence))
}
