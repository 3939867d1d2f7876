//! Usage analytics (issue 11): a customer's usage of a period by day, API and developer, summed from
//! the daily roll-ups with days without usage as zeros; its balance with the donut's 20% rule, the
//! token events of the period and the packs expiring within 90 days; bad parameters refused by
//! name; another partner's customer not found; the operator reads any.

mod pages;

use rocket::http::Status;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::common::{Options, make_user, reconcile};
use crate::helpers::{TestApp, spawn_app_with};
use crate::orders::{accepted_quote, at, fulfil, id_of, place, signed_in_again};
use crate::quotes::{Reseller, call, customer, reseller};
use flexportal::domain::tokens::TokenAmount;
use flexportal::domain::usage_analytics::DailyRollup;

/// Noon in Tokyo on the last day of March 2027: the default period is 2027-03-02..=2027-03-31.
pub fn today() -> Options {
    Options { fake_now: Some(at("2027-03-31T12:00:00+09:00")), ..Default::default() }
}

/// Writes roll-up rows `(day, api, developer, tokens, events)` for `customer`, as usage ingestion
/// would have kept them.
pub async fn used(app: &TestApp, seller: &Reseller, customer: &str, rows: &[(&str, &str, &str, &str, i64)]) {
    let rows: Vec<DailyRollup> = rows
        .iter()
        .map(|(day, api, developer, tokens, events)| DailyRollup {
            customer_id: Uuid::parse_str(customer).unwrap(),
            partner_id: seller.partner_id,
            day: day.parse().unwrap(),
            api: (*api).to_owned(),
            autodesk_id: (*developer).to_owned(),
            tokens: TokenAmount::parse("tokens", tokens).unwrap(),
            events: *events,
        })
        .collect();
    flexportal::storage::usage_analytics::insert_rollups(app.portal().db.conn(), &rows).await.unwrap();
}

pub async fn usage(app: &TestApp, token: &str, customer: &str, query: &str) -> (Status, Value) {
    call(app, "GET", &format!("/api/v1/customers/{customer}/usage?{query}"), token, json!(null)).await
}

fn rows(report: &Value) -> Vec<(String, String, i64)> {
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["key"].as_str().unwrap().to_owned(),
                r["tokens"].as_str().unwrap().to_owned(),
                r["events"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn row(key: &str, tokens: &str, events: i64) -> (String, String, i64) {
    (key.to_owned(), tokens.to_owned(), events)
}

#[rocket::async_test]
async fn usage_of_a_period_is_summed_by_day_api_and_developer_with_days_without_usage_as_zeros() {
    let app = spawn_app_with(today()).await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let other_customer = customer(&app, &seller, "JP").await;
    used(
        &app,
        &seller,
        &cust,
        &[
            ("2027-02-28", "model-derivative", "aiko@customer.example", "100", 1),
            ("2027-03-01", "model-derivative", "aiko@customer.example", "1.5", 3),
            ("2027-03-01", "design-automation", "aiko@customer.example", "2.5", 1),
            ("2027-03-03", "model-derivative", "ben@customer.example", "0.5", 1),
            ("2027-03-04", "model-derivative", "aiko@customer.example", "7", 1),
        ],
    )
    .await;
    used(
        &app,
        &seller,
        &other_customer,
        &[("2027-03-01", "model-derivative", "aiko@customer.example", "50", 5)],
    )
    .await;

    let period = "from=2027-03-01&to=2027-03-03";
    let (status, by_day) = usage(&app, &seller.token, &cust, &format!("{period}&group_by=day")).await;
    assert_eq!(status, Status::Ok, "{by_day}");
    assert_eq!(
        (by_day["from"].as_str(), by_day["to"].as_str(), by_day["group_by"].as_str()),
        (Some("2027-03-01"), Some("2027-03-03"), Some("day"))
    );
    assert_eq!(
        rows(&by_day),
        vec![row("2027-03-01", "4", 4), row("2027-03-02", "0", 0), row("2027-03-03", "0.5", 1)]
    );
    assert_eq!(by_day["total"], json!({"tokens": "4.5", "events": 5}));

    let (_, by_api) = usage(&app, &seller.token, &cust, &format!("{period}&group_by=api")).await;
    assert_eq!(rows(&by_api), vec![row("design-automation", "2.5", 1), row("model-derivative", "2", 4)]);
    assert_eq!(by_api["total"], by_day["total"]);

    let (_, by_developer) = usage(&app, &seller.token, &cust, &format!("{period}&group_by=developer")).await;
    assert_eq!(
        rows(&by_developer),
        vec![row("aiko@customer.example", "4", 4), row("ben@customer.example", "0.5", 1)]
    );
    assert_eq!(by_developer["total"], by_day["total"]);
}

#[rocket::async_test]
async fn a_period_of_whole_and_partial_months_sums_every_day_inside_it_once_and_none_outside() {
    let app = spawn_app_with(today()).await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    // Read as the days 01-15..=01-31, the whole month of February, and the days 03-01..=03-10.
    let aiko = "aiko@customer.example";
    let ben = "ben@customer.example";
    used(
        &app,
        &seller,
        &cust,
        &[
            ("2027-01-14", "model-derivative", aiko, "1000", 1),
            ("2027-01-15", "model-derivative", aiko, "1", 1),
            ("2027-01-31", "design-automation", ben, "2", 1),
            ("2027-02-01", "model-derivative", ben, "4", 2),
            ("2027-02-28", "design-automation", aiko, "8", 1),
            ("2027-03-01", "model-derivative", aiko, "16", 1),
            ("2027-03-10", "design-automation", ben, "0.032", 1),
            ("2027-03-11", "design-automation", ben, "2000", 1),
        ],
    )
    .await;
    let period = "from=2027-01-15&to=2027-03-10";
    let (status, by_api) = usage(&app, &seller.token, &cust, &format!("{period}&group_by=api")).await;
    assert_eq!(status, Status::Ok, "{by_api}");
    assert_eq!(rows(&by_api), vec![row("model-derivative", "21", 4), row("design-automation", "10.032", 3)]);
    let (_, by_developer) = usage(&app, &seller.token, &cust, &format!("{period}&group_by=developer")).await;
    assert_eq!(
        rows(&by_developer),
        vec![row("aiko@customer.example", "25", 3), row("ben@customer.example", "6.032", 4)]
    );
    let (_, by_day) = usage(&app, &seller.token, &cust, &format!("{period}&group_by=day")).await;
    assert_eq!(rows(&by_day).len(), 55);
    assert_eq!(by_day["total"], json!({"tokens": "31.032", "events": 7}));
    assert_eq!(by_api["total"], by_day["total"]);
    assert_eq!(by_developer["total"], by_day["total"]);

    // A whole month alone, and a period inside one month.
    let (_, february) = usage(&app, &seller.token, &cust, "from=2027-02-01&to=2027-02-28&group_by=api").await;
    assert_eq!(rows(&february), vec![row("design-automation", "8", 1), row("model-derivative", "4", 2)]);
    let (_, inside) =
        usage(&app, &seller.token, &cust, "from=2027-02-02&to=2027-02-27&group_by=developer").await;
    assert_eq!(rows(&inside), vec![]);
    reconcile(app.portal()).await;
}

/// Each customer's report for two periods (whole and partial months, and partial only), grouped
/// each way.
async fn every_grouping(app: &TestApp, token: &str, customers: &[&str]) -> Vec<Value> {
    let mut reports = Vec::new();
    for period in ["from=2026-12-01&to=2027-03-31", "from=2027-01-10&to=2027-02-01"] {
        for group in ["day", "api", "developer"] {
            for customer in customers {
                reports.push(usage(app, token, customer, &format!("{period}&group_by={group}")).await.1);
            }
        }
    }
    reports
}

/// Usage applied before the coarser roll-ups existed is rolled up when the schema gains them: the
/// reports read the same after the migration runs on the data.
#[rocket::async_test]
async fn the_roll_up_migration_sums_the_usage_applied_before_it() {
    use migrations::MigratorTrait;
    let app = spawn_app_with(today()).await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let other = customer(&app, &seller, "JP").await;
    let rows = [
        ("2026-12-31", "model-derivative", "aiko@customer.example", "1", 1),
        ("2027-01-15", "model-derivative", "ben@customer.example", "2.5", 3),
        ("2027-02-01", "design-automation", "aiko@customer.example", "4", 1),
        ("2027-02-01", "model-derivative", "aiko@customer.example", "8", 2),
        ("2027-03-31", "design-automation", "ben@customer.example", "0.016", 1),
    ];
    used(&app, &seller, &cust, &rows).await;
    used(&app, &seller, &other, &rows[1..3]).await;
    let before = every_grouping(&app, &seller.token, &[&cust, &other]).await;
    let conn = app.portal().db.conn();
    let all = migrations::Migrator::migrations();
    let position = all.iter().position(|m| m.name() == "m20261202_000010_usage_rollups").unwrap();
    migrations::Migrator::down(conn, Some((all.len() - position) as u32)).await.unwrap();
    migrations::Migrator::up(conn, None).await.unwrap();
    let after = every_grouping(&app, &seller.token, &[&cust, &other]).await;
    assert_eq!(after, before);
    assert_eq!(after[2]["total"], json!({"tokens": "15.516", "events": 8}), "{}", after[2]);
    reconcile(app.portal()).await;
}

#[rocket::async_test]
async fn without_parameters_the_report_covers_the_thirty_days_up_to_today_in_the_customers_time_zone() {
    let app = spawn_app_with(today()).await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    used(&app, &seller, &cust, &[("2027-03-31", "model-derivative", "aiko@customer.example", "3", 2)]).await;
    let (status, report) = usage(&app, &seller.token, &cust, "").await;
    assert_eq!(status, Status::Ok, "{report}");
    assert_eq!(
        (report["from"].as_str(), report["to"].as_str(), report["group_by"].as_str()),
        (Some("2027-03-02"), Some("2027-03-31"), Some("day"))
    );
    let days = rows(&report);
    assert_eq!(days.len(), 30);
    assert_eq!(days[29], row("2027-03-31", "3", 2));
    assert!(days[..29].iter().all(|(_, tokens, events)| tokens == "0" && *events == 0));
    assert_eq!(report["time_zone"], "Asia/Tokyo");
    assert_eq!(report["balance"]["colour"], "red", "nothing bought yet");
    assert_eq!(report["events"], json!([]));
    assert_eq!(report["expiring_90_days"], json!([]));

    let (status, leap) = usage(&app, &seller.token, &cust, "from=2028-01-01&to=2028-12-31").await;
    assert_eq!(status, Status::Ok, "a leap year of 366 days is one report: {leap}");
    assert_eq!(rows(&leap).len(), 366);
}

#[rocket::async_test]
async fn bad_periods_and_groupings_are_refused_naming_the_parameter() {
    let app = spawn_app_with(today()).await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let cases = [
        ("from=2027-03-05&to=2027-03-01", "from", "after_to"),
        ("from=2026-01-01&to=2027-01-02", "from", "too_long"),
        ("from=2027-02-30", "from", "invalid"),
        ("from=03%2F01%2F2027", "from", "invalid"),
        ("to=tomorrow", "to", "invalid"),
        ("to=2027-04-01%27%20OR%201%3D1", "to", "invalid"),
        ("to=0001-01-01", "to", "out_of_range"),
        ("group_by=week", "group_by", "invalid"),
    ];
    for (query, field, code) in cases {
        for path in ["usage", "usage/export.csv"] {
            let response =
                app.get_with_token(&format!("/api/v1/customers/{cust}/{path}?{query}"), &seller.token).await;
            assert_eq!(response.status(), Status::UnprocessableEntity, "{path}?{query}");
            let problem = crate::helpers::problem(response).await;
            assert_eq!(problem["errors"][0]["field"], field, "{path}?{query}: {problem}");
            assert_eq!(problem["errors"][0]["code"], code, "{path}?{query}: {problem}");
        }
    }
}

#[rocket::async_test]
async fn another_partners_customer_is_not_found_and_the_operator_reads_any() {
    let app = spawn_app_with(today()).await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    used(&app, &seller, &cust, &[("2027-03-30", "model-derivative", "aiko@customer.example", "1", 1)]).await;
    let other = reseller(&app, "othr").await;
    for query in ["", "group_by=week", "from=2027-03-05&to=2027-03-01"] {
        for path in ["usage", "usage/export.csv"] {
            let response =
                app.get_with_token(&format!("/api/v1/customers/{cust}/{path}?{query}"), &other.token).await;
            assert_eq!(response.status(), Status::NotFound, "{path}?{query}: not even a 422 gives it away");
        }
    }
    let (status, _) = usage(&app, &other.token, &Uuid::new_v4().to_string(), "").await;
    assert_eq!(status, Status::NotFound);
    let response = app.client.get(format!("/api/v1/customers/{cust}/usage")).dispatch().await;
    assert_eq!(response.status(), Status::Unauthorized);

    make_user(app.portal(), "ops@portal.example", "admin", None).await;
    let operator = app.token("ops@portal.example").await;
    let (status, report) = usage(&app, &operator, &cust, "group_by=developer").await;
    assert_eq!(status, Status::Ok, "{report}");
    assert_eq!(rows(&report), vec![row("aiko@customer.example", "1", 1)]);
}

/// A customer who owed `owed` tokens and then bought a pack of 100: the purchase offsets the debt
/// first, so `100 − owed` is left of the 100 valid tokens. Returns the usage report.
async fn report_after_owing(owed: &str) -> Value {
    let app = spawn_app_with(today()).await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    make_user(app.portal(), "ops@portal.example", "admin", None).await;
    let operator = app.token("ops@portal.example").await;
    let adjust = format!("/api/v1/admin/customers/{cust}/adjustments");
    let (status, body) = call(
        &app,
        "POST",
        &adjust,
        &operator,
        json!({"tokens": format!("-{owed}"), "reason": "usage reported late"}),
    )
    .await;
    assert_eq!(status, Status::Ok, "{body}");
    let quote = accepted_quote(&app, &seller, &cust, 100).await;
    let (_, order) = place(&app, &seller, &quote, "invoice").await;
    let (status, _) = fulfil(&app, &seller, &id_of(&order)).await;
    assert_eq!(status, Status::Ok);
    let (status, report) = usage(&app, &seller.token, &cust, "").await;
    assert_eq!(status, Status::Ok, "{report}");
    reconcile(app.portal()).await;
    report
}

#[rocket::async_test]
async fn the_donut_is_red_with_exactly_twenty_percent_left_and_green_just_above() {
    let at_twenty = report_after_owing("80").await;
    let balance = &at_twenty["balance"];
    assert_eq!(
        (balance["available"].as_str(), balance["valid_purchased"].as_str()),
        (Some("20"), Some("100"))
    );
    assert_eq!(
        (balance["left_percent"].as_str(), balance["used_percent"].as_str()),
        (Some("20.0"), Some("80.0"))
    );
    assert_eq!(balance["colour"], "red");
    assert_eq!(balance["status"], "active");
    assert_eq!(balance["deficit"], "0");

    let just_above = report_after_owing("79.999").await;
    assert_eq!(just_above["balance"]["available"], "20.001");
    assert_eq!(just_above["balance"]["colour"], "green");

    let kinds: Vec<(&str, &str, &str)> = at_twenty["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["kind"].as_str().unwrap(), e["tokens"].as_str().unwrap(), e["date"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("deficit_offset", "-80", "2027-03-31"),
            ("purchase", "100", "2027-03-31"),
            ("adjustment", "-80", "2027-03-31")
        ],
        "the period's token events, newest first"
    );
}

#[rocket::async_test]
async fn packs_with_tokens_left_that_expire_within_ninety_days_are_listed() {
    let app = spawn_app_with(today()).await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let quote = accepted_quote(&app, &seller, &cust, 100).await;
    let (_, order) = place(&app, &seller, &quote, "invoice").await;
    fulfil(&app, &seller, &id_of(&order)).await;
    let (_, report) = usage(&app, &seller.token, &cust, "").await;
    assert_eq!(report["expiring_90_days"], json!([]), "a year away");

    app.portal().clock.set(at("2028-01-03T09:00:00+09:00"));
    let seller = signed_in_again(&app, seller).await;
    let (status, report) = usage(&app, &seller.token, &cust, "").await;
    assert_eq!(status, Status::Ok, "{report}");
    let expiring = report["expiring_90_days"].as_array().unwrap();
    assert_eq!(expiring.len(), 1, "{report}");
    assert_eq!(expiring[0]["remaining"], "100");
    assert_eq!(expiring[0]["last_day"], "2028-03-31");
    assert_eq!(expiring[0]["id"], order["pack"]["id"]);
    assert_eq!(report["events"], json!([]), "the purchase was before the period");
    reconcile(app.portal()).await;
}
