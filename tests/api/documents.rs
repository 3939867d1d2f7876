//! What the business documents print and the fields they need: the addressee with its department
//! and contact (様, or 御中 without a contact), the issuer's address and payment terms, 担当, and lines
//! that add up on paper.

use rocket::http::Status;
use serde_json::json;

use crate::helpers::{TestApp, spawn_app};
use crate::quotes::{Reseller, call, customer, draft, reseller};

fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("quote.pdf");
    std::fs::write(&path, pdf).unwrap();
    let check = std::process::Command::new("qpdf").arg("--check").arg(&path).output();
    if let Ok(check) = check {
        assert!(check.status.success(), "qpdf --check: {}", String::from_utf8_lossy(&check.stdout));
    }
    let output = std::process::Command::new("pdftotext").arg(&path).arg("-").output().expect("pdftotext");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

async fn sent_pdf(app: &TestApp, seller: &Reseller, cust: &str, lines: serde_json::Value) -> String {
    let quote = draft(app, seller, cust, lines).await;
    let (status, sent) = call(
        app,
        "POST",
        &format!("/api/v1/quotes/{}/send", quote["id"].as_str().unwrap()),
        &seller.token,
        json!({}),
    )
    .await;
    assert_eq!(status, Status::Ok, "{sent}");
    let token = sent["public_url"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
    let pdf = app.client.get(format!("/q/{token}/pdf")).dispatch().await.into_bytes().await.unwrap();
    pdf_text(&pdf)
}

/// The partner admin gives the issuer block its address.
async fn issuer_address(app: &TestApp, seller: &Reseller) {
    crate::common::make_user(app.portal(), "admin@exmp.example", "partner_admin", Some(seller.partner_id))
        .await;
    let admin = app.token("admin@exmp.example").await;
    let body = json!({"postal_code": "100-0005", "address": "東京都千代田区丸の内1-1-1"});
    let (status, profile) = call(app, "PATCH", "/api/v1/partner", &admin, body).await;
    assert_eq!(status, Status::Ok, "{profile}");
}

#[rocket::async_test]
#[ignore = "needs pdftotext (poppler-utils); run by .ci/run"]
async fn a_pdf_quote_to_a_named_contact_says_sama_not_onchu_and_every_line_adds_up() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    issuer_address(&app, &seller).await;
    let cust = customer(&app, &seller, "JP").await;
    let text = sent_pdf(&app, &seller, &cust, json!([{"tokens": 1000, "discount_percent": "5"}])).await;
    assert!(text.contains("〒100-0005 東京都千代田区丸の内1-1-1"), "the issuer's address:\n{text}");
    let squeezed: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(squeezed.contains("山田 太郎 様"), "{text}");
    assert!(!text.contains("御中"), "御中 beside 様:\n{text}");
    for expected in ["見積番号", "件名", "担当", "税抜", "buyer@customer.example", "1円未満切り捨て"]
    {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
    assert!(!text.contains("第1版"), "a first issue has no revision mark:\n{text}");
    // The discounted line: 1,000 × ¥390 = ¥390,000, then a 値引 line of −¥19,500; subtotal ¥370,500.
    for expected in ["1,000", "¥390", "¥390,000", "値引", "-¥19,500", "¥370,500"] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
    assert!(!text.contains("¥370.5"), "{text}");
}

#[rocket::async_test]
#[ignore = "needs pdftotext (poppler-utils); run by .ci/run"]
async fn a_pdf_quote_to_a_customer_without_a_contact_is_addressed_onchu() {
    use sea_orm::ConnectionTrait;
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    // The contract requires a contact name; older stored customers may still have none.
    app.portal().db.conn().execute_unprepared("UPDATE customers SET contact_name = ''").await.unwrap();
    let text = sent_pdf(&app, &seller, &cust, json!([{"tokens": 100}])).await;
    assert!(text.contains("株式会社サンプル顧客 御中"), "{text}");
    assert!(!text.contains('様'), "{text}");
}

#[rocket::async_test]
async fn a_customer_has_an_optional_department_that_the_api_keeps_and_clears() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let path = format!("/api/v1/customers/{cust}");
    let (_, read) = call(&app, "GET", &path, &seller.token, json!(null)).await;
    assert_eq!(read["department"], json!(null));
    let (status, updated) =
        call(&app, "PATCH", &path, &seller.token, json!({"department": " 設計部 "})).await;
    assert_eq!(status, Status::Ok, "{updated}");
    assert_eq!(updated["department"], "設計部");
    let (status, refused) =
        call(&app, "PATCH", &path, &seller.token, json!({"department": "部".repeat(201)})).await;
    assert_eq!(status, Status::UnprocessableEntity, "{refused}");
    assert!(refused.to_string().contains("department"), "{refused}");
    let (_, cleared) = call(&app, "PATCH", &path, &seller.token, json!({"department": null})).await;
    assert_eq!(cleared["department"], json!(null));
    // Another reseller cannot read or change it.
    let other = reseller(&app, "othr").await;
    let (status, _) = call(&app, "PATCH", &path, &other.token, json!({"department": "営業部"})).await;
    assert_eq!(status, Status::NotFound);
}

#[rocket::async_test]
async fn null_clears_a_customers_phone_postal_code_and_address_and_absence_keeps_them() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let path = format!("/api/v1/customers/{cust}");
    let filled =
        json!({"phone": "03-1234-5678", "postal_code": "530-0001", "address": "大阪府大阪市北区梅田2-2-2"});
    let (status, updated) = call(&app, "PATCH", &path, &seller.token, filled).await;
    assert_eq!(status, Status::Ok, "{updated}");
    let (_, kept) = call(&app, "PATCH", &path, &seller.token, json!({"contact_name": "佐藤 花子"})).await;
    assert_eq!(kept["phone"], "03-1234-5678", "a field not sent is kept: {kept}");
    assert_eq!(kept["address"], "大阪府大阪市北区梅田2-2-2");
    let cleared = json!({"phone": null, "postal_code": null, "address": null});
    let (status, cleared) = call(&app, "PATCH", &path, &seller.token, cleared).await;
    assert_eq!(status, Status::Ok, "{cleared}");
    for field in ["phone", "postal_code", "address"] {
        assert_eq!(cleared[field], json!(null), "{field} cleared: {cleared}");
    }
}

#[rocket::async_test]
#[ignore = "needs pdftotext (poppler-utils); run by .ci/run"]
async fn the_addressee_line_reads_department_then_contact_then_sama() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let (status, _) = call(
        &app,
        "PATCH",
        &format!("/api/v1/customers/{cust}"),
        &seller.token,
        json!({"department": "設計部"}),
    )
    .await;
    assert_eq!(status, Status::Ok);
    let text = sent_pdf(&app, &seller, &cust, json!([{"tokens": 100}])).await;
    assert!(text.contains("設計部 山田 太郎 様"), "{text}");
    assert!(!text.contains("御中"), "{text}");
}

#[rocket::async_test]
async fn the_workspace_customer_form_takes_a_department_in_japanese_and_english() {
    use crate::workspace_pages::{get, location, signed_in, submit};
    let app = spawn_app().await;
    signed_in(&app, "exmp").await;
    let (_, form) = get(&app, "/app/customers/new?lang=ja").await;
    assert!(form.contains("部署") && form.contains("name=\"department\""), "{form}");
    let fields = [
        ("company_name", "株式会社さくら設計"),
        ("department", "設計部"),
        ("contact_name", "山田 太郎"),
        ("email", "yamada@sakura.example"),
        ("country", "JP"),
        ("language", "ja"),
        ("time_zone", "Asia/Tokyo"),
        ("purchaser_autodesk_id", "yamada@sakura.example"),
    ];
    let response = submit(&app, "/app/customers/new", "/app/customers", &fields).await;
    let page = location(&response);
    let (_, html) = get(&app, &format!("{page}&lang=en")).await;
    assert!(html.contains("Department") && html.contains("value=\"設計部\""), "{html}");
    let too_long = "部".repeat(201);
    let mut bad = fields;
    bad[1] = ("department", too_long.as_str());
    let response = submit(&app, "/app/customers/new", "/app/customers", &bad).await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert!(response.into_string().await.unwrap().contains("id=\"department-error\""));
}

#[rocket::async_test]
#[ignore = "needs pdftotext (poppler-utils); run by .ci/run"]
async fn the_partner_admin_sets_the_issuer_address_and_payment_terms_the_quote_prints() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    crate::common::make_user(app.portal(), "admin@exmp.example", "partner_admin", Some(seller.partner_id))
        .await;
    let admin = app.token("admin@exmp.example").await;
    let (status, refused) =
        call(&app, "PATCH", "/api/v1/partner", &admin, json!({"address": "東".repeat(301)})).await;
    assert_eq!(status, Status::UnprocessableEntity, "{refused}");
    assert!(refused.to_string().contains("address"), "{refused}");
    let (status, profile) = call(
        &app,
        "PATCH",
        "/api/v1/partner",
        &admin,
        json!({
        "postal_code": "100-0005", "address": "東京都千代田区丸の内1-1-1",
        "payment_terms": "月末締め翌月末払い"}),
    )
    .await;
    assert_eq!(status, Status::Ok, "{profile}");
    assert_eq!(profile["payment_terms"], "月末締め翌月末払い");
    let cust = customer(&app, &seller, "JP").await;
    let text = sent_pdf(&app, &seller, &cust, json!([{"tokens": 100}])).await;
    for expected in ["〒100-0005", "東京都千代田区丸の内1-1-1", "支払条件", "月末締め翌月末払い", "担当"]
    {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
}

#[rocket::async_test]
async fn a_csv_re_import_keeps_the_issuer_address_and_payment_terms() {
    use crate::partner_import::{csv_file, import, row};
    use flexportal::domain::partners::import::COLUMNS;
    use flexportal::storage::partners as store;
    let (portal, _db) = crate::common::fresh_portal(&crate::common::Options::default()).await;
    let file = csv_file(&COLUMNS, &[row("kept", "1000000077", &[])]);
    import(&portal, &file).await.unwrap();
    let stored = store::find_by_csn(portal.db.conn(), "1000000077").await.unwrap().unwrap();
    let with_address = flexportal::domain::partners::Partner {
        postal_code: Some("100-0005".into()),
        address: Some("東京都千代田区丸の内1-1-1".into()),
        payment_terms: Some("月末締め翌月末払い".into()),
        ..stored
    };
    store::update(portal.db.conn(), with_address).await.unwrap();
    let renamed = csv_file(&COLUMNS, &[row("kept", "1000000077", &[("tier", "silver")])]);
    import(&portal, &renamed).await.unwrap();
    let again = store::find_by_csn(portal.db.conn(), "1000000077").await.unwrap().unwrap();
    assert_eq!(again.tier.as_str(), "silver");
    assert_eq!(
        (again.postal_code.as_deref(), again.address.as_deref(), again.payment_terms.as_deref()),
        (Some("100-0005"), Some("東京都千代田区丸の内1-1-1"), Some("月末締め翌月末払い"))
    );
}

#[rocket::async_test]
#[ignore = "needs pdftotext (poppler-utils); run by .ci/run"]
async fn the_pdf_names_the_staff_member_who_sent_the_quote_as_tanto_not_the_one_who_drafted_it() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let quote = draft(&app, &seller, &cust, json!([{"tokens": 100}])).await;
    crate::common::make_user(
        app.portal(),
        "kobayashi@exmp.example",
        "partner_sales",
        Some(seller.partner_id),
    )
    .await;
    let colleague = app.token("kobayashi@exmp.example").await;
    let id = quote["id"].as_str().unwrap();
    let (status, sent) =
        call(&app, "POST", &format!("/api/v1/quotes/{id}/send"), &colleague, json!({})).await;
    assert_eq!(status, Status::Ok, "{sent}");
    let token = sent["public_url"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
    let pdf = app.client.get(format!("/q/{token}/pdf")).dispatch().await.into_bytes().await.unwrap();
    let text = pdf_text(&pdf);
    assert!(text.contains("担当: kobayashi"), "the sender is 担当:\n{text}");
    assert!(!text.contains("担当: sales"), "not the drafter:\n{text}");
}
