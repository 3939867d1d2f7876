//! Queries over sign-in sessions.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::entities::session::{self, Entity as Sessions};
use super::entities::user;

pub use session::Model as SessionRow;

pub async fn insert(db: &impl ConnectionTrait, row: SessionRow) -> Result<(), DbErr> {
    session::ActiveModel::from(row).insert(db).await.map(|_| ())
}

/// The session with its user, in one round trip.
pub async fn find_with_user(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<(SessionRow, user::Model)>, DbErr> {
    let found = Sessions::find_by_id(id).find_also_related(user::Entity).one(db).await?;
    Ok(found.and_then(|(s, u)| u.map(|u| (s, u))))
}

/// Records activity, at most once a minute per session to keep reads cheap.
pub async fn touch(db: &impl ConnectionTrait, id: Uuid, now: DateTime<Utc>) -> Result<(), DbErr> {
    Sessions::update_many()
        .col_expr(session::Column::LastSeenAt, Expr::value(now))
        .filter(session::Column::Id.eq(id))
        .filter(session::Column::LastSeenAt.lt(now - chrono::Duration::minutes(1)))
        .exec(db)
        .await
        .map(|_| ())
}

/// Revokes one session; `false` when it was already revoked or does not exist.
pub async fn revoke(db: &impl ConnectionTrait, id: Uuid, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let result = Sessions::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(now))
        .filter(session::Column::Id.eq(id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Revokes every live session of a user (password change, deactivation).
pub async fn revoke_all_for_user(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let result = Sessions::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(now))
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
