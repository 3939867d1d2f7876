//! The operator's token rate table through `/api/v1/admin/rates` and the `/admin/rates` page: a new
//! rate ends the API's current one the day before, nothing starts in the past, only the operator
//! writes, every change is audited, and the estimator switches rates on the new rate's first day.

use chrono::{DateTime, Utc};
use rocket::http::{ContentType, Status};
use serde_json::{Value, json};

use crate::common::{make_user, partner};
use crate::estimator::{AUTOMATION, MODEL_DERIVATIVE, estimate};
use crate::helpers::{TestApp, bearer, form, spawn_app_with};
use crate::price_book::{named, on_first_of_december};

async fn operator_app() -> (TestApp, String) {
    let app = spawn_app_with(on_first_of_december()).await;
    app.user("ops@example.com", "admin").await;
    let token = app.token("ops@example.com").await;
    (app, token)
}

async fn add(app: &TestApp, token: &str, body: Value) -> (Status, Value) {
    let response = app
        .client
        .post("/api/v1/admin/rates")
        .header(bearer(token))
        .header(ContentType::JSON)
        .body(body.to_string())
        .dispatch()
        .await;
    let status = response.status();
    (status, response.into_json().await.unwrap_or_default())
}

async fn list(app: &TestApp, token: &str, query: &str) -> Value {
    let response = app.get_with_token(&format!("/api/v1/admin/rates{query}"), token).await;
    assert_eq!(response.status(), Status::Ok);
    response.into_json().await.unwrap()
}

fn automation_at(tokens: &str, from: &str) -> Value {
    json!({ "api": AUTOMATION, "tokens": tokens, "per_units": 1, "effective_from": from })
}

#[rocket::async_test]
async fn a_new_rate_ends_the_current_one_the_day_before_and_takes_over_on_its_first_day() {
    let (app, token) = operator_app().await;
    let (status, added) = add(&app, &token, automation_at("4", "2027-01-01")).await;
    assert_eq!(status, Status::Created, "{added}");
    assert_eq!((&added["rate"]["tokens"], &added["rate"]["historical"]), (&json!("4"), &json!(false)));
    assert_eq!(added["rate"]["unit_en"], "processing hours", "names and units are kept from the latest rate");
    assert_eq!(added["ended"]["effective_to"], "2026-12-31");
    assert_eq!(added["ended"]["tokens"], "3");

    let rates = list(&app, &token, &format!("?api={AUTOMATION}")).await;
    let periods: Vec<(&str, &Value)> = rates["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["effective_from"].as_str().unwrap(), &r["effective_to"]))
        .collect();
    assert_eq!(periods, [("2024-01-01", &json!("2026-12-31")), ("2027-01-01", &Value::Null)]);

    // Until the new year the published rate applies; from its first day the new one.
    let (_, before) = estimate(&app, json!({ "items": [{ "api": AUTOMATION, "monthly_units": 10 }] })).await;
    assert_eq!((&before["tokens_per_month"], &before["on"]), (&json!("30"), &json!("2026-12-01")));
    let eve: DateTime<Utc> = "2026-12-31T14:59:59Z".parse().unwrap();
    app.portal().clock.set(eve);
    let (_, last_day) =
        estimate(&app, json!({ "items": [{ "api": AUTOMATION, "monthly_units": 10 }] })).await;
    assert_eq!(last_day["tokens_per_month"], "30", "23:59:59 in Tokyo on the last day");
    app.portal().clock.set("2026-12-31T15:00:00Z".parse().unwrap());
    let (_, after) = estimate(&app, json!({ "items": [{ "api": AUTOMATION, "monthly_units": 10 }] })).await;
    assert_eq!((&after["tokens_per_month"], &after["on"]), (&json!("40"), &json!("2027-01-01")));
    assert_eq!(after["lines"][0]["rate"]["historical"], false);
    assert!(!after["warnings"].as_array().unwrap().iter().any(|w| w["code"] == "historical_rate"));
    let public: Value = app.client.get("/api/v1/rates").dispatch().await.into_json().await.unwrap();
    let in_force: Vec<&Value> = public["items"].as_array().unwrap().iter().map(|r| &r["tokens"]).collect();
    assert_eq!(in_force, [&json!("4"), &json!("1")], "one rate per API, the new one for Automation");

    // The clock moved a month: a new sign-in for the audit log.
    let token = app.token("ops@example.com").await;
    let audit = app.get_with_token("/api/v1/admin/audit", &token).await.into_json::<Value>().await.unwrap();
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["subject_type"] == "token_rate")
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions.len(), 2, "{audit}");
    assert!(actions.contains(&"token_rate.added") && actions.contains(&"token_rate.ended"));
}

#[rocket::async_test]
async fn a_rate_cannot_start_in_the_past_nor_before_one_already_scheduled() {
    let (app, token) = operator_app().await;
    let (status, body) = add(&app, &token, automation_at("4", "2026-11-30")).await;
    assert_eq!(
        (status, named(&body)),
        (Status::UnprocessableEntity, vec![("effective_from".into(), "in_the_past".into())])
    );
    let (status, _) = add(&app, &token, automation_at("4", "2026-12-01")).await;
    assert_eq!(status, Status::Created, "today is allowed");
    let (status, body) = add(&app, &token, automation_at("5", "2026-12-01")).await;
    assert_eq!(
        (status, named(&body)),
        (Status::UnprocessableEntity, vec![("effective_from".into(), "overlaps".into())])
    );
    let (status, added) = add(&app, &token, automation_at("5", "2027-04-01")).await;
    assert_eq!(status, Status::Created);
    assert_eq!(
        (&added["ended"]["effective_from"], &added["ended"]["effective_to"]),
        (&json!("2026-12-01"), &json!("2027-03-31"))
    );
    let all = list(&app, &token, "").await;
    assert_eq!(all["total"], 4, "the seeded Model Derivative rate and three Automation rates");
}

#[rocket::async_test]
async fn bad_rate_fields_are_named_and_a_new_api_needs_its_names() {
    let (app, token) = operator_app().await;
    let body = json!({
        "api": "Design Automation", "tokens": 2, "per_units": 0, "effective_from": "tomorrow", "historical": "yes",
    });
    let (status, body) = add(&app, &token, body).await;
    assert_eq!(status, Status::UnprocessableEntity);
    let mut fields = named(&body);
    fields.sort();
    assert_eq!(
        fields,
        [
            ("api", "invalid_api_code"),
            ("effective_from", "invalid_date"),
            ("historical", "wrong_type"),
            ("per_units", "not_a_whole_number"),
            ("tokens", "wrong_type"),
        ]
        .map(|(f, c)| (f.to_owned(), c.to_owned()))
    );
    let new_api = json!({
        "api": "design_automation", "tokens": "2", "per_units": 1, "effective_from": "2026-12-01", "historical": true,
    });
    let (status, body) = add(&app, &token, new_api.clone()).await;
    assert_eq!(status, Status::UnprocessableEntity);
    let fields: Vec<String> = named(&body).into_iter().map(|(f, _)| f).collect();
    assert_eq!(fields, ["name_en", "name_ja", "unit_en", "unit_ja"]);
    let mut named_api = new_api;
    for (key, value) in [
        ("name_en", "Design Automation API"),
        ("name_ja", "Design Automation API"),
        ("unit_en", "processing hours"),
        ("unit_ja", "処理時間（時間）"),
    ] {
        named_api[key] = json!(value);
    }
    let (status, added) = add(&app, &token, named_api).await;
    assert_eq!((status, &added["ended"]), (Status::Created, &Value::Null));
    let (_, body) =
        estimate(&app, json!({ "items": [{ "api": "design_automation", "monthly_units": 50 }] })).await;
    assert_eq!((&body["tokens_per_year"], &body["suggested_purchase"]), (&json!("1200"), &json!(1200)));
}

#[rocket::async_test]
async fn only_the_operator_reads_or_adds_rates() {
    let (app, _ops) = operator_app().await;
    let row = partner("exmp").create(app.portal()).await;
    make_user(app.portal(), "boss@exmp.example", "partner_admin", Some(row.id)).await;
    let reseller = app.token("boss@exmp.example").await;
    let (status, _) = add(&app, &reseller, automation_at("4", "2027-01-01")).await;
    assert_eq!(status, Status::Forbidden);
    assert_eq!(app.get_with_token("/api/v1/admin/rates", &reseller).await.status(), Status::Forbidden);
    let anonymous = app.client.get("/api/v1/admin/rates").dispatch().await;
    assert_eq!(anonymous.status(), Status::Unauthorized);
    app.browser_login("boss@exmp.example").await;
    assert_eq!(app.client.get("/admin/rates").dispatch().await.status(), Status::Forbidden);
    let public: Value = app.client.get("/api/v1/rates").dispatch().await.into_json().await.unwrap();
    assert_eq!(public["items"][1]["api"], MODEL_DERIVATIVE);
    assert_eq!(public["items"][0]["tokens"], "3", "nothing was added");
}

#[rocket::async_test]
async fn the_rates_page_lists_and_adds_rates_in_both_languages_behind_csrf() {
    let (app, _token) = operator_app().await;
    app.browser_login("ops@example.com").await;
    let ja = app.client.get("/admin/rates?lang=ja").dispatch().await.into_string().await.unwrap();
    for text in [
        "トークン換算レート",
        "過去のレート",
        "300,000 回の呼び出しあたり1トークン",
        "本日適用中",
        "レートを追加",
    ] {
        assert!(ja.contains(text), "{text} missing from the Japanese page");
    }
    let en = app.client.get("/admin/rates?lang=en").dispatch().await.into_string().await.unwrap();
    for text in
        ["Token rates", "historical rate", "1 token per 300,000 calls", "In force today", "Add a rate"]
    {
        assert!(en.contains(text), "{text} missing from the English page");
    }
    assert!(en.contains("href=\"/admin/rates\" aria-current=\"page\""), "linked from the operator nav");

    let fields = [
        ("api", MODEL_DERIVATIVE),
        ("tokens", "1"),
        ("per_units", "250000"),
        ("effective_from", "2027-01-01"),
    ];
    let response =
        app.client.post("/admin/rates").header(ContentType::Form).body(form(&fields)).dispatch().await;
    assert_eq!(response.status(), Status::Forbidden, "no CSRF token");
    let csrf = app.csrf_from("/admin/rates?lang=en").await;
    let mut with_token = vec![("_csrf", csrf.as_str())];
    with_token.extend(fields);
    with_token[4] = ("effective_from", "2026-01-01");
    let response =
        app.client.post("/admin/rates").header(ContentType::Form).body(form(&with_token)).dispatch().await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let html = response.into_string().await.unwrap();
    assert!(html.contains("Start today (2026-12-01) or later"), "the field error is shown");
    assert!(html.contains("value=\"250000\""), "what was typed is kept");
    with_token[4] = ("effective_from", "2027-01-01");
    let response =
        app.client.post("/admin/rates").header(ContentType::Form).body(form(&with_token)).dispatch().await;
    assert_eq!(response.status(), Status::SeeOther);
    assert_eq!(response.headers().get_one("Location"), Some("/admin/rates?saved=added"));
    let en = app.client.get("/admin/rates?saved=added&lang=en").dispatch().await.into_string().await.unwrap();
    assert!(en.contains("The rate was added.") && en.contains("1 token per 250,000 calls"), "{en}");
    assert!(en.contains("2024-01-01 – 2026-12-31"), "the published rate now ends the day before");
}
