//! The public side through the pages: a quote request form, the customer's quote link (view,
//! PDF, accept, decline) and document verification; plus the PDF's text.

use rocket::http::{ContentType, Status};
use serde_json::json;

use crate::helpers::{TestApp, extract_csrf, form, spawn_app};
use crate::quotes::{call, customer, draft, reseller};

async fn sent_quote(app: &TestApp) -> (String, serde_json::Value) {
    let seller = reseller(app, "exmp").await;
    let cust = customer(app, &seller, "JP").await;
    let quote = draft(app, &seller, &cust, json!([{"tokens": 100}])).await;
    let (_, sent) = call(
        app,
        "POST",
        &format!("/api/v1/quotes/{}/send", quote["id"].as_str().unwrap()),
        &seller.token,
        json!({}),
    )
    .await;
    let token = sent["public_url"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
    (token, sent)
}

#[rocket::async_test]
async fn a_customer_requests_a_quote_from_a_partner_through_the_form() {
    let app = spawn_app().await;
    reseller(&app, "exmp").await;
    let html =
        app.client.get("/partners/exmp/quote-request?lang=en").dispatch().await.into_string().await.unwrap();
    let csrf = extract_csrf(&html);
    let fields = |tokens: &'static str| {
        form(&[
            ("_csrf", &csrf),
            ("company", "Sample Co"),
            ("contact_name", "Taro"),
            ("email", "taro@sample.example"),
            ("autodesk_id", "taro@sample.example"),
            ("tokens", tokens),
            ("country", "JP"),
            ("region", "JP-13"),
            ("language", "en"),
        ])
    };
    for bad in ["99", "100.5", "abc", "-1", "1000001", ""] {
        let response = app
            .client
            .post("/partners/exmp/quote-request")
            .header(ContentType::Form)
            .body(fields(bad))
            .dispatch()
            .await;
        assert_eq!(response.status(), Status::UnprocessableEntity, "{bad:?}");
        assert!(response.into_string().await.unwrap().contains("id=\"tokens-error\""), "{bad:?}");
    }
    let response = app
        .client
        .post("/partners/exmp/quote-request")
        .header(ContentType::Form)
        .body(fields("250"))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::SeeOther);
    let html = app.client.get("/quote-request/sent").dispatch().await.into_string().await.unwrap();
    assert!(html.contains("id=\"reference\"") && html.contains("QR-"));
    // Without the CSRF token the form is refused.
    let response = app
        .client
        .post("/partners/exmp/quote-request")
        .header(ContentType::Form)
        .body("company=x&tokens=100")
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Forbidden);
    // A partner that cannot quote Flex has no request form.
    crate::common::partner("silver-one").tier("silver").create(app.portal()).await;
    assert_eq!(
        app.client.get("/partners/silver-one/quote-request").dispatch().await.status(),
        Status::NotFound
    );
}

#[rocket::async_test]
async fn the_customer_opens_the_link_and_accepts_in_japanese() {
    let app = spawn_app().await;
    let (token, sent) = sent_quote(&app).await;
    let html = app.client.get(format!("/q/{token}?lang=ja")).dispatch().await.into_string().await.unwrap();
    assert!(
        html.contains("御見積書")
            && html.contains(sent["number"].as_str().unwrap())
            && html.contains("¥42,900")
    );
    let csrf = extract_csrf(&html);
    let response = app
        .client
        .post(format!("/q/{token}/accept"))
        .header(ContentType::Form)
        .body(form(&[("_csrf", &csrf), ("name", "山田 太郎")]))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert!(response.into_string().await.unwrap().contains("id=\"agree-error\""));
    let response = app
        .client
        .post(format!("/q/{token}/accept"))
        .header(ContentType::Form)
        .body(form(&[
            ("_csrf", &csrf),
            ("name", "山田 太郎"),
            ("agree", "true"),
            ("pdf_sha256", sent["pdf_sha256"].as_str().unwrap()),
        ]))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::SeeOther);
    let html =
        app.client.get(format!("/q/{token}?done=accepted")).dispatch().await.into_string().await.unwrap();
    assert!(html.contains("承諾を記録し") && html.contains("承諾済み"));
    assert!(!html.contains("id=\"accept-submit\""), "no second acceptance form");
}

#[rocket::async_test]
async fn a_declined_or_withdrawn_quote_says_so_and_offers_to_ask_again_in_english() {
    let app = spawn_app().await;
    let (token, _) = sent_quote(&app).await;
    let csrf = extract_csrf(
        &app.client.get(format!("/q/{token}?lang=en")).dispatch().await.into_string().await.unwrap(),
    );
    let response = app
        .client
        .post(format!("/q/{token}/decline"))
        .header(ContentType::Form)
        .body(form(&[("_csrf", &csrf), ("reason", "Budget"), ("confirm", "true")]))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::SeeOther);
    let html = app.client.get(format!("/q/{token}")).dispatch().await.into_string().await.unwrap();
    assert!(html.contains("Declined") && !html.contains("id=\"accept-submit\""));
    let response = app
        .client
        .post(format!("/q/{token}/accept"))
        .header(ContentType::Form)
        .body(form(&[("_csrf", &csrf), ("name", "X"), ("agree", "true")]))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Conflict);
    assert!(response.into_string().await.unwrap().contains("This quote was declined."));
    assert_eq!(app.client.get("/q/unknown-token").dispatch().await.status(), Status::NotFound);
}

#[rocket::async_test]
async fn the_verification_page_shows_the_document() {
    let app = spawn_app().await;
    let (token, sent) = sent_quote(&app).await;
    let public: serde_json::Value =
        app.client.get(format!("/api/v1/public/quotes/{token}")).dispatch().await.into_json().await.unwrap();
    let code = public["verify_code"].as_str().unwrap();
    let html =
        app.client.get(format!("/verify/{code}?lang=en")).dispatch().await.into_string().await.unwrap();
    assert!(
        html.contains(sent["number"].as_str().unwrap())
            && html.contains(sent["pdf_sha256"].as_str().unwrap())
    );
    assert_eq!(app.client.get("/verify/NOPE").dispatch().await.status(), Status::NotFound);
}

#[rocket::async_test]
#[ignore = "needs pdftotext (poppler-utils); run by .ci/run"]
async fn the_quote_pdf_text_has_the_title_number_total_and_customer() {
    let app = spawn_app().await;
    let (token, sent) = sent_quote(&app).await;
    let pdf = app.client.get(format!("/q/{token}/pdf")).dispatch().await.into_bytes().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("quote.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let output = std::process::Command::new("pdftotext").arg(&path).arg("-").output().expect("pdftotext");
    let text = String::from_utf8_lossy(&output.stdout);
    for expected in ["御見積書", sent["number"].as_str().unwrap(), "¥42,900", "株式会社サンプル顧客"]
    {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
}
