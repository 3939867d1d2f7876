//! Signing in and out, passwords and the audit trail of account changes.

use rocket::http::{ContentType, Status};

use crate::common::PASSWORD;
use crate::helpers::{bearer, form, problem, spawn_app};
use flexportal::storage;

#[rocket::async_test]
async fn stored_password_hashes_are_argon2id_with_the_required_parameters() {
    let app = spawn_app().await;
    app.user("ops@example.com", "admin").await;
    let row =
        storage::users::find_by_email(app.portal().db.conn(), "ops@example.com").await.unwrap().unwrap();
    let parsed = argon2::PasswordHash::new(&row.password_hash).unwrap();
    assert_eq!(parsed.algorithm.as_str(), "argon2id");
    let params = argon2::Params::try_from(&parsed).unwrap();
    assert!(params.m_cost() >= 19_456, "m = {}", params.m_cost());
    assert!(params.t_cost() >= 2);
    assert_eq!(params.p_cost(), 1);
    assert!(parsed.salt.is_some());
}

#[rocket::async_test]
async fn a_user_signs_in_through_the_api_and_sees_who_they_are() {
    let app = spawn_app().await;
    app.user("ops@example.com", "admin").await;
    let token = app.token("ops@example.com").await;
    let me: serde_json::Value = app.get_with_token("/api/v1/me", &token).await.into_json().await.unwrap();
    assert_eq!(me["email"], "ops@example.com");
    assert_eq!(me["role"], "admin");
    assert!(me["partner"].is_null());
}

#[rocket::async_test]
async fn ten_bad_logins_lock_that_client_out_of_the_account_with_429_and_retry_after() {
    let app = spawn_app().await;
    app.user("ops@example.com", "admin").await;
    for attempt in 1..=10 {
        let response = app.login_api("ops@example.com", "wrong password").await;
        assert_eq!(response.status(), Status::Unauthorized, "attempt {attempt}");
    }
    // Even the right password is refused from this client while it is locked out (another
    // client is not: see limits::bad_passwords_from_one_client_do_not_lock_out_another).
    let response = app.login_api("ops@example.com", PASSWORD).await;
    assert_eq!(response.status(), Status::TooManyRequests);
    let retry: u64 = response.headers().get_one("Retry-After").expect("Retry-After").parse().unwrap();
    assert!((1..=900).contains(&retry));
    let body = problem(response).await;
    assert_eq!(body["status"], 429);
}

#[rocket::async_test]
async fn unknown_user_and_wrong_password_get_identical_answers() {
    let app = spawn_app().await;
    app.user("ops@example.com", "admin").await;
    let strip = |mut body: serde_json::Value| {
        body.as_object_mut().unwrap().remove("request_id");
        body
    };
    let wrong = app.login_api("ops@example.com", "wrong password").await;
    let (wrong_status, wrong_type) = (wrong.status(), wrong.content_type());
    let wrong_body = strip(wrong.into_json().await.unwrap());
    let unknown = app.login_api("nobody@example.com", "wrong password").await;
    assert_eq!(unknown.status(), wrong_status);
    assert_eq!(unknown.content_type(), wrong_type);
    assert_eq!(strip(unknown.into_json().await.unwrap()), wrong_body);
}

#[rocket::async_test]
async fn a_token_copied_before_logout_is_refused_after_it() {
    let app = spawn_app().await;
    app.user("ops@example.com", "admin").await;
    let token = app.token("ops@example.com").await;
    assert_eq!(app.get_with_token("/api/v1/me", &token).await.status(), Status::Ok);
    let response = app.client.post("/api/v1/auth/logout").header(bearer(&token)).dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(app.get_with_token("/api/v1/me", &token).await.status(), Status::Unauthorized);
}

#[rocket::async_test]
async fn signing_in_through_the_page_sets_an_http_only_cookie_and_opens_the_workspace() {
    let app = spawn_app().await;
    app.user("ops@example.com", "admin").await;
    let response = app.browser_login("ops@example.com").await;
    assert_eq!(response.status(), Status::SeeOther);
    assert_eq!(response.headers().get_one("Location"), Some("/app"));
    let cookie =
        response.headers().get("Set-Cookie").find(|c| c.starts_with("fp_session=")).unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    let page = app.client.get("/app?lang=ja").dispatch().await;
    assert_eq!(page.status(), Status::Ok);
    assert_eq!(page.headers().get_one("Cache-Control"), Some("no-store"));
    let html = page.into_string().await.unwrap();
    assert!(html.contains("ワークスペース") && html.contains("運営者"), "Japanese workspace");
    let html = app.client.get("/app?lang=en").dispatch().await.into_string().await.unwrap();
    assert!(html.contains("Workspace") && html.contains("Operator"), "English workspace");
}

#[rocket::async_test]
async fn a_wrong_password_on_the_page_shows_the_form_again_with_a_message() {
    let app = spawn_app().await;
    app.user("ops@example.com", "admin").await;
    let csrf = crate::helpers::extract_csrf(
        &app.client.get("/login?lang=en").dispatch().await.into_string().await.unwrap(),
    );
    let response = app
        .client
        .post("/login")
        .header(ContentType::Form)
        .body(form(&[("_csrf", &csrf), ("email", "ops@example.com"), ("password", "nope")]))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Unauthorized);
    let html = response.into_string().await.unwrap();
    assert!(html.contains("The e-mail or password is not correct."));
    assert!(html.contains("value=\"ops@example.com\""), "the e-mail is kept");
}

#[rocket::async_test]
async fn sessions_end_at_their_absolute_lifetime_on_the_portal_clock() {
    let start = chrono::DateTime::parse_from_rfc3339("2026-11-26T09:00:00Z").unwrap().to_utc();
    let app = crate::helpers::spawn_app_with(crate::common::Options {
        fake_now: Some(start),
        ..Default::default()
    })
    .await;
    app.user("ops@example.com", "admin").await;
    let token = app.token("ops@example.com").await;
    assert_eq!(app.get_with_token("/api/v1/me", &token).await.status(), Status::Ok);
    app.portal().clock.set(start + chrono::Duration::minutes(61));
    assert_eq!(app.get_with_token("/api/v1/me", &token).await.status(), Status::Unauthorized);
}

#[rocket::async_test]
async fn changing_the_password_revokes_every_session() {
    let app = spawn_app().await;
    app.user("ops@example.com", "admin").await;
    let api_token = app.token("ops@example.com").await;
    app.browser_login("ops@example.com").await;
    let csrf = app.csrf_from("/account").await;
    let response = app
        .client
        .post("/account/password")
        .header(ContentType::Form)
        .body(form(&[
            ("_csrf", &csrf),
            ("current_password", PASSWORD),
            ("new_password", "a brand new passphrase"),
        ]))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(app.get_with_token("/api/v1/me", &api_token).await.status(), Status::Unauthorized);
    assert_eq!(app.client.get("/app").dispatch().await.status(), Status::Unauthorized);
    assert_eq!(app.login_api("ops@example.com", "a brand new passphrase").await.status(), Status::Ok);
}

#[rocket::async_test]
async fn the_operator_creates_users_and_every_change_is_audited() {
    let app = spawn_app().await;
    app.user("ops@example.com", "admin").await;
    let token = app.token("ops@example.com").await;
    let response = app
        .client
        .post("/api/v1/admin/users")
        .header(bearer(&token))
        .header(ContentType::JSON)
        .body(r#"{"email":"Second@Example.com","role":"admin","password":"another long passphrase"}"#)
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Created);
    let created: serde_json::Value = response.into_json().await.unwrap();
    assert_eq!(created["email"], "second@example.com");

    let audit: serde_json::Value =
        app.get_with_token("/api/v1/admin/audit", &token).await.into_json().await.unwrap();
    let actions: Vec<&str> =
        audit["items"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
    assert!(actions.contains(&"user.created"), "{actions:?}");
    assert!(actions.contains(&"login.succeeded"), "{actions:?}");
    let entry = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "user.created" && e["actor_email"] == "ops@example.com");
    assert!(entry.is_some(), "the creation names its actor");
}

#[rocket::async_test]
async fn bad_user_input_is_refused_field_by_field() {
    let app = spawn_app().await;
    app.user("ops@example.com", "admin").await;
    let token = app.token("ops@example.com").await;
    let post = |body: &'static str| {
        app.client
            .post("/api/v1/admin/users")
            .header(bearer(&token))
            .header(ContentType::JSON)
            .body(body)
            .dispatch()
    };
    let body = problem(post(r#"{"email":"not-an-email","role":"king","password":"short"}"#).await).await;
    let fields: Vec<&str> =
        body["errors"].as_array().unwrap().iter().filter_map(|e| e["field"].as_str()).collect();
    assert_eq!(fields, ["email", "role", "password"]);

    let response =
        post(r#"{"email":"a@example.com","role":"admin","password":"long enough pass","is_root":true}"#)
            .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert_eq!(problem(response).await["errors"][0]["field"], "is_root");

    let response = post(r#"{"email": 42"#).await;
    assert_eq!(response.status(), Status::UnprocessableEntity);

    let response = post(r#"{"email":"ops@example.com","role":"admin","password":"long enough pass"}"#).await;
    assert_eq!(problem(response).await["errors"][0]["code"], "taken");

    let response =
        post(r#"{"email":"p@example.com","role":"partner_sales","password":"long enough pass"}"#).await;
    assert_eq!(problem(response).await["errors"][0]["field"], "partner");
}

#[rocket::async_test]
async fn partner_staff_cannot_use_operator_endpoints() {
    let app = spawn_app().await;
    app.user("ops@example.com", "admin").await;
    let partner = crate::common::partner("exmp").create(app.portal()).await;
    crate::common::make_user(app.portal(), "sales@example.com", "partner_sales", Some(partner.id)).await;
    let token = app.token("sales@example.com").await;
    assert_eq!(app.get_with_token("/api/v1/admin/users", &token).await.status(), Status::Forbidden);
    assert_eq!(app.get_with_token("/api/v1/admin/audit", &token).await.status(), Status::Forbidden);
    let response = app.get_with_token("/admin/users", &token).await;
    assert_eq!(response.status(), Status::Forbidden);
}

#[rocket::async_test]
async fn lists_page_with_page_alone_and_refuse_a_malformed_page() {
    let app = spawn_app().await;
    app.user("ops@example.com", "admin").await;
    let token = app.token("ops@example.com").await;
    let body: serde_json::Value =
        app.get_with_token("/api/v1/admin/audit?page=2&per_page=1", &token).await.into_json().await.unwrap();
    assert_eq!((body["page"].as_u64(), body["per_page"].as_u64()), (Some(2), Some(1)));
    let body: serde_json::Value =
        app.get_with_token("/api/v1/admin/audit?page=2", &token).await.into_json().await.unwrap();
    assert_eq!((body["page"].as_u64(), body["per_page"].as_u64()), (Some(2), Some(20)));
    let response = app.get_with_token("/api/v1/admin/audit?page=abc", &token).await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
}
