//! Warnings before tokens lapse: 90, 30 and 7 days before an available pack with tokens left
//! expires, the purchaser and the reseller are mailed, each warning exactly once however often the
//! sweep runs (also two sweeps at once), in the customer's and the partner's language; a sweep
//! that missed a mark sends only the most urgent warning; empty and voided packs get none.

use chrono::{DateTime, Duration, Utc};
use flexportal::domain::balance::sweep;
use rocket::http::Status;
use serde_json::json;

use crate::common::{make_user, partner, reconcile};
use crate::helpers::{TestApp, spawn_app_with};
use crate::orders::{accepted_quote, balance, fulfil, id_of, place};
use crate::price_book::on_first_of_december;
use crate::quote_acceptance_mails::outbox;
use crate::quotes::{Reseller, call, customer, reseller};

/// A pack bought at noon on 1 December 2026 in Tokyo can be used through 1 December 2027.
const EXPIRES_AT: &str = "2027-12-01T15:00:00Z";

fn expires_at() -> DateTime<Utc> {
    EXPIRES_AT.parse().unwrap()
}

/// A fulfilled order of `tokens` for the customer; returns the order.
async fn bought(app: &TestApp, seller: &Reseller, cust: &str, tokens: u32) -> serde_json::Value {
    let quote = accepted_quote(app, seller, cust, tokens).await;
    let (status, order) = place(app, seller, &quote, "invoice").await;
    assert_eq!(status, Status::Created, "{order}");
    let (status, body) = fulfil(app, seller, &id_of(&order)).await;
    assert_eq!(status, Status::Ok, "{body}");
    order
}

/// A portal on 1 December 2026 with the reseller `exmp` and one Japanese customer of it.
async fn exmp_customer() -> (TestApp, Reseller, String) {
    let app = spawn_app_with(on_first_of_december()).await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    (app, seller, cust)
}

/// The expiry warnings queued so far as (kind, to, subject, body).
async fn warnings(app: &TestApp) -> Vec<(String, String, String, String)> {
    outbox(app).await.into_iter().filter(|m| m.0.starts_with("pack.expiry_warning")).collect()
}

fn to(mails: &[(String, String, String, String)], address: &str) -> usize {
    mails.iter().filter(|m| m.1 == address).count()
}

async fn sweep_twice_at(app: &TestApp, now: DateTime<Utc>) {
    app.portal().clock.set(now);
    for _ in 0..2 {
        let report = sweep(app.portal()).await.unwrap();
        assert!(report.reconciliation.is_ok(), "{}", report.reconciliation);
    }
}

#[rocket::async_test]
async fn at_90_30_and_7_days_before_expiry_the_purchaser_and_reseller_get_exactly_three_warnings() {
    let (app, seller, cust) = exmp_customer().await;
    bought(&app, &seller, &cust, 100).await;
    assert_eq!(balance(&app, &seller, &cust).await["packs"][0]["expires_at"], json!(EXPIRES_AT));

    sweep_twice_at(&app, expires_at() - Duration::days(91)).await;
    assert!(warnings(&app).await.is_empty(), "nothing before the 90-day mark");
    for days in [90, 30, 7] {
        sweep_twice_at(&app, expires_at() - Duration::days(days)).await;
    }
    let mails = warnings(&app).await;
    assert_eq!(to(&mails, "yamada@customer.example"), 3, "{mails:#?}");
    assert_eq!(to(&mails, "sales@exmp.example"), 3, "{mails:#?}");
    let purchaser: Vec<_> = mails.iter().filter(|m| m.1 == "yamada@customer.example").collect();
    for (mail, days) in purchaser.iter().zip([90, 30, 7]) {
        assert_eq!(mail.0, "pack.expiry_warning.customer");
        assert!(mail.2.contains("100 トークン") && mail.2.contains("2027-12-01"), "{}", mail.2);
        assert!(mail.3.contains("株式会社サンプル顧客 山田 太郎 様"), "{}", mail.3);
        assert!(mail.3.contains(&format!("{days}日以内")), "{}", mail.3);
        assert!(mail.3.contains("利用できる最終日: 2027-12-01（Asia/Tokyo）"), "{}", mail.3);
    }

    sweep_twice_at(&app, expires_at()).await;
    assert_eq!(warnings(&app).await.len(), 6, "the pack expired: no more warnings");
    reconcile(app.portal()).await;
}

#[rocket::async_test]
async fn a_sweep_that_missed_the_90_day_mark_sends_only_the_30_day_warning() {
    let (app, seller, cust) = exmp_customer().await;
    let order = bought(&app, &seller, &cust, 100).await;
    sweep_twice_at(&app, expires_at() - Duration::days(25)).await;
    let mails = warnings(&app).await;
    assert_eq!((to(&mails, "yamada@customer.example"), to(&mails, "sales@exmp.example")), (1, 1));
    assert!(mails.iter().all(|m| m.3.contains("30日以内")), "{mails:#?}");
    let pack = order["pack"]["id"].as_str().unwrap().parse().unwrap();
    let recorded =
        flexportal::storage::expiry_warnings::recorded_for(app.portal().db.conn(), pack).await.unwrap();
    assert_eq!(recorded, [90, 30], "the skipped warning is recorded without a mail");
    sweep_twice_at(&app, expires_at() - Duration::days(6)).await;
    assert_eq!(to(&warnings(&app).await, "yamada@customer.example"), 2);
    reconcile(app.portal()).await;
}

#[rocket::async_test]
async fn two_sweeps_at_once_send_each_warning_once() {
    let (app, seller, cust) = exmp_customer().await;
    for tokens in [100, 200, 300] {
        bought(&app, &seller, &cust, tokens).await;
    }
    app.portal().clock.set(expires_at() - Duration::days(90));
    let (first, second) = tokio::join!(sweep(app.portal()), sweep(app.portal()));
    let warned = first.unwrap().expiry_warnings + second.unwrap().expiry_warnings;
    assert_eq!(warned, 3, "three packs, each warned by one of the two sweeps");
    let mails = warnings(&app).await;
    assert_eq!((to(&mails, "yamada@customer.example"), to(&mails, "sales@exmp.example")), (3, 3));
    reconcile(app.portal()).await;
}

/// Uses up `tokens` through usage ingestion, as Autodesk's usage report would.
async fn use_up(app: &TestApp, seller: &Reseller, cust: &str, tokens: &str) {
    crate::usage::developer(app, seller, cust, "dev@customer.example").await;
    let at = (app.portal().clock.now() - Duration::minutes(1)).to_rfc3339();
    let event = crate::usage::event("use-up", &at, "dev@customer.example", tokens);
    let (status, body) = crate::usage::send(app, seller, cust, vec![event]).await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(crate::usage::outcomes(&body), ["applied"], "{body}");
}

#[rocket::async_test]
async fn a_pack_with_no_tokens_left_or_voided_gets_no_warning() {
    let (app, seller, cust) = exmp_customer().await;
    bought(&app, &seller, &cust, 100).await;
    use_up(&app, &seller, &cust, "100").await;
    let quote = accepted_quote(&app, &seller, &cust, 100).await;
    let (_, cancelled) = place(&app, &seller, &quote, "invoice").await;
    let path = format!("/api/v1/orders/{}/cancel", id_of(&cancelled));
    let (status, body) = call(&app, "POST", &path, &seller.token, json!({"reason": "取消"})).await;
    assert_eq!(status, Status::Ok, "{body}");
    for days in [90, 30, 7] {
        sweep_twice_at(&app, expires_at() - Duration::days(days)).await;
    }
    assert!(warnings(&app).await.is_empty());
    reconcile(app.portal()).await;
}

#[rocket::async_test]
async fn the_purchaser_reads_the_customers_language_and_the_reseller_the_partners() {
    let app = spawn_app_with(on_first_of_december()).await;
    let mut builder = partner("intl").languages(&["en", "ja"]);
    builder.0.invoice_registration_number = "T7000012050002".into();
    builder.0.email = "sales@intl.example".into();
    let row = builder.create(app.portal()).await;
    make_user(app.portal(), "sales@intl.example", "partner_sales", Some(row.id)).await;
    let english_partner = Reseller { token: app.token("sales@intl.example").await, partner_id: row.id };
    let (status, created) = call(&app, "POST", "/api/v1/customers", &english_partner.token, json!({
        "company_name": "Example Design Ltd", "contact_name": "Jane Doe", "email": "jane@design.example",
        "country": "GB", "language": "en", "time_zone": "Europe/London", "purchaser_autodesk_id": "jane@design.example"}))
    .await;
    assert_eq!(status, Status::Created, "{created}");
    bought(&app, &english_partner, &id_of(&created), 250).await;
    let japanese_partner = reseller(&app, "exmp").await;
    let cust = customer(&app, &japanese_partner, "JP").await;
    bought(&app, &japanese_partner, &cust, 100).await;

    // The end of 1 December is 2 December 00:00 in London (GMT) and 15:00 UTC on 1 December in Tokyo.
    sweep_twice_at(&app, "2027-11-25T12:00:00Z".parse().unwrap()).await;
    let mails = warnings(&app).await;
    let find = |address: &str| mails.iter().find(|m| m.1 == address).unwrap_or_else(|| panic!("{mails:#?}"));
    let jane = find("jane@design.example");
    assert!(jane.2.contains("250 tokens of your Autodesk Flex tokens expire on 2027-12-01"), "{}", jane.2);
    assert!(jane.3.starts_with("Dear Jane Doe,") && jane.3.contains("within 7 days"), "{}", jane.3);
    assert!(jane.3.contains("Last day they can be used: 2027-12-01 (Europe/London)"), "{}", jane.3);
    let intl = find("sales@intl.example");
    assert!(intl.2.contains("Example Design Ltd: 250 tokens expire on 2027-12-01"), "{}", intl.2);
    assert!(intl.3.contains("Customer: Example Design Ltd") && intl.3.contains("Tokens left: 250 tokens"));
    let yamada = find("yamada@customer.example");
    assert!(yamada.2.starts_with("【有効期限のお知らせ】"), "{}", yamada.2);
    let exmp = find("sales@exmp.example");
    assert!(exmp.2.contains("株式会社サンプル顧客：100 トークン が 2027-12-01 に失効します"), "{}", exmp.2);
    assert!(exmp.3.contains("残りトークン: 100 トークン"), "{}", exmp.3);
    reconcile(app.portal()).await;
}
