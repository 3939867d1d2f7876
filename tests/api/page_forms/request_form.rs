//! The public quote request form: post/redirect/get (a reload never sends again), quantities and
//! e-mail addresses read as people type them, and routing reasons in the reader's language.

use rocket::http::{ContentType, Cookie, Status};
use serde_json::json;

use super::{inbox_total, request_fields};
use crate::helpers::{form, spawn_app};
use crate::quotes::{call, reseller};

#[rocket::async_test]
async fn the_request_form_answers_303_to_a_thank_you_page_that_reloads_without_sending_again() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let csrf = app.csrf_from("/partners/exmp/quote-request?lang=en").await;
    let response = app
        .client
        .post("/partners/exmp/quote-request?lang=en")
        .header(ContentType::Form)
        .body(form(&request_fields(&csrf, "taro@sample.example", "250")))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::SeeOther);
    let location = response.headers().get_one("Location").unwrap().to_owned();
    assert_eq!(location, "/quote-request/sent");
    let receipt = response.cookies().get("flexportal_request_receipt").unwrap().value().to_owned();
    assert!(!receipt.contains("taro"), "the address is signed, not in a URL");
    let mut reference = String::new();
    for _reload in 0..3 {
        let response = app.client.get(location.clone()).dispatch().await;
        assert_eq!(response.status(), Status::Ok);
        let html = response.into_string().await.unwrap();
        assert!(html.contains("taro@sample.example") && html.contains("exmp KK"), "{html}");
        let shown = html.split("<code>").nth(1).unwrap().split("</code>").next().unwrap().to_owned();
        assert!(shown.starts_with("QR-"));
        assert!(reference.is_empty() || reference == shown, "the same reference on every reload");
        reference = shown;
    }
    assert_eq!(inbox_total(&app, &seller).await, 1, "reloading the thank-you page sends nothing");
    // A receipt someone altered or made up is not a page.
    let (head, signature) = receipt.rsplit_once('.').unwrap();
    let altered = format!("{head}.{}", signature.chars().rev().collect::<String>());
    for forged in [altered.as_str(), "x"] {
        let response = app
            .client
            .get("/quote-request/sent")
            .cookie(Cookie::new("flexportal_request_receipt", forged.to_owned()))
            .dispatch()
            .await;
        assert_eq!(response.status(), Status::NotFound, "{forged}");
    }
}

#[rocket::async_test]
async fn the_routed_request_form_also_redirects_to_its_thank_you_page() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let csrf = app.csrf_from("/quote-request?lang=ja").await;
    let response = app
        .client
        .post("/quote-request")
        .header(ContentType::Form)
        .body(form(&request_fields(&csrf, "taro@sample.example", "100")))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::SeeOther);
    let location = response.headers().get_one("Location").unwrap().to_owned();
    let html = app.client.get(format!("{location}?lang=ja")).dispatch().await.into_string().await.unwrap();
    assert!(html.contains("株式会社exmp") && html.contains("id=\"reference\""), "{html}");
    app.client.get(location).dispatch().await;
    assert_eq!(inbox_total(&app, &seller).await, 1);
}

#[rocket::async_test]
async fn the_request_form_reads_quantities_and_addresses_as_people_type_them() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let csrf = app.csrf_from("/partners/exmp/quote-request?lang=en").await;
    for typed in ["１０００", "1,000", "１，０００", " 1000 "] {
        let mut fields = request_fields(&csrf, "ｔａｒｏ１＠ｓａｍｐｌｅ．ｅｘａｍｐｌｅ\u{3000} ", typed);
        fields.retain(|(name, _)| *name != "company");
        fields.push(("company", "Sample Co  "));
        let response = app
            .client
            .post("/partners/exmp/quote-request")
            .header(ContentType::Form)
            .body(form(&fields))
            .dispatch()
            .await;
        assert_eq!(response.status(), Status::SeeOther, "{typed:?}");
        let html =
            app.client.get("/quote-request/sent?lang=en").dispatch().await.into_string().await.unwrap();
        assert!(html.contains("We sent a confirmation to taro1@sample.example."), "{html}");
    }
    let (_, inbox) = call(&app, "GET", "/api/v1/quote-requests", &seller.token, json!(null)).await;
    let items = inbox["items"].as_array().unwrap();
    assert_eq!(items.len(), 4);
    for item in items {
        assert_eq!(item["tokens"], 1000, "{item}");
        assert_eq!(item["email"], "taro1@sample.example", "{item}");
        assert_eq!(item["company"], "Sample Co", "{item}");
    }
}

#[rocket::async_test]
async fn a_quantity_the_form_cannot_read_gets_the_editors_message_in_both_languages() {
    let app = spawn_app().await;
    reseller(&app, "exmp").await;
    for (lang, typed, message) in [
        ("en", "abc", "Enter the number of tokens in digits."),
        ("ja", "abc", "トークン数は数字で入力してください。"),
        ("en", "1,5", "Enter digits, with commas only between groups of three (e.g. 1000 or 1,000)."),
        ("en", "10,00", "Enter digits, with commas only between groups of three (e.g. 1000 or 1,000)."),
        ("en", "99", "Enter a whole number of at least 100."),
        ("ja", "９９", "100以上の整数で入力してください。"),
        ("en", "100.5", "Tokens are sold in whole numbers; remove the decimals."),
    ] {
        let csrf = app.csrf_from(&format!("/partners/exmp/quote-request?lang={lang}")).await;
        let response = app
            .client
            .post(format!("/partners/exmp/quote-request?lang={lang}"))
            .header(ContentType::Form)
            .body(form(&request_fields(&csrf, "taro@sample.example", typed)))
            .dispatch()
            .await;
        assert_eq!(response.status(), Status::UnprocessableEntity, "{typed:?}");
        let html = response.into_string().await.unwrap();
        assert!(html.contains(&format!("id=\"tokens-error\">{message}<")), "{typed:?}: {html}");
        assert!(!html.contains("JSON"), "{typed:?}");
        // What was typed stays in the field, and the other fields keep their values.
        assert!(html.contains(&format!("value=\"{typed}\"")) && html.contains("value=\"Sample Co\""));
    }
}

#[rocket::async_test]
async fn routing_reasons_are_stored_as_codes_and_read_in_the_readers_language() {
    let app = spawn_app().await;
    let seller = crate::workspace_pages::signed_in(&app, "exmp").await;
    // One request chosen by the customer, one routed by the portal.
    for path in ["/partners/exmp/quote-request", "/quote-request"] {
        let csrf = app.csrf_from(path).await;
        let response = app
            .client
            .post(path)
            .header(ContentType::Form)
            .body(form(&request_fields(&csrf, "taro@sample.example", "100")))
            .dispatch()
            .await;
        assert_eq!(response.status(), Status::SeeOther, "{path}");
    }
    let (_, inbox) = call(&app, "GET", "/api/v1/quote-requests", &seller.token, json!(null)).await;
    let mut codes: Vec<&str> =
        inbox["items"].as_array().unwrap().iter().map(|i| i["reason_code"].as_str().unwrap()).collect();
    codes.sort_unstable();
    assert_eq!(codes, ["chosen", "routed:gold:JP-13:ja:1"], "{inbox}");
    let html = app.client.get("/app/requests?lang=ja").dispatch().await.into_string().await.unwrap();
    assert!(html.contains("お客様が選択"), "{html}");
    assert!(
        html.contains(
            "Flex 特約が有効なゴールド販売店で、東京都・日本語に対応（振り分け時の未対応の依頼 1 件）"
        ),
        "{html}"
    );
    assert!(!html.contains("chosen by the customer") && !html.contains("open request"));
    let html = app.client.get("/app/requests?lang=en").dispatch().await.into_string().await.unwrap();
    assert!(html.contains("chosen by the customer"));
    assert!(html.contains("gold partner with a current Flex agreement serving Tokyo in Japanese; 1 open request(s) when routed"), "{html}");
}

#[rocket::async_test]
async fn unreadable_quantities_still_count_against_the_clients_request_limit() {
    let options = crate::common::Options {
        extra: vec![("quote_requests_per_client_per_hour", json!(2))],
        ..crate::common::Options::default()
    };
    let app = crate::helpers::spawn_app_with(options).await;
    reseller(&app, "exmp").await;
    let csrf = app.csrf_from("/partners/exmp/quote-request?lang=en").await;
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let response = app
            .client
            .post("/partners/exmp/quote-request")
            .header(ContentType::Form)
            .body(form(&request_fields(&csrf, "taro@sample.example", "lots")))
            .dispatch()
            .await;
        statuses.push(response.status());
    }
    assert_eq!(statuses, [Status::UnprocessableEntity, Status::UnprocessableEntity, Status::TooManyRequests]);
}
