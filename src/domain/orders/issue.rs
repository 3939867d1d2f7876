//! Issuing an order's documents: numbered per partner, kind and year, rendered once (off the async
//! workers, all of one request at the same time), stored with their SHA-256 and verify code; and the
//! mail that tells the customer about them.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::documents::{OrderPaper, render_off_workers};
use super::{Order, PaymentMethod};
use crate::domain::Portal;
use crate::domain::customers::Customer;
use crate::domain::documents::{DocumentKind, IssuedDocument};
use crate::domain::error::{Error, Result};
use crate::domain::money::Money;
use crate::domain::numbering;
use crate::domain::partners::Partner;
use crate::domain::quotes::{Quote, QuoteLine, hex, verify_code};
use crate::mail::Message;
use crate::storage::{WriteTx, documents};

/// Days from the transaction date to the invoice's payment due date (お支払期限).
pub(crate) fn payment_due_days(partner: &Partner) -> i64 {
    i64::from(partner.payment_due_days)
}

/// The bank transfer details (振込先) the invoice prints, one line each.
pub(crate) fn bank_details(partner: &Partner) -> Vec<String> {
    partner
        .bank_details
        .iter()
        .flat_map(|text| text.lines())
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

/// What every document of one order shares.
#[derive(Debug, Clone)]
pub(crate) struct Context {
    pub order: Order,
    pub quote: Quote,
    pub lines: Vec<QuoteLine>,
    pub partner: Partner,
    pub customer: Customer,
    pub staff_name: Option<String>,
    pub pack_expires_at: Option<DateTime<Utc>>,
}

impl Context {
    /// The transaction date (取引年月日): the placement day in the customer's time zone.
    pub fn transaction_date(&self) -> NaiveDate {
        self.order.placed_at.with_timezone(&self.customer.time_zone).date_naive()
    }

    /// A paper of `kind` with everything but its number and the kind's own fields.
    pub fn paper(&self, portal: &Portal, kind: DocumentKind, issued_at: DateTime<Utc>) -> OrderPaper {
        let transaction_date = self.transaction_date();
        OrderPaper {
            kind,
            number: String::new(),
            order_number: self.order.number.clone(),
            quote: self.quote.clone(),
            lines: self.lines.clone(),
            partner: self.partner.clone(),
            customer: self.customer.clone(),
            time_zone: self.customer.time_zone,
            issued_at,
            transaction_date,
            verify_code: verify_code(),
            public_base_url: portal.config.public_base_url.clone(),
            staff_name: self.staff_name.clone(),
            payment_due: (kind == DocumentKind::Invoice)
                .then(|| transaction_date + Duration::days(payment_due_days(&self.partner))),
            bank_details: if kind == DocumentKind::Invoice {
                bank_details(&self.partner)
            } else {
                Vec::new()
            },
            tokens: self.order.tokens,
            pack_expires_at: self.pack_expires_at,
            paid_on: None,
            payment_method: Some(self.order.payment_method),
            credited_invoice: None,
            credited_invoice_date: None,
            reason: None,
        }
    }
}

/// Numbers, renders and stores `papers` in `tx`, in the order given; returns the stored documents.
///
/// # Errors
/// Rendering or database failures.
pub(crate) async fn issue(
    portal: &Portal,
    tx: &WriteTx,
    order: &Order,
    partner: &Partner,
    mut papers: Vec<OrderPaper>,
) -> Result<Vec<IssuedDocument>> {
    for paper in &mut papers {
        let year = paper.issued_at.with_timezone(&portal.time_zone).year();
        paper.number =
            numbering::next_number(tx, partner.id, &partner.document_prefix, paper.kind, year).await?;
    }
    Rendering::start(papers).store(tx, order).await
}

/// Numbered papers being rendered off the async workers, all at the same time, while the caller
/// goes on writing the rest of its transaction.
pub(crate) struct Rendering {
    papers: Vec<OrderPaper>,
    pdfs: Vec<tokio::task::JoinHandle<Result<Vec<u8>>>>,
}

impl Rendering {
    pub fn start(papers: Vec<OrderPaper>) -> Self {
        let pdfs = papers.iter().cloned().map(|p| tokio::spawn(render_off_workers(p))).collect();
        Self { papers, pdfs }
    }

    /// Waits for the PDFs and stores them with their SHA-256 in `tx`, in the order started.
    ///
    /// # Errors
    /// Rendering or database failures.
    pub async fn store(self, tx: &WriteTx, order: &Order) -> Result<Vec<IssuedDocument>> {
        let mut issued = Vec::with_capacity(self.papers.len());
        for (paper, rendered) in self.papers.into_iter().zip(self.pdfs) {
            let pdf = rendered.await.map_err(Error::internal)??;
            let document = IssuedDocument {
                id: Uuid::new_v4(),
                partner_id: order.partner_id,
                kind: paper.kind,
                subject_id: order.id,
                number: paper.number,
                verify_code: paper.verify_code,
                sha256: hex(&Sha256::digest(&pdf)),
                content: pdf,
                issued_at: paper.issued_at,
            };
            documents::insert(&**tx, document.clone()).await?;
            issued.push(document);
        }
        Ok(issued)
    }
}

fn kind_name(kind: DocumentKind, en: bool) -> &'static str {
    match (kind, en) {
        (DocumentKind::Invoice, false) => "請求書",
        (DocumentKind::DeliveryNote, false) => "納品書",
        (DocumentKind::Receipt, false) => "領収書",
        (DocumentKind::CreditNote, false) => "適格返還請求書",
        (DocumentKind::Quote, false) => "見積書",
        (DocumentKind::Invoice, true) => "Invoice",
        (DocumentKind::DeliveryNote, true) => "Delivery note",
        (DocumentKind::Receipt, true) => "Receipt",
        (DocumentKind::CreditNote, true) => "Credit note",
        (DocumentKind::Quote, true) => "Quotation",
    }
}

/// The lines listing documents in a mail: kind, number, SHA-256 and where to verify it. The PDFs
/// themselves are attached to the mail; the customer can check any copy against its verify page.
fn document_lines(portal: &Portal, documents: &[IssuedDocument], en: bool) -> String {
    let base = portal.config.public_base_url.trim_end_matches('/');
    let heading = if en { "Attached (PDF):\n" } else { "添付書類（PDF）:\n" };
    let listed: String = documents
        .iter()
        .map(|d| {
            format!(
                "- {} {}\n  SHA-256: {}\n  {}: {base}/verify/{}\n",
                kind_name(d.kind, en),
                d.number,
                d.sha256,
                if en { "Verify" } else { "確認" },
                d.verify_code
            )
        })
        .collect();
    format!("{heading}{listed}")
}

/// The customer's mail about new documents of an order (`kind`: `order.placed`, `order.paid`,
/// `order.cancelled`).
pub(crate) fn customer_mail(
    portal: &Portal,
    context: &Context,
    documents: &[IssuedDocument],
    kind: &'static str,
) -> Message {
    let customer = &context.customer;
    let partner = &context.partner;
    let order = &context.order;
    let en = customer.language == "en";
    let total = Money::from_minor(order.total_minor, order.currency);
    let listed = document_lines(portal, documents, en);
    let balance = crate::domain::balance::balance_link(portal, customer.id);
    let (subject, body) = match (kind, en) {
        ("order.cancelled", true) => (
            format!("Order {} cancelled – {}", order.number, partner.name_en),
            format!(
                "Dear {},\n\n{} has cancelled order {}. The tokens of this order will not be delivered.\n\n{listed}",
                customer.contact_name, partner.name_en, order.number
            ),
        ),
        ("order.cancelled", false) => (
            format!("【ご注文取消】{} {}", order.number, partner.name_ja),
            format!(
                "{} {} 様\n\n{}はご注文 {} を取り消しました。このご注文のトークンは納品されません。\n\n{listed}",
                customer.company_name, customer.contact_name, partner.name_ja, order.number
            ),
        ),
        ("order.paid", true) => (
            format!("Receipt for order {} – {}", order.number, partner.name_en),
            format!(
                "Dear {},\n\nThank you for your payment of {total} for order {}.\n\n{listed}",
                customer.contact_name, order.number
            ),
        ),
        ("order.paid", false) => (
            format!("【領収書】{} {}", order.number, partner.name_ja),
            format!(
                "{} {} 様\n\nご注文 {} の代金 {total} のお支払いを確認いたしました。\n\n{listed}",
                customer.company_name, customer.contact_name, order.number
            ),
        ),
        (_, true) => (
            format!("Order {} confirmed – {}", order.number, partner.name_en),
            format!(
                "Dear {},\n\n{} has placed order {} for {} Autodesk Flex tokens on your behalf.\nTotal: {total} (tax included)\n\n{listed}\nYour token balance: {balance}\n",
                customer.contact_name, partner.name_en, order.number, order.tokens
            ),
        ),
        (_, false) => (
            format!("【ご注文確認】{} {}", order.number, partner.name_ja),
            format!(
                "{} {} 様\n\n{}より Autodesk Flex トークン {} のご注文 {} を承りました。\n合計金額: {total}（税込）\n\n{listed}\nトークン残高: {balance}\n",
                customer.company_name, customer.contact_name, partner.name_ja, order.tokens, order.number
            ),
        ),
    };
    Message { to: customer.email.clone(), subject, body, kind, related_id: Some(order.id.to_string()) }
}

/// The receipt's paper: the amount, the date paid and how.
pub(crate) fn receipt_paper(
    portal: &Portal,
    context: &Context,
    issued_at: DateTime<Utc>,
    paid_on: NaiveDate,
    method: PaymentMethod,
) -> OrderPaper {
    OrderPaper {
        paid_on: Some(paid_on),
        payment_method: Some(method),
        ..context.paper(portal, DocumentKind::Receipt, issued_at)
    }
}
