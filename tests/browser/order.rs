//! Must-show 7: the reseller signs in, opens the accepted quote, places the order, downloads the
//! invoice, fulfils the order and sees the balance on the customer's page, and the purchaser opens
//! the balance link — on a 390 px wide screen.

use serde_json::json;

use crate::customer_quote::{post, token_for};
use crate::harness::{PASSWORD, Server, browser, screenshot_dir};

/// A published Flex partner with a sales user, and `customer` created by that user; returns the
/// sales user's token and the customer as created.
pub fn seller_with_customer(server: &Server, customer: serde_json::Value) -> (String, serde_json::Value) {
    server.create_user("ops@example.com", "admin");
    let ops = token_for(server, "ops@example.com");
    let partner = post(
        server,
        "/api/v1/admin/partners",
        &ops,
        json!({"slug": "seller", "csn": "5550000201", "name_ja": "株式会社デモ販売", "name_en": "Demo Sales KK",
        "tier": "gold", "country": "JP", "regions": ["JP-13"], "languages": ["ja", "en"], "services": ["flex_tokens"],
        "invoice_registration_number": "T7000012050002", "max_discount_percent": 10, "email": "office@seller.example",
        "flex_agreement": {"signed_on": "2024-04-01", "expires_on": "2099-03-31"}, "published": true}),
    );
    post(
        server,
        &format!("/api/v1/admin/partners/{}/users", partner["id"].as_str().unwrap()),
        &ops,
        json!({"email": "sales@seller.example", "role": "partner_sales", "password": PASSWORD}),
    );
    let sales = token_for(server, "sales@seller.example");
    let customer = post(server, "/api/v1/customers", &sales, customer);
    (sales, customer)
}

/// A partner with a sales user and a customer whose quote for 1,200 tokens was accepted.
fn accepted_quote(server: &Server) -> String {
    let (sales, customer) = seller_with_customer(
        server,
        json!({"company_name": "株式会社サンプル顧客", "contact_name": "Taro Yamada", "email": "taro@customer.example",
        "country": "JP", "language": "ja", "time_zone": "Asia/Tokyo", "purchaser_autodesk_id": "taro@customer.example"}),
    );
    let quote = post(
        server,
        "/api/v1/quotes",
        &sales,
        json!({"customer_id": customer["id"], "lines": [{"tokens": 1200}]}),
    );
    let id = quote["id"].as_str().unwrap().to_owned();
    post(server, &format!("/api/v1/quotes/{id}/send"), &sales, json!({}));
    post(server, &format!("/api/v1/quotes/{id}/accept-on-behalf"), &sales, json!({"reason": "注文書を受領"}));
    id
}

#[test]
#[ignore = "needs chromium and chromedriver; run by .ci/run"]
fn the_reseller_orders_an_accepted_quote_downloads_the_invoice_fulfils_and_sees_the_balance() {
    let server = Server::start();
    let quote = accepted_quote(&server);
    let browser = browser();
    browser.resize(390, 844).unwrap();
    browser.goto(&format!("{}/login?lang=en", server.base)).unwrap();
    browser.fill("#email", "sales@seller.example").unwrap();
    browser.fill("#password", PASSWORD).unwrap();
    browser.click("#login-submit").unwrap();
    browser.find("#welcome").unwrap();

    browser.goto(&format!("{}/app/quotes?status=accepted", server.base)).unwrap();
    browser.click(&format!("a[href='/app/quotes/{quote}']")).unwrap();
    assert_eq!(browser.text("#quote-status").unwrap(), "Accepted");
    browser
        .execute("document.getElementById('payment_method').value = 'bank_transfer'; return null")
        .unwrap();
    browser.screenshot(&screenshot_dir().join("order-place-390.png")).unwrap();
    browser.click("#place-order-button").unwrap();

    assert_eq!(browser.text("#order-notice").unwrap(), "The order was placed and its documents were issued.");
    assert_eq!(browser.text("#order-status").unwrap(), "Placed");
    assert_eq!(browser.text("#pack-status").unwrap(), "Pending");
    let number = browser.text("#order-number").unwrap();
    assert!(number.contains("-O-"), "{number}");
    browser.screenshot(&screenshot_dir().join("order-placed-390.png")).unwrap();
    assert_no_sideways_scroll(&browser, "the order page");

    // The invoice downloads as a PDF with the signed-in session.
    let download = browser
        .execute(
            "var link = document.getElementById('document-invoice'); var x = new XMLHttpRequest(); \
             x.open('GET', link.href, false); x.overrideMimeType('text/plain; charset=x-user-defined'); x.send(); \
             return [x.status, x.getResponseHeader('Content-Type'), x.responseText.substring(0, 5), link.getAttribute('href')];",
        )
        .unwrap();
    assert_eq!(download[0], 200, "{download}");
    assert_eq!(download[1], "application/pdf", "{download}");
    assert_eq!(download[2], "%PDF-", "{download}");
    assert!(download[3].as_str().unwrap().ends_with("/documents/invoice.pdf"), "{download}");

    browser.fill("#autodesk_order_ref", "ADSK-12345").unwrap();
    browser.click("#fulfil-order").unwrap();
    // The click submits a form: wait for the next page rather than reading the old one's notice.
    let fulfilled = "The order was fulfilled: its tokens are available.";
    crate::harness::wait_until("the fulfilled order's page", std::time::Duration::from_secs(10), || {
        browser.text("#order-notice").is_ok_and(|t| t == fulfilled)
    });
    assert_eq!(browser.text("#order-notice").unwrap(), fulfilled);
    assert_eq!(browser.text("#pack-status").unwrap(), "Available");
    let last_day = browser.text("#pack-expiry").unwrap();

    browser.click("#order-customer").unwrap();
    assert_eq!(browser.text("#balance-available").unwrap(), "1,200");
    assert_eq!(browser.text("#balance-pending").unwrap(), "0");
    let packs = browser.text("#balance-packs").unwrap();
    assert!(packs.contains(&last_day[..10]), "the pack's last day {last_day} in {packs}");
    browser.screenshot(&screenshot_dir().join("customer-balance-390.png")).unwrap();
    assert_no_sideways_scroll(&browser, "the customer's page");
    let link = browser.execute("return document.getElementById('balance-link').value").unwrap();
    let link = link.as_str().unwrap().to_owned();

    browser.goto(&format!("{}/app/orders?lang=ja", server.base)).unwrap();
    assert!(browser.text("#order-rows").unwrap().contains(&number));
    assert_eq!(browser.text("#nav-orders").unwrap(), "注文");
    browser.screenshot(&screenshot_dir().join("orders-390-ja.png")).unwrap();
    assert_no_sideways_scroll(&browser, "the orders list");

    // The purchaser's link, opened without signing in, in the customer's language (Japanese).
    browser.click("form[action='/logout'] button").unwrap();
    // Wait for the signed-out home page, or its redirect can land after the link is opened.
    browser.find(".session a[href='/login']").unwrap();
    browser.goto(&link).unwrap();
    assert_eq!(browser.text("h1").unwrap(), "Flex トークン残高");
    assert_eq!(browser.text("#balance-available").unwrap(), "1,200");
    browser.screenshot(&screenshot_dir().join("balance-link-390.png")).unwrap();
    assert_no_sideways_scroll(&browser, "the purchaser's balance page");
}

fn assert_no_sideways_scroll(browser: &crate::webdriver::Browser, what: &str) {
    let measured = browser
        .execute("return [document.documentElement.scrollWidth, document.documentElement.clientWidth];")
        .unwrap();
    assert!(
        measured[0].as_f64().unwrap() <= measured[1].as_f64().unwrap(),
        "{what} scrolls sideways: {measured}"
    );
}
