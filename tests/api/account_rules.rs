//! The operator's account rules by date: the API lists every set with the one in force today and
//! adds a later one (operator only, never in the past, one set per day, bounded days, audited); a
//! later set takes over on its first day; the `/admin/account-rules` page in both languages.

use chrono::{DateTime, NaiveDate, Utc};
use rocket::http::{ContentType, Status};
use serde_json::{Value, json};

use crate::common::{make_user, partner};
use crate::helpers::{TestApp, form, spawn_app_with};
use crate::price_book::{call, named, on_first_of_december};

/// The rule set the migration seeds: the seed's 90-day trial and 14 days' grace.
const SEEDED_RULES: &str = "00000000-0000-4000-8000-000000000501";

async fn operator_app() -> (TestApp, String) {
    let app = spawn_app_with(on_first_of_december()).await;
    app.user("ops@example.com", "admin").await;
    let token = app.token("ops@example.com").await;
    (app, token)
}

const RULES: &str = "/api/v1/admin/account-rules";

fn rules(from: &str, trial: u32, grace: u32) -> Value {
    json!({"effective_from": from, "trial_days": trial, "grace_days": grace, "deficit_allowed": true})
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

#[rocket::async_test]
async fn the_list_shows_the_seeded_terms_in_force_today() {
    let (app, token) = operator_app().await;
    let (status, list) = call(&app, "GET", RULES, &token, None).await;
    assert_eq!(status, Status::Ok, "{list}");
    assert_eq!((list["today"].as_str(), list["in_force"].as_str()), (Some("2026-12-01"), Some(SEEDED_RULES)));
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(
        (&items[0]["effective_from"], &items[0]["trial_days"], &items[0]["grace_days"], &items[0]["status"]),
        (&json!("2020-01-01"), &json!(90), &json!(14), &json!("in_force"))
    );
    assert_eq!(items[0]["deficit_allowed"], true);
}

#[rocket::async_test]
async fn a_later_rule_set_is_scheduled_then_takes_over_on_its_first_day() {
    let (app, token) = operator_app().await;
    let mut body = rules("2027-01-01", 30, 7);
    body["deficit_allowed"] = json!(false);
    body["note"] = json!("Autodesk's 2027 terms");
    let (status, added) = call(&app, "POST", RULES, &token, Some(body)).await;
    assert_eq!(status, Status::Created, "{added}");
    assert_eq!(
        (&added["status"], &added["note"], &added["deficit_allowed"]),
        (&json!("scheduled"), &json!("Autodesk's 2027 terms"), &json!(false))
    );

    let portal = app.portal();
    let eve =
        flexportal::domain::account_rules::in_force_on(portal.db.conn(), day("2026-12-31")).await.unwrap();
    assert_eq!((eve.trial_days, eve.grace_days, eve.deficit_allowed), (90, 14, true));
    let first =
        flexportal::domain::account_rules::in_force_on(portal.db.conn(), day("2027-01-01")).await.unwrap();
    assert_eq!((first.trial_days, first.grace_days, first.deficit_allowed), (30, 7, false));

    let new_year: DateTime<Utc> = "2026-12-31T15:00:00Z".parse().unwrap();
    portal.clock.set(new_year - chrono::Duration::seconds(1));
    let token = app.token("ops@example.com").await;
    let (_, list) = call(&app, "GET", RULES, &token, None).await;
    assert_eq!(list["in_force"].as_str(), Some(SEEDED_RULES), "still 31 December in Tokyo");
    portal.clock.set(new_year);
    let token = app.token("ops@example.com").await;
    let (_, list) = call(&app, "GET", RULES, &token, None).await;
    assert_eq!(list["in_force"], added["id"], "1 January in Tokyo: the new terms");
    let statuses: Vec<_> = list["items"].as_array().unwrap().iter().map(|r| r["status"].clone()).collect();
    assert_eq!(statuses, [json!("superseded"), json!("in_force")]);

    let (_, audit) = call(&app, "GET", "/api/v1/admin/audit", &token, None).await;
    assert!(
        audit["items"].as_array().unwrap().iter().any(|e| e["action"] == "account_rules.added"
            && e["subject_id"] == added["id"]
            && e["actor_email"] == "ops@example.com"
            && e["detail"]["trial_days"] == 30),
        "{audit}"
    );
}

#[rocket::async_test]
async fn a_rule_set_cannot_start_in_the_past_and_today_is_allowed() {
    let (app, token) = operator_app().await;
    let (status, problem) = call(&app, "POST", RULES, &token, Some(rules("2026-11-30", 90, 14))).await;
    assert_eq!(status, Status::UnprocessableEntity, "{problem}");
    assert_eq!(named(&problem), [("effective_from".to_owned(), "in_the_past".to_owned())]);
    let (status, added) = call(&app, "POST", RULES, &token, Some(rules("2026-12-01", 60, 10))).await;
    assert_eq!((status, &added["status"]), (Status::Created, &json!("in_force")), "{added}");
    let (_, list) = call(&app, "GET", RULES, &token, None).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2, "the past is kept as it was");
}

#[rocket::async_test]
async fn a_second_rule_set_on_the_same_day_is_a_conflict_and_changes_nothing() {
    let (app, token) = operator_app().await;
    let (status, _) = call(&app, "POST", RULES, &token, Some(rules("2027-04-01", 60, 10))).await;
    assert_eq!(status, Status::Created);
    let (status, problem) = call(&app, "POST", RULES, &token, Some(rules("2027-04-01", 30, 5))).await;
    assert_eq!(status, Status::Conflict, "{problem}");
    assert!(problem["detail"].as_str().unwrap_or_default().contains("2027-04-01"), "{problem}");
    let (_, list) = call(&app, "GET", RULES, &token, None).await;
    let trials: Vec<_> = list["items"].as_array().unwrap().iter().map(|r| r["trial_days"].clone()).collect();
    assert_eq!(trials, [json!(90), json!(60)]);
}

#[rocket::async_test]
async fn bad_fields_are_each_named_and_nothing_is_added() {
    let (app, token) = operator_app().await;
    let cases = [
        (
            json!({"effective_from": "2027-02-30", "trial_days": 366, "grace_days": -1, "deficit_allowed": true}),
            vec![
                ("effective_from", "invalid_date"),
                ("trial_days", "out_of_range"),
                ("grace_days", "not_a_number"),
            ],
        ),
        (
            json!({"effective_from": "2027-01-01", "trial_days": "90", "grace_days": 1.5, "deficit_allowed": "yes"}),
            vec![
                ("trial_days", "wrong_type"),
                ("grace_days", "wrong_type"),
                ("deficit_allowed", "wrong_type"),
            ],
        ),
        (
            json!({}),
            vec![
                ("effective_from", "required"),
                ("trial_days", "required"),
                ("grace_days", "required"),
                ("deficit_allowed", "required"),
            ],
        ),
        (
            json!({"effective_from": "2027-01-01", "trial_days": 90, "grace_days": 14, "deficit_allowed": true, "note": "x".repeat(501)}),
            vec![("note", "too_long")],
        ),
    ];
    for (body, expected) in cases {
        let (status, problem) = call(&app, "POST", RULES, &token, Some(body.clone())).await;
        assert_eq!(status, Status::UnprocessableEntity, "{body}: {problem}");
        let expected: Vec<_> = expected.iter().map(|(f, c)| ((*f).to_owned(), (*c).to_owned())).collect();
        let mut got = named(&problem);
        got.sort();
        let mut want = expected.clone();
        want.sort();
        assert_eq!(got, want, "{body}");
    }
    let (status, _) =
        call(&app, "POST", RULES, &token, Some(json!({"effective_from": "2027-01-01", "trial": 1}))).await;
    assert_eq!(status, Status::UnprocessableEntity, "unknown fields are refused");
    let (_, list) = call(&app, "GET", RULES, &token, None).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}

#[rocket::async_test]
async fn only_the_operator_manages_account_rules() {
    let (app, _) = operator_app().await;
    let row = partner("exmp").create(app.portal()).await;
    make_user(app.portal(), "admin@exmp.example", "partner_admin", Some(row.id)).await;
    let token = app.token("admin@exmp.example").await;
    let (status, _) = call(&app, "GET", RULES, &token, None).await;
    assert_eq!(status, Status::Forbidden);
    let (status, _) = call(&app, "POST", RULES, &token, Some(rules("2027-01-01", 30, 7))).await;
    assert_eq!(status, Status::Forbidden);
    let anonymous = app.client.get("/api/v1/admin/account-rules").dispatch().await;
    assert_eq!(anonymous.status(), Status::Unauthorized);
    let listed = flexportal::storage::account_rules::all(app.portal().db.conn()).await.unwrap();
    assert_eq!(listed.len(), 1, "nothing was added");
    let page = app.client.get("/admin/account-rules").dispatch().await;
    assert_ne!(page.status(), Status::Ok, "visitors do not see the page");
}

async fn page(app: &TestApp, path: &str) -> (Status, String) {
    let response = app.client.get(path.to_owned()).dispatch().await;
    (response.status(), response.into_string().await.unwrap_or_default())
}

async fn post(app: &TestApp, fields: &[(&str, &str)]) -> (Status, Option<String>, String) {
    let response =
        app.client.post("/admin/account-rules").header(ContentType::Form).body(form(fields)).dispatch().await;
    let location = response.headers().get_one("Location").map(str::to_owned);
    (response.status(), location, response.into_string().await.unwrap_or_default())
}

#[rocket::async_test]
async fn the_page_lists_the_rule_sets_in_both_languages_and_adds_one_with_csrf() {
    let (app, _) = operator_app().await;
    app.browser_login("ops@example.com").await;
    let (status, ja) = page(&app, "/admin/account-rules?lang=ja").await;
    assert_eq!(status, Status::Ok);
    for text in ["アカウント条件", "適用開始日", "2020-01-01", "本日適用中", "条件を追加"]
    {
        assert!(ja.contains(text), "{text} missing from the Japanese page");
    }
    assert!(
        ja.contains("href=\"/admin/account-rules\" aria-current=\"page\""),
        "linked from the operator nav"
    );
    let (_, en) = page(&app, "/admin/account-rules?lang=en").await;
    for text in [
        "Account rules",
        "In force from",
        "In force today",
        "Add a rule set",
        "Autodesk Flex terms as published",
    ] {
        assert!(en.contains(text), "{text} missing from the English page");
    }
    assert_eq!(en.matches("class=\"in-force\"").count(), 1);

    let fields = [
        ("effective_from", "2027-01-01"),
        ("trial_days", "30"),
        ("grace_days", "7"),
        ("deficit_allowed", "true"),
    ];
    let (status, _, _) = post(&app, &fields).await;
    assert_eq!(status, Status::Forbidden, "without the CSRF token");
    assert_eq!(flexportal::storage::account_rules::all(app.portal().db.conn()).await.unwrap().len(), 1);

    let csrf = crate::helpers::extract_csrf(&en);
    let bad = [
        ("_csrf", csrf.as_str()),
        ("effective_from", "2026-11-30"),
        ("trial_days", "400"),
        ("grace_days", ""),
    ];
    let (status, _, again) = post(&app, &bad).await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(again.contains("Start today (2026-12-01) or later"), "{again}");
    assert!(again.contains("Enter between 0 and 365 days."));
    assert!(again.contains("Enter a number of days."));
    assert!(again.contains("value=\"400\""), "the form comes back as typed");

    let mut good = vec![("_csrf", csrf.as_str())];
    good.extend(fields);
    let (status, location, _) = post(&app, &good).await;
    assert_eq!((status, location.as_deref()), (Status::SeeOther, Some("/admin/account-rules?saved=added")));
    let (_, after) = page(&app, "/admin/account-rules?saved=added&lang=en").await;
    assert!(
        after.contains("The rule set was added.")
            && after.contains("2027-01-01")
            && after.contains("Scheduled")
    );
    let (status, _, again) = post(&app, &good).await;
    assert_eq!(status, Status::UnprocessableEntity, "the same day twice");
    assert!(again.contains("A rule set already starts on 2027-01-01"), "{again}");
}
