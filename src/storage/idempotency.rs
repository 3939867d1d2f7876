//! Idempotency keys: inserted first by the request that does the work, completed with its
//! response in the same transaction, purged after they are kept long enough.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::Error;
use super::entities::idempotency_key::{self, Column, Entity as Keys};
use crate::domain::idempotency::{IdempotencyRecord, KeyState, StoredResponse};

fn record(row: idempotency_key::Model) -> Result<IdempotencyRecord, Error> {
    let unreadable = |column, value: &str| Error::Unreadable {
        table: "idempotency_keys",
        id: uuid::Uuid::nil(),
        column,
        value: format!("{} / {}: {value}", row.scope, row.key.chars().take(40).collect::<String>()),
    };
    let state = KeyState::parse(&row.state).ok_or_else(|| unreadable("state", &row.state))?;
    let response = match (row.response_status, row.response_body) {
        (Some(status), Some(body)) => Some(StoredResponse {
            status: u16::try_from(status).map_err(|_| unreadable("response_status", &status.to_string()))?,
            body,
        }),
        _ => None,
    };
    Ok(IdempotencyRecord {
        scope: row.scope,
        key: row.key,
        request_hash: row.request_hash,
        state,
        response,
        created_at: row.created_at,
    })
}

/// Inserts the key as in progress; false when it exists already (nothing is written). On
/// PostgreSQL an insert racing an uncommitted one waits for it to commit or roll back.
///
/// # Errors
/// Database failures.
pub async fn claim(
    db: &impl ConnectionTrait,
    scope: &str,
    key: &str,
    request_hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, Error> {
    let row = idempotency_key::ActiveModel {
        scope: Set(scope.to_owned()),
        key: Set(key.to_owned()),
        request_hash: Set(request_hash.to_owned()),
        state: Set(KeyState::InProgress.as_str().to_owned()),
        response_status: Set(None),
        response_body: Set(None),
        created_at: Set(now),
    };
    let inserted = Keys::insert(row)
        .on_conflict(OnConflict::columns([Column::Scope, Column::Key]).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    Ok(inserted == 1)
}

/// # Errors
/// Database failures; `Unreadable` for a row no record accepts.
pub async fn find(
    db: &impl ConnectionTrait,
    scope: &str,
    key: &str,
) -> Result<Option<IdempotencyRecord>, Error> {
    Keys::find_by_id((scope.to_owned(), key.to_owned())).one(db).await?.map(record).transpose()
}

/// Stores the response of the work the key did.
///
/// # Errors
/// Database failures.
pub async fn complete(
    db: &impl ConnectionTrait,
    scope: &str,
    key: &str,
    response: &StoredResponse,
) -> Result<(), Error> {
    Keys::update_many()
        .col_expr(Column::State, Expr::value(KeyState::Done.as_str()))
        .col_expr(Column::ResponseStatus, Expr::value(Some(i32::from(response.status))))
        .col_expr(Column::ResponseBody, Expr::value(Some(response.body.clone())))
        .filter(Column::Scope.eq(scope))
        .filter(Column::Key.eq(key))
        .exec(db)
        .await?;
    Ok(())
}

/// Deletes keys created before `before`; returns how many.
///
/// # Errors
/// Database failures.
pub async fn purge(db: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<u64, Error> {
    Ok(Keys::delete_many().filter(Column::CreatedAt.lt(before)).exec(db).await?.rows_affected)
}
