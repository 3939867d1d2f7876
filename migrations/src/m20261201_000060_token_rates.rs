//! The token rate table the public estimator reads: how many tokens Autodesk charges for a number of
//! units of an API (calls, processing hours), with the days each rate is in force. Operator data,
//! because Autodesk changes its rates; seeded with the historical published rates, labelled as such.
//!
//! A rate is exact integers: `tokens_thousandths` tokens (in thousandths) per `per_units` units, so
//! 1 token per 300,000 calls is (1000, 300000) and 3 tokens per processing hour is (3000, 1).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TokenRates::Table)
                    .col(pk_uuid(TokenRates::Id))
                    .col(string_len(TokenRates::Api, 50))
                    .col(string_len(TokenRates::NameEn, 200))
                    .col(string_len(TokenRates::NameJa, 200))
                    .col(string_len(TokenRates::UnitEn, 100))
                    .col(string_len(TokenRates::UnitJa, 100))
                    .col(
                        big_integer(TokenRates::TokensThousandths)
                            .check(Expr::col(TokenRates::TokensThousandths).gt(0)),
                    )
                    .col(big_integer(TokenRates::PerUnits).check(Expr::col(TokenRates::PerUnits).gt(0)))
                    .col(date(TokenRates::EffectiveFrom))
                    .col(date_null(TokenRates::EffectiveTo))
                    .col(boolean(TokenRates::Historical).default(false))
                    .col(uuid_null(TokenRates::CreatedBy))
                    .col(timestamp_with_time_zone(TokenRates::CreatedAt))
                    .check(
                        Expr::col(TokenRates::EffectiveTo)
                            .is_null()
                            .or(Expr::col(TokenRates::EffectiveTo).gte(Expr::col(TokenRates::EffectiveFrom))),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_token_rates_api_from")
                    .table(TokenRates::Table)
                    .col(TokenRates::Api)
                    .col(TokenRates::EffectiveFrom)
                    .unique()
                    .to_owned(),
            )
            .await?;
        let mut seed = Query::insert()
            .into_table(TokenRates::Table)
            .columns([
                TokenRates::Id,
                TokenRates::Api,
                TokenRates::NameEn,
                TokenRates::NameJa,
                TokenRates::UnitEn,
                TokenRates::UnitJa,
                TokenRates::TokensThousandths,
                TokenRates::PerUnits,
                TokenRates::EffectiveFrom,
                TokenRates::Historical,
                TokenRates::CreatedAt,
            ])
            .to_owned();
        let from = sea_orm::prelude::Date::from_ymd_opt(2024, 1, 1).unwrap_or_default();
        let created = sea_orm::prelude::DateTimeUtc::from_timestamp(1_796_083_200, 0).unwrap_or_default();
        for (id, api, name_en, name_ja, unit_en, unit_ja, thousandths, per_units) in [
            (
                0x0601_u128,
                "model_derivative_basic",
                "Model Derivative API, basic interactions",
                "Model Derivative API（基本的な操作）",
                "calls",
                "回の呼び出し",
                1000_i64,
                300_000_i64,
            ),
            (
                0x0602,
                "automation_fusion",
                "Automation API for Fusion",
                "Automation API for Fusion",
                "processing hours",
                "処理時間（時間）",
                3000,
                1,
            ),
        ] {
            seed.values_panic([
                sea_orm::prelude::Uuid::from_u128(0x0000_0000_0000_4000_8000_0000_0000_0000 | id).into(),
                api.into(),
                name_en.into(),
                name_ja.into(),
                unit_en.into(),
                unit_ja.into(),
                thousandths.into(),
                per_units.into(),
                from.into(),
                true.into(),
                created.into(),
            ]);
        }
        manager.exec_stmt(seed).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(TokenRates::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum TokenRates {
    Table,
    Id,
    Api,
    NameEn,
    NameJa,
    UnitEn,
    UnitJa,
    TokensThousandths,
    PerUnits,
    EffectiveFrom,
    EffectiveTo,
    Historical,
    CreatedBy,
    CreatedAt,
}
