//! Orders through the workspace pages, in Japanese and English: an accepted quote is ordered from
//! its page once however often the form is sent, the order page downloads its documents and
//! fulfils, records a payment or cancels with errors beside the field, the customer's page shows the
//! balance, packs and ledger, the purchaser's link shows the balance without signing in, and the
//! operator reads every partner's orders. Every test that touches tokens ends by reconciling.

mod demo;
mod forms;
mod views;

use rocket::http::{ContentType, Status};
use rocket::local::asynchronous::LocalResponse;
use serde_json::{Value, json};

use crate::helpers::{TestApp, extract_csrf, form};
use crate::quotes::{Reseller, call, draft};
use crate::workspace_pages::{field_value, get, location};

/// Every pack, entry and balance agrees (the reconciliation the sweep runs).
pub async fn reconciles(app: &TestApp) {
    crate::common::reconcile(app.portal()).await;
}

/// A quote for `tokens` tokens, sent and accepted on the customer's behalf; returns its id.
pub async fn accepted_quote(app: &TestApp, seller: &Reseller, customer: &str, tokens: u32) -> String {
    let quote = draft(app, seller, customer, json!([{"tokens": tokens}])).await;
    let id = quote["id"].as_str().unwrap().to_owned();
    let (status, body) =
        call(app, "POST", &format!("/api/v1/quotes/{id}/send"), &seller.token, json!({})).await;
    assert_eq!(status, Status::Ok, "{body}");
    let path = format!("/api/v1/quotes/{id}/accept-on-behalf");
    let (status, body) = call(app, "POST", &path, &seller.token, json!({"reason": "注文書を受領"})).await;
    assert_eq!(status, Status::Ok, "{body}");
    id
}

/// Posts `fields` to `action` with the CSRF token and the one-time nonce of the form on `page`.
pub async fn submit_form<'a>(
    app: &'a TestApp,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> LocalResponse<'a> {
    let (status, html) = get(app, page).await;
    assert_eq!(status, Status::Ok, "{page}");
    let (csrf, nonce) = (extract_csrf(&html), field_value(&html, "nonce"));
    post_form(app, action, &csrf, &nonce, fields).await
}

/// Posts a form with a given CSRF token and nonce (as a reload or a second click would).
pub async fn post_form<'a>(
    app: &'a TestApp,
    action: &str,
    csrf: &str,
    nonce: &str,
    fields: &[(&str, &str)],
) -> LocalResponse<'a> {
    let mut all = vec![("_csrf", csrf), ("nonce", nonce)];
    all.extend_from_slice(fields);
    app.client.post(action.to_owned()).header(ContentType::Form).body(form(&all)).dispatch().await
}

/// Places the order for `quote` from its page; returns the order's id.
pub async fn place_from_page(app: &TestApp, quote: &str, method: &str) -> String {
    let page = format!("/app/quotes/{quote}");
    let response =
        submit_form(app, &page, &format!("/app/quotes/{quote}/order"), &[("payment_method", method)]).await;
    order_id_of(&location(&response))
}

/// `/app/orders/<id>?done=…` → `<id>`.
pub fn order_id_of(location: &str) -> String {
    let id =
        location.strip_prefix("/app/orders/").and_then(|rest| rest.split('?').next()).unwrap_or_default();
    assert!(uuid::Uuid::parse_str(id).is_ok(), "a redirect to an order page: {location}");
    id.to_owned()
}

pub async fn orders_total(app: &TestApp, seller: &Reseller) -> u64 {
    let (status, body) = call(app, "GET", "/api/v1/orders", &seller.token, Value::Null).await;
    assert_eq!(status, Status::Ok, "{body}");
    body["total"].as_u64().unwrap()
}

pub async fn balance(app: &TestApp, seller: &Reseller, customer: &str) -> Value {
    let path = format!("/api/v1/customers/{customer}/balance");
    let (status, body) = call(app, "GET", &path, &seller.token, Value::Null).await;
    assert_eq!(status, Status::Ok, "{body}");
    body
}
