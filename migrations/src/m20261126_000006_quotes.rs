//! Quotes with their lines and revisions, issued documents (the stored PDF, its hash and
//! verification code), and the per-partner, per-kind, per-year counters that number documents
//! without gaps.

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261126_000001_partners::Partners;
use super::m20261126_000002_users_and_sessions::Users;
use super::m20261126_000004_customers_and_requests::{Customers, QuoteRequestTargets};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Quotes::Table)
                    .col(pk_uuid(Quotes::Id))
                    .col(uuid(Quotes::PartnerId))
                    .col(uuid(Quotes::CustomerId))
                    .col(uuid_null(Quotes::RequestTargetId))
                    // The first revision's id; every revision of one quote shares it and its number.
                    .col(uuid(Quotes::RootId))
                    .col(integer(Quotes::Revision).check(Expr::col(Quotes::Revision).gte(1)))
                    .col(string_len_null(Quotes::Number, 40))
                    .col(string_len(Quotes::Status, 12).check(Expr::col(Quotes::Status).is_in([
                        "draft",
                        "sent",
                        "accepted",
                        "declined",
                        "expired",
                        "withdrawn",
                        "superseded",
                        "ordered",
                    ])))
                    .col(string_len(Quotes::Currency, 3))
                    .col(integer(Quotes::ValidDays).check(Expr::col(Quotes::ValidDays).between(14, 180)))
                    .col(timestamp_with_time_zone_null(Quotes::ValidUntil))
                    .col(text(Quotes::Notes))
                    .col(big_integer(Quotes::SubtotalMinor))
                    .col(big_integer(Quotes::TaxMinor))
                    .col(big_integer(Quotes::TotalMinor))
                    .col(integer(Quotes::TaxRateHundredths))
                    .col(string_len(Quotes::TaxRounding, 10))
                    .col(string_len(Quotes::Language, 5))
                    .col(timestamp_with_time_zone_null(Quotes::SentAt))
                    .col(string_len_null(Quotes::PdfSha256, 64))
                    .col(string_len_uniq(Quotes::LinkTokenHash, 64).null())
                    .col(timestamp_with_time_zone_null(Quotes::RespondedAt))
                    .col(string_len_null(Quotes::AcceptedName, 100))
                    .col(string_len_null(Quotes::AcceptedIp, 64))
                    .col(string_len_null(Quotes::AcceptedPdfSha256, 64))
                    .col(uuid_null(Quotes::AcceptedByUserId))
                    .col(text_null(Quotes::ResponseReason))
                    .col(uuid(Quotes::CreatedBy))
                    .col(timestamp_with_time_zone(Quotes::CreatedAt))
                    .col(timestamp_with_time_zone(Quotes::UpdatedAt))
                    .check(
                        Expr::col(Quotes::TotalMinor)
                            .eq(Expr::col(Quotes::SubtotalMinor).add(Expr::col(Quotes::TaxMinor))),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_quotes_partner")
                            .from(Quotes::Table, Quotes::PartnerId)
                            .to(Partners::Table, Partners::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_quotes_customer")
                            .from(Quotes::Table, Quotes::CustomerId)
                            .to(Customers::Table, Customers::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_quotes_target")
                            .from(Quotes::Table, Quotes::RequestTargetId)
                            .to(QuoteRequestTargets::Table, QuoteRequestTargets::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_quotes_creator")
                            .from(Quotes::Table, Quotes::CreatedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_quotes_revision")
                    .table(Quotes::Table)
                    .col(Quotes::RootId)
                    .col(Quotes::Revision)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_quotes_partner_updated")
                    .table(Quotes::Table)
                    .col(Quotes::PartnerId)
                    .col(Quotes::UpdatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(QuoteLines::Table)
                    .col(pk_uuid(QuoteLines::Id))
                    .col(uuid(QuoteLines::QuoteId))
                    .col(integer(QuoteLines::Position))
                    .col(
                        big_integer(QuoteLines::Tokens)
                            .check(Expr::col(QuoteLines::Tokens).between(100, 1_000_000)),
                    )
                    .col(big_integer(QuoteLines::UnitPriceE4))
                    .col(
                        integer(QuoteLines::DiscountHundredths)
                            .check(Expr::col(QuoteLines::DiscountHundredths).between(0, 10_000)),
                    )
                    .col(
                        big_integer(QuoteLines::AmountMinor).check(Expr::col(QuoteLines::AmountMinor).gte(0)),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_lines_quote")
                            .from(QuoteLines::Table, QuoteLines::QuoteId)
                            .to(Quotes::Table, Quotes::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_lines_quote")
                    .table(QuoteLines::Table)
                    .col(QuoteLines::QuoteId)
                    .col(QuoteLines::Position)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DocumentCounters::Table)
                    .col(uuid(DocumentCounters::PartnerId))
                    .col(string_len(DocumentCounters::Kind, 16))
                    .col(integer(DocumentCounters::Year))
                    .col(big_integer(DocumentCounters::LastNumber))
                    .primary_key(
                        Index::create()
                            .col(DocumentCounters::PartnerId)
                            .col(DocumentCounters::Kind)
                            .col(DocumentCounters::Year),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Documents::Table)
                    .col(pk_uuid(Documents::Id))
                    .col(uuid(Documents::PartnerId))
                    .col(string_len(Documents::Kind, 16))
                    .col(uuid(Documents::SubjectId))
                    .col(string_len(Documents::Number, 48))
                    .col(string_len_uniq(Documents::VerifyCode, 16))
                    .col(string_len(Documents::Sha256, 64))
                    .col(blob(Documents::Content))
                    .col(timestamp_with_time_zone(Documents::IssuedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_documents_partner")
                            .from(Documents::Table, Documents::PartnerId)
                            .to(Partners::Table, Partners::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_documents_subject")
                    .table(Documents::Table)
                    .col(Documents::SubjectId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_documents_number")
                    .table(Documents::Table)
                    .col(Documents::PartnerId)
                    .col(Documents::Kind)
                    .col(Documents::Number)
                    .col(Documents::SubjectId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Documents::Table.into_iden(),
            DocumentCounters::Table.into_iden(),
            QuoteLines::Table.into_iden(),
            Quotes::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
pub enum Quotes {
    Table,
    Id,
    PartnerId,
    CustomerId,
    RequestTargetId,
    RootId,
    Revision,
    Number,
    Status,
    Currency,
    ValidDays,
    ValidUntil,
    Notes,
    SubtotalMinor,
    TaxMinor,
    TotalMinor,
    TaxRateHundredths,
    TaxRounding,
    Language,
    SentAt,
    PdfSha256,
    LinkTokenHash,
    RespondedAt,
    AcceptedName,
    AcceptedIp,
    AcceptedPdfSha256,
    AcceptedByUserId,
    ResponseReason,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum QuoteLines {
    Table,
    Id,
    QuoteId,
    Position,
    Tokens,
    UnitPriceE4,
    DiscountHundredths,
    AmountMinor,
}

#[derive(DeriveIden)]
enum DocumentCounters {
    Table,
    PartnerId,
    Kind,
    Year,
    LastNumber,
}

#[derive(DeriveIden)]
enum Documents {
    Table,
    Id,
    PartnerId,
    Kind,
    SubjectId,
    Number,
    VerifyCode,
    Sha256,
    Content,
    IssuedAt,
}
