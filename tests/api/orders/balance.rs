//! The balance and ledger: a deficit offset by the next purchase, the purchaser's read-only link,
//! the operator's view, and reconciliation failing on a row corrupted directly.

use rocket::http::Status;
use sea_orm::ConnectionTrait;
use serde_json::json;

use super::{accepted_quote, at, balance, fulfil, id_of, ledger, place};
use crate::common::{Options, make_user, reconcile};
use crate::helpers::{spawn_app, spawn_app_with};
use crate::quotes::{call, customer, reseller};

#[rocket::async_test]
async fn a_purchase_first_offsets_the_deficit_and_the_pack_keeps_the_rest() {
    let app =
        spawn_app_with(Options { fake_now: Some(at("2027-06-01T09:00:00+09:00")), ..Default::default() })
            .await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    make_user(app.portal(), "ops@portal.example", "admin", None).await;
    let operator = app.token("ops@portal.example").await;
    let path = format!("/api/v1/admin/customers/{cust}/adjustments");
    let (status, refused) =
        call(&app, "POST", &path, &operator, json!({"tokens": "-37.5", "reason": ""})).await;
    assert_eq!(status, Status::UnprocessableEntity, "{refused}");
    let (status, owed) =
        call(&app, "POST", &path, &operator, json!({"tokens": "-37.5", "reason": "usage reported late"}))
            .await;
    assert_eq!(status, Status::Ok, "{owed}");
    assert_eq!(owed["deficit"], "37.5");
    assert_eq!(owed["status"], "grace");
    let (status, _) = call(&app, "POST", &path, &seller.token, json!({"tokens": "10", "reason": "x"})).await;
    assert_eq!(status, Status::Forbidden, "only the operator adjusts");

    let quote = accepted_quote(&app, &seller, &cust, 100).await;
    let (_, order) = place(&app, &seller, &quote, "invoice").await;
    assert_eq!(balance(&app, &seller, &cust).await["deficit"], "37.5", "a pending pack offsets nothing yet");
    let (status, _) = fulfil(&app, &seller, &id_of(&order)).await;
    assert_eq!(status, Status::Ok);
    let shown = balance(&app, &seller, &cust).await;
    assert_eq!((shown["available"].as_str(), shown["deficit"].as_str()), (Some("62.5"), Some("0")));
    assert_eq!(shown["status"], "active");
    assert_eq!(shown["deficit_since"], json!(null));
    assert_eq!(shown["packs"][0]["tokens"], "100");
    assert_eq!(shown["packs"][0]["remaining"], "62.5");
    let entries = ledger(&app, &seller, &cust).await;
    let kinds: Vec<_> =
        entries.iter().map(|e| (e["kind"].as_str().unwrap(), e["tokens"].as_str().unwrap())).collect();
    assert_eq!(kinds, vec![("deficit_offset", "-37.5"), ("purchase", "100"), ("adjustment", "-37.5")]);
    assert_eq!(entries[2]["reason"], "usage reported late");
    reconcile(app.portal()).await;
}

#[rocket::async_test]
async fn the_purchaser_reads_the_balance_through_a_link_that_cannot_be_forged() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let quote = accepted_quote(&app, &seller, &cust, 100).await;
    let (_, order) = place(&app, &seller, &quote, "invoice").await;
    fulfil(&app, &seller, &id_of(&order)).await;
    let (status, link) =
        call(&app, "GET", &format!("/api/v1/customers/{cust}/balance-link"), &seller.token, json!(null))
            .await;
    assert_eq!(status, Status::Ok, "{link}");
    let token = link["url"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
    let response = app.client.get(format!("/api/v1/public/balance/{token}")).dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    let shown: serde_json::Value = response.into_json().await.unwrap();
    assert_eq!(shown["available"], "100");
    let mut forged = token.clone().into_bytes();
    let last = forged.len() - 1;
    forged[last] = if forged[last] == b'A' { b'B' } else { b'A' };
    let forged = String::from_utf8(forged).unwrap();
    let response = app.client.get(format!("/api/v1/public/balance/{forged}")).dispatch().await;
    assert_eq!(response.status(), Status::NotFound);
    let other = reseller(&app, "othr").await;
    let (status, _) =
        call(&app, "GET", &format!("/api/v1/customers/{cust}/balance-link"), &other.token, json!(null)).await;
    assert_eq!(status, Status::NotFound);
    reconcile(app.portal()).await;
}

#[rocket::async_test]
async fn the_operator_lists_every_partners_orders_read_only() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let other = reseller(&app, "othr").await;
    for s in [&seller, &other] {
        let cust = customer(&app, s, "JP").await;
        let quote = accepted_quote(&app, s, &cust, 100).await;
        let (status, _) = place(&app, s, &quote, "invoice").await;
        assert_eq!(status, Status::Created);
    }
    make_user(app.portal(), "ops@portal.example", "admin", None).await;
    let operator = app.token("ops@portal.example").await;
    let (status, all) = call(&app, "GET", "/api/v1/admin/orders", &operator, json!(null)).await;
    assert_eq!(status, Status::Ok, "{all}");
    assert_eq!(all["total"], 2);
    let (status, _) = call(&app, "GET", "/api/v1/admin/orders?status=nope", &operator, json!(null)).await;
    assert_eq!(status, Status::UnprocessableEntity);
    let (status, _) = call(&app, "GET", "/api/v1/admin/orders", &seller.token, json!(null)).await;
    assert_eq!(status, Status::Forbidden);
    let (_, mine) = call(&app, "GET", "/api/v1/orders?status=placed", &seller.token, json!(null)).await;
    assert_eq!(mine["total"], 1);
    reconcile(app.portal()).await;
}

#[rocket::async_test]
async fn reconciliation_fails_on_a_pack_changed_behind_the_ledgers_back_and_names_it() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let quote = accepted_quote(&app, &seller, &cust, 100).await;
    let (_, order) = place(&app, &seller, &quote, "invoice").await;
    fulfil(&app, &seller, &id_of(&order)).await;
    reconcile(app.portal()).await;
    let pack = order["pack"]["id"].as_str().unwrap();
    app.portal().db.conn().execute_unprepared("UPDATE packs SET remaining = 99000").await.unwrap();
    let report = flexportal::domain::balance::reconcile_all(app.portal()).await.unwrap();
    assert!(!report.is_ok());
    let problem = report.first_broken.unwrap();
    assert!(problem.contains(pack), "{problem}");
    assert!(problem.contains("99") && problem.contains("100"), "{problem}");
}

#[rocket::async_test]
async fn reconciliation_fails_on_an_order_whose_pack_is_gone_and_names_the_order() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let quote = accepted_quote(&app, &seller, &cust, 100).await;
    let (_, order) = place(&app, &seller, &quote, "invoice").await;
    let conn = app.portal().db.conn();
    drop_append_only_guard(conn).await;
    conn.execute_unprepared("DELETE FROM ledger_entries").await.unwrap();
    conn.execute_unprepared("DELETE FROM packs").await.unwrap();
    let report = flexportal::domain::balance::reconcile_all(app.portal()).await.unwrap();
    let problem = report.first_broken.expect("a discrepancy");
    assert!(problem.contains(&id_of(&order)), "{problem}");
}

/// Removes the database's refusal to change ledger entries, to corrupt the books on purpose.
async fn drop_append_only_guard(conn: &sea_orm::DatabaseConnection) {
    let statements: &[&str] = match conn.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => &["DROP TRIGGER ledger_entries_no_change ON ledger_entries"],
        _ => &["DROP TRIGGER ledger_entries_no_update", "DROP TRIGGER ledger_entries_no_delete"],
    };
    for sql in statements {
        conn.execute_unprepared(sql).await.unwrap();
    }
}

#[rocket::async_test]
async fn ledger_entries_cannot_be_changed_or_deleted_even_by_hand() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let quote = accepted_quote(&app, &seller, &cust, 100).await;
    let (status, _) = place(&app, &seller, &quote, "invoice").await;
    assert_eq!(status, Status::Created);
    let conn = app.portal().db.conn();
    for sql in ["UPDATE ledger_entries SET tokens = 1", "DELETE FROM ledger_entries"] {
        let refused = conn.execute_unprepared(sql).await.expect_err(sql);
        assert!(refused.to_string().contains("append-only"), "{sql}: {refused}");
    }
    assert_eq!(ledger(&app, &seller, &cust).await.len(), 1, "the purchase entry is still there");
    reconcile(app.portal()).await;
}
