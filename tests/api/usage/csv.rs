//! The usage report as CSV: good rows applied, bad rows reported by line, the same file again only
//! duplicates and rejections; a wrong header, another partner's customer, a key replayed.

use rocket::http::{ContentType, Header, Status};
use serde_json::Value;

use super::{at, developer, pack};
use crate::common::{Options, reconcile};
use crate::helpers::{TestApp, bearer, spawn_app_with};
use crate::orders::balance;
use crate::quotes::{Reseller, customer, reseller};

const DEV: &str = "dev@customer.example";
const NOW: &str = "2027-01-10T12:00:00+09:00";

const FILE: &str = "\u{feff}event_id,occurred_at,autodesk_id,app,api,units,tokens\r
a-1,2027-01-09T09:00:00+09:00,dev@customer.example,Viewer,Model Derivative,300000,1\r
a-2,2027-01-09T10:00:00+09:00,dev@customer.example,,\"Automation API, Fusion\",2.5,7.5\r
a-3,2027-01-09T11:00:00+09:00,dev@customer.example,Viewer,Model Derivative,1,0.0005\r
\r
a-4,not a time,dev@customer.example,Viewer,Model Derivative,1,1\r
a-5,2027-01-09T12:00:00+09:00,dev@customer.example,Viewer\r
a-6,2027-01-09T12:00:00+09:00,stranger@customer.example,Viewer,Model Derivative,1,1\r
a-1,2027-01-09T09:00:00+09:00,dev@customer.example,Viewer,Model Derivative,300000,1\r
a-7,2027-01-09T13:00:00+09:00,dev@customer.example,Viewer,Model Derivative,1,-2\r
a-8,2027-01-09T14:00:00+09:00,dev@customer.example,Viewer,Model Derivative,1,0.5\r
";

pub async fn upload(
    app: &TestApp,
    seller: &Reseller,
    cust: &str,
    body: &str,
    key: Option<&str>,
) -> (Status, Value) {
    let mut request = app
        .client
        .post(format!("/api/v1/customers/{cust}/usage.csv"))
        .header(bearer(&seller.token))
        .header(ContentType::new("text", "csv"));
    if let Some(key) = key {
        request = request.header(Header::new("Idempotency-Key", key.to_owned()));
    }
    let response = request.body(body).dispatch().await;
    let status = response.status();
    (status, response.into_json().await.unwrap_or(Value::Null))
}

fn lines(body: &Value) -> Vec<(u64, String, String)> {
    body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                r["result"].as_str().unwrap().to_owned(),
                r["reason"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

#[rocket::async_test]
async fn good_rows_apply_bad_rows_are_reported_by_line_and_the_same_file_again_changes_nothing() {
    let app = spawn_app_with(Options { fake_now: Some(at(NOW)), ..Default::default() }).await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    developer(&app, &seller, &cust, DEV).await;
    pack(&app, &seller, &cust, 100, "2026-06-01T10:00:00+09:00", "2027-06-01T15:00:00Z").await;

    let (status, body) = upload(&app, &seller, &cust, FILE, None).await;
    assert_eq!(status, Status::Ok, "{body}");
    let expected = |second: bool| {
        let good =
            |line: u64| (line, (if second { "duplicate" } else { "applied" }).to_owned(), String::new());
        let bad = |line: u64, reason: &str| (line, "rejected".to_owned(), reason.to_owned());
        vec![
            good(2),
            good(3),
            bad(4, "tokens_too_precise"),
            bad(6, "time_invalid"),
            bad(7, "malformed_row"),
            bad(8, "not_assigned"),
            (9, "duplicate".to_owned(), String::new()),
            bad(10, "tokens_not_positive"),
            good(11),
        ]
    };
    assert_eq!(lines(&body), expected(false));
    assert_eq!(
        (body["applied"].as_u64(), body["duplicate"].as_u64(), body["rejected"].as_u64()),
        (Some(3), Some(1), Some(5))
    );
    assert_eq!(body["results"][1]["event_id"], "a-2");
    assert_eq!(body["results"][4]["event_id"], "a-5", "an unreadable row keeps its first column");
    let shown = balance(&app, &seller, &cust).await;
    assert_eq!(shown["available"], "91");

    let (status, again) = upload(&app, &seller, &cust, FILE, None).await;
    assert_eq!(status, Status::Ok, "{again}");
    assert_eq!(lines(&again), expected(true));
    assert_eq!(again["applied"], 0);
    assert_eq!(balance(&app, &seller, &cust).await["available"], "91");
    reconcile(app.portal()).await;
}

#[rocket::async_test]
async fn a_wrong_header_another_partners_customer_and_a_json_body_are_refused() {
    let app = spawn_app_with(Options { fake_now: Some(at(NOW)), ..Default::default() }).await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    developer(&app, &seller, &cust, DEV).await;
    let wrong = "event,occurred_at,autodesk_id,app,api,units,tokens\na-1,2027-01-09T09:00:00Z,dev@customer.example,,api,,1\n";
    let (status, body) = upload(&app, &seller, &cust, wrong, None).await;
    assert_eq!(status, Status::UnprocessableEntity, "{body}");
    assert_eq!(body["errors"][0]["field"], "header");
    let (status, body) =
        upload(&app, &seller, &cust, "event_id,occurred_at,autodesk_id,app,api,units,tokens\n", None).await;
    assert_eq!(status, Status::UnprocessableEntity, "{body}");
    let other = reseller(&app, "othr").await;
    let (status, _) = upload(&app, &other, &cust, FILE, None).await;
    assert_eq!(status, Status::NotFound);
    let response = app
        .client
        .post(format!("/api/v1/customers/{cust}/usage.csv"))
        .header(bearer(&seller.token))
        .header(ContentType::JSON)
        .body(FILE)
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::UnsupportedMediaType);
    let huge = Header::new("Content-Length", (50 * 1024 * 1024 + 1).to_string());
    let response = app
        .client
        .post(format!("/api/v1/customers/{cust}/usage.csv"))
        .header(bearer(&seller.token))
        .header(ContentType::new("text", "csv"))
        .header(huge)
        .body(FILE)
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::PayloadTooLarge);
    assert_eq!(balance(&app, &seller, &cust).await["deficit"], "0", "nothing applied");
    reconcile(app.portal()).await;
}

#[rocket::async_test]
async fn a_file_over_a_thousand_rows_is_applied_in_batches_and_a_key_replays_the_answer() {
    let app = spawn_app_with(Options { fake_now: Some(at(NOW)), ..Default::default() }).await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    developer(&app, &seller, &cust, DEV).await;
    pack(&app, &seller, &cust, 1000, "2026-06-01T10:00:00+09:00", "2027-06-01T15:00:00Z").await;
    let mut file = String::from("event_id,occurred_at,autodesk_id,app,api,units,tokens\n");
    for i in 0..2500 {
        file.push_str(&format!("b-{i},2027-01-09T09:00:00+09:00,{DEV},Viewer,Model Derivative,1,0.5\n"));
    }
    file.push_str("b-bad,2027-01-09T09:00:00+09:00,dev@customer.example,Viewer,Model Derivative,1,x\n");
    let (status, body) = upload(&app, &seller, &cust, &file, Some("csv-1")).await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!((body["applied"].as_u64(), body["rejected"].as_u64()), (Some(2500), Some(1)));
    assert_eq!(body["results"][2500]["line"], 2502);
    let shown = balance(&app, &seller, &cust).await;
    assert_eq!((shown["available"].as_str(), shown["deficit"].as_str()), (Some("0"), Some("250")));
    let (status, replay) = upload(&app, &seller, &cust, &file, Some("csv-1")).await;
    assert_eq!((status, &replay), (Status::Ok, &body), "the first answer, not duplicates");
    let (status, _) = upload(&app, &seller, &cust, &file.replace("b-bad", "b-worse"), Some("csv-1")).await;
    assert_eq!(status, Status::UnprocessableEntity, "the same key with another file");
    reconcile(app.portal()).await;
}
