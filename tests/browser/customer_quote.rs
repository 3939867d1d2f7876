//! The customer side of a quote: open the link, accept, see the confirmation — in Japanese and
//! in English.

use serde_json::{Value, json};

use crate::harness::{PASSWORD, Server, browser, screenshot_dir};

pub fn post(server: &Server, path: &str, token: &str, body: Value) -> Value {
    let mut response = ureq::post(&format!("{}{path}", server.base))
        .header("Authorization", &format!("Bearer {token}"))
        .send_json(body)
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

/// A partner with a sales user, a customer speaking `language`, and a sent quote; returns its link.
fn sent_quote_link(server: &Server, language: &str) -> (String, String) {
    server.create_user(&format!("ops-{language}@example.com"), "admin");
    let ops = token_for(server, &format!("ops-{language}@example.com"));
    let partner = post(
        server,
        "/api/v1/admin/partners",
        &ops,
        json!({"slug": format!("seller-{language}"), "csn": if language == "ja" { "5550000101" } else { "5550000102" },
        "name_ja": "株式会社デモ販売", "name_en": "Demo Sales KK", "tier": "gold", "country": "JP", "regions": ["JP-13"], "languages": ["ja", "en"],
        "services": ["flex_tokens"], "invoice_registration_number": "T7000012050002", "max_discount_percent": 10,
        "email": format!("office-{language}@seller.example"),
        "flex_agreement": {"signed_on": "2024-04-01", "expires_on": "2099-03-31"}, "published": true}),
    );
    let sales_email = format!("sales-{language}@example.com");
    post(
        server,
        &format!("/api/v1/admin/partners/{}/users", partner["id"].as_str().unwrap()),
        &ops,
        json!({"email": sales_email, "role": "partner_sales", "password": PASSWORD}),
    );
    let sales = token_for(server, &sales_email);
    let customer = post(
        server,
        "/api/v1/customers",
        &sales,
        json!({"company_name": "株式会社サンプル顧客", "contact_name": "Taro Yamada",
        "email": "taro@customer.example", "country": "JP", "language": language, "time_zone": "Asia/Tokyo", "purchaser_autodesk_id": "taro@customer.example"}),
    );
    let quote = post(
        server,
        "/api/v1/quotes",
        &sales,
        json!({"customer_id": customer["id"], "lines": [{"tokens": 100}]}),
    );
    let sent =
        post(server, &format!("/api/v1/quotes/{}/send", quote["id"].as_str().unwrap()), &sales, json!({}));
    (sent["public_url"].as_str().unwrap().to_owned(), sent["number"].as_str().unwrap().to_owned())
}

#[test]
#[ignore = "needs chromium and chromedriver; run by .ci/run"]
fn a_customer_opens_the_quote_link_and_accepts_it_in_japanese_and_english() {
    let server = Server::start();
    let browser = browser();
    for (language, title, confirmation, status) in [
        ("ja", "御見積書", "ありがとうございます。承諾を記録し、販売店に通知しました。", "承諾済み"),
        (
            "en",
            "Quotation",
            "Thank you. Your acceptance has been recorded and the reseller has been notified.",
            "Accepted",
        ),
    ] {
        let (url, number) = sent_quote_link(&server, language);
        browser.goto(&format!("{url}?lang={language}")).unwrap();
        assert!(browser.text("h1").unwrap().starts_with(title));
        assert_eq!(browser.text("#quote-number").unwrap(), number);
        assert_eq!(browser.text("#quote-total").unwrap(), "¥42,900");
        browser.screenshot(&screenshot_dir().join(format!("quote-{language}.png"))).unwrap();
        browser.fill("#accept-name", "Taro Yamada").unwrap();
        browser.click("#accept-agree").unwrap();
        browser.click("#accept-submit").unwrap();
        assert_eq!(browser.text("#quote-notice").unwrap(), confirmation);
        assert_eq!(browser.text("#quote-status").unwrap(), status);
        browser.screenshot(&screenshot_dir().join(format!("quote-accepted-{language}.png"))).unwrap();
    }
}

#[test]
#[ignore = "needs chromium and chromedriver; run by .ci/run"]
fn accepting_a_quote_mails_the_reseller_and_the_customer_as_the_operator_sees_in_the_outbox() {
    let server = Server::start();
    let browser = browser();
    let (url, number) = sent_quote_link(&server, "ja");
    browser.goto(&format!("{url}?lang=ja")).unwrap();
    let sha256 = browser
        .execute("return document.querySelector('input[name=pdf_sha256]').value")
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(sha256.len(), 64);
    browser.fill("#accept-name", "Taro Yamada").unwrap();
    browser.click("#accept-agree").unwrap();
    browser.click("#accept-submit").unwrap();
    assert_eq!(
        browser.text("#quote-notice").unwrap(),
        "ありがとうございます。承諾を記録し、販売店に通知しました。"
    );

    browser.goto(&format!("{}/login?lang=en", server.base)).unwrap();
    browser.fill("#email", "ops-ja@example.com").unwrap();
    browser.fill("#password", PASSWORD).unwrap();
    browser.click("#login-submit").unwrap();
    browser.find("#welcome").unwrap();
    browser.goto(&format!("{}/admin/outbox?lang=en", server.base)).unwrap();
    let outbox = browser.source().unwrap();
    browser.screenshot(&screenshot_dir().join("outbox-after-acceptance.png")).unwrap();
    for (kind, to) in [
        ("quote.accepted.partner", "office-ja@seller.example"),
        ("quote.accepted.customer", "taro@customer.example"),
    ] {
        let row = outbox
            .split("<tr>")
            .find(|row| row.contains(&format!("<code>{kind}</code>")))
            .unwrap_or_else(|| panic!("{kind} is in the outbox"));
        assert!(row.contains(to), "{kind} goes to {to}: {row}");
        assert!(row.contains(&number), "{kind} names {number}: {row}");
    }
    let link = outbox
        .split("<tr>")
        .find(|row| row.contains("<code>quote.accepted.customer</code>"))
        .and_then(|row| row.split("href=\"").nth(1))
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    browser.goto(&format!("{}{link}", server.base)).unwrap();
    let message = browser.source().unwrap();
    assert!(message.contains(&sha256), "the confirmation names the accepted PDF's hash");
}
