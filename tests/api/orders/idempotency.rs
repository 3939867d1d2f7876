//! `Idempotency-Key`: the same key and body answer the same response, status included; another
//! body is refused; racing placements of one quote make one order.

use std::sync::Arc;

use rocket::http::Status;
use serde_json::json;

use super::{accepted_quote, post_keyed};
use crate::common::reconcile;
use crate::helpers::spawn_app;
use crate::quotes::{customer, reseller};

#[rocket::async_test]
async fn the_same_key_and_body_answer_the_first_response_and_another_body_is_refused() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let quote = accepted_quote(&app, &seller, &cust, 100).await;
    let body = json!({"quote_id": quote, "payment_method": "invoice"});
    let first = post_keyed(&app, "/api/v1/orders", &seller.token, Some("order-1"), body.clone()).await;
    assert_eq!(first.0, Status::Created, "{}", first.1);
    let again = post_keyed(&app, "/api/v1/orders", &seller.token, Some("order-1"), body.clone()).await;
    assert_eq!(again, first, "the stored response, status included");
    let other = post_keyed(
        &app,
        "/api/v1/orders",
        &seller.token,
        Some("order-1"),
        json!({"quote_id": quote, "payment_method": "card"}),
    )
    .await;
    assert_eq!(other.0, Status::UnprocessableEntity, "{}", other.1);
    assert!(other.1.contains("Idempotency-Key"), "{}", other.1);
    // Without the key (or with a new one) the quote's own state refuses a second order.
    let fresh = post_keyed(&app, "/api/v1/orders", &seller.token, Some("order-2"), body.clone()).await;
    assert_eq!(fresh.0, Status::Conflict, "{}", fresh.1);
    let bare = post_keyed(&app, "/api/v1/orders", &seller.token, None, body).await;
    assert_eq!(bare.0, Status::Conflict);
    let malformed = post_keyed(
        &app,
        "/api/v1/orders",
        &seller.token,
        Some(&"k".repeat(256)),
        json!({"quote_id": quote, "payment_method": "invoice"}),
    )
    .await;
    assert_eq!(malformed.0, Status::UnprocessableEntity);

    // Fulfilment with a key: the retry answers the same, not a 409.
    let order: serde_json::Value = serde_json::from_str(&first.1).unwrap();
    let path = format!("/api/v1/orders/{}/fulfil", order["id"].as_str().unwrap());
    let done = post_keyed(&app, &path, &seller.token, Some("fulfil-1"), json!({})).await;
    assert_eq!(done.0, Status::Ok, "{}", done.1);
    assert_eq!(post_keyed(&app, &path, &seller.token, Some("fulfil-1"), json!({})).await, done);

    // Keys are per partner: another partner's same key is its own.
    let other_seller = reseller(&app, "othr").await;
    let other_customer = customer(&app, &other_seller, "JP").await;
    let other_quote = accepted_quote(&app, &other_seller, &other_customer, 100).await;
    let theirs = post_keyed(
        &app,
        "/api/v1/orders",
        &other_seller.token,
        Some("order-1"),
        json!({"quote_id": other_quote, "payment_method": "invoice"}),
    )
    .await;
    assert_eq!(theirs.0, Status::Created, "{}", theirs.1);
    reconcile(app.portal()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_placements_of_one_accepted_quote_with_different_keys_make_exactly_one_order() {
    use flexportal::domain::{orders, quotes};
    let (portal, _db, actor, origin, customer_id) = crate::quotes::concurrent_fixture().await;
    let input = quotes::QuoteInput {
        customer_id: Some(customer_id),
        lines: vec![quotes::LineInput { tokens: json!(100), discount_percent: None }],
        ..Default::default()
    };
    let quote = quotes::create_quote(&portal, &actor, &origin, &input).await.unwrap().id;
    quotes::send_quote(&portal, &actor, &origin, quote).await.unwrap();
    quotes::accept_on_behalf(&portal, &actor, &origin, quote, "注文書").await.unwrap();
    let portal = Arc::new(portal);
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let (portal, actor) = (portal.clone(), actor.clone());
            let origin = flexportal::domain::actor::Origin {
                idempotency_key: Some(format!("race-{i}")),
                ..Default::default()
            };
            tokio::spawn(async move {
                let input = orders::PlaceOrder { quote_id: Some(quote), payment_method: "invoice".into() };
                orders::place_order(&portal, &actor, &origin, input).await
            })
        })
        .collect();
    let mut placed = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => placed += 1,
            Err(flexportal::domain::error::Error::Conflict(_)) => {}
            Err(other) => panic!("a racing placement failed otherwise: {other}"),
        }
    }
    assert_eq!(placed, 1);
    let list = orders::list_orders(&portal, &actor, orders::OrderFilter::default()).await.unwrap();
    assert_eq!(list.total, 1);
    let balance = flexportal::domain::balance::customer_balance(&portal, &actor, customer_id).await.unwrap();
    assert_eq!(balance.pending.to_string(), "100");
    reconcile(&portal).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_placements_with_one_key_make_one_order_and_answer_it_to_all_that_waited() {
    use flexportal::domain::{orders, quotes};
    let (portal, _db, actor, origin, customer_id) = crate::quotes::concurrent_fixture().await;
    let input = quotes::QuoteInput {
        customer_id: Some(customer_id),
        lines: vec![quotes::LineInput { tokens: json!(100), discount_percent: None }],
        ..Default::default()
    };
    let quote = quotes::create_quote(&portal, &actor, &origin, &input).await.unwrap().id;
    quotes::send_quote(&portal, &actor, &origin, quote).await.unwrap();
    quotes::accept_on_behalf(&portal, &actor, &origin, quote, "注文書").await.unwrap();
    let portal = Arc::new(portal);
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let (portal, actor) = (portal.clone(), actor.clone());
            let origin = flexportal::domain::actor::Origin {
                idempotency_key: Some("one-key".into()),
                ..Default::default()
            };
            tokio::spawn(async move {
                let input = orders::PlaceOrder { quote_id: Some(quote), payment_method: "invoice".into() };
                orders::place_order(&portal, &actor, &origin, input).await
            })
        })
        .collect();
    let mut ids = std::collections::HashSet::new();
    for task in tasks {
        match task.await.unwrap() {
            Ok(view) => {
                ids.insert(view.id);
            }
            // Only while the first request is still running.
            Err(flexportal::domain::error::Error::Conflict(_)) => {}
            Err(other) => panic!("{other}"),
        }
    }
    assert_eq!(ids.len(), 1, "every answer names the one order");
    let list = orders::list_orders(&portal, &actor, orders::OrderFilter::default()).await.unwrap();
    assert_eq!(list.total, 1);
    reconcile(&portal).await;
}
