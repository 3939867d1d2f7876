//! Persistence: sea-orm entities and the queries over them. Knows nothing of business rules or HTTP.

pub mod account_rules;
pub mod assignments;
pub mod audit;
pub mod customers;
pub mod documents;
pub mod entities;
pub mod expiry_warnings;
pub mod idempotency;
pub mod index_file;
pub mod orders;
pub mod outbox;
pub mod partners;
pub mod price_book;
pub mod quote_requests;
pub mod quotes;
pub mod sessions;
pub mod token_rates;
pub mod tokens;
pub mod totp;
pub mod trial;
pub mod usage;
pub mod usage_analytics;
pub mod users;

use std::sync::Arc;
use std::time::Duration;

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    TransactionTrait,
};
use sea_orm_migration::MigratorTrait;
use tokio::sync::{Mutex, OwnedMutexGuard};

/// What storage can fail with: the database itself, or a stored value the portal cannot read.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("database: {0}")]
    Database(#[from] DbErr),
    /// A row holds a value no record type accepts (an unknown status, currency or time zone):
    /// never read as a default, always reported with the row that holds it.
    #[error("{table} row {id}: cannot read {column} {value:?}")]
    Unreadable { table: &'static str, id: uuid::Uuid, column: &'static str, value: String },
    /// A record holds a value its column cannot keep exactly (the parsers refuse such input first).
    #[error("{table} row {id}: {column} cannot hold {value:?}")]
    Unstorable { table: &'static str, id: uuid::Uuid, column: &'static str, value: String },
}

/// The storage functions that still answer the driver's error convert straight into the domain's
/// `Internal`, so the domain writes `?` instead of mapping every call.
impl From<DbErr> for crate::domain::error::Error {
    fn from(source: DbErr) -> Self {
        Error::Database(source).into()
    }
}

/// A connection or an open transaction, for callers that pass one along to storage functions
/// without knowing the driver behind it.
pub trait Conn: ConnectionTrait {}

impl<T: ConnectionTrait> Conn for T {}

/// Tells whether a failed write broke a unique constraint, and which (the driver's detail text,
/// which names the constraint or column).
pub trait UniqueViolation {
    fn unique_violation(&self) -> Option<String>;
}

impl UniqueViolation for DbErr {
    fn unique_violation(&self) -> Option<String> {
        match self.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(detail)) => Some(detail),
            _ => None,
        }
    }
}

/// Whether a failed write named a row that does not exist (a foreign key), e.g. a user for a
/// partner that is not there.
pub fn broke_foreign_key(e: &DbErr) -> bool {
    matches!(e.sql_err(), Some(sea_orm::SqlErr::ForeignKeyConstraintViolation(_)))
}

impl UniqueViolation for Error {
    fn unique_violation(&self) -> Option<String> {
        match self {
            Error::Database(e) => e.unique_violation(),
            Error::Unreadable { .. } | Error::Unstorable { .. } => None,
        }
    }
}

impl Error {
    pub(crate) fn unstorable(table: &'static str, id: uuid::Uuid, column: &'static str, value: &str) -> Self {
        Self::Unstorable { table, id, column, value: value.to_owned() }
    }

    pub(crate) fn unreadable(table: &'static str, id: uuid::Uuid, column: &'static str, value: &str) -> Self {
        let value: String = value.chars().take(64).collect();
        Self::Unreadable { table, id, column, value }
    }
}

/// The database handle shared by every request.
///
/// SQLite allows one writer at a time and answers "database is locked" when two deferred
/// transactions both try to upgrade to writing; a process-wide writer lock queues them instead.
/// PostgreSQL needs no such lock: its row locks and conditional updates do the work.
#[derive(Clone)]
pub struct Db {
    conn: DatabaseConnection,
    writer: Option<Arc<Mutex<()>>>,
}

/// A transaction that may write. Commit it; dropping it rolls back.
pub struct WriteTx {
    tx: DatabaseTransaction,
    _writer: Option<OwnedMutexGuard<()>>,
}

impl std::ops::Deref for WriteTx {
    type Target = DatabaseTransaction;
    fn deref(&self) -> &DatabaseTransaction {
        &self.tx
    }
}

impl WriteTx {
    /// # Errors
    /// The database refused the commit.
    pub async fn commit(self) -> Result<(), Error> {
        Ok(self.tx.commit().await?)
    }
}

impl Db {
    /// Connects to `url` (`sqlite://…` or `postgres://…`).
    ///
    /// # Errors
    /// The database cannot be reached or opened.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, Error> {
        let mut options = ConnectOptions::new(url.to_owned());
        options
            .max_connections(max_connections.max(1))
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            .sqlx_logging(false);
        let is_sqlite = url.starts_with("sqlite:");
        if is_sqlite {
            options.map_sqlx_sqlite_opts(|opts| {
                opts.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                    .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10))
                    // Each connection keeps its own page cache (2 MiB by default); reads that matter
                    // are served from the in-memory directory and the OS file cache, so a small one
                    // keeps the server's memory flat as the pool grows.
                    .pragma("cache_size", "-512")
            });
        }
        let conn = Database::connect(options).await?;
        Ok(Self { conn, writer: is_sqlite.then(|| Arc::new(Mutex::new(()))) })
    }

    pub fn conn(&self) -> &DatabaseConnection {
        &self.conn
    }

    pub fn backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    /// Begins a transaction that may write (queued behind other writers on SQLite).
    ///
    /// # Errors
    /// The transaction could not begin.
    pub async fn write(&self) -> Result<WriteTx, Error> {
        let guard = match &self.writer {
            Some(lock) => Some(lock.clone().lock_owned().await),
            None => None,
        };
        let tx = self.conn.begin().await?;
        Ok(WriteTx { tx, _writer: guard })
    }

    /// Begins a transaction that may write, or `None` at once when another writer holds the SQLite
    /// writer lock: for best-effort writes (a session's last-seen time) that must neither wait
    /// behind a long write nor race it into "database is locked".
    ///
    /// # Errors
    /// The transaction could not begin.
    pub async fn try_write(&self) -> Result<Option<WriteTx>, DbErr> {
        let guard = match &self.writer {
            Some(lock) => match lock.clone().try_lock_owned() {
                Ok(guard) => Some(guard),
                Err(_) => return Ok(None),
            },
            None => None,
        };
        let tx = self.conn.begin().await?;
        Ok(Some(WriteTx { tx, _writer: guard }))
    }

    /// Applies every pending migration.
    ///
    /// # Errors
    /// A migration failed.
    pub async fn migrate(&self) -> Result<(), Error> {
        Ok(migrations::Migrator::up(&self.conn, None).await?)
    }

    /// A round trip to the database, for readiness checks.
    ///
    /// # Errors
    /// The database did not answer.
    pub async fn ping(&self) -> Result<(), Error> {
        self.conn.execute_unprepared("SELECT 1").await?;
        Ok(())
    }
}
