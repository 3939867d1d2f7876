//! Each reseller's customer book, and quote requests from the public with the partners each one
//! was routed to (and why).

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261126_000001_partners::Partners;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Customers::Table)
                    .col(pk_uuid(Customers::Id))
                    .col(uuid(Customers::PartnerId))
                    .col(string_len(Customers::CompanyName, 200))
                    .col(string_len(Customers::ContactName, 100))
                    .col(string_len(Customers::Email, 254))
                    .col(string_len_null(Customers::Phone, 32))
                    .col(string_len_null(Customers::PostalCode, 16))
                    .col(string_len_null(Customers::Address, 300))
                    .col(string_len(Customers::Country, 2))
                    .col(string_len(Customers::Language, 5))
                    .col(string_len(Customers::TimeZone, 64))
                    .col(string_len(Customers::PurchaserAutodeskId, 254))
                    .col(timestamp_with_time_zone(Customers::CreatedAt))
                    .col(timestamp_with_time_zone(Customers::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_customers_partner")
                            .from(Customers::Table, Customers::PartnerId)
                            .to(Partners::Table, Partners::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_customers_partner")
                    .table(Customers::Table)
                    .col(Customers::PartnerId)
                    .col(Customers::CompanyName)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(QuoteRequests::Table)
                    .col(pk_uuid(QuoteRequests::Id))
                    .col(string_len_uniq(QuoteRequests::Reference, 32))
                    .col(string_len(QuoteRequests::Company, 200))
                    .col(string_len(QuoteRequests::ContactName, 100))
                    .col(string_len(QuoteRequests::Email, 254))
                    .col(string_len(QuoteRequests::AutodeskId, 254))
                    .col(
                        big_integer(QuoteRequests::Tokens)
                            .check(Expr::col(QuoteRequests::Tokens).between(100, 1_000_000)),
                    )
                    .col(string_len(QuoteRequests::Country, 2))
                    .col(string_len_null(QuoteRequests::Region, 8))
                    .col(string_len(QuoteRequests::Language, 5))
                    .col(text(QuoteRequests::Message))
                    .col(string_len_null(QuoteRequests::ClientIp, 64))
                    .col(timestamp_with_time_zone(QuoteRequests::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(QuoteRequestTargets::Table)
                    .col(pk_uuid(QuoteRequestTargets::Id))
                    .col(uuid(QuoteRequestTargets::QuoteRequestId))
                    .col(uuid(QuoteRequestTargets::PartnerId))
                    .col(string_len(QuoteRequestTargets::Reason, 500))
                    .col(string_len(QuoteRequestTargets::Status, 16).check(
                        Expr::col(QuoteRequestTargets::Status).is_in([
                            "new",
                            "in_progress",
                            "quoted",
                            "declined",
                        ]),
                    ))
                    .col(uuid_null(QuoteRequestTargets::CustomerId))
                    .col(timestamp_with_time_zone(QuoteRequestTargets::CreatedAt))
                    .col(timestamp_with_time_zone(QuoteRequestTargets::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_targets_request")
                            .from(QuoteRequestTargets::Table, QuoteRequestTargets::QuoteRequestId)
                            .to(QuoteRequests::Table, QuoteRequests::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_targets_partner")
                            .from(QuoteRequestTargets::Table, QuoteRequestTargets::PartnerId)
                            .to(Partners::Table, Partners::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_targets_customer")
                            .from(QuoteRequestTargets::Table, QuoteRequestTargets::CustomerId)
                            .to(Customers::Table, Customers::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_targets_request_partner")
                    .table(QuoteRequestTargets::Table)
                    .col(QuoteRequestTargets::QuoteRequestId)
                    .col(QuoteRequestTargets::PartnerId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_targets_partner_status")
                    .table(QuoteRequestTargets::Table)
                    .col(QuoteRequestTargets::PartnerId)
                    .col(QuoteRequestTargets::Status)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(QuoteRequestTargets::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(QuoteRequests::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Customers::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
pub enum Customers {
    Table,
    Id,
    PartnerId,
    CompanyName,
    ContactName,
    Email,
    Phone,
    PostalCode,
    Address,
    Country,
    Language,
    TimeZone,
    PurchaserAutodeskId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
pub enum QuoteRequests {
    Table,
    Id,
    Reference,
    Company,
    ContactName,
    Email,
    AutodeskId,
    Tokens,
    Country,
    Region,
    Language,
    Message,
    ClientIp,
    CreatedAt,
}

#[derive(DeriveIden)]
pub enum QuoteRequestTargets {
    Table,
    Id,
    QuoteRequestId,
    PartnerId,
    Reason,
    Status,
    CustomerId,
    CreatedAt,
    UpdatedAt,
}
