//! Sending a quote: re-priced from today's price book and frozen, numbered without gaps, rendered
//! once to PDF with its hash and verification code, e-mailed with the customer's link; an earlier
//! sent revision is superseded.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::QuoteStatus;
use super::document::{QuoteDocumentData, format_date, last_valid_day, render_pdf};
use super::draft::store_pricing;
use super::link;
use super::pricing::{self, OrderedLine};
use super::terms::{LineInput, QuoteInput, parse_terms};
use super::view::public_url;
use crate::domain::Portal;
use crate::domain::actor::{Actor, Origin};
use crate::domain::audit::{self, AuditEvent};
use crate::domain::error::{Error, Result};
use crate::domain::money::{Currency, Money};
use crate::domain::partners::row_is_flex_eligible;
use crate::mail::{self, Message};
use crate::storage::documents::{self, DocumentRow};
use crate::storage::quotes::{self as store, QuoteColumn};
use crate::storage::{self, quote_requests};

#[derive(Debug, Serialize)]
pub struct SentQuote {
    pub id: Uuid,
    pub status: &'static str,
    pub number: String,
    pub revision: i32,
    pub valid_until: DateTime<Utc>,
    pub public_url: String,
    pub pdf_sha256: String,
}

/// The instant a quote stops being valid: the start of the day after its last day, in the
/// customer's time zone.
pub fn validity_end(sent_at: DateTime<Utc>, valid_days: i32, tz: Tz) -> DateTime<Utc> {
    let sent_day = sent_at.with_timezone(&tz).date_naive();
    let after_last = sent_day + Duration::days(i64::from(valid_days) + 1);
    start_of_day(after_last, tz)
}

fn start_of_day(day: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    // Days that begin inside a daylight-saving gap start at the earliest valid local time.
    midnight
        .and_local_timezone(tz)
        .earliest()
        .or_else(|| (midnight + Duration::hours(1)).and_local_timezone(tz).earliest())
        .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc))
}

/// A document number such as `EXAM-Q-2026-00042`: the partner's prefix (from its slug), the kind,
/// the year and the sequence.
pub fn format_number(slug: &str, kind: char, year: i32, sequence: i64) -> String {
    let prefix: String =
        slug.chars().filter(char::is_ascii_alphanumeric).take(4).collect::<String>().to_ascii_uppercase();
    format!("{prefix}-{kind}-{year}-{sequence:05}")
}

/// # Errors
/// `NotFound`; `Conflict` when the quote is not a draft or the partner cannot quote Flex now;
/// `Validation` when the price book no longer prices a line.
pub async fn send_quote(portal: &Portal, actor: &Actor, origin: &Origin, id: Uuid) -> Result<SentQuote> {
    let partner_id = actor.partner()?;
    let now = portal.clock.now();
    let today = portal.today();
    let tx = portal.db.write().await.map_err(Error::internal)?;
    let quote = store::find(&*tx, partner_id, id).await.map_err(Error::internal)?.ok_or(Error::NotFound)?;
    if quote.status != QuoteStatus::Draft.as_str() {
        return Err(Error::conflict(
            "Only a draft can be sent; this quote was sent already.",
            "送付できるのは下書きのみです。この見積は送付済みです。",
        ));
    }
    let partner =
        storage::partners::find(&*tx, partner_id).await.map_err(Error::internal)?.ok_or(Error::NotFound)?;
    if !row_is_flex_eligible(&partner, today) {
        return Err(Error::conflict(
            "Your partner cannot send Flex quotes now (published Platinum/Gold with a current Flex agreement is required).",
            "現在 Flex の見積を送付できません（公開中で Flex 特約が有効なプラチナ／ゴールド販売店である必要があります）。",
        ));
    }
    let customer = storage::customers::find(&*tx, partner_id, quote.customer_id)
        .await
        .map_err(Error::internal)?
        .ok_or(Error::NotFound)?;

    // Freeze today's prices and tax into the quote.
    let lines = store::lines(&*tx, id).await.map_err(Error::internal)?;
    let ordered: Vec<OrderedLine> = {
        let input = QuoteInput {
            lines: lines
                .iter()
                .map(|l| LineInput {
                    tokens: serde_json::json!(l.tokens),
                    discount_percent: Some(
                        rust_decimal::Decimal::new(i64::from(l.discount_hundredths), 2).to_string(),
                    ),
                })
                .collect(),
            ..QuoteInput::default()
        };
        parse_terms(&input, rust_decimal::Decimal::ONE_HUNDRED)?.lines
    };
    let currency = Currency::from_code(&quote.currency).unwrap_or(Currency::Jpy);
    let priced = pricing::price(&*tx, currency, &customer.country, &ordered, today).await?;
    store_pricing(&tx, id, &priced, now).await?;

    let tz: Tz = customer.time_zone.parse().unwrap_or(chrono_tz::Asia::Tokyo);
    let year = now.with_timezone(&portal.time_zone).year();
    let revisions = store::revisions(&*tx, quote.root_id).await.map_err(Error::internal)?;
    let number = match revisions.iter().find_map(|r| r.number.clone()) {
        Some(number) => number,
        None => format_number(
            &partner.slug,
            'Q',
            year,
            documents::next_number(&*tx, partner_id, "quote", year).await.map_err(Error::internal)?,
        ),
    };
    let valid_until = validity_end(now, quote.valid_days, tz);
    let token = link::token(&portal.keys.links, id);
    let verify_code = link::verify_code();
    let mut frozen =
        store::find(&*tx, partner_id, id).await.map_err(Error::internal)?.ok_or(Error::NotFound)?;
    frozen.number = Some(number.clone());
    frozen.valid_until = Some(valid_until);
    let lines = store::lines(&*tx, id).await.map_err(Error::internal)?;
    let pdf = render_pdf(
        portal,
        &QuoteDocumentData {
            quote: &frozen,
            lines: &lines,
            partner: &partner,
            customer: &customer,
            issued_at: now,
            verify_code: &verify_code,
        },
    )?;
    let sha256 = link::hex(&Sha256::digest(&pdf));
    documents::insert(
        &*tx,
        DocumentRow {
            id: Uuid::new_v4(),
            partner_id,
            kind: "quote".into(),
            subject_id: id,
            number: number.clone(),
            verify_code,
            sha256: sha256.clone(),
            content: pdf,
            issued_at: now,
        },
    )
    .await
    .map_err(Error::internal)?;
    let changes = vec![
        (QuoteColumn::Status, QuoteStatus::Sent.as_str().into()),
        (QuoteColumn::Number, Some(number.clone()).into()),
        (QuoteColumn::ValidUntil, Some(valid_until).into()),
        (QuoteColumn::SentAt, Some(now).into()),
        (QuoteColumn::PdfSha256, Some(sha256.clone()).into()),
        (QuoteColumn::LinkTokenHash, Some(link::hash(&token)).into()),
        (QuoteColumn::Language, customer.language.clone().into()),
        (QuoteColumn::UpdatedAt, now.into()),
    ];
    if !store::transition(&*tx, id, &["draft"], None, changes).await.map_err(Error::internal)? {
        return Err(Error::conflict("This quote was sent already.", "この見積は送付済みです。"));
    }
    for earlier in revisions.iter().filter(|r| r.id != id && r.status == QuoteStatus::Sent.as_str()) {
        store::transition(
            &*tx,
            earlier.id,
            &["sent"],
            None,
            vec![
                (QuoteColumn::Status, QuoteStatus::Superseded.as_str().into()),
                (QuoteColumn::UpdatedAt, now.into()),
            ],
        )
        .await
        .map_err(Error::internal)?;
    }
    if let Some(target) = quote.request_target_id {
        quote_requests::set_status(&*tx, partner_id, target, &["new", "in_progress"], "quoted", now)
            .await
            .map_err(Error::internal)?;
    }
    let url = public_url(portal, id);
    let total = Money::from_minor(frozen.total_minor, currency);
    mail::enqueue(
        &*tx,
        quote_mail(
            &customer,
            &partner,
            &number,
            frozen.revision,
            total,
            last_valid_day(valid_until, tz),
            &url,
        ),
        now,
    )
    .await
    .map_err(Error::internal)?;
    let event = AuditEvent {
        action: "quote.sent",
        subject_type: "quote",
        subject_id: Some(id.to_string()),
        detail: serde_json::json!({ "number": number, "revision": frozen.revision, "total_minor": frozen.total_minor, "pdf_sha256": sha256 }),
    };
    audit::record(&*tx, now, Some(actor), None, origin, event).await?;
    tx.commit().await.map_err(Error::internal)?;
    Ok(SentQuote {
        id,
        status: "sent",
        number,
        revision: frozen.revision,
        valid_until,
        public_url: url,
        pdf_sha256: sha256,
    })
}

fn quote_mail(
    customer: &storage::customers::CustomerRow,
    partner: &storage::partners::PartnerRow,
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
    let tx = db.write().await.map_err(Error::internal)?;
    let count = store::expire_due(&*tx, now).await.map_err(Error::internal)?;
    tx.commit().await.map_err(Error::internal)?;
    Ok(count)
}
