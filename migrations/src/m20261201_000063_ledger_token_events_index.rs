//! Usage analytics list a period's token events (purchases, expiries, offsets, adjustments) out of
//! a ledger that also holds every consumption entry: an index by customer, kind and time finds them
//! without reading the customer's whole history.

use sea_orm_migration::prelude::*;

use super::m20261201_000030_orders_and_ledger::LedgerEntries;

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEX: &str = "idx_ledger_customer_kind_time";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(LedgerEntries::Table)
                    .col(LedgerEntries::CustomerId)
                    .col(LedgerEntries::Kind)
                    .col(LedgerEntries::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name(INDEX).table(LedgerEntries::Table).to_owned()).await
    }
}
