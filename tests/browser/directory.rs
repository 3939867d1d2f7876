//! A visitor searches the directory from the home page by prefecture and language, opens a
//! partner and finds the request-a-quote button.

use serde_json::json;

use crate::harness::{PASSWORD, Server, browser, screenshot_dir};

fn api_token(server: &Server) -> String {
    server.create_user("ops@example.com", "admin");
    let response: serde_json::Value = ureq::post(&format!("{}/api/v1/auth/token", server.base))
        .send_json(json!({"email": "ops@example.com", "password": PASSWORD}))
        .unwrap()
        .into_body()
        .read_json()
        .unwrap();
    response["access_token"].as_str().unwrap().to_owned()
}

fn create_partner(server: &Server, token: &str, body: serde_json::Value) {
    let response = ureq::post(&format!("{}/api/v1/admin/partners", server.base))
        .header("Authorization", &format!("Bearer {token}"))
        .send_json(body)
        .unwrap();
    assert_eq!(response.status(), 201);
}

fn partner(
    slug: &str,
    csn: &str,
    name_ja: &str,
    name_en: &str,
    region: &str,
    languages: &[&str],
) -> serde_json::Value {
    json!({"slug": slug, "csn": csn, "name_ja": name_ja, "name_en": name_en, "description_ja": "架空の販売店です。",
        "description_en": "A fictional reseller.", "tier": "gold", "country": "JP", "regions": [region],
        "languages": languages, "services": ["flex_tokens"], "max_discount_percent": 5,
        "flex_agreement": {"signed_on": "2024-04-01", "expires_on": "2099-03-31"}, "published": true})
}

#[test]
#[ignore = "needs chromium and chromedriver; run by .ci/run"]
fn a_visitor_finds_an_osaka_partner_that_speaks_english_and_sees_the_quote_button() {
    let server = Server::start();
    let token = api_token(&server);
    create_partner(
        &server,
        &token,
        partner(
            "osaka-en",
            "5550000001",
            "大阪イングリッシュ株式会社",
            "Osaka English KK",
            "JP-27",
            &["ja", "en"],
        ),
    );
    create_partner(
        &server,
        &token,
        partner("osaka-ja", "5550000002", "大阪日本語株式会社", "Osaka Nihongo KK", "JP-27", &["ja"]),
    );
    create_partner(
        &server,
        &token,
        partner(
            "tokyo-en",
            "5550000003",
            "東京イングリッシュ株式会社",
            "Tokyo English KK",
            "JP-13",
            &["ja", "en"],
        ),
    );

    let browser = browser();
    browser.goto(&format!("{}/?lang=en", server.base)).unwrap();
    browser.click("#region option[value='JP-27']").unwrap();
    browser.click("#language option[value='en']").unwrap();
    browser.click("#search-submit").unwrap();
    // The home page is a search page too: wait for the results of this search, not the old count.
    crate::harness::wait_until("the search results", std::time::Duration::from_secs(10), || {
        browser.current_url().is_ok_and(|url| url.contains("region=JP-27"))
    });
    assert_eq!(browser.text("#result-count").unwrap(), "Partners found: 1");
    let names = browser.text(".results").unwrap();
    assert!(names.contains("Osaka English KK") && !names.contains("Nihongo") && !names.contains("Tokyo"));
    browser.screenshot(&screenshot_dir().join("search-osaka-en.png")).unwrap();

    browser.click(".partner-card h2 a").unwrap();
    crate::harness::wait_until("the partner page", std::time::Duration::from_secs(10), || {
        browser.current_url().is_ok_and(|url| url.ends_with("/partners/osaka-en"))
    });
    assert_eq!(browser.text("h1").unwrap(), "Osaka English KK");
    assert_eq!(browser.text("#request-quote").unwrap(), "Request a quote");
    browser.screenshot(&screenshot_dir().join("partner-osaka-en.png")).unwrap();

    browser.click("a[lang=ja]").unwrap();
    crate::harness::wait_until("the partner page in Japanese", std::time::Duration::from_secs(10), || {
        browser.text("h1").is_ok_and(|h1| h1 != "Osaka English KK")
    });
    assert_eq!(browser.text("h1").unwrap(), "大阪イングリッシュ株式会社");
    assert_eq!(browser.text("#request-quote").unwrap(), "見積を依頼する");
}
