//! Queries over users.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::entities::user::{self, Entity as Users};

pub use user::Model as UserRow;

pub async fn find_by_email(db: &impl ConnectionTrait, email: &str) -> Result<Option<UserRow>, DbErr> {
    Users::find().filter(user::Column::Email.eq(email)).one(db).await
}

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<UserRow>, DbErr> {
    Users::find_by_id(id).one(db).await
}

pub async fn count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    Users::find().count(db).await
}

pub async fn insert(db: &impl ConnectionTrait, row: UserRow) -> Result<UserRow, DbErr> {
    user::ActiveModel::from(row).insert(db).await
}

/// A page of users, newest first.
pub async fn list(db: &impl ConnectionTrait, offset: u64, limit: u64) -> Result<(Vec<UserRow>, u64), DbErr> {
    let total = Users::find().count(db).await?;
    let rows =
        Users::find().order_by_desc(user::Column::CreatedAt).offset(offset).limit(limit).all(db).await?;
    Ok((rows, total))
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

/// The staff of one partner, by name.
pub async fn list_for_partner(db: &impl ConnectionTrait, partner_id: Uuid) -> Result<Vec<UserRow>, DbErr> {
    Users::find()
        .filter(user::Column::PartnerId.eq(partner_id))
        .order_by_asc(user::Column::Email)
        .all(db)
        .await
}
