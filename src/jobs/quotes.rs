//! Quote expiry: sent quotes whose validity has passed become expired.

use crate::domain::clock::Clock;
use crate::domain::error::Error;
use crate::domain::quotes;
use crate::storage::Db;

/// Expires every sent quote whose `valid_until` is not after the portal clock's now; returns how many.
///
/// # Errors
/// The database failed.
pub async fn expire_quotes(db: &Db, clock: &Clock) -> Result<u64, Error> {
    let expired = quotes::expire_due_at(db, clock.now()).await?;
    if expired > 0 {
        tracing::info!(expired, "quotes expired");
    }
    Ok(expired)
}
