//! Two-step sign-in (TOTP): each account's sealed secret and the last step it accepted, its
//! single-use recovery codes (hashed), and whether a partner requires it of its staff.

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261126_000001_partners::Partners;
use super::m20261126_000002_users_and_sessions::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(UserTotp::Table)
                    .col(pk_uuid(UserTotp::UserId))
                    // Nonce and ciphertext, base64: the secret is never stored in the clear.
                    .col(string_len(UserTotp::SecretSealed, 200))
                    // Null while the secret is pending (shown, not yet confirmed with a code).
                    .col(timestamp_with_time_zone_null(UserTotp::EnabledAt))
                    // The time step of the last accepted code: a code is never accepted twice.
                    .col(big_integer_null(UserTotp::LastUsedStep))
                    .col(timestamp_with_time_zone(UserTotp::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_user_totp_user")
                            .from(UserTotp::Table, UserTotp::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(UserRecoveryCodes::Table)
                    .col(pk_uuid(UserRecoveryCodes::Id))
                    .col(uuid(UserRecoveryCodes::UserId))
                    .col(string_len(UserRecoveryCodes::CodeHash, 64))
                    .col(timestamp_with_time_zone_null(UserRecoveryCodes::UsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_user_recovery_codes_user")
                            .from(UserRecoveryCodes::Table, UserRecoveryCodes::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_user_recovery_codes_user_hash")
                    .table(UserRecoveryCodes::Table)
                    .col(UserRecoveryCodes::UserId)
                    .col(UserRecoveryCodes::CodeHash)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PartnerTotpPolicy::Table)
                    .col(pk_uuid(PartnerTotpPolicy::PartnerId))
                    .col(boolean(PartnerTotpPolicy::Required))
                    .col(timestamp_with_time_zone(PartnerTotpPolicy::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_partner_totp_policy_partner")
                            .from(PartnerTotpPolicy::Table, PartnerTotpPolicy::PartnerId)
                            .to(Partners::Table, Partners::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(PartnerTotpPolicy::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(UserRecoveryCodes::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(UserTotp::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum UserTotp {
    Table,
    UserId,
    SecretSealed,
    EnabledAt,
    LastUsedStep,
    CreatedAt,
}

#[derive(DeriveIden)]
enum UserRecoveryCodes {
    Table,
    Id,
    UserId,
    CodeHash,
    UsedAt,
}

#[derive(DeriveIden)]
enum PartnerTotpPolicy {
    Table,
    PartnerId,
    Required,
    UpdatedAt,
}
