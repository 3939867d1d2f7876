//! The pages as people use them, in Japanese and English: forms that forgive how people type and
//! never act twice on a reload, confirmation before what cannot be undone, the customer's quote and
//! verification pages, the operator's pages and the Japanese wording.

mod customer_quote;
mod operator;
mod request_form;
mod verification;
mod wording;
mod workspace;

use rocket::http::Status;
use serde_json::json;

use crate::helpers::TestApp;
use crate::quotes::{Reseller, call, customer, draft, reseller};

pub async fn inbox_total(app: &TestApp, seller: &Reseller) -> u64 {
    let (status, body) = call(app, "GET", "/api/v1/quote-requests", &seller.token, json!(null)).await;
    assert_eq!(status, Status::Ok, "{body}");
    body["total"].as_u64().unwrap()
}

pub fn request_fields<'a>(csrf: &'a str, email: &'a str, tokens: &'a str) -> Vec<(&'static str, &'a str)> {
    // The fixture partners speak Japanese, so routed requests find them.
    vec![
        ("_csrf", csrf),
        ("company", "Sample Co"),
        ("contact_name", "Taro"),
        ("email", email),
        ("autodesk_id", "taro@sample.example"),
        ("tokens", tokens),
        ("country", "JP"),
        ("region", "JP-13"),
        ("language", "ja"),
    ]
}

/// A sent quote to a Japanese customer; its link token.
pub async fn sent_quote_token(app: &TestApp) -> String {
    let seller = reseller(app, "exmp").await;
    let cust = customer(app, &seller, "JP").await;
    let quote = draft(app, &seller, &cust, json!([{"tokens": 100}])).await;
    let path = format!("/api/v1/quotes/{}/send", quote["id"].as_str().unwrap());
    let (status, sent) = call(app, "POST", &path, &seller.token, json!({})).await;
    assert_eq!(status, Status::Ok, "{sent}");
    sent["public_url"].as_str().unwrap().rsplit('/').next().unwrap().to_owned()
}
