//! Document verification: the form, the page a code leads to, and a wrong code.

use rocket::http::Status;
use serde_json::json;

use crate::common::Options;
use crate::helpers::{TestApp, spawn_app_with};
use crate::quotes::{call, customer, draft, reseller};

/// A quote sent at 05:00 on 1 December in Tokyo (20:00 UTC the day before); its verification code.
async fn quote_sent_early_morning_in_tokyo() -> (TestApp, String, serde_json::Value) {
    let at =
        chrono::DateTime::parse_from_rfc3339("2026-11-30T20:00:00Z").unwrap().with_timezone(&chrono::Utc);
    let app = spawn_app_with(Options { fake_now: Some(at), ..Options::default() }).await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let quote = draft(&app, &seller, &cust, json!([{"tokens": 100}])).await;
    let path = format!("/api/v1/quotes/{}/send", quote["id"].as_str().unwrap());
    let (status, sent) = call(&app, "POST", &path, &seller.token, json!({})).await;
    assert_eq!(status, Status::Ok, "{sent}");
    let token = sent["public_url"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
    let public: serde_json::Value =
        app.client.get(format!("/api/v1/public/quotes/{token}")).dispatch().await.into_json().await.unwrap();
    let code = public["verify_code"].as_str().unwrap().to_owned();
    (app, code, sent)
}

#[rocket::async_test]
async fn verification_shows_the_issue_date_in_the_customers_zone_the_total_and_the_addressee() {
    let (app, code, sent) = quote_sent_early_morning_in_tokyo().await;
    for (lang, date) in [("ja", "2026年12月1日"), ("en", "1 Dec 2026")] {
        let response = app.client.get(format!("/verify/{code}?lang={lang}")).dispatch().await;
        assert_eq!(response.status(), Status::Ok);
        let html = response.into_string().await.unwrap();
        assert!(html.contains(&format!("id=\"verify-issued\">{date}")), "{lang}: {html}");
        // " UTC" with its space: a random token on the page may contain the letters themselves.
        assert!(!html.contains("2026-11-30") && !html.contains(" UTC"), "{lang}: {html}");
        assert!(html.contains("id=\"verify-total\">¥42,900<"), "{lang}: {html}");
        assert!(html.contains("id=\"verify-addressee\">株式会社サンプル顧客<"), "{lang}: {html}");
        assert!(html.contains(sent["number"].as_str().unwrap()));
    }
    // Codes are read as people type them: lower case, surrounding spaces.
    let typed = format!("%20{}%20", code.to_lowercase());
    assert_eq!(app.client.get(format!("/verify/{typed}")).dispatch().await.status(), Status::Ok);
    let api: serde_json::Value =
        app.client.get(format!("/api/v1/verify/{code}")).dispatch().await.into_json().await.unwrap();
    assert_eq!(api["issued_on"], "2026-12-01", "{api}");
    assert_eq!(api["time_zone"], "Asia/Tokyo", "{api}");
    assert_eq!(api["total"], "¥42,900", "{api}");
    assert_eq!(api["addressee"], "株式会社サンプル顧客", "{api}");
}

#[rocket::async_test]
async fn the_verification_form_takes_a_typed_code_and_a_wrong_code_is_no_such_document() {
    let (app, code, _) = quote_sent_early_morning_in_tokyo().await;
    for lang in ["ja", "en"] {
        let response = app.client.get(format!("/verify?lang={lang}")).dispatch().await;
        assert_eq!(response.status(), Status::Ok);
        let html = response.into_string().await.unwrap();
        assert!(
            html.contains("<form method=\"get\" action=\"/verify\"") && html.contains("id=\"verify-code\"")
        );
    }
    let response = app.client.get(format!("/verify?code=+{}+", code.to_lowercase())).dispatch().await;
    assert_eq!(response.status(), Status::SeeOther);
    assert_eq!(response.headers().get_one("Location"), Some(format!("/verify/{code}").as_str()));
    // An empty code shows the form again.
    assert_eq!(app.client.get("/verify?code=").dispatch().await.status(), Status::Ok);
    for (lang, text) in
        [("ja", "この検証コードの書類はありません。"), ("en", "No document has this verification code.")]
    {
        let response = app.client.get(format!("/verify/NOPE1234?lang={lang}")).dispatch().await;
        assert_eq!(response.status(), Status::NotFound);
        let html = response.into_string().await.unwrap();
        assert!(html.contains(&format!("id=\"verify-missing\">{text}<")), "{lang}: {html}");
        // The form is there to try again, with what was typed.
        assert!(html.contains("id=\"verify-code\"") && html.contains("value=\"NOPE1234\""), "{lang}: {html}");
    }
    // A code with characters no code has is simply not found, never an error.
    let response = app.client.get("/verify?code=%3Cscript%3E").dispatch().await;
    assert_eq!(response.status(), Status::SeeOther);
    let location = response.headers().get_one("Location").unwrap().to_owned();
    let response = app.client.get(location).dispatch().await;
    assert_eq!(response.status(), Status::NotFound);
    assert!(!response.into_string().await.unwrap().contains("<script>"));
}
