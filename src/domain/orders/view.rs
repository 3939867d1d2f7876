//! Orders as the reseller (and the operator) sees them, and their stored PDFs.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Order, OrderFilter, OrderStatus, Payment, PaymentMethod};
use crate::domain::Portal;
use crate::domain::actor::Actor;
use crate::domain::balance::{Pack, PackView};
use crate::domain::customers::Customer;
use crate::domain::documents::{DocumentKind, IssuedDocument};
use crate::domain::error::{Error, Result};
use crate::domain::money::Money;
use crate::domain::paging::Paged;
use crate::domain::quotes::Quote;
use crate::domain::tokens::TokenAmount;
use crate::storage::{self, Conn, documents, orders as store, tokens};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CustomerRef {
    pub id: Uuid,
    pub company_name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct QuoteRef {
    pub id: Uuid,
    pub number: Option<String>,
    pub revision: i32,
}

/// One issued document of an order, without its bytes.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DocumentView {
    pub kind: DocumentKind,
    pub number: String,
    pub sha256: String,
    pub verify_code: String,
    pub verify_url: String,
    /// The reseller's download: `/api/v1/orders/{id}/documents/{kind}.pdf`.
    pub url: String,
    pub issued_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PaymentView {
    pub paid_on: NaiveDate,
    pub method: PaymentMethod,
    pub amount: Money,
    pub recorded_at: DateTime<Utc>,
}

/// Everything the order page shows.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct OrderView {
    pub id: Uuid,
    pub number: String,
    pub status: OrderStatus,
    pub partner_id: Uuid,
    pub payment_method: PaymentMethod,
    pub customer: CustomerRef,
    pub quote: QuoteRef,
    pub currency: String,
    pub subtotal: Money,
    pub tax: Money,
    pub tax_rate_percent: String,
    /// `taxable`, or `not_subject` for a customer outside Japan (不課税), as the quote said.
    #[serde(default)]
    pub tax_treatment: String,
    pub total: Money,
    pub tokens: TokenAmount,
    pub autodesk_order_ref: Option<String>,
    pub placed_at: DateTime<Utc>,
    pub fulfilled_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub cancel_reason: Option<String>,
    pub documents: Vec<DocumentView>,
    pub pack: Option<PackView>,
    pub payments: Vec<PaymentView>,
}

/// One row of an order list.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct OrderSummary {
    pub id: Uuid,
    pub number: String,
    pub status: OrderStatus,
    pub partner_id: Uuid,
    pub payment_method: PaymentMethod,
    pub customer: CustomerRef,
    pub total: Money,
    pub tokens: TokenAmount,
    pub placed_at: DateTime<Utc>,
    pub fulfilled_at: Option<DateTime<Utc>>,
}

/// The kind as it appears in a document URL (`delivery-note`).
pub fn kind_slug(kind: DocumentKind) -> String {
    kind.as_str().replace('_', "-")
}

/// A document kind from a URL (`invoice`, `delivery-note` or `delivery_note`, `receipt`,
/// `credit-note`); quotes are not order documents.
pub fn parse_kind(text: &str) -> Option<DocumentKind> {
    DocumentKind::parse(&text.replace('-', "_")).filter(|k| *k != DocumentKind::Quote)
}

pub(crate) fn document_view(portal: &Portal, order: Uuid, d: &IssuedDocument) -> DocumentView {
    let base = portal.config.public_base_url.trim_end_matches('/');
    DocumentView {
        kind: d.kind,
        number: d.number.clone(),
        sha256: d.sha256.clone(),
        verify_code: d.verify_code.clone(),
        verify_url: format!("{base}/verify/{}", d.verify_code),
        url: format!("/api/v1/orders/{order}/documents/{}.pdf", kind_slug(d.kind)),
        issued_at: d.issued_at,
    }
}

pub(crate) fn payment_view(order: &Order, p: &Payment) -> PaymentView {
    PaymentView {
        paid_on: p.paid_on,
        method: p.method,
        amount: Money::from_minor(p.amount_minor, order.currency),
        recorded_at: p.recorded_at,
    }
}

/// Assembles the view from records already at hand.
pub(crate) fn assemble(
    portal: &Portal,
    order: &Order,
    customer: &Customer,
    quote: &Quote,
    documents: &[IssuedDocument],
    pack: Option<&Pack>,
    payment: Option<&Payment>,
) -> OrderView {
    let currency = order.currency;
    let mut documents: Vec<_> = documents.iter().map(|d| document_view(portal, order.id, d)).collect();
    documents.sort_by_key(|d| (d.issued_at, DocumentKind::ALL.iter().position(|k| *k == d.kind)));
    OrderView {
        id: order.id,
        number: order.number.clone(),
        status: order.status,
        partner_id: order.partner_id,
        payment_method: order.payment_method,
        customer: CustomerRef { id: customer.id, company_name: customer.company_name.clone() },
        quote: QuoteRef { id: quote.id, number: quote.number.clone(), revision: quote.revision },
        currency: currency.code().to_owned(),
        subtotal: Money::from_minor(order.subtotal_minor, currency),
        tax: Money::from_minor(order.tax_minor, currency),
        tax_rate_percent: Decimal::new(i64::from(order.tax_rate_hundredths), 2).normalize().to_string(),
        tax_treatment: crate::domain::quotes::tax_treatment(order.tax_rate_hundredths).to_owned(),
        total: Money::from_minor(order.total_minor, currency),
        tokens: order.tokens,
        autodesk_order_ref: order.autodesk_order_ref.clone(),
        placed_at: order.placed_at,
        fulfilled_at: order.fulfilled_at,
        cancelled_at: order.cancelled_at,
        cancel_reason: order.cancel_reason.clone(),
        documents,
        pack: pack.map(|p| PackView::of(p, customer.time_zone)),
        payments: payment.map(|p| payment_view(order, p)).into_iter().collect(),
    }
}

/// The order `id` as the actor may see it: a reseller its own partner's, the operator any.
pub(crate) async fn visible_order(db: &impl Conn, actor: &Actor, id: Uuid) -> Result<Order> {
    let order = if actor.is_admin() {
        store::find_any(db, id).await?
    } else {
        store::find(db, actor.partner()?, id).await?
    };
    order.ok_or(Error::NotFound)
}

/// Reads everything the view shows about `order`.
pub(crate) async fn load_view(portal: &Portal, db: &impl Conn, order: &Order) -> Result<OrderView> {
    let customer =
        storage::customers::find(db, order.partner_id, order.customer_id).await?.ok_or(Error::NotFound)?;
    let quote = storage::quotes::find(db, order.partner_id, order.quote_id).await?.ok_or(Error::NotFound)?;
    let documents = documents::all_for(db, order.id).await?;
    let pack = tokens::pack_of_order(db, order.id).await?;
    let payment = store::payment_for(db, order.id).await?;
    Ok(assemble(portal, order, &customer, &quote, &documents, pack.as_ref(), payment.as_ref()))
}

/// # Errors
/// `NotFound` for another partner's order.
pub async fn get_order(portal: &Portal, actor: &Actor, id: Uuid) -> Result<OrderView> {
    let db = portal.db.conn();
    let order = visible_order(db, actor, id).await?;
    load_view(portal, db, &order).await
}

/// The actor's orders, newest first; the operator sees every partner's.
///
/// # Errors
/// Database failures.
pub async fn list_orders(portal: &Portal, actor: &Actor, filter: OrderFilter) -> Result<Paged<OrderSummary>> {
    let partner = if actor.is_admin() { None } else { Some(actor.partner()?) };
    let db = portal.db.conn();
    let page = filter.page;
    let (rows, total) =
        store::list(db, partner, filter.status, filter.customer, page.offset(), page.limit()).await?;
    let mut items = Vec::with_capacity(rows.len());
    for order in rows {
        let customer = storage::customers::find(db, order.partner_id, order.customer_id).await?;
        items.push(OrderSummary {
            id: order.id,
            number: order.number.clone(),
            status: order.status,
            partner_id: order.partner_id,
            payment_method: order.payment_method,
            customer: CustomerRef {
                id: order.customer_id,
                company_name: customer.map(|c| c.company_name).unwrap_or_default(),
            },
            total: Money::from_minor(order.total_minor, order.currency),
            tokens: order.tokens,
            placed_at: order.placed_at,
            fulfilled_at: order.fulfilled_at,
        });
    }
    Ok(Paged::new(items, total, page))
}

/// The stored PDF of one of the order's documents (the latest of its kind).
///
/// # Errors
/// `NotFound` for another partner's order or a document the order does not have.
pub async fn order_document_pdf(
    portal: &Portal,
    actor: &Actor,
    order_id: Uuid,
    kind: DocumentKind,
) -> Result<IssuedDocument> {
    let db = portal.db.conn();
    let order = visible_order(db, actor, order_id).await?;
    if kind == DocumentKind::Quote {
        return Err(Error::NotFound);
    }
    documents::latest_for(db, order.id, kind).await?.ok_or(Error::NotFound)
}
