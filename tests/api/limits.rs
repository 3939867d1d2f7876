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
