//! Every state-changing form carries the session's CSRF token and comes from our own origin.

use rocket::http::{ContentType, Header, Status};

use crate::common::PASSWORD;
use crate::helpers::{form, spawn_app};

#[rocket::async_test]
async fn a_login_form_without_the_csrf_token_is_refused() {
    let app = spawn_app().await;
    app.user("ops@example.com", "admin").await;
    app.csrf_from("/login").await;
    let response = app
        .client
        .post("/login")
        .header(ContentType::Form)
        .body(form(&[("email", "ops@example.com"), ("password", PASSWORD)]))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Forbidden);
    assert!(response.headers().get("Set-Cookie").all(|c| !c.starts_with("fp_session=")));
}

#[rocket::async_test]
async fn a_form_with_a_token_from_another_visitor_is_refused() {
    let app = spawn_app().await;
    app.user("ops@example.com", "admin").await;
    let other = crate::helpers::spawn_app().await;
    let foreign = other.csrf_from("/login").await;
    app.csrf_from("/login").await;
    let response = app
        .client
        .post("/login")
        .header(ContentType::Form)
        .body(form(&[("_csrf", &foreign), ("email", "ops@example.com"), ("password", PASSWORD)]))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Forbidden);
}

#[rocket::async_test]
async fn a_form_posted_from_another_origin_is_refused_even_with_the_token() {
    let app = spawn_app().await;
    app.user("ops@example.com", "admin").await;
    app.browser_login("ops@example.com").await;
    let csrf = app.csrf_from("/app").await;
    for (name, value) in
        [("Origin", "https://evil.example"), ("Sec-Fetch-Site", "cross-site"), ("Origin", "null")]
    {
        let response = app
            .client
            .post("/logout")
            .header(ContentType::Form)
            .header(Header::new("Host", "127.0.0.1:8000"))
            .header(Header::new(name, value))
            .body(form(&[("_csrf", &csrf)]))
            .dispatch()
            .await;
        assert_eq!(response.status(), Status::Forbidden, "{name}: {value}");
    }
    // Still signed in: none of the forged posts took effect.
    assert_eq!(app.client.get("/app").dispatch().await.status(), Status::Ok);
    let response = app
        .client
        .post("/logout")
        .header(ContentType::Form)
        .header(Header::new("Host", "127.0.0.1:8000"))
        .header(Header::new("Origin", "http://127.0.0.1:8000"))
        .header(Header::new("Sec-Fetch-Site", "same-origin"))
        .body(form(&[("_csrf", &csrf)]))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::SeeOther);
    assert_eq!(app.client.get("/app").dispatch().await.status(), Status::Unauthorized);
}

#[rocket::async_test]
async fn the_json_api_refuses_cookie_authenticated_writes_without_the_csrf_header() {
    let app = spawn_app().await;
    app.user("ops@example.com", "admin").await;
    app.browser_login("ops@example.com").await;
    let body = r#"{"email":"x@example.com","role":"admin","password":"long enough pass"}"#;
    let response =
        app.client.post("/api/v1/admin/users").header(ContentType::JSON).body(body).dispatch().await;
    assert_eq!(response.status(), Status::Forbidden);
    let csrf = app.csrf_from("/app").await;
    let response = app
        .client
        .post("/api/v1/admin/users")
        .header(ContentType::JSON)
        .header(Header::new("X-CSRF-Token", csrf))
        .body(body)
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Created);
}
