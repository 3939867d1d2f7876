//! What is not applied: the same event twice, developers not actively assigned, malformed values,
//! other tenants' customers, batches out of bounds; and an `Idempotency-Key` answering a retry.

use chrono::Duration;
use rocket::http::Status;
use serde_json::{Value, json};

use super::{assign, at, developer, event, outcomes, pack, send, send_keyed};
use crate::common::{Options, reconcile};
use crate::helpers::spawn_app_with;
use crate::orders::{balance, ledger};
use crate::quotes::{customer, reseller};

const DEV: &str = "dev@customer.example";
const NOW: &str = "2027-01-10T12:00:00+09:00";

fn reasons(body: &Value) -> Vec<(String, String)> {
    body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["result"].as_str().unwrap().to_owned(), r["reason"].as_str().unwrap_or("").to_owned()))
        .collect()
}

#[rocket::async_test]
async fn the_same_event_twice_is_a_duplicate_and_changes_nothing() {
    let app = spawn_app_with(Options { fake_now: Some(at(NOW)), ..Default::default() }).await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    developer(&app, &seller, &cust, DEV).await;
    pack(&app, &seller, &cust, 100, "2026-06-01T10:00:00+09:00", "2027-06-01T15:00:00Z").await;
    let once = event("u-1", "2027-01-10T09:00:00+09:00", DEV, "10");
    let (status, body) = send(&app, &seller, &cust, vec![once.clone(), once.clone()]).await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(outcomes(&body), ["applied", "duplicate"], "the second in the same batch");
    let before = (balance(&app, &seller, &cust).await, ledger(&app, &seller, &cust).await);
    let changed = event("u-1", "2027-01-10T09:00:00+09:00", DEV, "99");
    let (status, body) = send(&app, &seller, &cust, vec![once, changed]).await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(outcomes(&body), ["duplicate", "duplicate"]);
    assert_eq!((body["applied"].as_u64(), body["duplicate"].as_u64()), (Some(0), Some(2)));
    let after = (balance(&app, &seller, &cust).await, ledger(&app, &seller, &cust).await);
    assert_eq!(after.0["available"], "90");
    assert_eq!(before, after, "nothing changes");
    reconcile(app.portal()).await;
}

#[rocket::async_test]
async fn developers_not_actively_assigned_and_malformed_values_are_rejected_with_reasons() {
    let app = spawn_app_with(Options { fake_now: Some(at(NOW)), ..Default::default() }).await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let now = at(NOW);
    developer(&app, &seller, &cust, DEV).await;
    assign(&app, &seller, &cust, "revoked@customer.example", "revoked", now + Duration::days(3), None).await;
    assign(&app, &seller, &cust, "expired@customer.example", "invited", now - Duration::days(1), None).await;
    assign(&app, &seller, &cust, "invited@customer.example", "invited", now + Duration::days(6), None).await;
    let other_customer = customer(&app, &seller, "JP").await;
    developer(&app, &seller, &other_customer, "elsewhere@customer.example").await;
    pack(&app, &seller, &cust, 100, "2026-06-01T10:00:00+09:00", "2027-06-01T15:00:00Z").await;
    let before = (balance(&app, &seller, &cust).await, ledger(&app, &seller, &cust).await);

    let t = "2027-01-10T09:00:00+09:00";
    let mut no_api = event("r-9", t, DEV, "1");
    no_api["api"] = json!(" ");
    let events = vec![
        event("r-1", t, "nobody@customer.example", "1"),
        event("r-2", t, "revoked@customer.example", "1"),
        event("r-3", t, "expired@customer.example", "1"),
        event("r-4", t, "invited@customer.example", "1"),
        event("r-5", t, "elsewhere@customer.example", "1"),
        event("r-6", t, DEV, "-1"),
        event("r-7", t, DEV, "1.2345"),
        event("r-8", "2027-01-10T12:00:01+09:00", DEV, "1"),
        no_api,
        event("r-10", "10 January 2027", DEV, "1"),
        event("r-11", t, DEV, "0"),
        event("r-12", t, DEV, "ten"),
        event("", t, DEV, "1"),
        event(&"x".repeat(129), t, DEV, "1"),
    ];
    let (status, body) = send(&app, &seller, &cust, events).await;
    assert_eq!(status, Status::Ok, "{body}");
    let expected = [
        "not_assigned",
        "not_assigned",
        "not_assigned",
        "not_assigned",
        "not_assigned",
        "tokens_not_positive",
        "tokens_too_precise",
        "time_in_future",
        "api_invalid",
        "time_invalid",
        "tokens_not_positive",
        "tokens_not_a_number",
        "event_id_invalid",
        "event_id_invalid",
    ];
    let got = reasons(&body);
    assert_eq!(got.iter().map(|(_, r)| r.as_str()).collect::<Vec<_>>(), expected);
    assert!(got.iter().all(|(result, _)| result == "rejected"));
    assert_eq!((body["applied"].as_u64(), body["rejected"].as_u64()), (Some(0), Some(14)));
    let message = &body["results"][6]["message"];
    assert_eq!(message["en"], "Use at most 3 decimal places.");
    assert!(message["ja"].as_str().unwrap().contains("3桁"));
    let after = (balance(&app, &seller, &cust).await, ledger(&app, &seller, &cust).await);
    assert_eq!(before, after, "nothing changes");

    // A rejected event's id is not taken: corrected, it applies.
    let (_, body) = send(&app, &seller, &cust, vec![event("r-7", t, DEV, "1.234")]).await;
    assert_eq!(outcomes(&body), ["applied"]);
    reconcile(app.portal()).await;
}

#[rocket::async_test]
async fn another_partners_customer_is_not_found_and_batches_are_1_to_1000_events() {
    let app = spawn_app_with(Options { fake_now: Some(at(NOW)), ..Default::default() }).await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    developer(&app, &seller, &cust, DEV).await;
    let other = reseller(&app, "othr").await;
    let t = "2027-01-10T09:00:00+09:00";
    let (status, _) = send(&app, &other, &cust, vec![event("o-1", t, DEV, "1")]).await;
    assert_eq!(status, Status::NotFound);
    let (status, body) = send(&app, &seller, &cust, vec![]).await;
    assert_eq!(status, Status::UnprocessableEntity, "{body}");
    assert_eq!(body["errors"][0]["field"], "events", "{body}");
    let many: Vec<Value> = (0..1001).map(|i| event(&format!("m-{i}"), t, DEV, "1")).collect();
    let (status, _) = send(&app, &seller, &cust, many).await;
    assert_eq!(status, Status::UnprocessableEntity);
    let mut unknown = event("x-1", t, DEV, "1");
    unknown["colour"] = json!("blue");
    let (status, body) = send(&app, &seller, &cust, vec![unknown]).await;
    assert_eq!(status, Status::UnprocessableEntity, "{body}");
    let (status, body) = send(&app, &seller, &cust, vec![event("x-2", t, DEV, "1")]).await;
    assert_eq!((status, outcomes(&body)), (Status::Ok, vec!["applied".to_owned()]), "{body}");
    assert_eq!(body["results"][0]["uncharged"], "1", "no packs: all deficit");
    reconcile(app.portal()).await;
}

#[rocket::async_test]
async fn an_idempotency_key_answers_the_first_response_and_refuses_another_body() {
    let app = spawn_app_with(Options { fake_now: Some(at(NOW)), ..Default::default() }).await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    developer(&app, &seller, &cust, DEV).await;
    pack(&app, &seller, &cust, 100, "2026-06-01T10:00:00+09:00", "2027-06-01T15:00:00Z").await;
    let t = "2027-01-10T09:00:00+09:00";
    let first = send_keyed(&app, &seller, &cust, "usage-1", vec![event("k-1", t, DEV, "10")]).await;
    assert_eq!(first.0, Status::Ok, "{}", first.1);
    let again = send_keyed(&app, &seller, &cust, "usage-1", vec![event("k-1", t, DEV, "10")]).await;
    assert_eq!(again, first, "the stored answer: applied, not duplicate");
    let other = send_keyed(&app, &seller, &cust, "usage-1", vec![event("k-2", t, DEV, "10")]).await;
    assert_eq!(other.0, Status::UnprocessableEntity, "{}", other.1);
    assert_eq!(balance(&app, &seller, &cust).await["available"], "90");
    reconcile(app.portal()).await;
}
