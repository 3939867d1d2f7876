//! What invoices print about payment: the partner's bank transfer details (振込先, up to six
//! lines) and how many days after the invoice date payment is due (0–120, 30 unless set).

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261126_000001_partners::Partners;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Columns {
    BankDetails,
    PaymentDueDays,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        manager
            .alter_table(
                Table::alter().table(Partners::Table).add_column(text_null(Columns::BankDetails)).to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Partners::Table)
                    .add_column(
                        integer(Columns::PaymentDueDays)
                            .default(30)
                            .check(Expr::col(Columns::PaymentDueDays).between(0, 120)),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Columns::BankDetails, Columns::PaymentDueDays] {
            manager.alter_table(Table::alter().table(Partners::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
