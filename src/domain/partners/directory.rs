//! The public directory's read model: an in-memory search index of published partners per app
//! instance. The database stays the source of truth; a version counter in it moves with every
//! change, and each instance reloads when it sees the counter move (at once after its own writes,
//! within a couple of seconds after another instance's).
//!
//! A large directory takes seconds to load and index, so the built index is also written to the
//! data folder (at most every 30 seconds, in the background) and read back at the next start when
//! the database still says it was built from the same state.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use super::doc_of;
use super::search_index::SearchIndex;
use crate::domain::error::{Error, Result};
use crate::storage::{self, Db};

const POLL_EVERY: Duration = Duration::from_secs(2);
/// Partners read per query when loading; a change made meanwhile moves the version, and the next
/// poll loads again.
const LOAD_BATCH: u64 = 2_000;

/// The shortest time between two writes of the saved index.
const SAVE_AT_MOST_EVERY: Duration = Duration::from_secs(30);

pub struct Directory {
    index: RwLock<Arc<SearchIndex>>,
    version: AtomicI64,
    reloading: tokio::sync::Mutex<()>,
    saved: Option<SavedIndex>,
}

/// Where the built index is kept between runs, and what this instance last did with it.
struct SavedIndex {
    path: PathBuf,
    /// Names the database, so that a folder pointed at another database never reuses an index.
    database: String,
    state: Mutex<SaveState>,
    writing: Arc<AtomicBool>,
}

#[derive(Default)]
struct SaveState {
    /// An index built from the database and not written yet, with the stamp of what it was built
    /// from; kept together so that a write never pairs one index with another's stamp.
    pending: Option<(String, Arc<SearchIndex>)>,
    last_write: Option<Instant>,
}

impl Default for Directory {
    fn default() -> Self {
        Self {
            index: RwLock::new(Arc::new(SearchIndex::build(Vec::new()))),
            version: AtomicI64::new(-1),
            reloading: tokio::sync::Mutex::new(()),
            saved: None,
        }
    }
}

impl Directory {
    /// A directory that keeps its built index in `path` between runs; `database` identifies the
    /// database it is built from (its URL, of which only a hash is written).
    pub fn saved_at(path: PathBuf, database: &str) -> Self {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(database.as_bytes());
        let database = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
        Directory {
            saved: Some(SavedIndex {
                path,
                database,
                state: Mutex::default(),
                writing: Arc::new(AtomicBool::new(false)),
            }),
            ..Directory::default()
        }
    }

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
        let version = storage::partners::version(db.conn()).await?;
        if version == self.version.load(Ordering::Acquire) {
            return Ok(());
        }
        let stamp = match &self.saved {
            Some(saved) => {
                let state = storage::partners::stamp(db.conn()).await?;
                Some(format!("{}:{version}:{state}", saved.database))
            }
            None => None,
        };
        let started = Instant::now();
        let first_load = self.version.load(Ordering::Acquire) == -1;
        let from_file = match (&self.saved, &stamp) {
            (Some(saved), Some(stamp)) if first_load => saved.read(stamp.clone()).await,
            _ => None,
        };
        let index = match from_file {
            Some(index) => Arc::new(index),
            None => {
                let index = Arc::new(load_and_build(db).await?);
                if let (Some(saved), Some(stamp)) = (&self.saved, stamp) {
                    saved.state.lock().unwrap_or_else(|p| p.into_inner()).pending =
                        Some((stamp, index.clone()));
                }
                index
            }
        };
        tracing::info!(
            partners = index.len(),
            heap_mib = index.heap_bytes() / (1024 * 1024),
            millis = started.elapsed().as_millis() as u64,
            "directory index loaded"
        );
        *self.index.write().unwrap_or_else(|p| p.into_inner()) = index;
        self.version.store(version, Ordering::Release);
        if first_load {
            self.save_if_due();
        }
        Ok(())
    }

    /// Writes the index in use to the data folder, in the background, when it has not been written
    /// and the last write is long enough ago.
    pub fn save_if_due(&self) {
        let Some(saved) = &self.saved else { return };
        let mut state = saved.state.lock().unwrap_or_else(|p| p.into_inner());
        let recent = state.last_write.is_some_and(|at| at.elapsed() < SAVE_AT_MOST_EVERY);
        // Set only under the lock, cleared by the writer when it is done.
        if recent || saved.writing.load(Ordering::Acquire) {
            return;
        }
        let Some((stamp, index)) = state.pending.take() else { return };
        saved.writing.store(true, Ordering::Release);
        state.last_write = Some(Instant::now());
        drop(state);
        let path = saved.path.clone();
        let done = std::thread::Builder::new().name("directory-save".into()).spawn({
            let writing = Arc::clone(&saved.writing);
            move || {
                if let Err(e) = storage::index_file::write(&path, |out| index.write_snapshot(&stamp, out)) {
                    tracing::warn!(error = %e, path = %path.display(), "the directory index could not be saved");
                }
                writing.store(false, Ordering::Release);
            }
        });
        if done.is_err() {
            saved.writing.store(false, Ordering::Release);
        }
    }
}

async fn load_and_build(db: &Db) -> Result<SearchIndex> {
    let mut docs = Vec::new();
    let mut after = None;
    loop {
        let rows = storage::partners::published_after(db.conn(), after, LOAD_BATCH).await?;
        after = rows.last().map(|r| r.id);
        docs.extend(rows.iter().map(doc_of));
        if (rows.len() as u64) < LOAD_BATCH {
            break;
        }
    }
    // Building 100,000 documents takes a moment of CPU; keep it off the async workers.
    tokio::task::spawn_blocking(move || SearchIndex::build(docs)).await.map_err(Error::internal)
}

impl SavedIndex {
    /// The saved index, if there is one built from `stamp`; anything else is logged and ignored.
    async fn read(&self, stamp: String) -> Option<SearchIndex> {
        let path = self.path.clone();
        let read = tokio::task::spawn_blocking(move || {
            storage::index_file::read(&path, |input| SearchIndex::read_snapshot(&stamp, input))
        })
        .await;
        match read {
            Ok(Ok(found)) => found,
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "the saved directory index is unreadable; building it again");
                None
            }
            Err(e) => {
                tracing::warn!(error = %e, "reading the saved directory index failed");
                None
            }
        }
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
            directory.save_if_due();
        }
    });
}
