//! What is checked again when a quote is sent: a tax rule must be in force for the customer's
//! country on the send date (customers outside Japan are sent under a 0% "not subject" rule and
//! their quote says so), and each line's discount must be within the partner's current maximum.

use rocket::http::{Accept, Status};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::helpers::spawn_app;
use crate::quotes::{call, customer, draft, reseller};

async fn send(app: &crate::helpers::TestApp, token: &str, id: &str) -> (Status, Value) {
    call(app, "POST", &format!("/api/v1/quotes/{id}/send"), token, json!({})).await
}

#[rocket::async_test]
async fn a_quote_for_a_country_without_a_tax_rule_in_force_is_not_sent() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let us = customer(&app, &seller, "US").await;
    let quote = draft(&app, &seller, &us, json!([{"tokens": 100}])).await;
    app.portal().db.conn().execute_unprepared("DELETE FROM tax_rules WHERE country = 'US'").await.unwrap();

    let id = quote["id"].as_str().unwrap();
    let (status, body) = send(&app, &seller.token, id).await;
    assert_eq!(status, Status::Conflict, "{body}");
    let detail = body["detail"].as_str().unwrap();
    assert!(detail.contains("税ルール") && detail.contains("US"), "{detail}");
    let (_, still) = call(&app, "GET", &format!("/api/v1/quotes/{id}"), &seller.token, json!({})).await;
    assert_eq!((still["status"].as_str(), still["number"].as_str()), (Some("draft"), None));
    let mails = app
        .portal()
        .db
        .conn()
        .query_all_raw(sea_orm::Statement::from_string(
            app.portal().db.conn().get_database_backend(),
            "SELECT id FROM outbox".to_owned(),
        ))
        .await
        .unwrap();
    assert!(mails.is_empty(), "nothing was mailed");
}

#[rocket::async_test]
async fn a_customer_outside_japan_is_quoted_not_subject_to_japanese_consumption_tax() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let us = customer(&app, &seller, "US").await;
    let quote = draft(&app, &seller, &us, json!([{"tokens": 100}])).await;
    let id = quote["id"].as_str().unwrap();
    let (status, sent) = send(&app, &seller.token, id).await;
    assert_eq!(status, Status::Ok, "{sent}");

    let (_, view) = call(&app, "GET", &format!("/api/v1/quotes/{id}"), &seller.token, json!({})).await;
    let tax: f64 = view["tax"]["amount"].as_str().unwrap().parse().unwrap();
    assert_eq!((tax, view["tax_treatment"].as_str()), (0.0, Some("not_subject")), "{view}");
    let token = sent["public_url"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
    let public: Value =
        app.client.get(format!("/api/v1/public/quotes/{token}")).dispatch().await.into_json().await.unwrap();
    assert_eq!(public["tax_treatment"], "not_subject");
    let page = app
        .client
        .get(format!("/q/{token}"))
        .header(Accept::HTML)
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(page.contains("不課税"), "the customer's page says 不課税");
    assert!(!page.contains("消費税（0%）"), "and not a 0% consumption tax");

    let jp = customer(&app, &seller, "JP").await;
    let domestic = draft(&app, &seller, &jp, json!([{"tokens": 100}])).await;
    assert_eq!(domestic["tax_treatment"], "taxable");
}

#[rocket::async_test]
async fn a_draft_above_the_partners_lowered_maximum_discount_is_not_sent() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let jp = customer(&app, &seller, "JP").await;
    let quote =
        draft(&app, &seller, &jp, json!([{"tokens": 100}, {"tokens": 200, "discount_percent": "8"}])).await;
    flexportal::domain::partners::update_partner(
        app.portal(),
        &crate::common::operator(),
        &Default::default(),
        seller.partner_id,
        |p| p.max_discount_percent = "5".into(),
    )
    .await
    .unwrap();

    let id = quote["id"].as_str().unwrap();
    let (status, body) = send(&app, &seller.token, id).await;
    assert_eq!(status, Status::UnprocessableEntity, "{body}");
    assert_eq!(body["errors"].as_array().map(Vec::len), Some(1), "only the discounted line: {body}");
    assert_eq!(body["errors"][0]["field"], "lines[1].discount_percent");
    let message = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("8%") && message.contains("5%"), "{body}");
    let (_, still) = call(&app, "GET", &format!("/api/v1/quotes/{id}"), &seller.token, json!({})).await;
    assert_eq!(still["status"], "draft");

    let (status, _) = call(
        &app,
        "PATCH",
        &format!("/api/v1/quotes/{id}"),
        &seller.token,
        json!({
        "lines": [{"tokens": 100}, {"tokens": 200, "discount_percent": "5"}]}),
    )
    .await;
    assert_eq!(status, Status::Ok);
    let (status, sent) = send(&app, &seller.token, id).await;
    assert_eq!(status, Status::Ok, "at the current maximum it goes out: {sent}");
}
