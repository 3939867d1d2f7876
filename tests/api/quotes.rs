//! The reseller's core flow: a request comes in, a correct quote goes out, the customer accepts
//! it from a link. Pricing is exact, bad input is refused field by field, transitions are
//! conditional, numbers have no gaps, and one reseller never reaches another's quotes.

use std::sync::Arc;

use rocket::http::{ContentType, Status};
use serde_json::{Value, json};

use crate::common::{Options, make_user, partner};
use crate::helpers::{TestApp, bearer, problem, spawn_app, spawn_app_with};

pub struct Reseller {
    pub token: String,
    pub partner_id: uuid::Uuid,
}

pub async fn reseller(app: &TestApp, slug: &str) -> Reseller {
    let mut builder = partner(slug);
    builder.0.invoice_registration_number = "T7000012050002".into();
    builder.0.email = format!("sales@{slug}.example");
    let row = builder.create(app.portal()).await;
    let email = format!("sales@{slug}.example");
    make_user(app.portal(), &email, "partner_sales", Some(row.id)).await;
    Reseller { token: app.token(&email).await, partner_id: row.id }
}

pub async fn call(app: &TestApp, method: &str, path: &str, token: &str, body: Value) -> (Status, Value) {
    let request = match method {
        "POST" => app.client.post(path.to_owned()),
        "PATCH" => app.client.patch(path.to_owned()),
        "DELETE" => app.client.delete(path.to_owned()),
        _ => app.client.get(path.to_owned()),
    };
    let response =
        request.header(bearer(token)).header(ContentType::JSON).body(body.to_string()).dispatch().await;
    let status = response.status();
    (status, response.into_json().await.unwrap_or(Value::Null))
}

pub async fn customer(app: &TestApp, seller: &Reseller, country: &str) -> String {
    let (status, body) = call(app, "POST", "/api/v1/customers", &seller.token, json!({
        "company_name": "株式会社サンプル顧客", "contact_name": "山田 太郎", "email": "yamada@customer.example",
        "country": country, "language": "ja", "time_zone": "Asia/Tokyo", "purchaser_autodesk_id": "buyer@customer.example"})).await;
    assert_eq!(status, Status::Created, "{body}");
    body["id"].as_str().unwrap().to_owned()
}

pub async fn draft(app: &TestApp, seller: &Reseller, customer: &str, lines: Value) -> Value {
    let (status, body) =
        call(app, "POST", "/api/v1/quotes", &seller.token, json!({"customer_id": customer, "lines": lines}))
            .await;
    assert_eq!(status, Status::Created, "{body}");
    body
}

/// Posts a quote request as the public would.
pub async fn submit_request(app: &TestApp, body: Value) -> rocket::local::asynchronous::LocalResponse<'_> {
    app.client
        .post("/api/v1/quote-requests")
        .header(ContentType::JSON)
        .body(body.to_string())
        .dispatch()
        .await
}

fn amounts(quote: &Value) -> (String, String, String) {
    let get = |k: &str| {
        format!("{} {}", quote[k]["amount"].as_str().unwrap(), quote[k]["currency"].as_str().unwrap())
    };
    (get("subtotal"), get("tax"), get("total"))
}

#[rocket::async_test]
async fn the_whole_flow_from_request_to_acceptance_through_the_api() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let response = app.client.post("/api/v1/quote-requests").header(ContentType::JSON).body(json!({
        "partner": "exmp", "company": "株式会社サンプル顧客", "contact_name": "山田 太郎", "email": "yamada@customer.example",
        "autodesk_id": "buyer@customer.example", "tokens": 100, "country": "JP", "region": "JP-13", "language": "ja",
        "message": "至急お願いします"}).to_string()).dispatch().await;
    assert_eq!(response.status(), Status::Created);
    let submitted: Value = response.into_json().await.unwrap();
    assert!(submitted["reference"].as_str().unwrap().starts_with("QR-"));
    assert_eq!(submitted["routed_to"][0]["slug"], "exmp");

    let (_, inbox) = call(&app, "GET", "/api/v1/quote-requests", &seller.token, json!({})).await;
    let request = &inbox["items"][0];
    assert_eq!((request["status"].as_str(), request["tokens"].as_i64()), (Some("new"), Some(100)));
    assert_eq!(request["reason"], "chosen by the customer");

    let (status, quote) = call(
        &app,
        "POST",
        "/api/v1/quotes",
        &seller.token,
        json!({
        "quote_request_id": request["id"], "lines": [{"tokens": request["tokens"]}]}),
    )
    .await;
    assert_eq!(status, Status::Created, "{quote}");
    assert_eq!(quote["status"], "draft");
    assert_eq!(amounts(&quote), ("39000 JPY".into(), "3900 JPY".into(), "42900 JPY".into()));

    let id = quote["id"].as_str().unwrap();
    let (status, sent) =
        call(&app, "POST", &format!("/api/v1/quotes/{id}/send"), &seller.token, json!({})).await;
    assert_eq!(status, Status::Ok, "{sent}");
    let year = app.portal().clock.now().format("%Y").to_string();
    assert_eq!(sent["number"], format!("EXMP-Q-{year}-00001"));
    assert_eq!(sent["revision"], 1);
    let url = sent["public_url"].as_str().unwrap();
    let token = url.rsplit('/').next().unwrap();
    assert!(token.len() >= 40, "the link is unguessable");

    let public: Value =
        app.client.get(format!("/api/v1/public/quotes/{token}")).dispatch().await.into_json().await.unwrap();
    assert_eq!((public["status"].as_str(), public["can_accept"].as_bool()), (Some("sent"), Some(true)));
    assert_eq!(public["total"]["amount"], "42900");
    let pdf = app
        .client
        .get(format!("/api/v1/public/quotes/{token}/pdf"))
        .dispatch()
        .await
        .into_bytes()
        .await
        .unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    use sha2::Digest;
    let digest: String = sha2::Sha256::digest(&pdf).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(
        digest,
        sent["pdf_sha256"].as_str().unwrap(),
        "the PDF downloaded is the one whose hash was stored"
    );

    let response = app
        .client
        .post(format!("/api/v1/public/quotes/{token}/accept"))
        .header(ContentType::JSON)
        .body(json!({"name": "山田 太郎", "agree": true, "pdf_sha256": digest}).to_string())
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    let (_, quote) = call(&app, "GET", &format!("/api/v1/quotes/{id}"), &seller.token, json!({})).await;
    assert_eq!(
        (quote["status"].as_str(), quote["accepted_name"].as_str()),
        (Some("accepted"), Some("山田 太郎"))
    );
    let (_, request) = call(
        &app,
        "GET",
        &format!("/api/v1/quote-requests/{}", request["id"].as_str().unwrap()),
        &seller.token,
        json!({}),
    )
    .await;
    assert_eq!(request["status"], "quoted");

    let verify_code = public["verify_code"].as_str().unwrap();
    let verified: Value =
        app.client.get(format!("/api/v1/verify/{verify_code}")).dispatch().await.into_json().await.unwrap();
    assert_eq!((verified["kind"].as_str(), verified["status"].as_str()), (Some("quote"), Some("accepted")));
    assert_eq!(verified["sha256"].as_str(), Some(digest.as_str()));
}

#[rocket::async_test]
async fn prices_and_tax_are_exact_and_tax_is_rounded_once_per_document() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let jp = customer(&app, &seller, "JP").await;
    let cases = [
        (json!([{"tokens": 100}]), None, ("39000 JPY", "3900 JPY", "42900 JPY")),
        (json!([{"tokens": 10000}]), None, ("3705000 JPY", "370500 JPY", "4075500 JPY")),
        // 1,234 × 390 × 0.97 = 466,822.2 → 466,822; tax once: 46,682.2 → 46,682.
        (json!([{"tokens": 1234, "discount_percent": "3"}]), None, ("466822 JPY", "46682 JPY", "513504 JPY")),
        // Two lines of 101 tokens at 3% (¥38,208 each): per-line tax would be ¥7,640, once per document ¥7,641.
        (
            json!([{"tokens": 101, "discount_percent": 3}, {"tokens": 101, "discount_percent": 3}]),
            None,
            ("76416 JPY", "7641 JPY", "84057 JPY"),
        ),
        (json!([{"tokens": 250}]), Some("USD"), ("750.00 USD", "75.00 USD", "825.00 USD")),
    ];
    for (lines, currency, (subtotal, tax, total)) in cases {
        let (status, quote) = call(
            &app,
            "POST",
            "/api/v1/quotes",
            &seller.token,
            json!({"customer_id": jp, "lines": lines, "currency": currency}),
        )
        .await;
        assert_eq!(status, Status::Created, "{quote}");
        assert_eq!(amounts(&quote), (subtotal.into(), tax.into(), total.into()), "{lines}");
    }
}

#[rocket::async_test]
async fn bad_quantities_discounts_and_validity_are_refused_field_by_field() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let jp = customer(&app, &seller, "JP").await;
    for tokens in [json!(99), json!(100.5), json!(-1), json!("abc"), json!(1_000_001), json!(null), json!("")]
    {
        let (status, body) = call(
            &app,
            "POST",
            "/api/v1/quotes",
            &seller.token,
            json!({"customer_id": jp, "lines": [{"tokens": tokens}]}),
        )
        .await;
        assert_eq!(status, Status::UnprocessableEntity, "{tokens}");
        assert_eq!(body["errors"][0]["field"], "lines[0].tokens", "{tokens}: {body}");
    }
    let (status, body) = call(
        &app,
        "POST",
        "/api/v1/quotes",
        &seller.token,
        json!({"customer_id": jp, "lines": [{"tokens": 100, "discount_percent": 11}]}),
    )
    .await;
    assert_eq!(
        (status, body["errors"][0]["field"].as_str()),
        (Status::UnprocessableEntity, Some("lines[0].discount_percent"))
    );
    for days in [7, 365] {
        let (status, body) = call(
            &app,
            "POST",
            "/api/v1/quotes",
            &seller.token,
            json!({"customer_id": jp, "lines": [{"tokens": 100}], "valid_days": days}),
        )
        .await;
        assert_eq!(
            (status, body["errors"][0]["field"].as_str()),
            (Status::UnprocessableEntity, Some("valid_days")),
            "{days}"
        );
    }
    // Quote requests refuse the same quantities.
    let response = app.client.post("/api/v1/quote-requests").header(ContentType::JSON).body(json!({
        "partner": "exmp", "company": "C", "contact_name": "N", "email": "n@c.example", "autodesk_id": "n@c.example",
        "tokens": "100.5", "country": "JP", "language": "ja"}).to_string()).dispatch().await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert_eq!(problem(response).await["errors"][0]["field"], "tokens");
}

#[rocket::async_test]
async fn a_sent_quote_cannot_be_edited_and_a_revision_supersedes_it() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let jp = customer(&app, &seller, "JP").await;
    let quote = draft(&app, &seller, &jp, json!([{"tokens": 500}])).await;
    let id = quote["id"].as_str().unwrap();
    let (_, sent) = call(&app, "POST", &format!("/api/v1/quotes/{id}/send"), &seller.token, json!({})).await;
    let (status, _) = call(
        &app,
        "PATCH",
        &format!("/api/v1/quotes/{id}"),
        &seller.token,
        json!({"lines": [{"tokens": 600}]}),
    )
    .await;
    assert_eq!(status, Status::Conflict);
    let (status, _) =
        call(&app, "POST", &format!("/api/v1/quotes/{id}/send"), &seller.token, json!({})).await;
    assert_eq!(status, Status::Conflict, "sending twice");

    let (status, revision) =
        call(&app, "POST", &format!("/api/v1/quotes/{id}/revise"), &seller.token, json!({})).await;
    assert_eq!(
        (status, revision["revision"].as_i64(), revision["status"].as_str()),
        (Status::Created, Some(2), Some("draft"))
    );
    let rid = revision["id"].as_str().unwrap();
    let (status, _) = call(
        &app,
        "PATCH",
        &format!("/api/v1/quotes/{rid}"),
        &seller.token,
        json!({"lines": [{"tokens": 600}]}),
    )
    .await;
    assert_eq!(status, Status::Ok);
    let (_, sent2) =
        call(&app, "POST", &format!("/api/v1/quotes/{rid}/send"), &seller.token, json!({})).await;
    assert_eq!(sent2["number"], sent["number"], "revisions share the number");
    let (_, old) = call(&app, "GET", &format!("/api/v1/quotes/{id}"), &seller.token, json!({})).await;
    assert_eq!(old["status"], "superseded");
    let old_token = sent["public_url"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
    let response = app
        .client
        .post(format!("/api/v1/public/quotes/{old_token}/accept"))
        .header(ContentType::JSON)
        .body(json!({"name": "山田", "agree": true}).to_string())
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Conflict);
    assert!(
        problem(response).await["detail"].as_str().unwrap().contains("新しい版"),
        "the customer is told why"
    );
}

#[rocket::async_test]
async fn withdrawn_quotes_cannot_be_accepted() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let jp = customer(&app, &seller, "JP").await;
    let quote = draft(&app, &seller, &jp, json!([{"tokens": 100}])).await;
    let id = quote["id"].as_str().unwrap();
    let (_, sent) = call(&app, "POST", &format!("/api/v1/quotes/{id}/send"), &seller.token, json!({})).await;
    let (status, _) =
        call(&app, "POST", &format!("/api/v1/quotes/{id}/withdraw"), &seller.token, json!({})).await;
    assert_eq!(status, Status::Ok);
    let token = sent["public_url"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
    let response = app
        .client
        .post(format!("/api/v1/public/quotes/{token}/accept"))
        .header(ContentType::JSON)
        .body(json!({"name": "山田", "agree": true}).to_string())
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Conflict);
    let (status, body) = call(
        &app,
        "POST",
        &format!("/api/v1/quotes/{id}/accept-on-behalf"),
        &seller.token,
        json!({"reason": "PO by mail"}),
    )
    .await;
    assert_eq!(status, Status::Conflict, "{body}");
}

#[rocket::async_test]
async fn a_quote_expires_at_the_end_of_its_last_day_in_the_customers_time_zone() {
    // Sent at 10:00 in Tokyo on 1 December 2026, valid 14 days: the last day is 15 December (JST).
    let sent_at = chrono::DateTime::parse_from_rfc3339("2026-12-01T10:00:00+09:00").unwrap().to_utc();
    let app = spawn_app_with(Options { fake_now: Some(sent_at), ..Default::default() }).await;
    let seller = reseller(&app, "exmp").await;
    let jp = customer(&app, &seller, "JP").await;
    let (_, quote) = call(
        &app,
        "POST",
        "/api/v1/quotes",
        &seller.token,
        json!({"customer_id": jp, "lines": [{"tokens": 100}], "valid_days": 14}),
    )
    .await;
    let id = quote["id"].as_str().unwrap();
    let (_, sent) = call(&app, "POST", &format!("/api/v1/quotes/{id}/send"), &seller.token, json!({})).await;
    assert_eq!(sent["valid_until"], "2026-12-15T15:00:00Z", "midnight after 15 December in Tokyo");
    let token = sent["public_url"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
    let accept = || {
        app.client
            .post(format!("/api/v1/public/quotes/{token}/accept"))
            .header(ContentType::JSON)
            .body(json!({"name": "山田 太郎", "agree": true}).to_string())
            .dispatch()
    };

    let end_of_day = chrono::DateTime::parse_from_rfc3339("2026-12-15T23:59:59+09:00").unwrap().to_utc();
    app.portal().clock.set(end_of_day + chrono::Duration::seconds(1));
    let response = accept().await;
    assert_eq!(response.status(), Status::Conflict, "one second after the end of the validity day");
    let public: Value =
        app.client.get(format!("/api/v1/public/quotes/{token}")).dispatch().await.into_json().await.unwrap();
    assert_eq!((public["status"].as_str(), public["can_accept"].as_bool()), (Some("expired"), Some(false)));

    // The sweep writes the expiry down. (Two weeks on, the reseller signs in again.)
    assert_eq!(flexportal::domain::quotes::expire_due(app.portal()).await.unwrap(), 1);
    let token = app.token("sales@exmp.example").await;
    let (_, stored) = call(&app, "GET", &format!("/api/v1/quotes/{id}"), &token, json!({})).await;
    assert_eq!(stored["status"], "expired");
}

#[rocket::async_test]
async fn accepting_needs_a_typed_name_and_the_agreement() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let jp = customer(&app, &seller, "JP").await;
    let quote = draft(&app, &seller, &jp, json!([{"tokens": 100}])).await;
    let (_, sent) = call(
        &app,
        "POST",
        &format!("/api/v1/quotes/{}/send", quote["id"].as_str().unwrap()),
        &seller.token,
        json!({}),
    )
    .await;
    let token = sent["public_url"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
    let response = app
        .client
        .post(format!("/api/v1/public/quotes/{token}/accept"))
        .header(ContentType::JSON)
        .body(json!({"name": "", "agree": false}).to_string())
        .dispatch()
        .await;
    let body = problem(response).await;
    let fields: Vec<&str> =
        body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["name", "agree"]);
    let response = app
        .client
        .post(format!("/api/v1/public/quotes/{token}/accept"))
        .header(ContentType::JSON)
        .body(json!({"name": "山田", "agree": true, "pdf_sha256": "00"}).to_string())
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Conflict, "bound to the PDF that was sent");
    assert_eq!(
        app.client.get("/api/v1/public/quotes/not-a-real-token").dispatch().await.status(),
        Status::NotFound
    );
}

#[rocket::async_test]
async fn accepting_on_the_customers_behalf_needs_a_reason() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let jp = customer(&app, &seller, "JP").await;
    let quote = draft(&app, &seller, &jp, json!([{"tokens": 100}])).await;
    let id = quote["id"].as_str().unwrap();
    call(&app, "POST", &format!("/api/v1/quotes/{id}/send"), &seller.token, json!({})).await;
    let (status, body) = call(
        &app,
        "POST",
        &format!("/api/v1/quotes/{id}/accept-on-behalf"),
        &seller.token,
        json!({"reason": " "}),
    )
    .await;
    assert_eq!((status, body["errors"][0]["field"].as_str()), (Status::UnprocessableEntity, Some("reason")));
    let (status, body) = call(
        &app,
        "POST",
        &format!("/api/v1/quotes/{id}/accept-on-behalf"),
        &seller.token,
        json!({"reason": "注文書をFAXで受領"}),
    )
    .await;
    assert_eq!(status, Status::Ok);
    assert_eq!(
        (body["status"].as_str(), body["accepted_on_behalf"].as_bool()),
        (Some("accepted"), Some(true))
    );
}

#[rocket::async_test]
async fn a_partner_whose_agreement_lapsed_keeps_drafts_but_cannot_send() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let jp = customer(&app, &seller, "JP").await;
    let quote = draft(&app, &seller, &jp, json!([{"tokens": 100}])).await;
    flexportal::domain::partners::update_partner(
        app.portal(),
        &crate::common::operator(),
        &Default::default(),
        seller.partner_id,
        |p| {
            p.flex_expires_on = "2025-01-01".into();
            p.flex_signed_on = "2024-01-01".into();
        },
    )
    .await
    .unwrap();
    let id = quote["id"].as_str().unwrap();
    assert_eq!(
        call(&app, "GET", &format!("/api/v1/quotes/{id}"), &seller.token, json!({})).await.0,
        Status::Ok
    );
    assert_eq!(
        call(&app, "POST", &format!("/api/v1/quotes/{id}/send"), &seller.token, json!({})).await.0,
        Status::Conflict
    );
}

#[rocket::async_test]
async fn routed_requests_go_to_up_to_three_eligible_partners_platinum_first() {
    let app = spawn_app().await;
    let portal = app.portal();
    for (slug, tier) in [
        ("gold-a", "gold"),
        ("gold-b", "gold"),
        ("plat-z", "platinum"),
        ("silver", "silver"),
        ("gold-c", "gold"),
    ] {
        partner(slug).tier(tier).regions(&["JP-27"]).languages(&["ja", "en"]).create(portal).await;
    }
    partner("tokyo-only").tier("platinum").regions(&["JP-13"]).create(portal).await;
    let response = submit_request(
        &app,
        json!({
        "company": "C", "contact_name": "N", "email": "n@c.example", "autodesk_id": "n@c.example",
        "tokens": 500, "country": "JP", "region": "JP-27", "language": "en"}),
    )
    .await;
    assert_eq!(response.status(), Status::Created);
    let body: Value = response.into_json().await.unwrap();
    let slugs: Vec<&str> =
        body["routed_to"].as_array().unwrap().iter().map(|r| r["slug"].as_str().unwrap()).collect();
    assert_eq!(slugs, ["plat-z", "gold-a", "gold-b"]);
    assert!(body["routed_to"][0]["reason"].as_str().unwrap().contains("platinum"));
    // gold-a and gold-b now have an open request each, so the next one goes to gold-c after platinum.
    let response = submit_request(
        &app,
        json!({
        "company": "D", "contact_name": "N", "email": "m@d.example", "autodesk_id": "m@d.example",
        "tokens": 500, "country": "JP", "region": "JP-27", "language": "en"}),
    )
    .await;
    let body: Value = response.into_json().await.unwrap();
    let slugs: Vec<&str> =
        body["routed_to"].as_array().unwrap().iter().map(|r| r["slug"].as_str().unwrap()).collect();
    assert_eq!(slugs, ["plat-z", "gold-c", "gold-a"]);
}

#[rocket::async_test]
async fn the_honeypot_field_makes_a_request_vanish_quietly() {
    let app = spawn_app().await;
    reseller(&app, "exmp").await;
    let response = app.client.post("/api/v1/quote-requests").header(ContentType::JSON).body(json!({
        "partner": "exmp", "company": "Bot", "contact_name": "Bot", "email": "bot@bot.example", "autodesk_id": "bot@bot.example",
        "tokens": 100, "country": "JP", "language": "ja", "website": "http://spam.example"}).to_string()).dispatch().await;
    assert_eq!(response.status(), Status::Created);
    let stored = flexportal::storage::quote_requests::inbox(
        app.portal().db.conn(),
        app.portal().directory.snapshot().get_by_slug("exmp").unwrap().unwrap().id,
        None,
        0,
        10,
    )
    .await
    .unwrap();
    assert_eq!(stored.1, 0);
}

/// A portal shared by concurrent tasks, with a partner's sales actor and one of its customers.
pub async fn concurrent_fixture() -> (
    Arc<flexportal::domain::Portal>,
    crate::common::TestDb,
    flexportal::domain::actor::Actor,
    flexportal::domain::actor::Origin,
    uuid::Uuid,
) {
    let (portal, db) = crate::common::fresh_portal(&Options::default()).await;
    let portal = Arc::new(portal);
    let row = partner("exmp").create(&portal).await;
    make_user(&portal, "sales@exmp.example", "partner_sales", Some(row.id)).await;
    let user = flexportal::storage::users::find_by_email(portal.db.conn(), "sales@exmp.example")
        .await
        .unwrap()
        .unwrap();
    let actor = flexportal::domain::actor::Actor {
        user_id: user.id,
        email: user.email,
        display_name: user.display_name,
        role: flexportal::domain::actor::Role::PartnerSales,
        partner_id: Some(row.id),
        session_id: uuid::Uuid::new_v4(),
    };
    let origin = flexportal::domain::actor::Origin::default();
    let input = flexportal::domain::customers::CustomerInput {
        company_name: "C".into(),
        contact_name: "N".into(),
        email: "n@c.example".into(),
        purchaser_autodesk_id: "n@c.example".into(),
        ..Default::default()
    };
    let customer =
        flexportal::domain::customers::create_customer(&portal, &actor, &origin, &input).await.unwrap();
    (portal, db, actor, origin, customer.id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_sends_get_fifty_consecutive_numbers() {
    let (portal, _db, actor, origin, customer_id) = concurrent_fixture().await;
    let mut ids = Vec::new();
    for _ in 0..50 {
        let quote = flexportal::domain::quotes::QuoteInput {
            customer_id: Some(customer_id),
            lines: vec![flexportal::domain::quotes::LineInput { tokens: json!(100), discount_percent: None }],
            ..Default::default()
        };
        ids.push(
            flexportal::domain::quotes::create_quote(&portal, &actor, &origin, &quote).await.unwrap().id,
        );
    }
    let tasks: Vec<_> = ids
        .into_iter()
        .map(|id| {
            let (portal, actor, origin) = (portal.clone(), actor.clone(), origin.clone());
            tokio::spawn(
                async move { flexportal::domain::quotes::send_quote(&portal, &actor, &origin, id).await },
            )
        })
        .collect();
    let mut numbers = Vec::new();
    for task in tasks {
        numbers.push(task.await.unwrap().unwrap().number);
    }
    let mut sequence: Vec<u32> =
        numbers.iter().map(|n| n.rsplit('-').next().unwrap().parse().unwrap()).collect();
    sequence.sort_unstable();
    assert_eq!(sequence, (1..=50).collect::<Vec<u32>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_concurrent_accepts_make_one_acceptance() {
    let (portal, _db, actor, origin, customer_id) = concurrent_fixture().await;
    let quote = flexportal::domain::quotes::QuoteInput {
        customer_id: Some(customer_id),
        lines: vec![flexportal::domain::quotes::LineInput { tokens: json!(100), discount_percent: None }],
        ..Default::default()
    };
    let id = flexportal::domain::quotes::create_quote(&portal, &actor, &origin, &quote).await.unwrap().id;
    let sent = flexportal::domain::quotes::send_quote(&portal, &actor, &origin, id).await.unwrap();
    let token = sent.public_url.rsplit('/').next().unwrap().to_owned();
    let tasks: Vec<_> = (0..2)
        .map(|i| {
            let (portal, origin, token) = (portal.clone(), origin.clone(), token.clone());
            tokio::spawn(async move {
                let input = flexportal::domain::quotes::AcceptInput {
                    name: format!("Buyer {i}"),
                    agree: true,
                    pdf_sha256: None,
                };
                flexportal::domain::quotes::accept_public(&portal, &origin, &token, &input).await
            })
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.unwrap());
    }
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "{results:?}");
    assert!(results.iter().any(|r| matches!(r, Err(flexportal::domain::error::Error::Conflict(_)))));
}
