//! The operator's prices page: both tables in Japanese and English, the add and end forms with field
//! errors, and CSRF protection.

use rocket::http::{ContentType, Status};

use crate::common::{make_user, partner};
use crate::helpers::{TestApp, form, spawn_app_with};
use crate::price_book::{SEEDED_JP_TAX, SEEDED_JPY_100, on_first_of_december};

async fn signed_in_operator() -> TestApp {
    let app = spawn_app_with(on_first_of_december()).await;
    app.user("ops@example.com", "admin").await;
    app.browser_login("ops@example.com").await;
    app
}

async fn page(app: &TestApp, path: &str) -> (Status, String) {
    let response = app.client.get(path.to_owned()).dispatch().await;
    (response.status(), response.into_string().await.unwrap_or_default())
}

async fn post(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> (Status, Option<String>, String) {
    let response =
        app.client.post(path.to_owned()).header(ContentType::Form).body(form(fields)).dispatch().await;
    let location = response.headers().get_one("Location").map(str::to_owned);
    (response.status(), location, response.into_string().await.unwrap_or_default())
}

#[rocket::async_test]
async fn the_prices_page_speaks_both_languages_and_marks_samples_and_what_is_in_force() {
    let app = signed_in_operator().await;
    let (status, ja) = page(&app, "/admin/prices?lang=ja").await;
    assert_eq!(status, Status::Ok);
    for text in
        ["価格表", "税ルール", "サンプル", "本日適用中", "¥370.5", "¥380.25", "$3.00", "10%", "切り捨て"]
    {
        assert!(ja.contains(text), "{text} missing from the Japanese page");
    }
    assert!(ja.contains("href=\"/admin/prices\" aria-current=\"page\""), "linked from the operator nav");
    let (_, en) = page(&app, "/admin/prices?lang=en").await;
    for text in ["Price book", "Tax rules", ">sample<", "In force today", "Round down", "¥390", "Add a tier"]
    {
        assert!(en.contains(text), "{text} missing from the English page");
    }
    assert_eq!(
        en.matches("class=\"in-force\"").count(),
        26,
        "four tiers, the Japanese rule and the 21 不課税 rules for customers abroad are in force today"
    );
}

#[rocket::async_test]
async fn a_price_form_without_the_csrf_token_is_refused_and_changes_nothing() {
    let app = signed_in_operator().await;
    let fields = [
        ("currency", "JPY"),
        ("min_tokens", "20000"),
        ("unit_price", "365"),
        ("effective_from", "2027-01-01"),
    ];
    let (status, _, _) = post(&app, "/admin/prices/tiers", &fields).await;
    assert_eq!(status, Status::Forbidden);
    let (status, _, _) = post(
        &app,
        &format!("/admin/prices/tax-rules/{SEEDED_JP_TAX}/end"),
        &[("effective_to", "2027-01-01")],
    )
    .await;
    assert_eq!(status, Status::Forbidden);
    let (_, html) = page(&app, "/admin/prices?lang=en").await;
    assert!(!html.contains("20000"));
    assert!(!html.contains("2027-01-01 –"));
}

#[rocket::async_test]
async fn adding_a_tier_on_the_page_redirects_and_bad_input_comes_back_with_field_errors() {
    let app = signed_in_operator().await;
    let csrf = app.csrf_from("/admin/prices").await;
    let bad = [
        ("_csrf", csrf.as_str()),
        ("currency", "JPY"),
        ("min_tokens", "0"),
        ("unit_price", "1.23456"),
        ("effective_from", "2027-01-01"),
    ];
    let (status, _, html) = post(&app, "/admin/prices/tiers?lang=en", &bad).await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(html.contains("Use at most 4 decimal places."), "unit price error shown");
    assert!(html.contains("Enter a whole number of tokens from 1 to 1,000,000."), "threshold error shown");
    assert!(html.contains("value=\"1.23456\""), "the typed value is kept");

    let good = [
        ("_csrf", csrf.as_str()),
        ("currency", "USD"),
        ("min_tokens", "5000"),
        ("unit_price", "2.85"),
        ("effective_from", "2027-01-01"),
        ("sample", "true"),
    ];
    let (status, location, _) = post(&app, "/admin/prices/tiers", &good).await;
    assert_eq!((status, location.as_deref()), (Status::SeeOther, Some("/admin/prices?saved=tier_added")));
    let (_, html) = page(&app, "/admin/prices?saved=tier_added&lang=en").await;
    assert!(html.contains("The tier was added."));
    assert!(html.contains("$2.85"));
    assert!(html.contains("Scheduled"));
}

#[rocket::async_test]
async fn ending_on_the_page_names_a_bad_date_and_then_sets_the_last_day() {
    let app = signed_in_operator().await;
    let csrf = app.csrf_from("/admin/prices").await;
    let path = format!("/admin/prices/tiers/{SEEDED_JPY_100}/end");
    let (status, _, html) =
        post(&app, &format!("{path}?lang=ja"), &[("_csrf", &csrf), ("effective_to", "2026-11-01")]).await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(html.contains("終了日は2026-11-30以降にしてください。"), "the error is shown in Japanese");
    let (status, location, _) = post(&app, &path, &[("_csrf", &csrf), ("effective_to", "2026-12-31")]).await;
    assert_eq!((status, location.as_deref()), (Status::SeeOther, Some("/admin/prices?saved=tier_ended")));

    let rule = [
        ("_csrf", csrf.as_str()),
        ("country", "JP"),
        ("name", "消費税"),
        ("rate_percent", "101"),
        ("rounding", "sideways"),
        ("effective_from", "2027-01-01"),
    ];
    let (status, _, html) = post(&app, "/admin/prices/tax-rules?lang=en", &rule).await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(html.contains("Enter a rate of at most 100%."));
    assert!(html.contains("Choose down, half_up or up."));
}

#[rocket::async_test]
async fn reseller_staff_cannot_open_the_prices_page_and_visitors_are_asked_to_sign_in() {
    let app = spawn_app_with(on_first_of_december()).await;
    assert_eq!(page(&app, "/admin/prices").await.0, Status::Unauthorized);
    let reseller = partner("exmp").create(app.portal()).await;
    make_user(app.portal(), "boss@exmp.example", "partner_admin", Some(reseller.id)).await;
    app.browser_login("boss@exmp.example").await;
    assert_eq!(page(&app, "/admin/prices").await.0, Status::Forbidden);
    let (_, workspace) = page(&app, "/app").await;
    assert!(!workspace.contains("/admin/prices"), "the nav link is for the operator only");
}
