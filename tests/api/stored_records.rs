//! Stored rows are read into typed records: a value the portal cannot read (an unknown status,
//! currency or time zone written behind its back) is an internal error with a request id, never
//! quietly read as a default such as an editable draft.

use rocket::http::Status;
use serde_json::{Value, json};

use crate::helpers::{TestApp, bearer, problem, spawn_app};
use crate::quotes::{call, customer, draft, reseller};

/// Writes `value` into one column of one row behind the portal's back, past the schema's checks
/// (as a hand edit, a restored backup or a newer release's rows could).
async fn corrupt(app: &TestApp, table: &str, id: &str, column: &str, value: &str) {
    use sea_orm::{ConnectionTrait, DbBackend};
    let id: uuid::Uuid = id.parse().unwrap();
    let conn = app.portal().db.conn();
    match conn.get_database_backend() {
        DbBackend::Postgres => {
            conn.execute_unprepared(&format!(
                "ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {table}_{column}_check"
            ))
            .await
            .unwrap();
            conn.execute_unprepared(&format!("UPDATE {table} SET {column} = '{value}' WHERE id = '{id}'"))
                .await
                .unwrap();
        }
        _ => conn
            .execute_unprepared(&format!(
                "PRAGMA ignore_check_constraints = ON; \
                 UPDATE {table} SET {column} = '{value}' WHERE id = X'{}'; \
                 PRAGMA ignore_check_constraints = OFF;",
                id.simple()
            ))
            .await
            .map(|_| ())
            .unwrap(),
    }
    let sql = format!("SELECT COUNT(*) AS n FROM {table} WHERE {column} = '{value}'");
    let stored = conn
        .query_one_raw(sea_orm::Statement::from_string(conn.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    assert_eq!(stored, 1, "{table}.{column}");
}

async fn assert_internal_error(app: &TestApp, path: &str, token: &str) {
    let response = app.client.get(path.to_owned()).header(bearer(token)).dispatch().await;
    assert_eq!(response.status(), Status::InternalServerError, "{path}");
    let body = problem(response).await;
    assert!(body["request_id"].as_str().is_some_and(|id| !id.is_empty()), "{body}");
    let text = body.to_string();
    assert!(!text.contains("draft") && !text.contains("bogus"), "nothing of the row leaks: {text}");
}

#[rocket::async_test]
async fn a_quote_with_an_unknown_stored_status_is_an_internal_error_not_a_draft() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let jp = customer(&app, &seller, "JP").await;
    let quote = draft(&app, &seller, &jp, json!([{"tokens": 100}])).await;
    let id = quote["id"].as_str().unwrap();
    corrupt(&app, "quotes", id, "status", "bogus").await;

    assert_internal_error(&app, &format!("/api/v1/quotes/{id}"), &seller.token).await;
    assert_internal_error(&app, "/api/v1/quotes", &seller.token).await;
    let (status, _) = call(
        &app,
        "PATCH",
        &format!("/api/v1/quotes/{id}"),
        &seller.token,
        json!({"lines": [{"tokens": 200}]}),
    )
    .await;
    assert_eq!(status, Status::InternalServerError, "an unreadable quote is not edited as a draft");
    let (status, _) =
        call(&app, "POST", &format!("/api/v1/quotes/{id}/send"), &seller.token, json!({})).await;
    assert_eq!(status, Status::InternalServerError, "nor sent");
}

#[rocket::async_test]
async fn a_quote_with_an_unknown_stored_currency_is_an_internal_error_not_yen() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let jp = customer(&app, &seller, "JP").await;
    let quote = draft(&app, &seller, &jp, json!([{"tokens": 100}])).await;
    let id = quote["id"].as_str().unwrap();
    corrupt(&app, "quotes", id, "currency", "XXX").await;
    assert_internal_error(&app, &format!("/api/v1/quotes/{id}"), &seller.token).await;
}

#[rocket::async_test]
async fn a_customer_with_an_unknown_stored_time_zone_is_an_internal_error_not_tokyo() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let jp = customer(&app, &seller, "JP").await;
    let quote = draft(&app, &seller, &jp, json!([{"tokens": 100}])).await;
    let id = quote["id"].as_str().unwrap();
    let (status, sent) =
        call(&app, "POST", &format!("/api/v1/quotes/{id}/send"), &seller.token, json!({})).await;
    assert_eq!(status, Status::Ok, "{sent}");
    corrupt(&app, "customers", &jp, "time_zone", "Mars/Olympus").await;
    let token = sent["public_url"].as_str().unwrap().rsplit('/').next().unwrap();
    let response = app.client.get(format!("/api/v1/public/quotes/{token}")).dispatch().await;
    assert_eq!(response.status(), Status::InternalServerError);
    let body: Value = problem(response).await;
    assert!(body["request_id"].as_str().is_some_and(|id| !id.is_empty()), "{body}");
}

#[rocket::async_test]
async fn an_inbox_item_with_an_unknown_stored_status_is_an_internal_error() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let response = crate::quotes::submit_request(&app, json!({
        "partner": "exmp", "company": "株式会社サンプル顧客", "contact_name": "山田 太郎", "email": "yamada@customer.example",
        "autodesk_id": "buyer@customer.example", "tokens": 100, "country": "JP", "region": "JP-13", "language": "ja"})).await;
    assert_eq!(response.status(), Status::Created);
    let (_, inbox) = call(&app, "GET", "/api/v1/quote-requests", &seller.token, json!({})).await;
    let id = inbox["items"][0]["id"].as_str().unwrap().to_owned();
    corrupt(&app, "quote_request_targets", &id, "status", "archived").await;
    assert_internal_error(&app, &format!("/api/v1/quote-requests/{id}"), &seller.token).await;
    assert_internal_error(&app, "/api/v1/quote-requests", &seller.token).await;
}

#[rocket::async_test]
async fn a_partner_with_an_unknown_stored_tier_is_an_internal_error_not_authorized() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    corrupt(&app, "partners", &seller.partner_id.to_string(), "tier", "diamond").await;
    assert_internal_error(&app, "/api/v1/partner", &seller.token).await;
}

#[rocket::async_test]
async fn a_user_with_an_unknown_stored_role_is_a_server_error_not_a_sign_in_or_a_guess() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    app.user("ops@example.com", "admin").await;
    let operator = app.token("ops@example.com").await;
    let user = flexportal::storage::users::find_by_email(app.portal().db.conn(), "sales@exmp.example")
        .await
        .unwrap()
        .unwrap();
    corrupt(&app, "users", &user.id.to_string(), "role", "superuser").await;

    // Their own session cannot be checked: not 401 (sign in again), not a role made up.
    let response = app.client.get("/api/v1/me").header(bearer(&seller.token)).dispatch().await;
    assert!(response.status().code >= 500, "{}", response.status());
    let body = problem(response).await;
    assert!(body["request_id"].as_str().is_some_and(|id| !id.is_empty()), "{body}");

    // The operator's list of users names no role it cannot read.
    assert_internal_error(&app, "/api/v1/admin/users", &operator).await;
    let response = app.client.get("/api/v1/admin/users").header(bearer(&operator)).dispatch().await;
    assert!(!response.into_string().await.unwrap_or_default().contains("superuser"));
}

#[rocket::async_test]
async fn an_order_or_pack_with_an_unknown_stored_status_is_an_internal_error_not_a_guess() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let quote = crate::orders::accepted_quote(&app, &seller, &cust, 100).await;
    let (status, order) = crate::orders::place(&app, &seller, &quote, "invoice").await;
    assert_eq!(status, Status::Created, "{order}");
    let id = order["id"].as_str().unwrap();
    corrupt(&app, "packs", order["pack"]["id"].as_str().unwrap(), "status", "bogus").await;
    assert_internal_error(&app, &format!("/api/v1/customers/{cust}/balance"), &seller.token).await;
    corrupt(&app, "orders", id, "status", "bogus").await;
    assert_internal_error(&app, &format!("/api/v1/orders/{id}"), &seller.token).await;
}
