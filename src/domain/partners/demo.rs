//! Deterministic demo directories: clearly fictional partners, three in four in Japan's 47
//! prefectures and the rest in other APS markets, for demos, first starts and benchmarks.
//!
//! Randomness comes from SplitMix64 (Steele, Lea and Flood, 2014), written out in `split_mix`
//! rather than taken from `rand`: the same `(count, seed)` must give the same directory on every
//! platform and with every version of the crate, which `rand`'s `StdRng` does not promise. Each
//! partner draws from its own stream keyed by `(seed, index)`, so a directory of 300 is the first
//! 300 of a directory of 100,000, and running `demo-data` again with a larger count only adds
//! partners.

mod partner;
mod split_mix;
mod words;

use uuid::Uuid;

use super::Partner;
use super::manage::{default_prefix, row_from, save};
use super::profile::PartnerInput;
use crate::domain::Portal;
use crate::domain::actor::Origin;
use crate::domain::audit::{self, AuditEvent};
use crate::domain::error::{Error, Result};
use crate::domain::numbering::PrefixAllocator;
use crate::domain::registration_number::check_digit;
use crate::storage::partners as store;
use partner::partner_at;

/// The most partners one seed can produce without repeating a CSN.
pub const MAX_PARTNERS: usize = 10_000_000;
/// Partners written per transaction (22 columns × 1,000 rows stays under SQLite's bound values).
const SEED_BATCH: usize = 1_000;

/// The first `count` partners (at most [`MAX_PARTNERS`]) of the directory for `seed`. Every one
/// passes [`PartnerInput::parse`] and has a unique slug and CSN.
pub fn generate(count: usize, seed: u64) -> Vec<PartnerInput> {
    (0..count.min(MAX_PARTNERS) as u64).map(|index| partner_at(seed, index)).collect()
}

/// The search documents of [`generate`]'s partners, as the directory would load them once stored:
/// for measuring the search index without a database.
///
/// # Errors
/// `Internal` when a generated partner does not parse (a generator bug).
pub fn generate_docs(count: usize, seed: u64) -> Result<Vec<super::PartnerDoc>> {
    let epoch = chrono::DateTime::UNIX_EPOCH;
    generate(count, seed)
        .into_iter()
        .enumerate()
        .map(|(index, input)| {
            let valid = input.parse().map_err(|e| {
                Error::Internal(format!("generated partner {index} (seed {seed}) is invalid: {e}").into())
            })?;
            Ok(super::doc_of(&row_from(Uuid::new_v4(), valid, String::new(), epoch, epoch)))
        })
        .collect()
}

/// Writes the first `count` partners of the directory for `seed` in batches, skipping any whose
/// slug or CSN is already taken (so running it twice adds nothing); returns how many were written.
/// `progress` hears how many partners have been handled so far.
///
/// # Errors
/// Database failures (batches already committed stay).
pub async fn seed_directory(
    portal: &Portal,
    count: usize,
    seed: u64,
    mut progress: impl FnMut(u64),
) -> Result<u64> {
    let count = count.min(MAX_PARTNERS) as u64;
    let now = portal.clock.now();
    let (mut done, mut written) = (0_u64, 0_u64);
    // Prefixes are handed out before each insert, free against the table and the batch; a partner
    // already there (by slug or CSN) is skipped with the prefix it was offered left unused.
    let mut prefixes = PrefixAllocator::new(store::document_prefixes(portal.db.conn()).await?);
    while done < count {
        let end = (done + SEED_BATCH as u64).min(count);
        let rows = (done..end)
            .map(|index| {
                let valid = partner_at(seed, index).parse().map_err(|e| {
                    Error::Internal(format!("generated partner {index} (seed {seed}) is invalid: {e}").into())
                })?;
                let prefix = prefixes.allocate(&valid.slug);
                Ok(row_from(Uuid::new_v4(), valid, prefix, now, now))
            })
            .collect::<Result<Vec<_>>>()?;
        let tx = portal.db.write().await?;
        let landed = store::insert_many_new(&*tx, rows).await?;
        // An unchanged directory keeps its version, so no instance rebuilds its index for nothing.
        if landed > 0 {
            store::bump_version(&*tx).await?;
        }
        written += landed;
        tx.commit().await?;
        done = end;
        progress(done);
    }
    let tx = portal.db.write().await?;
    let event = AuditEvent {
        action: "partners.demo_generated",
        subject_type: "partner",
        subject_id: None,
        detail: serde_json::json!({ "requested": count, "written": written, "seed": seed }),
    };
    audit::record(&*tx, now, None, None, &Origin::default(), event).await?;
    tx.commit().await?;
    if written > 0 {
        portal.directory.refresh(&portal.db).await?;
    }
    Ok(written)
}

pub const SHOWCASE_SLUG: &str = "demo-tokyo";

/// The one demo partner everybody can find and sign in to: platinum, in Tokyo, Flex-eligible.
pub fn showcase_partner() -> PartnerInput {
    let base = "912345678901";
    let check = check_digit(base.as_bytes()).unwrap_or(0);
    PartnerInput {
        slug: SHOWCASE_SLUG.into(),
        name_ja: "東京デモテック株式会社".into(),
        name_en: "Tokyo Demo Tech KK".into(),
        description_ja: "東京都を中心に、Autodesk Flex トークンの見積・購入を支援する架空の販売店です。\
            デモ用のアカウントで販売店の画面をお試しいただけます。"
            .into(),
        description_en: "A fictional reseller based in Tokyo, helping teams quote and buy Autodesk Flex \
            tokens. Sign in with the demo accounts to try the reseller's side of the portal."
            .into(),
        tier: "platinum".into(),
        csn: "5100000001".into(),
        document_prefix: String::new(),
        country: "JP".into(),
        regions: vec!["JP-13".into(), "JP-14".into(), "JP-11".into()],
        languages: vec!["ja".into(), "en".into()],
        services: ["flex_tokens", "aps_consulting", "app_development", "support"].map(String::from).into(),
        website: "https://demo-tokyo.example/".into(),
        email: "info@demo-tokyo.example".into(),
        phone: "03-0000-0000".into(),
        postal_code: "100-0005".into(),
        address: "東京都千代田区丸の内9-9-9 デモテックビル5F".into(),
        payment_terms: "請求書発行日から30日以内にお振込みください。".into(),
        bank_details: "デモ銀行 東京営業部 普通 1234567\nトウキヨウデモテツク（カ".into(),
        payment_due_days: "30".into(),
        invoice_registration_number: format!("T{check}{base}"),
        max_discount_percent: "20".into(),
        flex_signed_on: "2025-04-01".into(),
        flex_expires_on: "2031-03-31".into(),
        published: true,
    }
}

/// Creates the showcase partner unless its slug exists; returns it either way.
///
/// # Errors
/// Database failures.
pub async fn seed_showcase(portal: &Portal) -> Result<Partner> {
    if let Some(row) = store::find_by_slug(portal.db.conn(), SHOWCASE_SLUG).await? {
        return Ok(row);
    }
    let valid = showcase_partner().parse()?;
    let now = portal.clock.now();
    let tx = portal.db.write().await?;
    let prefix = default_prefix(&tx, &valid.slug).await?;
    let row = row_from(Uuid::new_v4(), valid, prefix, now, now);
    let saved = save(&tx, None, &Origin::default(), row, true).await?;
    tx.commit().await?;
    portal.directory.refresh(&portal.db).await?;
    Ok(saved)
}
