//! Queries over customers. Every query is scoped by the partner that owns the customer.

use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::Error;
use super::entities::customer::{self, Entity as Customers};

pub use customer::Model as CustomerRow;

pub async fn insert(db: &impl ConnectionTrait, row: CustomerRow) -> Result<CustomerRow, Error> {
    Ok(customer::ActiveModel::from(row).insert(db).await?)
}

/// Replaces every column but the key, the owner and the creation time.
pub async fn update(db: &impl ConnectionTrait, row: CustomerRow) -> Result<CustomerRow, Error> {
    let mut active: customer::ActiveModel = row.into();
    for column in [
        customer::Column::CompanyName,
        customer::Column::ContactName,
        customer::Column::Email,
        customer::Column::Phone,
        customer::Column::PostalCode,
        customer::Column::Address,
        customer::Column::Country,
        customer::Column::Language,
        customer::Column::TimeZone,
        customer::Column::PurchaserAutodeskId,
        customer::Column::UpdatedAt,
    ] {
        active.reset(column);
    }
    Ok(active.update(db).await?)
}

/// The customer `id` if it belongs to `partner`.
pub async fn find(db: &impl ConnectionTrait, partner: Uuid, id: Uuid) -> Result<Option<CustomerRow>, Error> {
    Ok(Customers::find_by_id(id).filter(customer::Column::PartnerId.eq(partner)).one(db).await?)
}

pub async fn list(
    db: &impl ConnectionTrait,
    partner: Uuid,
    text: Option<&str>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<CustomerRow>, u64), Error> {
    let mut query = Customers::find().filter(customer::Column::PartnerId.eq(partner));
    if let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) {
        let escaped = text.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        let pattern = format!("%{escaped}%");
        let like = |column: customer::Column| {
            Expr::expr(Func::lower(Expr::col(column))).like(LikeExpr::new(pattern.clone()).escape('\\'))
        };
        query = query.filter(
            Condition::any()
                .add(like(customer::Column::CompanyName))
                .add(like(customer::Column::ContactName))
                .add(like(customer::Column::Email)),
        );
    }
    let total = query.clone().count(db).await?;
    let rows = query.order_by_asc(customer::Column::CompanyName).offset(offset).limit(limit).all(db).await?;
    Ok((rows, total))
}
