//! Quotes and their lines. Rows are read into [`Quote`] and [`QuoteLine`] records (a value that
//! does not parse is an error naming the row, never a default) and written back from them. Reads
//! are scoped by partner; every state change is a conditional update named for its intent that
//! says whether it happened, so two racing requests cannot both win.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, UpdateMany,
};
use uuid::Uuid;

use super::Error;
use super::entities::quote::{self, Entity as Quotes};
use super::entities::quote_line::{self, Entity as Lines};
use crate::domain::money::Currency;
use crate::domain::pricing::DiscountPercent;
use crate::domain::quantity::TokenQuantity;
use crate::domain::quotes::{Acceptance, DraftChanges, Quote, QuoteLine, QuoteStatus, QuoteTotals, Sending};

impl TryFrom<quote::Model> for Quote {
    type Error = Error;

    fn try_from(row: quote::Model) -> Result<Self, Error> {
        let unreadable = |column, value: &str| Error::unreadable("quotes", row.id, column, value);
        let status = QuoteStatus::parse(&row.status).ok_or_else(|| unreadable("status", &row.status))?;
        let currency =
            Currency::from_code(&row.currency).ok_or_else(|| unreadable("currency", &row.currency))?;
        Ok(Quote {
            id: row.id,
            partner_id: row.partner_id,
            customer_id: row.customer_id,
            request_target_id: row.request_target_id,
            root_id: row.root_id,
            revision: row.revision,
            number: row.number,
            status,
            currency,
            valid_days: row.valid_days,
            valid_until: row.valid_until,
            notes: row.notes,
            totals: QuoteTotals {
                subtotal_minor: row.subtotal_minor,
                tax_minor: row.tax_minor,
                total_minor: row.total_minor,
                tax_rate_hundredths: row.tax_rate_hundredths,
                tax_rounding: row.tax_rounding,
            },
            language: row.language,
            sent_at: row.sent_at,
            pdf_sha256: row.pdf_sha256,
            link_token_hash: row.link_token_hash,
            responded_at: row.responded_at,
            accepted_name: row.accepted_name,
            accepted_ip: row.accepted_ip,
            accepted_pdf_sha256: row.accepted_pdf_sha256,
            accepted_by_user_id: row.accepted_by_user_id,
            response_reason: row.response_reason,
            created_by: row.created_by,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

impl From<&Quote> for quote::Model {
    fn from(q: &Quote) -> Self {
        Self {
            id: q.id,
            partner_id: q.partner_id,
            customer_id: q.customer_id,
            request_target_id: q.request_target_id,
            root_id: q.root_id,
            revision: q.revision,
            number: q.number.clone(),
            status: q.status.as_str().to_owned(),
            currency: q.currency.code().to_owned(),
            valid_days: q.valid_days,
            valid_until: q.valid_until,
            notes: q.notes.clone(),
            subtotal_minor: q.totals.subtotal_minor,
            tax_minor: q.totals.tax_minor,
            total_minor: q.totals.total_minor,
            tax_rate_hundredths: q.totals.tax_rate_hundredths,
            tax_rounding: q.totals.tax_rounding.clone(),
            language: q.language.clone(),
            sent_at: q.sent_at,
            pdf_sha256: q.pdf_sha256.clone(),
            link_token_hash: q.link_token_hash.clone(),
            responded_at: q.responded_at,
            accepted_name: q.accepted_name.clone(),
            accepted_ip: q.accepted_ip.clone(),
            accepted_pdf_sha256: q.accepted_pdf_sha256.clone(),
            accepted_by_user_id: q.accepted_by_user_id,
            response_reason: q.response_reason.clone(),
            created_by: q.created_by,
            created_at: q.created_at,
            updated_at: q.updated_at,
        }
    }
}

impl TryFrom<quote_line::Model> for QuoteLine {
    type Error = Error;

    fn try_from(row: quote_line::Model) -> Result<Self, Error> {
        let unreadable = |column, value: String| Error::unreadable("quote_lines", row.id, column, &value);
        let tokens = u32::try_from(row.tokens)
            .ok()
            .and_then(TokenQuantity::new)
            .ok_or_else(|| unreadable("tokens", row.tokens.to_string()))?;
        let discount = u32::try_from(row.discount_hundredths)
            .ok()
            .and_then(DiscountPercent::from_hundredths)
            .ok_or_else(|| unreadable("discount_hundredths", row.discount_hundredths.to_string()))?;
        Ok(QuoteLine {
            id: row.id,
            quote_id: row.quote_id,
            position: row.position,
            tokens,
            discount,
            unit_price_e4: row.unit_price_e4,
            amount_minor: row.amount_minor,
        })
    }
}

impl From<&QuoteLine> for quote_line::Model {
    fn from(line: &QuoteLine) -> Self {
        Self {
            id: line.id,
            quote_id: line.quote_id,
            position: line.position,
            tokens: i64::from(line.tokens.get()),
            unit_price_e4: line.unit_price_e4,
            discount_hundredths: i32::try_from(line.discount.to_hundredths()).unwrap_or(i32::MAX),
            amount_minor: line.amount_minor,
        }
    }
}

fn quotes(rows: Vec<quote::Model>) -> Result<Vec<Quote>, Error> {
    rows.into_iter().map(Quote::try_from).collect()
}

fn statuses(from: &[QuoteStatus]) -> Vec<&'static str> {
    from.iter().map(|s| s.as_str()).collect()
}

/// Stores a new revision with its lines.
///
/// # Errors
/// The database refused the rows.
pub async fn insert(db: &impl ConnectionTrait, quote: &Quote, lines: &[QuoteLine]) -> Result<(), Error> {
    quote::ActiveModel::from(quote::Model::from(quote)).insert(db).await?;
    insert_lines(db, lines).await
}

async fn insert_lines(db: &impl ConnectionTrait, lines: &[QuoteLine]) -> Result<(), Error> {
    for line in lines {
        quote_line::ActiveModel::from(quote_line::Model::from(line)).insert(db).await?;
    }
    Ok(())
}

/// The quote `id` if it belongs to `partner`.
///
/// # Errors
/// Database failures; `Unreadable` for a row holding a value no record accepts.
pub async fn find(db: &impl ConnectionTrait, partner: Uuid, id: Uuid) -> Result<Option<Quote>, Error> {
    let row = Quotes::find_by_id(id).filter(quote::Column::PartnerId.eq(partner)).one(db).await?;
    row.map(Quote::try_from).transpose()
}

/// # Errors
/// As [`find`].
pub async fn find_by_link_hash(db: &impl ConnectionTrait, hash: &str) -> Result<Option<Quote>, Error> {
    let row = Quotes::find().filter(quote::Column::LinkTokenHash.eq(hash)).one(db).await?;
    row.map(Quote::try_from).transpose()
}

/// A quote's lines in order.
///
/// # Errors
/// As [`find`].
pub async fn lines(db: &impl ConnectionTrait, quote: Uuid) -> Result<Vec<QuoteLine>, Error> {
    let rows = Lines::find()
        .filter(quote_line::Column::QuoteId.eq(quote))
        .order_by_asc(quote_line::Column::Position)
        .all(db)
        .await?;
    rows.into_iter().map(QuoteLine::try_from).collect()
}

/// # Errors
/// The database refused the rows.
pub async fn replace_lines(db: &impl ConnectionTrait, quote: Uuid, lines: &[QuoteLine]) -> Result<(), Error> {
    Lines::delete_many().filter(quote_line::Column::QuoteId.eq(quote)).exec(db).await?;
    insert_lines(db, lines).await
}

/// One page of a partner's quotes, most recently changed first, and how many match in all.
///
/// # Errors
/// As [`find`].
pub async fn list(
    db: &impl ConnectionTrait,
    partner: Uuid,
    status: Option<QuoteStatus>,
    customer: Option<Uuid>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<Quote>, u64), Error> {
    let mut query = Quotes::find().filter(quote::Column::PartnerId.eq(partner));
    if let Some(status) = status {
        query = query.filter(quote::Column::Status.eq(status.as_str()));
    }
    if let Some(customer) = customer {
        query = query.filter(quote::Column::CustomerId.eq(customer));
    }
    let total = query.clone().count(db).await?;
    let rows = query.order_by_desc(quote::Column::UpdatedAt).offset(offset).limit(limit).all(db).await?;
    Ok((quotes(rows)?, total))
}

/// All revisions of one quote, latest first.
///
/// # Errors
/// As [`find`].
pub async fn revisions(db: &impl ConnectionTrait, root: Uuid) -> Result<Vec<Quote>, Error> {
    quotes(
        Quotes::find()
            .filter(quote::Column::RootId.eq(root))
            .order_by_desc(quote::Column::Revision)
            .all(db)
            .await?,
    )
}

/// An update of quote `id` that applies only while its status is one of `from`.
fn while_in(id: Uuid, from: &[QuoteStatus]) -> UpdateMany<Quotes> {
    Quotes::update_many().filter(quote::Column::Id.eq(id)).filter(quote::Column::Status.is_in(statuses(from)))
}

async fn changed_one(db: &impl ConnectionTrait, update: UpdateMany<Quotes>) -> Result<bool, Error> {
    Ok(update.exec(db).await?.rows_affected == 1)
}

/// New terms and totals for a draft; false when the quote is no longer a draft.
///
/// # Errors
/// Database failures.
pub async fn update_draft(
    db: &impl ConnectionTrait,
    id: Uuid,
    changes: &DraftChanges,
) -> Result<bool, Error> {
    let totals = &changes.totals;
    let mut update = while_in(id, &[QuoteStatus::Draft])
        .col_expr(quote::Column::Currency, Expr::value(changes.currency.code()))
        .col_expr(quote::Column::SubtotalMinor, Expr::value(totals.subtotal_minor))
        .col_expr(quote::Column::TaxMinor, Expr::value(totals.tax_minor))
        .col_expr(quote::Column::TotalMinor, Expr::value(totals.total_minor))
        .col_expr(quote::Column::TaxRateHundredths, Expr::value(totals.tax_rate_hundredths))
        .col_expr(quote::Column::TaxRounding, Expr::value(totals.tax_rounding.clone()))
        .col_expr(quote::Column::UpdatedAt, Expr::value(changes.at));
    if let Some(days) = changes.valid_days {
        update = update.col_expr(quote::Column::ValidDays, Expr::value(days));
    }
    if let Some(notes) = &changes.notes {
        update = update.col_expr(quote::Column::Notes, Expr::value(notes.clone()));
    }
    changed_one(db, update).await
}

/// Draft → sent, with its number, validity, PDF hash and link; false unless it was a draft.
///
/// # Errors
/// Database failures.
pub async fn mark_sent(db: &impl ConnectionTrait, id: Uuid, sending: &Sending) -> Result<bool, Error> {
    let update = while_in(id, &[QuoteStatus::Draft])
        .col_expr(quote::Column::Status, Expr::value(QuoteStatus::Sent.as_str()))
        .col_expr(quote::Column::Number, Expr::value(Some(sending.number.clone())))
        .col_expr(quote::Column::ValidUntil, Expr::value(Some(sending.valid_until)))
        .col_expr(quote::Column::SentAt, Expr::value(Some(sending.sent_at)))
        .col_expr(quote::Column::PdfSha256, Expr::value(Some(sending.pdf_sha256.clone())))
        .col_expr(quote::Column::LinkTokenHash, Expr::value(Some(sending.link_token_hash.clone())))
        .col_expr(quote::Column::Language, Expr::value(sending.language.clone()))
        .col_expr(quote::Column::UpdatedAt, Expr::value(sending.sent_at));
    changed_one(db, update).await
}

/// Sent → accepted, only while the quote is still valid at the moment of acceptance; false
/// otherwise (answered, withdrawn, superseded or expired meanwhile).
///
/// # Errors
/// Database failures.
pub async fn mark_accepted(
    db: &impl ConnectionTrait,
    id: Uuid,
    acceptance: &Acceptance,
) -> Result<bool, Error> {
    let update = while_in(id, &[QuoteStatus::Sent])
        .filter(quote::Column::ValidUntil.gt(acceptance.at))
        .col_expr(quote::Column::Status, Expr::value(QuoteStatus::Accepted.as_str()))
        .col_expr(quote::Column::RespondedAt, Expr::value(Some(acceptance.at)))
        .col_expr(quote::Column::AcceptedName, Expr::value(Some(acceptance.name.clone())))
        .col_expr(quote::Column::AcceptedIp, Expr::value(acceptance.ip.clone()))
        .col_expr(quote::Column::AcceptedPdfSha256, Expr::value(acceptance.pdf_sha256.clone()))
        .col_expr(quote::Column::AcceptedByUserId, Expr::value(acceptance.by_user))
        .col_expr(quote::Column::ResponseReason, Expr::value(acceptance.reason.clone()))
        .col_expr(quote::Column::UpdatedAt, Expr::value(acceptance.at));
    changed_one(db, update).await
}

/// Accepted → ordered; false unless it was accepted (and so not ordered yet).
///
/// # Errors
/// Database failures.
pub async fn mark_ordered(db: &impl ConnectionTrait, id: Uuid, at: DateTime<Utc>) -> Result<bool, Error> {
    let update = while_in(id, &[QuoteStatus::Accepted])
        .col_expr(quote::Column::Status, Expr::value(QuoteStatus::Ordered.as_str()))
        .col_expr(quote::Column::UpdatedAt, Expr::value(at));
    changed_one(db, update).await
}

/// Sent → declined, only while still valid at `at`; false otherwise.
///
/// # Errors
/// Database failures.
pub async fn mark_declined(
    db: &impl ConnectionTrait,
    id: Uuid,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<bool, Error> {
    let update = while_in(id, &[QuoteStatus::Sent])
        .filter(quote::Column::ValidUntil.gt(at))
        .col_expr(quote::Column::Status, Expr::value(QuoteStatus::Declined.as_str()))
        .col_expr(quote::Column::RespondedAt, Expr::value(Some(at)))
        .col_expr(quote::Column::ResponseReason, Expr::value(Some(reason.to_owned())))
        .col_expr(quote::Column::UpdatedAt, Expr::value(at));
    changed_one(db, update).await
}

/// Sent → withdrawn; false unless it was sent.
///
/// # Errors
/// Database failures.
pub async fn mark_withdrawn(db: &impl ConnectionTrait, id: Uuid, at: DateTime<Utc>) -> Result<bool, Error> {
    let update = while_in(id, &[QuoteStatus::Sent])
        .col_expr(quote::Column::Status, Expr::value(QuoteStatus::Withdrawn.as_str()))
        .col_expr(quote::Column::UpdatedAt, Expr::value(at));
    changed_one(db, update).await
}

/// Every other revision of `root` that is still sent becomes superseded by `latest`; returns how
/// many did. A revision answered meanwhile is left as it is (its row lock makes a concurrent
/// acceptance either land first, and stay, or find the revision superseded).
///
/// # Errors
/// Database failures.
pub async fn supersede_earlier(
    db: &impl ConnectionTrait,
    root: Uuid,
    latest: Uuid,
    at: DateTime<Utc>,
) -> Result<u64, Error> {
    let result = Quotes::update_many()
        .col_expr(quote::Column::Status, Expr::value(QuoteStatus::Superseded.as_str()))
        .col_expr(quote::Column::UpdatedAt, Expr::value(at))
        .filter(quote::Column::RootId.eq(root))
        .filter(quote::Column::Id.ne(latest))
        .filter(quote::Column::Status.eq(QuoteStatus::Sent.as_str()))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// Writes down the expiry of every sent quote whose validity ended by `now`; returns how many.
///
/// # Errors
/// Database failures.
pub async fn expire_due(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, Error> {
    let result = Quotes::update_many()
        .col_expr(quote::Column::Status, Expr::value(QuoteStatus::Expired.as_str()))
        .col_expr(quote::Column::UpdatedAt, Expr::value(now))
        .filter(quote::Column::Status.eq(QuoteStatus::Sent.as_str()))
        .filter(quote::Column::ValidUntil.lte(now))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
