//! Queries over developers' assignments. Rows are read into [`Assignment`] records (a value that does
//! not parse is `Unreadable`, naming the row); every change of state is a conditional update that
//! says whether it happened, and the partial unique index keeps one live row per Autodesk ID.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, UpdateMany,
};
use uuid::Uuid;

use super::Error;
use super::entities::assignment::{self, Entity as Assignments};
use crate::domain::assignments::{Assignment, StoredStatus};
use crate::domain::contact::AutodeskId;
use crate::domain::tokens::TokenAmount;

impl TryFrom<assignment::Model> for Assignment {
    type Error = Error;

    fn try_from(row: assignment::Model) -> Result<Self, Error> {
        let status = StoredStatus::parse(&row.status)
            .ok_or_else(|| Error::unreadable("assignments", row.id, "status", &row.status))?;
        let autodesk_id = AutodeskId::parse("autodesk_id", &row.autodesk_id)
            .ok()
            .filter(|id| id.as_str() == row.autodesk_id)
            .ok_or_else(|| Error::unreadable("assignments", row.id, "autodesk_id", &row.autodesk_id))?;
        let token_cap = match row.token_cap {
            Some(cap) if cap <= 0 => {
                return Err(Error::unreadable("assignments", row.id, "token_cap", &cap.to_string()));
            }
            cap => cap.map(TokenAmount::from_thousandths),
        };
        Ok(Assignment {
            id: row.id,
            partner_id: row.partner_id,
            customer_id: row.customer_id,
            autodesk_id,
            name: row.name,
            token_cap,
            status,
            invite_token_hash: row.invite_token_hash,
            invite_expires_at: row.invite_expires_at,
            invited_at: row.invited_at,
            accepted_at: row.accepted_at,
            revoked_at: row.revoked_at,
            created_by: row.created_by,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

impl From<&Assignment> for assignment::Model {
    fn from(a: &Assignment) -> Self {
        Self {
            id: a.id,
            partner_id: a.partner_id,
            customer_id: a.customer_id,
            autodesk_id: a.autodesk_id.as_str().to_owned(),
            name: a.name.clone(),
            token_cap: a.token_cap.map(TokenAmount::to_thousandths),
            status: a.status.as_str().to_owned(),
            invite_token_hash: a.invite_token_hash.clone(),
            invite_expires_at: a.invite_expires_at,
            invited_at: a.invited_at,
            accepted_at: a.accepted_at,
            revoked_at: a.revoked_at,
            created_by: a.created_by,
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

fn read(rows: Vec<assignment::Model>) -> Result<Vec<Assignment>, Error> {
    rows.into_iter().map(Assignment::try_from).collect()
}

/// Inserts a new assignment. A second live row for the same customer and Autodesk ID breaks the
/// partial unique index (see [`super::UniqueViolation`]).
///
/// # Errors
/// The database refused the row.
pub async fn insert(db: &impl ConnectionTrait, row: &Assignment) -> Result<Assignment, Error> {
    assignment::ActiveModel::from(assignment::Model::from(row)).insert(db).await?.try_into()
}

/// The assignment `id` of `customer_id`, if that customer belongs to `partner` (`None` for the
/// operator, who reads every partner's).
///
/// # Errors
/// Database failures; `Unreadable`.
pub async fn find(
    db: &impl ConnectionTrait,
    partner: Option<Uuid>,
    customer_id: Uuid,
    id: Uuid,
) -> Result<Option<Assignment>, Error> {
    let mut query = Assignments::find_by_id(id).filter(assignment::Column::CustomerId.eq(customer_id));
    if let Some(partner) = partner {
        query = query.filter(assignment::Column::PartnerId.eq(partner));
    }
    query.one(db).await?.map(Assignment::try_from).transpose()
}

/// The assignment whose invitation token hashes to `hash`.
///
/// # Errors
/// Database failures; `Unreadable`.
pub async fn find_by_token_hash(db: &impl ConnectionTrait, hash: &str) -> Result<Option<Assignment>, Error> {
    Assignments::find()
        .filter(assignment::Column::InviteTokenHash.eq(hash))
        .one(db)
        .await?
        .map(Assignment::try_from)
        .transpose()
}

/// One page of a customer's assignments, the live ones first, then newest first.
///
/// # Errors
/// Database failures; `Unreadable`.
pub async fn list(
    db: &impl ConnectionTrait,
    customer_id: Uuid,
    offset: u64,
    limit: u64,
) -> Result<(Vec<Assignment>, u64), Error> {
    let query = Assignments::find().filter(assignment::Column::CustomerId.eq(customer_id));
    let total = query.clone().count(db).await?;
    let revoked_last = assignment::Column::Status.eq(StoredStatus::Revoked.as_str());
    let rows = query
        .order_by_asc(revoked_last)
        .order_by_desc(assignment::Column::CreatedAt)
        .order_by_asc(assignment::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    Ok((read(rows)?, total))
}

/// Every active assignment of a customer, by Autodesk ID.
///
/// # Errors
/// Database failures; `Unreadable`.
pub async fn active_of_customer(
    db: &impl ConnectionTrait,
    customer_id: Uuid,
) -> Result<Vec<Assignment>, Error> {
    let rows = Assignments::find()
        .filter(assignment::Column::CustomerId.eq(customer_id))
        .filter(assignment::Column::Status.eq(StoredStatus::Active.as_str()))
        .order_by_asc(assignment::Column::AutodeskId)
        .all(db)
        .await?;
    read(rows)
}

fn while_in(id: Uuid, from: &[StoredStatus]) -> UpdateMany<Assignments> {
    Assignments::update_many()
        .filter(assignment::Column::Id.eq(id))
        .filter(assignment::Column::Status.is_in(from.iter().map(|s| s.as_str())))
}

async fn changed_one(db: &impl ConnectionTrait, update: UpdateMany<Assignments>) -> Result<bool, Error> {
    Ok(update.exec(db).await?.rows_affected == 1)
}

/// New name and cap for a live assignment; false when it was revoked meanwhile.
///
/// # Errors
/// Database failures.
pub async fn update_details(
    db: &impl ConnectionTrait,
    id: Uuid,
    name: Option<&str>,
    token_cap: Option<TokenAmount>,
    at: DateTime<Utc>,
) -> Result<bool, Error> {
    let update = while_in(id, &[StoredStatus::Invited, StoredStatus::Active])
        .col_expr(assignment::Column::Name, Expr::value(name.map(str::to_owned)))
        .col_expr(assignment::Column::TokenCap, Expr::value(token_cap.map(TokenAmount::to_thousandths)))
        .col_expr(assignment::Column::UpdatedAt, Expr::value(at));
    changed_one(db, update).await
}

/// Revokes a live assignment (its invitation link stops working); false when already revoked.
///
/// # Errors
/// Database failures.
pub async fn mark_revoked(db: &impl ConnectionTrait, id: Uuid, at: DateTime<Utc>) -> Result<bool, Error> {
    let update = while_in(id, &[StoredStatus::Invited, StoredStatus::Active])
        .col_expr(assignment::Column::Status, Expr::value(StoredStatus::Revoked.as_str()))
        .col_expr(assignment::Column::InviteTokenHash, Expr::value(Option::<String>::None))
        .col_expr(assignment::Column::RevokedAt, Expr::value(at))
        .col_expr(assignment::Column::UpdatedAt, Expr::value(at));
    changed_one(db, update).await
}

/// A fresh invitation for an assignment not yet accepted; false when it was accepted or revoked.
///
/// # Errors
/// Database failures.
pub async fn renew_invitation(
    db: &impl ConnectionTrait,
    id: Uuid,
    token_hash: &str,
    expires_at: DateTime<Utc>,
    at: DateTime<Utc>,
) -> Result<bool, Error> {
    let update = while_in(id, &[StoredStatus::Invited])
        .col_expr(assignment::Column::InviteTokenHash, Expr::value(token_hash.to_owned()))
        .col_expr(assignment::Column::InviteExpiresAt, Expr::value(expires_at))
        .col_expr(assignment::Column::InvitedAt, Expr::value(at))
        .col_expr(assignment::Column::UpdatedAt, Expr::value(at));
    changed_one(db, update).await
}

/// The developer accepts: only an invitation still open at `at`, reached by its own token, becomes
/// active. False when it was already accepted, revoked, renewed or has run out.
///
/// # Errors
/// Database failures.
pub async fn mark_accepted(
    db: &impl ConnectionTrait,
    id: Uuid,
    token_hash: &str,
    at: DateTime<Utc>,
) -> Result<bool, Error> {
    let update = while_in(id, &[StoredStatus::Invited])
        .filter(assignment::Column::InviteTokenHash.eq(token_hash))
        .filter(assignment::Column::InviteExpiresAt.gt(at))
        .col_expr(assignment::Column::Status, Expr::value(StoredStatus::Active.as_str()))
        .col_expr(assignment::Column::AcceptedAt, Expr::value(at))
        .col_expr(assignment::Column::UpdatedAt, Expr::value(at));
    changed_one(db, update).await
}
