//! Public entry point for rendering a commercial document (quote, invoice, delivery note,
//! receipt, credit note) to an A4 PDF with the embedded IPAex Gothic font and a verification QR code.
//!
//! The caller supplies every amount and date already formatted; this module only lays text
//! out. Line items flow onto further pages (with a repeated table header) when they do not
//! fit; a document needing more than [`MAX_PAGES`] pages is refused. Output is byte-for-byte
//! deterministic for the same input: krilla derives its document ids from content hashes and
//! no timestamp is written.

mod font;
mod labels;
mod layout;
mod paint;
mod sections;
#[cfg(test)]
mod tests;
mod unhinted;

/// IPAex Gothic, under the IPA Font License (static/fonts/IPA_Font_License.txt). Embedding
/// it makes rendering independent of the fonts installed on the host.
pub(crate) static IPAEX_GOTHIC: &[u8] = include_bytes!("../../static/fonts/ipaexg.ttf");

/// Upper bound on output length, so that a runaway list of lines fails fast instead of
/// producing a huge file.
pub const MAX_PAGES: usize = 30;

/// Longest verification URL accepted: beyond this a QR code of the reserved size stops
/// being reliably scannable, and a cut URL would verify nothing.
pub const MAX_URL_BYTES: usize = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Ja,
    En,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocumentKind {
    Quote,
    Invoice,
    DeliveryNote,
    Receipt,
    /// 適格返還請求書: what a cancellation returns of an invoice, printed as amounts returned.
    CreditNote,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Party {
    pub name: String,
    /// Address, phone, e-mail, contact person: one entry per printed line.
    pub lines: Vec<String>,
    /// Qualified invoice issuer number, e.g. "T7000012050002".
    pub registration_number: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Line {
    pub description: String,
    pub quantity: String,
    pub unit_price: String,
    pub amount: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TaxLine {
    /// e.g. "10%対象".
    pub label: String,
    pub base: String,
    pub tax: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommercialDocument {
    pub kind: DocumentKind,
    pub lang: Lang,
    pub number: String,
    pub revision: Option<u32>,
    pub issued_on: String,
    /// The kind's own date: validity for a quote, payment due date for an invoice, the last day
    /// the tokens can be used for a delivery note, the date received for a receipt.
    pub valid_until: Option<String>,
    /// Further labelled rows under the number and dates, e.g. (`注文番号`, `EXMP-O-2027-00001`).
    pub details: Vec<(String, String)>,
    pub issuer: Party,
    /// The company. In Japanese documents followed by 御中 only when there is no `attention`.
    pub addressee: Party,
    /// The contact person under the company name, e.g. `設計部 山田 太郎`: printed `… 様` in
    /// Japanese and `Attn: …` in English.
    pub attention: Option<String>,
    /// What the document is about (件名), e.g. `Autodesk Flex トークン`.
    pub subject: Option<String>,
    /// Statements printed under the total box, e.g. a receipt's 但し書き or that an invoice is not a
    /// qualified invoice.
    pub under_total: Vec<String>,
    pub lines: Vec<Line>,
    pub subtotal: String,
    pub tax_lines: Vec<TaxLine>,
    pub total: String,
    /// Where to pay (振込先), one entry per printed line; the block is left out when empty.
    pub payment_details: Vec<String>,
    pub notes: Vec<String>,
    /// Commercial terms, e.g. token validity or minimum order size.
    pub terms: Vec<String>,
    pub verify_code: String,
    /// Encoded in the QR code; printed under it and linked when it is an http(s) URL.
    pub verify_url: String,
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("the embedded font could not be parsed")]
    Font,
    #[error("the verification URL cannot be encoded as a QR code: {0}")]
    Qr(String),
    #[error("the document needs more than {MAX_PAGES} pages")]
    TooLong,
    #[error("invalid page geometry")]
    Geometry,
    #[error("PDF serialization failed: {0}")]
    Pdf(String),
}

/// Renders `doc` to PDF bytes.
pub fn render(doc: &CommercialDocument) -> Result<Vec<u8>, RenderError> {
    let kit = font::kit().ok_or(RenderError::Font)?;
    let qr = paint::QrModules::encode(&font::clean(&doc.verify_url, false, usize::MAX))?;
    let pages = layout::layout(doc, kit)?;
    paint::paint(doc, &pages, kit, &qr)
}
