//! The quote document (御見積書 / Quotation) in the customer's language, and document verification.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use crate::documents::pdf::{self, CommercialDocument, DocumentKind};
use crate::domain::Portal;
use crate::domain::customers::Customer;
use crate::domain::error::{Error, Result};
use crate::domain::money::Money;
use crate::domain::partners::Partner;
use crate::storage::{self, documents};

pub use super::validity::last_valid_day;
use super::{Quote, QuoteLine};
use crate::domain::documents::printed;
pub use crate::domain::documents::printed::format_date;

/// Everything the quote PDF shows, owned so it can be rendered off the async workers.
pub struct QuoteDocumentData {
    pub quote: Quote,
    pub lines: Vec<QuoteLine>,
    pub partner: Partner,
    pub customer: Customer,
    pub time_zone: Tz,
    pub issued_at: DateTime<Utc>,
    pub verify_code: String,
    /// Where `/verify/{code}` is served, e.g. `https://portal.example`.
    pub public_base_url: String,
    /// The reseller's staff member in charge (担当), when known.
    pub staff_name: Option<String>,
}

/// Renders the quote PDF on a blocking thread, so a large document never stalls other requests.
///
/// # Errors
/// `Internal` when rendering fails (input too long for the layout limits).
pub async fn render_pdf_off_workers(data: QuoteDocumentData) -> Result<Vec<u8>> {
    tokio::task::spawn_blocking(move || render_pdf(&data)).await.map_err(Error::internal)?
}

/// Renders the quote PDF.
///
/// # Errors
/// `Internal` when rendering fails (input too long for the layout limits).
pub fn render_pdf(data: &QuoteDocumentData) -> Result<Vec<u8>> {
    let lang = printed::language(&data.customer);
    let currency = data.quote.currency;
    let totals = &data.quote.totals;
    let money = |minor: i64| Money::from_minor(minor, currency).to_string();
    let (addressee, attention) = printed::addressee(&data.customer, lang);
    let terms = if lang == "ja" {
        [
            "Autodesk Flex トークンの有効期限は購入日から1年間です。未使用分は失効します。",
            "最小購入数は100トークン、以降1トークン単位です。",
            "購入したトークンが利用可能になるまで最大24時間かかる場合があります。",
        ]
    } else {
        [
            "Autodesk Flex tokens expire one year after purchase; unused tokens lapse.",
            "Minimum purchase 100 tokens, then any whole number.",
            "Purchased tokens can take up to 24 hours to become available.",
        ]
    };
    let terms: Vec<String> = printed::payment_terms(&data.partner, lang)
        .into_iter()
        .chain(terms.into_iter().map(str::to_owned))
        .chain([printed::tax_term(totals, currency, lang)])
        .collect();
    let document = CommercialDocument {
        kind: DocumentKind::Quote,
        lang: printed::pdf_lang(lang),
        number: data.quote.number.clone().unwrap_or_default(),
        revision: u32::try_from(data.quote.revision).ok(),
        subject: Some(printed::product(lang)),
        issued_on: format_date(data.issued_at.with_timezone(&data.time_zone).date_naive(), lang),
        valid_until: data
            .quote
            .valid_until
            .map(|until| format_date(last_valid_day(until, data.time_zone), lang)),
        details: Vec::new(),
        issuer: printed::issuer(&data.partner, data.staff_name.as_deref(), lang),
        addressee,
        attention,
        under_total: Vec::new(),
        lines: printed::printed_lines(&data.lines, currency, lang),
        subtotal: money(totals.subtotal_minor),
        tax_lines: printed::tax_lines(totals, currency, lang),
        total: money(totals.total_minor),
        payment_details: Vec::new(),
        notes: data.quote.notes.lines().map(str::to_owned).filter(|l| !l.trim().is_empty()).collect(),
        terms,
        verify_code: data.verify_code.clone(),
        verify_url: printed::verify_url(&data.public_base_url, &data.verify_code),
    };
    pdf::render(&document).map_err(Error::internal)
}

/// What `/verify/{code}` shows about a document.
#[derive(Debug, Serialize)]
pub struct Verification {
    pub kind: String,
    pub number: String,
    pub revision: Option<i32>,
    pub status: String,
    pub issuer: String,
    pub issued_at: DateTime<Utc>,
    /// The issue date as the document itself prints it: in the addressee's time zone.
    pub issued_on: NaiveDate,
    pub time_zone: String,
    /// The document's total as printed, and the addressee's company, for comparing with the paper.
    pub total: Option<String>,
    pub addressee: Option<String>,
    pub sha256: String,
}

/// # Errors
/// `NotFound` for an unknown code.
pub async fn verify(portal: &Portal, code: &str) -> Result<Verification> {
    let code = code.trim().to_ascii_uppercase();
    if code.len() > 16 {
        return Err(Error::NotFound);
    }
    let db = portal.db.conn();
    let document = documents::find_by_code(db, &code).await?.ok_or(Error::NotFound)?;
    let partner = storage::partners::find(db, document.partner_id).await?.ok_or(Error::NotFound)?;
    if document.kind != crate::domain::documents::DocumentKind::Quote {
        return verify_order_document(portal, document, &partner).await;
    }
    let quote = storage::quotes::find(db, document.partner_id, document.subject_id).await?;
    let customer = match &quote {
        Some(q) => storage::customers::find(db, document.partner_id, q.customer_id).await?,
        None => None,
    };
    // The same zone the PDF was dated in.
    let tz: Tz = customer.as_ref().map_or(chrono_tz::Asia::Tokyo, |c| c.time_zone);
    let total = quote.as_ref().map(|q| Money::from_minor(q.totals.total_minor, q.currency).to_string());
    Ok(Verification {
        kind: document.kind.as_str().to_owned(),
        number: document.number,
        revision: quote.as_ref().map(|q| q.revision),
        status: quote
            .map_or_else(|| "issued".to_owned(), |q| q.status_at(portal.clock.now()).as_str().to_owned()),
        issuer: format!("{} / {}", partner.name_ja, partner.name_en),
        issued_at: document.issued_at,
        issued_on: document.issued_at.with_timezone(&tz).date_naive(),
        time_zone: tz.name().to_owned(),
        total,
        addressee: customer.map(|c| c.company_name),
        sha256: document.sha256,
    })
}

/// An order's document (invoice, delivery note, receipt, credit note): its subject is the order,
/// whose status, total and customer it names.
async fn verify_order_document(
    portal: &Portal,
    document: crate::domain::documents::IssuedDocument,
    partner: &Partner,
) -> Result<Verification> {
    let db = portal.db.conn();
    let order = storage::orders::find(db, document.partner_id, document.subject_id).await?;
    let customer = match &order {
        Some(o) => storage::customers::find(db, document.partner_id, o.customer_id).await?,
        None => None,
    };
    let tz: Tz = customer.as_ref().map_or(chrono_tz::Asia::Tokyo, |c| c.time_zone);
    Ok(Verification {
        kind: document.kind.as_str().to_owned(),
        number: document.number,
        revision: None,
        status: order.as_ref().map_or_else(|| "issued".to_owned(), |o| o.status.as_str().to_owned()),
        issuer: format!("{} / {}", partner.name_ja, partner.name_en),
        issued_at: document.issued_at,
        issued_on: document.issued_at.with_timezone(&tz).date_naive(),
        time_zone: tz.name().to_owned(),
        total: order.as_ref().map(|o| Money::from_minor(o.total_minor, o.currency).to_string()),
        addressee: customer.map(|c| c.company_name),
        sha256: document.sha256,
    })
}
