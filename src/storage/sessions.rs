//! Queries over sign-in sessions.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::entities::session::{self, Entity as Sessions};
use super::entities::user;

use super::Error;
use crate::domain::accounts::{Session, SessionKind, User};

impl TryFrom<session::Model> for Session {
    type Error = Error;

    fn try_from(row: session::Model) -> Result<Self, Error> {
        let kind = SessionKind::parse(&row.kind)
            .ok_or_else(|| Error::unreadable("sessions", row.id, "kind", &row.kind))?;
        Ok(Session {
            id: row.id,
            user_id: row.user_id,
            kind,
            created_at: row.created_at,
            last_seen_at: row.last_seen_at,
            expires_at: row.expires_at,
            revoked_at: row.revoked_at,
            client_ip: row.client_ip,
        })
    }
}

impl From<Session> for session::Model {
    fn from(s: Session) -> Self {
        Self {
            id: s.id,
            user_id: s.user_id,
            kind: s.kind.as_str().to_owned(),
            created_at: s.created_at,
            last_seen_at: s.last_seen_at,
            expires_at: s.expires_at,
            revoked_at: s.revoked_at,
            client_ip: s.client_ip,
        }
    }
}

pub async fn insert(db: &impl ConnectionTrait, session: Session) -> Result<(), DbErr> {
    session::ActiveModel::from(session::Model::from(session)).insert(db).await.map(|_| ())
}

/// The session with its user, in one round trip.
///
/// # Errors
/// Database failures; `Unreadable` for a session kind or user role the portal does not know.
pub async fn find_with_user(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<(Session, User)>, Error> {
    let found = Sessions::find_by_id(id).find_also_related(user::Entity).one(db).await?;
    match found {
        Some((session, Some(user))) => Ok(Some((Session::try_from(session)?, User::try_from(user)?))),
        _ => Ok(None),
    }
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
