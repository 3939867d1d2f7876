//! Coarser usage roll-ups beside `usage_daily` (one row per day, API and developer), so that a
//! period's usage by day, by API and by developer reads a few rows per day or month instead of every
//! API × developer pair of every day: the day's total, each API's and each developer's use per day
//! and per calendar month (the customer's local days; a month row is keyed by its first day).
//! Filled from `usage_daily` for the usage already applied.

use sea_orm_migration::sea_orm::DatabaseBackend;
use sea_orm_migration::{prelude::*, schema::*};

use super::m20261126_000004_customers_and_requests::Customers;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// What each of the five kinds of roll-up row sums from `usage_daily`: dimension, grain, the period
/// expression and the key expression (`{month}` is the backend's first-day-of-month of `day`). A
/// customer has one partner, so grouping by it too changes nothing.
const KINDS: [(&str, &str, &str, &str); 5] = [
    ("total", "day", "day", "''"),
    ("api", "day", "day", "api"),
    ("developer", "day", "day", "autodesk_id"),
    ("api", "month", "{month}", "api"),
    ("developer", "month", "{month}", "autodesk_id"),
];

fn backfill(backend: DatabaseBackend, (dimension, grain, period, key): (&str, &str, &str, &str)) -> String {
    let month = match backend {
        DatabaseBackend::Postgres => "CAST(date_trunc('month', day) AS DATE)",
        _ => "date(day, 'start of month')",
    };
    let period = period.replace("{month}", month);
    // PostgreSQL refuses a constant in GROUP BY; the day's total has no key to group by.
    let group = if key.starts_with('\'') { period.clone() } else { format!("{period}, {key}") };
    format!(
        "INSERT INTO usage_rollups (customer_id, dimension, grain, period, group_key, partner_id, tokens, events) \
         SELECT customer_id, '{dimension}', '{grain}', {period}, {key}, partner_id, SUM(tokens), SUM(events) \
         FROM usage_daily GROUP BY customer_id, partner_id, {group}"
    )
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(UsageRollups::Table)
                    .col(uuid(UsageRollups::CustomerId))
                    .col(
                        string_len(UsageRollups::Dimension, 9)
                            .check(Expr::col(UsageRollups::Dimension).is_in(["total", "api", "developer"])),
                    )
                    .col(
                        string_len(UsageRollups::Grain, 5)
                            .check(Expr::col(UsageRollups::Grain).is_in(["day", "month"])),
                    )
                    .col(date(UsageRollups::Period))
                    .col(string_len(UsageRollups::GroupKey, 254))
                    .col(uuid(UsageRollups::PartnerId))
                    .col(big_integer(UsageRollups::Tokens).check(Expr::col(UsageRollups::Tokens).gte(0)))
                    .col(big_integer(UsageRollups::Events).check(Expr::col(UsageRollups::Events).gte(0)))
                    .primary_key(
                        Index::create()
                            .col(UsageRollups::CustomerId)
                            .col(UsageRollups::Dimension)
                            .col(UsageRollups::Grain)
                            .col(UsageRollups::Period)
                            .col(UsageRollups::GroupKey),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_usage_rollups_customer")
                            .from(UsageRollups::Table, UsageRollups::CustomerId)
                            .to(Customers::Table, Customers::Id),
                    )
                    .to_owned(),
            )
            .await?;
        let backend = manager.get_database_backend();
        for kind in KINDS {
            manager.get_connection().execute_unprepared(&backfill(backend, kind)).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(UsageRollups::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
pub enum UsageRollups {
    Table,
    CustomerId,
    Dimension,
    Grain,
    Period,
    GroupKey,
    PartnerId,
    Tokens,
    Events,
}
