//! A guard that cannot reach the database answers 503 with a problem document, not 401: the
//! visitor is not asked to sign in again because the database is away.

use rocket::http::Status;
use serde_json::Value;

use crate::helpers::{bearer, problem, spawn_app};

#[rocket::async_test]
async fn a_session_that_cannot_be_checked_is_503_not_a_request_to_sign_in() {
    let app = spawn_app().await;
    app.user("ops@example.com", "admin").await;
    let token = app.token("ops@example.com").await;
    // The database goes away under the running portal.
    app.portal().db.conn().close_by_ref().await.unwrap();
    let response = app.client.get("/api/v1/me").header(bearer(&token)).dispatch().await;
    assert_eq!(response.status(), Status::ServiceUnavailable);
    let body: Value = problem(response).await;
    assert!(body["request_id"].as_str().is_some_and(|id| !id.is_empty()));
    let page = app.client.get("/admin/users").header(bearer(&token)).dispatch().await;
    assert_eq!(page.status(), Status::ServiceUnavailable);
    assert!(!page.into_string().await.unwrap().contains("action=\"/login\""), "no sign-in form");
}
