//! Quote → order → documents → fulfilment → balance; payments and receipts; cancellation.

use rocket::http::Status;
use serde_json::json;

use super::{accepted_quote, at, balance, fulfil, id_of, ledger, place};
use crate::common::{Options, reconcile};
use crate::helpers::{spawn_app, spawn_app_with};
use crate::quotes::{call, customer, reseller};

#[rocket::async_test]
async fn an_accepted_quote_becomes_an_order_with_invoice_and_delivery_note_and_fulfilment_makes_its_pack_available()
 {
    let app =
        spawn_app_with(Options { fake_now: Some(at("2027-02-28T10:00:00+09:00")), ..Default::default() })
            .await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let quote = accepted_quote(&app, &seller, &cust, 1000).await;
    let (_, quoted) = call(&app, "GET", &format!("/api/v1/quotes/{quote}"), &seller.token, json!(null)).await;

    let (status, order) = place(&app, &seller, &quote, "invoice").await;
    assert_eq!(status, Status::Created, "{order}");
    assert_eq!(order["number"], "EXMP-O-2027-00001");
    assert_eq!(order["status"], "placed");
    assert_eq!(order["tokens"], "1000");
    assert_eq!(order["total"], quoted["total"], "the order keeps the quote's frozen total");
    assert_eq!(order["tax"], quoted["tax"]);
    assert_eq!(order["customer"]["company_name"], "株式会社サンプル顧客");
    let kinds: Vec<_> = order["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["kind"].clone(), d["number"].clone()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (json!("invoice"), json!("EXMP-I-2027-00001")),
            (json!("delivery_note"), json!("EXMP-D-2027-00001"))
        ]
    );
    assert_eq!(order["pack"]["status"], "pending");
    // Bought on 28 February 2027 in Tokyo: usable through the end of 28 February 2028 there.
    assert_eq!(order["pack"]["expires_at"], "2028-02-28T15:00:00Z");
    assert_eq!(order["pack"]["last_day"], "2028-02-28");
    let (_, quote_now) =
        call(&app, "GET", &format!("/api/v1/quotes/{quote}"), &seller.token, json!(null)).await;
    assert_eq!(quote_now["status"], "ordered");

    let before = balance(&app, &seller, &cust).await;
    assert_eq!((before["available"].as_str(), before["pending"].as_str()), (Some("0"), Some("1000")));

    // Each document verifies publicly by its code, naming its kind, number, hash and total.
    for document in order["documents"].as_array().unwrap() {
        let code = document["verify_code"].as_str().unwrap();
        let response = app.client.get(format!("/api/v1/verify/{code}")).dispatch().await;
        assert_eq!(response.status(), Status::Ok);
        let verified: serde_json::Value = response.into_json().await.unwrap();
        assert_eq!(verified["kind"], document["kind"]);
        assert_eq!(verified["number"], document["number"]);
        assert_eq!(verified["sha256"], document["sha256"]);
        assert_eq!(verified["addressee"], "株式会社サンプル顧客");
        let digits: String =
            verified["total"].as_str().unwrap().chars().filter(char::is_ascii_digit).collect();
        assert_eq!(json!(digits), quoted["total"]["amount"], "{verified}");
        // The stored PDF is what the hash says.
        let kind = document["kind"].as_str().unwrap().replace('_', "-");
        let pdf = app
            .client
            .get(format!("/api/v1/orders/{}/documents/{kind}.pdf", id_of(&order)))
            .header(crate::helpers::bearer(&seller.token))
            .dispatch()
            .await;
        assert_eq!(pdf.status(), Status::Ok);
        let bytes = pdf.into_bytes().await.unwrap();
        assert!(bytes.starts_with(b"%PDF"));
        use sha2::Digest;
        let digest: String = sha2::Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(json!(digest), document["sha256"]);
    }

    // The customer is mailed about the order, with every document listed.
    let mail = flexportal::mail::outbox_page(&app.portal().db, 0, 50).await.unwrap().0;
    let placed = mail.iter().find(|m| m.kind == "order.placed").expect("the order mail");
    assert_eq!(placed.to, "yamada@customer.example");
    assert!(
        placed.body.contains("EXMP-I-2027-00001") && placed.body.contains("EXMP-D-2027-00001"),
        "{}",
        placed.body
    );

    let (status, fulfilled) = fulfil(&app, &seller, &id_of(&order)).await;
    assert_eq!(status, Status::Ok, "{fulfilled}");
    assert_eq!(fulfilled["status"], "fulfilled");
    assert_eq!(fulfilled["autodesk_order_ref"], "ADSK-1");
    assert_eq!(fulfilled["pack"]["status"], "available");
    let after = balance(&app, &seller, &cust).await;
    assert_eq!(after["status"], "active");
    assert_eq!((after["available"].as_str(), after["pending"].as_str()), (Some("1000"), Some("0")));
    assert_eq!(after["purchased_total"], "1000");
    assert_eq!(after["packs"][0]["expires_at"], "2028-02-28T15:00:00Z");
    assert_eq!(after["packs"][0]["remaining"], "1000");
    let entries = ledger(&app, &seller, &cust).await;
    assert_eq!(entries.len(), 1);
    assert_eq!(
        (entries[0]["kind"].as_str(), entries[0]["tokens"].as_str()),
        (Some("purchase"), Some("1000"))
    );
    assert_eq!(entries[0]["reference"], "order:EXMP-O-2027-00001");
    reconcile(app.portal()).await;
}

#[rocket::async_test]
async fn a_pack_bought_on_29_february_expires_at_the_end_of_28_february_a_year_later_and_the_sweep_expires_exactly_what_is_left()
 {
    let app =
        spawn_app_with(Options { fake_now: Some(at("2028-02-29T10:00:00+09:00")), ..Default::default() })
            .await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let quote = accepted_quote(&app, &seller, &cust, 300).await;
    let (status, order) = place(&app, &seller, &quote, "bank_transfer").await;
    assert_eq!(status, Status::Created, "{order}");
    assert_eq!(order["pack"]["expires_at"], "2029-02-28T15:00:00Z");
    assert_eq!(order["pack"]["last_day"], "2029-02-28");
    let (status, _) = fulfil(&app, &seller, &id_of(&order)).await;
    assert_eq!(status, Status::Ok);

    // The last instant of 28 February 2029 in Tokyo: still usable, nothing expires.
    app.portal().clock.set(at("2029-02-28T23:59:59+09:00"));
    let seller = super::signed_in_again(&app, seller).await;
    let report = flexportal::domain::balance::sweep(app.portal()).await.unwrap();
    assert_eq!(report.expired_packs, 0);
    assert_eq!(balance(&app, &seller, &cust).await["available"], "300");

    app.portal().clock.set(at("2029-03-01T00:00:00+09:00"));
    let report = flexportal::domain::balance::sweep(app.portal()).await.unwrap();
    assert_eq!((report.expired_packs, report.expired_tokens.to_string()), (1, "300".to_owned()));
    assert!(report.reconciliation.is_ok(), "{}", report.reconciliation);
    let after = balance(&app, &seller, &cust).await;
    assert_eq!(after["available"], "0");
    assert_eq!(after["packs"][0]["status"], "expired");
    assert_eq!(after["packs"][0]["remaining"], "0");
    let entries = ledger(&app, &seller, &cust).await;
    assert_eq!((entries[0]["kind"].as_str(), entries[0]["tokens"].as_str()), (Some("expiry"), Some("-300")));
    // A second sweep (or another instance) expires nothing again.
    let again = flexportal::domain::balance::sweep(app.portal()).await.unwrap();
    assert_eq!(again.expired_packs, 0);
    assert_eq!(ledger(&app, &seller, &cust).await.len(), 2);
    reconcile(app.portal()).await;
}

#[rocket::async_test]
async fn a_card_order_has_its_receipt_at_once_and_a_payment_later_issues_one_receipt_once() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;

    let card_quote = accepted_quote(&app, &seller, &cust, 100).await;
    let (status, card) = place(&app, &seller, &card_quote, "card").await;
    assert_eq!(status, Status::Created, "{card}");
    let kinds: Vec<_> = card["documents"].as_array().unwrap().iter().map(|d| d["kind"].clone()).collect();
    assert_eq!(kinds, vec![json!("invoice"), json!("delivery_note"), json!("receipt")]);
    assert_eq!(card["payments"][0]["method"], "card");

    let quote = accepted_quote(&app, &seller, &cust, 200).await;
    let (_, order) = place(&app, &seller, &quote, "invoice").await;
    let path = format!("/api/v1/orders/{}/payments", id_of(&order));
    let today = app.portal().clock.now().with_timezone(&chrono_tz::Asia::Tokyo).date_naive();
    let tomorrow = today.succ_opt().unwrap();
    let (status, refused) = call(
        &app,
        "POST",
        &path,
        &seller.token,
        json!({"paid_on": tomorrow.to_string(), "method": "bank_transfer"}),
    )
    .await;
    assert_eq!(status, Status::UnprocessableEntity, "{refused}");
    assert!(refused.to_string().contains("paid_on"), "{refused}");
    let (status, refused) =
        call(&app, "POST", &path, &seller.token, json!({"paid_on": "yesterday", "method": "cash"})).await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(refused.to_string().contains("paid_on") && refused.to_string().contains("method"), "{refused}");

    let body = json!({"paid_on": today.to_string(), "method": "bank_transfer"});
    let (status, paid) = call(&app, "POST", &path, &seller.token, body.clone()).await;
    assert_eq!(status, Status::Ok, "{paid}");
    let receipts: Vec<_> =
        paid["documents"].as_array().unwrap().iter().filter(|d| d["kind"] == "receipt").collect();
    assert_eq!(receipts.len(), 1);
    let year = chrono::Datelike::year(&today);
    assert_eq!(receipts[0]["number"], format!("EXMP-R-{year}-00002"));
    let code = receipts[0]["verify_code"].as_str().unwrap();
    let verified: serde_json::Value =
        app.client.get(format!("/api/v1/verify/{code}")).dispatch().await.into_json().await.unwrap();
    assert_eq!((&verified["kind"], &verified["sha256"]), (&json!("receipt"), &receipts[0]["sha256"]));
    // Recording the same payment again changes nothing.
    let (status, again) = call(&app, "POST", &path, &seller.token, body).await;
    assert_eq!(status, Status::Ok);
    assert_eq!(again["documents"], paid["documents"]);
    assert_eq!(again["payments"].as_array().unwrap().len(), 1);
    // A different one is refused.
    let (status, _) =
        call(&app, "POST", &path, &seller.token, json!({"paid_on": today.to_string(), "method": "card"}))
            .await;
    assert_eq!(status, Status::Conflict);
    reconcile(app.portal()).await;
}

#[rocket::async_test]
async fn cancelling_before_fulfilment_voids_the_pack_with_a_reversal_and_issues_a_credit_note_and_after_fulfilment_is_refused()
 {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let quote = accepted_quote(&app, &seller, &cust, 500).await;
    let (_, order) = place(&app, &seller, &quote, "invoice").await;
    let path = format!("/api/v1/orders/{}/cancel", id_of(&order));
    let (status, refused) = call(&app, "POST", &path, &seller.token, json!({"reason": "  "})).await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(refused.to_string().contains("reason"), "{refused}");
    let (status, cancelled) = call(&app, "POST", &path, &seller.token, json!({"reason": "顧客都合"})).await;
    assert_eq!(status, Status::Ok, "{cancelled}");
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["pack"]["status"], "voided");
    let credit = cancelled["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "credit_note")
        .expect("credit note");
    assert!(credit["number"].as_str().unwrap().contains("-C-"), "{credit}");
    let entries = ledger(&app, &seller, &cust).await;
    assert_eq!(
        (entries[0]["kind"].as_str(), entries[0]["tokens"].as_str()),
        (Some("reversal"), Some("-500"))
    );
    let shown = balance(&app, &seller, &cust).await;
    assert_eq!((shown["available"].as_str(), shown["pending"].as_str()), (Some("0"), Some("0")));
    let mail = flexportal::mail::outbox_page(&app.portal().db, 0, 50).await.unwrap().0;
    assert!(
        mail.iter()
            .any(|m| m.kind == "order.cancelled" && m.body.contains(credit["number"].as_str().unwrap()))
    );
    let (status, _) = call(&app, "POST", &path, &seller.token, json!({"reason": "again"})).await;
    assert_eq!(status, Status::Conflict);

    // A fulfilled order cannot be cancelled.
    let quote = accepted_quote(&app, &seller, &cust, 100).await;
    let (_, order) = place(&app, &seller, &quote, "invoice").await;
    fulfil(&app, &seller, &id_of(&order)).await;
    let (status, refused) = call(
        &app,
        "POST",
        &format!("/api/v1/orders/{}/cancel", id_of(&order)),
        &seller.token,
        json!({"reason": "遅すぎ"}),
    )
    .await;
    assert_eq!(status, Status::Conflict, "{refused}");
    assert!(
        refused["detail"].as_str().unwrap_or_default().contains("fulfilled")
            || refused.to_string().contains("納品済み"),
        "{refused}"
    );
    let (status, _) = fulfil(&app, &seller, &id_of(&order)).await;
    assert_eq!(status, Status::Conflict, "fulfilling twice is refused");
    reconcile(app.portal()).await;
}

#[rocket::async_test]
async fn an_order_nobody_fulfilled_is_fulfilled_by_the_sweep_after_24_hours() {
    let app =
        spawn_app_with(Options { fake_now: Some(at("2027-06-01T09:00:00+09:00")), ..Default::default() })
            .await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let quote = accepted_quote(&app, &seller, &cust, 100).await;
    let (_, order) = place(&app, &seller, &quote, "invoice").await;
    app.portal().clock.set(at("2027-06-02T08:59:59+09:00"));
    assert_eq!(flexportal::domain::balance::sweep(app.portal()).await.unwrap().auto_fulfilled, 0);
    app.portal().clock.set(at("2027-06-02T09:00:00+09:00"));
    assert_eq!(flexportal::domain::balance::sweep(app.portal()).await.unwrap().auto_fulfilled, 1);
    let seller = super::signed_in_again(&app, seller).await;
    let (_, read) =
        call(&app, "GET", &format!("/api/v1/orders/{}", id_of(&order)), &seller.token, json!(null)).await;
    assert_eq!(read["status"], "fulfilled");
    assert_eq!(read["pack"]["available_at"], "2027-06-02T00:00:00Z");
    assert_eq!(balance(&app, &seller, &cust).await["available"], "100");
    reconcile(app.portal()).await;
}
