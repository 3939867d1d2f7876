//! The public forms as people use them: post/redirect/get (a reload never sends again), quantities
//! and e-mails typed the way people type them, and the document verification form.

use rocket::http::{ContentType, Cookie, Status};
use serde_json::json;

use crate::common::Options;
use crate::helpers::{TestApp, form, spawn_app, spawn_app_with};
use crate::quotes::{Reseller, call, customer, draft, reseller};

async fn inbox_total(app: &TestApp, seller: &Reseller) -> u64 {
    let (status, body) = call(app, "GET", "/api/v1/quote-requests", &seller.token, json!(null)).await;
    assert_eq!(status, Status::Ok, "{body}");
    body["total"].as_u64().unwrap()
}

fn request_fields<'a>(csrf: &'a str, email: &'a str, tokens: &'a str) -> Vec<(&'static str, &'a str)> {
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
async fn creating_a_user_on_the_operator_page_redirects_so_a_reload_creates_nobody_twice() {
    let app = spawn_app().await;
    app.user("ops@example.com", "admin").await;
    app.browser_login("ops@example.com").await;
    let csrf = app.csrf_from("/admin/users?lang=en").await;
    let response = app
        .client
        .post("/admin/users")
        .header(ContentType::Form)
        .body(form(&[
            ("_csrf", &csrf),
            ("email", "new+staff@example.com"),
            ("display_name", "New Staff"),
            ("role", "admin"),
            ("password", crate::common::PASSWORD),
            ("locale", "en"),
        ]))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::SeeOther);
    let location = response.headers().get_one("Location").unwrap().to_owned();
    assert_eq!(location, "/admin/users?created=new%2Bstaff@example.com");
    let html = app.client.get(format!("{location}&lang=en")).dispatch().await.into_string().await.unwrap();
    assert!(html.contains("User new+staff@example.com was created."), "{html}");
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

/// A quote sent at 05:00 on 1 December in Tokyo (20:00 UTC the day before); its verification code.
async fn quote_sent_early_morning_in_tokyo() -> (TestApp, String, serde_json::Value) {
    let at =
        chrono::DateTime::parse_from_rfc3339("2026-11-30T20:00:00Z").unwrap().with_timezone(&chrono::Utc);
    let app = spawn_app_with(Options { fake_now: Some(at), ..Options::default() }).await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let quote = draft(&app, &seller, &cust, json!([{"tokens": 100}])).await;
    let path = format!("/api/v1/quotes/{}/send", quote["id"].as_str().unwrap());
    let (status, sent) = call(&app, "POST", &path, &seller.token, json!({})).await;
    assert_eq!(status, Status::Ok, "{sent}");
    let token = sent["public_url"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
    let public: serde_json::Value =
        app.client.get(format!("/api/v1/public/quotes/{token}")).dispatch().await.into_json().await.unwrap();
    let code = public["verify_code"].as_str().unwrap().to_owned();
    (app, code, sent)
}

#[rocket::async_test]
async fn verification_shows_the_issue_date_in_the_customers_zone_the_total_and_the_addressee() {
    let (app, code, sent) = quote_sent_early_morning_in_tokyo().await;
    for (lang, date) in [("ja", "2026年12月1日"), ("en", "1 Dec 2026")] {
        let response = app.client.get(format!("/verify/{code}?lang={lang}")).dispatch().await;
        assert_eq!(response.status(), Status::Ok);
        let html = response.into_string().await.unwrap();
        assert!(html.contains(&format!("id=\"verify-issued\">{date}")), "{lang}: {html}");
        assert!(!html.contains("2026-11-30") && !html.contains("UTC"), "{lang}: {html}");
        assert!(html.contains("id=\"verify-total\">¥42,900<"), "{lang}: {html}");
        assert!(html.contains("id=\"verify-addressee\">株式会社サンプル顧客<"), "{lang}: {html}");
        assert!(html.contains(sent["number"].as_str().unwrap()));
    }
    // Codes are read as people type them: lower case, surrounding spaces.
    let typed = format!("%20{}%20", code.to_lowercase());
    assert_eq!(app.client.get(format!("/verify/{typed}")).dispatch().await.status(), Status::Ok);
    let api: serde_json::Value =
        app.client.get(format!("/api/v1/verify/{code}")).dispatch().await.into_json().await.unwrap();
    assert_eq!(api["issued_on"], "2026-12-01", "{api}");
    assert_eq!(api["time_zone"], "Asia/Tokyo", "{api}");
    assert_eq!(api["total"], "¥42,900", "{api}");
    assert_eq!(api["addressee"], "株式会社サンプル顧客", "{api}");
}

#[rocket::async_test]
async fn the_verification_form_takes_a_typed_code_and_a_wrong_code_is_no_such_document() {
    let (app, code, _) = quote_sent_early_morning_in_tokyo().await;
    for lang in ["ja", "en"] {
        let response = app.client.get(format!("/verify?lang={lang}")).dispatch().await;
        assert_eq!(response.status(), Status::Ok);
        let html = response.into_string().await.unwrap();
        assert!(
            html.contains("<form method=\"get\" action=\"/verify\"") && html.contains("id=\"verify-code\"")
        );
    }
    let response = app.client.get(format!("/verify?code=+{}+", code.to_lowercase())).dispatch().await;
    assert_eq!(response.status(), Status::SeeOther);
    assert_eq!(response.headers().get_one("Location"), Some(format!("/verify/{code}").as_str()));
    // An empty code shows the form again.
    assert_eq!(app.client.get("/verify?code=").dispatch().await.status(), Status::Ok);
    for (lang, text) in
        [("ja", "この検証コードの書類はありません。"), ("en", "No document has this verification code.")]
    {
        let response = app.client.get(format!("/verify/NOPE1234?lang={lang}")).dispatch().await;
        assert_eq!(response.status(), Status::NotFound);
        let html = response.into_string().await.unwrap();
        assert!(html.contains(&format!("id=\"verify-missing\">{text}<")), "{lang}: {html}");
        // The form is there to try again, with what was typed.
        assert!(html.contains("id=\"verify-code\"") && html.contains("value=\"NOPE1234\""), "{lang}: {html}");
    }
    // A code with characters no code has is simply not found, never an error.
    let response = app.client.get("/verify?code=%3Cscript%3E").dispatch().await;
    assert_eq!(response.status(), Status::SeeOther);
    let location = response.headers().get_one("Location").unwrap().to_owned();
    let response = app.client.get(location).dispatch().await;
    assert_eq!(response.status(), Status::NotFound);
    assert!(!response.into_string().await.unwrap().contains("<script>"));
}

/// A sent quote to a Japanese customer; its link token.
async fn sent_quote_token(app: &TestApp) -> String {
    let seller = reseller(app, "exmp").await;
    let cust = customer(app, &seller, "JP").await;
    let quote = draft(app, &seller, &cust, json!([{"tokens": 100}])).await;
    let path = format!("/api/v1/quotes/{}/send", quote["id"].as_str().unwrap());
    let (status, sent) = call(app, "POST", &path, &seller.token, json!({})).await;
    assert_eq!(status, Status::Ok, "{sent}");
    sent["public_url"].as_str().unwrap().rsplit('/').next().unwrap().to_owned()
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

async fn quote_status(app: &TestApp, seller: &Reseller, id: &str) -> String {
    let (_, quote) = call(app, "GET", &format!("/api/v1/quotes/{id}"), &seller.token, json!(null)).await;
    quote["status"].as_str().unwrap().to_owned()
}

#[rocket::async_test]
async fn sending_and_withdrawing_ask_for_confirmation_first() {
    use crate::workspace_pages::{location, signed_in, submit};
    let app = spawn_app().await;
    let seller = signed_in(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let id = draft(&app, &seller, &cust, json!([{"tokens": 100}])).await["id"].as_str().unwrap().to_owned();
    let page = format!("/app/quotes/{id}?lang=en");
    let html = app.client.get(page.clone()).dispatch().await.into_string().await.unwrap();
    assert!(html.contains("name=\"confirm\"") && html.contains("id=\"send-confirm\""), "{html}");

    let response = submit(&app, &page, &format!("/app/quotes/{id}/send"), &[]).await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let html = response.into_string().await.unwrap();
    assert!(html.contains("Tick the box to confirm the quote should go to the customer now."), "{html}");
    assert_eq!(quote_status(&app, &seller, &id).await, "draft", "nothing was sent");
    let response = submit(&app, &page, &format!("/app/quotes/{id}/send"), &[("confirm", "true")]).await;
    assert!(location(&response).ends_with("?done=sent"));
    assert_eq!(quote_status(&app, &seller, &id).await, "sent");

    let html = app.client.get(page.clone()).dispatch().await.into_string().await.unwrap();
    assert!(html.contains("id=\"withdraw-confirm\""));
    let response = submit(&app, &page, &format!("/app/quotes/{id}/withdraw"), &[]).await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert!(
        response
            .into_string()
            .await
            .unwrap()
            .contains("Tick the box to confirm the quote should be withdrawn.")
    );
    assert_eq!(quote_status(&app, &seller, &id).await, "sent", "nothing was withdrawn");
    let response = submit(&app, &page, &format!("/app/quotes/{id}/withdraw"), &[("confirm", "true")]).await;
    assert!(location(&response).ends_with("?done=withdrawn"));
    assert_eq!(quote_status(&app, &seller, &id).await, "withdrawn");
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

#[rocket::async_test]
async fn error_pages_show_the_signed_in_header_to_signed_in_users() {
    let app = spawn_app().await;
    assert!(
        !app.client
            .get("/no-such-page")
            .dispatch()
            .await
            .into_string()
            .await
            .unwrap()
            .contains("class=\"who\"")
    );
    crate::workspace_pages::signed_in(&app, "exmp").await;
    let missing_quote = format!("/app/quotes/{}?lang=en", uuid::Uuid::new_v4());
    for path in [missing_quote.as_str(), "/no-such-page?lang=en"] {
        let response = app.client.get(path.to_owned()).dispatch().await;
        assert_eq!(response.status(), Status::NotFound, "{path}");
        let html = response.into_string().await.unwrap();
        assert!(html.contains("class=\"who\" href=\"/account\""), "{path}: {html}");
        assert!(html.contains("href=\"/app/quotes\""), "{path}: the workspace navigation");
        // The sign-out button works from the error page: its form carries this session's token.
        let csrf = crate::helpers::extract_csrf(&html);
        assert!(!csrf.is_empty(), "{path}");
        let response = app
            .client
            .post("/logout")
            .header(ContentType::Form)
            .body(form(&[("_csrf", &csrf)]))
            .dispatch()
            .await;
        assert_eq!(response.status(), Status::SeeOther, "{path}");
        app.browser_login("sales@exmp.example").await;
    }
}

fn partner_form<'a>(csrf: &'a str, extra: &[(&'static str, &'a str)]) -> String {
    let mut fields = vec![
        ("_csrf", csrf),
        ("slug", "chiba-cad"),
        ("csn", "5550008888"),
        ("name_ja", "千葉キャド株式会社"),
        ("name_en", "Chiba CAD KK"),
        ("tier", "gold"),
        ("country", "JP"),
        ("languages", "ja"),
        ("services", "flex_tokens"),
        ("max_discount_percent", "5"),
        ("flex_signed_on", "2024-04-01"),
        ("flex_expires_on", "2099-03-31"),
        ("published", "true"),
    ];
    fields.extend_from_slice(extra);
    form(&fields)
}

#[rocket::async_test]
async fn the_operator_picks_a_partners_prefectures_from_a_list_and_may_type_their_names() {
    let app = spawn_app().await;
    app.user("ops@example.com", "admin").await;
    app.browser_login("ops@example.com").await;
    let html = app.client.get("/admin/partners/new?lang=ja").dispatch().await.into_string().await.unwrap();
    assert!(
        html.contains("<input type=\"checkbox\" name=\"prefectures\" value=\"JP-12\"")
            && html.contains("千葉県"),
        "the 47 prefectures are a list to tick"
    );
    let csrf = crate::helpers::extract_csrf(&html);
    let body = partner_form(
        &csrf,
        &[("prefectures", "JP-12"), ("prefectures", "JP-13"), ("regions", "神奈川県、 Saitama")],
    );
    let response = app.client.post("/admin/partners").header(ContentType::Form).body(body).dispatch().await;
    assert_eq!(response.status(), Status::SeeOther);
    let location = response.headers().get_one("Location").unwrap().to_owned();
    let public: serde_json::Value =
        app.client.get("/api/v1/partners/chiba-cad").dispatch().await.into_json().await.unwrap();
    assert_eq!(public["regions"], json!(["JP-12", "JP-13", "JP-14", "JP-11"]), "{public}");
    // The edit page ticks what was saved; nothing is left over in the typed field.
    let html = app.client.get(location).dispatch().await.into_string().await.unwrap();
    for code in ["JP-11", "JP-12", "JP-13", "JP-14"] {
        assert!(html.contains(&format!("value=\"{code}\" checked")), "{code}");
    }
    assert!(html.contains("id=\"regions\" name=\"regions\" value=\"\""));
    // A name that is no prefecture is refused with the field named.
    let body = partner_form(&csrf, &[("regions", "千葉市")]);
    let response =
        app.client.post("/admin/partners?lang=ja").header(ContentType::Form).body(body).dispatch().await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert!(response.into_string().await.unwrap().contains("id=\"regions-error\""));
}

#[rocket::async_test]
async fn the_audit_log_reads_in_tokyo_time_with_action_names_and_request_ids_that_differ() {
    let at =
        chrono::DateTime::parse_from_rfc3339("2026-11-30T20:00:00Z").unwrap().with_timezone(&chrono::Utc);
    let app = spawn_app_with(Options { fake_now: Some(at), ..Options::default() }).await;
    app.user("ops@example.com", "admin").await;
    app.browser_login("ops@example.com").await;
    let csrf = app.csrf_from("/admin/users").await;
    for email in ["one@example.com", "two@example.com"] {
        let fields = [
            ("_csrf", csrf.as_str()),
            ("email", email),
            ("display_name", "Someone"),
            ("role", "admin"),
            ("password", crate::common::PASSWORD),
            ("locale", "ja"),
        ];
        let response =
            app.client.post("/admin/users").header(ContentType::Form).body(form(&fields)).dispatch().await;
        assert_eq!(response.status(), Status::SeeOther);
    }
    for (lang, signed_in, created) in
        [("ja", "サインイン成功", "ユーザー作成"), ("en", "Signed in", "User created")]
    {
        let html =
            app.client.get(format!("/admin/audit?lang={lang}")).dispatch().await.into_string().await.unwrap();
        assert!(html.contains("2026-12-01 05:00:00 JST") && !html.contains("UTC"), "{lang}: {html}");
        assert!(
            html.contains(&format!(">{signed_in}<")) && html.contains(&format!(">{created}<")),
            "{lang}: {html}"
        );
        let shown: Vec<&str> = html
            .split("class=\"request-id\"")
            .skip(1)
            .filter_map(|rest| rest.split('>').nth(1)?.split('<').next())
            .filter(|id| !id.is_empty())
            .collect();
        assert!(shown.len() >= 3, "{lang}: {shown:?}");
        let mut distinct = shown.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), shown.len(), "{lang}: every request shows a different id: {shown:?}");
    }
}

/// Japanese pages say 販売店 for a reseller (the word most of the catalogue already used) and keep
/// 見積書 for the document and 見積 for the act of quoting.
#[test]
fn the_japanese_text_uses_one_word_for_reseller_and_keeps_mitsumorisho_for_the_document() {
    let catalogue = include_str!("../../src/web/i18n/ja.toml");
    let templates: Vec<String> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/templates"))
        .unwrap()
        .flat_map(|dir| {
            let path = dir.unwrap().path();
            if path.is_dir() {
                std::fs::read_dir(path).unwrap().map(|f| f.unwrap().path()).collect()
            } else {
                vec![path]
            }
        })
        .map(|path| std::fs::read_to_string(path).unwrap())
        .collect();
    for text in std::iter::once(catalogue).chain(templates.iter().map(String::as_str)) {
        for line in text.lines() {
            // The portal's name is a proper noun ("Flex Partner Portal").
            let line = line.replace("Flex パートナーポータル", "");
            for other in ["リセラー", "認定販売店", "パートナー", "見積り", "見積もり"] {
                assert!(!line.contains(other), "{other} in {line}");
            }
            // What a customer accepts, declines or receives is the document.
            for act_on_document in ["この見積を", "この見積は", "見積を送付", "見積を取り下げ"]
            {
                assert!(!line.contains(act_on_document), "{act_on_document} in {line}");
            }
        }
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
