//! What the business documents print about their parties: the customer's department (部署) for
//! the addressee line, and the partner's postal code, address and payment terms (支払条件) for the
//! issuer block. All optional, so existing rows stay valid.

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261126_000001_partners::Partners;
use super::m20261126_000004_customers_and_requests::Customers;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Columns {
    Department,
    PostalCode,
    Address,
    PaymentTerms,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(Customers::Table)
                    .add_column(string_len_null(Columns::Department, 200))
                    .to_owned(),
            )
            .await?;
        for column in [
            string_len_null(Columns::PostalCode, 20),
            string_len_null(Columns::Address, 300),
            string_len_null(Columns::PaymentTerms, 300),
        ] {
            let mut column = column;
            manager
                .alter_table(Table::alter().table(Partners::Table).add_column(&mut column).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table(Customers::Table).drop_column(Columns::Department).to_owned())
            .await?;
        for column in [Columns::PostalCode, Columns::Address, Columns::PaymentTerms] {
            manager.alter_table(Table::alter().table(Partners::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
