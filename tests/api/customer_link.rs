//! The customer's quote link is private and the customer's own: its pages, PDF and API are never
//! cached, and staff signed in to the workspace cannot accept through it (they record an
//! acceptance on the customer's behalf instead).

use rocket::http::{ContentType, Header, Status};
use serde_json::{Value, json};

use crate::helpers::{TestApp, bearer, extract_csrf, form, problem, spawn_app};
use crate::quotes::{Reseller, call, customer, draft, reseller};

async fn sent_quote(app: &TestApp, seller: &Reseller) -> (String, Value) {
    let cust = customer(app, seller, "JP").await;
    let quote = draft(app, seller, &cust, json!([{"tokens": 100}])).await;
    let path = format!("/api/v1/quotes/{}/send", quote["id"].as_str().unwrap());
    let (status, sent) = call(app, "POST", &path, &seller.token, json!({})).await;
    assert_eq!(status, Status::Ok, "{sent}");
    (sent["public_url"].as_str().unwrap().rsplit('/').next().unwrap().to_owned(), sent)
}

async fn public_status(app: &TestApp, token: &str) -> String {
    let body: Value =
        app.client.get(format!("/api/v1/public/quotes/{token}")).dispatch().await.into_json().await.unwrap();
    body["status"].as_str().unwrap().to_owned()
}

#[rocket::async_test]
async fn the_customer_link_pages_pdf_and_api_are_never_cached() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let (token, _) = sent_quote(&app, &seller).await;
    for path in [
        format!("/q/{token}"),
        format!("/q/{token}?lang=en"),
        format!("/q/{token}/pdf"),
        format!("/api/v1/public/quotes/{token}"),
        format!("/api/v1/public/quotes/{token}/pdf"),
        format!("/q/not-a-valid-token-{token}"),
    ] {
        let response = app.client.get(path.clone()).dispatch().await;
        assert_eq!(response.headers().get_one("Cache-Control"), Some("no-store"), "{path}");
    }
}

#[rocket::async_test]
async fn staff_signed_in_cannot_accept_through_the_customer_link_and_are_pointed_to_record_on_behalf() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let (token, sent) = sent_quote(&app, &seller).await;
    let digest = sent["pdf_sha256"].as_str().unwrap().to_owned();

    // The API, with the reseller's bearer token.
    let response = app
        .client
        .post(format!("/api/v1/public/quotes/{token}/accept"))
        .header(bearer(&seller.token))
        .header(ContentType::JSON)
        .header(Header::new("Accept-Language", "en"))
        .body(json!({"name": "Sales Person", "agree": true, "pdf_sha256": digest}).to_string())
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Forbidden);
    let body = problem(response).await;
    assert!(body["detail"].as_str().unwrap().contains("Record acceptance on behalf"), "{body}");

    // The page, signed in to the workspace in this browser, in both languages.
    assert_eq!(app.browser_login("sales@exmp.example").await.status(), Status::SeeOther);
    for (lang, pointer) in
        [("en", "Record acceptance on behalf of the customer"), ("ja", "顧客に代わって承諾を記録")]
    {
        let html =
            app.client.get(format!("/q/{token}?lang={lang}")).dispatch().await.into_string().await.unwrap();
        let csrf = extract_csrf(&html);
        let response = app
            .client
            .post(format!("/q/{token}/accept"))
            .header(ContentType::Form)
            .body(form(&[
                ("_csrf", &csrf),
                ("name", "Sales Person"),
                ("agree", "true"),
                ("pdf_sha256", &digest),
            ]))
            .dispatch()
            .await;
        assert_eq!(response.status(), Status::Forbidden, "{lang}");
        let html = response.into_string().await.unwrap();
        assert!(html.contains(pointer), "{lang}: {html}");
    }
    assert_eq!(public_status(&app, &token).await, "sent", "nothing was accepted");

    // Signed out, the same browser is the customer's again and the acceptance goes through.
    let csrf = app.csrf_from("/app").await;
    let response =
        app.client.post("/logout").header(ContentType::Form).body(form(&[("_csrf", &csrf)])).dispatch().await;
    assert_eq!(response.status(), Status::SeeOther);
    let response = app
        .client
        .post(format!("/api/v1/public/quotes/{token}/accept"))
        .header(ContentType::JSON)
        .body(json!({"name": "山田 太郎", "agree": true, "pdf_sha256": digest}).to_string())
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(public_status(&app, &token).await, "accepted");
}

#[rocket::async_test]
async fn a_new_sign_in_in_a_browser_ends_that_browsers_previous_session() {
    let app = spawn_app().await;
    app.user("ops@example.com", "admin").await;
    app.user("other@example.com", "admin").await;
    let first = app.browser_login("ops@example.com").await;
    let old = first
        .headers()
        .get("Set-Cookie")
        .find_map(|c| c.strip_prefix("fp_session="))
        .map(|rest| rest.split(';').next().unwrap().to_owned())
        .unwrap();
    assert_eq!(app.client.get("/api/v1/me").header(bearer(&old)).dispatch().await.status(), Status::Ok);

    let second = app.browser_login("other@example.com").await;
    assert_eq!(second.status(), Status::SeeOther);
    assert_eq!(
        app.client.get("/api/v1/me").header(bearer(&old)).dispatch().await.status(),
        Status::Unauthorized,
        "the session the browser had before is revoked"
    );
    // The browser itself is signed in as the new user.
    let me: Value = app.client.get("/api/v1/me").dispatch().await.into_json().await.unwrap();
    assert_eq!(me["email"], "other@example.com");
}
