//! Schema migrations for flexportal: one concern per file, append-only once landed.
//! The same migrations run on SQLite and PostgreSQL, so they use only portable column types:
//! money as integer minor units, token amounts as integer thousandths, times as UTC timestamps.

pub use sea_orm_migration::prelude::*;

mod m20261126_000001_partners;
mod m20261126_000002_users_and_sessions;
mod m20261126_000003_audit_log;
mod m20261126_000004_customers_and_requests;
mod m20261126_000005_price_book_and_tax;
mod m20261126_000006_quotes;
mod m20261126_000007_outbox;
mod m20261130_000030_totp;
mod m20261130_000060_document_parties;
mod m20261130_000070_tax_outside_japan;
mod m20261201_000010_partner_document_prefix;
mod m20261201_000020_partner_invoice_terms;
mod m20261201_000030_orders_and_ledger;
mod m20261201_000040_ledger_append_only;
mod m20261201_000050_usage_and_assignments;
mod m20261201_000060_token_rates;
mod m20261201_000063_ledger_token_events_index;
mod m20261201_000064_customer_trial_start;
mod m20261201_000070_outbox_attachments;
mod m20261201_000080_usage_events_without_time_index;
mod m20261202_000010_usage_rollups;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261126_000001_partners::Migration),
            Box::new(m20261126_000002_users_and_sessions::Migration),
            Box::new(m20261126_000003_audit_log::Migration),
            Box::new(m20261126_000004_customers_and_requests::Migration),
            Box::new(m20261126_000005_price_book_and_tax::Migration),
            Box::new(m20261126_000006_quotes::Migration),
            Box::new(m20261126_000007_outbox::Migration),
            Box::new(m20261130_000030_totp::Migration),
            Box::new(m20261130_000060_document_parties::Migration),
            Box::new(m20261130_000070_tax_outside_japan::Migration),
            Box::new(m20261201_000010_partner_document_prefix::Migration),
            Box::new(m20261201_000020_partner_invoice_terms::Migration),
            Box::new(m20261201_000030_orders_and_ledger::Migration),
            Box::new(m20261201_000040_ledger_append_only::Migration),
            Box::new(m20261201_000050_usage_and_assignments::Migration),
            Box::new(m20261201_000060_token_rates::Migration),
            Box::new(m20261201_000063_ledger_token_events_index::Migration),
            Box::new(m20261201_000064_customer_trial_start::Migration),
            Box::new(m20261201_000070_outbox_attachments::Migration),
            Box::new(m20261201_000080_usage_events_without_time_index::Migration),
            Box::new(m20261202_000010_usage_rollups::Migration),
        ]
    }
}
