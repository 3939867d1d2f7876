//! Queries over users.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::Error;
use super::entities::user::{self, Entity as Users};

use crate::domain::accounts::User;
use crate::domain::actor::Role;

impl TryFrom<user::Model> for User {
    type Error = Error;

    fn try_from(row: user::Model) -> Result<Self, Error> {
        let role =
            Role::parse(&row.role).ok_or_else(|| Error::unreadable("users", row.id, "role", &row.role))?;
        Ok(User {
            id: row.id,
            email: row.email,
            display_name: row.display_name,
            password_hash: row.password_hash,
            role,
            partner_id: row.partner_id,
            locale: row.locale,
            active: row.active,
            password_changed_at: row.password_changed_at,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

impl From<User> for user::Model {
    fn from(u: User) -> Self {
        Self {
            id: u.id,
            email: u.email,
            display_name: u.display_name,
            password_hash: u.password_hash,
            role: u.role.as_str().to_owned(),
            partner_id: u.partner_id,
            locale: u.locale,
            active: u.active,
            password_changed_at: u.password_changed_at,
            created_at: u.created_at,
            updated_at: u.updated_at,
        }
    }
}

fn read_all(rows: Vec<user::Model>) -> Result<Vec<User>, Error> {
    rows.into_iter().map(User::try_from).collect()
}

/// # Errors
/// Database failures; `Unreadable` for a row holding an unknown role.
pub async fn find_by_email(db: &impl ConnectionTrait, email: &str) -> Result<Option<User>, Error> {
    Users::find().filter(user::Column::Email.eq(email)).one(db).await?.map(User::try_from).transpose()
}

/// # Errors
/// As [`find_by_email`].
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<User>, Error> {
    Users::find_by_id(id).one(db).await?.map(User::try_from).transpose()
}

pub async fn count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    Users::find().count(db).await
}

/// # Errors
/// The database refused the row (a taken e-mail, an unknown partner: see
/// [`super::UniqueViolation`] and [`super::broke_foreign_key`]).
pub async fn insert(db: &impl ConnectionTrait, user: User) -> Result<User, DbErr> {
    let row = user::ActiveModel::from(user::Model::from(user)).insert(db).await?;
    User::try_from(row).map_err(|e| DbErr::Custom(e.to_string()))
}

/// A page of users, newest first.
///
/// # Errors
/// As [`find_by_email`].
pub async fn list(db: &impl ConnectionTrait, offset: u64, limit: u64) -> Result<(Vec<User>, u64), Error> {
    let total = Users::find().count(db).await?;
    let rows =
        Users::find().order_by_desc(user::Column::CreatedAt).offset(offset).limit(limit).all(db).await?;
    Ok((read_all(rows)?, total))
}

pub async fn set_password_hash(
    db: &impl ConnectionTrait,
    id: Uuid,
    hash: String,
    at: chrono::DateTime<chrono::Utc>,
    changed: bool,
) -> Result<(), DbErr> {
    let mut row = user::ActiveModel {
        id: Set(id),
        password_hash: Set(hash),
        updated_at: Set(at),
        ..Default::default()
    };
    if changed {
        row.password_changed_at = Set(at);
    }
    row.update(db).await.map(|_| ())
}

pub async fn set_locale(db: &impl ConnectionTrait, id: Uuid, locale: &str) -> Result<(), DbErr> {
    user::ActiveModel { id: Set(id), locale: Set(locale.to_owned()), ..Default::default() }
        .update(db)
        .await
        .map(|_| ())
}

/// The staff of one partner, by e-mail.
///
/// # Errors
/// As [`find_by_email`].
pub async fn list_for_partner(db: &impl ConnectionTrait, partner_id: Uuid) -> Result<Vec<User>, Error> {
    let rows = Users::find()
        .filter(user::Column::PartnerId.eq(partner_id))
        .order_by_asc(user::Column::Email)
        .all(db)
        .await?;
    read_all(rows)
}
