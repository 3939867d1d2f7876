//! What the partner search index holds in memory for a generated directory, by part, and the
//! process's resident memory before and after building it:
//!
//!     cargo run --release --example index_memory -- 100000

use flexportal::domain::partners::demo;
use flexportal::domain::partners::search_index::SearchIndex;

fn main() {
    let count = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let docs = match demo::generate_docs(count, 7) {
        Ok(docs) => docs,
        Err(e) => panic!("{e}"),
    };
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
