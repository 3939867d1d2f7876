//! An operator signs in through the login page and sees the signed-in workspace in both languages.

use crate::harness::{PASSWORD, Server, browser, screenshot_dir};

#[test]
#[ignore = "needs chromium and chromedriver; run by .ci/run"]
fn an_operator_signs_in_through_the_login_page_in_japanese_and_english() {
    let server = Server::start();
    server.create_user("ops@example.com", "admin");
    let browser = browser();

    browser.goto(&format!("{}/login?lang=ja", server.base)).unwrap();
    assert_eq!(browser.text("h1").unwrap(), "ログイン");
    browser.fill("#email", "ops@example.com").unwrap();
    browser.fill("#password", PASSWORD).unwrap();
    browser.click("#login-submit").unwrap();
    let welcome = browser.text("#welcome").unwrap();
    assert!(browser.current_url().unwrap().ends_with("/app"));
    assert_eq!(welcome, "Demo Operator さん、ようこそ。");
    assert_eq!(browser.text("#role").unwrap(), "運営者");
    browser.screenshot(&screenshot_dir().join("workspace-ja.png")).unwrap();

    browser.click("a[lang=en]").unwrap();
    crate::harness::wait_until("the workspace in English", std::time::Duration::from_secs(10), || {
        browser.text("#welcome").is_ok_and(|w| w != welcome)
    });
    assert_eq!(browser.text("#welcome").unwrap(), "Welcome, Demo Operator.");
    assert_eq!(browser.text("#role").unwrap(), "Operator");
    browser.screenshot(&screenshot_dir().join("workspace-en.png")).unwrap();

    // Signing out ends the session: the workspace asks for a login again.
    browser.click("form[action='/logout'] button").unwrap();
    // The sign-out form posts and redirects home; wait for the signed-out header before moving on,
    // or the next navigation can cancel the post.
    browser.find(".session a[href='/login']").unwrap();
    browser.goto(&format!("{}/app", server.base)).unwrap();
    assert!(browser.source().unwrap().contains("action=\"/login\""));
}

#[test]
#[ignore = "needs chromium and chromedriver; run by .ci/run"]
fn a_wrong_password_keeps_the_visitor_on_the_login_page_with_a_message() {
    let server = Server::start();
    server.create_user("ops@example.com", "admin");
    let browser = browser();
    browser.goto(&format!("{}/login?lang=en", server.base)).unwrap();
    browser.fill("#email", "ops@example.com").unwrap();
    browser.fill("#password", "not the password").unwrap();
    browser.click("#login-submit").unwrap();
    assert_eq!(browser.text("#login-error").unwrap(), "The e-mail or password is not correct.");
}
