//! Idempotency keys: a caller that sends `Idempotency-Key` with a request may send it again and
//! gets the first answer back, status included, instead of the work done twice (ledger.md).
//!
//! Insert first: the request that inserts the key does the work and stores its response in the
//! same transaction, so the key and the work commit together or not at all. A request that finds
//! the key done with the same request hash gets the stored response; one with another hash is
//! refused (422); one that finds it in progress is told to retry (409). Keys are kept at least
//! [`KEEP_HOURS`] hours, then purged by the sweep.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::domain::error::{Error, Result};

/// How long a key is kept, at least.
pub const KEEP_HOURS: i64 = 24;
/// The longest key accepted.
pub const MAX_KEY_LEN: usize = 255;

/// A key as the caller sent it: 1 to 255 visible ASCII characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// # Errors
    /// `Validation` naming `Idempotency-Key` for an empty, too long or non-printable key.
    pub fn parse(text: &str) -> Result<Self> {
        let text = text.trim();
        if text.is_empty() || text.len() > MAX_KEY_LEN || !text.chars().all(|c| c.is_ascii_graphic()) {
            return Err(Error::field(
                "Idempotency-Key",
                "invalid",
                "The Idempotency-Key header must be 1 to 255 visible ASCII characters.",
                "Idempotency-Key ヘッダーは1〜255文字の表示可能な ASCII 文字で指定してください。",
            ));
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyState {
    InProgress,
    Done,
}

impl KeyState {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyState::InProgress => "in_progress",
            KeyState::Done => "done",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [KeyState::InProgress, KeyState::Done].into_iter().find(|s| s.as_str() == text)
    }
}

/// A key as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyRecord {
    /// Whose key it is (a partner's id).
    pub scope: String,
    pub key: String,
    pub request_hash: String,
    pub state: KeyState,
    pub response: Option<StoredResponse>,
    pub created_at: DateTime<Utc>,
}

/// The answer a request gave: its status and JSON body, returned as they were to a retry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub status: u16,
    pub body: String,
}

/// The hash of what a request asked for: the operation, its target and its canonical input.
pub fn request_hash(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.len().to_le_bytes());
        hasher.update(part.as_bytes());
    }
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// A request that carried a key nobody used yet: it claims the key in its transaction and stores
/// its response there.
#[derive(Debug, Clone)]
pub(crate) struct Guard {
    scope: String,
    key: IdempotencyKey,
    hash: String,
}

/// What a request with (or without) a key should do.
pub(crate) enum Begin<T> {
    /// The key was used for this very request: its stored response.
    Replay(T),
    /// Do the work (claiming the key in the same transaction, when there is one).
    Fresh(Option<Guard>),
}

fn reused_with_other_request() -> Error {
    Error::field(
        "Idempotency-Key",
        "reused",
        "This Idempotency-Key was already used for a different request; use a new key.",
        "この Idempotency-Key は別のリクエストで使用済みです。新しいキーを使用してください。",
    )
}

fn in_progress() -> Error {
    Error::conflict(
        "A request with this Idempotency-Key is still being processed; retry in a moment.",
        "この Idempotency-Key のリクエストは処理中です。しばらくしてから再試行してください。",
    )
}

fn settle<T: serde::de::DeserializeOwned>(record: IdempotencyRecord, hash: &str) -> Result<T> {
    if record.request_hash != hash {
        return Err(reused_with_other_request());
    }
    match (record.state, record.response) {
        (KeyState::Done, Some(response)) => serde_json::from_str(&response.body).map_err(Error::internal),
        _ => Err(in_progress()),
    }
}

/// Looks the request's key up before any work: a key used before answers from its record.
///
/// # Errors
/// `Validation` for a malformed key or one used with another request; `Conflict` while the first
/// request with the key is still running.
pub(crate) async fn begin<T: serde::de::DeserializeOwned>(
    db: &impl crate::storage::Conn,
    key: Option<&str>,
    scope: uuid::Uuid,
    hash: String,
) -> Result<Begin<T>> {
    let Some(key) = key else { return Ok(Begin::Fresh(None)) };
    let key = IdempotencyKey::parse(key)?;
    let scope = scope.to_string();
    match crate::storage::idempotency::find(db, &scope, key.as_str()).await? {
        Some(record) => settle(record, &hash).map(Begin::Replay),
        None => Ok(Begin::Fresh(Some(Guard { scope, key, hash }))),
    }
}

impl Guard {
    /// Claims the key inside `tx`. `Ok(None)`: claimed, go ahead. `Ok(Some(answer))`: another
    /// request claimed it first and finished; the caller drops its transaction and answers this.
    ///
    /// # Errors
    /// As [`begin`] once the other request's record is read.
    pub(crate) async fn claim<T: serde::de::DeserializeOwned>(
        &self,
        tx: &crate::storage::WriteTx,
        now: DateTime<Utc>,
    ) -> Result<Option<Result<T>>> {
        if crate::storage::idempotency::claim(&**tx, &self.scope, self.key.as_str(), &self.hash, now).await? {
            return Ok(None);
        }
        // Read in the same transaction (its next statement sees the other request's commit): a
        // second connection while holding this one could starve the pool under a burst of retries.
        let record = crate::storage::idempotency::find(&**tx, &self.scope, self.key.as_str()).await?;
        Ok(Some(match record {
            Some(record) => settle(record, &self.hash),
            None => Err(in_progress()),
        }))
    }

    /// Stores the response in `tx`, beside the work it answers.
    ///
    /// # Errors
    /// Database failures.
    pub(crate) async fn complete<T: serde::Serialize>(
        &self,
        tx: &crate::storage::WriteTx,
        status: u16,
        value: &T,
    ) -> Result<()> {
        let body = serde_json::to_string(value).map_err(Error::internal)?;
        crate::storage::idempotency::complete(
            &**tx,
            &self.scope,
            self.key.as_str(),
            &StoredResponse { status, body },
        )
        .await?;
        Ok(())
    }
}

/// A key sent with a streamed request, whose hash is known only once the whole body is read.
#[derive(Debug, Clone)]
pub(crate) struct StreamedKey {
    scope: String,
    key: IdempotencyKey,
    record: Option<IdempotencyRecord>,
}

impl StreamedKey {
    /// Whether a request used the key before.
    pub(crate) fn was_used(&self) -> bool {
        self.record.is_some()
    }

    /// What the earlier request's record answers a request with hash `hash`.
    ///
    /// # Errors
    /// As [`begin`].
    pub(crate) fn answer<T: serde::de::DeserializeOwned>(&self, hash: &str) -> Result<T> {
        match &self.record {
            Some(record) => settle(record.clone(), hash),
            None => Err(in_progress()),
        }
    }

    /// The guard to claim the key with, once the request's hash is known.
    pub(crate) fn guard(self, hash: String) -> Guard {
        Guard { scope: self.scope, key: self.key, hash }
    }
}

/// Looks a streamed request's key up before reading its body.
///
/// # Errors
/// `Validation` for a malformed key.
pub(crate) async fn begin_streamed(
    db: &impl crate::storage::Conn,
    key: Option<&str>,
    scope: uuid::Uuid,
) -> Result<Option<StreamedKey>> {
    let Some(key) = key else { return Ok(None) };
    let key = IdempotencyKey::parse(key)?;
    let scope = scope.to_string();
    let record = crate::storage::idempotency::find(db, &scope, key.as_str()).await?;
    Ok(Some(StreamedKey { scope, key, record }))
}

/// Claims the key (when there is one) as the first thing in `tx`; `Some(answer)` when another
/// request with the key finished first.
///
/// # Errors
/// As [`Guard::claim`].
pub(crate) async fn claim_in<T: serde::de::DeserializeOwned>(
    guard: Option<&Guard>,
    tx: &crate::storage::WriteTx,
    now: DateTime<Utc>,
) -> Result<Option<Result<T>>> {
    match guard {
        Some(guard) => guard.claim(tx, now).await,
        None => Ok(None),
    }
}

/// Stores the response when the request had a key.
///
/// # Errors
/// Database failures.
pub(crate) async fn complete_in<T: serde::Serialize>(
    guard: Option<&Guard>,
    tx: &crate::storage::WriteTx,
    status: u16,
    value: &T,
) -> Result<()> {
    match guard {
        Some(guard) => guard.complete(tx, status, value).await,
        None => Ok(()),
    }
}
