//! When the customer accepts through the link, the reseller is told and the customer gets a
//! confirmation with the SHA-256 of the PDF they accepted, both queued with the acceptance; the
//! reseller's landing page counts accepted quotes waiting for an order.

use rocket::http::{ContentType, Status};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::common::{make_user, partner};
use crate::helpers::{TestApp, spawn_app};
use crate::quotes::{Reseller, call, customer, draft, reseller};

/// Each queued mail as (kind, to, subject, body), oldest first.
pub async fn outbox(app: &TestApp) -> Vec<(String, String, String, String)> {
    let conn = app.portal().db.conn();
    let rows = conn
        .query_all_raw(Statement::from_string(
            conn.get_database_backend(),
            "SELECT kind, to_address, subject, body_text FROM outbox ORDER BY created_at, kind".to_owned(),
        ))
        .await
        .unwrap();
    rows.iter()
        .map(|r| {
            let get = |c: &str| r.try_get::<String>("", c).unwrap();
            (get("kind"), get("to_address"), get("subject"), get("body_text"))
        })
        .collect()
}

async fn english_reseller(app: &TestApp, slug: &str) -> Reseller {
    let mut builder = partner(slug).languages(&["en", "ja"]);
    builder.0.invoice_registration_number = "T7000012050002".into();
    builder.0.email = format!("sales@{slug}.example");
    let row = builder.create(app.portal()).await;
    let email = format!("sales@{slug}.example");
    make_user(app.portal(), &email, "partner_sales", Some(row.id)).await;
    Reseller { token: app.token(&email).await, partner_id: row.id }
}

/// Sends a 100-token quote to a Japanese-speaking customer; returns (link token, PDF hash).
async fn sent_quote(app: &TestApp, seller: &Reseller) -> (String, String) {
    let jp = customer(app, seller, "JP").await;
    let quote = draft(app, seller, &jp, json!([{"tokens": 100}])).await;
    let id = quote["id"].as_str().unwrap();
    let (status, sent) =
        call(app, "POST", &format!("/api/v1/quotes/{id}/send"), &seller.token, json!({})).await;
    assert_eq!(status, Status::Ok, "{sent}");
    let token = sent["public_url"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
    (token, sent["pdf_sha256"].as_str().unwrap().to_owned())
}

async fn accept(app: &TestApp, token: &str, body: Value) -> Status {
    app.client
        .post(format!("/api/v1/public/quotes/{token}/accept"))
        .header(ContentType::JSON)
        .body(body.to_string())
        .dispatch()
        .await
        .status()
}

#[rocket::async_test]
async fn accepting_mails_the_reseller_in_its_language_and_the_customer_the_accepted_pdfs_hash() {
    let app = spawn_app().await;
    let seller = english_reseller(&app, "exmp").await;
    let (token, sha256) = sent_quote(&app, &seller).await;
    assert_eq!(accept(&app, &token, json!({"name": "山田 太郎", "agree": true})).await, Status::Ok);

    let mails = outbox(&app).await;
    let kinds: Vec<&str> = mails.iter().map(|m| m.0.as_str()).collect();
    assert_eq!(kinds, ["quote.sent", "quote.accepted.customer", "quote.accepted.partner"], "{mails:?}");
    let partner_mail = &mails[2];
    assert_eq!(partner_mail.1, "sales@exmp.example");
    assert!(
        partner_mail.2.contains("was accepted"),
        "in the partner's first language, English: {partner_mail:?}"
    );
    assert!(partner_mail.3.contains("山田 太郎") && partner_mail.3.contains(&sha256), "{partner_mail:?}");
    let confirmation = &mails[1];
    assert_eq!(confirmation.1, "yamada@customer.example");
    assert!(confirmation.2.contains("ご承諾の確認"), "in the quote's language, Japanese: {confirmation:?}");
    assert!(confirmation.3.contains(&sha256), "names the accepted PDF's hash: {confirmation:?}");
    assert!(confirmation.3.contains("様") && !confirmation.3.contains("御中"), "{confirmation:?}");
}

#[rocket::async_test]
async fn a_reseller_without_languages_is_mailed_in_japanese() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let (token, _) = sent_quote(&app, &seller).await;
    assert_eq!(accept(&app, &token, json!({"name": "山田 太郎", "agree": true})).await, Status::Ok);
    let mails = outbox(&app).await;
    let partner_mail = mails.iter().find(|m| m.0 == "quote.accepted.partner").unwrap();
    assert!(partner_mail.2.contains("見積書承諾"), "{partner_mail:?}");
}

#[rocket::async_test]
async fn a_refused_or_repeated_acceptance_mails_no_one() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let (token, _) = sent_quote(&app, &seller).await;
    assert_eq!(
        accept(&app, &token, json!({"name": "山田 太郎", "agree": false})).await,
        Status::UnprocessableEntity
    );
    assert_eq!(outbox(&app).await.len(), 1, "only the quote itself was mailed");
    assert_eq!(accept(&app, &token, json!({"name": "山田 太郎", "agree": true})).await, Status::Ok);
    assert_eq!(accept(&app, &token, json!({"name": "山田 太郎", "agree": true})).await, Status::Conflict);
    assert_eq!(outbox(&app).await.len(), 3, "one acceptance, two mails");
}

#[rocket::async_test]
async fn the_landing_page_counts_accepted_quotes_waiting_for_an_order_of_this_reseller_only() {
    let app = spawn_app().await;
    let other = reseller(&app, "othr").await;
    let (theirs, _) = sent_quote(&app, &other).await;
    assert_eq!(accept(&app, &theirs, json!({"name": "佐藤 花子", "agree": true})).await, Status::Ok);
    let seller = reseller(&app, "exmp").await;
    let (token, _) = sent_quote(&app, &seller).await;
    sent_quote(&app, &seller).await;
    assert_eq!(accept(&app, &token, json!({"name": "山田 太郎", "agree": true})).await, Status::Ok);
    assert_eq!(app.browser_login("sales@exmp.example").await.status(), Status::SeeOther, "signed in");

    for (lang, words) in [("en", "accepted quotes waiting for an order"), ("ja", "承諾済みで注文待ち")]
    {
        let (status, html) = crate::workspace_pages::get(&app, &format!("/app?lang={lang}")).await;
        assert_eq!(status, Status::Ok);
        let at = html.find("id=\"count-accepted\"").expect("the accepted count is shown");
        let card = &html[at..];
        assert_eq!(
            card.split("stat-number\">").nth(1).unwrap().split('<').next().unwrap(),
            "1",
            "not the other reseller's"
        );
        assert!(card.contains(words), "{lang}");
        assert!(html.contains("href=\"/app/quotes?status=accepted\""));
    }
}

#[rocket::async_test]
async fn a_new_quote_request_is_mailed_to_each_reseller_in_its_own_language() {
    let app = spawn_app().await;
    let mut japanese = partner("jp-seller");
    japanese.0.email = "sales@jp-seller.example".into();
    japanese.create(app.portal()).await;
    english_reseller(&app, "en-seller").await;
    for slug in ["jp-seller", "en-seller"] {
        let response = crate::quotes::submit_request(
            &app,
            json!({
            "partner": slug, "company": "株式会社サンプル顧客", "contact_name": "山田 太郎",
            "email": "yamada@customer.example", "autodesk_id": "buyer@customer.example", "tokens": 1000,
            "country": "JP", "region": "JP-13", "language": "ja"}),
        )
        .await;
        assert_eq!(response.status(), Status::Created);
    }
    let mails = outbox(&app).await;
    let routed = |to: &str| {
        mails
            .iter()
            .find(|m| m.0 == "quote_request.routed" && m.1 == to)
            .cloned()
            .unwrap_or_else(|| panic!("no mail to {to}: {mails:?}"))
    };
    let (_, _, subject, body) = routed("sales@jp-seller.example");
    assert!(subject.contains("新しい見積依頼"), "{subject}");
    assert!(body.contains("お客様が選択") && body.contains("1,000"), "{body}");
    assert!(!body.contains("Why you"), "{body}");
    let (_, _, subject, body) = routed("sales@en-seller.example");
    assert!(subject.contains("New quote request"), "{subject}");
    assert!(body.contains("chosen by the customer"), "{body}");
}
