//! The usage report as CSV (`event_id,occurred_at,autodesk_id,app,api,units,tokens`), read line by
//! line as it arrives and applied [`MAX_BATCH`] rows per transaction, each row's result naming its
//! line (the header is line 1). A row that cannot be read is rejected with its line; the others go
//! on. With an `Idempotency-Key`, the key is claimed and the whole answer stored in the transaction
//! of the last batch; earlier batches are safe to repeat because each event applies once by id.

use std::collections::HashSet;

use sha2::{Digest, Sha256};
use tokio::io::{AsyncBufRead, AsyncBufReadExt};
use uuid::Uuid;

use super::apply::{Applied, Finish, apply_batch};
use super::event::{Rejection, UsageEventInput};
use super::{EventResult, MAX_BATCH, Slot, prepare};
use crate::domain::Portal;
use crate::domain::actor::{Actor, Origin};
use crate::domain::balance::visible_customer;
use crate::domain::customers::Customer;
use crate::domain::error::{Error, Result};
use crate::domain::idempotency::{self, StreamedKey};

/// The header the file must start with, exactly.
pub const HEADER: &str = "event_id,occurred_at,autodesk_id,app,api,units,tokens";
/// The largest file accepted.
pub const MAX_BYTES: u64 = 50 * 1024 * 1024;
/// A longer row is not a usage record.
const MAX_LINE: usize = 16 * 1024;

type Row = (Option<u64>, std::result::Result<UsageEventInput, Rejection>);

fn header_error() -> Error {
    Error::field(
        "header",
        "invalid",
        "The first line must be exactly: event_id,occurred_at,autodesk_id,app,api,units,tokens",
        "1行目は event_id,occurred_at,autodesk_id,app,api,units,tokens と完全に一致する必要があります。",
    )
}

fn too_large() -> Error {
    Error::field(
        "file",
        "too_large",
        "The file is larger than 50 MiB; split it.",
        "ファイルが50 MiBを超えています。分割してください。",
    )
}

fn no_rows() -> Error {
    Error::field(
        "file",
        "empty",
        "The file has no usage rows after its header.",
        "ファイルにヘッダー以外の使用量の行がありません。",
    )
}

/// Reads one data line into an event, or why it cannot be.
fn parse_row(bytes: &[u8]) -> std::result::Result<UsageEventInput, (String, Rejection)> {
    if bytes.len() > MAX_LINE {
        return Err((String::new(), Rejection::malformed_row("The row is longer than 16 KiB.")));
    }
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
    let mut record = csv::StringRecord::new();
    let read = reader.read_record(&mut record);
    let first = record.get(0).unwrap_or("").to_owned();
    match read {
        Ok(true) if record.len() == 7 => {}
        Ok(_) => {
            return Err((first, Rejection::malformed_row("The row does not have exactly 7 columns.")));
        }
        Err(_) => {
            return Err((first, Rejection::malformed_row("The row is not valid UTF-8 CSV.")));
        }
    }
    let field = |i: usize| record.get(i).unwrap_or("").to_owned();
    let optional = |i: usize| Some(field(i)).filter(|v| !v.trim().is_empty());
    Ok(UsageEventInput {
        event_id: field(0),
        occurred_at: field(1),
        autodesk_id: field(2),
        app: optional(3),
        api: field(4),
        units: optional(5),
        tokens: field(6),
    })
}

/// Reads lines of `reader` and keeps the SHA-256 of every byte read, for the idempotency key.
struct Lines<R> {
    reader: R,
    hasher: Sha256,
    bytes: u64,
    limit: u64,
    number: u64,
    buffer: Vec<u8>,
}

impl<R: AsyncBufRead + Unpin> Lines<R> {
    /// The next line's number and text without its line ending, or `None` at the end.
    async fn next(&mut self) -> Result<Option<(u64, &[u8])>> {
        self.buffer.clear();
        let read = self.reader.read_until(b'\n', &mut self.buffer).await.map_err(Error::internal)?;
        if read == 0 {
            return Ok(None);
        }
        self.bytes += read as u64;
        if self.bytes > self.limit {
            return Err(too_large());
        }
        self.hasher.update(&self.buffer);
        self.number += 1;
        let mut line = self.buffer.as_slice();
        line = line.strip_suffix(b"\n").unwrap_or(line);
        line = line.strip_suffix(b"\r").unwrap_or(line);
        Ok(Some((self.number, line)))
    }

    /// Reads to the end (a replayed request still sends its body) and returns the hash.
    async fn hash_to_end(mut self) -> Result<String> {
        while self.next().await?.is_some() {}
        Ok(hex(self.hasher))
    }
}

fn hex(hasher: Sha256) -> String {
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Applies a usage CSV for `customer_id`, read from `reader` (at most `limit` bytes).
///
/// # Errors
/// `NotFound` for another partner's customer; `Validation` for a wrong header, a file with no rows,
/// one over `limit` bytes or a bad `Idempotency-Key`; `Conflict` while a request with the same key
/// is running. Batches applied before an error stay applied (each event applies once by id).
pub async fn ingest_csv<R: AsyncBufRead + Unpin + Send>(
    portal: &Portal,
    actor: &Actor,
    origin: &Origin,
    customer_id: Uuid,
    reader: R,
    limit: u64,
) -> Result<Vec<EventResult>> {
    let customer = visible_customer(portal, actor, customer_id).await?;
    let key =
        idempotency::begin_streamed(portal.db.conn(), origin.idempotency_key.as_deref(), customer.partner_id)
            .await?;
    let mut lines = Lines { reader, hasher: Sha256::new(), bytes: 0, limit, number: 0, buffer: Vec::new() };
    lines.hasher.update(format!("usage.csv:{}:", customer.id).as_bytes());
    let (_, header) = lines.next().await?.ok_or_else(header_error)?;
    let header = header.strip_prefix("\u{feff}".as_bytes()).unwrap_or(header);
    if header != HEADER.as_bytes() {
        return Err(header_error());
    }
    if let Some(key) = key.as_ref().filter(|k| k.was_used()) {
        let hash = lines.hash_to_end().await?;
        return key.answer(&hash);
    }

    let upload =
        Upload { portal, actor, origin, customer: &customer, seen: HashSet::new(), results: Vec::new() };
    upload.run(lines, key).await
}

struct Upload<'a> {
    portal: &'a Portal,
    actor: &'a Actor,
    origin: &'a Origin,
    customer: &'a Customer,
    seen: HashSet<String>,
    results: Vec<EventResult>,
}

impl Upload<'_> {
    async fn run<R: AsyncBufRead + Unpin>(
        mut self,
        mut lines: Lines<R>,
        key: Option<StreamedKey>,
    ) -> Result<Vec<EventResult>> {
        let mut pending: Vec<Row> = Vec::new();
        let mut full: Option<Vec<Row>> = None;
        while let Some((number, bytes)) = lines.next().await? {
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let line = Some(number);
            pending.push(match parse_row(bytes) {
                Ok(input) => (line, Ok(input)),
                Err((first, why)) => {
                    // Keep the row's first column as its event id when there is one.
                    let id: String = first.chars().take(super::event::MAX_EVENT_ID).collect();
                    self.results_for_unreadable(line, id, why);
                    continue;
                }
            });
            if pending.len() == MAX_BATCH {
                // Apply the previous full batch: the last batch is the one that claims the key.
                if let Some(batch) = full.replace(std::mem::take(&mut pending)) {
                    self.apply(batch, None).await?;
                }
            }
        }
        let last = match (full, pending.is_empty()) {
            (Some(batch), true) => batch,
            (Some(batch), false) => {
                self.apply(batch, None).await?;
                pending
            }
            (None, _) => pending,
        };
        if last.is_empty() && self.results.is_empty() {
            return Err(no_rows());
        }
        let hash = hex(lines.hasher);
        let guard = key.map(|k| k.guard(hash));
        if let Some(replayed) = self.apply(last, guard.as_ref()).await? {
            return Ok(replayed);
        }
        self.results.sort_by_key(|r| r.line);
        Ok(self.results)
    }

    /// Unreadable rows are rejected where they stand, between the batches around them.
    fn results_for_unreadable(&mut self, line: Option<u64>, id: String, why: Rejection) {
        self.results.push(EventResult::rejected(id, line, why));
    }

    /// Applies one batch (the last one with the key's guard) and collects its results; `Some`
    /// with another request's whole answer when that request claimed the key first.
    async fn apply(
        &mut self,
        rows: Vec<Row>,
        guard: Option<&idempotency::Guard>,
    ) -> Result<Option<Vec<EventResult>>> {
        let slots: Vec<Slot> = prepare(rows, &mut self.seen, self.portal.clock.now());
        let finish = guard.map(|guard| Finish { guard, prior: &self.results });
        match apply_batch(self.portal, self.actor, self.origin, self.customer, &slots, finish).await? {
            Applied::Batch(results) => {
                self.results.extend(results);
                Ok(None)
            }
            Applied::Replayed(all) => Ok(Some(all)),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_read_with_quotes_and_empty_optional_columns() {
        let row =
            parse_row(br#"e-1,2027-01-10T09:00:00+09:00,dev@example.com,,"Model Derivative, basic",,"0.5""#)
                .unwrap();
        assert_eq!(row.event_id, "e-1");
        assert_eq!(row.app, None);
        assert_eq!(row.api, "Model Derivative, basic");
        assert_eq!(row.units, None);
        assert_eq!(row.tokens, "0.5");
    }

    #[test]
    fn rows_with_the_wrong_number_of_columns_are_malformed() {
        let (first, why) = parse_row(b"e-2,2027-01-10T09:00:00Z,dev@example.com,app,api,1").unwrap_err();
        assert_eq!((first.as_str(), why.reason.as_str()), ("e-2", "malformed_row"));
        let (_, why) = parse_row(&[0xff, b',', b'1']).unwrap_err();
        assert_eq!(why.reason, "malformed_row");
    }
}
