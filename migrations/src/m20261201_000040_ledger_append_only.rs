//! The ledger is append-only in the database itself, not only by the code's habit: an UPDATE or
//! DELETE of a ledger entry is refused by a trigger on SQLite and on PostgreSQL, so a correction
//! can only be a new entry.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const SQLITE_UP: [&str; 2] = [
    "CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries \
     BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END",
    "CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries \
     BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END",
];

const POSTGRES_UP: [&str; 2] = [
    "CREATE FUNCTION ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ \
     BEGIN RAISE EXCEPTION 'ledger entries are append-only'; END $$",
    "CREATE TRIGGER ledger_entries_no_change BEFORE UPDATE OR DELETE ON ledger_entries \
     FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only()",
];

const SQLITE_DOWN: [&str; 2] =
    ["DROP TRIGGER IF EXISTS ledger_entries_no_update", "DROP TRIGGER IF EXISTS ledger_entries_no_delete"];

const POSTGRES_DOWN: [&str; 2] = [
    "DROP TRIGGER IF EXISTS ledger_entries_no_change ON ledger_entries",
    "DROP FUNCTION IF EXISTS ledger_entries_append_only()",
];

async fn run(manager: &SchemaManager<'_>, statements: [&str; 2]) -> Result<(), DbErr> {
    for sql in statements {
        manager.get_connection().execute_unprepared(sql).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => run(manager, POSTGRES_UP).await,
            _ => run(manager, SQLITE_UP).await,
        }
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => run(manager, POSTGRES_DOWN).await,
            _ => run(manager, SQLITE_DOWN).await,
        }
    }
}
