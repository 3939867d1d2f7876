//! What the partner search index holds in memory for a generated directory, by part, and the
//! process's resident memory before and after building it:
//!
//!     cargo run --release --example index_memory -- 100000

use flexportal::domain::partners::demo;
use flexportal::domain::partners::search_index::{PartnerDoc, SearchIndex};
use uuid::Uuid;

fn main() {
    let count = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let docs: Vec<PartnerDoc> = demo::generate(count, 7)
        .into_iter()
        .map(|input| {
            let Ok(valid) = input.parse() else { panic!("a generated partner did not parse") };
            PartnerDoc {
                id: Uuid::new_v4(),
                slug: valid.slug,
                name_ja: valid.name_ja,
                name_en: valid.name_en,
                description_ja: valid.description_ja,
                description_en: valid.description_en,
                tier: valid.tier,
                country: valid.country,
                regions: valid.regions,
                languages: valid.languages,
                services: valid.services,
                website: valid.website,
                published: valid.published,
                flex_signed_on: valid.flex_signed_on,
                flex_expires_on: valid.flex_expires_on,
            }
        })
        .collect();
    let before = resident_mib();
    let index = SearchIndex::build(docs);
    let after = resident_mib();
    println!("{} published partners of {count}", index.len());
    for (part, bytes) in index.heap_parts() {
        println!("{part:>12}: {:7.1} MiB", bytes as f64 / 1048576.0);
    }
    println!("{:>12}: {:7.1} MiB", "total", index.heap_bytes() as f64 / 1048576.0);
    println!("resident: {before:.1} MiB with the documents, {after:.1} MiB with the index");
}

/// VmRSS from /proc, in MiB (0 where there is no /proc).
fn resident_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}
