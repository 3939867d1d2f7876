//! The operator's price book and tax rules through `/api/v1/admin/price-book` and `/admin/tax-rules`.
//! Amounts are major-unit decimal strings with the currency's minor digits at least: `"390"`,
//! `"370.5"`, `"3.00"`. Every test runs on 2026-12-01 in Tokyo.

use chrono::{DateTime, Utc};
use rocket::http::{ContentType, Status};
use serde_json::{Value, json};

use crate::common::{Options, make_user, partner};
use crate::helpers::{TestApp, bearer, spawn_app_with};

pub const SEEDED_JPY_100: &str = "00000000-0000-4000-8000-000000000101";
pub const SEEDED_JP_TAX: &str = "00000000-0000-4000-8000-000000000301";

pub fn on_first_of_december() -> Options {
    let now: DateTime<Utc> = "2026-12-01T03:00:00Z".parse().unwrap();
    Options { fake_now: Some(now), ..Default::default() }
}

async fn operator_app() -> (TestApp, String) {
    let app = spawn_app_with(on_first_of_december()).await;
    app.user("ops@example.com", "admin").await;
    let token = app.token("ops@example.com").await;
    (app, token)
}

pub async fn call(
    app: &TestApp,
    method: &str,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (Status, Value) {
    let request = match method {
        "POST" => app.client.post(path.to_owned()),
        "PATCH" => app.client.patch(path.to_owned()),
        _ => app.client.get(path.to_owned()),
    };
    let request = request.header(bearer(token));
    let request = match body {
        Some(body) => request.header(ContentType::JSON).body(body.to_string()),
        None => request,
    };
    let response = request.dispatch().await;
    let status = response.status();
    (status, response.into_json().await.unwrap_or_default())
}

async fn get(app: &TestApp, path: &str, token: &str) -> Value {
    let (status, body) = call(app, "GET", path, token, None).await;
    assert_eq!(status, Status::Ok, "{path}: {body}");
    body
}

/// `(currency, min_tokens, amount)` of each listed tier.
fn prices(list: &Value) -> Vec<(String, u64, String)> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            assert_eq!(t["unit_price"]["currency"], t["currency"]);
            (
                t["currency"].as_str().unwrap().to_owned(),
                t["min_tokens"].as_u64().unwrap(),
                t["unit_price"]["amount"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn owned(rows: &[(&str, u64, &str)]) -> Vec<(String, u64, String)> {
    rows.iter().map(|(c, m, a)| ((*c).to_owned(), *m, (*a).to_owned())).collect()
}

/// `(field, code)` of each error of a problem document.
pub fn named(problem: &Value) -> Vec<(String, String)> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| (e["field"].as_str().unwrap().to_owned(), e["code"].as_str().unwrap().to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

fn tier(currency: &str, min_tokens: u64, price: &str, from: &str) -> Value {
    json!({"currency": currency, "min_tokens": min_tokens, "unit_price": price, "effective_from": from})
}

fn consumption_tax(rate: &str, rounding: &str, from: &str) -> Value {
    json!({"country": "JP", "name": "消費税", "rate_percent": rate, "rounding": rounding,
        "effective_from": from})
}

#[rocket::async_test]
async fn the_seeded_sample_prices_and_japanese_tax_are_listed_with_exact_amounts() {
    let (app, token) = operator_app().await;
    let list = get(&app, "/api/v1/admin/price-book", &token).await;
    assert_eq!(
        prices(&list),
        owned(&[
            ("JPY", 100, "390"),
            ("JPY", 5000, "380.25"),
            ("JPY", 10_000, "370.5"),
            ("USD", 100, "3.00")
        ])
    );
    assert_eq!(list["total"], 4);
    for item in list["items"].as_array().unwrap() {
        assert_eq!(
            (item["sample"].as_bool(), item["effective_from"].as_str()),
            (Some(true), Some("2024-01-01"))
        );
        assert!(item["effective_to"].is_null());
    }
    assert_eq!(list["items"][0]["id"], SEEDED_JPY_100);
    let rules = get(&app, "/api/v1/admin/tax-rules", &token).await;
    let items = rules["items"].as_array().unwrap();
    let japan: Vec<&Value> = items.iter().filter(|r| r["country"] == "JP").collect();
    assert_eq!(
        japan,
        [&json!({"id": SEEDED_JP_TAX, "country": "JP", "name": "消費税 / Japanese consumption tax",
            "rate_percent": "10", "rounding": "down", "effective_from": "2019-10-01", "effective_to": null})]
    );
    assert_eq!(rules["total"], 22, "Japan, and the 21 other countries a customer can be in");
    for abroad in items.iter().filter(|r| r["country"] != "JP") {
        assert_eq!(
            (abroad["rate_percent"].as_str(), abroad["name"].as_str()),
            (Some("0"), Some("不課税 / not subject to Japanese consumption tax")),
            "{abroad}"
        );
    }
}

#[rocket::async_test]
async fn filters_keep_what_is_in_force_on_a_day_in_one_currency() {
    let (app, token) = operator_app().await;
    let usd = get(&app, "/api/v1/admin/price-book?on=2026-12-01&currency=usd", &token).await;
    assert_eq!(prices(&usd), owned(&[("USD", 100, "3.00")]));
    let before_the_seed = get(&app, "/api/v1/admin/price-book?on=2023-12-31", &token).await;
    assert_eq!(before_the_seed["total"], 0);
    let japan = get(&app, "/api/v1/admin/tax-rules?country=JP&on=2019-10-01", &token).await;
    assert_eq!(japan["total"], 1);
    let (status, problem) =
        call(&app, "GET", "/api/v1/admin/price-book?on=tomorrow&currency=EUR", &token, None).await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert_eq!(
        named(&problem),
        [("currency".into(), "unsupported_currency".into()), ("on".into(), "invalid_date".into())]
    );
}

#[rocket::async_test]
async fn a_new_tier_is_in_force_from_its_first_day_and_not_before() {
    let (app, token) = operator_app().await;
    let (status, created) = call(
        &app,
        "POST",
        "/api/v1/admin/price-book",
        &token,
        Some(tier("JPY", 50_000, "360.1234", "2027-01-01")),
    )
    .await;
    assert_eq!(status, Status::Created, "{created}");
    assert_eq!(created["unit_price"], json!({"amount": "360.1234", "currency": "JPY"}));
    assert_eq!((created["sample"].as_bool(), created["effective_to"].is_null()), (Some(false), true));
    let eve = get(&app, "/api/v1/admin/price-book?currency=JPY&on=2026-12-31", &token).await;
    assert_eq!(eve["total"], 3);
    let first_day = get(&app, "/api/v1/admin/price-book?currency=JPY&on=2027-01-01", &token).await;
    assert_eq!(prices(&first_day).last(), Some(&("JPY".into(), 50_000, "360.1234".into())));
    let audit = get(&app, "/api/v1/admin/audit", &token).await;
    assert!(audit["items"].as_array().unwrap().iter().any(|e| e["action"] == "price_tier.added"
        && e["subject_id"] == created["id"]
        && e["actor_email"] == "ops@example.com"));
}

#[rocket::async_test]
async fn an_overlapping_tier_is_refused_until_the_old_one_is_ended() {
    let (app, token) = operator_app().await;
    let successor = tier("JPY", 100, "400", "2027-01-01");
    let (status, problem) =
        call(&app, "POST", "/api/v1/admin/price-book", &token, Some(successor.clone())).await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert_eq!(named(&problem), [("effective_from".into(), "overlaps".into())]);
    assert!(problem["errors"][0]["message"].as_str().unwrap().contains("2024-01-01"));

    let path = format!("/api/v1/admin/price-book/{SEEDED_JPY_100}");
    let (status, ended) =
        call(&app, "PATCH", &path, &token, Some(json!({"effective_to": "2026-12-31"}))).await;
    assert_eq!(status, Status::Ok, "{ended}");
    assert_eq!(
        (ended["effective_to"].as_str(), ended["unit_price"]["amount"].as_str()),
        (Some("2026-12-31"), Some("390"))
    );
    let (status, _) = call(&app, "POST", "/api/v1/admin/price-book", &token, Some(successor)).await;
    assert_eq!(status, Status::Created);

    // Stretching the old tier over its successor would make the price ambiguous again.
    let (status, problem) =
        call(&app, "PATCH", &path, &token, Some(json!({"effective_to": "2027-01-01"}))).await;
    assert_eq!(
        (status, named(&problem)),
        (Status::UnprocessableEntity, vec![("effective_to".into(), "overlaps".into())])
    );
    // Another currency or threshold never clashes.
    let (status, _) =
        call(&app, "POST", "/api/v1/admin/price-book", &token, Some(tier("USD", 5000, "2.9", "2027-01-01")))
            .await;
    assert_eq!(status, Status::Created);
}

#[rocket::async_test]
async fn bad_tier_inputs_are_refused_with_each_field_named_never_a_500() {
    let (app, token) = operator_app().await;
    let valid = tier("JPY", 20_000, "365", "2027-01-01");
    let cases: Vec<(Value, &str, &str)> = vec![
        (json!({"unit_price": "-1"}), "unit_price", "too_small"),
        (json!({"unit_price": "abc"}), "unit_price", "not_a_number"),
        (json!({"unit_price": "1.23456"}), "unit_price", "too_precise"),
        (json!({"unit_price": 370.5}), "unit_price", "wrong_type"),
        (json!({"unit_price": ""}), "unit_price", "required"),
        (json!({"min_tokens": 0}), "min_tokens", "too_small"),
        (json!({"min_tokens": 1_000_001}), "min_tokens", "too_large"),
        (json!({"min_tokens": "100"}), "min_tokens", "wrong_type"),
        (json!({"min_tokens": 100.5}), "min_tokens", "wrong_type"),
        (json!({"currency": "EUR"}), "currency", "unsupported_currency"),
        (json!({"effective_from": "2026-11-30"}), "effective_from", "in_the_past"),
        (json!({"effective_from": "01/01/2027"}), "effective_from", "invalid_date"),
        (json!({"effective_to": "2026-12-31"}), "effective_to", "before_effective_from"),
        (json!({"sample": "yes"}), "sample", "wrong_type"),
        (json!({"discount": "5"}), "discount", "invalid"),
    ];
    for (change, field, code) in cases {
        let mut body = valid.clone();
        for (key, value) in change.as_object().unwrap() {
            body[key] = value.clone();
        }
        let (status, problem) = call(&app, "POST", "/api/v1/admin/price-book", &token, Some(body)).await;
        assert_eq!(status, Status::UnprocessableEntity, "{change}: {problem}");
        assert_eq!(named(&problem), [(field.to_owned(), code.to_owned())], "{change}");
    }
    let everything_wrong =
        json!({"currency": "", "min_tokens": "lots", "unit_price": 1.5, "effective_from": "soon"});
    let (status, problem) =
        call(&app, "POST", "/api/v1/admin/price-book", &token, Some(everything_wrong)).await;
    assert_eq!(status, Status::UnprocessableEntity);
    let mut fields: Vec<String> = named(&problem).into_iter().map(|(field, _)| field).collect();
    fields.sort();
    assert_eq!(fields, ["currency", "effective_from", "min_tokens", "unit_price"]);
    assert_eq!(get(&app, "/api/v1/admin/price-book", &token).await["total"], 4, "nothing was added");
}

#[rocket::async_test]
async fn bad_tax_rule_inputs_are_refused_with_each_field_named() {
    let (app, token) = operator_app().await;
    let valid = consumption_tax("12", "half_up", "2027-04-01");
    let cases: Vec<(Value, &str, &str)> = vec![
        (json!({"rate_percent": "101"}), "rate_percent", "too_large"),
        (json!({"rate_percent": "-1"}), "rate_percent", "too_small"),
        (json!({"rate_percent": "7.125"}), "rate_percent", "too_precise"),
        (json!({"rate_percent": 10}), "rate_percent", "wrong_type"),
        (json!({"rounding": "sideways"}), "rounding", "unknown_rounding"),
        (json!({"country": "XX"}), "country", "unsupported_country"),
        (json!({"name": " "}), "name", "required"),
        (json!({"effective_to": "2027-03-31"}), "effective_to", "before_effective_from"),
        (json!({"vat_id": "x"}), "vat_id", "invalid"),
    ];
    for (change, field, code) in cases {
        let mut body = valid.clone();
        for (key, value) in change.as_object().unwrap() {
            body[key] = value.clone();
        }
        let (status, problem) = call(&app, "POST", "/api/v1/admin/tax-rules", &token, Some(body)).await;
        assert_eq!(status, Status::UnprocessableEntity, "{change}: {problem}");
        assert_eq!(named(&problem), [(field.to_owned(), code.to_owned())], "{change}");
    }
    let (status, problem) = call(&app, "POST", "/api/v1/admin/tax-rules", &token, Some(valid)).await;
    assert_eq!(
        (status, named(&problem)),
        (Status::UnprocessableEntity, vec![("effective_from".into(), "overlaps".into())])
    );
}

#[rocket::async_test]
async fn a_new_tax_rate_follows_the_old_one_without_a_gap_or_an_overlap() {
    let (app, token) = operator_app().await;
    let path = format!("/api/v1/admin/tax-rules/{SEEDED_JP_TAX}");
    let (status, ended) =
        call(&app, "PATCH", &path, &token, Some(json!({"effective_to": "2027-03-31"}))).await;
    assert_eq!((status, ended["effective_to"].as_str()), (Status::Ok, Some("2027-03-31")));
    let (status, created) = call(
        &app,
        "POST",
        "/api/v1/admin/tax-rules",
        &token,
        Some(consumption_tax("12.5", "half_up", "2027-04-01")),
    )
    .await;
    assert_eq!(status, Status::Created, "{created}");
    assert_eq!(
        (created["rate_percent"].as_str(), created["rounding"].as_str()),
        (Some("12.5"), Some("half_up"))
    );
    let on = |day: &'static str| format!("/api/v1/admin/tax-rules?country=jp&on={day}");
    assert_eq!(get(&app, &on("2027-03-31"), &token).await["items"][0]["rate_percent"], "10");
    assert_eq!(get(&app, &on("2027-04-01"), &token).await["items"][0]["rate_percent"], "12.5");
}

#[rocket::async_test]
async fn ending_never_rewrites_days_already_past() {
    let (app, token) = operator_app().await;
    let path = format!("/api/v1/admin/price-book/{SEEDED_JPY_100}");
    let end = |day: &str| Some(json!({"effective_to": day}));
    let (status, problem) = call(&app, "PATCH", &path, &token, end("2026-11-29")).await;
    assert_eq!(
        (status, named(&problem)),
        (Status::UnprocessableEntity, vec![("effective_to".into(), "in_the_past".into())])
    );
    let (status, problem) =
        call(&app, "PATCH", &path, &token, Some(json!({"effective_to": "2027-01-01", "unit_price": "1"})))
            .await;
    assert_eq!(
        (status, named(&problem)),
        (Status::UnprocessableEntity, vec![("unit_price".into(), "invalid".into())])
    );
    let (status, problem) = call(&app, "PATCH", &path, &token, Some(json!({}))).await;
    assert_eq!(
        (status, named(&problem)),
        (Status::UnprocessableEntity, vec![("effective_to".into(), "required".into())])
    );
    // Ending yesterday stops the tier at once; after that its days are history.
    let (status, _) = call(&app, "PATCH", &path, &token, end("2026-11-30")).await;
    assert_eq!(status, Status::Ok);
    assert_eq!(get(&app, "/api/v1/admin/price-book?currency=JPY&on=2026-12-01", &token).await["total"], 2);
    let (status, _) = call(&app, "PATCH", &path, &token, end("2027-12-31")).await;
    assert_eq!(status, Status::Conflict);
    let unknown = "/api/v1/admin/price-book/00000000-0000-4000-8000-000000000999";
    assert_eq!(call(&app, "PATCH", unknown, &token, end("2027-01-01")).await.0, Status::NotFound);
}

#[rocket::async_test]
async fn only_the_operator_reads_or_changes_prices_and_tax_rules() {
    let (app, _) = operator_app().await;
    let reseller = partner("exmp").create(app.portal()).await;
    make_user(app.portal(), "boss@exmp.example", "partner_admin", Some(reseller.id)).await;
    make_user(app.portal(), "sales@exmp.example", "partner_sales", Some(reseller.id)).await;
    let requests = [
        ("GET", "/api/v1/admin/price-book".to_owned(), None),
        ("POST", "/api/v1/admin/price-book".to_owned(), Some(tier("JPY", 20_000, "365", "2027-01-01"))),
        (
            "PATCH",
            format!("/api/v1/admin/price-book/{SEEDED_JPY_100}"),
            Some(json!({"effective_to": "2027-01-01"})),
        ),
        ("GET", "/api/v1/admin/tax-rules".to_owned(), None),
        ("POST", "/api/v1/admin/tax-rules".to_owned(), Some(consumption_tax("12", "down", "2027-04-01"))),
        (
            "PATCH",
            format!("/api/v1/admin/tax-rules/{SEEDED_JP_TAX}"),
            Some(json!({"effective_to": "2027-01-01"})),
        ),
    ];
    for email in ["boss@exmp.example", "sales@exmp.example"] {
        let token = app.token(email).await;
        for (method, path, body) in &requests {
            let (status, _) = call(&app, method, path, &token, body.clone()).await;
            assert_eq!(status, Status::Forbidden, "{email} {method} {path}");
        }
    }
    for (method, path, body) in &requests {
        let request = match *method {
            "POST" => app.client.post(path.clone()),
            "PATCH" => app.client.patch(path.clone()),
            _ => app.client.get(path.clone()),
        };
        let body = body.clone().unwrap_or_default().to_string();
        let response = request.header(ContentType::JSON).body(body).dispatch().await;
        assert_eq!(response.status(), Status::Unauthorized, "{method} {path}");
    }
    let operator = app.token("ops@example.com").await;
    let list = get(&app, "/api/v1/admin/price-book", &operator).await;
    assert!(list["items"].as_array().unwrap().iter().all(|t| t["effective_to"].is_null()), "nothing changed");
}

#[rocket::async_test]
async fn the_openapi_document_describes_the_price_book_and_tax_rules() {
    let app = spawn_app_with(on_first_of_december()).await;
    let doc: Value = app.client.get("/api/v1/openapi.json").dispatch().await.into_json().await.unwrap();
    for (path, method) in [
        ("/admin/price-book", "get"),
        ("/admin/price-book", "post"),
        ("/admin/price-book/{id}", "patch"),
        ("/admin/tax-rules", "get"),
        ("/admin/tax-rules", "post"),
        ("/admin/tax-rules/{id}", "patch"),
    ] {
        assert!(doc["paths"][path][method].is_object(), "{method} {path} undocumented");
    }
    let schemas = &doc["components"]["schemas"];
    assert_eq!(schemas["NewPriceTier"]["additionalProperties"], false);
    assert_eq!(schemas["NewTaxRule"]["properties"]["rounding"]["enum"], json!(["down", "half_up", "up"]));
    assert_eq!(schemas["Money"]["properties"]["amount"]["type"], "string");
}
