//! Queries over TOTP secrets, recovery codes and partners' TOTP requirement. Every change of state
//! is a conditional update that reports whether it happened.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, Set,
};
use uuid::Uuid;

use super::entities::partner_totp_policy::{self, Entity as Policies};
use super::entities::user_recovery_code::{self, Entity as RecoveryCodes};
use super::entities::user_totp::{self, Entity as Secrets};

/// One account's stored TOTP state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredTotp {
    /// The sealed secret (nonce and ciphertext), never the secret itself.
    pub secret_sealed: String,
    /// False while the secret is pending confirmation.
    pub enabled: bool,
    pub last_used_step: Option<i64>,
}

pub async fn find(db: &impl ConnectionTrait, user_id: Uuid) -> Result<Option<StoredTotp>, DbErr> {
    Ok(Secrets::find_by_id(user_id).one(db).await?.map(|row| StoredTotp {
        secret_sealed: row.secret_sealed,
        enabled: row.enabled_at.is_some(),
        last_used_step: row.last_used_step,
    }))
}

/// Stores a new pending secret in place of any earlier pending one; `false` when TOTP is already
/// enabled for the account (the enabled secret is left alone).
pub async fn replace_pending(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    secret_sealed: String,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    Secrets::delete_many()
        .filter(user_totp::Column::UserId.eq(user_id))
        .filter(user_totp::Column::EnabledAt.is_null())
        .exec(db)
        .await?;
    let row = user_totp::ActiveModel {
        user_id: Set(user_id),
        secret_sealed: Set(secret_sealed),
        enabled_at: Set(None),
        last_used_step: Set(None),
        created_at: Set(now),
    };
    let inserted = Secrets::insert(row)
        .on_conflict(OnConflict::column(user_totp::Column::UserId).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    Ok(inserted == 1)
}

/// Enables a pending secret, remembering the step of the code that confirmed it; `false` when
/// there was no pending secret.
pub async fn enable(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    step: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = Secrets::update_many()
        .col_expr(user_totp::Column::EnabledAt, Expr::value(now))
        .col_expr(user_totp::Column::LastUsedStep, Expr::value(step))
        .filter(user_totp::Column::UserId.eq(user_id))
        .filter(user_totp::Column::EnabledAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Records that a code for `step` was accepted; `false` when that step (or a later one) was
/// already used, so a code can never be accepted twice, even by two requests at once.
pub async fn accept_step(db: &impl ConnectionTrait, user_id: Uuid, step: i64) -> Result<bool, DbErr> {
    let result = Secrets::update_many()
        .col_expr(user_totp::Column::LastUsedStep, Expr::value(step))
        .filter(user_totp::Column::UserId.eq(user_id))
        .filter(user_totp::Column::EnabledAt.is_not_null())
        .filter(
            Condition::any()
                .add(user_totp::Column::LastUsedStep.is_null())
                .add(user_totp::Column::LastUsedStep.lt(step)),
        )
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Removes the account's secret and recovery codes; `false` when TOTP was not enabled.
pub async fn remove(db: &impl ConnectionTrait, user_id: Uuid) -> Result<bool, DbErr> {
    let result = Secrets::delete_many()
        .filter(user_totp::Column::UserId.eq(user_id))
        .filter(user_totp::Column::EnabledAt.is_not_null())
        .exec(db)
        .await?;
    RecoveryCodes::delete_many().filter(user_recovery_code::Column::UserId.eq(user_id)).exec(db).await?;
    Ok(result.rows_affected == 1)
}

/// Replaces the account's recovery codes with new ones (given as hashes).
pub async fn replace_recovery_codes(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    code_hashes: Vec<String>,
) -> Result<(), DbErr> {
    RecoveryCodes::delete_many().filter(user_recovery_code::Column::UserId.eq(user_id)).exec(db).await?;
    let rows = code_hashes.into_iter().map(|code_hash| user_recovery_code::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(user_id),
        code_hash: Set(code_hash),
        used_at: Set(None),
    });
    RecoveryCodes::insert_many(rows).exec_without_returning(db).await.map(|_| ())
}

/// Marks an unused recovery code as used; `false` when no such unused code exists.
pub async fn use_recovery_code(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    code_hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = RecoveryCodes::update_many()
        .col_expr(user_recovery_code::Column::UsedAt, Expr::value(now))
        .filter(user_recovery_code::Column::UserId.eq(user_id))
        .filter(user_recovery_code::Column::CodeHash.eq(code_hash))
        .filter(user_recovery_code::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// How many recovery codes the account has left.
pub async fn unused_recovery_codes(db: &impl ConnectionTrait, user_id: Uuid) -> Result<u64, DbErr> {
    RecoveryCodes::find()
        .filter(user_recovery_code::Column::UserId.eq(user_id))
        .filter(user_recovery_code::Column::UsedAt.is_null())
        .count(db)
        .await
}

/// Whether the partner requires TOTP of its staff.
pub async fn partner_requires(db: &impl ConnectionTrait, partner_id: Uuid) -> Result<bool, DbErr> {
    Ok(Policies::find_by_id(partner_id).one(db).await?.is_some_and(|row| row.required))
}

pub async fn set_partner_requirement(
    db: &impl ConnectionTrait,
    partner_id: Uuid,
    required: bool,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let row = partner_totp_policy::ActiveModel {
        partner_id: Set(partner_id),
        required: Set(required),
        updated_at: Set(now),
    };
    Policies::insert(row)
        .on_conflict(
            OnConflict::column(partner_totp_policy::Column::PartnerId)
                .update_columns([
                    partner_totp_policy::Column::Required,
                    partner_totp_policy::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await
        .map(|_| ())
}
