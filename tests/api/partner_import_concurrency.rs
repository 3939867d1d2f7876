//! Partner CSV import under concurrency: imports racing each other or another writer neither
//! duplicate a partner nor lose a row.

use flexportal::domain::partners::import::COLUMNS;
use flexportal::storage::partners as store;

use crate::common::{Options, fresh_portal, partner};
use crate::partner_import::{csv_file, import, partner_count, row};

#[rocket::async_test]
async fn two_imports_of_the_same_file_at_once_neither_duplicate_nor_lose_a_row() {
    let (portal, _db) = fresh_portal(&Options::default()).await;
    let rows: Vec<Vec<String>> =
        (0..40).map(|i| row(&format!("same-{i}"), &format!("20000000{i:02}"), &[])).collect();
    let file = csv_file(&COLUMNS, &rows);
    let (first, second) = tokio::join!(import(&portal, &file), import(&portal, &file));
    for report in [first.unwrap(), second.unwrap()] {
        assert_eq!(report.created + report.updated + report.rejected.len() as u64, 40, "{report:?}");
        for rejected in &report.rejected {
            assert!(
                rejected.reason.starts_with("csn:") || rejected.reason.starts_with("slug:"),
                "{rejected:?}"
            );
        }
    }
    assert_eq!(partner_count(&portal).await, 40);
}

/// Another writer inserts the sixth row's CSN without taking the directory version first and
/// commits while the import waits on it. PostgreSQL then refuses the import's insert: that row is
/// rejected and the rest of its batch is written again. SQLite lets only one writer in at a
/// time, so there the import simply finds the partner and updates it.
#[rocket::async_test]
async fn a_row_that_loses_a_race_for_its_csn_is_rejected_and_the_rest_of_its_batch_lands() {
    use sea_orm::TransactionTrait;
    let (portal, _db) = fresh_portal(&Options::default()).await;
    let rows: Vec<Vec<String>> =
        (0..10).map(|i| row(&format!("race-{i}"), &format!("30000000{i:02}"), &[])).collect();
    let file = csv_file(&COLUMNS, &rows);
    let template = partner("template").create(&portal).await;
    let racer = flexportal::domain::partners::Partner {
        id: uuid::Uuid::new_v4(),
        slug: "racer".into(),
        csn: "3000000005".into(),
        document_prefix: "RACER".into(),
        ..template
    };
    let other = portal.db.conn().begin().await.unwrap();
    store::insert(&other, racer).await.unwrap();
    let commit_later = async {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        other.commit().await.unwrap();
    };
    let (report, ()) = tokio::join!(import(&portal, &file), commit_later);
    let report = report.unwrap();

    assert_eq!(partner_count(&portal).await, 11);
    assert_eq!(report.created + report.updated + report.rejected.len() as u64, 10, "{report:?}");
    if portal.db.backend() == sea_orm::DbBackend::Postgres {
        assert_eq!((report.created, report.updated), (9, 0));
        let rejected: Vec<(u64, &str)> = report.rejected.iter().map(|r| (r.line, r.csn.as_str())).collect();
        assert_eq!(rejected, [(7, "3000000005")]);
        assert!(report.rejected[0].reason.starts_with("csn: Another partner has this CSN"), "{report:?}");
    } else {
        assert_eq!((report.created, report.updated), (9, 1));
    }
}
