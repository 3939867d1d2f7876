//! Quote requests and the per-partner inbox items they were routed to. Rows are read into
//! [`QuoteRequest`] and [`RequestTarget`] records (failing loudly on a value they cannot hold).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use super::Error;
use super::entities::quote_request::{self, Entity as Requests};
use super::entities::quote_request_target::{self, Entity as Targets};
use crate::domain::quantity::TokenQuantity;
use crate::domain::quote_requests::{QuoteRequest, RequestStatus, RequestTarget};

impl TryFrom<quote_request::Model> for QuoteRequest {
    type Error = Error;

    fn try_from(row: quote_request::Model) -> Result<Self, Error> {
        let tokens = u32::try_from(row.tokens)
            .ok()
            .and_then(TokenQuantity::new)
            .ok_or_else(|| Error::unreadable("quote_requests", row.id, "tokens", &row.tokens.to_string()))?;
        Ok(QuoteRequest {
            id: row.id,
            reference: row.reference,
            company: row.company,
            contact_name: row.contact_name,
            email: row.email,
            autodesk_id: row.autodesk_id,
            tokens,
            country: row.country,
            region: row.region,
            language: row.language,
            message: row.message,
            client_ip: row.client_ip,
            created_at: row.created_at,
        })
    }
}

impl From<&QuoteRequest> for quote_request::Model {
    fn from(r: &QuoteRequest) -> Self {
        Self {
            id: r.id,
            reference: r.reference.clone(),
            company: r.company.clone(),
            contact_name: r.contact_name.clone(),
            email: r.email.clone(),
            autodesk_id: r.autodesk_id.clone(),
            tokens: i64::from(r.tokens.get()),
            country: r.country.clone(),
            region: r.region.clone(),
            language: r.language.clone(),
            message: r.message.clone(),
            client_ip: r.client_ip.clone(),
            created_at: r.created_at,
        }
    }
}

impl TryFrom<quote_request_target::Model> for RequestTarget {
    type Error = Error;

    fn try_from(row: quote_request_target::Model) -> Result<Self, Error> {
        let status = RequestStatus::parse(&row.status)
            .ok_or_else(|| Error::unreadable("quote_request_targets", row.id, "status", &row.status))?;
        Ok(RequestTarget {
            id: row.id,
            quote_request_id: row.quote_request_id,
            partner_id: row.partner_id,
            reason: row.reason,
            status,
            customer_id: row.customer_id,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

impl From<&RequestTarget> for quote_request_target::Model {
    fn from(t: &RequestTarget) -> Self {
        Self {
            id: t.id,
            quote_request_id: t.quote_request_id,
            partner_id: t.partner_id,
            reason: t.reason.clone(),
            status: t.status.as_str().to_owned(),
            customer_id: t.customer_id,
            created_at: t.created_at,
            updated_at: t.updated_at,
        }
    }
}

fn statuses(of: &[RequestStatus]) -> Vec<&'static str> {
    of.iter().map(|s| s.as_str()).collect()
}

fn pair(
    (target, request): (quote_request_target::Model, Option<quote_request::Model>),
) -> Option<Result<(RequestTarget, QuoteRequest), Error>> {
    let request = request?;
    Some(RequestTarget::try_from(target).and_then(|t| Ok((t, QuoteRequest::try_from(request)?))))
}

/// # Errors
/// The database refused the row.
pub async fn insert_request(db: &impl ConnectionTrait, request: &QuoteRequest) -> Result<(), Error> {
    quote_request::ActiveModel::from(quote_request::Model::from(request)).insert(db).await?;
    Ok(())
}

/// # Errors
/// The database refused the row.
pub async fn insert_target(db: &impl ConnectionTrait, target: &RequestTarget) -> Result<(), Error> {
    quote_request_target::ActiveModel::from(quote_request_target::Model::from(target)).insert(db).await?;
    Ok(())
}

/// How many of `partner`'s inbox items are in one of `statuses`.
///
/// # Errors
/// Database failures.
pub async fn count_in(
    db: &impl ConnectionTrait,
    partner: Uuid,
    statuses_in: &[RequestStatus],
) -> Result<u64, Error> {
    Ok(Targets::find()
        .filter(quote_request_target::Column::PartnerId.eq(partner))
        .filter(quote_request_target::Column::Status.is_in(statuses(statuses_in)))
        .count(db)
        .await?)
}

/// One inbox item of `partner`, with its request.
///
/// # Errors
/// Database failures; `Unreadable` for a row no record accepts.
pub async fn find_target(
    db: &impl ConnectionTrait,
    partner: Uuid,
    id: Uuid,
) -> Result<Option<(RequestTarget, QuoteRequest)>, Error> {
    let found = Targets::find_by_id(id)
        .filter(quote_request_target::Column::PartnerId.eq(partner))
        .find_also_related(Requests)
        .one(db)
        .await?;
    found.and_then(pair).transpose()
}

/// The inbox of `partner`, newest first, optionally of one status.
///
/// # Errors
/// As [`find_target`].
pub async fn inbox(
    db: &impl ConnectionTrait,
    partner: Uuid,
    status: Option<RequestStatus>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<(RequestTarget, QuoteRequest)>, u64), Error> {
    let mut query = Targets::find().filter(quote_request_target::Column::PartnerId.eq(partner));
    if let Some(status) = status {
        query = query.filter(quote_request_target::Column::Status.eq(status.as_str()));
    }
    let total = query.clone().count(db).await?;
    let rows = query
        .order_by_desc(quote_request_target::Column::CreatedAt)
        .offset(offset)
        .limit(limit)
        .find_also_related(Requests)
        .all(db)
        .await?;
    Ok((rows.into_iter().filter_map(pair).collect::<Result<_, _>>()?, total))
}

/// Moves an inbox item to `status` if it is in one of `from`; `false` when it was not.
///
/// # Errors
/// Database failures.
pub async fn set_status(
    db: &impl ConnectionTrait,
    partner: Uuid,
    id: Uuid,
    from: &[RequestStatus],
    status: RequestStatus,
    now: DateTime<Utc>,
) -> Result<bool, Error> {
    let result = Targets::update_many()
        .col_expr(quote_request_target::Column::Status, Expr::value(status.as_str()))
        .col_expr(quote_request_target::Column::UpdatedAt, Expr::value(now))
        .filter(quote_request_target::Column::Id.eq(id))
        .filter(quote_request_target::Column::PartnerId.eq(partner))
        .filter(quote_request_target::Column::Status.is_in(statuses(from)))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Links the target to `customer` if it has no customer yet; reports whether it did (a second
/// click racing the first finds the customer already linked).
///
/// # Errors
/// Database failures.
pub async fn link_customer(
    db: &impl ConnectionTrait,
    id: Uuid,
    customer: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, Error> {
    Targets::update_many()
        .col_expr(quote_request_target::Column::CustomerId, Expr::value(customer))
        .col_expr(quote_request_target::Column::UpdatedAt, Expr::value(now))
        .filter(quote_request_target::Column::Id.eq(id))
        .filter(quote_request_target::Column::CustomerId.is_null())
        .exec(db)
        .await
        .map(|done| done.rows_affected == 1)
        .map_err(Error::from)
}

/// # Errors
/// As [`find_target`].
pub async fn find_by_reference(
    db: &impl ConnectionTrait,
    reference: &str,
) -> Result<Option<QuoteRequest>, Error> {
    let row = Requests::find().filter(quote_request::Column::Reference.eq(reference)).one(db).await?;
    row.map(QuoteRequest::try_from).transpose()
}
