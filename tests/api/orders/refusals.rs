//! Placement refusals name their reason: 409 for the quote's or the partner's state, 422 for
//! input, 404 for another partner's quote.

use rocket::http::Status;
use sea_orm::ConnectionTrait;
use serde_json::json;

use super::{accepted_quote, at, place, sent_quote};
use crate::common::{Options, reconcile};
use crate::helpers::{spawn_app, spawn_app_with};
use crate::quotes::{call, customer, draft, reseller};

fn says(body: &serde_json::Value, words: &str) -> bool {
    body.to_string().contains(words)
}

#[rocket::async_test]
async fn drafts_unanswered_withdrawn_and_other_partners_quotes_cannot_be_ordered() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;

    let draft_id =
        draft(&app, &seller, &cust, json!([{"tokens": 100}])).await["id"].as_str().unwrap().to_owned();
    let (status, body) = place(&app, &seller, &draft_id, "invoice").await;
    assert_eq!(status, Status::Conflict, "{body}");
    assert!(says(&body, "下書き"), "{body}");

    let sent = sent_quote(&app, &seller, &cust, 100).await;
    let (status, body) = place(&app, &seller, &sent, "invoice").await;
    assert_eq!(status, Status::Conflict, "{body}");
    assert!(says(&body, "承諾されていません"), "{body}");

    let withdrawn = sent_quote(&app, &seller, &cust, 100).await;
    let (status, _) =
        call(&app, "POST", &format!("/api/v1/quotes/{withdrawn}/withdraw"), &seller.token, json!({})).await;
    assert_eq!(status, Status::Ok);
    let (status, body) = place(&app, &seller, &withdrawn, "invoice").await;
    assert_eq!(status, Status::Conflict, "{body}");
    assert!(says(&body, "取り下げ"), "{body}");

    let accepted = accepted_quote(&app, &seller, &cust, 100).await;
    let other = reseller(&app, "othr").await;
    let (status, _) = place(&app, &other, &accepted, "invoice").await;
    assert_eq!(status, Status::NotFound, "another partner's quote does not exist for them");
    let (status, body) = place(&app, &seller, &accepted, "cash").await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(says(&body, "payment_method"), "{body}");
    let (status, body) =
        call(&app, "POST", "/api/v1/orders", &seller.token, json!({"payment_method": "invoice"})).await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(says(&body, "quote_id"), "{body}");
    let (status, _) = call(
        &app,
        "POST",
        "/api/v1/orders",
        &seller.token,
        json!({"quote_id": "nope", "payment_method": "invoice"}),
    )
    .await;
    assert_eq!(status, Status::UnprocessableEntity);

    // The placed order is invisible to the other partner too.
    let (status, order) = place(&app, &seller, &accepted, "invoice").await;
    assert_eq!(status, Status::Created, "{order}");
    let id = order["id"].as_str().unwrap();
    for path in [
        format!("/api/v1/orders/{id}"),
        format!("/api/v1/orders/{id}/documents/invoice.pdf"),
        format!("/api/v1/customers/{cust}/balance"),
        format!("/api/v1/customers/{cust}/ledger"),
    ] {
        let (status, _) = call(&app, "GET", &path, &other.token, json!(null)).await;
        assert_eq!(status, Status::NotFound, "{path}");
    }
    for path in [format!("/api/v1/orders/{id}/fulfil"), format!("/api/v1/orders/{id}/cancel")] {
        let (status, _) = call(&app, "POST", &path, &other.token, json!({"reason": "x"})).await;
        assert!(status == Status::NotFound || status == Status::UnprocessableEntity, "{path}: {status}");
    }
    let (_, theirs) = call(&app, "GET", "/api/v1/orders", &other.token, json!(null)).await;
    assert_eq!(theirs["total"], 0);
    reconcile(app.portal()).await;
}

#[rocket::async_test]
async fn an_expired_quote_cannot_be_ordered() {
    let app =
        spawn_app_with(Options { fake_now: Some(at("2027-05-10T10:00:00+09:00")), ..Default::default() })
            .await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let quote = sent_quote(&app, &seller, &cust, 100).await;
    app.portal().clock.set(at("2027-12-31T10:00:00+09:00"));
    let seller = super::signed_in_again(&app, seller).await;
    let (status, body) = place(&app, &seller, &quote, "invoice").await;
    assert_eq!(status, Status::Conflict, "{body}");
    assert!(says(&body, "有効期限"), "{body}");
}

#[rocket::async_test]
async fn a_partner_whose_flex_agreement_lapsed_after_acceptance_cannot_order() {
    let app =
        spawn_app_with(Options { fake_now: Some(at("2027-03-31T23:00:00+09:00")), ..Default::default() })
            .await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let quote = accepted_quote(&app, &seller, &cust, 100).await;
    app.portal()
        .db
        .conn()
        .execute_unprepared("UPDATE partners SET flex_expires_on = '2027-03-31'")
        .await
        .unwrap();
    // 1 April in Tokyo (still 31 March in UTC): the agreement has lapsed.
    app.portal().clock.set(at("2027-04-01T00:30:00+09:00"));
    let seller = super::signed_in_again(&app, seller).await;
    let (status, body) = place(&app, &seller, &quote, "invoice").await;
    assert_eq!(status, Status::Conflict, "{body}");
    assert!(says(&body, "Flex"), "{body}");
}

#[rocket::async_test]
async fn a_customer_without_a_purchaser_autodesk_id_cannot_be_ordered_for() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let quote = accepted_quote(&app, &seller, &cust, 100).await;
    app.portal()
        .db
        .conn()
        .execute_unprepared("UPDATE customers SET purchaser_autodesk_id = ''")
        .await
        .unwrap();
    let (status, body) = place(&app, &seller, &quote, "invoice").await;
    assert_eq!(status, Status::Conflict, "{body}");
    assert!(says(&body, "Autodesk ID"), "{body}");
}
