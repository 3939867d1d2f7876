//! Answers to a sent quote: the customer accepts (typed name, "I agree", bound to the PDF's hash)
//! or declines through the link; the reseller may accept on the customer's behalf with a reason,
//! or withdraw the quote. Expired, withdrawn or superseded quotes cannot be accepted.

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use super::document::last_valid_day;
use super::view::{LineView, line_view};
use super::{Acceptance, Quote, QuoteStatus, link};
use crate::domain::Portal;
use crate::domain::actor::{Actor, Origin};
use crate::domain::audit::{self, AuditEvent};
use crate::domain::contact::PersonName;
use crate::domain::documents::DocumentKind;
use crate::domain::error::{Error, FieldError, FieldErrors, Localized, Result};
use crate::domain::money::Money;
use crate::storage::quotes as store;
use crate::storage::{self, documents};

const REASON_MAX_CHARS: usize = 1_000;

/// The quote as the customer sees it through the link.
#[derive(Debug, Serialize)]
pub struct PublicQuote {
    pub number: String,
    pub revision: i32,
    pub status: QuoteStatus,
    pub can_accept: bool,
    pub issuer: PublicIssuer,
    pub customer_name: String,
    pub contact_name: String,
    pub language: String,
    pub currency: String,
    pub lines: Vec<LineView>,
    pub subtotal: Money,
    pub tax: Money,
    pub tax_rate_percent: String,
    /// `taxable`, or `not_subject` for a customer outside Japan (不課税).
    pub tax_treatment: &'static str,
    pub total: Money,
    pub valid_until: Option<DateTime<Utc>>,
    /// The last valid day in the customer's time zone.
    pub valid_through: Option<String>,
    pub notes: String,
    pub pdf_sha256: Option<String>,
    pub verify_code: Option<String>,
    pub accepted_name: Option<String>,
    pub responded_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize)]
pub struct PublicIssuer {
    pub slug: String,
    pub name_ja: String,
    pub name_en: String,
    pub registration_number: Option<String>,
}

async fn by_token(portal: &Portal, token: &str) -> Result<Quote> {
    if token.len() > 100 {
        return Err(Error::NotFound);
    }
    store::find_by_link_hash(portal.db.conn(), &link::hash(token)).await?.ok_or(Error::NotFound)
}

/// # Errors
/// `NotFound` for an unknown link.
pub async fn public_quote(portal: &Portal, token: &str) -> Result<PublicQuote> {
    let quote = by_token(portal, token).await?;
    let db = portal.db.conn();
    let partner = storage::partners::find(db, quote.partner_id).await?.ok_or(Error::NotFound)?;
    let customer =
        storage::customers::find(db, quote.partner_id, quote.customer_id).await?.ok_or(Error::NotFound)?;
    let lines = store::lines(db, quote.id).await?;
    let document = documents::latest_for(db, quote.id, DocumentKind::Quote).await?;
    let currency = quote.currency;
    let status = quote.status_at(portal.clock.now());
    let tz = customer.time_zone;
    Ok(PublicQuote {
        number: quote.number.clone().unwrap_or_default(),
        revision: quote.revision,
        status,
        can_accept: status == QuoteStatus::Sent,
        issuer: PublicIssuer {
            slug: partner.slug,
            name_ja: partner.name_ja,
            name_en: partner.name_en,
            registration_number: partner.invoice_registration_number,
        },
        customer_name: customer.company_name,
        contact_name: customer.contact_name,
        language: customer.language,
        currency: currency.code().to_owned(),
        lines: lines.iter().map(|l| line_view(l, currency)).collect(),
        subtotal: Money::from_minor(quote.totals.subtotal_minor, currency),
        tax: Money::from_minor(quote.totals.tax_minor, currency),
        tax_rate_percent: rust_decimal::Decimal::new(i64::from(quote.totals.tax_rate_hundredths), 2)
            .normalize()
            .to_string(),
        tax_treatment: super::view::tax_treatment(quote.totals.tax_rate_hundredths),
        total: Money::from_minor(quote.totals.total_minor, currency),
        valid_until: quote.valid_until,
        valid_through: quote.valid_until.map(|u| last_valid_day(u, tz).to_string()),
        notes: quote.notes,
        pdf_sha256: quote.pdf_sha256,
        verify_code: document.map(|d| d.verify_code),
        accepted_name: quote.accepted_name,
        responded_at: quote.responded_at,
    })
}

/// The PDF that was sent, for the customer.
///
/// # Errors
/// `NotFound` for an unknown link.
pub async fn public_pdf(portal: &Portal, token: &str) -> Result<(String, Vec<u8>)> {
    let quote = by_token(portal, token).await?;
    let document = documents::latest_for(portal.db.conn(), quote.id, DocumentKind::Quote)
        .await?
        .ok_or(Error::NotFound)?;
    Ok((format!("{}-r{}.pdf", document.number, quote.revision), document.content))
}

/// Why a quote can no longer be accepted, in words for the customer.
fn not_acceptable(status: QuoteStatus) -> Error {
    let (en, ja) = match status {
        QuoteStatus::Expired => (
            "This quote has expired. Please ask the reseller for a new one.",
            "この見積は有効期限が切れています。販売店に再見積をご依頼ください。",
        ),
        QuoteStatus::Withdrawn => (
            "The reseller has withdrawn this quote. Please ask them for a new one.",
            "この見積は販売店により取り下げられました。販売店に再見積をご依頼ください。",
        ),
        QuoteStatus::Superseded => (
            "A newer revision of this quote was sent to you; please use that one.",
            "この見積には新しい版があります。最新の見積をご確認ください。",
        ),
        QuoteStatus::Accepted | QuoteStatus::Ordered => {
            ("This quote has already been accepted.", "この見積は既に承諾されています。")
        }
        QuoteStatus::Declined => ("This quote was declined.", "この見積は辞退されています。"),
        QuoteStatus::Draft | QuoteStatus::Sent => {
            ("This quote cannot be answered now.", "現在この見積には回答できません。")
        }
    };
    Error::Conflict(Localized::new(en, ja))
}

/// The status of `quote` as it stands now, read again inside the transaction that lost a race.
async fn current_status(tx: &storage::WriteTx, quote: &Quote, now: DateTime<Utc>) -> Result<QuoteStatus> {
    let current = store::find(&**tx, quote.partner_id, quote.id).await?.ok_or(Error::NotFound)?;
    Ok(current.status_at(now))
}

#[derive(Debug, Clone, Default)]
pub struct AcceptInput {
    pub name: String,
    pub agree: bool,
    /// When given, must equal the hash of the PDF that was sent (the one the customer read).
    pub pdf_sha256: Option<String>,
}

/// The customer accepts through the link.
///
/// # Errors
/// `NotFound`; `Validation` (name, agree); `Conflict` when the quote can no longer be accepted
/// or the PDF hash does not match.
pub async fn accept_public(
    portal: &Portal,
    origin: &Origin,
    token: &str,
    input: &AcceptInput,
) -> Result<QuoteStatus> {
    let quote = by_token(portal, token).await?;
    let mut errors = FieldErrors::new();
    let name = errors.check(PersonName::parse("name", &input.name));
    if !input.agree {
        errors.push(FieldError::new(
            "agree",
            "required",
            "Tick \"I agree\" to accept the quote.",
            "承諾するには「同意します」にチェックしてください。",
        ));
    }
    errors.into_result()?;
    let name = name.map(|n| n.as_str().to_owned()).unwrap_or_default();
    if let Some(hash) = input.pdf_sha256.as_deref().filter(|h| !h.is_empty())
        && quote.pdf_sha256.as_deref() != Some(&hash.to_ascii_lowercase())
    {
        return Err(Error::conflict(
            "The quote changed since you opened it; reload the page.",
            "見積の内容が変わりました。ページを再読み込みしてください。",
        ));
    }
    let now = portal.clock.now();
    let tx = portal.db.write().await?;
    let acceptance = Acceptance {
        at: now,
        name: name.clone(),
        ip: origin.client_ip.clone(),
        pdf_sha256: quote.pdf_sha256.clone(),
        by_user: None,
        reason: None,
    };
    if !store::mark_accepted(&*tx, quote.id, &acceptance).await? {
        return Err(not_acceptable(current_status(&tx, &quote, now).await?));
    }
    let event = AuditEvent {
        action: "quote.accepted",
        subject_type: "quote",
        subject_id: Some(quote.id.to_string()),
        detail: serde_json::json!({ "name": name, "pdf_sha256": quote.pdf_sha256, "by": "customer" }),
    };
    audit::record(&*tx, now, None, Some(&name), origin, event).await?;
    super::accepted_mail::queue(portal, &tx, &quote, &name, now).await?;
    tx.commit().await?;
    Ok(QuoteStatus::Accepted)
}

fn reason_text(field: &'static str, text: &str, required: bool) -> Result<String> {
    let text = text.trim();
    if required && text.is_empty() {
        return Err(Error::field(field, "required", "Give a reason.", "理由を入力してください。"));
    }
    if text.chars().count() > REASON_MAX_CHARS {
        return Err(Error::field(
            field,
            "too_long",
            "Use at most 1,000 characters.",
            "1,000文字以内で入力してください。",
        ));
    }
    Ok(text.chars().filter(|c| !c.is_control() || *c == '\n').collect())
}

/// The customer declines through the link.
///
/// # Errors
/// `NotFound`; `Conflict` unless the quote is open.
pub async fn decline_public(
    portal: &Portal,
    origin: &Origin,
    token: &str,
    reason: &str,
) -> Result<QuoteStatus> {
    let quote = by_token(portal, token).await?;
    let reason = reason_text("reason", reason, false)?;
    let now = portal.clock.now();
    let tx = portal.db.write().await?;
    if !store::mark_declined(&*tx, quote.id, &reason, now).await? {
        return Err(not_acceptable(current_status(&tx, &quote, now).await?));
    }
    let event = AuditEvent {
        action: "quote.declined",
        subject_type: "quote",
        subject_id: Some(quote.id.to_string()),
        detail: serde_json::json!({ "reason": reason }),
    };
    audit::record(&*tx, now, None, None, origin, event).await?;
    tx.commit().await?;
    Ok(QuoteStatus::Declined)
}

/// The reseller records the customer's acceptance received another way (e.g. a purchase order).
///
/// # Errors
/// `NotFound`; `Validation` without a reason; `Conflict` unless the quote is sent and valid.
pub async fn accept_on_behalf(
    portal: &Portal,
    actor: &Actor,
    origin: &Origin,
    id: Uuid,
    reason: &str,
) -> Result<super::QuoteView> {
    let partner = actor.partner()?;
    let quote = store::find(portal.db.conn(), partner, id).await?.ok_or(Error::NotFound)?;
    let reason = reason_text("reason", reason, true)?;
    let now = portal.clock.now();
    let tx = portal.db.write().await?;
    let acceptance = Acceptance {
        at: now,
        name: actor.display_name.clone(),
        ip: None,
        pdf_sha256: quote.pdf_sha256.clone(),
        by_user: Some(actor.user_id),
        reason: Some(reason.clone()),
    };
    if !store::mark_accepted(&*tx, id, &acceptance).await? {
        return Err(not_acceptable(current_status(&tx, &quote, now).await?));
    }
    let event = AuditEvent {
        action: "quote.accepted_on_behalf",
        subject_type: "quote",
        subject_id: Some(id.to_string()),
        detail: serde_json::json!({ "reason": reason }),
    };
    audit::record(&*tx, now, Some(actor), None, origin, event).await?;
    tx.commit().await?;
    super::get_quote(portal, actor, id).await
}

/// The reseller withdraws a sent quote; its link then says so.
///
/// # Errors
/// `NotFound`; `Conflict` unless the quote is sent.
pub async fn withdraw_quote(
    portal: &Portal,
    actor: &Actor,
    origin: &Origin,
    id: Uuid,
) -> Result<super::QuoteView> {
    let partner = actor.partner()?;
    let quote = store::find(portal.db.conn(), partner, id).await?.ok_or(Error::NotFound)?;
    let now = portal.clock.now();
    let tx = portal.db.write().await?;
    if !store::mark_withdrawn(&*tx, id, now).await? {
        return Err(Error::conflict(
            "Only a sent quote can be withdrawn.",
            "取り下げられるのは送付済みの見積のみです。",
        ));
    }
    let event = AuditEvent {
        action: "quote.withdrawn",
        subject_type: "quote",
        subject_id: Some(id.to_string()),
        detail: serde_json::json!({ "status_before": quote.status }),
    };
    audit::record(&*tx, now, Some(actor), None, origin, event).await?;
    tx.commit().await?;
    super::get_quote(portal, actor, id).await
}
