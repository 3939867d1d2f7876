//! The operator manages partners through the API; partner admins edit only their own profile and
//! staff.

use rocket::http::{ContentType, Status};
use serde_json::json;

use crate::common::{make_user, partner};
use crate::helpers::{TestApp, bearer, problem, spawn_app};

fn example_partner() -> serde_json::Value {
    json!({"slug": "example-kk", "name_ja": "株式会社エグザンプル", "name_en": "Example KK",
        "description_ja": "東京と神奈川の販売店", "description_en": "Reseller in Tokyo and Kanagawa", "tier": "gold",
        "csn": "5550001234", "country": "JP", "regions": ["JP-13", "JP-14"], "languages": ["ja", "en"],
        "services": ["flex_tokens", "aps_consulting"], "website": "https://example.co.jp",
        "email": "sales@example.co.jp", "phone": "+81-3-0000-0000",
        "invoice_registration_number": "T7000012050002", "max_discount_percent": 10,
        "flex_agreement": {"signed_on": "2024-04-01", "expires_on": "2027-03-31"}, "published": true})
}

async fn operator(app: &TestApp) -> String {
    app.user("ops@example.com", "admin").await;
    app.token("ops@example.com").await
}

async fn send(
    app: &TestApp,
    method: &str,
    path: &str,
    token: &str,
    body: &serde_json::Value,
) -> (Status, serde_json::Value) {
    let request = match method {
        "POST" => app.client.post(path.to_owned()),
        "PATCH" => app.client.patch(path.to_owned()),
        _ => app.client.get(path.to_owned()),
    };
    let response =
        request.header(bearer(token)).header(ContentType::JSON).body(body.to_string()).dispatch().await;
    let status = response.status();
    (status, response.into_json().await.unwrap_or_default())
}

#[rocket::async_test]
async fn the_operator_creates_the_documented_example_partner() {
    let app = spawn_app().await;
    let token = operator(&app).await;
    let (status, body) = send(&app, "POST", "/api/v1/admin/partners", &token, &example_partner()).await;
    assert_eq!(status, Status::Created, "{body}");
    assert_eq!(body["slug"], "example-kk");
    assert_eq!(body["max_discount_percent"], "10");
    assert_eq!(body["flex_agreement"]["expires_on"], "2027-03-31");
    assert_eq!(body["invoice_registration_number"], "T7000012050002");
    // It is in the public directory at once.
    let public: serde_json::Value =
        app.client.get("/api/v1/partners/example-kk").dispatch().await.into_json().await.unwrap();
    assert_eq!(public["name_en"], "Example KK");
    assert_eq!(public["regions"], json!(["JP-13", "JP-14"]));
}

#[rocket::async_test]
async fn bad_partner_fields_are_each_named() {
    let app = spawn_app().await;
    let token = operator(&app).await;
    let mut body = example_partner();
    body["invoice_registration_number"] = json!("T7000012050003");
    body["regions"] = json!(["JP-99", "US-CA"]);
    body["website"] = json!("javascript:alert(1)");
    body["tier"] = json!("diamond");
    body["max_discount_percent"] = json!(150);
    body["flex_agreement"] = json!({"signed_on": "2027-04-01", "expires_on": "2024-03-31"});
    let response = app
        .client
        .post("/api/v1/admin/partners")
        .header(bearer(&token))
        .header(ContentType::JSON)
        .body(body.to_string())
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let problem = problem(response).await;
    let fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    for field in [
        "invoice_registration_number",
        "regions[0]",
        "regions[1]",
        "website",
        "tier",
        "max_discount_percent",
        "flex_agreement.expires_on",
    ] {
        assert!(fields.contains(&field), "{field} missing from {fields:?}");
    }
}

#[rocket::async_test]
async fn slugs_and_csns_are_unique() {
    let app = spawn_app().await;
    let token = operator(&app).await;
    send(&app, "POST", "/api/v1/admin/partners", &token, &example_partner()).await;
    let mut same_slug = example_partner();
    same_slug["csn"] = json!("5550009999");
    let (status, body) = send(&app, "POST", "/api/v1/admin/partners", &token, &same_slug).await;
    assert_eq!((status, body["errors"][0]["field"].as_str()), (Status::UnprocessableEntity, Some("slug")));
    let mut same_csn = example_partner();
    same_csn["slug"] = json!("another");
    let (status, body) = send(&app, "POST", "/api/v1/admin/partners", &token, &same_csn).await;
    assert_eq!((status, body["errors"][0]["field"].as_str()), (Status::UnprocessableEntity, Some("csn")));
}

#[rocket::async_test]
async fn unpublishing_removes_a_partner_from_the_directory_and_patch_keeps_other_fields() {
    let app = spawn_app().await;
    let token = operator(&app).await;
    let (_, created) = send(&app, "POST", "/api/v1/admin/partners", &token, &example_partner()).await;
    let path = format!("/api/v1/admin/partners/{}", created["id"].as_str().unwrap());
    let (status, updated) = send(&app, "PATCH", &path, &token, &json!({"published": false})).await;
    assert_eq!(status, Status::Ok);
    assert_eq!(updated["name_ja"], "株式会社エグザンプル");
    assert_eq!(updated["published"], false);
    assert_eq!(app.client.get("/api/v1/partners/example-kk").dispatch().await.status(), Status::NotFound);
    let (status, _) = send(&app, "PATCH", &path, &token, &json!({"flex_agreement": null})).await;
    assert_eq!(status, Status::Ok);
    let (_, read) = send(&app, "GET", &path, &token, &json!({})).await;
    assert!(read["flex_agreement"].is_null());
    assert_eq!(read["flex_eligible"], false);
}

#[rocket::async_test]
async fn a_partner_admin_edits_their_profile_but_not_tier_agreement_or_publication() {
    let app = spawn_app().await;
    let mine = partner("mine").create(app.portal()).await;
    let theirs = partner("theirs").create(app.portal()).await;
    make_user(app.portal(), "boss@mine.example", "partner_admin", Some(mine.id)).await;
    make_user(app.portal(), "boss@theirs.example", "partner_admin", Some(theirs.id)).await;
    let token = app.token("boss@mine.example").await;
    let (status, body) = send(
        &app,
        "PATCH",
        "/api/v1/partner",
        &token,
        &json!({
        "description_en": "Now also in Kanagawa", "regions": ["JP-13", "JP-14"], "tier": "platinum",
        "published": false, "flex_agreement": {"signed_on": "2020-01-01", "expires_on": "2099-12-31"}}),
    )
    .await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(body["slug"], "mine");
    assert_eq!(body["description_en"], "Now also in Kanagawa");
    assert_eq!(body["regions"], json!(["JP-13", "JP-14"]));
    assert_eq!((body["tier"].as_str(), body["published"].as_bool()), (Some("gold"), Some(true)));
    assert_eq!(body["flex_agreement"]["signed_on"], "2024-04-01");
    // The other partner is untouched and out of reach.
    let other_token = app.token("boss@theirs.example").await;
    let (_, theirs_now) = send(&app, "GET", "/api/v1/partner", &other_token, &json!({})).await;
    assert_eq!(theirs_now["slug"], "theirs");
    assert_eq!(theirs_now["description_en"], "Sells Autodesk Flex tokens");
    assert_eq!(
        send(&app, "GET", &format!("/api/v1/admin/partners/{}", theirs.id), &token, &json!({})).await.0,
        Status::Forbidden
    );
}

#[rocket::async_test]
async fn a_partner_admin_adds_staff_only_to_their_own_partner() {
    let app = spawn_app().await;
    let mine = partner("mine").create(app.portal()).await;
    let theirs = partner("theirs").create(app.portal()).await;
    make_user(app.portal(), "boss@mine.example", "partner_admin", Some(mine.id)).await;
    make_user(app.portal(), "sales@theirs.example", "partner_sales", Some(theirs.id)).await;
    let token = app.token("boss@mine.example").await;
    let (status, user) = send(
        &app,
        "POST",
        "/api/v1/partner/users",
        &token,
        &json!({
        "email": "new@mine.example", "role": "partner_sales", "password": "a long enough passphrase"}),
    )
    .await;
    assert_eq!(status, Status::Created);
    assert_eq!(user["partner_id"], json!(mine.id));
    let (_, staff) = send(&app, "GET", "/api/v1/partner/users", &token, &json!({})).await;
    let emails: Vec<&str> =
        staff["items"].as_array().unwrap().iter().map(|u| u["email"].as_str().unwrap()).collect();
    assert_eq!(emails, ["boss@mine.example", "new@mine.example"]);
    // Sales staff cannot manage staff or the profile.
    let sales = app.token("sales@theirs.example").await;
    assert_eq!(send(&app, "GET", "/api/v1/partner/users", &sales, &json!({})).await.0, Status::Forbidden);
    assert_eq!(
        send(&app, "PATCH", "/api/v1/partner", &sales, &json!({"name_en": "x"})).await.0,
        Status::Forbidden
    );
    // An operator role cannot be created by a partner admin.
    let (status, _) = send(
        &app,
        "POST",
        "/api/v1/partner/users",
        &token,
        &json!({
        "email": "root@mine.example", "role": "admin", "password": "a long enough passphrase"}),
    )
    .await;
    assert_eq!(status, Status::UnprocessableEntity);
}

#[rocket::async_test]
async fn the_operator_creates_a_partner_and_its_first_admin_through_the_pages() {
    let app = spawn_app().await;
    app.user("ops@example.com", "admin").await;
    app.browser_login("ops@example.com").await;
    let csrf = app.csrf_from("/admin/partners/new").await;
    let form = crate::helpers::form(&[
        ("_csrf", &csrf),
        ("slug", "page-made"),
        ("csn", "5550007777"),
        ("name_ja", "ページ作成株式会社"),
        ("name_en", "Page Made KK"),
        ("tier", "platinum"),
        ("country", "JP"),
        ("regions", "JP-13, JP-27"),
        ("languages", "ja"),
        ("languages", "en"),
        ("services", "flex_tokens"),
        ("max_discount_percent", "5"),
        ("flex_signed_on", "2024-04-01"),
        ("flex_expires_on", "2099-03-31"),
        ("published", "true"),
    ]);
    let response = app.client.post("/admin/partners").header(ContentType::Form).body(form).dispatch().await;
    assert_eq!(response.status(), Status::SeeOther);
    let location = response.headers().get_one("Location").unwrap().to_owned();
    let html = app.client.get(location.clone()).dispatch().await.into_string().await.unwrap();
    assert!(html.contains("ページ作成株式会社"));
    let public: serde_json::Value =
        app.client.get("/api/v1/partners/page-made").dispatch().await.into_json().await.unwrap();
    assert_eq!(public["languages"], json!(["ja", "en"]));
    assert_eq!(public["flex_eligible"], true);

    let id = location.trim_start_matches("/admin/partners/").split('?').next().unwrap().to_owned();
    let csrf = app.csrf_from(&location).await;
    let form = crate::helpers::form(&[
        ("_csrf", &csrf),
        ("email", "first@page-made.example"),
        ("display_name", "First Admin"),
        ("role", "partner_admin"),
        ("password", "a long enough passphrase"),
    ]);
    let response = app
        .client
        .post(format!("/admin/partners/{id}/users"))
        .header(ContentType::Form)
        .body(form)
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::SeeOther);
    let token = app.token_with("first@page-made.example", "a long enough passphrase").await;
    let me: serde_json::Value = app.get_with_token("/api/v1/me", &token).await.into_json().await.unwrap();
    assert_eq!(me["role"], "partner_admin");

    // A bad form comes back with the field named.
    let csrf = app.csrf_from("/admin/partners/new").await;
    let form =
        crate::helpers::form(&[("_csrf", &csrf), ("slug", "Bad Slug"), ("csn", "12"), ("languages", "ja")]);
    let response = app.client.post("/admin/partners").header(ContentType::Form).body(form).dispatch().await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let html = response.into_string().await.unwrap();
    assert!(html.contains("id=\"slug-error\"") && html.contains("id=\"csn-error\""));
}
