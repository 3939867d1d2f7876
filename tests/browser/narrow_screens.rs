//! On a phone (390 CSS pixels wide) the quote's amounts and total are on screen: on the customer's
//! quote page and on the reseller's quote page.

use serde_json::json;

use crate::harness::{PASSWORD, Server, browser, screenshot_dir};
use crate::request_form::{partner_with_sales, post};
use crate::webdriver::Browser;

/// The element's box and the viewport's width, measured in the page.
fn fits(browser: &Browser, css: &str) -> (f64, f64, f64) {
    let script = format!(
        "const r = document.querySelector({css:?}).getBoundingClientRect();
         return [r.left, r.right, document.documentElement.clientWidth];"
    );
    let measured = browser.execute(&script).unwrap();
    let n = |i: usize| measured[i].as_f64().unwrap();
    (n(0), n(1), n(2))
}

fn assert_inside(browser: &Browser, css: &str, what: &str) {
    let (left, right, width) = fits(browser, css);
    assert!(width <= 400.0, "the viewport is phone-sized ({width})");
    assert!(left >= 0.0 && right <= width, "{what}: {css} spans {left}..{right} in a {width} px viewport");
}

/// The page does not scroll sideways; on failure, names the elements that stick out.
fn assert_no_sideways_scroll(browser: &Browser, what: &str) {
    let script = "const w = document.documentElement.clientWidth;
        const out = [...document.querySelectorAll('body *')]
          .filter(e => e.getBoundingClientRect().right > w + 0.5)
          .slice(0, 5)
          .map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));
        return [document.documentElement.scrollWidth, w, out.join(' | ')];";
    let measured = browser.execute(script).unwrap();
    assert!(
        measured[0].as_f64().unwrap() <= measured[1].as_f64().unwrap(),
        "{what} scrolls sideways: {measured}"
    );
}

#[test]
#[ignore = "needs chromium and chromedriver; run by .ci/run"]
fn the_quote_total_is_on_screen_at_390_pixels_for_the_customer_and_the_reseller() {
    let server = Server::start();
    let sales = partner_with_sales(&server, "demo-sales");
    let customer = post(
        &server,
        "/api/v1/customers",
        &sales,
        json!({"company_name": "株式会社サンプル顧客", "contact_name": "山田 太郎",
        "email": "taro@customer.example", "country": "JP", "language": "ja", "time_zone": "Asia/Tokyo",
        "purchaser_autodesk_id": "taro@customer.example"}),
    );
    // Large amounts and a discount make the widest table a quote can have.
    let quote = post(
        &server,
        "/api/v1/quotes",
        &sales,
        json!({"customer_id": customer["id"], "lines": [{"tokens": 999999, "discount_percent": "7.5"}, {"tokens": 100}]}),
    );
    let id = quote["id"].as_str().unwrap().to_owned();
    let sent = post(&server, &format!("/api/v1/quotes/{id}/send"), &sales, json!({}));
    let link = sent["public_url"].as_str().unwrap().to_owned();

    let browser = browser();
    browser.resize(390, 844).unwrap();
    for lang in ["ja", "en"] {
        browser.goto(&format!("{link}?lang={lang}")).unwrap();
        browser.find("#quote-total").unwrap();
        browser.screenshot(&screenshot_dir().join(format!("quote-390-{lang}.png"))).unwrap();
        assert_inside(&browser, "#quote-total", "customer page");
        assert_inside(&browser, "#quote-lines tbody tr td:last-child", "customer page amount");
        assert_no_sideways_scroll(&browser, "customer page");
    }

    browser.goto(&format!("{}/login?lang=ja", server.base)).unwrap();
    browser.fill("#email", "sales@demo.example").unwrap();
    browser.fill("#password", PASSWORD).unwrap();
    browser.click("#login-submit").unwrap();
    browser.find("#welcome").unwrap();
    for lang in ["ja", "en"] {
        browser.goto(&format!("{}/app/quotes/{id}?lang={lang}", server.base)).unwrap();
        browser.find("#quote-total").unwrap();
        browser.screenshot(&screenshot_dir().join(format!("workspace-quote-390-{lang}.png"))).unwrap();
        assert_inside(&browser, "#quote-total", "workspace page");
        assert_inside(&browser, "#quote-lines tbody tr td:last-child", "workspace page amount");
        assert_no_sideways_scroll(&browser, "workspace page");
    }
    eprintln!("screenshots in {}", screenshot_dir().display());
}
