//! The order forms: placing once, fulfilling, recording a payment and cancelling, with the CSRF
//! token required, errors beside the field and another partner's orders out of reach.

use rocket::http::{ContentType, Status};
use serde_json::{Value, json};

use super::{
    accepted_quote, balance, order_id_of, orders_total, place_from_page, post_form, reconciles, submit_form,
};
use crate::helpers::{extract_csrf, form, spawn_app};
use crate::quotes::{call, customer, reseller};
use crate::workspace_pages::{field_value, get, location, signed_in};

#[rocket::async_test]
async fn an_accepted_quote_is_ordered_once_however_often_its_form_is_sent() {
    let app = spawn_app().await;
    let seller = signed_in(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let quote = accepted_quote(&app, &seller, &cust, 300).await;
    let (_, landing) = get(&app, "/app?lang=en").await;
    assert!(landing.contains("id=\"count-accepted\"><span class=\"stat-number\">1<"), "{landing}");

    let page = format!("/app/quotes/{quote}");
    let (status, html) = get(&app, &page).await;
    assert_eq!(status, Status::Ok);
    assert!(html.contains(&format!("action=\"/app/quotes/{quote}/order\"")), "{html}");
    let (csrf, nonce) = (extract_csrf(&html), field_value(&html, "nonce"));
    assert_eq!(nonce.len(), 32, "the form carries a one-time nonce");
    let action = format!("/app/quotes/{quote}/order");
    let fields = [("payment_method", "bank_transfer")];

    let first = location(&post_form(&app, &action, &csrf, &nonce, &fields).await);
    assert!(first.ends_with("?done=placed"), "{first}");
    let order = order_id_of(&first);
    // A double click or a reload sends the same nonce: the first answer again.
    let again = location(&post_form(&app, &action, &csrf, &nonce, &fields).await);
    assert_eq!(order_id_of(&again), order);
    // A form opened in another tab before the order (another nonce) shows the order, not an error.
    let other_tab =
        location(&post_form(&app, &action, &csrf, &uuid::Uuid::new_v4().simple().to_string(), &fields).await);
    assert_eq!(other_tab, format!("/app/orders/{order}?done=existing"));
    assert_eq!(orders_total(&app, &seller).await, 1, "one order");

    let (_, html) = get(&app, &format!("/app/orders/{order}?done=existing&lang=en")).await;
    assert!(html.contains("An order was already placed for this quote; here it is."), "{html}");
    let (_, html) = get(&app, &format!("{page}?lang=en")).await;
    assert!(!html.contains("id=\"place-order-button\""), "an ordered quote offers no order form");
    assert!(html.contains(&format!("href=\"/app/orders/{order}\" id=\"quote-order-link\"")), "{html}");
    let (_, landing) = get(&app, "/app?lang=en").await;
    assert!(
        landing.contains("id=\"count-accepted\"><span class=\"stat-number\">0<"),
        "an ordered quote leaves the count"
    );
    reconciles(&app).await;
}

#[rocket::async_test]
async fn order_forms_need_the_csrf_token() {
    let app = spawn_app().await;
    let seller = signed_in(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let quote = accepted_quote(&app, &seller, &cust, 100).await;
    let post = |path: String, fields: Vec<(&'static str, &'static str)>| {
        let body = form(&fields);
        let client = &app.client;
        async move { client.post(path).header(ContentType::Form).body(body).dispatch().await.status() }
    };
    let status = post(format!("/app/quotes/{quote}/order"), vec![("payment_method", "invoice")]).await;
    assert_eq!(status, Status::Forbidden);
    assert_eq!(orders_total(&app, &seller).await, 0, "no order without the token");

    let order = place_from_page(&app, &quote, "invoice").await;
    for (action, fields) in [
        ("fulfil", vec![("autodesk_order_ref", "ADSK-1")]),
        ("payments", vec![("paid_on", "2026-01-05"), ("method", "invoice")]),
        ("cancel", vec![("reason", "誤発注"), ("confirm", "true")]),
    ] {
        let status = post(format!("/app/orders/{order}/{action}"), fields).await;
        assert_eq!(status, Status::Forbidden, "{action}");
    }
    let (_, view) = call(&app, "GET", &format!("/api/v1/orders/{order}"), &seller.token, Value::Null).await;
    assert_eq!(view["status"], "placed");
    assert_eq!(view["payments"], json!([]));
    reconciles(&app).await;
}

#[rocket::async_test]
async fn another_partners_order_quote_and_customer_are_not_found() {
    let app = spawn_app().await;
    let other = reseller(&app, "othr").await;
    let their_customer = customer(&app, &other, "JP").await;
    let their_quote = accepted_quote(&app, &other, &their_customer, 100).await;
    let (status, placed) = call(
        &app,
        "POST",
        "/api/v1/orders",
        &other.token,
        json!({"quote_id": their_quote, "payment_method": "invoice"}),
    )
    .await;
    assert_eq!(status, Status::Created, "{placed}");
    let their_order = placed["id"].as_str().unwrap().to_owned();
    let their_other_quote = accepted_quote(&app, &other, &their_customer, 100).await;

    let seller = signed_in(&app, "exmp").await;
    let (_, own) = get(&app, "/app/orders").await;
    assert!(!own.contains(&their_order), "their order is not in our list");
    for path in [
        format!("/app/orders/{their_order}"),
        format!("/app/orders/{their_order}/documents/invoice.pdf"),
        format!("/app/customers/{their_customer}"),
    ] {
        assert_eq!(get(&app, &path).await.0, Status::NotFound, "{path}");
    }
    let (_, html) = get(&app, "/app/orders").await;
    let csrf = extract_csrf(&html);
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    for (action, fields) in [
        (format!("/app/quotes/{their_other_quote}/order"), vec![("payment_method", "invoice")]),
        (format!("/app/orders/{their_order}/fulfil"), vec![]),
        (
            format!("/app/orders/{their_order}/payments"),
            vec![("paid_on", "2026-01-05"), ("method", "invoice")],
        ),
        (format!("/app/orders/{their_order}/cancel"), vec![("reason", "x"), ("confirm", "true")]),
    ] {
        let status = post_form(&app, &action, &csrf, &nonce, &fields).await.status();
        assert_eq!(status, Status::NotFound, "{action}");
    }
    assert_eq!(orders_total(&app, &other).await, 1, "nothing placed for them");
    assert_eq!(orders_total(&app, &seller).await, 0);
    let (_, view) =
        call(&app, "GET", &format!("/api/v1/orders/{their_order}"), &other.token, Value::Null).await;
    assert_eq!(view["status"], "placed");
    reconciles(&app).await;
}

#[rocket::async_test]
async fn fulfil_pay_and_cancel_from_the_order_page_with_errors_beside_the_field() {
    let app = spawn_app().await;
    let seller = signed_in(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let quote = accepted_quote(&app, &seller, &cust, 250).await;
    let order = place_from_page(&app, &quote, "invoice").await;
    let page = format!("/app/orders/{order}?lang=en");
    let pay = format!("/app/orders/{order}/payments");

    // A payment date that is no date: 422 with the message beside the date, the typed text kept.
    let response = submit_form(&app, &page, &pay, &[("paid_on", "5 Jan"), ("method", "invoice")]).await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let html = response.into_string().await.unwrap();
    assert!(html.contains("id=\"paid_on-error\">Give the payment date as YYYY-MM-DD."), "{html}");
    assert!(html.contains("value=\"5 Jan\""), "{html}");
    let response = submit_form(&app, &page, &pay, &[("paid_on", "2026-01-05"), ("method", "cash")]).await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert!(response.into_string().await.unwrap().contains("id=\"method-error\""));

    // Cancelling asks for the box and a reason, each beside its field.
    let cancel = format!("/app/orders/{order}/cancel");
    let response = submit_form(&app, &page, &cancel, &[("reason", "誤発注")]).await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let html = response.into_string().await.unwrap();
    assert!(
        html.contains("id=\"confirm-error\">Tick the box to confirm the order should be cancelled."),
        "{html}"
    );
    assert!(html.contains("誤発注</textarea>"), "the reason is kept");
    let response = submit_form(&app, &page, &cancel, &[("reason", " "), ("confirm", "true")]).await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert!(
        response
            .into_string()
            .await
            .unwrap()
            .contains("id=\"reason-error\">Give a reason for the cancellation.")
    );

    // An Autodesk reference over 100 characters.
    let fulfil = format!("/app/orders/{order}/fulfil");
    let long = "A".repeat(101);
    let response = submit_form(&app, &page, &fulfil, &[("autodesk_order_ref", &long)]).await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert!(response.into_string().await.unwrap().contains("id=\"autodesk_order_ref-error\""));

    // Payment, then fulfilment: the receipt is issued and the pack becomes available.
    let today = flexportal::domain::Portal::today(app.portal()).to_string();
    let response = submit_form(&app, &page, &pay, &[("paid_on", &today), ("method", "bank_transfer")]).await;
    assert_eq!(location(&response), format!("/app/orders/{order}?done=paid"));
    let response = submit_form(&app, &page, &fulfil, &[("autodesk_order_ref", "ADSK-7788")]).await;
    assert_eq!(location(&response), format!("/app/orders/{order}?done=fulfilled"));
    let (_, html) = get(&app, &format!("/app/orders/{order}?done=fulfilled&lang=en")).await;
    assert!(html.contains("The order was fulfilled: its tokens are available."));
    assert!(html.contains("id=\"order-autodesk-ref\">ADSK-7788<"), "{html}");
    assert!(html.contains("id=\"document-receipt\""), "{html}");
    assert!(html.contains("id=\"pack-status\">Available<"), "{html}");
    assert!(!html.contains("id=\"cancel-order\""), "no cancel form after fulfilment");
    assert_eq!(balance(&app, &seller, &cust).await["available"], "250");

    // A cancel form opened before fulfilment and sent after it: 409 with the reason, no 500.
    let (csrf, nonce) = (extract_csrf(&html), uuid::Uuid::new_v4().simple().to_string());
    let response =
        post_form(&app, &cancel, &csrf, &nonce, &[("reason", "遅すぎた"), ("confirm", "true")]).await;
    assert_eq!(response.status(), Status::Conflict);
    assert!(response.into_string().await.unwrap().contains("it can no longer be cancelled"));

    // Another order, cancelled before fulfilment: a credit note, the pack voided.
    let quote = accepted_quote(&app, &seller, &cust, 100).await;
    let second = place_from_page(&app, &quote, "invoice").await;
    let page = format!("/app/orders/{second}?lang=ja");
    let cancel = format!("/app/orders/{second}/cancel");
    let response = submit_form(&app, &page, &cancel, &[("reason", "顧客都合"), ("confirm", "true")]).await;
    assert_eq!(location(&response), format!("/app/orders/{second}?done=cancelled"));
    let (_, html) = get(&app, &page).await;
    assert!(html.contains("id=\"order-status\">取消済み<"), "{html}");
    assert!(html.contains("id=\"document-credit_note\""), "{html}");
    assert!(html.contains("id=\"pack-status\">無効<"), "{html}");
    let (_, cancelled) = get(&app, "/app/orders?status=cancelled").await;
    assert!(cancelled.contains(&second), "{cancelled}");
    assert!(!cancelled.contains(&order), "the filter shows only cancelled orders: {cancelled}");
    assert_eq!(get(&app, "/app/orders?status=lost").await.0, Status::UnprocessableEntity);
    reconciles(&app).await;
}

#[rocket::async_test]
async fn placing_explains_why_a_quote_cannot_be_ordered() {
    let app = spawn_app().await;
    let seller = signed_in(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let quote = accepted_quote(&app, &seller, &cust, 100).await;
    let page = format!("/app/quotes/{quote}?lang=en");
    let action = format!("/app/quotes/{quote}/order");
    let response = submit_form(&app, &page, &action, &[("payment_method", "cheque")]).await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let html = response.into_string().await.unwrap();
    assert!(html.contains("id=\"payment_method-error\">Choose invoice, bank_transfer or card."), "{html}");

    // The customer lost its purchaser Autodesk ID after accepting: 409 with the reason.
    let path = format!("/api/v1/customers/{cust}");
    let (status, body) =
        call(&app, "PATCH", &path, &seller.token, json!({"purchaser_autodesk_id": ""})).await;
    if status == Status::Ok {
        let response = submit_form(&app, &page, &action, &[("payment_method", "invoice")]).await;
        assert_eq!(response.status(), Status::Conflict);
        assert!(response.into_string().await.unwrap().contains("purchaser Autodesk ID"));
    } else {
        assert_eq!(status, Status::UnprocessableEntity, "{body}");
    }
    assert_eq!(orders_total(&app, &seller).await, 0);
    reconciles(&app).await;
}
