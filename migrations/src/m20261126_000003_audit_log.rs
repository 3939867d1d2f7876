//! The audit trail: who did what, on whose behalf, when and from where. Rows are only ever inserted.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(pk_uuid(AuditLog::Id))
                    .col(timestamp_with_time_zone(AuditLog::At))
                    .col(uuid_null(AuditLog::ActorUserId))
                    .col(string_len_null(AuditLog::ActorEmail, 254))
                    .col(uuid_null(AuditLog::PartnerId))
                    .col(string_len(AuditLog::Action, 64))
                    .col(string_len(AuditLog::SubjectType, 32))
                    .col(string_len_null(AuditLog::SubjectId, 64))
                    .col(string_len_null(AuditLog::ClientIp, 64))
                    .col(string_len_null(AuditLog::RequestId, 64))
                    .col(text(AuditLog::Detail))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("idx_audit_at").table(AuditLog::Table).col(AuditLog::At).to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_partner_at")
                    .table(AuditLog::Table)
                    .col(AuditLog::PartnerId)
                    .col(AuditLog::At)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(AuditLog::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    At,
    ActorUserId,
    ActorEmail,
    PartnerId,
    Action,
    SubjectType,
    SubjectId,
    ClientIp,
    RequestId,
    Detail,
}
