//! Queries over quotes and their lines. Reads are scoped by partner; state changes are
//! conditional updates that say whether they happened.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::entities::quote::{self, Entity as Quotes};
use super::entities::quote_line::{self, Entity as Lines};

pub use quote::Column as QuoteColumn;
pub use quote::Model as QuoteRow;
pub use quote_line::Model as LineRow;

pub async fn insert(
    db: &impl ConnectionTrait,
    row: QuoteRow,
    lines: Vec<LineRow>,
) -> Result<QuoteRow, DbErr> {
    let row = quote::ActiveModel::from(row).insert(db).await?;
    for line in lines {
        quote_line::ActiveModel::from(line).insert(db).await?;
    }
    Ok(row)
}

/// The quote `id` if it belongs to `partner`.
pub async fn find(db: &impl ConnectionTrait, partner: Uuid, id: Uuid) -> Result<Option<QuoteRow>, DbErr> {
    Quotes::find_by_id(id).filter(quote::Column::PartnerId.eq(partner)).one(db).await
}

pub async fn find_by_link_hash(db: &impl ConnectionTrait, hash: &str) -> Result<Option<QuoteRow>, DbErr> {
    Quotes::find().filter(quote::Column::LinkTokenHash.eq(hash)).one(db).await
}

pub async fn lines(db: &impl ConnectionTrait, quote: Uuid) -> Result<Vec<LineRow>, DbErr> {
    Lines::find()
        .filter(quote_line::Column::QuoteId.eq(quote))
        .order_by_asc(quote_line::Column::Position)
        .all(db)
        .await
}

pub async fn replace_lines(db: &impl ConnectionTrait, quote: Uuid, lines: Vec<LineRow>) -> Result<(), DbErr> {
    Lines::delete_many().filter(quote_line::Column::QuoteId.eq(quote)).exec(db).await?;
    for line in lines {
        quote_line::ActiveModel::from(line).insert(db).await?;
    }
    Ok(())
}

pub async fn list(
    db: &impl ConnectionTrait,
    partner: Uuid,
    status: Option<&str>,
    customer: Option<Uuid>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<QuoteRow>, u64), DbErr> {
    let mut query = Quotes::find().filter(quote::Column::PartnerId.eq(partner));
    if let Some(status) = status {
        query = query.filter(quote::Column::Status.eq(status));
    }
    if let Some(customer) = customer {
        query = query.filter(quote::Column::CustomerId.eq(customer));
    }
    let total = query.clone().count(db).await?;
    let rows = query.order_by_desc(quote::Column::UpdatedAt).offset(offset).limit(limit).all(db).await?;
    Ok((rows, total))
}

/// All revisions of one quote, latest first.
pub async fn revisions(db: &impl ConnectionTrait, root: Uuid) -> Result<Vec<QuoteRow>, DbErr> {
    Quotes::find().filter(quote::Column::RootId.eq(root)).order_by_desc(quote::Column::Revision).all(db).await
}

/// A conditional state change: sets `changes` on quote `id` only while its status is one of
/// `from` (and, if given, only while `valid_until` is after `not_expired_at`). Returns whether the
/// row changed, so two racing requests cannot both win.
pub async fn transition(
    db: &impl ConnectionTrait,
    id: Uuid,
    from: &[&str],
    not_expired_at: Option<DateTime<Utc>>,
    changes: Vec<(quote::Column, sea_orm::Value)>,
) -> Result<bool, DbErr> {
    let mut update = Quotes::update_many()
        .filter(quote::Column::Id.eq(id))
        .filter(quote::Column::Status.is_in(from.iter().copied()));
    if let Some(now) = not_expired_at {
        update = update.filter(quote::Column::ValidUntil.gt(now));
    }
    for (column, value) in changes {
        update = update.col_expr(column, Expr::value(value));
    }
    Ok(update.exec(db).await?.rows_affected == 1)
}

/// Marks every sent quote whose validity has passed as expired; returns how many.
pub async fn expire_due(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let result = Quotes::update_many()
        .col_expr(quote::Column::Status, Expr::value("expired"))
        .col_expr(quote::Column::UpdatedAt, Expr::value(now))
        .filter(quote::Column::Status.eq("sent"))
        .filter(quote::Column::ValidUntil.lte(now))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
