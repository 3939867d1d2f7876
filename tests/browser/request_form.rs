//! The public quote request form in a real browser: sending it, then reloading the thank-you page,
//! leaves exactly one request with the reseller.

use serde_json::{Value, json};

use crate::harness::{PASSWORD, Server, browser, screenshot_dir};

pub fn post(server: &Server, path: &str, token: &str, body: Value) -> Value {
    let mut response = ureq::post(&format!("{}{path}", server.base))
        .header("Authorization", &format!("Bearer {token}"))
        .send_json(body)
        .unwrap();
    response.body_mut().read_json().unwrap()
}

pub fn get(server: &Server, path: &str, token: &str) -> Value {
    let mut response = ureq::get(&format!("{}{path}", server.base))
        .header("Authorization", &format!("Bearer {token}"))
        .call()
        .unwrap();
    response.body_mut().read_json().unwrap()
}

pub fn token_for(server: &Server, email: &str) -> String {
    let response: Value = ureq::post(&format!("{}/api/v1/auth/token", server.base))
        .send_json(json!({"email": email, "password": PASSWORD}))
        .unwrap()
        .into_body()
        .read_json()
        .unwrap();
    response["access_token"].as_str().unwrap().to_owned()
}

/// A published gold partner that can quote Flex, with a sales user; returns the sales user's token.
pub fn partner_with_sales(server: &Server, slug: &str) -> String {
    server.create_user("ops@example.com", "admin");
    let ops = token_for(server, "ops@example.com");
    let partner = post(
        server,
        "/api/v1/admin/partners",
        &ops,
        json!({"slug": slug, "csn": "5550000201", "name_ja": "株式会社デモ販売", "name_en": "Demo Sales KK",
        "tier": "gold", "country": "JP", "regions": ["JP-13"], "languages": ["ja", "en"],
        "services": ["flex_tokens"], "invoice_registration_number": "T7000012050002", "max_discount_percent": 10,
        "flex_agreement": {"signed_on": "2024-04-01", "expires_on": "2099-03-31"}, "published": true}),
    );
    post(
        server,
        &format!("/api/v1/admin/partners/{}/users", partner["id"].as_str().unwrap()),
        &ops,
        json!({"email": "sales@demo.example", "role": "partner_sales", "password": PASSWORD}),
    );
    token_for(server, "sales@demo.example")
}

#[test]
#[ignore = "needs chromium and chromedriver; run by .ci/run"]
fn reloading_the_thank_you_page_does_not_send_the_request_again() {
    let server = Server::start();
    let sales = partner_with_sales(&server, "demo-sales");
    let browser = browser();
    browser.goto(&format!("{}/partners/demo-sales/quote-request?lang=en", server.base)).unwrap();
    browser.fill("#company", "Sample Co").unwrap();
    browser.fill("#contact_name", "Taro Yamada").unwrap();
    browser.fill("#email", "taro@sample.example").unwrap();
    browser.fill("#autodesk_id", "taro@sample.example").unwrap();
    browser.fill("#tokens", "1,000").unwrap();
    browser.click("#send-request").unwrap();
    let reference = browser.text("#reference").unwrap();
    assert!(reference.starts_with("QR-"), "{reference}");
    browser.screenshot(&screenshot_dir().join("quote-request-sent.png")).unwrap();
    for _reload in 0..2 {
        browser.refresh().unwrap();
        assert_eq!(browser.text("#reference").unwrap(), reference);
    }
    assert!(browser.current_url().unwrap().ends_with("/quote-request/sent"));
    let inbox = get(&server, "/api/v1/quote-requests", &sales);
    assert_eq!(inbox["total"], 1, "{inbox}");
    assert_eq!(inbox["items"][0]["tokens"], 1000, "{inbox}");
}
