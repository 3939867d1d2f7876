//! The day the reseller recorded that a customer's Autodesk trial began. Kept with the customer so
//! that the customer form shows it back; the account's `trial_until` is computed from it with the
//! account rules in force on that day.

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261126_000004_customers_and_requests::Customers;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Columns {
    TrialStartedOn,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Customers::Table)
                    .add_column(date_null(Columns::TrialStartedOn))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table(Customers::Table).drop_column(Columns::TrialStartedOn).to_owned(),
            )
            .await
    }
}
