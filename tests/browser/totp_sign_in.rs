//! Two-step sign-in in the browser: an operator sets up TOTP on the account page (QR code and
//! key), then signs in through the two-step login page with a code computed here from the key.
//! The portal's clock is fixed, so every code is exact.

use crate::harness::{PASSWORD, Server, browser, screenshot_dir};

const NOW: u64 = 1_796_040_010; // 2026-11-30T12:00:10Z

fn code_at(secret: &str, at: u64) -> String {
    let secret = totp_rs::Secret::try_from_base32(secret).unwrap();
    totp_rs::Builder::new().with_secret(secret).build().unwrap().generate(at).to_string()
}

#[test]
#[ignore = "needs chromium and chromedriver; run by .ci/run"]
fn an_operator_sets_up_totp_and_signs_in_with_a_code_in_two_steps() {
    let server = Server::start_with_env(&[("FLEXPORTAL_FAKE_NOW", "2026-11-30T12:00:10Z")]);
    server.create_user("ops@example.com", "admin");
    let browser = browser();

    browser.goto(&format!("{}/login?lang=en", server.base)).unwrap();
    browser.fill("#email", "ops@example.com").unwrap();
    browser.fill("#password", PASSWORD).unwrap();
    browser.click("#login-submit").unwrap();
    browser.find("#welcome").unwrap();

    browser.goto(&format!("{}/account", server.base)).unwrap();
    browser.click("#totp-setup").unwrap();
    browser.click("#totp-start").unwrap();
    browser.find("#totp-qr svg").unwrap();
    let secret = browser.text("#totp-secret").unwrap();
    browser.screenshot(&screenshot_dir().join("totp-setup-en.png")).unwrap();
    browser.fill("#code", &code_at(&secret, NOW)).unwrap();
    browser.click("#totp-confirm").unwrap();
    assert!(browser.text("#recovery-codes").unwrap().contains("Your recovery codes"));
    browser.goto(&format!("{}/account", server.base)).unwrap();
    browser.click("form[action='/logout'] button").unwrap();
    browser.find(".session a[href='/login']").unwrap();

    // Sign in again, in Japanese: the password first, then the code.
    browser.goto(&format!("{}/login?lang=ja", server.base)).unwrap();
    browser.fill("#email", "ops@example.com").unwrap();
    browser.fill("#password", PASSWORD).unwrap();
    browser.click("#login-submit").unwrap();
    browser.find("#code-submit").unwrap();
    assert_eq!(browser.text("h1").unwrap(), "確認コードの入力");
    browser.screenshot(&screenshot_dir().join("totp-code-ja.png")).unwrap();
    // The half-signed-in browser has no session yet.
    assert!(browser.source().unwrap().contains("action=\"/login/code\""));
    // The code of the next step: the current one was spent confirming the key.
    browser.fill("#code", &code_at(&secret, NOW + 30)).unwrap();
    browser.click("#code-submit").unwrap();
    let welcome = browser.text("#welcome").unwrap();
    assert!(browser.current_url().unwrap().ends_with("/app"));
    assert_eq!(welcome, "Demo Operator さん、ようこそ。");
}
