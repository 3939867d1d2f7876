//! Orders placed from accepted quotes, their payments, the token packs they buy, each customer's
//! token account (deficit and a version every token change bumps first), the append-only ledger,
//! and the idempotency keys that make retried API calls safe. Tokens are integer thousandths,
//! money integer minor units, times UTC.

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261126_000001_partners::Partners;
use super::m20261126_000002_users_and_sessions::Users;
use super::m20261126_000004_customers_and_requests::Customers;
use super::m20261126_000006_quotes::Quotes;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fk(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create().name(name).from(from.0, from.1).to(to.0, to.1).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Orders::Table)
                    .col(pk_uuid(Orders::Id))
                    .col(uuid(Orders::PartnerId))
                    .col(uuid(Orders::CustomerId))
                    // One order per accepted quote.
                    .col(uuid_uniq(Orders::QuoteId))
                    .col(string_len(Orders::Number, 48))
                    .col(
                        string_len(Orders::PaymentMethod, 16).check(
                            Expr::col(Orders::PaymentMethod).is_in(["invoice", "bank_transfer", "card"]),
                        ),
                    )
                    .col(string_len(Orders::Status, 12).check(Expr::col(Orders::Status).is_in([
                        "placed",
                        "fulfilled",
                        "cancelled",
                    ])))
                    .col(string_len(Orders::Currency, 3))
                    .col(big_integer(Orders::SubtotalMinor))
                    .col(big_integer(Orders::TaxMinor))
                    .col(big_integer(Orders::TotalMinor))
                    .col(integer(Orders::TaxRateHundredths))
                    .col(big_integer(Orders::Tokens).check(Expr::col(Orders::Tokens).gt(0)))
                    .col(string_len_null(Orders::AutodeskOrderRef, 100))
                    .col(uuid(Orders::PlacedBy))
                    .col(timestamp_with_time_zone(Orders::PlacedAt))
                    .col(timestamp_with_time_zone_null(Orders::FulfilledAt))
                    .col(uuid_null(Orders::FulfilledBy))
                    .col(timestamp_with_time_zone_null(Orders::CancelledAt))
                    .col(text_null(Orders::CancelReason))
                    .col(timestamp_with_time_zone(Orders::UpdatedAt))
                    .check(
                        Expr::col(Orders::TotalMinor)
                            .eq(Expr::col(Orders::SubtotalMinor).add(Expr::col(Orders::TaxMinor))),
                    )
                    .foreign_key(&mut fk(
                        "fk_orders_partner",
                        (Orders::Table, Orders::PartnerId),
                        (Partners::Table, Partners::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_orders_customer",
                        (Orders::Table, Orders::CustomerId),
                        (Customers::Table, Customers::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_orders_quote",
                        (Orders::Table, Orders::QuoteId),
                        (Quotes::Table, Quotes::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_orders_placed_by",
                        (Orders::Table, Orders::PlacedBy),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_orders_number")
                    .table(Orders::Table)
                    .col(Orders::PartnerId)
                    .col(Orders::Number)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_orders_partner_placed")
                    .table(Orders::Table)
                    .col(Orders::PartnerId)
                    .col(Orders::PlacedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_orders_status_placed")
                    .table(Orders::Table)
                    .col(Orders::Status)
                    .col(Orders::PlacedAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Payments::Table)
                    .col(pk_uuid(Payments::Id))
                    .col(uuid(Payments::PartnerId))
                    // One payment per order.
                    .col(uuid_uniq(Payments::OrderId))
                    .col(date(Payments::PaidOn))
                    .col(string_len(Payments::Method, 16).check(Expr::col(Payments::Method).is_in([
                        "invoice",
                        "bank_transfer",
                        "card",
                    ])))
                    .col(big_integer(Payments::AmountMinor).check(Expr::col(Payments::AmountMinor).gte(0)))
                    .col(uuid_null(Payments::RecordedBy))
                    .col(timestamp_with_time_zone(Payments::RecordedAt))
                    .foreign_key(&mut fk(
                        "fk_payments_order",
                        (Payments::Table, Payments::OrderId),
                        (Orders::Table, Orders::Id),
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Packs::Table)
                    .col(pk_uuid(Packs::Id))
                    .col(uuid(Packs::PartnerId))
                    .col(uuid(Packs::CustomerId))
                    // One pack per order.
                    .col(uuid_uniq(Packs::OrderId))
                    .col(big_integer(Packs::Tokens).check(Expr::col(Packs::Tokens).gt(0)))
                    .col(big_integer(Packs::Remaining))
                    .col(string_len(Packs::Status, 12).check(Expr::col(Packs::Status).is_in([
                        "pending",
                        "available",
                        "expired",
                        "voided",
                    ])))
                    .col(timestamp_with_time_zone(Packs::PurchasedAt))
                    .col(timestamp_with_time_zone_null(Packs::AvailableAt))
                    .col(timestamp_with_time_zone(Packs::ExpiresAt))
                    .check(
                        Expr::col(Packs::Remaining)
                            .gte(0)
                            .and(Expr::col(Packs::Remaining).lte(Expr::col(Packs::Tokens))),
                    )
                    .foreign_key(&mut fk(
                        "fk_packs_customer",
                        (Packs::Table, Packs::CustomerId),
                        (Customers::Table, Customers::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_packs_order",
                        (Packs::Table, Packs::OrderId),
                        (Orders::Table, Orders::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_packs_customer")
                    .table(Packs::Table)
                    .col(Packs::CustomerId)
                    .col(Packs::Status)
                    .col(Packs::ExpiresAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_packs_status_expires")
                    .table(Packs::Table)
                    .col(Packs::Status)
                    .col(Packs::ExpiresAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CustomerAccounts::Table)
                    .col(pk_uuid(CustomerAccounts::CustomerId))
                    .col(uuid(CustomerAccounts::PartnerId))
                    .col(
                        big_integer(CustomerAccounts::Deficit)
                            .check(Expr::col(CustomerAccounts::Deficit).gte(0)),
                    )
                    .col(timestamp_with_time_zone_null(CustomerAccounts::DeficitSince))
                    .col(timestamp_with_time_zone_null(CustomerAccounts::TrialUntil))
                    // Bumped first by every token change: it serialises a customer's changes and
                    // numbers their ledger entries.
                    .col(big_integer(CustomerAccounts::Version))
                    .col(timestamp_with_time_zone(CustomerAccounts::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_accounts_customer",
                        (CustomerAccounts::Table, CustomerAccounts::CustomerId),
                        (Customers::Table, Customers::Id),
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(LedgerEntries::Table)
                    .col(pk_uuid(LedgerEntries::Id))
                    .col(uuid(LedgerEntries::PartnerId))
                    .col(uuid(LedgerEntries::CustomerId))
                    // The entry's place in its customer's history (the account version it wrote).
                    .col(big_integer(LedgerEntries::Seq))
                    .col(uuid_null(LedgerEntries::PackId))
                    .col(string_len(LedgerEntries::Kind, 16).check(Expr::col(LedgerEntries::Kind).is_in([
                        "purchase",
                        "consumption",
                        "deficit",
                        "deficit_offset",
                        "expiry",
                        "reversal",
                        "adjustment",
                    ])))
                    .col(big_integer(LedgerEntries::Tokens).check(Expr::col(LedgerEntries::Tokens).ne(0)))
                    .col(string_len(LedgerEntries::Reference, 200))
                    .col(text_null(LedgerEntries::Reason))
                    .col(uuid_null(LedgerEntries::ActorUserId))
                    .col(timestamp_with_time_zone(LedgerEntries::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_ledger_customer",
                        (LedgerEntries::Table, LedgerEntries::CustomerId),
                        (Customers::Table, Customers::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_ledger_pack",
                        (LedgerEntries::Table, LedgerEntries::PackId),
                        (Packs::Table, Packs::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_ledger_customer_seq")
                    .table(LedgerEntries::Table)
                    .col(LedgerEntries::CustomerId)
                    .col(LedgerEntries::Seq)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(IdempotencyKeys::Table)
                    // The caller the key belongs to (a partner's id), and the key it sent.
                    .col(string_len(IdempotencyKeys::Scope, 64))
                    .col(string_len(IdempotencyKeys::Key, 255))
                    .col(string_len(IdempotencyKeys::RequestHash, 64))
                    .col(
                        string_len(IdempotencyKeys::State, 12)
                            .check(Expr::col(IdempotencyKeys::State).is_in(["in_progress", "done"])),
                    )
                    .col(integer_null(IdempotencyKeys::ResponseStatus))
                    .col(text_null(IdempotencyKeys::ResponseBody))
                    .col(timestamp_with_time_zone(IdempotencyKeys::CreatedAt))
                    .primary_key(Index::create().col(IdempotencyKeys::Scope).col(IdempotencyKeys::Key))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_idempotency_created")
                    .table(IdempotencyKeys::Table)
                    .col(IdempotencyKeys::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            IdempotencyKeys::Table.into_iden(),
            LedgerEntries::Table.into_iden(),
            CustomerAccounts::Table.into_iden(),
            Packs::Table.into_iden(),
            Payments::Table.into_iden(),
            Orders::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
pub enum Orders {
    Table,
    Id,
    PartnerId,
    CustomerId,
    QuoteId,
    Number,
    PaymentMethod,
    Status,
    Currency,
    SubtotalMinor,
    TaxMinor,
    TotalMinor,
    TaxRateHundredths,
    Tokens,
    AutodeskOrderRef,
    PlacedBy,
    PlacedAt,
    FulfilledAt,
    FulfilledBy,
    CancelledAt,
    CancelReason,
    UpdatedAt,
}

#[derive(DeriveIden)]
pub enum Payments {
    Table,
    Id,
    PartnerId,
    OrderId,
    PaidOn,
    Method,
    AmountMinor,
    RecordedBy,
    RecordedAt,
}

#[derive(DeriveIden)]
pub enum Packs {
    Table,
    Id,
    PartnerId,
    CustomerId,
    OrderId,
    Tokens,
    Remaining,
    Status,
    PurchasedAt,
    AvailableAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
pub enum CustomerAccounts {
    Table,
    CustomerId,
    PartnerId,
    Deficit,
    DeficitSince,
    TrialUntil,
    Version,
    UpdatedAt,
}

#[derive(DeriveIden)]
pub enum LedgerEntries {
    Table,
    Id,
    PartnerId,
    CustomerId,
    Seq,
    PackId,
    Kind,
    Tokens,
    Reference,
    Reason,
    ActorUserId,
    CreatedAt,
}

#[derive(DeriveIden)]
pub enum IdempotencyKeys {
    Table,
    Scope,
    Key,
    RequestHash,
    State,
    ResponseStatus,
    ResponseBody,
    CreatedAt,
}
