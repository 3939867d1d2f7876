//! What invoices will print about payment: the partner's bank transfer details (振込先) and the
//! days from the invoice date to the due date. The partner's admin and the operator set them;
//! the partner's staff see them; the public directory does not.

use rocket::http::Status;
use serde_json::json;

use crate::common::{make_user, partner};
use crate::helpers::{TestApp, spawn_app};
use crate::quotes::call;

const BANK: &str = "みずほ銀行 東京営業部 普通 1234567\nカ）トウキョウキャド";

async fn operator(app: &TestApp) -> String {
    app.user("ops@example.com", "admin").await;
    app.token("ops@example.com").await
}

#[rocket::async_test]
async fn a_new_partner_is_paid_thirty_days_after_the_invoice_and_has_no_bank_details_yet() {
    let app = spawn_app().await;
    let token = operator(&app).await;
    let (status, created) = call(
        &app,
        "POST",
        "/api/v1/admin/partners",
        &token,
        json!({
        "slug": "tokyo-cad", "name_ja": "東京キャド株式会社", "name_en": "Tokyo CAD KK", "tier": "gold",
        "csn": "5550001234", "country": "JP", "languages": ["ja"]}),
    )
    .await;
    assert_eq!(status, Status::Created, "{created}");
    assert_eq!(created["payment_due_days"], 30);
    assert!(created["bank_details"].is_null());
}

#[rocket::async_test]
async fn the_operator_sets_the_invoice_terms_and_bad_ones_are_refused_by_field() {
    let app = spawn_app().await;
    let row = partner("tokyo-cad").create(app.portal()).await;
    let token = operator(&app).await;
    let path = format!("/api/v1/admin/partners/{}", row.id);
    let (status, body) = call(
        &app,
        "PATCH",
        &path,
        &token,
        json!({
        "bank_details": format!("  {}\r\n\r\n", BANK.replace('\n', "  \r\n")), "payment_due_days": 60}),
    )
    .await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!((body["bank_details"].as_str(), body["payment_due_days"].as_u64()), (Some(BANK), Some(60)));
    // Also as text, and 0 (due on the invoice date) is allowed.
    let (_, body) = call(&app, "PATCH", &path, &token, json!({"payment_due_days": "0"})).await;
    assert_eq!(body["payment_due_days"], 0);

    let seven_lines = ["行"; 7].join("\n");
    let long_line = "あ".repeat(81);
    for (field, value) in [
        ("payment_due_days", json!(121)),
        ("payment_due_days", json!(-1)),
        ("payment_due_days", json!(2.5)),
        ("payment_due_days", json!("thirty")),
        ("bank_details", json!(seven_lines)),
        ("bank_details", json!(long_line)),
        ("bank_details", json!("口座\u{7}番号")),
    ] {
        let (status, problem) = call(&app, "PATCH", &path, &token, json!({ field: value })).await;
        assert_eq!(status, Status::UnprocessableEntity, "{field} = {value}: {problem}");
        assert_eq!(problem["errors"][0]["field"], field, "{value}: {problem}");
    }
    // Six lines of eighty characters are fine; null clears the details and resets the days.
    let six = vec!["あ".repeat(80); 6].join("\n");
    let (status, body) = call(&app, "PATCH", &path, &token, json!({"bank_details": six})).await;
    assert_eq!((status, body["bank_details"].as_str()), (Status::Ok, Some(six.as_str())));
    let (_, body) =
        call(&app, "PATCH", &path, &token, json!({"bank_details": null, "payment_due_days": null})).await;
    assert_eq!((body["bank_details"].is_null(), body["payment_due_days"].as_u64()), (true, Some(30)));
}

#[rocket::async_test]
async fn the_partner_admin_sets_the_terms_staff_see_them_and_nobody_else_changes_them() {
    let app = spawn_app().await;
    let mine = partner("mine").create(app.portal()).await;
    let theirs = partner("theirs").create(app.portal()).await;
    make_user(app.portal(), "boss@mine.example", "partner_admin", Some(mine.id)).await;
    make_user(app.portal(), "sales@mine.example", "partner_sales", Some(mine.id)).await;
    make_user(app.portal(), "boss@theirs.example", "partner_admin", Some(theirs.id)).await;
    let boss = app.token("boss@mine.example").await;
    let (status, body) = call(
        &app,
        "PATCH",
        "/api/v1/partner",
        &boss,
        json!({
        "bank_details": BANK, "payment_due_days": 45}),
    )
    .await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!((body["bank_details"].as_str(), body["payment_due_days"].as_u64()), (Some(BANK), Some(45)));
    let (status, problem) =
        call(&app, "PATCH", "/api/v1/partner", &boss, json!({"payment_due_days": 365})).await;
    assert_eq!(
        (status, problem["errors"][0]["field"].as_str()),
        (Status::UnprocessableEntity, Some("payment_due_days"))
    );

    // Sales staff read them but cannot change them.
    let sales = app.token("sales@mine.example").await;
    let (_, seen) = call(&app, "GET", "/api/v1/partner", &sales, json!({})).await;
    assert_eq!((seen["bank_details"].as_str(), seen["payment_due_days"].as_u64()), (Some(BANK), Some(45)));
    let (status, _) = call(&app, "PATCH", "/api/v1/partner", &sales, json!({"payment_due_days": 10})).await;
    assert_eq!(status, Status::Forbidden);

    // Another partner's admin changes only their own partner and cannot reach this one.
    let other = app.token("boss@theirs.example").await;
    let (status, body) =
        call(&app, "PATCH", "/api/v1/partner", &other, json!({"payment_due_days": 10})).await;
    assert_eq!(
        (status, body["slug"].as_str(), body["payment_due_days"].as_u64()),
        (Status::Ok, Some("theirs"), Some(10))
    );
    let (status, _) = call(
        &app,
        "PATCH",
        &format!("/api/v1/admin/partners/{}", mine.id),
        &other,
        json!({"bank_details": "詐欺銀行 普通 0000000"}),
    )
    .await;
    assert_eq!(status, Status::Forbidden);
    let (_, seen) = call(&app, "GET", "/api/v1/partner", &boss, json!({})).await;
    assert_eq!((seen["bank_details"].as_str(), seen["payment_due_days"].as_u64()), (Some(BANK), Some(45)));

    // The public directory shows neither.
    let public: serde_json::Value =
        app.client.get("/api/v1/partners/mine").dispatch().await.into_json().await.unwrap();
    assert_eq!(public["slug"], "mine");
    assert!(public.get("bank_details").is_none() && public.get("payment_due_days").is_none(), "{public}");
    assert!(public.get("document_prefix").is_none(), "{public}");
}
