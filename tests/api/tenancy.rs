//! One reseller never reaches another's customers, requests or quotes: every route with an id
//! answers 404 for the other partner's object, and nothing changes.

use rocket::http::{ContentType, Status};
use serde_json::json;

use crate::helpers::spawn_app;
use crate::quotes::{call, customer, draft, reseller};

#[rocket::async_test]
async fn reseller_b_cannot_see_edit_send_or_download_anything_of_reseller_a() {
    let app = spawn_app().await;
    let a = reseller(&app, "alpha").await;
    let b = reseller(&app, "bravo").await;
    app.client.post("/api/v1/quote-requests").header(ContentType::JSON).body(json!({
        "partner": "alpha", "company": "C", "contact_name": "N", "email": "n@c.example", "autodesk_id": "n@c.example",
        "tokens": 100, "country": "JP", "language": "ja"}).to_string()).dispatch().await;
    let (_, inbox) = call(&app, "GET", "/api/v1/quote-requests", &a.token, json!({})).await;
    let request = inbox["items"][0]["id"].as_str().unwrap().to_owned();
    let cust = customer(&app, &a, "JP").await;
    let sent_quote =
        draft(&app, &a, &cust, json!([{"tokens": 100}])).await["id"].as_str().unwrap().to_owned();
    call(&app, "POST", &format!("/api/v1/quotes/{sent_quote}/send"), &a.token, json!({})).await;
    let draft_quote =
        draft(&app, &a, &cust, json!([{"tokens": 200}])).await["id"].as_str().unwrap().to_owned();

    let attempts = [
        ("GET", format!("/api/v1/customers/{cust}"), json!({})),
        ("PATCH", format!("/api/v1/customers/{cust}"), json!({"company_name": "Stolen"})),
        ("GET", format!("/api/v1/quote-requests/{request}"), json!({})),
        ("PATCH", format!("/api/v1/quote-requests/{request}"), json!({"status": "declined"})),
        ("GET", format!("/api/v1/quotes/{sent_quote}"), json!({})),
        ("GET", format!("/api/v1/quotes/{sent_quote}/pdf"), json!({})),
        ("PATCH", format!("/api/v1/quotes/{draft_quote}"), json!({"lines": [{"tokens": 999}]})),
        ("POST", format!("/api/v1/quotes/{draft_quote}/send"), json!({})),
        ("POST", format!("/api/v1/quotes/{sent_quote}/revise"), json!({})),
        ("POST", format!("/api/v1/quotes/{sent_quote}/withdraw"), json!({})),
        ("POST", format!("/api/v1/quotes/{sent_quote}/accept-on-behalf"), json!({"reason": "x"})),
        ("POST", "/api/v1/quotes".to_owned(), json!({"customer_id": cust, "lines": [{"tokens": 100}]})),
        (
            "POST",
            "/api/v1/quotes".to_owned(),
            json!({"quote_request_id": request, "lines": [{"tokens": 100}]}),
        ),
    ];
    for (method, path, body) in attempts {
        let (status, _) = call(&app, method, &path, &b.token, body).await;
        assert_eq!(status, Status::NotFound, "{method} {path}");
    }
    // B's lists are empty; A's objects are as they were.
    for list in ["/api/v1/customers", "/api/v1/quote-requests", "/api/v1/quotes"] {
        let (_, body) = call(&app, "GET", list, &b.token, json!({})).await;
        assert_eq!(body["total"], 0, "{list}");
    }
    let (_, quote) = call(&app, "GET", &format!("/api/v1/quotes/{sent_quote}"), &a.token, json!({})).await;
    assert_eq!(quote["status"], "sent");
    let (_, quote) = call(&app, "GET", &format!("/api/v1/quotes/{draft_quote}"), &a.token, json!({})).await;
    assert_eq!((quote["status"].as_str(), quote["lines"][0]["tokens"].as_i64()), (Some("draft"), Some(200)));
    let (_, c) = call(&app, "GET", &format!("/api/v1/customers/{cust}"), &a.token, json!({})).await;
    assert_eq!(c["company_name"], "株式会社サンプル顧客");
    let (_, r) = call(&app, "GET", &format!("/api/v1/quote-requests/{request}"), &a.token, json!({})).await;
    assert_eq!(r["status"], "new");
}

#[rocket::async_test]
async fn the_operator_has_no_reseller_workspace() {
    let app = spawn_app().await;
    app.user("ops@example.com", "admin").await;
    let token = app.token("ops@example.com").await;
    for path in ["/api/v1/customers", "/api/v1/quotes", "/api/v1/quote-requests"] {
        assert_eq!(call(&app, "GET", path, &token, json!({})).await.0, Status::Forbidden, "{path}");
    }
}
