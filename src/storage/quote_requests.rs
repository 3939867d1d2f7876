//! Queries over quote requests and the per-partner inbox items they were routed to.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::entities::quote_request::{self, Entity as Requests};
use super::entities::quote_request_target::{self, Entity as Targets};

pub use quote_request::Model as RequestRow;
pub use quote_request_target::Model as TargetRow;

pub async fn insert_request(db: &impl ConnectionTrait, row: RequestRow) -> Result<RequestRow, DbErr> {
    quote_request::ActiveModel::from(row).insert(db).await
}

pub async fn insert_target(db: &impl ConnectionTrait, row: TargetRow) -> Result<TargetRow, DbErr> {
    quote_request_target::ActiveModel::from(row).insert(db).await
}

/// How many requests each partner still has open (new or in progress).
pub async fn open_count(db: &impl ConnectionTrait, partner: Uuid) -> Result<u64, DbErr> {
    Targets::find()
        .filter(quote_request_target::Column::PartnerId.eq(partner))
        .filter(quote_request_target::Column::Status.is_in(["new", "in_progress"]))
        .count(db)
        .await
}

/// One inbox item of `partner`, with its request.
pub async fn find_target(
    db: &impl ConnectionTrait,
    partner: Uuid,
    id: Uuid,
) -> Result<Option<(TargetRow, RequestRow)>, DbErr> {
    let found = Targets::find_by_id(id)
        .filter(quote_request_target::Column::PartnerId.eq(partner))
        .find_also_related(Requests)
        .one(db)
        .await?;
    Ok(found.and_then(|(t, r)| r.map(|r| (t, r))))
}

/// The inbox of `partner`, newest first, optionally of one status.
pub async fn inbox(
    db: &impl ConnectionTrait,
    partner: Uuid,
    status: Option<&str>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<(TargetRow, RequestRow)>, u64), DbErr> {
    let mut query = Targets::find().filter(quote_request_target::Column::PartnerId.eq(partner));
    if let Some(status) = status {
        query = query.filter(quote_request_target::Column::Status.eq(status));
    }
    let total = query.clone().count(db).await?;
    let rows = query
        .order_by_desc(quote_request_target::Column::CreatedAt)
        .offset(offset)
        .limit(limit)
        .find_also_related(Requests)
        .all(db)
        .await?;
    Ok((rows.into_iter().filter_map(|(t, r)| r.map(|r| (t, r))).collect(), total))
}

/// Moves an inbox item to `status` if it is in one of `from`; `false` when it was not.
pub async fn set_status(
    db: &impl ConnectionTrait,
    partner: Uuid,
    id: Uuid,
    from: &[&str],
    status: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = Targets::update_many()
        .col_expr(quote_request_target::Column::Status, Expr::value(status))
        .col_expr(quote_request_target::Column::UpdatedAt, Expr::value(now))
        .filter(quote_request_target::Column::Id.eq(id))
        .filter(quote_request_target::Column::PartnerId.eq(partner))
        .filter(quote_request_target::Column::Status.is_in(from.iter().copied()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Links the target to `customer` if it has no customer yet; reports whether it did (a second
/// click racing the first finds the customer already linked).
pub async fn link_customer(
    db: &impl ConnectionTrait,
    id: Uuid,
    customer: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    Targets::update_many()
        .col_expr(quote_request_target::Column::CustomerId, Expr::value(customer))
        .col_expr(quote_request_target::Column::UpdatedAt, Expr::value(now))
        .filter(quote_request_target::Column::Id.eq(id))
        .filter(quote_request_target::Column::CustomerId.is_null())
        .exec(db)
        .await
        .map(|done| done.rows_affected == 1)
}

pub async fn find_by_reference(
    db: &impl ConnectionTrait,
    reference: &str,
) -> Result<Option<RequestRow>, DbErr> {
    Requests::find().filter(quote_request::Column::Reference.eq(reference)).one(db).await
}
