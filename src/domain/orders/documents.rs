//! The documents an order issues, in the customer's language: the invoice (請求書; a qualified
//! invoice, 適格請求書, when the partner has a registration number), the delivery note (納品書), the
//! receipt (領収書) and the credit note (適格返還請求書) a cancellation issues. Prices, tax and totals
//! are exactly those frozen in the accepted quote.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::PaymentMethod;
use crate::documents::pdf::{self, CommercialDocument};
use crate::domain::customers::Customer;
use crate::domain::documents::DocumentKind;
use crate::domain::documents::printed::{self, format_date};
use crate::domain::error::{Error, Result};
use crate::domain::money::Money;
use crate::domain::partners::Partner;
use crate::domain::quotes::{Quote, QuoteLine, last_valid_day};
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
    /// Credit note: the day the credited invoice was issued, in `time_zone`, when known.
    pub credited_invoice_date: Option<NaiveDate>,
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
/// `Internal` when rendering fails (input too long for the layout limits) or `paper` is not one
/// of the order documents.
pub fn render(paper: &OrderPaper) -> Result<Vec<u8>> {
    pdf::render(&document(paper)?).map_err(Error::internal)
}

/// The text of an order document, per its kind and in the customer's language.
fn document(paper: &OrderPaper) -> Result<CommercialDocument> {
    let lang = printed::language(&paper.customer);
    let says = |ja: &str, en: &str| printed::says(lang, ja, en);
    let date = |day: NaiveDate| format_date(day, lang);
    let currency = paper.quote.currency;
    let totals = &paper.quote.totals;
    let money = |minor: i64| Money::from_minor(minor, currency).to_string();
    let registered = printed::registration_number(&paper.partner).is_some();
    let (addressee, attention) = printed::addressee(&paper.customer, lang);
    let mut details = vec![(says("注文番号", "Order No."), paper.order_number.clone())];
    let transaction_date = (says("取引年月日", "Transaction date"), date(paper.transaction_date));
    let mut under_total = Vec::new();
    let mut payment_details = Vec::new();
    let mut notes = Vec::new();
    let mut terms = Vec::new();
    let (kind, valid_until) = match paper.kind {
        DocumentKind::Invoice => {
            details.push(transaction_date);
            if !registered {
                under_total.push(says(
                    "本書は適格請求書ではありません（登録番号なし）",
                    "Not a qualified invoice (the issuer has no registration number)",
                ));
            }
            payment_details = paper
                .bank_details
                .iter()
                .map(|line| line.trim().to_owned())
                .filter(|line| !line.is_empty())
                .collect();
            terms.extend(printed::payment_terms(&paper.partner, lang));
            if !payment_details.is_empty() {
                terms.push(says(
                    "振込手数料は貴社にてご負担ください。",
                    "Bank transfer fees are borne by the customer.",
                ));
            }
            (pdf::DocumentKind::Invoice, paper.payment_due.map(date))
        }
        DocumentKind::DeliveryNote => {
            details.push(transaction_date);
            details.push((says("納品数量", "Tokens delivered"), printed::tokens_text(paper.tokens, lang)));
            terms.push(says(
                "トークンは有効期限の日の終わりまで使用できます。未使用分は失効します。",
                "Tokens can be used until the end of their last valid day; unused tokens lapse.",
            ));
            let last_day = paper.pack_expires_at.map(|end| date(last_valid_day(end, paper.time_zone)));
            (pdf::DocumentKind::DeliveryNote, last_day)
        }
        DocumentKind::Receipt => {
            if let Some(method) = paper.payment_method {
                details.push((says("お支払方法", "Paid by"), method_words(method, lang)));
            }
            under_total.push(says("但し Autodesk Flex トークン代として", "for Autodesk Flex tokens"));
            (pdf::DocumentKind::Receipt, paper.paid_on.map(date))
        }
        DocumentKind::CreditNote => {
            if let Some(invoice) = &paper.credited_invoice {
                details.insert(0, (says("対象請求書", "Credited invoice"), invoice.clone()));
            }
            if let Some(day) = paper.credited_invoice_date {
                details.insert(1.min(details.len()), (says("請求書発行日", "Invoice date"), date(day)));
            }
            details.push(transaction_date);
            if !registered {
                under_total.push(says(
                    "本書は適格返還請求書ではありません（登録番号なし）",
                    "Not a qualified credit note (the issuer has no registration number)",
                ));
            }
            let reason = paper.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
            notes.extend(
                reason.map(|r| if lang == "ja" { format!("返還理由: {r}") } else { format!("Reason: {r}") }),
            );
            (pdf::DocumentKind::CreditNote, None)
        }
        DocumentKind::Quote => {
            return Err(Error::internal(std::io::Error::other("a quote is not an order document")));
        }
    };
    terms.push(printed::tax_term(totals, currency, lang));
    Ok(CommercialDocument {
        kind,
        lang: printed::pdf_lang(lang),
        number: paper.number.clone(),
        revision: None,
        issued_on: date(paper.issued_at.with_timezone(&paper.time_zone).date_naive()),
        valid_until,
        details,
        issuer: printed::issuer(&paper.partner, paper.staff_name.as_deref(), lang),
        addressee,
        attention,
        subject: Some(printed::product(lang)),
        under_total,
        lines: printed::printed_lines(&paper.lines, currency, lang),
        subtotal: money(totals.subtotal_minor),
        tax_lines: printed::tax_lines(totals, currency, lang),
        total: money(totals.total_minor),
        payment_details,
        notes,
        terms,
        verify_code: paper.verify_code.clone(),
        verify_url: printed::verify_url(&paper.public_base_url, &paper.verify_code),
    })
}

/// How the customer paid, in words.
fn method_words(method: PaymentMethod, lang: &str) -> String {
    let (ja, en) = match method {
        PaymentMethod::Invoice => ("請求書払い", "Payment on invoice"),
        PaymentMethod::BankTransfer => ("銀行振込", "Bank transfer"),
        PaymentMethod::Card => ("クレジットカード", "Credit card"),
    };
    printed::says(lang, ja, en)
}

#[cfg(test)]
mod tests;
