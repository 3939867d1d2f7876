//! Inputs and races that used to end in a 500 answer 409/422, or do the one thing once: a login
//! `next` with a space, a user for a partner that does not exist, two revisions of one quote started
//! at once, and racing "write quote" clicks.

use rocket::http::{ContentType, Status};
use serde_json::json;

use crate::common::PASSWORD;
use crate::helpers::{TestApp, bearer, form, problem, spawn_app};
use crate::quotes::{Reseller, call, customer, draft, reseller, submit_request};
use flexportal::domain::actor::{Actor, Origin};
use flexportal::domain::error::Error;

async fn actor_of(app: &TestApp, token: &str) -> Actor {
    flexportal::domain::accounts::authenticate(app.portal(), token).await.unwrap()
}

#[rocket::async_test]
async fn a_login_next_with_a_space_shows_the_form_and_signs_in_to_that_page() {
    let app = spawn_app().await;
    app.user("ops@example.com", "admin").await;
    let response = app.client.get("/login?next=/a%20b").dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    let csrf = crate::helpers::extract_csrf(&response.into_string().await.unwrap());
    let response = app
        .client
        .post("/login")
        .header(ContentType::Form)
        .body(form(&[
            ("_csrf", &csrf),
            ("email", "ops@example.com"),
            ("password", PASSWORD),
            ("next", "/a b"),
        ]))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::SeeOther);
    assert_eq!(response.headers().get_one("Location"), Some("/a%20b"));
}

#[rocket::async_test]
async fn creating_a_user_for_an_unknown_partner_is_a_field_error() {
    let app = spawn_app().await;
    app.user("ops@example.com", "admin").await;
    let token = app.token("ops@example.com").await;
    let response = app
        .client
        .post("/api/v1/admin/users")
        .header(bearer(&token))
        .header(ContentType::JSON)
        .body(
            json!({"email": "ghost@example.com", "role": "partner_sales", "password": "long enough passphrase",
                   "partner_id": "00000000-0000-4000-8000-000000000000"})
            .to_string(),
        )
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let body = problem(response).await;
    assert_eq!(body["errors"][0]["field"], "partner_id");
    let found = flexportal::storage::users::find_by_email(app.portal().db.conn(), "ghost@example.com").await;
    assert!(found.unwrap().is_none());
}

async fn sent_quote(app: &TestApp, seller: &Reseller) -> uuid::Uuid {
    let cust = customer(app, seller, "JP").await;
    let quote = draft(app, seller, &cust, json!([{"tokens": 100}])).await;
    let id = quote["id"].as_str().unwrap().to_owned();
    let (status, sent) =
        call(app, "POST", &format!("/api/v1/quotes/{id}/send"), &seller.token, json!({})).await;
    assert_eq!(status, Status::Ok, "{sent}");
    id.parse().unwrap()
}

#[rocket::async_test]
async fn revisions_of_one_quote_started_at_once_make_one_draft_and_conflicts() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let id = sent_quote(&app, &seller).await;
    let actor = actor_of(&app, &seller.token).await;
    let origin = Origin::default();
    let attempts =
        (0..8).map(|_| flexportal::domain::quotes::revise_quote(app.portal(), &actor, &origin, id));
    let results = futures::future::join_all(attempts).await;
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "{results:?}");
    assert!(results.iter().all(|r| r.is_ok() || matches!(r, Err(Error::Conflict(_)))), "{results:?}");

    // Through the API, a second revision is a 409 problem.
    let (status, body) =
        call(&app, "POST", &format!("/api/v1/quotes/{id}/revise"), &seller.token, json!({})).await;
    assert_eq!(status, Status::Conflict, "{body}");
}

#[rocket::async_test]
async fn racing_write_quote_clicks_make_one_customer() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let response = submit_request(&app, json!({
        "partner": "exmp", "company": "株式会社レース", "contact_name": "山田 太郎", "email": "race@customer.example",
        "autodesk_id": "race@customer.example", "tokens": 100, "country": "JP", "region": "JP-13", "language": "ja",
        "message": ""}))
    .await;
    assert_eq!(response.status(), Status::Created);
    let (_, inbox) = call(&app, "GET", "/api/v1/quote-requests", &seller.token, json!({})).await;
    let request: uuid::Uuid = inbox["items"][0]["id"].as_str().unwrap().parse().unwrap();
    let actor = actor_of(&app, &seller.token).await;
    let origin = Origin::default();
    let clicks = (0..8)
        .map(|_| flexportal::domain::quote_requests::customer_for(app.portal(), &actor, &origin, request));
    let results = futures::future::join_all(clicks).await;
    let ids: Vec<uuid::Uuid> = results.into_iter().map(|r| r.unwrap().id).collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "every click opens the same customer: {ids:?}");
    let (_, customers) = call(&app, "GET", "/api/v1/customers", &seller.token, json!({})).await;
    assert_eq!(customers["total"], 1, "{customers}");
}
