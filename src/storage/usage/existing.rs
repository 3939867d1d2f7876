//! The duplicate check of usage ingestion: which event ids a customer already has stored.

use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QuerySelect, Statement};
use uuid::Uuid;

use super::ROWS_PER_STATEMENT;
use crate::storage::Error;
use crate::storage::entities::usage_event::{self, Entity as Events};

/// Which of `ids` the customer already has stored.
///
/// On PostgreSQL each id (sent as one JSON array) is looked up in the primary key by a lateral
/// subquery with `LIMIT 1`: an `IN` list or `= ANY` was planned from stale row estimates as a scan of
/// all the customer's events, compared with every id. SQLite looks an `IN` list up in the index.
///
/// # Errors
/// Database failures.
pub async fn existing_ids(
    db: &impl ConnectionTrait,
    customer: Uuid,
    ids: &[&str],
) -> Result<Vec<String>, Error> {
    if db.get_database_backend() == DbBackend::Postgres {
        return existing_ids_postgres(db, customer, ids).await;
    }
    let mut found = Vec::new();
    for chunk in ids.chunks(ROWS_PER_STATEMENT) {
        let rows: Vec<String> = Events::find()
            .select_only()
            .column(usage_event::Column::EventId)
            .filter(usage_event::Column::CustomerId.eq(customer))
            .filter(usage_event::Column::EventId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        found.extend(rows);
    }
    Ok(found)
}

async fn existing_ids_postgres(
    db: &impl ConnectionTrait,
    customer: Uuid,
    ids: &[&str],
) -> Result<Vec<String>, Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let statement = Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT e.event_id FROM jsonb_array_elements_text($2::jsonb) AS k(id) CROSS JOIN LATERAL \
         (SELECT event_id FROM usage_events WHERE customer_id = $1 AND event_id = k.id LIMIT 1) AS e",
        [customer.into(), serde_json::Value::from(ids.to_vec()).into()],
    );
    let rows = db.query_all_raw(statement).await?;
    rows.iter().map(|row| row.try_get::<String>("", "event_id").map_err(Error::from)).collect()
}
