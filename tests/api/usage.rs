//! Usage ingestion (issue 11): events applied once, drawn down in Autodesk's order, the rest
//! recorded as deficit, refused with reasons, caps, suspension after grace, CSV uploads and the
//! concurrency that must not lose or double a token. Every test ends by reconciling.

mod caps;
mod concurrency;
mod csv;
mod drawdown;
mod page;
mod refusals;

use chrono::{DateTime, Utc};
use rocket::http::Status;
use sea_orm::{ActiveModelTrait, Set};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::TestApp;
use crate::orders::{accepted_quote, post_keyed};
use crate::quotes::{Reseller, call};
use flexportal::domain::balance::{NewEntry, Pack, fulfil_pack, post};
use flexportal::domain::money::Currency;
use flexportal::domain::orders::{Order, OrderStatus, PaymentMethod};
use flexportal::domain::tokens::TokenAmount;
use flexportal::domain::tokens::reconcile::{EntryKind, PackStatus};
use flexportal::storage::entities::assignment;

pub fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
}

/// A fulfilled pack of `tokens` bought at `bought` and expiring at `expires`, as an order's
/// fulfilment leaves it (order, pack, `purchase` entry, then available), written through the same
/// storage and ledger calls; sizes under the 100-token purchase minimum (Autodesk's own packs) are
/// possible only this way. Returns the pack id.
pub async fn pack(
    app: &TestApp,
    seller: &Reseller,
    customer: &str,
    tokens: i64,
    bought: &str,
    expires: &str,
) -> Uuid {
    let portal = app.portal();
    let quote: Uuid = accepted_quote(app, seller, customer, 100).await.parse().unwrap();
    let placed_by =
        flexportal::storage::users::list_for_partner(portal.db.conn(), seller.partner_id).await.unwrap()[0]
            .id;
    let tokens = TokenAmount::from_tokens(tokens).unwrap();
    let (bought, customer_id) = (at(bought), customer.parse().unwrap());
    let order = Order {
        id: Uuid::new_v4(),
        partner_id: seller.partner_id,
        customer_id,
        quote_id: quote,
        number: format!("FIX-O-{}", Uuid::new_v4().simple()),
        payment_method: PaymentMethod::Invoice,
        status: OrderStatus::Fulfilled,
        currency: Currency::Jpy,
        subtotal_minor: 0,
        tax_minor: 0,
        total_minor: 0,
        tax_rate_hundredths: 1000,
        tokens,
        autodesk_order_ref: None,
        placed_by,
        placed_at: bought,
        fulfilled_at: Some(bought),
        fulfilled_by: None,
        cancelled_at: None,
        cancel_reason: None,
        updated_at: bought,
    };
    let pack = Pack {
        id: Uuid::new_v4(),
        partner_id: seller.partner_id,
        customer_id,
        order_id: order.id,
        tokens,
        remaining: tokens,
        status: PackStatus::Pending,
        purchased_at: bought,
        available_at: None,
        expires_at: at(expires),
    };
    let tx = portal.db.write().await.unwrap();
    flexportal::storage::orders::insert(&*tx, &order).await.unwrap();
    flexportal::storage::tokens::insert_pack(&*tx, &pack).await.unwrap();
    let purchase = NewEntry {
        pack_id: Some(pack.id),
        kind: EntryKind::Purchase,
        tokens,
        reference: format!("order:{}", order.number),
        reason: None,
        actor_user_id: None,
    };
    post(&tx, seller.partner_id, customer_id, &[purchase], bought).await.unwrap();
    fulfil_pack(&tx, &pack, &format!("order:{}", order.number), None, bought).await.unwrap();
    tx.commit().await.unwrap();
    pack.id
}

/// Assigns a developer to the customer with `status` (`active`, `invited`, `revoked`), an invitation
/// expiring at `invite_expires_at`, and an optional monthly cap in whole tokens.
pub async fn assign(
    app: &TestApp,
    seller: &Reseller,
    customer: &str,
    autodesk_id: &str,
    status: &str,
    invite_expires_at: DateTime<Utc>,
    cap: Option<i64>,
) {
    let now = app.portal().clock.now();
    assignment::ActiveModel {
        id: Set(Uuid::new_v4()),
        partner_id: Set(seller.partner_id),
        customer_id: Set(customer.parse().unwrap()),
        autodesk_id: Set(autodesk_id.to_owned()),
        name: Set(None),
        token_cap: Set(cap.map(|c| c * 1000)),
        status: Set(status.to_owned()),
        invite_token_hash: Set(None),
        invite_expires_at: Set(Some(invite_expires_at)),
        invited_at: Set(now),
        accepted_at: Set((status == "active").then_some(now)),
        revoked_at: Set((status == "revoked").then_some(now)),
        created_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(app.portal().db.conn())
    .await
    .unwrap();
}

/// An active developer, uncapped.
pub async fn developer(app: &TestApp, seller: &Reseller, customer: &str, autodesk_id: &str) {
    let until = app.portal().clock.now() + chrono::Duration::days(7);
    assign(app, seller, customer, autodesk_id, "active", until, None).await;
}

pub fn event(id: &str, at: &str, dev: &str, tokens: &str) -> Value {
    json!({"event_id": id, "occurred_at": at, "autodesk_id": dev, "app": "Viewer", "api": "Model Derivative", "units": "1", "tokens": tokens})
}

/// Posts events; returns the status and the JSON answer.
pub async fn send(app: &TestApp, seller: &Reseller, customer: &str, events: Vec<Value>) -> (Status, Value) {
    call(
        app,
        "POST",
        &format!("/api/v1/customers/{customer}/usage"),
        &seller.token,
        json!({"events": events}),
    )
    .await
}

/// Posts events with an `Idempotency-Key`; returns the status and the raw body.
pub async fn send_keyed(
    app: &TestApp,
    seller: &Reseller,
    customer: &str,
    key: &str,
    events: Vec<Value>,
) -> (Status, String) {
    let path = format!("/api/v1/customers/{customer}/usage");
    post_keyed(app, &path, &seller.token, Some(key), json!({"events": events})).await
}

/// The results' `result` fields, in order.
pub fn outcomes(body: &Value) -> Vec<String> {
    body["results"].as_array().unwrap().iter().map(|r| r["result"].as_str().unwrap().to_owned()).collect()
}

/// The remaining tokens of one pack, from the balance.
pub fn remaining(balance: &Value, pack: Uuid) -> String {
    let packs = balance["packs"].as_array().unwrap();
    let found = packs.iter().find(|p| p["id"] == pack.to_string()).unwrap();
    found["remaining"].as_str().unwrap().to_owned()
}
