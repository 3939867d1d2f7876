//! After the sale: developers' Autodesk IDs assigned to a customer, the usage Autodesk reports for
//! them (each event once, with what packs covered and what became deficit), daily roll-ups so
//! analytics never scan raw events, the warnings that must go out exactly once (a developer over
//! their monthly cap, a pack about to expire), the account rules by effective date (trial length,
//! grace period, whether a deficit is allowed at all), and the moment the sweep suspended an
//! account. Tokens are integer thousandths, times UTC, days in the customer's time zone.

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261126_000004_customers_and_requests::Customers;
use super::m20261201_000030_orders_and_ledger::{CustomerAccounts, Packs};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fk(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create().name(name).from(from.0, from.1).to(to.0, to.1).to_owned()
}

/// One live (not revoked) assignment per Autodesk ID and customer. A partial unique index, written
/// out because it reads the same on SQLite and PostgreSQL.
const ONE_LIVE_ASSIGNMENT: &str = "CREATE UNIQUE INDEX idx_assignments_one_live \
     ON assignments (customer_id, autodesk_id) WHERE status <> 'revoked'";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Assignments::Table)
                    .col(pk_uuid(Assignments::Id))
                    .col(uuid(Assignments::PartnerId))
                    .col(uuid(Assignments::CustomerId))
                    .col(string_len(Assignments::AutodeskId, 254))
                    .col(string_len_null(Assignments::Name, 200))
                    .col(
                        big_integer_null(Assignments::TokenCap).check(Expr::col(Assignments::TokenCap).gt(0)),
                    )
                    // `expired` is not stored: an invitation past `invite_expires_at` reads as expired.
                    .col(
                        string_len(Assignments::Status, 10)
                            .check(Expr::col(Assignments::Status).is_in(["invited", "active", "revoked"])),
                    )
                    .col(string_len_null(Assignments::InviteTokenHash, 64).unique_key())
                    .col(timestamp_with_time_zone_null(Assignments::InviteExpiresAt))
                    .col(timestamp_with_time_zone(Assignments::InvitedAt))
                    .col(timestamp_with_time_zone_null(Assignments::AcceptedAt))
                    .col(timestamp_with_time_zone_null(Assignments::RevokedAt))
                    .col(uuid_null(Assignments::CreatedBy))
                    .col(timestamp_with_time_zone(Assignments::CreatedAt))
                    .col(timestamp_with_time_zone(Assignments::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_assignments_customer",
                        (Assignments::Table, Assignments::CustomerId),
                        (Customers::Table, Customers::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager.get_connection().execute_unprepared(ONE_LIVE_ASSIGNMENT).await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_assignments_customer")
                    .table(Assignments::Table)
                    .col(Assignments::CustomerId)
                    .col(Assignments::CreatedAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(UsageEvents::Table)
                    .col(uuid(UsageEvents::CustomerId))
                    .col(string_len(UsageEvents::EventId, 128))
                    .col(uuid(UsageEvents::PartnerId))
                    .col(timestamp_with_time_zone(UsageEvents::OccurredAt))
                    .col(string_len(UsageEvents::AutodeskId, 254))
                    .col(string_len_null(UsageEvents::App, 100))
                    .col(string_len(UsageEvents::Api, 100))
                    .col(big_integer_null(UsageEvents::UnitsThousandths))
                    .col(big_integer(UsageEvents::Tokens).check(Expr::col(UsageEvents::Tokens).gt(0)))
                    .col(big_integer(UsageEvents::Charged).check(Expr::col(UsageEvents::Charged).gte(0)))
                    .col(big_integer(UsageEvents::Uncharged).check(Expr::col(UsageEvents::Uncharged).gte(0)))
                    .col(boolean(UsageEvents::OverCap))
                    .col(uuid(UsageEvents::BatchId))
                    .col(timestamp_with_time_zone(UsageEvents::ReceivedAt))
                    .primary_key(Index::create().col(UsageEvents::CustomerId).col(UsageEvents::EventId))
                    .check(
                        Expr::col(UsageEvents::Charged)
                            .add(Expr::col(UsageEvents::Uncharged))
                            .eq(Expr::col(UsageEvents::Tokens)),
                    )
                    .foreign_key(&mut fk(
                        "fk_usage_events_customer",
                        (UsageEvents::Table, UsageEvents::CustomerId),
                        (Customers::Table, Customers::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_usage_events_customer_time")
                    .table(UsageEvents::Table)
                    .col(UsageEvents::CustomerId)
                    .col(UsageEvents::OccurredAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(UsageDaily::Table)
                    .col(uuid(UsageDaily::CustomerId))
                    .col(date(UsageDaily::Day))
                    .col(string_len(UsageDaily::Api, 100))
                    .col(string_len(UsageDaily::AutodeskId, 254))
                    .col(uuid(UsageDaily::PartnerId))
                    .col(big_integer(UsageDaily::Tokens).check(Expr::col(UsageDaily::Tokens).gte(0)))
                    .col(big_integer(UsageDaily::Events).check(Expr::col(UsageDaily::Events).gte(0)))
                    .primary_key(
                        Index::create()
                            .col(UsageDaily::CustomerId)
                            .col(UsageDaily::Day)
                            .col(UsageDaily::Api)
                            .col(UsageDaily::AutodeskId),
                    )
                    .foreign_key(&mut fk(
                        "fk_usage_daily_customer",
                        (UsageDaily::Table, UsageDaily::CustomerId),
                        (Customers::Table, Customers::Id),
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(UsageCapWarnings::Table)
                    .col(uuid(UsageCapWarnings::CustomerId))
                    .col(string_len(UsageCapWarnings::AutodeskId, 254))
                    .col(string_len(UsageCapWarnings::Month, 7))
                    .col(timestamp_with_time_zone(UsageCapWarnings::SentAt))
                    .primary_key(
                        Index::create()
                            .col(UsageCapWarnings::CustomerId)
                            .col(UsageCapWarnings::AutodeskId)
                            .col(UsageCapWarnings::Month),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ExpiryWarnings::Table)
                    .col(uuid(ExpiryWarnings::PackId))
                    .col(integer(ExpiryWarnings::DaysBefore))
                    .col(timestamp_with_time_zone(ExpiryWarnings::SentAt))
                    .primary_key(Index::create().col(ExpiryWarnings::PackId).col(ExpiryWarnings::DaysBefore))
                    .foreign_key(&mut fk(
                        "fk_expiry_warnings_pack",
                        (ExpiryWarnings::Table, ExpiryWarnings::PackId),
                        (Packs::Table, Packs::Id),
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AccountRules::Table)
                    .col(pk_uuid(AccountRules::Id))
                    .col(date(AccountRules::EffectiveFrom).unique_key())
                    .col(integer(AccountRules::TrialDays).check(Expr::col(AccountRules::TrialDays).gte(0)))
                    .col(integer(AccountRules::GraceDays).check(Expr::col(AccountRules::GraceDays).gte(0)))
                    .col(boolean(AccountRules::DeficitAllowed))
                    .col(text_null(AccountRules::Note))
                    .col(uuid_null(AccountRules::CreatedBy))
                    .col(timestamp_with_time_zone(AccountRules::CreatedAt))
                    .to_owned(),
            )
            .await?;
        // The seed's terms: a 90-day trial without a balance shown, 14 days' grace for a deficit,
        // then suspension until a purchase covers it.
        let seeded = Query::insert()
            .into_table(AccountRules::Table)
            .columns([
                AccountRules::Id,
                AccountRules::EffectiveFrom,
                AccountRules::TrialDays,
                AccountRules::GraceDays,
                AccountRules::DeficitAllowed,
                AccountRules::Note,
                AccountRules::CreatedAt,
            ])
            .values_panic([
                sea_orm::prelude::Uuid::from_u128(0x0000_0000_0000_4000_8000_0000_0000_0501).into(),
                sea_orm::prelude::Date::from_ymd_opt(2020, 1, 1).into(),
                90.into(),
                14.into(),
                true.into(),
                "Autodesk Flex terms as published: 90-day trial, 14 days' grace for uncharged usage".into(),
                sea_orm::prelude::DateTimeUtc::from_timestamp(1_764_547_200, 0).into(),
            ])
            .to_owned();
        manager.exec_stmt(seeded).await?;

        manager
            .alter_table(
                Table::alter()
                    .table(CustomerAccounts::Table)
                    .add_column(timestamp_with_time_zone_null(AccountsSuspension::SuspendedAt))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(CustomerAccounts::Table)
                    .drop_column(AccountsSuspension::SuspendedAt)
                    .to_owned(),
            )
            .await?;
        for table in [
            AccountRules::Table.into_iden(),
            ExpiryWarnings::Table.into_iden(),
            UsageCapWarnings::Table.into_iden(),
            UsageDaily::Table.into_iden(),
            UsageEvents::Table.into_iden(),
            Assignments::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum AccountsSuspension {
    SuspendedAt,
}

#[derive(DeriveIden)]
pub enum Assignments {
    Table,
    Id,
    PartnerId,
    CustomerId,
    AutodeskId,
    Name,
    TokenCap,
    Status,
    InviteTokenHash,
    InviteExpiresAt,
    InvitedAt,
    AcceptedAt,
    RevokedAt,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
pub enum UsageEvents {
    Table,
    CustomerId,
    EventId,
    PartnerId,
    OccurredAt,
    AutodeskId,
    App,
    Api,
    UnitsThousandths,
    Tokens,
    Charged,
    Uncharged,
    OverCap,
    BatchId,
    ReceivedAt,
}

#[derive(DeriveIden)]
pub enum UsageDaily {
    Table,
    CustomerId,
    Day,
    Api,
    AutodeskId,
    PartnerId,
    Tokens,
    Events,
}

#[derive(DeriveIden)]
pub enum UsageCapWarnings {
    Table,
    CustomerId,
    AutodeskId,
    Month,
    SentAt,
}

#[derive(DeriveIden)]
pub enum ExpiryWarnings {
    Table,
    PackId,
    DaysBefore,
    SentAt,
}

#[derive(DeriveIden)]
pub enum AccountRules {
    Table,
    Id,
    EffectiveFrom,
    TrialDays,
    GraceDays,
    DeficitAllowed,
    Note,
    CreatedBy,
    CreatedAt,
}
