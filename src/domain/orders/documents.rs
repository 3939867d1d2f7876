//! The documents an order issues, in the customer's language: the invoice (請求書; a qualified
//! invoice, 適格請求書, when the partner has a registration number), the delivery note (納品書), the
//! receipt (領収書) and the credit note (適格返還請求書) a cancellation issues. Prices, tax and totals
//! are exactly those frozen in the accepted quote.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::PaymentMethod;
use crate::documents::pdf::{self, CommercialDocument, Lang, Party};
use crate::domain::customers::Customer;
use crate::domain::documents::DocumentKind;
use crate::domain::error::{Error, Result};
use crate::domain::money::Money;
use crate::domain::partners::Partner;
use crate::domain::quotes::{Quote, QuoteLine, format_date};
use crate::domain::tokens::TokenAmount;

/// Everything one order document shows, owned so it can be rendered off the async workers.
#[derive(Debug, Clone)]
pub struct OrderPaper {
    /// `Invoice`, `DeliveryNote`, `Receipt` or `CreditNote`.
    pub kind: DocumentKind,
    /// This document's number, e.g. `EXMP-I-2027-00001`.
    pub number: String,
    pub order_number: String,
    /// The accepted revision: its lines, tax and totals are printed as they are.
    pub quote: Quote,
    pub lines: Vec<QuoteLine>,
    pub partner: Partner,
    pub customer: Customer,
    /// The customer's time zone: every date printed is a date there.
    pub time_zone: Tz,
    pub issued_at: DateTime<Utc>,
    /// The transaction date (取引年月日): the day the order was placed, in `time_zone`.
    pub transaction_date: NaiveDate,
    pub verify_code: String,
    /// Where `/verify/{code}` is served, e.g. `https://portal.example`.
    pub public_base_url: String,
    /// The reseller's staff member who placed the order (担当), when known.
    pub staff_name: Option<String>,
    /// Invoice: the payment due date (お支払期限).
    pub payment_due: Option<NaiveDate>,
    /// Invoice: the bank transfer details (振込先), one printed line each.
    pub bank_details: Vec<String>,
    /// Delivery note: the tokens of the pack and when it expires.
    pub tokens: TokenAmount,
    pub pack_expires_at: Option<DateTime<Utc>>,
    /// Receipt: when and how the customer paid.
    pub paid_on: Option<NaiveDate>,
    pub payment_method: Option<PaymentMethod>,
    /// Credit note: the number of the invoice it returns, and why the order was cancelled.
    pub credited_invoice: Option<String>,
    pub reason: Option<String>,
}

/// Renders an order document on a blocking thread.
///
/// # Errors
/// `Internal` when rendering fails.
pub async fn render_off_workers(paper: OrderPaper) -> Result<Vec<u8>> {
    tokio::task::spawn_blocking(move || render(&paper)).await.map_err(Error::internal)?
}

/// Renders an order document to PDF.
///
/// # Errors
/// `Internal` when rendering fails (input too long for the layout limits).
pub fn render(paper: &OrderPaper) -> Result<Vec<u8>> {
    let lang = if paper.customer.language == "en" { Lang::En } else { Lang::Ja };
    let code = if lang == Lang::En { "en" } else { "ja" };
    let currency = paper.quote.currency;
    let money = |minor: i64| Money::from_minor(minor, currency).to_string();
    let kind = match paper.kind {
        DocumentKind::DeliveryNote => pdf::DocumentKind::DeliveryNote,
        DocumentKind::Receipt => pdf::DocumentKind::Receipt,
        _ => pdf::DocumentKind::Invoice,
    };
    let document = CommercialDocument {
        kind,
        lang,
        number: paper.number.clone(),
        revision: None,
        details: Vec::new(),
        under_total: Vec::new(),
        payment_details: Vec::new(),
        issued_on: format_date(paper.issued_at.with_timezone(&paper.time_zone).date_naive(), code),
        valid_until: paper.payment_due.map(|due| format_date(due, code)),
        issuer: Party {
            name: paper.partner.name_ja.clone(),
            lines: Vec::new(),
            registration_number: paper.partner.invoice_registration_number.clone(),
        },
        addressee: Party {
            name: paper.customer.company_name.clone(),
            lines: Vec::new(),
            registration_number: None,
        },
        attention: None,
        subject: Some(paper.order_number.clone()),
        lines: Vec::new(),
        subtotal: money(paper.quote.totals.subtotal_minor),
        tax_lines: Vec::new(),
        total: money(paper.quote.totals.total_minor),
        notes: Vec::new(),
        terms: Vec::new(),
        verify_code: paper.verify_code.clone(),
        verify_url: format!("{}/verify/{}", paper.public_base_url.trim_end_matches('/'), paper.verify_code),
    };
    pdf::render(&document).map_err(Error::internal)
}
