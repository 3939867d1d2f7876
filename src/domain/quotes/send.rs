//! Sending a quote: re-priced from its stored lines with today's price book and frozen, numbered
//! without gaps, rendered once to PDF with its hash and verification code, e-mailed with the
//! customer's link; the earlier sent revisions are superseded. A quote has one acceptance: once
//! any revision was accepted, no later revision can be sent.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::document::{QuoteDocumentData, format_date, render_pdf_off_workers};
use super::draft::{store_pricing, totals};
use super::pricing::{self, OrderedLine};
use super::validity::{last_valid_day, validity_end};
use super::view::public_url;
use super::{DraftChanges, Quote, QuoteStatus, Sending, link};
use crate::domain::Portal;
use crate::domain::actor::{Actor, Origin};
use crate::domain::audit::{self, AuditEvent};
use crate::domain::customers::Customer;
use crate::domain::documents::IssuedDocument;
use crate::domain::error::{Error, FieldError, Result};
use crate::domain::money::Money;
use crate::domain::numbering::{self, DocumentKind};
use crate::domain::partners::Partner;
use crate::domain::partners::is_flex_eligible;
use crate::domain::quote_requests::RequestStatus;
use crate::mail::{self, Message};
use crate::storage::documents;
use crate::storage::quotes as store;
use crate::storage::{self, WriteTx, quote_requests};

#[derive(Debug, Serialize)]
pub struct SentQuote {
    pub id: Uuid,
    pub status: QuoteStatus,
    pub number: String,
    pub revision: i32,
    pub valid_until: DateTime<Utc>,
    pub public_url: String,
    pub pdf_sha256: String,
}

/// # Errors
/// `NotFound`; `Conflict` when the quote is not a draft, an earlier revision was accepted, or
/// the partner cannot quote Flex now; `Validation` when the price book no longer prices a line.
pub async fn send_quote(portal: &Portal, actor: &Actor, origin: &Origin, id: Uuid) -> Result<SentQuote> {
    let partner_id = actor.partner()?;
    let now = portal.clock.now();
    let tx = portal.db.write().await?;
    let quote = draft_to_send(&tx, partner_id, id).await?;
    let partner = eligible_partner(&tx, partner_id, portal.today()).await?;
    let customer =
        storage::customers::find(&*tx, partner_id, quote.customer_id).await?.ok_or(Error::NotFound)?;
    let tz = customer.time_zone;
    let revisions = store::revisions(&*tx, quote.root_id).await?;
    refuse_if_accepted(&revisions)?;

    refuse_above_ceiling(&tx, &quote, &partner).await?;
    refuse_without_tax_rule(&tx, &customer.country, portal.today()).await?;
    let quote = freeze_prices(portal, &tx, quote, &customer.country).await?;
    let number = match revisions.iter().find_map(|r| r.number.clone()) {
        Some(number) => number,
        None => {
            let year = now.with_timezone(&portal.time_zone).year();
            numbering::next_number(&tx, partner_id, &partner.document_prefix, DocumentKind::Quote, year)
                .await?
        }
    };
    let sending = Sending {
        number: number.clone(),
        valid_until: validity_end(now, quote.valid_days, tz),
        sent_at: now,
        pdf_sha256: String::new(),
        link_token_hash: link::hash(&link::token(&portal.keys.links, id)),
        language: customer.language.clone(),
    };
    let sending =
        issue_document(portal, &tx, &quote, &sending, (&partner, &customer), tz, &actor.display_name).await?;
    if !store::mark_sent(&*tx, id, &sending).await? {
        return Err(Error::conflict("This quote was sent already.", "この見積は送付済みです。"));
    }
    supersede_earlier(&tx, &quote, now).await?;
    if let Some(target) = quote.request_target_id {
        quote_requests::set_status(
            &*tx,
            partner_id,
            target,
            &RequestStatus::OPEN,
            RequestStatus::Quoted,
            now,
        )
        .await?;
    }
    let url = public_url(portal, id);
    let total = Money::from_minor(quote.totals.total_minor, quote.currency);
    let last_day = last_valid_day(sending.valid_until, tz);
    let message = quote_mail(&customer, &partner, &number, quote.revision, total, last_day, &url);
    mail::enqueue(&*tx, message, now).await?;
    let event = AuditEvent {
        action: "quote.sent",
        subject_type: "quote",
        subject_id: Some(id.to_string()),
        detail: serde_json::json!({ "number": number, "revision": quote.revision, "total_minor": quote.totals.total_minor, "pdf_sha256": sending.pdf_sha256 }),
    };
    audit::record(&*tx, now, Some(actor), None, origin, event).await?;
    tx.commit().await?;
    Ok(SentQuote {
        id,
        status: QuoteStatus::Sent,
        number,
        revision: quote.revision,
        valid_until: sending.valid_until,
        public_url: url,
        pdf_sha256: sending.pdf_sha256,
    })
}

/// The actor's quote `id`, which must be a draft.
async fn draft_to_send(tx: &WriteTx, partner: Uuid, id: Uuid) -> Result<Quote> {
    let quote = store::find(&**tx, partner, id).await?.ok_or(Error::NotFound)?;
    if quote.status != QuoteStatus::Draft {
        return Err(Error::conflict(
            "Only a draft can be sent; this quote was sent already.",
            "送付できるのは下書きのみです。この見積は送付済みです。",
        ));
    }
    Ok(quote)
}

/// The actor's partner, which must be allowed to quote Flex today.
async fn eligible_partner(tx: &WriteTx, partner: Uuid, today: NaiveDate) -> Result<Partner> {
    let partner = storage::partners::find(&**tx, partner).await?.ok_or(Error::NotFound)?;
    if !is_flex_eligible(&partner, today) {
        return Err(Error::conflict(
            "Your partner cannot send Flex quotes now (published Platinum/Gold with a current Flex agreement is required).",
            "現在 Flex の見積を送付できません（公開中で Flex 特約が有効なプラチナ／ゴールド販売店である必要があります）。",
        ));
    }
    Ok(partner)
}

/// One acceptance per quote: once a revision was accepted, no other revision goes out.
fn refuse_if_accepted(revisions: &[Quote]) -> Result<()> {
    if revisions.iter().any(|r| r.status.is_accepted()) {
        return Err(Error::conflict(
            "An earlier revision of this quote was already accepted; this revision cannot be sent.",
            "この見積の以前の版が既に承諾されているため、この版は送付できません。",
        ));
    }
    Ok(())
}

/// Each line's discount is checked again against the partner's maximum as it is now: the operator
/// may have lowered it since the draft was saved.
async fn refuse_above_ceiling(tx: &WriteTx, quote: &Quote, partner: &Partner) -> Result<()> {
    let ceiling = partner.max_discount.get();
    let errors: Vec<FieldError> = store::lines(&**tx, quote.id)
        .await?
        .iter()
        .enumerate()
        .filter(|(_, line)| line.discount.get() > ceiling)
        .map(|(i, line)| {
            FieldError::new(
                format!("lines[{i}].discount_percent"),
                "above_partner_maximum",
                format!(
                    "Line {}: the discount of {}% is above your current maximum discount of {ceiling}%; lower it and send again.",
                    i + 1,
                    line.discount
                ),
                format!(
                    "{}行目: 値引率 {}% が現在の上限 {ceiling}% を超えています。値引率を下げてから送付してください。",
                    i + 1,
                    line.discount
                ),
            )
        })
        .collect();
    if errors.is_empty() { Ok(()) } else { Err(Error::Validation(errors)) }
}

/// A quote goes out only under a tax rule in force for the customer's country on the send date
/// (a 0% rule for a customer outside Japan, whose supply is not subject to Japanese consumption
/// tax, counts); without one the tax would silently be zero.
async fn refuse_without_tax_rule(tx: &WriteTx, country: &str, day: NaiveDate) -> Result<()> {
    if storage::price_book::tax_rule_on(&**tx, country, day).await?.is_some() {
        return Ok(());
    }
    Err(Error::conflict(
        format!(
            "No tax rule is in force for the customer's country ({country}) on {day}, so the tax on this quote cannot be worked out; the operator must add one before it can be sent."
        ),
        format!(
            "{day} に顧客の国（{country}）の税ルールが適用されていないため、この見積の税額を計算できません。送付するには運営者が税ルールを登録する必要があります。"
        ),
    ))
}

/// Re-prices the draft's stored lines with today's price book and tax rule, and writes the
/// prices onto it; returns the quote as it now stands.
async fn freeze_prices(portal: &Portal, tx: &WriteTx, quote: Quote, country: &str) -> Result<Quote> {
    let ordered: Vec<OrderedLine> = store::lines(&**tx, quote.id)
        .await?
        .iter()
        .map(|line| OrderedLine { tokens: line.tokens, discount: line.discount })
        .collect();
    let priced = pricing::price(&**tx, quote.currency, country, &ordered, portal.today()).await?;
    let changes = DraftChanges {
        currency: priced.currency,
        totals: totals(&priced)?,
        valid_days: None,
        notes: None,
        at: portal.clock.now(),
    };
    store_pricing(tx, quote.id, &priced, changes).await?;
    store::find(&**tx, quote.partner_id, quote.id).await?.ok_or(Error::NotFound)
}

/// Renders the PDF (off the async workers) and stores it with its verification code; returns
/// `sending` completed with the PDF's hash.
async fn issue_document(
    portal: &Portal,
    tx: &WriteTx,
    quote: &Quote,
    sending: &Sending,
    (partner, customer): (&Partner, &Customer),
    tz: Tz,
    sender: &str,
) -> Result<Sending> {
    let verify_code = link::verify_code();
    let frozen = Quote {
        number: Some(sending.number.clone()),
        valid_until: Some(sending.valid_until),
        ..quote.clone()
    };
    let data = QuoteDocumentData {
        quote: frozen,
        lines: store::lines(&**tx, quote.id).await?,
        partner: partner.clone(),
        customer: customer.clone(),
        time_zone: tz,
        issued_at: sending.sent_at,
        verify_code: verify_code.clone(),
        public_base_url: portal.config.public_base_url.clone(),
        // 担当: the staff member sending the quote answers for it.
        staff_name: Some(sender.to_owned()),
    };
    let pdf = render_pdf_off_workers(data).await?;
    let sha256 = link::hex(&Sha256::digest(&pdf));
    let document = IssuedDocument {
        id: Uuid::new_v4(),
        partner_id: quote.partner_id,
        kind: DocumentKind::Quote,
        subject_id: quote.id,
        number: sending.number.clone(),
        verify_code,
        sha256: sha256.clone(),
        content: pdf,
        issued_at: sending.sent_at,
    };
    documents::insert(&**tx, document).await?;
    Ok(Sending { pdf_sha256: sha256, ..sending.clone() })
}

/// The revisions sent before `latest` are superseded by it. Checked again after superseding: an
/// acceptance that landed since the revisions were read (or that the update waited for) keeps
/// its revision accepted, and then this send is refused and rolled back.
async fn supersede_earlier(tx: &WriteTx, latest: &Quote, now: DateTime<Utc>) -> Result<()> {
    store::supersede_earlier(&**tx, latest.root_id, latest.id, now).await?;
    refuse_if_accepted(&store::revisions(&**tx, latest.root_id).await?)
}

fn quote_mail(
    customer: &Customer,
    partner: &Partner,
    number: &str,
    revision: i32,
    total: Money,
    last_day: NaiveDate,
    url: &str,
) -> Message {
    let (subject, body) = if customer.language == "en" {
        (
            format!("Quotation {number} (rev. {revision}) from {}", partner.name_en),
            format!(
                "Dear {},\n\n{} sends you quotation {number} (revision {revision}) for Autodesk Flex tokens.\nTotal: {total} (tax included)\nValid until: {}\n\nView, download and accept it here:\n{url}\n",
                customer.contact_name,
                partner.name_en,
                format_date(last_day, "en")
            ),
        )
    } else {
        (
            format!("【御見積書】{number}（第{revision}版）{}", partner.name_ja),
            format!(
                "{} {} 様\n\n{}より Autodesk Flex トークンの御見積書 {number}（第{revision}版）をお送りします。\n合計金額: {total}（税込）\n有効期限: {}\n\n以下のリンクから内容の確認、PDF のダウンロード、ご承諾ができます。\n{url}\n",
                customer.company_name,
                customer.contact_name,
                partner.name_ja,
                format_date(last_day, "ja")
            ),
        )
    };
    Message { to: customer.email.clone(), subject, body, kind: "quote.sent", related_id: None }
}

/// Writes down the expiry of every sent quote past its validity (the sweep job).
///
/// # Errors
/// Database failures.
pub async fn expire_due(portal: &Portal) -> Result<u64> {
    expire_due_at(&portal.db, portal.clock.now()).await
}

/// [`expire_due`] for a background task, which holds the database and the clock but not the portal.
///
/// # Errors
/// Database failures.
pub async fn expire_due_at(db: &storage::Db, now: DateTime<Utc>) -> Result<u64> {
    let tx = db.write().await?;
    let count = store::expire_due(&*tx, now).await?;
    tx.commit().await?;
    Ok(count)
}
