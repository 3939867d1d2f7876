//! Deny by default: every mounted route that is not on the public list answers 401 without a
//! session, and problem documents or pages never leak internals.

use rocket::http::{ContentType, Method, Status};

use crate::helpers::{problem, spawn_app};
use flexportal::web::{PUBLIC_POSTS, PUBLIC_ROUTES};

/// A concrete path for a route's URI template: every `<param>` becomes a plausible id.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(
            |segment| if segment.starts_with('<') { "00000000-0000-4000-8000-000000000000" } else { segment },
        )
        .collect::<Vec<_>>()
        .join("/")
}

#[rocket::async_test]
async fn every_mounted_non_public_route_answers_401_without_a_session() {
    let app = spawn_app().await;
    let mut checked = 0;
    for route in app.client.rocket().routes() {
        let path = route.uri.path().to_string();
        let public_post = route.method == Method::Post && PUBLIC_POSTS.contains(&path.as_str());
        if PUBLIC_ROUTES.contains(&path.as_str()) || public_post || path.starts_with("/static") {
            continue;
        }
        let target = concrete(&path);
        let request = match route.method {
            Method::Get => app.client.get(target.clone()),
            Method::Post => app.client.post(target.clone()),
            Method::Patch => app.client.patch(target.clone()),
            Method::Put => app.client.put(target.clone()),
            Method::Delete => app.client.delete(target.clone()),
            other => panic!("unexpected method {other} on {path}"),
        };
        let response = request.header(ContentType::JSON).body("{}").dispatch().await;
        assert_eq!(response.status(), Status::Unauthorized, "{} {target}", route.method);
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} protected routes found");
}

#[rocket::async_test]
async fn a_page_that_needs_a_session_shows_the_login_form_and_returns_there() {
    let app = spawn_app().await;
    let response = app.client.get("/admin/users").dispatch().await;
    assert_eq!(response.status(), Status::Unauthorized);
    let html = response.into_string().await.unwrap();
    assert!(html.contains("action=\"/login\""));
    assert!(html.contains("name=\"next\" value=\"&#x2F;admin&#x2F;users\""), "the form returns to the page");
}

#[rocket::async_test]
async fn unknown_api_paths_are_404_problem_documents_without_internals() {
    let app = spawn_app().await;
    let response = app.client.get("/api/v1/no-such-thing").dispatch().await;
    assert_eq!(response.status(), Status::NotFound);
    let body = problem(response).await;
    assert_eq!(body["status"], 404);
    assert!(body["request_id"].as_str().is_some_and(|id| !id.is_empty()));
    let text = body.to_string().to_lowercase();
    for leak in ["sql", "sqlx", "panic", "src/", "backtrace"] {
        assert!(!text.contains(leak), "{leak} in {text}");
    }
}

#[rocket::async_test]
async fn responses_carry_the_security_headers() {
    let app = spawn_app().await;
    let response = app.client.get("/").dispatch().await;
    let headers = response.headers();
    let csp = headers.get_one("Content-Security-Policy").unwrap();
    assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"));
    assert_eq!(headers.get_one("X-Content-Type-Options"), Some("nosniff"));
    assert_eq!(headers.get_one("Referrer-Policy"), Some("same-origin"));
    assert!(headers.get_one("X-Request-Id").is_some());
    assert!(headers.get_one("Strict-Transport-Security").is_none(), "no HSTS outside production");
}

#[rocket::async_test]
async fn production_sets_hsts_and_secure_cookies() {
    let options = crate::common::Options {
        profile: Some(flexportal::config::Profile::Production),
        ..Default::default()
    };
    let app = crate::helpers::spawn_app_with(options).await;
    app.user("ops@example.com", "admin").await;
    let response = app.client.get("/login").dispatch().await;
    assert!(response.headers().get_one("Strict-Transport-Security").is_some());
    let response = app.browser_login("ops@example.com").await;
    let cookie =
        response.headers().get("Set-Cookie").find(|c| c.starts_with("fp_session=")).unwrap().to_owned();
    assert!(cookie.contains("Secure"), "{cookie}");
}
