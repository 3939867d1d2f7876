//! CSRF is decided by the route a request reaches, not by how its path is spelled: with a cookie
//! session and no CSRF token, no write gets through, whether the path is `/api/v1/x`, `//api/v1/x`,
//! `/api//v1/x` or `/%61pi/v1/x`, and whatever the body claims to be. Every JSON write also needs
//! `Content-Type: application/json`, with a bearer token too.

use rocket::http::{ContentType, Method, Status};
use sea_orm::ConnectionTrait;

use crate::common::{make_user, partner};
use crate::helpers::{TestApp, bearer, problem, spawn_app};
use flexportal::web::PUBLIC_POSTS;

/// A concrete path for a route's URI template: every `<param>` becomes a plausible id.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(
            |segment| if segment.starts_with('<') { "00000000-0000-4000-8000-000000000000" } else { segment },
        )
        .collect::<Vec<_>>()
        .join("/")
}

/// Other spellings of `path` that Rocket routes to the same handler.
fn spellings(path: &str) -> Vec<String> {
    let mut out = vec![path.to_owned(), format!("/{path}")];
    let rest = &path[1..];
    if let Some((first, tail)) = rest.split_once('/') {
        out.push(format!("/{first}//{tail}"));
    }
    // The first letter percent-encoded: `/%61pi/v1/…`, `/%61pp/…`.
    let mut chars = rest.chars();
    if let Some(c) = chars.next().filter(char::is_ascii_alphabetic) {
        out.push(format!("/%{:02X}{}", c as u32, chars.as_str()));
    }
    out
}

/// Row counts of every table a write could touch; the walk must leave them as they were.
async fn fingerprint(app: &TestApp) -> Vec<(String, i64)> {
    let conn = app.portal().db.conn();
    let mut counts = Vec::new();
    for table in [
        "users",
        "sessions",
        "partners",
        "customers",
        "quote_requests",
        "quote_request_targets",
        "quotes",
        "quote_lines",
        "documents",
        "outbox",
        "audit_log",
        "price_tiers",
        "tax_rules",
    ] {
        let row = conn
            .query_one_raw(sea_orm::Statement::from_string(
                conn.get_database_backend(),
                format!("SELECT COUNT(*) AS n FROM {table}"),
            ))
            .await
            .unwrap()
            .unwrap();
        counts.push((table.to_owned(), row.try_get::<i64>("", "n").unwrap()));
    }
    counts
}

/// Signs in through the login page as `email`; the tracked client then carries the cookie.
async fn cookie_session(app: &TestApp, email: &str) {
    let response = app.browser_login(email).await;
    assert_eq!(response.status(), Status::SeeOther, "signed in as {email}");
}

/// A body the handler would act on if it were reached (a valid new operator for `/admin/users`).
const WRITE_BODY: &str = r#"{"email":"walk@example.com","role":"admin","password":"long enough passphrase","display_name":"Walk"}"#;

async fn walk_every_write_route(app: &TestApp) -> usize {
    let before = fingerprint(app).await;
    let mut checked = 0;
    let routes: Vec<_> = app
        .client
        .rocket()
        .routes()
        .filter(|r| matches!(r.method, Method::Post | Method::Patch | Method::Put | Method::Delete))
        .map(|r| (r.method, r.uri.path().to_string(), r.uri.base().to_owned()))
        .collect();
    for (method, path, base) in routes {
        let is_api = base.starts_with("/api");
        // Anonymous JSON endpoints do not act on the cookie; they are still refused a non-JSON body.
        let anonymous_api = PUBLIC_POSTS.contains(&path.as_str())
            || path.starts_with("/api/v1/public/")
            || path == "/api/v1/auth/token";
        let mut bodies =
            vec![(ContentType::Plain, WRITE_BODY), (ContentType::Form, "email=walk%40example.com")];
        if !anonymous_api {
            bodies.push((ContentType::JSON, WRITE_BODY));
        }
        for target in spellings(&concrete(&path)) {
            for (content_type, body) in &bodies {
                let request = match method {
                    Method::Post => app.client.post(target.clone()),
                    Method::Patch => app.client.patch(target.clone()),
                    Method::Put => app.client.put(target.clone()),
                    _ => app.client.delete(target.clone()),
                };
                let response = request.header(content_type.clone()).body(*body).dispatch().await;
                let status = response.status();
                let allowed: &[Status] = if is_api && *content_type != ContentType::JSON {
                    &[Status::Forbidden, Status::UnsupportedMediaType]
                } else {
                    &[Status::Forbidden]
                };
                assert!(allowed.contains(&status), "{method} {target} ({content_type}) answered {status}");
                checked += 1;
            }
        }
    }
    let after = fingerprint(app).await;
    assert_eq!(before, after, "a refused write changed the database");
    checked
}

#[rocket::async_test]
async fn no_write_route_accepts_a_cookie_session_without_the_csrf_token_however_the_path_is_spelled() {
    let app = spawn_app().await;
    app.user("ops@example.com", "admin").await;
    let row = partner("exmp").create(app.portal()).await;
    make_user(app.portal(), "boss@exmp.example", "partner_admin", Some(row.id)).await;

    cookie_session(&app, "ops@example.com").await;
    let checked = walk_every_write_route(&app).await;
    assert!(checked >= 100, "only {checked} requests were tried");

    // And as a reseller, so that the workspace's own routes are reached past the role guard.
    let app2 = spawn_app().await;
    let row = partner("exmp").create(app2.portal()).await;
    make_user(app2.portal(), "boss@exmp.example", "partner_admin", Some(row.id)).await;
    cookie_session(&app2, "boss@exmp.example").await;
    walk_every_write_route(&app2).await;
}

#[rocket::async_test]
async fn a_cross_site_text_plain_post_to_a_doubled_slash_path_does_not_create_an_operator() {
    let app = spawn_app().await;
    app.user("ops@example.com", "admin").await;
    cookie_session(&app, "ops@example.com").await;
    for path in ["//api/v1/admin/users", "/%61pi/v1/admin/users", "/api//v1/admin/users"] {
        for content_type in [ContentType::Plain, ContentType::JSON] {
            let response =
                app.client.post(path).header(content_type.clone()).body(WRITE_BODY).dispatch().await;
            assert!(
                [Status::Forbidden, Status::UnsupportedMediaType].contains(&response.status()),
                "{path} ({content_type}) answered {}",
                response.status()
            );
            let body = problem(response).await;
            assert!(body["request_id"].as_str().is_some_and(|id| !id.is_empty()));
        }
    }
    let taken = flexportal::storage::users::find_by_email(app.portal().db.conn(), "walk@example.com").await;
    assert!(taken.unwrap().is_none(), "no operator was created");
}

#[rocket::async_test]
async fn a_json_write_without_the_json_content_type_is_415_with_a_problem_naming_the_header() {
    let app = spawn_app().await;
    app.user("ops@example.com", "admin").await;
    let token = app.token("ops@example.com").await;
    for content_type in [Some(ContentType::Plain), Some(ContentType::Form), None] {
        let mut request = app.client.post("/api/v1/admin/users").header(bearer(&token)).body(WRITE_BODY);
        if let Some(content_type) = &content_type {
            request = request.header(content_type.clone());
        }
        let response = request.dispatch().await;
        assert_eq!(response.status(), Status::UnsupportedMediaType, "{content_type:?}");
        let body = problem(response).await;
        assert_eq!(body["status"], 415);
        assert_eq!(body["errors"][0]["field"], "Content-Type");
    }
    // The same body declared as JSON goes through.
    let response = app
        .client
        .post("/api/v1/admin/users")
        .header(bearer(&token))
        .header(ContentType::JSON)
        .body(WRITE_BODY)
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Created);
}

#[rocket::async_test]
async fn the_login_api_refuses_a_form_encoded_body_in_both_languages() {
    let app = spawn_app().await;
    app.user("ops@example.com", "admin").await;
    for (lang, expected) in [("en", "JSON"), ("ja", "JSON で送信")] {
        let response = app
            .client
            .post(format!("/api/v1/auth/token?lang={lang}"))
            .header(ContentType::Form)
            .body("email=ops%40example.com&password=x")
            .dispatch()
            .await;
        assert_eq!(response.status(), Status::UnsupportedMediaType);
        let body = problem(response).await;
        assert!(body["detail"].as_str().unwrap().contains(expected), "{lang}: {body}");
    }
}
