//! A customer's free trial: the reseller records the day the Autodesk trial began (customer API and
//! form); it lasts the trial days of the account rules in force on that day, in the customer's time
//! zone; the balance status is `trial` until then, the reseller's API still gives the numbers plus
//! `trial_until`, and the balance pages and the purchaser's link JSON show the trial's last day
//! instead of the balance.

use chrono::{DateTime, Utc};
use flexportal::domain::account_rules::{AccountRulesInput, add_account_rules};
use flexportal::domain::actor::Origin;
use rocket::http::{ContentType, Status};
use serde_json::{Value, json};

use crate::common::{operator, reconcile};
use crate::helpers::{TestApp, extract_csrf, form, spawn_app_with};
use crate::orders::{accepted_quote, balance, fulfil, id_of, place, signed_in_again};
use crate::price_book::{named, on_first_of_december};
use crate::quotes::{Reseller, call, customer, reseller};

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
}

async fn set_trial(app: &TestApp, seller: &Reseller, cust: &str, started_on: Value) -> (Status, Value) {
    call(
        app,
        "PATCH",
        &format!("/api/v1/customers/{cust}"),
        &seller.token,
        json!({"trial_started_on": started_on}),
    )
    .await
}

/// A customer with 100 tokens available, so that the balance has numbers to hide.
async fn customer_with_tokens(app: &TestApp, seller: &Reseller) -> String {
    let cust = customer(app, seller, "JP").await;
    let quote = accepted_quote(app, seller, &cust, 100).await;
    let (status, order) = place(app, seller, &quote, "invoice").await;
    assert_eq!(status, Status::Created, "{order}");
    let (status, body) = fulfil(app, seller, &id_of(&order)).await;
    assert_eq!(status, Status::Ok, "{body}");
    cust
}

#[rocket::async_test]
async fn the_status_is_trial_until_the_end_of_the_trial_then_active() {
    let app = spawn_app_with(on_first_of_december()).await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer_with_tokens(&app, &seller).await;
    assert_eq!(balance(&app, &seller, &cust).await["status"], "active");

    let (status, body) = set_trial(&app, &seller, &cust, json!("2026-11-15")).await;
    assert_eq!((status, &body["trial_started_on"]), (Status::Ok, &json!("2026-11-15")), "{body}");
    let view = balance(&app, &seller, &cust).await;
    // 90 days from 15 November, counting it: the last day is 12 February, in Tokyo.
    assert_eq!(
        (&view["status"], &view["trial_until"], &view["trial_last_day"]),
        (&json!("trial"), &json!("2027-02-12T15:00:00Z"), &json!("2027-02-12"))
    );
    assert_eq!(
        (&view["available"], &view["purchased_total"]),
        (&json!("100"), &json!("100")),
        "the API keeps the numbers"
    );

    app.portal().clock.set(at("2027-02-12T23:59:59+09:00"));
    let seller = signed_in_again(&app, seller).await;
    assert_eq!(balance(&app, &seller, &cust).await["status"], "trial");
    app.portal().clock.set(at("2027-02-13T00:00:00+09:00"));
    assert_eq!(balance(&app, &seller, &cust).await["status"], "active");
    reconcile(app.portal()).await;
}

#[rocket::async_test]
async fn a_trial_recorded_at_creation_creates_the_account_and_null_clears_it() {
    let app = spawn_app_with(on_first_of_december()).await;
    let seller = reseller(&app, "exmp").await;
    let (status, created) = call(
        &app,
        "POST",
        "/api/v1/customers",
        &seller.token,
        json!({
        "company_name": "株式会社トライアル", "contact_name": "試 用子", "email": "trial@customer.example",
        "purchaser_autodesk_id": "trial@customer.example", "time_zone": "America/New_York",
        "trial_started_on": "2026-11-30"}),
    )
    .await;
    assert_eq!(status, Status::Created, "{created}");
    let cust = id_of(&created);
    let account = flexportal::storage::tokens::find_account(app.portal().db.conn(), cust.parse().unwrap())
        .await
        .unwrap()
        .expect("recording a trial creates the customer's account");
    // The end of 27 February in New York (EST, UTC−5).
    assert_eq!(account.trial_until, Some(at("2027-02-28T05:00:00Z")));
    let view = balance(&app, &seller, &cust).await;
    assert_eq!((&view["status"], &view["available"]), (&json!("trial"), &json!("0")));

    let (status, body) = set_trial(&app, &seller, &cust, Value::Null).await;
    assert_eq!((status, &body["trial_started_on"]), (Status::Ok, &Value::Null), "{body}");
    let view = balance(&app, &seller, &cust).await;
    assert_eq!((&view["status"], &view["trial_until"]), (&json!("active"), &Value::Null));
    let (_, read) = call(&app, "GET", &format!("/api/v1/customers/{cust}"), &seller.token, Value::Null).await;
    assert_eq!(read["trial_started_on"], Value::Null);
    reconcile(app.portal()).await;
}

#[rocket::async_test]
async fn the_trial_lasts_as_long_as_the_rules_in_force_on_its_first_day_say() {
    let app = spawn_app_with(on_first_of_december()).await;
    let input = AccountRulesInput {
        effective_from: "2026-12-01".into(),
        trial_days: "30".into(),
        grace_days: "14".into(),
        deficit_allowed: true,
        note: String::new(),
    };
    add_account_rules(app.portal(), &operator(), &Origin::default(), &input).await.unwrap();
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    set_trial(&app, &seller, &cust, json!("2026-12-01")).await;
    assert_eq!(
        balance(&app, &seller, &cust).await["trial_last_day"],
        "2026-12-30",
        "30 days under the new rules"
    );
    set_trial(&app, &seller, &cust, json!("2026-11-30")).await;
    assert_eq!(
        balance(&app, &seller, &cust).await["trial_last_day"],
        "2027-02-27",
        "90 days under the old rules"
    );
}

#[rocket::async_test]
async fn a_bad_trial_start_is_named_and_changes_nothing() {
    let app = spawn_app_with(on_first_of_december()).await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    set_trial(&app, &seller, &cust, json!("2026-11-01")).await;
    for (value, code) in [
        (json!("2026-12-02"), "in_the_future"),
        (json!("2026/11/01"), "invalid_date"),
        (json!("2019-12-31"), "no_account_rules"),
    ] {
        let (status, problem) = set_trial(&app, &seller, &cust, value.clone()).await;
        assert_eq!(status, Status::UnprocessableEntity, "{value}: {problem}");
        assert_eq!(named(&problem), [("trial_started_on".to_owned(), code.to_owned())], "{value}");
    }
    let (status, _) = set_trial(&app, &seller, &cust, json!(20261101)).await;
    assert_eq!(status, Status::UnprocessableEntity, "a number is not a date");
    let view = balance(&app, &seller, &cust).await;
    assert_eq!(view["trial_last_day"], "2027-01-29", "the trial recorded first is kept");
    let (_, read) = call(&app, "GET", &format!("/api/v1/customers/{cust}"), &seller.token, Value::Null).await;
    assert_eq!(read["trial_started_on"], "2026-11-01");
}

#[rocket::async_test]
async fn another_resellers_customer_is_not_found_and_keeps_its_trial() {
    let app = spawn_app_with(on_first_of_december()).await;
    let seller = reseller(&app, "exmp").await;
    let other = reseller(&app, "othr").await;
    let cust = customer(&app, &seller, "JP").await;
    let (status, _) = set_trial(&app, &other, &cust, json!("2026-11-01")).await;
    assert_eq!(status, Status::NotFound);
    let (status, _) =
        call(&app, "GET", &format!("/api/v1/customers/{cust}/balance"), &other.token, Value::Null).await;
    assert_eq!(status, Status::NotFound);
    assert_eq!(balance(&app, &seller, &cust).await["status"], "active");
}

async fn html(app: &TestApp, path: &str) -> String {
    let response = app.client.get(path.to_owned()).dispatch().await;
    assert_eq!(response.status(), Status::Ok, "{path}");
    response.into_string().await.unwrap()
}

#[rocket::async_test]
async fn the_balance_pages_show_the_trials_last_day_instead_of_the_balance() {
    let app = spawn_app_with(on_first_of_december()).await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer_with_tokens(&app, &seller).await;
    app.browser_login("sales@exmp.example").await;
    let page = format!("/app/customers/{cust}");
    let before = html(&app, &format!("{page}?lang=en")).await;
    assert!(before.contains("id=\"balance-figures\"") && !before.contains("id=\"balance-trial\""));

    // Recorded through the customer form.
    let csrf = extract_csrf(&before);
    let mut fields: Vec<(&str, &str)> = vec![
        ("_csrf", &csrf),
        ("company_name", "株式会社サンプル顧客"),
        ("contact_name", "山田 太郎"),
        ("email", "yamada@customer.example"),
        ("country", "JP"),
        ("language", "ja"),
        ("time_zone", "Asia/Tokyo"),
        ("purchaser_autodesk_id", "buyer@customer.example"),
        ("trial_started_on", "2027-01-01"),
    ];
    let response =
        app.client.post(page.clone()).header(ContentType::Form).body(form(&fields)).dispatch().await;
    assert_eq!(response.status(), Status::UnprocessableEntity, "a trial cannot begin tomorrow");
    let again = response.into_string().await.unwrap();
    assert!(again.contains("Enter the day the trial began: today (2026-12-01) or earlier."), "{again}");
    fields.pop();
    fields.push(("trial_started_on", "2026-12-01"));
    let response =
        app.client.post(page.clone()).header(ContentType::Form).body(form(&fields)).dispatch().await;
    assert_eq!(response.status(), Status::SeeOther);

    let en = html(&app, &format!("{page}?lang=en")).await;
    assert!(en.contains("The free trial runs until 2027-02-28."), "{en}");
    assert!(
        !en.contains("id=\"balance-figures\"") && !en.contains("id=\"balance-packs\""),
        "no balance in the trial"
    );
    assert!(en.contains("value=\"2026-12-01\""), "the form shows the recorded day");
    let ja = html(&app, &format!("{page}?lang=ja")).await;
    assert!(ja.contains("無料トライアルは2027-02-28まで続きます。"), "{ja}");

    let (_, link) =
        call(&app, "GET", &format!("/api/v1/customers/{cust}/balance-link"), &seller.token, Value::Null)
            .await;
    let path = link["url"].as_str().unwrap().split_once("://").unwrap().1.split_once('/').unwrap().1;
    let purchaser = html(&app, &format!("/{path}?lang=en")).await;
    assert!(purchaser.contains("The free trial runs until 2027-02-28."), "{purchaser}");
    assert!(!purchaser.contains("id=\"balance-available\""));
    // The link's JSON withholds the same numbers as its page.
    let json_path = format!("/api/v1/public/{}", path);
    let (status, public) = call(&app, "GET", &json_path, "", Value::Null).await;
    assert_eq!(status, Status::Ok, "{public}");
    assert_eq!((&public["status"], &public["trial_last_day"]), (&json!("trial"), &json!("2027-02-28")));
    for hidden in ["available", "pending", "deficit", "used_12_months", "purchased_total", "packs"] {
        assert!(public.get(hidden).is_none(), "{hidden} is shown during the trial: {public}");
    }

    app.portal().clock.set(at("2027-03-01T00:00:00+09:00"));
    let purchaser = html(&app, &format!("/{path}?lang=en")).await;
    assert!(purchaser.contains("id=\"balance-available\"") && !purchaser.contains("id=\"balance-trial\""));
    let (status, public) = call(&app, "GET", &json_path, "", Value::Null).await;
    assert_eq!(
        (status, &public["status"], &public["available"]),
        (Status::Ok, &json!("active"), &json!("100"))
    );
    reconcile(app.portal()).await;
}
