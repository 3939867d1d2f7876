//! The partner directory: resellers with their tier, Flex agreement and profile, and a version
//! counter that moves with every directory change so each app instance knows when to reload.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Partners::Table)
                    .col(pk_uuid(Partners::Id))
                    .col(string_len_uniq(Partners::Slug, 64))
                    .col(string_len_uniq(Partners::Csn, 20))
                    .col(string_len(Partners::NameJa, 200))
                    .col(string_len(Partners::NameEn, 200))
                    .col(text(Partners::DescriptionJa))
                    .col(text(Partners::DescriptionEn))
                    .col(string_len(Partners::Tier, 16).check(Expr::col(Partners::Tier).is_in([
                        "platinum",
                        "gold",
                        "silver",
                        "authorized",
                    ])))
                    .col(string_len(Partners::Country, 2))
                    // Comma-separated codes; the search read model and the API split them.
                    .col(text(Partners::Regions))
                    .col(text(Partners::Languages))
                    .col(text(Partners::Services))
                    .col(string_len_null(Partners::Website, 2048))
                    .col(string_len_null(Partners::Email, 254))
                    .col(string_len_null(Partners::Phone, 32))
                    .col(string_len_null(Partners::InvoiceRegistrationNumber, 14))
                    // Hundredths of a percent: 10% is 1000.
                    .col(
                        integer(Partners::MaxDiscountHundredths)
                            .default(0)
                            .check(Expr::col(Partners::MaxDiscountHundredths).between(0, 10_000)),
                    )
                    .col(date_null(Partners::FlexSignedOn))
                    .col(date_null(Partners::FlexExpiresOn))
                    .col(boolean(Partners::Published).default(false))
                    .col(timestamp_with_time_zone(Partners::CreatedAt))
                    .col(timestamp_with_time_zone(Partners::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DirectoryVersion::Table)
                    .col(integer(DirectoryVersion::Id).primary_key())
                    .col(big_integer(DirectoryVersion::Version))
                    .to_owned(),
            )
            .await?;
        let seed = Query::insert()
            .into_table(DirectoryVersion::Table)
            .columns([DirectoryVersion::Id, DirectoryVersion::Version])
            .values_panic([1.into(), 1.into()])
            .to_owned();
        manager.exec_stmt(seed).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(DirectoryVersion::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Partners::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
pub enum Partners {
    Table,
    Id,
    Slug,
    Csn,
    NameJa,
    NameEn,
    DescriptionJa,
    DescriptionEn,
    Tier,
    Country,
    Regions,
    Languages,
    Services,
    Website,
    Email,
    Phone,
    InvoiceRegistrationNumber,
    MaxDiscountHundredths,
    FlexSignedOn,
    FlexExpiresOn,
    Published,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DirectoryVersion {
    Table,
    Id,
    Version,
}
