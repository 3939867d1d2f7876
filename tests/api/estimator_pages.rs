//! The public estimator on the quote-request pages: a GET form that works without JavaScript, the
//! result with the historical label and the expiry warning, and a button that opens the request form
//! (routed or to one partner) with the suggested purchase filled in; in Japanese and English.

use rocket::http::{ContentType, Status};

use crate::common::partner;
use crate::estimator::{AUTOMATION, MODEL_DERIVATIVE};
use crate::helpers::{TestApp, form, spawn_app};
use crate::page_forms::request_fields;

async fn page(app: &TestApp, path: &str) -> (Status, String) {
    let response = app.client.get(path.to_owned()).dispatch().await;
    (response.status(), response.into_string().await.unwrap_or_default())
}

/// The `action` of the form whose submit button has `id`, and its hidden `tokens`.
fn use_button(html: &str) -> (String, String) {
    let at = html.find("id=\"use-estimate\"").expect("a use-this button");
    let form_start = html[..at].rfind("<form").unwrap();
    let form = &html[form_start..at];
    let action = form.split("action=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let tokens = form.split("name=\"tokens\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    (action, tokens)
}

/// The value of the request form's `tokens` field.
fn request_tokens(html: &str) -> String {
    html.split("id=\"tokens\" name=\"tokens\" inputmode=\"numeric\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned()
}

#[rocket::async_test]
async fn the_request_form_offers_the_estimator_with_the_rates_and_their_historical_label() {
    let app = spawn_app().await;
    let (status, en) = page(&app, "/quote-request?lang=en").await;
    assert_eq!(status, Status::Ok);
    for text in [
        "Not sure how many tokens? Estimate them from your use",
        "form method=\"get\" action=\"/estimate\"",
        "name=\"api\" value=\"model_derivative_basic\"",
        "1 token per 300,000 calls",
        "3 tokens per 1 processing hours",
        "historical rate",
    ] {
        assert!(en.contains(text), "{text} missing from the English request form");
    }
    let (_, ja) = page(&app, "/quote-request?lang=ja").await;
    for text in ["利用量から試算できます", "300,000 回の呼び出しあたり1トークン", "過去のレート", "試算する"]
    {
        assert!(ja.contains(text), "{text} missing from the Japanese request form");
    }
}

#[rocket::async_test]
async fn an_estimate_fills_the_routed_request_form_with_the_suggested_purchase() {
    let app = spawn_app().await;
    let query = format!("api={MODEL_DERIVATIVE}&units=3%2C000%2C000&api={AUTOMATION}&units=&lang=en");
    let (status, html) = page(&app, &format!("/estimate?{query}")).await;
    assert_eq!(status, Status::Ok, "{html}");
    for text in [
        "id=\"tokens-per-month\">10<",
        "id=\"tokens-per-year\">120<",
        "id=\"suggested-purchase\">120<",
        "expire one year after purchase",
        "historical rate",
        "value=\"3,000,000\"",
    ] {
        assert!(html.contains(text), "{text} missing from the result");
    }
    let (action, tokens) = use_button(&html);
    assert_eq!((action.as_str(), tokens.as_str()), ("/quote-request", "120"));
    let (status, request) = page(&app, &format!("{action}?tokens={tokens}")).await;
    assert_eq!(status, Status::Ok);
    assert_eq!(request_tokens(&request), "120", "the request form is pre-filled");
    // Without a suggestion, or with junk in its place, the form starts at the minimum.
    for path in ["/quote-request", "/quote-request?tokens=%3Cb%3E", "/quote-request?tokens=-5"] {
        assert_eq!(request_tokens(&page(&app, path).await.1), "100", "{path}");
    }
}

#[rocket::async_test]
async fn tiny_use_suggests_the_minimum_purchase_in_japanese() {
    let app = spawn_app().await;
    let (status, html) = page(&app, &format!("/estimate?api={AUTOMATION}&units=2.5&lang=ja")).await;
    assert_eq!(status, Status::Ok);
    for text in [
        "id=\"tokens-per-month\">7.5<",
        "id=\"suggested-purchase\">100<",
        "最小購入数は100トークン",
        "有効期限は購入から1年",
        "この数で見積を依頼する",
    ] {
        assert!(html.contains(text), "{text} missing from the Japanese result");
    }
}

#[rocket::async_test]
async fn the_partner_request_form_gets_the_suggestion_and_a_request_can_be_sent_with_it() {
    let app = spawn_app().await;
    partner("exmp").create(app.portal()).await;
    let (_, form_page) = page(&app, "/partners/exmp/quote-request?lang=en").await;
    assert!(form_page.contains("name=\"partner\" value=\"exmp\""), "the estimator remembers the partner");
    let (status, html) =
        page(&app, &format!("/estimate?partner=exmp&api={AUTOMATION}&units=100&lang=en")).await;
    assert_eq!(status, Status::Ok);
    assert!(html.contains("exmp KK"), "the partner is named");
    let (action, tokens) = use_button(&html);
    assert_eq!((action.as_str(), tokens.as_str()), ("/partners/exmp/quote-request", "3600"));
    let (_, request) = page(&app, &format!("{action}?tokens={tokens}")).await;
    assert_eq!(request_tokens(&request), "3600");
    let csrf = crate::helpers::extract_csrf(&request);
    let response = app
        .client
        .post(action)
        .header(ContentType::Form)
        .body(form(&request_fields(&csrf, "taro@sample.example", &tokens)))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::SeeOther, "the suggested number is a valid request");
    // A partner that cannot take requests is not there.
    let (status, _) = page(&app, &format!("/estimate?partner=nobody&api={AUTOMATION}&units=1")).await;
    assert_eq!(status, Status::NotFound);
}

#[rocket::async_test]
async fn bad_use_on_the_page_is_shown_at_its_field_and_never_a_server_error() {
    let app = spawn_app().await;
    let (status, html) = page(&app, &format!("/estimate?api={AUTOMATION}&units=-1&lang=en")).await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(html.contains("id=\"units-automation_fusion-error\">Enter 0 or more."), "{html}");
    assert!(html.contains("aria-invalid=\"true\""));
    assert!(!html.contains("id=\"use-estimate\""), "no suggestion from bad input");
    let (status, html) = page(&app, &format!("/estimate?api={MODEL_DERIVATIVE}&units=&lang=en")).await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(html.contains("Add at least one API and its monthly use."));
    let (status, html) = page(&app, "/estimate?api=%3Cscript%3E&units=1&lang=en").await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(!html.contains("<script>"), "what was typed is escaped");
    assert!(html.contains("No rate is in force for this API"));
    // Opening the page without a question shows the form only.
    let (status, html) = page(&app, "/estimate?lang=en").await;
    assert_eq!(status, Status::Ok);
    assert!(html.contains("id=\"estimator-form\"") && !html.contains("id=\"estimate-result\""));
}
