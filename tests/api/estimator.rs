//! The public token estimator through `/api/v1/rates` and `/api/v1/estimate`: the seeded historical
//! rates, exact maths (tokens rounded up to the thousandth, the year in whole tokens, never less than
//! the 100-token minimum), a clear 422 naming each bad item, and a per-client limit.

use rocket::http::{ContentType, Header, Status};
use serde_json::{Value, json};

use crate::common::Options;
use crate::helpers::{TestApp, problem, spawn_app, spawn_app_with};
use crate::price_book::{named, on_first_of_december};

pub const MODEL_DERIVATIVE: &str = "model_derivative_basic";
pub const AUTOMATION: &str = "automation_fusion";

pub async fn estimate(app: &TestApp, body: Value) -> (Status, Value) {
    let response = app
        .client
        .post("/api/v1/estimate")
        .header(ContentType::JSON)
        .header(Header::new("Accept-Language", "en"))
        .body(body.to_string())
        .dispatch()
        .await;
    let status = response.status();
    (status, response.into_json().await.unwrap_or_default())
}

fn one(api: &str, monthly_units: Value) -> Value {
    json!({ "items": [{ "api": api, "monthly_units": monthly_units }] })
}

fn warning_codes(estimate: &Value) -> Vec<&str> {
    estimate["warnings"].as_array().unwrap().iter().map(|w| w["code"].as_str().unwrap()).collect()
}

#[rocket::async_test]
async fn the_rates_in_force_are_public_and_the_seeded_ones_are_labelled_historical() {
    let app = spawn_app_with(on_first_of_december()).await;
    let response = app.client.get("/api/v1/rates").dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    let body: Value = response.into_json().await.unwrap();
    assert_eq!(body["on"], "2026-12-01");
    let rates = body["items"].as_array().unwrap();
    let summary: Vec<(&str, &str, u64, bool)> = rates
        .iter()
        .map(|r| {
            (
                r["api"].as_str().unwrap(),
                r["tokens"].as_str().unwrap(),
                r["per_units"].as_u64().unwrap(),
                r["historical"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(summary, [(AUTOMATION, "3", 1, true), (MODEL_DERIVATIVE, "1", 300_000, true)]);
    assert_eq!(rates[1]["unit_en"], "calls");
    assert!(rates[1]["name_ja"].as_str().unwrap().contains("Model Derivative"));
    assert!(rates[0]["effective_to"].is_null());
}

#[rocket::async_test]
async fn three_million_model_derivative_calls_a_month_are_ten_tokens_a_month_and_a_purchase_of_120() {
    let app = spawn_app().await;
    let (status, body) = estimate(&app, one(MODEL_DERIVATIVE, json!(3_000_000))).await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(
        (&body["tokens_per_month"], &body["tokens_per_year"], &body["suggested_purchase"]),
        (&json!("10"), &json!("120"), &json!(120))
    );
    assert_eq!(body["lines"][0]["api"], MODEL_DERIVATIVE);
    assert_eq!(body["lines"][0]["unit"], "calls");
    assert_eq!(body["lines"][0]["rate"]["historical"], true);
    assert_eq!(warning_codes(&body), ["tokens_expire", "historical_rate"]);
    let expiry = body["warnings"][0]["message"].as_str().unwrap();
    assert!(expiry.contains("expire one year after purchase"), "{expiry}");
    // The same use sent as a decimal string gives the same answer.
    let (_, again) = estimate(&app, one(MODEL_DERIVATIVE, json!("3000000"))).await;
    assert_eq!(again, body);
}

#[rocket::async_test]
async fn two_and_a_half_automation_hours_are_seven_and_a_half_tokens_and_the_minimum_purchase_is_noted() {
    let app = spawn_app().await;
    let (status, body) = estimate(&app, one(AUTOMATION, json!(2.5))).await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!((&body["tokens_per_month"], &body["tokens_per_year"]), (&json!("7.5"), &json!("90")));
    assert_eq!(body["suggested_purchase"], 100);
    assert_eq!(warning_codes(&body), ["tokens_expire", "minimum_purchase", "historical_rate"]);
    assert!(body["warnings"][1]["message"].as_str().unwrap().contains("minimum purchase is 100 tokens"));
}

#[rocket::async_test]
async fn tiny_use_is_rounded_up_to_a_thousandth_and_suggests_the_minimum() {
    let app = spawn_app().await;
    let body = json!({ "items": [
        { "api": MODEL_DERIVATIVE, "monthly_units": 1 },
        { "api": AUTOMATION, "monthly_units": "0" },
    ]});
    let (status, body) = estimate(&app, body).await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(body["lines"][0]["tokens_per_month"], "0.001", "1/300000 of a token is charged as 0.001");
    assert_eq!(body["lines"][1]["tokens_per_month"], "0");
    assert_eq!((&body["tokens_per_year"], &body["suggested_purchase"]), (&json!("0.012"), &json!(100)));
    assert!(warning_codes(&body).contains(&"minimum_purchase"));
}

#[rocket::async_test]
async fn bad_items_answer_422_naming_each_field_by_position() {
    let app = spawn_app().await;
    let body = json!({ "items": [
        { "api": MODEL_DERIVATIVE, "monthly_units": 1000 },
        { "api": "design_automation", "monthly_units": 1 },
        { "api": AUTOMATION, "monthly_units": -1 },
        { "api": AUTOMATION, "monthly_units": "lots" },
        { "api": AUTOMATION, "monthly_units": "1.0005" },
        { "api": AUTOMATION, "monthly_units": true },
        { "api": AUTOMATION },
        { "api": AUTOMATION, "monthly_units": 1, "tokens": 5 },
        "model_derivative_basic",
    ]});
    let (status, problem_body) = estimate(&app, body).await;
    assert_eq!(status, Status::UnprocessableEntity);
    let expected = [
        // The JSON shape first…
        ("items[5].monthly_units", "wrong_type"),
        ("items[7].tokens", "unknown_field"),
        ("items[8]", "wrong_type"),
        // …then the values.
        ("items[1].api", "unknown_api"),
        ("items[2].monthly_units", "negative"),
        ("items[3].monthly_units", "not_a_number"),
        ("items[4].monthly_units", "too_precise"),
        ("items[6].monthly_units", "required"),
    ];
    assert_eq!(named(&problem_body), expected.map(|(f, c)| (f.to_owned(), c.to_owned())));
    let unknown = &problem_body["errors"][3]["message"];
    assert!(unknown.as_str().unwrap().contains(MODEL_DERIVATIVE), "the known APIs are listed: {unknown}");
}

#[rocket::async_test]
async fn an_empty_a_missing_or_an_oversized_list_is_refused_in_the_readers_language() {
    let app = spawn_app().await;
    for body in [json!({ "items": [] }), json!({})] {
        let (status, body) = estimate(&app, body).await;
        assert_eq!(status, Status::UnprocessableEntity);
        assert_eq!(named(&body), [("items".to_owned(), "required".to_owned())]);
    }
    let items: Vec<Value> = (0..51).map(|_| json!({ "api": AUTOMATION, "monthly_units": 1 })).collect();
    let (status, body) = estimate(&app, json!({ "items": items })).await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert_eq!(named(&body), [("items".to_owned(), "too_many".to_owned())]);
    let fifty: Vec<Value> = (0..50).map(|_| json!({ "api": AUTOMATION, "monthly_units": 1 })).collect();
    let (status, body) = estimate(&app, json!({ "items": fifty })).await;
    assert_eq!((status, &body["tokens_per_month"]), (Status::Ok, &json!("150")));
    let (status, body) = estimate(&app, json!({ "items": "all of them" })).await;
    assert_eq!(
        (status, named(&body)),
        (Status::UnprocessableEntity, vec![("items".into(), "wrong_type".into())])
    );
    let (status, body) = estimate(&app, json!({ "items": [], "currency": "JPY" })).await;
    assert_eq!((status, &body["errors"][0]["field"]), (Status::UnprocessableEntity, &json!("currency")));

    let response = app
        .client
        .post("/api/v1/estimate?lang=ja")
        .header(ContentType::JSON)
        .body(one(AUTOMATION, json!("abc")).to_string())
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let body = problem(response).await;
    assert_eq!(body["errors"][0]["field"], "items[0].monthly_units");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("数値で入力"), "{body}");
}

#[rocket::async_test]
async fn the_estimate_answers_in_the_readers_language() {
    let app = spawn_app().await;
    let response = app
        .client
        .post("/api/v1/estimate")
        .header(ContentType::JSON)
        .header(Header::new("Accept-Language", "ja"))
        .body(one(MODEL_DERIVATIVE, json!(3_000_000)).to_string())
        .dispatch()
        .await;
    let body: Value = response.into_json().await.unwrap();
    assert_eq!(body["lines"][0]["unit"], "回の呼び出し");
    assert!(body["warnings"][0]["message"].as_str().unwrap().contains("有効期限は購入から1年"));
    assert!(body["warnings"][1]["message"].as_str().unwrap().contains("過去に公表された"));
}

#[rocket::async_test]
async fn estimates_and_rate_lookups_are_limited_per_client() {
    let app = spawn_app_with(Options {
        extra: vec![("estimates_per_client_per_minute", json!(3))],
        ..Default::default()
    })
    .await;
    let from: std::net::SocketAddr = "192.0.2.30:1".parse().unwrap();
    let ask = |path: &'static str| {
        let request = if path == "/api/v1/rates" {
            app.client.get(path)
        } else {
            app.client.post(path).header(ContentType::JSON).body(one(AUTOMATION, json!(1)).to_string())
        };
        request.remote(from)
    };
    assert_eq!(ask("/api/v1/rates").dispatch().await.status(), Status::Ok);
    assert_eq!(ask("/api/v1/estimate").dispatch().await.status(), Status::Ok);
    assert_eq!(app.client.get("/estimate").remote(from).dispatch().await.status(), Status::Ok);
    let response = ask("/api/v1/estimate").dispatch().await;
    assert_eq!(response.status(), Status::TooManyRequests);
    assert!(response.headers().get_one("Retry-After").is_some());
    assert_eq!(problem(response).await["status"], 429);
    assert_eq!(app.client.get("/estimate").remote(from).dispatch().await.status(), Status::TooManyRequests);
    // Another client is not affected.
    let other: std::net::SocketAddr = "192.0.2.31:1".parse().unwrap();
    assert_eq!(app.client.get("/api/v1/rates").remote(other).dispatch().await.status(), Status::Ok);
}
