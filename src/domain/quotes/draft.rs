//! Writing quotes: a new draft (for a customer or straight from a quote request), changes to a
//! draft, and a new revision of a sent quote.

use crate::storage::UniqueViolation;
use rust_decimal::Decimal;
use uuid::Uuid;

use super::pricing::{self, PricedQuote, rounding_code, unit_price_e4};
use super::terms::parse_terms;
pub use super::terms::{DEFAULT_VALID_DAYS, LineInput, QuoteInput};
use super::{DraftChanges, Quote, QuoteLine, QuoteStatus, QuoteTotals, view};
use crate::domain::Portal;
use crate::domain::actor::{Actor, Origin};
use crate::domain::audit::{self, AuditEvent};
use crate::domain::customers::Customer;
use crate::domain::error::{Error, Result};
use crate::domain::money::Currency;
use crate::domain::{customers, partners, quote_requests};
use crate::storage::WriteTx;
use crate::storage::quotes as store;

/// The currency a new quote is written in unless the reseller picks one.
pub fn default_currency(customer: &Customer) -> Currency {
    if customer.country == "JP" { Currency::Jpy } else { Currency::Usd }
}

fn quote_lines(quote: Uuid, priced: &PricedQuote) -> Result<Vec<QuoteLine>> {
    priced
        .lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            Ok(QuoteLine {
                id: Uuid::new_v4(),
                quote_id: quote,
                position: i32::try_from(i).map_err(Error::internal)?,
                tokens: line.tokens,
                discount: line.discount,
                unit_price_e4: unit_price_e4(line.unit_price),
                amount_minor: line.amount.to_minor().map_err(Error::internal)?,
            })
        })
        .collect()
}

/// The totals of a priced quote as they are frozen onto it.
pub(super) fn totals(priced: &PricedQuote) -> Result<QuoteTotals> {
    Ok(QuoteTotals {
        subtotal_minor: priced.subtotal.to_minor().map_err(Error::internal)?,
        tax_minor: priced.tax.to_minor().map_err(Error::internal)?,
        total_minor: priced.total.to_minor().map_err(Error::internal)?,
        tax_rate_hundredths: i32::try_from((priced.rule.rate * Decimal::from(10_000)).trunc())
            .map_err(Error::internal)?,
        tax_rounding: rounding_code(priced.rule.rounding).into(),
    })
}

/// Writes a freshly priced set of lines and totals onto a draft.
///
/// # Errors
/// `Conflict` when the quote is no longer a draft.
pub(super) async fn store_pricing(
    tx: &WriteTx,
    quote: Uuid,
    priced: &PricedQuote,
    changes: DraftChanges,
) -> Result<()> {
    store::replace_lines(&**tx, quote, &quote_lines(quote, priced)?).await?;
    if !store::update_draft(&**tx, quote, &changes).await? {
        return Err(Error::conflict(
            "A sent quote cannot be edited; make a new revision instead.",
            "送付済みの見積は編集できません。改訂版を作成してください。",
        ));
    }
    Ok(())
}

fn max_discount(partner: &crate::domain::partners::Partner) -> Decimal {
    partner.max_discount.get()
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
    let row = Quote {
        id,
        partner_id: partner.id,
        customer_id: customer.id,
        request_target_id: target,
        root_id: id,
        revision: 1,
        number: None,
        status: QuoteStatus::Draft,
        currency,
        valid_days: terms.valid_days,
        valid_until: None,
        notes: terms.notes,
        totals: totals(&priced)?,
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
    let tx = portal.db.write().await?;
    store::insert(&*tx, &row, &quote_lines(id, &priced)?).await?;
    let event = AuditEvent {
        action: "quote.created",
        subject_type: "quote",
        subject_id: Some(id.to_string()),
        detail: serde_json::json!({ "customer_id": customer.id, "total_minor": priced.total.to_minor().ok() }),
    };
    audit::record(&*tx, now, Some(actor), None, origin, event).await?;
    tx.commit().await?;
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
    let existing = store::find(portal.db.conn(), partner.id, id).await?.ok_or(Error::NotFound)?;
    if existing.status != QuoteStatus::Draft {
        return Err(Error::conflict(
            "A sent quote cannot be edited; make a new revision instead.",
            "送付済みの見積は編集できません。改訂版を作成してください。",
        ));
    }
    let customer = customers::get_customer(portal, actor, existing.customer_id).await?;
    let mut input = input.clone();
    if input.lines.is_empty() {
        let lines = store::lines(portal.db.conn(), id).await?;
        input.lines = lines
            .iter()
            .map(|l| LineInput {
                tokens: serde_json::json!(l.tokens.get()),
                discount_percent: Some(l.discount.get().to_string()),
            })
            .collect();
    }
    let currency_given = input.currency.is_some();
    let terms = parse_terms(&input, max_discount(&partner))?;
    let currency = if currency_given {
        terms.currency.unwrap_or_else(|| default_currency(&customer))
    } else {
        existing.currency
    };
    let priced =
        pricing::price(portal.db.conn(), currency, &customer.country, &terms.lines, portal.today()).await?;
    let now = portal.clock.now();
    let tx = portal.db.write().await?;
    let changes = DraftChanges {
        currency: priced.currency,
        totals: totals(&priced)?,
        valid_days: Some(terms.valid_days),
        notes: input.notes.is_some().then(|| terms.notes.clone()),
        at: now,
    };
    store_pricing(&tx, id, &priced, changes).await?;
    let event = AuditEvent {
        action: "quote.updated",
        subject_type: "quote",
        subject_id: Some(id.to_string()),
        detail: serde_json::json!({ "total_minor": priced.total.to_minor().ok() }),
    };
    audit::record(&*tx, now, Some(actor), None, origin, event).await?;
    tx.commit().await?;
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
    let source = store::find(portal.db.conn(), partner, id).await?.ok_or(Error::NotFound)?;
    if !matches!(
        source.status,
        QuoteStatus::Sent | QuoteStatus::Expired | QuoteStatus::Declined | QuoteStatus::Withdrawn
    ) {
        return Err(Error::conflict(
            "Only a sent, expired, declined or withdrawn quote can be revised.",
            "改訂できるのは送付済み・期限切れ・辞退・取り下げの見積のみです。",
        ));
    }
    let tx = portal.db.write().await?;
    let revisions = store::revisions(&*tx, source.root_id).await?;
    if revisions.iter().any(|r| r.status == QuoteStatus::Draft) {
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
    let lines: Vec<QuoteLine> = store::lines(&*tx, source.id)
        .await?
        .into_iter()
        .map(|l| QuoteLine { id: Uuid::new_v4(), quote_id: new_id, ..l })
        .collect();
    let row = Quote {
        id: new_id,
        revision: source.revision + 1,
        status: QuoteStatus::Draft,
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
    store::insert(&*tx, &row, &lines).await.map_err(|e| match e.unique_violation() {
        Some(_) => Error::conflict(
            "A draft revision of this quote already exists.",
            "この見積の改訂版（下書き）が既にあります。",
        ),
        None => Error::from(e),
    })?;
    let event = AuditEvent {
        action: "quote.revised",
        subject_type: "quote",
        subject_id: Some(new_id.to_string()),
        detail: serde_json::json!({ "from": source.id, "revision": source.revision + 1 }),
    };
    audit::record(&*tx, now, Some(actor), None, origin, event).await?;
    tx.commit().await?;
    view::get_quote(portal, actor, new_id).await
}
