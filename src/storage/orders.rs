//! Orders and their payments. Rows are read into [`Order`] and [`Payment`] records (a value that
//! does not parse is `Unreadable`, naming the row). Reads are scoped by partner except the
//! operator's and the sweep's; every state change is a conditional update that says whether it
//! happened.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use super::Error;
use super::entities::order::{self, Entity as Orders};
use super::entities::payment::{self, Entity as Payments};
use crate::domain::money::Currency;
use crate::domain::orders::{Order, OrderStatus, Payment, PaymentMethod};
use crate::domain::tokens::TokenAmount;

impl TryFrom<order::Model> for Order {
    type Error = Error;

    fn try_from(row: order::Model) -> Result<Self, Error> {
        let unreadable = |column, value: &str| Error::unreadable("orders", row.id, column, value);
        let status = OrderStatus::parse(&row.status).ok_or_else(|| unreadable("status", &row.status))?;
        let payment_method = PaymentMethod::parse(&row.payment_method)
            .ok_or_else(|| unreadable("payment_method", &row.payment_method))?;
        let currency =
            Currency::from_code(&row.currency).ok_or_else(|| unreadable("currency", &row.currency))?;
        if row.tokens <= 0 {
            return Err(unreadable("tokens", &row.tokens.to_string()));
        }
        Ok(Order {
            id: row.id,
            partner_id: row.partner_id,
            customer_id: row.customer_id,
            quote_id: row.quote_id,
            number: row.number,
            payment_method,
            status,
            currency,
            subtotal_minor: row.subtotal_minor,
            tax_minor: row.tax_minor,
            total_minor: row.total_minor,
            tax_rate_hundredths: row.tax_rate_hundredths,
            tokens: TokenAmount::from_thousandths(row.tokens),
            autodesk_order_ref: row.autodesk_order_ref,
            placed_by: row.placed_by,
            placed_at: row.placed_at,
            fulfilled_at: row.fulfilled_at,
            fulfilled_by: row.fulfilled_by,
            cancelled_at: row.cancelled_at,
            cancel_reason: row.cancel_reason,
            updated_at: row.updated_at,
        })
    }
}

impl From<&Order> for order::Model {
    fn from(o: &Order) -> Self {
        Self {
            id: o.id,
            partner_id: o.partner_id,
            customer_id: o.customer_id,
            quote_id: o.quote_id,
            number: o.number.clone(),
            payment_method: o.payment_method.as_str().to_owned(),
            status: o.status.as_str().to_owned(),
            currency: o.currency.code().to_owned(),
            subtotal_minor: o.subtotal_minor,
            tax_minor: o.tax_minor,
            total_minor: o.total_minor,
            tax_rate_hundredths: o.tax_rate_hundredths,
            tokens: o.tokens.to_thousandths(),
            autodesk_order_ref: o.autodesk_order_ref.clone(),
            placed_by: o.placed_by,
            placed_at: o.placed_at,
            fulfilled_at: o.fulfilled_at,
            fulfilled_by: o.fulfilled_by,
            cancelled_at: o.cancelled_at,
            cancel_reason: o.cancel_reason.clone(),
            updated_at: o.updated_at,
        }
    }
}

impl TryFrom<payment::Model> for Payment {
    type Error = Error;

    fn try_from(row: payment::Model) -> Result<Self, Error> {
        let method = PaymentMethod::parse(&row.method)
            .ok_or_else(|| Error::unreadable("payments", row.id, "method", &row.method))?;
        Ok(Payment {
            id: row.id,
            partner_id: row.partner_id,
            order_id: row.order_id,
            paid_on: row.paid_on,
            method,
            amount_minor: row.amount_minor,
            recorded_by: row.recorded_by,
            recorded_at: row.recorded_at,
        })
    }
}

fn orders(rows: Vec<order::Model>) -> Result<Vec<Order>, Error> {
    rows.into_iter().map(Order::try_from).collect()
}

/// # Errors
/// The database refused the row (a second order for the same quote breaks its unique key).
pub async fn insert(db: &impl ConnectionTrait, order: &Order) -> Result<(), Error> {
    order::ActiveModel::from(order::Model::from(order)).insert(db).await?;
    Ok(())
}

/// The partner's order `id`.
///
/// # Errors
/// Database failures; `Unreadable` for a row no record accepts.
pub async fn find(db: &impl ConnectionTrait, partner: Uuid, id: Uuid) -> Result<Option<Order>, Error> {
    let row = Orders::find_by_id(id).filter(order::Column::PartnerId.eq(partner)).one(db).await?;
    row.map(Order::try_from).transpose()
}

/// Order `id` of any partner: for the operator and the sweep.
///
/// # Errors
/// As [`find`].
pub async fn find_any(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<Order>, Error> {
    Orders::find_by_id(id).one(db).await?.map(Order::try_from).transpose()
}

/// The order placed from quote `quote` (of any partner; the quote id is already scoped).
///
/// # Errors
/// As [`find`].
pub async fn find_by_quote(db: &impl ConnectionTrait, quote: Uuid) -> Result<Option<Order>, Error> {
    Orders::find().filter(order::Column::QuoteId.eq(quote)).one(db).await?.map(Order::try_from).transpose()
}

/// One page of orders, newest first, and how many match: the partner's, or every partner's when
/// `partner` is `None` (the operator).
///
/// # Errors
/// As [`find`].
pub async fn list(
    db: &impl ConnectionTrait,
    partner: Option<Uuid>,
    status: Option<OrderStatus>,
    customer: Option<Uuid>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<Order>, u64), Error> {
    let mut query = Orders::find();
    if let Some(partner) = partner {
        query = query.filter(order::Column::PartnerId.eq(partner));
    }
    if let Some(status) = status {
        query = query.filter(order::Column::Status.eq(status.as_str()));
    }
    if let Some(customer) = customer {
        query = query.filter(order::Column::CustomerId.eq(customer));
    }
    let total = query.clone().count(db).await?;
    let rows = query
        .order_by_desc(order::Column::PlacedAt)
        .order_by_desc(order::Column::Number)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    Ok((orders(rows)?, total))
}

/// Placed orders placed at or before `placed_before`: due for automatic fulfilment.
///
/// # Errors
/// As [`find`].
pub async fn placed_before(
    db: &impl ConnectionTrait,
    placed_before: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Order>, Error> {
    orders(
        Orders::find()
            .filter(order::Column::Status.eq(OrderStatus::Placed.as_str()))
            .filter(order::Column::PlacedAt.lte(placed_before))
            .order_by_asc(order::Column::PlacedAt)
            .limit(limit)
            .all(db)
            .await?,
    )
}

/// Placed → fulfilled; false unless it was placed.
///
/// # Errors
/// Database failures.
pub async fn mark_fulfilled(
    db: &impl ConnectionTrait,
    id: Uuid,
    by: Option<Uuid>,
    autodesk_order_ref: Option<String>,
    at: DateTime<Utc>,
) -> Result<bool, Error> {
    let mut update = Orders::update_many()
        .col_expr(order::Column::Status, Expr::value(OrderStatus::Fulfilled.as_str()))
        .col_expr(order::Column::FulfilledAt, Expr::value(Some(at)))
        .col_expr(order::Column::FulfilledBy, Expr::value(by))
        .col_expr(order::Column::UpdatedAt, Expr::value(at))
        .filter(order::Column::Id.eq(id))
        .filter(order::Column::Status.eq(OrderStatus::Placed.as_str()));
    if let Some(reference) = autodesk_order_ref {
        update = update.col_expr(order::Column::AutodeskOrderRef, Expr::value(Some(reference)));
    }
    Ok(update.exec(db).await?.rows_affected == 1)
}

/// Placed → cancelled with its reason; false unless it was placed.
///
/// # Errors
/// Database failures.
pub async fn mark_cancelled(
    db: &impl ConnectionTrait,
    id: Uuid,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<bool, Error> {
    let result = Orders::update_many()
        .col_expr(order::Column::Status, Expr::value(OrderStatus::Cancelled.as_str()))
        .col_expr(order::Column::CancelledAt, Expr::value(Some(at)))
        .col_expr(order::Column::CancelReason, Expr::value(Some(reason.to_owned())))
        .col_expr(order::Column::UpdatedAt, Expr::value(at))
        .filter(order::Column::Id.eq(id))
        .filter(order::Column::Status.eq(OrderStatus::Placed.as_str()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Records the order's payment; false when the order already has one (nothing is written).
///
/// # Errors
/// Database failures.
pub async fn insert_payment(db: &impl ConnectionTrait, payment: &Payment) -> Result<bool, Error> {
    let row = payment::ActiveModel::from(payment::Model {
        id: payment.id,
        partner_id: payment.partner_id,
        order_id: payment.order_id,
        paid_on: payment.paid_on,
        method: payment.method.as_str().to_owned(),
        amount_minor: payment.amount_minor,
        recorded_by: payment.recorded_by,
        recorded_at: payment.recorded_at,
    });
    let inserted = Payments::insert(row)
        .on_conflict(OnConflict::column(payment::Column::OrderId).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    Ok(inserted == 1)
}

/// The order's payment, if one was recorded.
///
/// # Errors
/// Database failures; `Unreadable` for a row no record accepts.
pub async fn payment_for(db: &impl ConnectionTrait, order: Uuid) -> Result<Option<Payment>, Error> {
    Payments::find()
        .filter(payment::Column::OrderId.eq(order))
        .one(db)
        .await?
        .map(Payment::try_from)
        .transpose()
}

/// The first order that has no pack, if any: every order must have exactly one.
///
/// # Errors
/// Database failures.
pub async fn without_pack(db: &impl ConnectionTrait) -> Result<Option<Uuid>, Error> {
    use super::entities::pack;
    let packed =
        sea_orm::sea_query::Query::select().column(pack::Column::OrderId).from(pack::Entity).to_owned();
    let row = Orders::find()
        .filter(order::Column::Id.not_in_subquery(packed))
        .order_by_asc(order::Column::PlacedAt)
        .one(db)
        .await?;
    Ok(row.map(|r| r.id))
}
