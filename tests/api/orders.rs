//! Orders on behalf of customers (issue 10): placement from an accepted quote with its documents
//! and pending pack, fulfilment, payments, cancellation, idempotency, refusals, the balance and
//! ledger, expiry and reconciliation. Every test that touches tokens ends by reconciling.

mod attachments;
mod balance;
mod crash;
mod idempotency;
mod lifecycle;
mod refusals;
mod sweep;

use chrono::{DateTime, Utc};
use rocket::http::{ContentType, Header, Status};
use serde_json::{Value, json};

use crate::helpers::{TestApp, bearer};
use crate::quotes::{Reseller, call, draft};

pub fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
}

/// A quote for `tokens` tokens, sent and accepted on the customer's behalf; returns its id.
pub async fn accepted_quote(app: &TestApp, seller: &Reseller, customer: &str, tokens: u32) -> String {
    let id = sent_quote(app, seller, customer, tokens).await;
    let (status, body) = call(
        app,
        "POST",
        &format!("/api/v1/quotes/{id}/accept-on-behalf"),
        &seller.token,
        json!({"reason": "注文書を受領"}),
    )
    .await;
    assert_eq!(status, Status::Ok, "{body}");
    id
}

/// A quote sent and not answered; returns its id.
pub async fn sent_quote(app: &TestApp, seller: &Reseller, customer: &str, tokens: u32) -> String {
    let quote = draft(app, seller, customer, json!([{"tokens": tokens}])).await;
    let id = quote["id"].as_str().unwrap().to_owned();
    let (status, body) =
        call(app, "POST", &format!("/api/v1/quotes/{id}/send"), &seller.token, json!({})).await;
    assert_eq!(status, Status::Ok, "{body}");
    id
}

/// `POST path` with a JSON body and, when given, an `Idempotency-Key`.
pub async fn post_keyed(
    app: &TestApp,
    path: &str,
    token: &str,
    key: Option<&str>,
    body: Value,
) -> (Status, String) {
    let mut request = app.client.post(path.to_owned()).header(bearer(token)).header(ContentType::JSON);
    if let Some(key) = key {
        request = request.header(Header::new("Idempotency-Key", key.to_owned()));
    }
    let response = request.body(body.to_string()).dispatch().await;
    let status = response.status();
    (status, response.into_string().await.unwrap_or_default())
}

/// Places the order for `quote`; returns the status and the JSON answer.
pub async fn place(app: &TestApp, seller: &Reseller, quote: &str, method: &str) -> (Status, Value) {
    call(app, "POST", "/api/v1/orders", &seller.token, json!({"quote_id": quote, "payment_method": method}))
        .await
}

pub async fn fulfil(app: &TestApp, seller: &Reseller, order: &str) -> (Status, Value) {
    call(
        app,
        "POST",
        &format!("/api/v1/orders/{order}/fulfil"),
        &seller.token,
        json!({"autodesk_order_ref": "ADSK-1"}),
    )
    .await
}

pub async fn balance(app: &TestApp, seller: &Reseller, customer: &str) -> Value {
    let (status, body) =
        call(app, "GET", &format!("/api/v1/customers/{customer}/balance"), &seller.token, json!(null)).await;
    assert_eq!(status, Status::Ok, "{body}");
    body
}

pub async fn ledger(app: &TestApp, seller: &Reseller, customer: &str) -> Vec<Value> {
    let (status, body) = call(
        app,
        "GET",
        &format!("/api/v1/customers/{customer}/ledger?per_page=100"),
        &seller.token,
        json!(null),
    )
    .await;
    assert_eq!(status, Status::Ok, "{body}");
    body["items"].as_array().unwrap().clone()
}

pub fn id_of(body: &Value) -> String {
    body["id"].as_str().unwrap_or_else(|| panic!("no id in {body}")).to_owned()
}

/// The same reseller with a new token, after the fake clock jumped past its session's lifetime.
pub async fn signed_in_again(app: &TestApp, seller: Reseller) -> Reseller {
    let user = flexportal::storage::users::list_for_partner(app.portal().db.conn(), seller.partner_id)
        .await
        .unwrap()
        .into_iter()
        .next()
        .unwrap();
    Reseller { token: app.token(&user.email).await, ..seller }
}
