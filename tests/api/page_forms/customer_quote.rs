//! The customer's quote page: the terms beside the box they tick, what they typed kept on a
//! refusal, and declining only once confirmed.

use rocket::http::{ContentType, Status};

use super::sent_quote_token;
use crate::helpers::{form, spawn_app};

#[rocket::async_test]
async fn a_missed_checkbox_keeps_the_typed_name() {
    let app = spawn_app().await;
    let token = sent_quote_token(&app).await;
    let csrf = app.csrf_from(&format!("/q/{token}?lang=ja")).await;
    let response = app
        .client
        .post(format!("/q/{token}/accept"))
        .header(ContentType::Form)
        .body(form(&[("_csrf", &csrf), ("name", "山田 <太郎>")]))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let html = response.into_string().await.unwrap();
    assert!(html.contains("id=\"agree-error\""));
    assert!(html.contains("value=\"山田 &lt;太郎&gt;\""), "{html}");
}

#[rocket::async_test]
async fn the_customer_reads_the_terms_beside_the_box_they_tick_in_both_languages() {
    let app = spawn_app().await;
    let token = sent_quote_token(&app).await;
    for (lang, terms) in [
        (
            "ja",
            [
                "Autodesk Flex トークンの有効期限は購入日から1年間です。期限の時点で残っているトークンは失効します。",
                "最小購入数は100トークンで、以降は1トークン単位です。",
                "購入したトークンが利用可能になるまで、最大24時間かかる場合があります。",
                "トークン残高がマイナスの場合、購入したトークンはまずマイナス分の相殺に充てられます。",
            ],
        ),
        (
            "en",
            [
                "Autodesk Flex tokens can be used for one year from purchase; tokens left at that point lapse.",
                "The minimum purchase is 100 tokens, then any whole number of tokens.",
                "Purchased tokens can take up to 24 hours to become available.",
                "If your token balance is negative, the tokens you buy first offset that deficit.",
            ],
        ),
    ] {
        let html =
            app.client.get(format!("/q/{token}?lang={lang}")).dispatch().await.into_string().await.unwrap();
        let form = html.split("action=\"/q/").nth(1).unwrap().split("</form>").next().unwrap();
        let (before_box, _) = form.split_once("id=\"accept-agree\"").unwrap();
        assert!(before_box.contains("id=\"quote-terms\""), "{lang}: the terms are in the acceptance form");
        for term in terms {
            assert!(before_box.contains(&format!("<li>{term}</li>")), "{lang}: {term} missing from {form}");
        }
    }
}

#[rocket::async_test]
async fn declining_asks_the_customer_to_confirm_and_keeps_the_reason() {
    let app = spawn_app().await;
    let token = sent_quote_token(&app).await;
    let html = app.client.get(format!("/q/{token}?lang=ja")).dispatch().await.into_string().await.unwrap();
    assert!(html.contains("id=\"decline-confirm\""));
    let csrf = app.csrf_from(&format!("/q/{token}?lang=ja")).await;
    let response = app
        .client
        .post(format!("/q/{token}/decline?lang=ja"))
        .header(ContentType::Form)
        .body(form(&[("_csrf", &csrf), ("reason", "予算の都合")]))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let html = response.into_string().await.unwrap();
    assert!(
        html.contains("id=\"confirm-error\">辞退する場合は確認欄にチェックを入れてください。<"),
        "{html}"
    );
    assert!(html.contains(">予算の都合</textarea>"), "the reason is kept");
    assert!(html.contains("id=\"accept-submit\""), "still open: nothing was declined");
    let response = app
        .client
        .post(format!("/q/{token}/decline"))
        .header(ContentType::Form)
        .body(form(&[("_csrf", &csrf), ("reason", "予算の都合"), ("confirm", "true")]))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::SeeOther);
}
