//! Writing quotes: a new draft (for a customer or straight from a quote request), changes to a
//! draft, and a new revision of a sent quote.

use rust_decimal::Decimal;
use uuid::Uuid;

use super::pricing::{self, PricedQuote, rounding_code, unit_price_e4};
use super::terms::parse_terms;
pub use super::terms::{DEFAULT_VALID_DAYS, LineInput, QuoteInput};
use super::{QuoteStatus, view};
use crate::domain::Portal;
use crate::domain::actor::{Actor, Origin};
use crate::domain::audit::{self, AuditEvent};
use crate::domain::error::{Error, Result};
use crate::domain::money::Currency;
use crate::domain::pricing::DiscountPercent;
use crate::domain::{customers, partners, quote_requests};
use crate::storage::quotes::{self as store, LineRow, QuoteColumn, QuoteRow};
use crate::storage::{WriteTx, customers::CustomerRow};

/// The currency a new quote is written in unless the reseller picks one.
pub fn default_currency(customer: &CustomerRow) -> Currency {
    if customer.country == "JP" { Currency::Jpy } else { Currency::Usd }
}

fn line_rows(quote: Uuid, priced: &PricedQuote) -> Vec<LineRow> {
    priced
        .lines
        .iter()
        .enumerate()
        .map(|(i, line)| LineRow {
            id: Uuid::new_v4(),
            quote_id: quote,
            position: i32::try_from(i).unwrap_or(i32::MAX),
            tokens: i64::from(line.tokens.get()),
            unit_price_e4: unit_price_e4(line.unit_price),
            discount_hundredths: i32::try_from(line.discount.to_hundredths()).unwrap_or(0),
            amount_minor: line.amount.to_minor().unwrap_or(0),
        })
        .collect()
}

pub(super) fn totals_changes(priced: &PricedQuote) -> Vec<(QuoteColumn, sea_orm::Value)> {
    vec![
        (QuoteColumn::Currency, priced.currency.code().into()),
        (QuoteColumn::SubtotalMinor, priced.subtotal.to_minor().unwrap_or(0).into()),
        (QuoteColumn::TaxMinor, priced.tax.to_minor().unwrap_or(0).into()),
        (QuoteColumn::TotalMinor, priced.total.to_minor().unwrap_or(0).into()),
        (
            QuoteColumn::TaxRateHundredths,
            i32::try_from((priced.rule.rate * Decimal::from(10_000)).trunc()).unwrap_or(0).into(),
        ),
        (QuoteColumn::TaxRounding, rounding_code(priced.rule.rounding).into()),
    ]
}

/// Writes a freshly priced set of lines and totals onto a quote.
pub(super) async fn store_pricing(
    tx: &WriteTx,
    quote: Uuid,
    priced: &PricedQuote,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    store::replace_lines(&**tx, quote, line_rows(quote, priced)).await.map_err(Error::internal)?;
    let mut changes = totals_changes(priced);
    changes.push((QuoteColumn::UpdatedAt, now.into()));
    store::transition(&**tx, quote, &["draft"], None, changes).await.map_err(Error::internal)?;
    Ok(())
}

fn max_discount(partner: &crate::storage::partners::PartnerRow) -> Decimal {
    DiscountPercent::from_hundredths(u32::try_from(partner.max_discount_hundredths).unwrap_or(0))
        .unwrap_or(DiscountPercent::ZERO)
        .get()
}

/// Creates a draft for one of the actor's customers, or for an inbox item (making its customer).
///
/// # Errors
/// `Validation`; `NotFound` for another partner's customer or request.
pub async fn create_quote(
    portal: &Portal,
    actor: &Actor,
    origin: &Origin,
    input: &QuoteInput,
) -> Result<view::QuoteView> {
    let partner = partners::own_partner(portal, actor).await?;
    let (customer, target) = match (input.customer_id, input.quote_request_id) {
        (Some(id), _) => (customers::get_customer(portal, actor, id).await?, input.quote_request_id),
        (None, Some(request)) => {
            (quote_requests::customer_for(portal, actor, origin, request).await?, Some(request))
        }
        (None, None) => {
            return Err(Error::field(
                "customer_id",
                "required",
                "Choose a customer or a quote request.",
                "顧客または見積依頼を選択してください。",
            ));
        }
    };
    if let Some(target) = target {
        quote_requests::get(portal, actor, target).await?;
    }
    let terms = parse_terms(input, max_discount(&partner))?;
    let currency = terms.currency.unwrap_or_else(|| default_currency(&customer));
    let priced =
        pricing::price(portal.db.conn(), currency, &customer.country, &terms.lines, portal.today()).await?;
    let now = portal.clock.now();
    let id = Uuid::new_v4();
    let row = QuoteRow {
        id,
        partner_id: partner.id,
        customer_id: customer.id,
        request_target_id: target,
        root_id: id,
        revision: 1,
        number: None,
        status: QuoteStatus::Draft.as_str().into(),
        currency: currency.code().into(),
        valid_days: terms.valid_days,
        valid_until: None,
        notes: terms.notes,
        subtotal_minor: priced.subtotal.to_minor().map_err(Error::internal)?,
        tax_minor: priced.tax.to_minor().map_err(Error::internal)?,
        total_minor: priced.total.to_minor().map_err(Error::internal)?,
        tax_rate_hundredths: i32::try_from((priced.rule.rate * Decimal::from(10_000)).trunc()).unwrap_or(0),
        tax_rounding: rounding_code(priced.rule.rounding).into(),
        language: customer.language.clone(),
        sent_at: None,
        pdf_sha256: None,
        link_token_hash: None,
        responded_at: None,
        accepted_name: None,
        accepted_ip: None,
        accepted_pdf_sha256: None,
        accepted_by_user_id: None,
        response_reason: None,
        created_by: actor.user_id,
        created_at: now,
        updated_at: now,
    };
    let tx = portal.db.write().await.map_err(Error::internal)?;
    store::insert(&*tx, row, line_rows(id, &priced)).await.map_err(Error::internal)?;
    let event = AuditEvent {
        action: "quote.created",
        subject_type: "quote",
        subject_id: Some(id.to_string()),
        detail: serde_json::json!({ "customer_id": customer.id, "total_minor": priced.total.to_minor().ok() }),
    };
    audit::record(&*tx, now, Some(actor), None, origin, event).await?;
    tx.commit().await.map_err(Error::internal)?;
    view::get_quote(portal, actor, id).await
}

/// Changes a draft's lines, currency, validity or notes.
///
/// # Errors
/// `NotFound`; `Conflict` unless the quote is a draft; `Validation`.
pub async fn update_draft(
    portal: &Portal,
    actor: &Actor,
    origin: &Origin,
    id: Uuid,
    input: &QuoteInput,
) -> Result<view::QuoteView> {
    let partner = partners::own_partner(portal, actor).await?;
    let existing = store::find(portal.db.conn(), partner.id, id)
        .await
        .map_err(Error::internal)?
        .ok_or(Error::NotFound)?;
    if existing.status != QuoteStatus::Draft.as_str() {
        return Err(Error::conflict(
            "A sent quote cannot be edited; make a new revision instead.",
            "送付済みの見積は編集できません。改訂版を作成してください。",
        ));
    }
    let customer = customers::get_customer(portal, actor, existing.customer_id).await?;
    let mut input = input.clone();
    if input.lines.is_empty() {
        let lines = store::lines(portal.db.conn(), id).await.map_err(Error::internal)?;
        input.lines = lines
            .iter()
            .map(|l| LineInput {
                tokens: serde_json::json!(l.tokens),
                discount_percent: Some(
                    DiscountPercent::from_hundredths(u32::try_from(l.discount_hundredths).unwrap_or(0))
                        .unwrap_or(DiscountPercent::ZERO)
                        .get()
                        .to_string(),
                ),
            })
            .collect();
    }
    let currency_given = input.currency.is_some();
    let terms = parse_terms(&input, max_discount(&partner))?;
    let currency = if currency_given {
        terms.currency.unwrap_or_else(|| default_currency(&customer))
    } else {
        Currency::from_code(&existing.currency).unwrap_or(Currency::Jpy)
    };
    let priced =
        pricing::price(portal.db.conn(), currency, &customer.country, &terms.lines, portal.today()).await?;
    let now = portal.clock.now();
    let tx = portal.db.write().await.map_err(Error::internal)?;
    store::replace_lines(&*tx, id, line_rows(id, &priced)).await.map_err(Error::internal)?;
    let mut changes = totals_changes(&priced);
    changes.push((QuoteColumn::ValidDays, terms.valid_days.into()));
    if input.notes.is_some() {
        changes.push((QuoteColumn::Notes, terms.notes.clone().into()));
    }
    changes.push((QuoteColumn::UpdatedAt, now.into()));
    if !store::transition(&*tx, id, &["draft"], None, changes).await.map_err(Error::internal)? {
        return Err(Error::conflict(
            "A sent quote cannot be edited; make a new revision instead.",
            "送付済みの見積は編集できません。改訂版を作成してください。",
        ));
    }
    let event = AuditEvent {
        action: "quote.updated",
        subject_type: "quote",
        subject_id: Some(id.to_string()),
        detail: serde_json::json!({ "total_minor": priced.total.to_minor().ok() }),
    };
    audit::record(&*tx, now, Some(actor), None, origin, event).await?;
    tx.commit().await.map_err(Error::internal)?;
    view::get_quote(portal, actor, id).await
}

/// Makes revision r+1 of a sent (or expired, declined, withdrawn) quote as a new draft; sending it
/// will supersede the earlier revision.
///
/// # Errors
/// `NotFound`; `Conflict` for drafts, accepted or superseded quotes, or when a draft revision already exists.
pub async fn revise_quote(
    portal: &Portal,
    actor: &Actor,
    origin: &Origin,
    id: Uuid,
) -> Result<view::QuoteView> {
    let partner = actor.partner()?;
    let source =
        store::find(portal.db.conn(), partner, id).await.map_err(Error::internal)?.ok_or(Error::NotFound)?;
    if !["sent", "expired", "declined", "withdrawn"].contains(&source.status.as_str()) {
        return Err(Error::conflict(
            "Only a sent, expired, declined or withdrawn quote can be revised.",
            "改訂できるのは送付済み・期限切れ・辞退・取り下げの見積のみです。",
        ));
    }
    let tx = portal.db.write().await.map_err(Error::internal)?;
    let revisions = store::revisions(&*tx, source.root_id).await.map_err(Error::internal)?;
    if revisions.iter().any(|r| r.status == "draft") {
        return Err(Error::conflict(
            "A draft revision of this quote already exists.",
            "この見積の改訂版（下書き）が既にあります。",
        ));
    }
    if revisions.first().is_some_and(|latest| latest.id != source.id) {
        return Err(Error::conflict("Revise the latest revision.", "最新の版を改訂してください。"));
    }
    let now = portal.clock.now();
    let new_id = Uuid::new_v4();
    let lines: Vec<LineRow> = store::lines(&*tx, source.id)
        .await
        .map_err(Error::internal)?
        .into_iter()
        .map(|l| LineRow { id: Uuid::new_v4(), quote_id: new_id, ..l })
        .collect();
    let row = QuoteRow {
        id: new_id,
        revision: source.revision + 1,
        status: QuoteStatus::Draft.as_str().into(),
        valid_until: None,
        sent_at: None,
        pdf_sha256: None,
        link_token_hash: None,
        responded_at: None,
        accepted_name: None,
        accepted_ip: None,
        accepted_pdf_sha256: None,
        accepted_by_user_id: None,
        response_reason: None,
        created_by: actor.user_id,
        created_at: now,
        updated_at: now,
        ..source.clone()
    };
    // Two revisions started at once both read "no draft yet"; the unique (root, revision) index
    // lets only one insert through, and the other is the same conflict as a draft already existing.
    store::insert(&*tx, row, lines).await.map_err(|e| match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => Error::conflict(
            "A draft revision of this quote already exists.",
            "この見積の改訂版（下書き）が既にあります。",
        ),
        _ => Error::internal(e),
    })?;
    let event = AuditEvent {
        action: "quote.revised",
        subject_type: "quote",
        subject_id: Some(new_id.to_string()),
        detail: serde_json::json!({ "from": source.id, "revision": source.revision + 1 }),
    };
    audit::record(&*tx, now, Some(actor), None, origin, event).await?;
    tx.commit().await.map_err(Error::internal)?;
    view::get_quote(portal, actor, new_id).await
}
