//! Bulk import of partners from a CSV file: every row is checked first, then the good ones are
//! created or updated by CSN in batches, and the rows that could not be taken are reported with
//! their line and reason.

mod rows;

use std::collections::{HashMap, HashSet};
use std::io::Read;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::manage::{row_from, save};
use super::profile::ValidPartner;
use crate::domain::Portal;
use crate::domain::actor::{Actor, Origin};
use crate::domain::audit::{self, AuditEvent};
use crate::domain::error::{Error, Result};
use crate::domain::numbering::PrefixAllocator;
use crate::storage::partners as store;

pub use rows::{COLUMNS, MAX_FIELD_CHARS, MAX_FIELDS_PER_ROW, MAX_FILE_BYTES};

/// Rows written per transaction: large enough to amortise the commit, small enough that SQLite's
/// single writer is not held for long while the portal serves requests.
const BATCH_ROWS: usize = 500;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub created: u64,
    pub updated: u64,
    pub rejected: Vec<RejectedRow>,
}

/// A row that was not written, by its physical line in the file (the header is line 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRow {
    pub line: u64,
    pub csn: String,
    pub reason: String,
}

struct GoodRow {
    line: u64,
    valid: ValidPartner,
}

/// Imports partners from a CSV file with a header row naming every column of [`COLUMNS`]
/// (any order). A partner whose CSN exists is replaced by its row, otherwise created. Each row is
/// either written whole or rejected; `progress` hears how many rows are settled so far.
///
/// # Errors
/// `Forbidden` for anyone but the operator (`None` is the command line); `Validation` on the field
/// `file` when the file as a whole is refused (size, header, encoding, absurd rows), in which case
/// nothing was written; `Internal` for database failures (batches already committed stay).
pub async fn import_csv(
    portal: &Portal,
    actor: Option<&Actor>,
    origin: &Origin,
    reader: impl Read,
    mut progress: impl FnMut(u64),
) -> Result<ImportReport> {
    if actor.is_some_and(|a| !a.is_admin()) {
        return Err(Error::Forbidden);
    }
    let (good, mut rejected) = read_rows(reader)?;
    let mut report = ImportReport::default();
    let mut done = rejected.len() as u64;
    progress(done);
    let now = portal.clock.now();
    for batch in good.chunks(BATCH_ROWS) {
        write_batch(portal, actor, origin, now, batch, &mut report, &mut rejected).await?;
        done += batch.len() as u64;
        progress(done);
    }
    rejected.sort_by_key(|r| r.line);
    report.rejected = rejected;
    let tx = portal.db.write().await?;
    let event = AuditEvent {
        action: "partners.imported",
        subject_type: "partner",
        subject_id: None,
        detail: serde_json::json!({
            "created": report.created, "updated": report.updated, "rejected": report.rejected.len(),
        }),
    };
    audit::record(&*tx, now, actor, None, origin, event).await?;
    tx.commit().await?;
    portal.directory.refresh(&portal.db).await?;
    Ok(report)
}

/// Parses every row before anything is written, so a file refused as a whole leaves no trace.
/// Within the file the first good row of a CSN wins, and a slug may belong to one CSN only.
fn read_rows(reader: impl Read) -> Result<(Vec<GoodRow>, Vec<RejectedRow>)> {
    let mut rows = rows::Rows::open(reader)?;
    let (mut good, mut rejected) = (Vec::new(), Vec::new());
    let mut csn_lines: HashMap<String, u64> = HashMap::new();
    let mut slug_owners: HashMap<String, (String, u64)> = HashMap::new();
    while let Some(row) = rows.next_row()? {
        let valid = match row.parsed {
            Ok(valid) => valid,
            Err(reason) => {
                rejected.push(RejectedRow { line: row.line, csn: row.csn, reason });
                continue;
            }
        };
        let reason = if let Some(first) = csn_lines.get(&valid.csn) {
            format!("duplicate CSN (first on line {first})")
        } else if let Some((csn, line)) = slug_owners.get(&valid.slug) {
            format!("slug {} is used by partner with CSN {csn} (line {line})", rows::quoted(&valid.slug))
        } else {
            csn_lines.insert(valid.csn.clone(), row.line);
            slug_owners.insert(valid.slug.clone(), (valid.csn.clone(), row.line));
            good.push(GoodRow { line: row.line, valid });
            continue;
        };
        rejected.push(RejectedRow { line: row.line, csn: valid.csn, reason });
    }
    Ok((good, rejected))
}

/// Writes one batch in one transaction. A row whose write fails (a slug or CSN taken by a
/// concurrent writer since the checks) spoils the transaction on PostgreSQL, so the batch is rolled
/// back and written again without that row, which is rejected; nothing else in the batch is lost.
async fn write_batch(
    portal: &Portal,
    actor: Option<&Actor>,
    origin: &Origin,
    now: DateTime<Utc>,
    batch: &[GoodRow],
    report: &mut ImportReport,
    rejected: &mut Vec<RejectedRow>,
) -> Result<()> {
    let mut failed = HashSet::new();
    loop {
        match try_batch(portal, actor, origin, now, batch, &failed).await? {
            Attempt::Committed { created, updated, slug_taken } => {
                report.created += created;
                report.updated += updated;
                rejected.extend(slug_taken);
                return Ok(());
            }
            Attempt::RowFailed { index, reason } => {
                failed.insert(index);
                if let Some(GoodRow { line, valid }) = batch.get(index) {
                    rejected.push(RejectedRow { line: *line, csn: valid.csn.clone(), reason });
                }
            }
        }
    }
}

enum Attempt {
    Committed { created: u64, updated: u64, slug_taken: Vec<RejectedRow> },
    RowFailed { index: usize, reason: String },
}

async fn try_batch(
    portal: &Portal,
    actor: Option<&Actor>,
    origin: &Origin,
    now: DateTime<Utc>,
    batch: &[GoodRow],
    failed: &HashSet<usize>,
) -> Result<Attempt> {
    let tx = portal.db.write().await?;
    // Writing first takes SQLite's write lock now, so a writer in another process makes this
    // batch wait instead of failing it when the reads below would have to be upgraded.
    store::bump_version(&*tx).await?;
    let rows: Vec<(usize, &GoodRow)> =
        batch.iter().enumerate().filter(|(i, _)| !failed.contains(i)).collect();
    let csns: Vec<String> = rows.iter().map(|(_, r)| r.valid.csn.clone()).collect();
    let slugs: Vec<String> = rows.iter().map(|(_, r)| r.valid.slug.clone()).collect();
    let known = store::find_by_csns_or_slugs(&*tx, &csns, &slugs).await?;
    // New partners get their document prefix here, free against the table (this transaction holds
    // the write) and against each other.
    let mut prefixes = PrefixAllocator::new(store::document_prefixes(&*tx).await?);
    let mut by_csn: HashMap<String, super::Partner> = HashMap::new();
    let mut slug_owner: HashMap<String, String> = HashMap::new();
    for row in known {
        slug_owner.insert(row.slug.clone(), row.csn.clone());
        by_csn.insert(row.csn.clone(), row);
    }
    let (mut created, mut updated, mut slug_taken) = (0, 0, Vec::new());
    for (index, GoodRow { line, valid }) in rows {
        if let Some(owner) = slug_owner.get(&valid.slug).filter(|owner| **owner != valid.csn) {
            let reason = format!("slug {} is used by partner with CSN {owner}", rows::quoted(&valid.slug));
            slug_taken.push(RejectedRow { line: *line, csn: valid.csn.clone(), reason });
            continue;
        }
        let existing = by_csn.get(&valid.csn);
        let row = match existing {
            // The CSV has no document fields: a re-import keeps the stored prefix, address and terms.
            Some(existing) => super::Partner {
                postal_code: existing.postal_code.clone(),
                address: existing.address.clone(),
                payment_terms: existing.payment_terms.clone(),
                bank_details: existing.bank_details.clone(),
                payment_due_days: existing.payment_due_days,
                ..row_from(
                    existing.id,
                    valid.clone(),
                    existing.document_prefix.clone(),
                    existing.created_at,
                    now,
                )
            },
            None => row_from(Uuid::new_v4(), valid.clone(), prefixes.allocate(&valid.slug), now, now),
        };
        match save(&tx, actor, origin, row, existing.is_none()).await {
            Ok(saved) => {
                // A partner that changed its slug frees the old one for later rows of the batch.
                if let Some(old) = existing.filter(|e| e.slug != saved.slug) {
                    slug_owner.remove(&old.slug);
                }
                if existing.is_some() {
                    updated += 1
                } else {
                    created += 1
                }
                slug_owner.insert(saved.slug, saved.csn);
            }
            Err(Error::Validation(fields)) => {
                let reasons: Vec<String> = fields
                    .iter()
                    .map(|f| format!("{}: {}", f.field, rows::sentence(&f.message.en)))
                    .collect();
                return Ok(Attempt::RowFailed { index, reason: reasons.join("; ") });
            }
            Err(e) => return Err(e),
        }
    }
    tx.commit().await?;
    Ok(Attempt::Committed { created, updated, slug_taken })
}
