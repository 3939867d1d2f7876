//! Issued documents: the stored PDF of a quote, invoice, delivery note, receipt or credit note, with
//! its number, hash and verification code. Issued once, never changed.

pub mod printed;

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// The kinds of documents the portal issues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    Quote,
    Invoice,
    DeliveryNote,
    Receipt,
    CreditNote,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 5] = [
        DocumentKind::Quote,
        DocumentKind::Invoice,
        DocumentKind::DeliveryNote,
        DocumentKind::Receipt,
        DocumentKind::CreditNote,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Quote => "quote",
            DocumentKind::Invoice => "invoice",
            DocumentKind::DeliveryNote => "delivery_note",
            DocumentKind::Receipt => "receipt",
            DocumentKind::CreditNote => "credit_note",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// The letter that marks the kind in a document number (`EXMP-Q-2026-00001`).
    pub fn letter(self) -> char {
        match self {
            DocumentKind::Quote => 'Q',
            DocumentKind::Invoice => 'I',
            DocumentKind::DeliveryNote => 'D',
            DocumentKind::Receipt => 'R',
            DocumentKind::CreditNote => 'C',
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedDocument {
    pub id: Uuid,
    pub partner_id: Uuid,
    pub kind: DocumentKind,
    /// What the document is about, e.g. the quote revision.
    pub subject_id: Uuid,
    pub number: String,
    pub verify_code: String,
    pub sha256: String,
    pub content: Vec<u8>,
    pub issued_at: DateTime<Utc>,
}
