//! Issue 11, must-show 7: the reseller assigns a developer, the developer accepts the invitation
//! from the mail, the reseller uploads a usage CSV, and the usage page's chart and balance change.

use base64::Engine;
use serde_json::json;

use crate::customer_quote::post;
use crate::harness::{PASSWORD, Server, browser, screenshot_dir};
use crate::order::seller_with_customer;

/// A partner with a sales user and a customer holding a fulfilled pack of 1,000 tokens; returns
/// the customer's id.
fn customer_with_tokens(server: &Server) -> String {
    let (sales, customer) = seller_with_customer(
        server,
        json!({"company_name": "Example Design Office", "contact_name": "Taro Yamada", "email": "taro@customer.example",
        "country": "JP", "language": "en", "time_zone": "Asia/Tokyo", "purchaser_autodesk_id": "taro@customer.example"}),
    );
    let quote = post(
        server,
        "/api/v1/quotes",
        &sales,
        json!({"customer_id": customer["id"], "lines": [{"tokens": 1000}]}),
    );
    let id = quote["id"].as_str().unwrap().to_owned();
    post(server, &format!("/api/v1/quotes/{id}/send"), &sales, json!({}));
    post(server, &format!("/api/v1/quotes/{id}/accept-on-behalf"), &sales, json!({"reason": "PO received"}));
    let order = post(server, "/api/v1/orders", &sales, json!({"quote_id": id, "payment_method": "invoice"}));
    let order = order["id"].as_str().unwrap().to_owned();
    post(server, &format!("/api/v1/orders/{order}/fulfil"), &sales, json!({"autodesk_order_ref": "ADSK-1"}));
    customer["id"].as_str().unwrap().to_owned()
}

/// The invitation link in the mail to `to`, whatever transfer encoding the body has.
fn invitation_link(server: &Server, to: &str) -> Option<String> {
    server.mails().into_iter().filter(|m| m.contains(&format!("To: {to}"))).find_map(|mail| {
        let body = mail.replace("\r\n", "\n");
        let body = body.split_once("\n\n").map_or(body.as_str(), |(_, b)| b).to_owned();
        let compact: String = body.chars().filter(|c| !c.is_whitespace()).collect();
        let text = base64::engine::general_purpose::STANDARD
            .decode(&compact)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .unwrap_or_else(|| body.replace("=\n", "").replace("=3D", "="));
        let start = text.find("http")?;
        text[start..]
            .split_whitespace()
            .find(|w| w.contains("/i/"))
            .map(str::to_owned)
            .or_else(|| text.split_whitespace().find(|w| w.contains("/i/")).map(str::to_owned))
    })
}

fn sign_in(browser: &crate::webdriver::Browser, server: &Server) {
    browser.goto(&format!("{}/login?lang=en", server.base)).unwrap();
    browser.fill("#email", "sales@seller.example").unwrap();
    browser.fill("#password", PASSWORD).unwrap();
    browser.click("#login-submit").unwrap();
    browser.find("#welcome").unwrap();
}

#[test]
#[ignore = "needs chromium and chromedriver; run by .ci/run"]
fn the_reseller_assigns_a_developer_who_accepts_then_uploaded_usage_changes_the_chart_and_balance() {
    let server = Server::start();
    let customer = customer_with_tokens(&server);
    let browser = browser();
    sign_in(&browser, &server);

    browser.goto(&format!("{}/app/customers/{customer}/developers?lang=en", server.base)).unwrap();
    browser.fill("#autodesk_id", "Dev@Customer.Example").unwrap();
    browser.click("#add-developer-button").unwrap();
    browser.find("#developers-notice").unwrap();
    let rows = browser.text("#developer-rows").unwrap();
    assert!(rows.contains("dev@customer.example"), "{rows}");
    browser.screenshot(&screenshot_dir().join("developers.png")).unwrap();

    // The invitation mail reaches the developer; they accept it signed out.
    server.sweep();
    let link = invitation_link(&server, "dev@customer.example").expect("the invitation mail with its link");
    browser.click("form[action='/logout'] button").unwrap();
    browser.find(".session a[href='/login']").unwrap();
    browser.goto(&link).unwrap();
    browser.click("#accept-invitation").unwrap();
    browser.find("#invitation-notice").unwrap();
    assert_eq!(browser.text("#invitation-status").unwrap(), "Active");
    browser.screenshot(&screenshot_dir().join("invitation-accepted.png")).unwrap();

    // Usage before: none.
    sign_in(&browser, &server);
    browser.goto(&format!("{}/app/customers/{customer}/usage?lang=en", server.base)).unwrap();
    assert_eq!(browser.text("#usage-available").unwrap().replace(',', ""), "1000");
    let before = browser.text("#usage-total").unwrap();
    assert_eq!(before, "0");

    let csv = server.file(
        "usage.csv",
        "event_id,occurred_at,autodesk_id,app,api,units,tokens\n\
         ev-1,2026-11-30T09:00:00Z,dev@customer.example,Viewer,Model Derivative,300000,1\n\
         ev-2,2026-11-30T10:00:00Z,dev@customer.example,Viewer,Model Derivative,150000,0.5\n\
         ev-3,2026-11-30T11:00:00Z,stranger@example.com,Viewer,Model Derivative,1,1\n",
    );
    browser.goto(&format!("{}/app/customers/{customer}/usage/upload?lang=en", server.base)).unwrap();
    browser.fill("#usage-file", csv.to_str().unwrap()).unwrap();
    browser.click("form[enctype='multipart/form-data'] button[type=submit]").unwrap();
    assert_eq!(browser.text("#upload-applied").unwrap(), "2");
    assert_eq!(browser.text("#upload-rejected").unwrap(), "1");
    assert!(browser.text("#upload-rejections").unwrap().contains('4'), "line 4 is the stranger's");
    browser.screenshot(&screenshot_dir().join("usage-uploaded.png")).unwrap();

    browser
        .goto(&format!(
            "{}/app/customers/{customer}/usage?from=2026-11-01&to=2026-11-30&group_by=developer&lang=en",
            server.base
        ))
        .unwrap();
    assert_eq!(browser.text("#usage-available").unwrap().replace(',', ""), "998.5");
    assert_eq!(browser.text("#usage-total").unwrap(), "1.5");
    let chart = browser.find("svg.chart").unwrap();
    assert!(!chart.is_empty());
    // The chart's data table sits in a closed <details>: read its text, not what is drawn.
    let table =
        browser.execute("return document.getElementById('usage-by-developer-table').textContent").unwrap();
    assert!(table.as_str().unwrap().contains("dev@customer.example"), "{table}");
    browser.screenshot(&screenshot_dir().join("usage-chart.png")).unwrap();
}
