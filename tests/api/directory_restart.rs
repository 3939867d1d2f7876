//! The directory index saved in the data folder: a restart on the same database reads it back, and
//! it is never used once the database has changed.

use std::time::Duration;

use flexportal::domain::partners::Directory;
use flexportal::domain::partners::search_index::{PartnerDoc, SearchIndex, SearchQuery, Tier};

use crate::common::{Options, fresh_portal, partner};

fn slugs(directory: &Directory, portal: &flexportal::domain::Portal) -> Vec<String> {
    let q = SearchQuery { per_page: 100, ..SearchQuery::default() };
    directory.snapshot().search(&q, portal.today()).items.iter().map(|h| h.doc().unwrap().slug).collect()
}

fn doc_named(slug: &str) -> PartnerDoc {
    PartnerDoc {
        id: uuid::Uuid::new_v4(),
        slug: slug.into(),
        name_ja: slug.into(),
        name_en: slug.into(),
        description_ja: String::new(),
        description_en: String::new(),
        tier: Tier::Gold,
        country: "JP".into(),
        regions: vec![],
        languages: vec![],
        services: vec![],
        website: None,
        published: true,
        flex_signed_on: None,
        flex_expires_on: None,
    }
}

async fn wait_for(path: &std::path::Path) {
    for _ in 0..200 {
        if path.exists() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("{} was never written", path.display());
}

#[rocket::async_test]
async fn a_restart_reads_the_saved_index_and_a_changed_database_is_loaded_afresh() {
    let (portal, _db) = fresh_portal(&Options::default()).await;
    partner("alpha").create(&portal).await;
    partner("beta").create(&portal).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("directory.index");
    let url = portal.config.database_url();

    let first = Directory::saved_at(path.clone(), &url);
    first.refresh(&portal.db).await.unwrap();
    assert_eq!(slugs(&first, &portal), ["alpha", "beta"]);
    wait_for(&path).await;

    // Replace the saved index with one that answers differently from the database, under the
    // same stamp: a restart that shows it has read the file rather than the database.
    let saved = std::fs::read(&path).unwrap();
    let length = u32::from_le_bytes(saved[..4].try_into().unwrap()) as usize;
    let header = std::str::from_utf8(&saved[4..4 + length]).unwrap();
    let (_format, stamp) = header.split_once(':').unwrap();
    let planted = SearchIndex::build(vec![doc_named("planted")]);
    planted.write_snapshot(stamp, std::fs::File::create(&path).unwrap()).unwrap();
    let restarted = Directory::saved_at(path.clone(), &url);
    restarted.refresh(&portal.db).await.unwrap();
    assert_eq!(slugs(&restarted, &portal), ["planted"], "the restart read the saved index");

    // Another database (or the same one after a change) never reuses the file.
    partner("gamma").create(&portal).await;
    let after_change = Directory::saved_at(path.clone(), &url);
    after_change.refresh(&portal.db).await.unwrap();
    assert_eq!(slugs(&after_change, &portal), ["alpha", "beta", "gamma"]);
    let elsewhere = Directory::saved_at(path, "postgres://elsewhere/other");
    elsewhere.refresh(&portal.db).await.unwrap();
    assert_eq!(slugs(&elsewhere, &portal), ["alpha", "beta", "gamma"]);
}
