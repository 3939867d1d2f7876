//! A queued mail's attachments: the issued documents (invoice, delivery note, receipt, credit
//! note) it carries, by reference, so the PDF bytes are stored once and the mail carries exactly
//! the document whose SHA-256 the portal recorded.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OutboxAttachments::Table)
                    .col(uuid(OutboxAttachments::OutboxId))
                    .col(integer(OutboxAttachments::Position))
                    .col(uuid(OutboxAttachments::DocumentId))
                    .primary_key(
                        Index::create().col(OutboxAttachments::OutboxId).col(OutboxAttachments::Position),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_outbox_attachments_outbox")
                            .from(OutboxAttachments::Table, OutboxAttachments::OutboxId)
                            .to(Outbox::Table, Outbox::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_outbox_attachments_document")
                            .from(OutboxAttachments::Table, OutboxAttachments::DocumentId)
                            .to(Documents::Table, Documents::Id),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(OutboxAttachments::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum OutboxAttachments {
    Table,
    OutboxId,
    Position,
    DocumentId,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Documents {
    Table,
    Id,
}
