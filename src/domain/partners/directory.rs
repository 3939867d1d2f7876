//! The public directory's read model: an in-memory search index of published partners per app
//! instance. The database stays the source of truth; a version counter in it moves with every
//! change, and each instance reloads when it sees the counter move (at once after its own writes,
//! within a couple of seconds after another instance's).

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use super::doc_of;
use super::search_index::SearchIndex;
use crate::domain::error::{Error, Result};
use crate::storage::{self, Db};

const POLL_EVERY: Duration = Duration::from_secs(2);
/// Partners read per query when loading; a change made meanwhile moves the version, and the next
/// poll loads again.
const LOAD_BATCH: u64 = 2_000;

pub struct Directory {
    index: RwLock<Arc<SearchIndex>>,
    version: AtomicI64,
    reloading: tokio::sync::Mutex<()>,
}

impl Default for Directory {
    fn default() -> Self {
        Self {
            index: RwLock::new(Arc::new(SearchIndex::build(Vec::new()))),
            version: AtomicI64::new(-1),
            reloading: tokio::sync::Mutex::new(()),
        }
    }
}

impl Directory {
    /// The current index; searches hold it while they read, reloads swap in a new one.
    pub fn snapshot(&self) -> Arc<SearchIndex> {
        self.index.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Reloads from the database when its version differs from the one loaded.
    ///
    /// # Errors
    /// Database failures (the old index stays in use).
    pub async fn refresh(&self, db: &Db) -> Result<()> {
        let _one_at_a_time = self.reloading.lock().await;
        let version = storage::partners::version(db.conn()).await.map_err(Error::internal)?;
        if version == self.version.load(Ordering::Acquire) {
            return Ok(());
        }
        let mut docs = Vec::new();
        let mut after = None;
        loop {
            let rows = storage::partners::published_after(db.conn(), after, LOAD_BATCH)
                .await
                .map_err(Error::internal)?;
            after = rows.last().map(|r| r.id);
            docs.extend(rows.iter().map(doc_of));
            if (rows.len() as u64) < LOAD_BATCH {
                break;
            }
        }
        // Building 100,000 documents takes a moment of CPU; keep it off the async workers.
        let started = std::time::Instant::now();
        let index =
            tokio::task::spawn_blocking(move || SearchIndex::build(docs)).await.map_err(Error::internal)?;
        tracing::info!(
            partners = index.len(),
            heap_mib = index.heap_bytes() / (1024 * 1024),
            build_ms = started.elapsed().as_millis() as u64,
            "directory index loaded"
        );
        *self.index.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(index);
        self.version.store(version, Ordering::Release);
        Ok(())
    }
}

/// Keeps this instance's directory in step with changes made by other instances.
pub fn spawn_refresher(directory: Arc<Directory>, db: Db) {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(POLL_EVERY).await;
            if let Err(e) = directory.refresh(&db).await {
                tracing::warn!(error = %e, "directory refresh failed; serving the previous index");
            }
        }
    });
}
