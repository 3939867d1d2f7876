//! Limits that keep an attacker from exhausting the portal or locking others out: bounded sign-in
//! input, lockout per client, the client address behind proxies, password changes, document
//! verification, `/metrics` and the session's last-seen write.

use std::net::SocketAddr;

use rocket::http::{ContentType, Header, Status};
use rocket::local::asynchronous::LocalResponse;
use sea_orm::{ConnectionTrait, Statement};

use crate::common::{Options, PASSWORD};
use crate::helpers::{TestApp, bearer, form, problem, spawn_app, spawn_app_with};

fn addr(text: &str) -> SocketAddr {
    text.parse().unwrap()
}

fn with(extra: &[(&'static str, serde_json::Value)]) -> Options {
    Options { extra: extra.to_vec(), ..Default::default() }
}

async fn login_from<'a>(app: &'a TestApp, from: &str, email: &str, password: &str) -> LocalResponse<'a> {
    app.client
        .post("/api/v1/auth/token")
        .remote(addr(from))
        .header(ContentType::JSON)
        .body(serde_json::json!({ "email": email, "password": password }).to_string())
        .dispatch()
        .await
}

/// (rows, longest detail in bytes) of the audit log for `action`.
async fn audit_rows(app: &TestApp, action: &str) -> (i64, i64) {
    let db = app.portal().db.conn();
    let sql = format!(
        "SELECT COUNT(*) AS n, COALESCE(MAX(LENGTH(detail)), 0) AS longest FROM audit_log WHERE action = '{action}'"
    );
    let row =
        db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap().unwrap();
    let n: i64 = row.try_get("", "n").unwrap();
    let longest: i64 =
        row.try_get("", "longest").unwrap_or_else(|_| i64::from(row.try_get::<i32>("", "longest").unwrap()));
    (n, longest)
}

async fn audit_details(app: &TestApp, action: &str) -> Vec<(String, Option<String>)> {
    let db = app.portal().db.conn();
    let sql = format!("SELECT detail, client_ip FROM audit_log WHERE action = '{action}'");
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .into_iter()
        .map(|row| (row.try_get("", "detail").unwrap(), row.try_get("", "client_ip").unwrap()))
        .collect()
}

#[rocket::async_test]
async fn a_flood_of_huge_e_mails_leaves_the_limiter_and_the_audit_log_bounded() {
    let app = spawn_app().await;
    let padding = "x".repeat(20_000);
    for i in 0..1_000u32 {
        // A thousand clients, so that no per-client limit hides what each attempt would keep.
        let from = format!("10.{}.{}.1:4000", i / 256, i % 256);
        let email = format!("{i}{padding}@example.com");
        let response = login_from(&app, &from, &email, "whatever").await;
        assert_eq!(response.status(), Status::UnprocessableEntity, "attempt {i}");
        let body = problem(response).await;
        assert_eq!(body["errors"][0]["field"], "email");
        assert_eq!(body["errors"][0]["code"], "too_long");
    }
    let limiter = &app.portal().limiter;
    assert!(limiter.len() <= 10, "the limiter tracks {} keys", limiter.len());
    assert!(limiter.key_bytes() <= 10 * 200, "the limiter keys hold {} bytes", limiter.key_bytes());
    let (rows, longest) = audit_rows(&app, "login.failed").await;
    assert_eq!(rows, 0, "an e-mail no account can have is refused before the audit log");
    assert_eq!(longest, 0);
}

#[rocket::async_test]
async fn the_login_page_refuses_an_over_long_e_mail_by_name_without_echoing_it() {
    let app = spawn_app().await;
    let csrf = app.csrf_from("/login").await;
    let email = format!("{}@example.com", "y".repeat(30_000));
    let response = app
        .client
        .post("/login")
        .header(ContentType::Form)
        .body(form(&[("_csrf", &csrf), ("email", &email), ("password", "whatever")]))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let html = response.into_string().await.unwrap();
    assert!(html.contains("メールアドレスは254文字以内です。"), "the message names the e-mail field");
    assert!(!html.contains("yyyyyyyyyy"), "the over-long e-mail is not echoed back");
    assert_eq!(audit_rows(&app, "login.failed").await.0, 0);
}

#[rocket::async_test]
async fn failed_logins_audit_a_plausible_e_mail_as_text_and_anything_else_as_a_short_hash() {
    let app = spawn_app().await;
    let hostile = "<img src=x onerror=alert(1)> DROP TABLE users;";
    assert_eq!(login_from(&app, "192.0.2.1:1", hostile, "wrong").await.status(), Status::Unauthorized);
    assert_eq!(
        login_from(&app, "192.0.2.1:1", "nobody@example.com", "wrong").await.status(),
        Status::Unauthorized
    );
    let details = audit_details(&app, "login.failed").await;
    assert_eq!(details.len(), 2);
    let hashed = details.iter().find(|(d, _)| d.contains("email_sha256")).expect("a hashed entry");
    assert!(!hashed.0.contains("onerror") && !hashed.0.contains("DROP"), "{}", hashed.0);
    let hash: serde_json::Value = serde_json::from_str(&hashed.0).unwrap();
    assert_eq!(hash["email_sha256"].as_str().map(str::len), Some(16));
    assert!(details.iter().any(|(d, _)| d.contains("nobody@example.com")));
    let (_, longest) = audit_rows(&app, "login.failed").await;
    assert!(longest < 100, "audit details stay short ({longest} bytes)");
}

#[rocket::async_test]
async fn bad_passwords_from_one_client_do_not_lock_out_another() {
    let app = spawn_app().await;
    app.user("ops@example.com", "admin").await;
    let attacker = "198.51.100.66:5000";
    for attempt in 1..=10 {
        let response = login_from(&app, attacker, "ops@example.com", "wrong password").await;
        assert_eq!(response.status(), Status::Unauthorized, "attempt {attempt}");
    }
    for _ in 0..2 {
        let response = login_from(&app, attacker, "ops@example.com", "wrong password").await;
        assert_eq!(response.status(), Status::TooManyRequests);
        let retry: u64 = response.headers().get_one("Retry-After").expect("Retry-After").parse().unwrap();
        assert!((1..=900).contains(&retry));
    }
    // The attacker is refused even with the right password…
    let response = login_from(&app, attacker, "ops@example.com", PASSWORD).await;
    assert_eq!(response.status(), Status::TooManyRequests);
    // …while the owner, on another connection, signs in (slowed down a little, never locked out).
    let response = login_from(&app, "203.0.113.10:6000", "ops@example.com", PASSWORD).await;
    assert_eq!(response.status(), Status::Ok);
    let body: serde_json::Value = response.into_json().await.unwrap();
    assert!(body["access_token"].as_str().is_some_and(|t| !t.is_empty()));
}

#[rocket::async_test]
async fn behind_a_proxy_the_client_is_the_address_the_proxy_added_not_a_spoofed_one() {
    let app = spawn_app_with(with(&[
        ("client_ip_header", "X-Forwarded-For".into()),
        ("client_ip_trusted_hops", 1.into()),
        ("login_attempts_per_client_per_minute", 3.into()),
    ]))
    .await;
    let attempt = |i: u32| {
        app.client
            .post("/api/v1/auth/token")
            .remote(addr("10.0.0.1:443"))
            // The client writes any address it likes on the left; the proxy appends the real one.
            .header(Header::new("X-Forwarded-For", format!("6.6.6.{i}, 203.0.113.7")))
            .header(ContentType::JSON)
            .body(
                serde_json::json!({ "email": format!("user{i}@example.com"), "password": "wrong" })
                    .to_string(),
            )
            .dispatch()
    };
    for i in 0..3 {
        assert_eq!(attempt(i).await.status(), Status::Unauthorized, "attempt {i}");
    }
    let response = attempt(3).await;
    assert_eq!(response.status(), Status::TooManyRequests, "a spoofed left entry is not a new client");
    assert!(response.headers().get_one("Retry-After").is_some());
    let ips: Vec<_> = audit_details(&app, "login.failed").await.into_iter().map(|(_, ip)| ip).collect();
    assert_eq!(ips.len(), 3);
    assert!(ips.iter().all(|ip| ip.as_deref() == Some("203.0.113.7")), "{ips:?}");
}

#[rocket::async_test]
async fn ipv6_clients_share_one_limit_across_their_slash_64() {
    let app = spawn_app_with(with(&[("login_attempts_per_client_per_minute", 3.into())])).await;
    for (i, from) in
        ["[2001:db8:1:2::1]:1", "[2001:db8:1:2::2]:1", "[2001:db8:1:2:ffff::3]:1"].iter().enumerate()
    {
        let response = login_from(&app, from, &format!("user{i}@example.com"), "wrong").await;
        assert_eq!(response.status(), Status::Unauthorized, "{from}");
    }
    let response =
        login_from(&app, "[2001:db8:1:2:aaaa:bbbb:cccc:dddd]:1", "user9@example.com", "wrong").await;
    assert_eq!(
        response.status(),
        Status::TooManyRequests,
        "a new address in the same /64 is the same client"
    );
    let response = login_from(&app, "[2001:db8:1:3::1]:1", "user9@example.com", "wrong").await;
    assert_eq!(response.status(), Status::Unauthorized, "the next /64 is another client");
}

async fn change_password<'a>(app: &'a TestApp, from: &str, current: &str) -> LocalResponse<'a> {
    let csrf = app.csrf_from("/account").await;
    app.client
        .post("/account/password")
        .remote(addr(from))
        .header(ContentType::Form)
        .body(form(&[
            ("_csrf", &csrf),
            ("current_password", current),
            ("new_password", "a brand new passphrase"),
        ]))
        .dispatch()
        .await
}

#[rocket::async_test]
async fn password_changes_are_limited_per_user_and_client_with_429_and_retry_after() {
    let app = spawn_app_with(with(&[("password_changes_per_hour", 3.into())])).await;
    app.user("ops@example.com", "admin").await;
    app.user("other@example.com", "admin").await;
    app.browser_login("ops@example.com").await;
    for attempt in 1..=3 {
        let response = change_password(&app, "192.0.2.10:1", "not my password").await;
        assert_eq!(response.status(), Status::UnprocessableEntity, "attempt {attempt}");
    }
    let response = change_password(&app, "192.0.2.10:1", PASSWORD).await;
    assert_eq!(response.status(), Status::TooManyRequests, "even the right password waits");
    assert!(response.headers().get_one("Retry-After").is_some_and(|s| s.parse::<u64>().is_ok()));
    let html = response.into_string().await.unwrap();
    assert!(html.contains("リクエストが多すぎます"), "a clear page in Japanese");
    // The same user from another client is still limited (per user)…
    let response = change_password(&app, "192.0.2.99:1", PASSWORD).await;
    assert_eq!(response.status(), Status::TooManyRequests);
    // …and the password was not changed by any of it.
    assert_eq!(login_from(&app, "192.0.2.50:1", "ops@example.com", PASSWORD).await.status(), Status::Ok);
    // Another user on another client is not affected.
    app.browser_login("other@example.com").await;
    let response = change_password(&app, "192.0.2.11:1", "not my password").await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
}

#[rocket::async_test]
async fn document_verification_is_limited_per_client_on_the_page_and_the_api() {
    let app = spawn_app_with(with(&[("verify_lookups_per_client_per_minute", 3.into())])).await;
    let from = addr("192.0.2.20:1");
    for _ in 0..3 {
        let response = app.client.get("/verify/NOPE").remote(from).dispatch().await;
        assert_eq!(response.status(), Status::NotFound);
    }
    let response = app.client.get("/verify/NOPE").remote(from).dispatch().await;
    assert_eq!(response.status(), Status::TooManyRequests);
    assert!(response.headers().get_one("Retry-After").is_some_and(|s| s.parse::<u64>().is_ok()));
    let html = response.into_string().await.unwrap();
    assert!(html.contains("短時間に多くの書類が照会されました"), "{html}");
    let html =
        app.client.get("/verify/NOPE?lang=en").remote(from).dispatch().await.into_string().await.unwrap();
    assert!(html.contains("Too many documents were looked up"), "{html}");
    let response = app.client.get("/api/v1/verify/NOPE").remote(from).dispatch().await;
    assert_eq!(response.status(), Status::TooManyRequests);
    assert!(response.headers().get_one("Retry-After").is_some());
    assert_eq!(problem(response).await["status"], 429);
    // Another client still looks documents up.
    let other = addr("192.0.2.21:1");
    assert_eq!(
        app.client.get("/api/v1/verify/NOPE").remote(other).dispatch().await.status(),
        Status::NotFound
    );
}

#[rocket::async_test]
async fn metrics_need_the_configured_bearer_token_in_production() {
    let production = |extra: &[(&'static str, serde_json::Value)]| Options {
        profile: Some(flexportal::config::Profile::Production),
        extra: extra.to_vec(),
        ..Default::default()
    };
    let app = spawn_app_with(production(&[("metrics_token", "scrape-me-0123456789".into())])).await;
    let response = app.client.get("/metrics").dispatch().await;
    assert_eq!(response.status(), Status::Unauthorized);
    assert!(response.headers().get_one("WWW-Authenticate").is_some_and(|v| v.starts_with("Bearer")));
    let response = app.client.get("/metrics").header(bearer("wrong-token")).dispatch().await;
    assert_eq!(response.status(), Status::Unauthorized);
    let response = app.client.get("/metrics").header(bearer("scrape-me-0123456789")).dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    assert!(response.into_string().await.unwrap().contains("flexportal_http_requests_total"));

    // Production without a token: closed to everyone.
    let app = spawn_app_with(production(&[])).await;
    assert_eq!(app.client.get("/metrics").dispatch().await.status(), Status::Unauthorized);
    let response = app.client.get("/metrics").header(bearer("anything")).dispatch().await;
    assert_eq!(response.status(), Status::Unauthorized);
}

#[rocket::async_test]
async fn outside_production_metrics_stay_open_unless_a_token_is_configured() {
    let app = spawn_app().await;
    assert_eq!(app.client.get("/metrics").dispatch().await.status(), Status::Ok);
    let app = spawn_app_with(with(&[("metrics_token", "dev-token-0123456789".into())])).await;
    assert_eq!(app.client.get("/metrics").dispatch().await.status(), Status::Unauthorized);
    let response = app.client.get("/metrics").header(bearer("dev-token-0123456789")).dispatch().await;
    assert_eq!(response.status(), Status::Ok);
}

#[rocket::async_test]
async fn a_signed_in_request_is_served_while_another_write_holds_the_database() {
    let start = chrono::DateTime::parse_from_rfc3339("2026-11-30T09:00:00Z").unwrap().to_utc();
    let app = spawn_app_with(Options { fake_now: Some(start), ..Default::default() }).await;
    app.user("ops@example.com", "admin").await;
    let token = app.token("ops@example.com").await;
    // Five minutes later the session is due for a last-seen update…
    let later = start + chrono::Duration::minutes(5);
    app.portal().clock.set(later);
    {
        // …while another request is in the middle of a write transaction.
        let tx = app.portal().db.write().await.unwrap();
        tx.execute_unprepared("UPDATE users SET locale = locale").await.unwrap();
        let response = app.get_with_token("/api/v1/me", &token).await;
        assert_eq!(response.status(), Status::Ok, "the touch neither waits for nor races the writer");
        tx.commit().await.unwrap();
    }
    if app.portal().db.backend() == sea_orm::DbBackend::Sqlite {
        // PostgreSQL has no writer lock: there the touch simply happens beside the other write.
        assert_eq!(last_seen(&app).await, start, "skipped while the writer was busy");
    }
    assert_eq!(app.get_with_token("/api/v1/me", &token).await.status(), Status::Ok);
    assert_eq!(last_seen(&app).await, later, "recorded once the writer is free");
}

async fn last_seen(app: &TestApp) -> chrono::DateTime<chrono::Utc> {
    let db = app.portal().db.conn();
    let sql = "SELECT last_seen_at FROM sessions".to_owned();
    let row =
        db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap().unwrap();
    row.try_get("", "last_seen_at").unwrap()
}
