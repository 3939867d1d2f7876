//! Two-step sign-in (TOTP, security rule 6): enrolling with a code computed here from the secret,
//! signing in with a code, replay, recovery codes, disabling, a partner's requirement, other
//! users, and the CSRF token on every form. The portal clock is fixed, so every code is exact.

use chrono::{DateTime, Duration, Utc};
use rocket::http::{ContentType, Header, Status};
use rocket::local::asynchronous::LocalResponse;
use serde_json::{Value, json};

use crate::common::{Options, PASSWORD, make_user, partner};
use crate::helpers::{TestApp, bearer, extract_csrf, form, problem, spawn_app_with};

fn now() -> DateTime<Utc> {
    "2026-11-30T12:00:10Z".parse().unwrap()
}

async fn app_at_fixed_time() -> TestApp {
    spawn_app_with(Options { fake_now: Some(now()), ..Default::default() }).await
}

/// The code an authenticator app holding `secret` shows at `at`.
fn code_at(secret: &str, at: DateTime<Utc>) -> String {
    let secret = totp_rs::Secret::try_from_base32(secret).unwrap();
    let totp = totp_rs::Builder::new().with_secret(secret).build().unwrap();
    totp.generate(at.timestamp() as u64).to_string()
}

/// The code of the next time step: accepted once (±1 step of skew), after the current one is spent.
fn next_code(secret: &str) -> String {
    code_at(secret, now() + Duration::seconds(30))
}

async fn post_json<'a>(app: &'a TestApp, path: &str, token: &str, body: Value) -> LocalResponse<'a> {
    app.client
        .post(path.to_owned())
        .header(bearer(token))
        .header(ContentType::JSON)
        .body(body.to_string())
        .dispatch()
        .await
}

async fn login_with<'a>(
    app: &'a TestApp,
    email: &str,
    password: &str,
    otp: Option<&str>,
) -> LocalResponse<'a> {
    let mut body = json!({ "email": email, "password": password });
    if let Some(otp) = otp {
        body["otp"] = json!(otp);
    }
    app.client.post("/api/v1/auth/token").header(ContentType::JSON).body(body.to_string()).dispatch().await
}

/// Enables TOTP for a signed-in user with a code for the current step; returns the secret and the
/// recovery codes.
async fn enable(app: &TestApp, token: &str) -> (String, Vec<String>) {
    let response = post_json(app, "/api/v1/me/totp", token, json!({})).await;
    assert_eq!(response.status(), Status::Ok);
    let enrollment: Value = response.into_json().await.unwrap();
    let secret = enrollment["secret"].as_str().unwrap().to_owned();
    let url = enrollment["otpauth_url"].as_str().unwrap();
    assert!(url.starts_with("otpauth://totp/") && url.contains(&format!("secret={secret}")), "{url}");
    let response =
        post_json(app, "/api/v1/me/totp/confirm", token, json!({ "code": code_at(&secret, now()) })).await;
    assert_eq!(response.status(), Status::Ok);
    let enabled: Value = response.into_json().await.unwrap();
    let codes: Vec<String> = enabled["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    (secret, codes)
}

fn otp_error(body: &Value) -> &str {
    body["errors"][0]["code"].as_str().unwrap_or_default()
}

#[rocket::async_test]
async fn after_enabling_totp_a_token_needs_a_code_from_the_secret() {
    let app = app_at_fixed_time().await;
    app.user("ops@example.com", "admin").await;
    let token = app.token("ops@example.com").await;
    let (secret, codes) = enable(&app, &token).await;
    assert_eq!(codes.len(), 10);

    let response = login_with(&app, "ops@example.com", PASSWORD, None).await;
    assert_eq!(response.status(), Status::Unauthorized);
    let body = problem(response).await;
    assert_eq!(otp_error(&body), "otp_required");
    assert_eq!(body["errors"][0]["field"], "otp");
    assert!(body.get("access_token").is_none());

    let response = login_with(&app, "ops@example.com", PASSWORD, Some(&next_code(&secret))).await;
    assert_eq!(response.status(), Status::Ok);
    let token: Value = response.into_json().await.unwrap();
    let me = app.get_with_token("/api/v1/me", token["access_token"].as_str().unwrap()).await;
    assert_eq!(me.status(), Status::Ok);
}

#[rocket::async_test]
async fn a_code_that_was_used_once_cannot_be_replayed() {
    let app = app_at_fixed_time().await;
    app.user("ops@example.com", "admin").await;
    let token = app.token("ops@example.com").await;
    let (secret, _) = enable(&app, &token).await;
    // The code that confirmed the secret is spent already.
    let response = login_with(&app, "ops@example.com", PASSWORD, Some(&code_at(&secret, now()))).await;
    assert_eq!(response.status(), Status::Unauthorized);
    assert_eq!(otp_error(&problem(response).await), "otp_invalid");

    let code = next_code(&secret);
    assert_eq!(login_with(&app, "ops@example.com", PASSWORD, Some(&code)).await.status(), Status::Ok);
    let replay = login_with(&app, "ops@example.com", PASSWORD, Some(&code)).await;
    assert_eq!(replay.status(), Status::Unauthorized);
    assert_eq!(otp_error(&problem(replay).await), "otp_invalid");
}

#[rocket::async_test]
async fn a_wrong_code_and_a_wrong_password_with_a_right_code_get_the_same_answer() {
    let app = app_at_fixed_time().await;
    app.user("ops@example.com", "admin").await;
    let token = app.token("ops@example.com").await;
    let (secret, _) = enable(&app, &token).await;
    let strip = |mut body: Value| {
        body.as_object_mut().unwrap().remove("request_id");
        body
    };
    // A code from far outside the ±1 step window is wrong.
    let stale = code_at(&secret, now() - Duration::minutes(10));
    let wrong_code = login_with(&app, "ops@example.com", PASSWORD, Some(&stale)).await;
    assert_eq!(wrong_code.status(), Status::Unauthorized);
    let wrong_code = strip(problem(wrong_code).await);
    let wrong_password =
        login_with(&app, "ops@example.com", "not the password", Some(&next_code(&secret))).await;
    assert_eq!(wrong_password.status(), Status::Unauthorized);
    assert_eq!(strip(problem(wrong_password).await), wrong_code);
    let unknown = login_with(&app, "nobody@example.com", PASSWORD, Some("123456")).await;
    assert_eq!(strip(problem(unknown).await), wrong_code);
    // The code sent with a wrong password was not spent.
    let response = login_with(&app, "ops@example.com", PASSWORD, Some(&next_code(&secret))).await;
    assert_eq!(response.status(), Status::Ok);
}

#[rocket::async_test]
async fn a_recovery_code_signs_in_once_and_is_audited() {
    let app = app_at_fixed_time().await;
    app.user("ops@example.com", "admin").await;
    let token = app.token("ops@example.com").await;
    let (_, codes) = enable(&app, &token).await;
    let response = login_with(&app, "ops@example.com", PASSWORD, Some(&codes[3].to_uppercase())).await;
    assert_eq!(response.status(), Status::Ok);
    let again = login_with(&app, "ops@example.com", PASSWORD, Some(&codes[3])).await;
    assert_eq!(again.status(), Status::Unauthorized);
    let fresh: Value = response.into_json().await.unwrap();
    let fresh = fresh["access_token"].as_str().unwrap();
    let status: Value = app.get_with_token("/api/v1/me/totp", fresh).await.into_json().await.unwrap();
    assert_eq!(status["enabled"], true);
    assert_eq!(status["recovery_codes_left"], 9);
    let audit: Value = app.get_with_token("/api/v1/admin/audit", fresh).await.into_json().await.unwrap();
    let actions: Vec<&str> =
        audit["items"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
    assert!(actions.contains(&"totp.enabled"), "{actions:?}");
    assert!(actions.contains(&"totp.recovery_code_used"), "{actions:?}");
    assert!(actions.contains(&"login.code_failed"), "the refused second use is recorded: {actions:?}");
    assert!(!audit.to_string().contains(&codes[3]), "recovery codes stay out of the audit log");
}

#[rocket::async_test]
async fn confirming_needs_the_right_code_and_the_secret_is_never_shown_again() {
    let app = app_at_fixed_time().await;
    app.user("ops@example.com", "admin").await;
    let token = app.token("ops@example.com").await;
    let enrollment: Value =
        post_json(&app, "/api/v1/me/totp", &token, json!({})).await.into_json().await.unwrap();
    let secret = enrollment["secret"].as_str().unwrap().to_owned();
    // Pending is not yet required at sign-in.
    assert_eq!(login_with(&app, "ops@example.com", PASSWORD, None).await.status(), Status::Ok);

    for bad in [json!({ "code": "000000" }), json!({ "code": "" }), json!({ "code": "x".repeat(5000) })] {
        let response = post_json(&app, "/api/v1/me/totp/confirm", &token, bad).await;
        assert_eq!(response.status(), Status::UnprocessableEntity);
        assert_eq!(problem(response).await["errors"][0]["field"], "code");
    }
    let response = post_json(&app, "/api/v1/me/totp/confirm", &token, json!({ "otp": "1" })).await;
    assert_eq!(response.status(), Status::UnprocessableEntity);

    post_json(&app, "/api/v1/me/totp/confirm", &token, json!({ "code": code_at(&secret, now()) })).await;
    let status: Value = app.get_with_token("/api/v1/me/totp", &token).await.into_json().await.unwrap();
    assert_eq!(status["enabled"], true);
    assert!(!status.to_string().contains(&secret));
    let again = post_json(&app, "/api/v1/me/totp", &token, json!({})).await;
    assert_eq!(again.status(), Status::Conflict);
    assert!(!problem(again).await.to_string().contains(&secret));
    let confirm_again =
        post_json(&app, "/api/v1/me/totp/confirm", &token, json!({ "code": next_code(&secret) })).await;
    assert_eq!(confirm_again.status(), Status::Conflict);
}

#[rocket::async_test]
async fn the_secret_is_stored_sealed_not_in_the_clear() {
    use sea_orm::{ConnectionTrait, Statement};
    let app = app_at_fixed_time().await;
    app.user("ops@example.com", "admin").await;
    let token = app.token("ops@example.com").await;
    let (secret, codes) = enable(&app, &token).await;
    let db = app.portal().db.conn();
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(Statement::from_string(backend, "SELECT secret_sealed FROM user_totp"))
        .await
        .unwrap();
    let sealed: String = rows[0].try_get("", "secret_sealed").unwrap();
    assert!(!sealed.contains(&secret));
    let decoded = totp_rs::Secret::try_from_base32(&secret).unwrap();
    let b64 = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, decoded.as_bytes());
    assert!(!sealed.contains(&b64));
    let hashes = db
        .query_all_raw(Statement::from_string(backend, "SELECT code_hash FROM user_recovery_codes"))
        .await
        .unwrap();
    assert_eq!(hashes.len(), 10);
    for row in hashes {
        let hash: String = row.try_get("", "code_hash").unwrap();
        assert!(codes.iter().all(|c| !hash.contains(&c.replace('-', ""))));
    }
}

#[rocket::async_test]
async fn disabling_needs_the_password_and_a_current_code() {
    let app = app_at_fixed_time().await;
    app.user("ops@example.com", "admin").await;
    let token = app.token("ops@example.com").await;
    let (secret, _) = enable(&app, &token).await;
    let code = next_code(&secret);

    let response =
        post_json(&app, "/api/v1/me/totp/disable", &token, json!({ "password": "wrong", "code": code }))
            .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert_eq!(problem(response).await["errors"][0]["field"], "password");
    let response =
        post_json(&app, "/api/v1/me/totp/disable", &token, json!({ "password": PASSWORD, "code": "123456" }))
            .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert_eq!(problem(response).await["errors"][0]["field"], "code");
    let response = post_json(&app, "/api/v1/me/totp/disable", &token, json!({ "password": PASSWORD })).await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert_eq!(login_with(&app, "ops@example.com", PASSWORD, None).await.status(), Status::Unauthorized);

    let response =
        post_json(&app, "/api/v1/me/totp/disable", &token, json!({ "password": PASSWORD, "code": code }))
            .await;
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(login_with(&app, "ops@example.com", PASSWORD, None).await.status(), Status::Ok);
    let audit: Value = app.get_with_token("/api/v1/admin/audit", &token).await.into_json().await.unwrap();
    assert!(audit.to_string().contains("totp.disabled"));
}

#[rocket::async_test]
async fn wrong_codes_are_rate_limited_like_passwords() {
    let app = app_at_fixed_time().await;
    app.user("ops@example.com", "admin").await;
    let token = app.token("ops@example.com").await;
    let (secret, _) = enable(&app, &token).await;
    for attempt in 1..=10 {
        let response = login_with(&app, "ops@example.com", PASSWORD, Some("000000")).await;
        assert_eq!(response.status(), Status::Unauthorized, "attempt {attempt}");
    }
    let response = login_with(&app, "ops@example.com", PASSWORD, Some(&next_code(&secret))).await;
    assert_eq!(response.status(), Status::TooManyRequests);
    assert!(response.headers().get_one("Retry-After").is_some());
}

#[rocket::async_test]
async fn another_users_totp_cannot_be_touched() {
    let app = app_at_fixed_time().await;
    app.user("alice@example.com", "admin").await;
    app.user("bob@example.com", "admin").await;
    let alice = app.token("alice@example.com").await;
    let bob = app.token("bob@example.com").await;
    let (secret, codes) = enable(&app, &alice).await;

    // Bob's requests act on Bob only, whatever he sends.
    let response = post_json(
        &app,
        "/api/v1/me/totp/disable",
        &bob,
        json!({ "password": PASSWORD, "code": next_code(&secret) }),
    )
    .await;
    assert_eq!(response.status(), Status::Conflict);
    let response =
        post_json(&app, "/api/v1/me/totp/confirm", &bob, json!({ "code": next_code(&secret) })).await;
    assert_eq!(response.status(), Status::Conflict);
    let response = post_json(
        &app,
        "/api/v1/me/totp/disable",
        &bob,
        json!({ "password": PASSWORD, "code": codes[0], "user_id": "x" }),
    )
    .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let bob_status: Value = app.get_with_token("/api/v1/me/totp", &bob).await.into_json().await.unwrap();
    assert_eq!(bob_status["enabled"], false);
    // Alice still needs her code, and her codes were not spent.
    assert_eq!(login_with(&app, "alice@example.com", PASSWORD, None).await.status(), Status::Unauthorized);
    let response = login_with(&app, "alice@example.com", PASSWORD, Some(&next_code(&secret))).await;
    assert_eq!(response.status(), Status::Ok);
    // Bob's code-free sign-in is unaffected.
    assert_eq!(login_with(&app, "bob@example.com", PASSWORD, None).await.status(), Status::Ok);
}

#[rocket::async_test]
async fn a_partner_admin_can_require_totp_and_staff_without_it_must_enable_it_first() {
    let app = app_at_fixed_time().await;
    let exmp = partner("exmp").create(app.portal()).await;
    let other = partner("other").create(app.portal()).await;
    make_user(app.portal(), "admin@exmp.example", "partner_admin", Some(exmp.id)).await;
    make_user(app.portal(), "sales@exmp.example", "partner_sales", Some(exmp.id)).await;
    make_user(app.portal(), "sales@other.example", "partner_sales", Some(other.id)).await;
    let admin = app.token("admin@exmp.example").await;
    let sales = app.token("sales@exmp.example").await;
    let outsider = app.token("sales@other.example").await;

    // Sales staff cannot change the requirement; bad input names the field.
    let put = |token: String, body: Value| {
        let client = &app.client;
        async move {
            client
                .put("/api/v1/partner/totp-policy")
                .header(bearer(&token))
                .header(ContentType::JSON)
                .body(body.to_string())
                .dispatch()
                .await
        }
    };
    assert_eq!(put(sales.clone(), json!({ "required": true })).await.status(), Status::Forbidden);
    let response = put(admin.clone(), json!({ "required": "yes" })).await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert_eq!(problem(response).await["errors"][0]["field"], "required");
    assert_eq!(app.get_with_token("/api/v1/quotes", &sales).await.status(), Status::Ok);

    let response = put(admin.clone(), json!({ "required": true })).await;
    assert_eq!(response.status(), Status::Ok);

    // Now staff without TOTP (the admin too) can only see who they are and set it up.
    let response = app.get_with_token("/api/v1/quotes", &sales).await;
    assert_eq!(response.status(), Status::Forbidden);
    let body = problem(response).await;
    assert_eq!(body["errors"][0]["code"], "totp_required");
    assert!(body["detail"].as_str().unwrap().contains("2段階認証"), "{body}");
    assert_eq!(app.get_with_token("/api/v1/customers", &admin).await.status(), Status::Forbidden);
    assert_eq!(app.get_with_token("/api/v1/me", &sales).await.status(), Status::Ok);
    // The admin can still see (and undo) the requirement.
    let policy: Value =
        app.get_with_token("/api/v1/partner/totp-policy", &admin).await.into_json().await.unwrap();
    assert_eq!(policy["required"], true);
    // Another partner's staff are not affected.
    assert_eq!(app.get_with_token("/api/v1/quotes", &outsider).await.status(), Status::Ok);

    enable(&app, &sales).await;
    assert_eq!(app.get_with_token("/api/v1/quotes", &sales).await.status(), Status::Ok);
    assert_eq!(app.get_with_token("/api/v1/quotes", &admin).await.status(), Status::Forbidden);
}

#[rocket::async_test]
async fn a_staff_member_who_must_enable_totp_is_sent_to_set_it_up_from_any_page() {
    let app = app_at_fixed_time().await;
    let exmp = partner("exmp").create(app.portal()).await;
    make_user(app.portal(), "sales@exmp.example", "partner_sales", Some(exmp.id)).await;
    make_user(app.portal(), "admin@exmp.example", "partner_admin", Some(exmp.id)).await;
    // The partner admin ticks the box on their account page.
    app.browser_login("admin@exmp.example").await;
    let page = app.client.get("/account?lang=en").dispatch().await.into_string().await.unwrap();
    assert!(page.contains("id=\"totp-policy-required\""));
    let csrf = extract_csrf(&page);
    let response = app
        .client
        .post("/account/totp-policy")
        .header(ContentType::Form)
        .body(form(&[("_csrf", &csrf), ("required", "true")]))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    let csrf = extract_csrf(&response.into_string().await.unwrap());
    app.client.post("/logout").header(ContentType::Form).body(form(&[("_csrf", &csrf)])).dispatch().await;

    app.browser_login("sales@exmp.example").await;
    let response = app.client.get("/app/quotes").dispatch().await;
    assert_eq!(response.status(), Status::SeeOther);
    assert_eq!(response.headers().get_one("Location"), Some("/account/totp"));
    let page = app.client.get("/account/totp?lang=ja").dispatch().await.into_string().await.unwrap();
    assert!(page.contains("販売店では2段階認証が必須です"), "{page}");
}

/// Sets up TOTP through the account pages and returns the secret and the recovery codes.
async fn enable_through_pages(app: &TestApp) -> (String, Vec<String>) {
    let page = app.client.get("/account/totp?lang=en").dispatch().await.into_string().await.unwrap();
    let csrf = extract_csrf(&page);
    let response = app
        .client
        .post("/account/totp")
        .header(ContentType::Form)
        .body(form(&[("_csrf", &csrf)]))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::SeeOther);
    let page = app.client.get("/account/totp?lang=en").dispatch().await.into_string().await.unwrap();
    assert!(page.contains("<svg"), "the QR code is drawn in the page");
    assert!(!page.contains("<script"), "no scripts");
    let secret = page.split("id=\"totp-secret\">").nth(1).unwrap().split('<').next().unwrap().to_owned();
    let response = app
        .client
        .post("/account/totp/confirm")
        .header(ContentType::Form)
        .body(form(&[("_csrf", &csrf), ("code", "000000")]))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let response = app
        .client
        .post("/account/totp/confirm")
        .header(ContentType::Form)
        .body(form(&[("_csrf", &csrf), ("code", &code_at(&secret, now()))]))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    let page = response.into_string().await.unwrap();
    let codes: Vec<String> =
        page.split("<li><code>").skip(1).map(|c| c.split('<').next().unwrap().to_owned()).collect();
    assert_eq!(codes.len(), 10);
    (secret, codes)
}

#[rocket::async_test]
async fn the_login_page_asks_for_the_code_in_a_second_step_that_is_not_a_session() {
    let app = app_at_fixed_time().await;
    app.user("ops@example.com", "admin").await;
    app.browser_login("ops@example.com").await;
    let (secret, _) = enable_through_pages(&app).await;
    let csrf = extract_csrf(&app.client.get("/account").dispatch().await.into_string().await.unwrap());
    app.client.post("/logout").header(ContentType::Form).body(form(&[("_csrf", &csrf)])).dispatch().await;

    let response = app.browser_login("ops@example.com").await;
    assert_eq!(response.status(), Status::Ok);
    let page = response.into_string().await.unwrap();
    assert!(page.contains("action=\"/login/code\""));
    let pending =
        page.split("name=\"pending\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    // Half signed in is not signed in: no session cookie, and the pending token opens nothing.
    assert!(app.client.cookies().get("fp_session").is_none_or(|c| c.value().is_empty()));
    assert_eq!(app.client.get("/app").dispatch().await.status(), Status::Unauthorized);
    assert_eq!(app.get_with_token("/api/v1/me", &pending).await.status(), Status::Unauthorized);

    let csrf = extract_csrf(&page);
    let response = app
        .client
        .post("/login/code")
        .header(ContentType::Form)
        .body(form(&[("_csrf", &csrf), ("pending", &pending), ("code", "000000")]))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Unauthorized);
    assert!(response.into_string().await.unwrap().contains("id=\"login-error\""));
    let response = app
        .client
        .post("/login/code")
        .header(ContentType::Form)
        .body(form(&[("_csrf", &csrf), ("pending", "forged"), ("code", &next_code(&secret))]))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Unauthorized);
    let response = app
        .client
        .post("/login/code")
        .header(ContentType::Form)
        .body(form(&[("_csrf", &csrf), ("pending", &pending), ("code", &next_code(&secret))]))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::SeeOther);
    assert_eq!(response.headers().get_one("Location"), Some("/app"));
    assert_eq!(app.client.get("/app").dispatch().await.status(), Status::Ok);
}

#[rocket::async_test]
async fn the_totp_forms_and_api_refuse_cookie_posts_without_the_csrf_token() {
    let app = app_at_fixed_time().await;
    app.user("ops@example.com", "admin").await;
    app.browser_login("ops@example.com").await;
    for path in ["/account/totp", "/account/totp/confirm", "/account/totp/disable", "/login/code"] {
        let response = app
            .client
            .post(path)
            .header(ContentType::Form)
            .body(form(&[("code", "123456")]))
            .dispatch()
            .await;
        assert_eq!(response.status(), Status::Forbidden, "{path}");
    }
    let response = app.client.post("/api/v1/me/totp").header(ContentType::JSON).body("{}").dispatch().await;
    assert_eq!(response.status(), Status::Forbidden);
    let cross_site = app
        .client
        .post("/account/totp")
        .header(ContentType::Form)
        .header(Header::new("Sec-Fetch-Site", "cross-site"))
        .body(form(&[(
            "_csrf",
            &extract_csrf(&app.client.get("/account").dispatch().await.into_string().await.unwrap()),
        )]))
        .dispatch()
        .await;
    assert_eq!(cross_site.status(), Status::Forbidden);
    // Nothing was started.
    let page = app.client.get("/account/totp").dispatch().await.into_string().await.unwrap();
    assert!(!page.contains("id=\"totp-secret\""));
}

#[rocket::async_test]
async fn disabling_on_the_account_page_names_the_wrong_field() {
    let app = app_at_fixed_time().await;
    app.user("ops@example.com", "admin").await;
    app.browser_login("ops@example.com").await;
    let (secret, _) = enable_through_pages(&app).await;
    let page = app.client.get("/account?lang=en").dispatch().await.into_string().await.unwrap();
    assert!(page.contains("Recovery codes left: 10"), "{page}");
    let csrf = extract_csrf(&page);
    let response = app
        .client
        .post("/account/totp/disable?lang=en")
        .header(ContentType::Form)
        .body(form(&[("_csrf", &csrf), ("password", "wrong"), ("code", &next_code(&secret))]))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert!(response.into_string().await.unwrap().contains("The password is wrong."));
    let response = app
        .client
        .post("/account/totp/disable?lang=ja")
        .header(ContentType::Form)
        .body(form(&[("_csrf", &csrf), ("password", PASSWORD), ("code", &next_code(&secret))]))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    assert!(response.into_string().await.unwrap().contains("2段階認証を無効にしました"));
}

#[rocket::async_test]
async fn switching_language_on_the_code_step_returns_to_the_password_form() {
    let app = app_at_fixed_time().await;
    let response = app.client.get("/login/code?lang=en").dispatch().await;
    assert_eq!(response.status(), Status::SeeOther);
    assert_eq!(response.headers().get_one("Location"), Some("/login"));
}

#[rocket::async_test]
async fn a_refused_password_change_still_shows_the_account_page_of_a_user_with_totp() {
    let app = app_at_fixed_time().await;
    app.user("ops@example.com", "admin").await;
    app.browser_login("ops@example.com").await;
    enable_through_pages(&app).await;
    let csrf =
        extract_csrf(&app.client.get("/account?lang=en").dispatch().await.into_string().await.unwrap());
    let response = app
        .client
        .post("/account/password")
        .header(ContentType::Form)
        .body(form(&[("_csrf", &csrf), ("current_password", "wrong"), ("new_password", "short")]))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let page = response.into_string().await.unwrap();
    assert!(page.contains("Recovery codes left: 10"), "{page}");
}
