//! The operator's price book (per currency, volume tiers, effective dates) and tax rules (per
//! country: rate, rounding, effective dates), seeded with the published sample figures.
//!
//! Unit prices are integer ten-thousandths of the major unit (¥370.5 is 3 705 000), since volume
//! prices go below the currency's minor unit; tax rates are hundredths of a percent (10% is 1000).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PriceTiers::Table)
                    .col(pk_uuid(PriceTiers::Id))
                    .col(string_len(PriceTiers::Currency, 3))
                    .col(big_integer(PriceTiers::MinTokens).check(Expr::col(PriceTiers::MinTokens).gte(1)))
                    .col(big_integer(PriceTiers::UnitPriceE4).check(Expr::col(PriceTiers::UnitPriceE4).gt(0)))
                    .col(date(PriceTiers::EffectiveFrom))
                    .col(date_null(PriceTiers::EffectiveTo))
                    .col(boolean(PriceTiers::Sample).default(false))
                    .col(timestamp_with_time_zone(PriceTiers::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TaxRules::Table)
                    .col(pk_uuid(TaxRules::Id))
                    .col(string_len(TaxRules::Country, 2))
                    .col(string_len(TaxRules::Name, 100))
                    .col(
                        integer(TaxRules::RateHundredths)
                            .check(Expr::col(TaxRules::RateHundredths).between(0, 10_000)),
                    )
                    .col(
                        string_len(TaxRules::Rounding, 10)
                            .check(Expr::col(TaxRules::Rounding).is_in(["down", "half_up", "up"])),
                    )
                    .col(date(TaxRules::EffectiveFrom))
                    .col(date_null(TaxRules::EffectiveTo))
                    .col(timestamp_with_time_zone(TaxRules::CreatedAt))
                    .to_owned(),
            )
            .await?;
        let created = "2026-11-26T00:00:00Z";
        let mut tiers = Query::insert()
            .into_table(PriceTiers::Table)
            .columns([
                PriceTiers::Id,
                PriceTiers::Currency,
                PriceTiers::MinTokens,
                PriceTiers::UnitPriceE4,
                PriceTiers::EffectiveFrom,
                PriceTiers::Sample,
                PriceTiers::CreatedAt,
            ])
            .to_owned();
        for (id, currency, min, price) in [
            ("00000000-0000-4000-8000-000000000101", "JPY", 100_i64, 3_900_000_i64),
            ("00000000-0000-4000-8000-000000000102", "JPY", 5_000, 3_802_500),
            ("00000000-0000-4000-8000-000000000103", "JPY", 10_000, 3_705_000),
            ("00000000-0000-4000-8000-000000000201", "USD", 100, 30_000),
        ] {
            tiers.values_panic([
                uuid_value(id),
                currency.into(),
                min.into(),
                price.into(),
                date_value("2024-01-01"),
                true.into(),
                timestamp_value(created),
            ]);
        }
        manager.exec_stmt(tiers).await?;
        let rule = Query::insert()
            .into_table(TaxRules::Table)
            .columns([
                TaxRules::Id,
                TaxRules::Country,
                TaxRules::Name,
                TaxRules::RateHundredths,
                TaxRules::Rounding,
                TaxRules::EffectiveFrom,
                TaxRules::CreatedAt,
            ])
            .values_panic([
                uuid_value("00000000-0000-4000-8000-000000000301"),
                "JP".into(),
                "消費税 / Japanese consumption tax".into(),
                1000.into(),
                "down".into(),
                date_value("2019-10-01"),
                timestamp_value(created),
            ])
            .to_owned();
        manager.exec_stmt(rule).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(TaxRules::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(PriceTiers::Table).to_owned()).await
    }
}

fn uuid_value(text: &str) -> SimpleExpr {
    sea_orm::prelude::Uuid::parse_str(text).map(|u| u.into()).unwrap_or_else(|_| Expr::cust("NULL"))
}

fn date_value(text: &str) -> SimpleExpr {
    sea_orm::prelude::Date::parse_from_str(text, "%Y-%m-%d")
        .map(|d| d.into())
        .unwrap_or_else(|_| Expr::cust("NULL"))
}

fn timestamp_value(text: &str) -> SimpleExpr {
    sea_orm::prelude::DateTimeUtc::from(
        sea_orm::prelude::DateTimeWithTimeZone::parse_from_rfc3339(text).unwrap_or_default(),
    )
    .into()
}

#[derive(DeriveIden)]
enum PriceTiers {
    Table,
    Id,
    Currency,
    MinTokens,
    UnitPriceE4,
    EffectiveFrom,
    EffectiveTo,
    Sample,
    CreatedAt,
}

#[derive(DeriveIden)]
enum TaxRules {
    Table,
    Id,
    Country,
    Name,
    RateHundredths,
    Rounding,
    EffectiveFrom,
    EffectiveTo,
    CreatedAt,
}
