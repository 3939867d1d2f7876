//! Quotes as the reseller sees them (API shape), and their stored PDFs.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use uuid::Uuid;

use super::pricing::unit_price_from_e4;
use super::{Quote, QuoteLine, QuoteStatus, link};
use crate::domain::Portal;
use crate::domain::actor::Actor;
use crate::domain::documents::DocumentKind;
use crate::domain::error::{Error, Result};
use crate::domain::money::{Currency, Money};
use crate::storage::documents;
use crate::storage::quotes as store;

#[derive(Debug, Serialize)]
pub struct LineView {
    pub tokens: i64,
    pub unit_price: Money,
    pub discount_percent: String,
    pub amount: Money,
}

#[derive(Debug, Serialize)]
pub struct CustomerRef {
    pub id: Uuid,
    pub company_name: String,
}

#[derive(Debug, Serialize)]
pub struct QuoteView {
    pub id: Uuid,
    pub root_id: Uuid,
    pub number: Option<String>,
    pub revision: i32,
    pub status: QuoteStatus,
    pub customer: CustomerRef,
    pub quote_request_id: Option<Uuid>,
    pub currency: String,
    pub lines: Vec<LineView>,
    pub subtotal: Money,
    pub tax: Money,
    pub tax_rate_percent: String,
    /// `taxable`, or `not_subject` for a customer outside Japan (不課税, a 0% rule).
    pub tax_treatment: &'static str,
    pub total: Money,
    pub valid_days: i32,
    pub valid_until: Option<DateTime<Utc>>,
    pub notes: String,
    pub sent_at: Option<DateTime<Utc>>,
    pub public_url: Option<String>,
    pub pdf_sha256: Option<String>,
    pub responded_at: Option<DateTime<Utc>>,
    pub accepted_name: Option<String>,
    pub accepted_on_behalf: bool,
    pub response_reason: Option<String>,
    pub updated_at: DateTime<Utc>,
}

pub fn line_view(line: &QuoteLine, currency: Currency) -> LineView {
    LineView {
        tokens: i64::from(line.tokens.get()),
        unit_price: Money::new(unit_price_from_e4(line.unit_price_e4), currency),
        discount_percent: line.discount.get().to_string(),
        amount: Money::from_minor(line.amount_minor, currency),
    }
}

/// How the quote is taxed: a 0% rule is the one for customers outside Japan, whose supply is not
/// subject to Japanese consumption tax (不課税), which documents must not call "0%対象".
pub fn tax_treatment(rate_hundredths: i32) -> &'static str {
    if rate_hundredths == 0 { "not_subject" } else { "taxable" }
}

pub fn public_url(portal: &Portal, quote: Uuid) -> String {
    format!(
        "{}/q/{}",
        portal.config.public_base_url.trim_end_matches('/'),
        link::token(&portal.keys.links, quote)
    )
}

pub(super) fn assemble(portal: &Portal, row: Quote, lines: &[QuoteLine], company_name: String) -> QuoteView {
    let currency = row.currency;
    let status = row.status_at(portal.clock.now());
    QuoteView {
        id: row.id,
        root_id: row.root_id,
        number: row.number.clone(),
        revision: row.revision,
        status,
        customer: CustomerRef { id: row.customer_id, company_name },
        quote_request_id: row.request_target_id,
        currency: currency.code().to_owned(),
        lines: lines.iter().map(|l| line_view(l, currency)).collect(),
        subtotal: Money::from_minor(row.totals.subtotal_minor, currency),
        tax: Money::from_minor(row.totals.tax_minor, currency),
        tax_rate_percent: (Decimal::new(i64::from(row.totals.tax_rate_hundredths), 2))
            .normalize()
            .to_string(),
        tax_treatment: tax_treatment(row.totals.tax_rate_hundredths),
        total: Money::from_minor(row.totals.total_minor, currency),
        valid_days: row.valid_days,
        valid_until: row.valid_until,
        notes: row.notes.clone(),
        sent_at: row.sent_at,
        public_url: row.link_token_hash.as_ref().map(|_| public_url(portal, row.id)),
        pdf_sha256: row.pdf_sha256.clone(),
        responded_at: row.responded_at,
        accepted_name: row.accepted_name.clone(),
        accepted_on_behalf: row.accepted_by_user_id.is_some(),
        response_reason: row.response_reason.clone(),
        updated_at: row.updated_at,
    }
}

/// # Errors
/// `NotFound` for another partner's quote.
pub async fn get_quote(portal: &Portal, actor: &Actor, id: Uuid) -> Result<QuoteView> {
    let partner = actor.partner()?;
    let row = store::find(portal.db.conn(), partner, id).await?.ok_or(Error::NotFound)?;
    let lines = store::lines(portal.db.conn(), id).await?;
    let customer = crate::storage::customers::find(portal.db.conn(), partner, row.customer_id).await?;
    Ok(assemble(portal, row, &lines, customer.map(|c| c.company_name).unwrap_or_default()))
}

/// The actor's quotes, most recently changed first.
///
/// # Errors
/// `Forbidden` for the operator; `Validation` for an unknown status.
pub async fn list_quotes(
    portal: &Portal,
    actor: &Actor,
    status: Option<&str>,
    customer: Option<Uuid>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<QuoteView>, u64)> {
    let partner = actor.partner()?;
    let status = match status {
        Some(text) => Some(QuoteStatus::parse(text).ok_or_else(|| {
            Error::field("status", "invalid", "Unknown quote status.", "不明なステータスです。")
        })?),
        None => None,
    };
    let (rows, total) =
        store::list(portal.db.conn(), partner, status, customer, (page.max(1) - 1) * per_page, per_page)
            .await?;
    let mut views = Vec::with_capacity(rows.len());
    for row in rows {
        let lines = store::lines(portal.db.conn(), row.id).await?;
        let customer = crate::storage::customers::find(portal.db.conn(), partner, row.customer_id).await?;
        views.push(assemble(portal, row, &lines, customer.map(|c| c.company_name).unwrap_or_default()));
    }
    Ok((views, total))
}

/// The PDF that was sent (the reseller's copy).
///
/// # Errors
/// `NotFound` for another partner's quote or a draft (which has no PDF yet).
pub async fn quote_pdf(portal: &Portal, actor: &Actor, id: Uuid) -> Result<(String, Vec<u8>)> {
    let partner = actor.partner()?;
    let row = store::find(portal.db.conn(), partner, id).await?.ok_or(Error::NotFound)?;
    let document =
        documents::latest_for(portal.db.conn(), row.id, DocumentKind::Quote).await?.ok_or(Error::NotFound)?;
    Ok((format!("{}-r{}.pdf", document.number, row.revision), document.content))
}
