//! What the order pages show, in Japanese and English: the list, the order with its documents and
//! pack, the customer's balance, packs, ledger and link, the purchaser's balance page, and the
//! operator's list of every partner's orders.

use rocket::http::Status;
use serde_json::{Value, json};

use super::{accepted_quote, place_from_page, reconciles};
use crate::helpers::spawn_app;
use crate::quotes::{call, customer, reseller};
use crate::workspace_pages::{get, signed_in, text};

#[rocket::async_test]
async fn the_orders_list_and_order_page_render_in_japanese_and_english() {
    let app = spawn_app().await;
    let seller = signed_in(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let quote = accepted_quote(&app, &seller, &cust, 1200).await;
    let order = place_from_page(&app, &quote, "card").await;
    let (_, view) = call(&app, "GET", &format!("/api/v1/orders/{order}"), &seller.token, Value::Null).await;
    let number = view["number"].as_str().unwrap().to_owned();
    let last_day = view["pack"]["last_day"].as_str().unwrap().to_owned();

    let (status, ja) = get(&app, "/app/orders?lang=ja").await;
    assert_eq!(status, Status::Ok);
    assert!(ja.contains("<h1>注文</h1>") && ja.contains("id=\"nav-orders\">注文<"), "{ja}");
    assert!(ja.contains(&number) && ja.contains("株式会社サンプル顧客") && ja.contains("注文済み"), "{ja}");
    let (_, en) = get(&app, "/app/orders?lang=en").await;
    assert!(
        en.contains("<h1>Orders</h1>") && en.contains("id=\"nav-orders\">Orders<") && en.contains("Placed")
    );

    let (status, ja) = get(&app, &format!("/app/orders/{order}?lang=ja")).await;
    assert_eq!(status, Status::Ok);
    for word in [
        "請求書 (PDF)",
        "納品書 (PDF)",
        "領収書 (PDF)",
        "カード",
        "反映待ち",
        "納品する",
        "注文を取り消す",
        "1,200",
    ] {
        assert!(ja.contains(word), "{word} in {ja}");
    }
    assert!(ja.contains(&format!("id=\"pack-expiry\">{last_day} ")), "{ja}");
    let (_, en) = get(&app, &format!("/app/orders/{order}?lang=en")).await;
    for word in [
        "Invoice (PDF)",
        "Delivery note (PDF)",
        "Receipt (PDF)",
        "Card",
        "Pending",
        "Fulfil",
        "Cancel the order",
    ] {
        assert!(en.contains(word), "{word} in {en}");
    }
    let en = text(&en);
    for document in view["documents"].as_array().unwrap() {
        let code = document["verify_code"].as_str().unwrap();
        assert!(en.contains(code) && en.contains(document["sha256"].as_str().unwrap()), "{code}");
    }

    // Each document downloads as its stored PDF.
    for kind in ["invoice", "delivery-note", "receipt"] {
        let response = app.client.get(format!("/app/orders/{order}/documents/{kind}.pdf")).dispatch().await;
        assert_eq!(response.status(), Status::Ok, "{kind}");
        assert_eq!(response.headers().get_one("Cache-Control"), Some("no-store"));
        let bytes = response.into_bytes().await.unwrap();
        assert!(bytes.starts_with(b"%PDF-"), "{kind} is a PDF");
    }
    let missing = format!("/app/orders/{order}/documents/credit-note.pdf");
    assert_eq!(get(&app, &missing).await.0, Status::NotFound);
    reconciles(&app).await;
}

#[rocket::async_test]
async fn the_customer_page_shows_balance_packs_ledger_and_the_purchasers_link() {
    let app = spawn_app().await;
    let seller = signed_in(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let quote = accepted_quote(&app, &seller, &cust, 1500).await;
    let order = place_from_page(&app, &quote, "invoice").await;
    let (status, body) =
        call(&app, "POST", &format!("/api/v1/orders/{order}/fulfil"), &seller.token, json!({})).await;
    assert_eq!(status, Status::Ok, "{body}");
    let quote = accepted_quote(&app, &seller, &cust, 100).await;
    place_from_page(&app, &quote, "invoice").await;

    let (status, en) = get(&app, &format!("/app/customers/{cust}?lang=en")).await;
    assert_eq!(status, Status::Ok);
    assert!(en.contains("id=\"balance-available\">1,500<"), "{en}");
    assert!(en.contains("id=\"balance-pending\">100<"), "{en}");
    assert!(en.contains("id=\"balance-deficit\">0<") && en.contains("id=\"balance-expiring\">0<"), "{en}");
    assert!(en.contains("id=\"balance-status\">Active<"), "{en}");
    assert!(en.contains("Purchase") && en.contains("+1,500") && en.contains("+100"), "the ledger: {en}");
    assert!(en.contains(&format!("href=\"/app/orders/{order}\"")), "packs link their orders");
    let page = text(&en);
    let link = page.split("id=\"balance-link\" readonly value=\"").nth(1).unwrap().split('"').next().unwrap();
    assert!(link.contains("/balance/"), "{link}");
    assert!(en.contains("id=\"copy-balance-link\"") && en.contains("/static/js/copy.js"));
    let (_, ja) = get(&app, &format!("/app/customers/{cust}?lang=ja")).await;
    assert!(
        ja.contains("利用可能")
            && ja.contains("反映待ち（最大24時間）")
            && ja.contains("台帳")
            && ja.contains("購入")
    );

    // The ledger pages.
    let (status, second) = get(&app, &format!("/app/customers/{cust}?lang=en&page=2&per_page=1")).await;
    assert_eq!(status, Status::Ok);
    assert!(second.contains("Page 2 of 2"), "{second}");

    // The purchaser's page: no sign-in, the customer's language, never cached or indexed.
    let path = format!("/balance/{}", link.rsplit('/').next().unwrap());
    let response = crate::workspace_pages::submit(&app, "/app", "/logout", &[]).await;
    assert_eq!(response.status(), Status::SeeOther, "signed out");
    // The visitor's language is English (the cookie from ?lang=en); the page speaks the customer's.
    let response = app.client.get(path.clone()).dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(response.headers().get_one("Cache-Control"), Some("no-store"));
    assert_eq!(response.headers().get_one("X-Robots-Tag"), Some("noindex, nofollow"));
    let html = response.into_string().await.unwrap();
    assert!(html.contains("<meta name=\"robots\" content=\"noindex, nofollow\">"));
    assert!(
        html.contains("Flex トークン残高") && html.contains("株式会社サンプル顧客 御中"),
        "in Japanese: {html}"
    );
    assert!(html.contains("id=\"balance-available\">1,500<") && !html.contains("/app/orders/"), "{html}");
    let english = get(&app, &format!("{path}?lang=en")).await.1;
    assert!(english.contains("Flex token balance"), "{english}");

    for wrong in ["/balance/nonsense".to_owned(), format!("{path}x"), format!("/balance/{}", "A".repeat(46))]
    {
        assert_eq!(get(&app, &wrong).await.0, Status::NotFound, "{wrong}");
    }
    reconciles(&app).await;
}

#[rocket::async_test]
async fn the_operator_reads_every_partners_orders() {
    let app = spawn_app().await;
    let first = reseller(&app, "exmp").await;
    let second = reseller(&app, "othr").await;
    let mut numbers = Vec::new();
    for seller in [&first, &second] {
        let cust = customer(&app, seller, "JP").await;
        let quote = accepted_quote(&app, seller, &cust, 100).await;
        let body = json!({"quote_id": quote, "payment_method": "invoice"});
        let (status, placed) = call(&app, "POST", "/api/v1/orders", &seller.token, body).await;
        assert_eq!(status, Status::Created, "{placed}");
        numbers.push(placed["number"].as_str().unwrap().to_owned());
    }
    app.user("ops@example.com", "admin").await;
    assert_eq!(app.browser_login("ops@example.com").await.status(), Status::SeeOther);
    let (status, html) = get(&app, "/admin/orders?lang=en").await;
    assert_eq!(status, Status::Ok);
    assert!(html.contains("id=\"nav-admin-orders\""), "linked from the admin navigation");
    for number in &numbers {
        assert!(html.contains(number.as_str()), "{number}");
    }
    assert!(html.contains("exmp KK") && html.contains("othr KK"), "each row names its partner: {html}");
    assert!(!html.contains("method=\"post\" action=\"/app/orders"), "read-only");
    let (_, ja) = get(&app, "/admin/orders?lang=ja").await;
    assert!(ja.contains("株式会社exmp") && ja.contains("全販売店の注文"));
    assert_eq!(get(&app, "/admin/orders?status=nope").await.0, Status::UnprocessableEntity);
    reconciles(&app).await;
}

#[rocket::async_test]
async fn partner_staff_cannot_open_the_operators_orders() {
    let app = spawn_app().await;
    signed_in(&app, "exmp").await;
    let status = get(&app, "/admin/orders").await.0;
    assert!(status == Status::Forbidden || status == Status::NotFound, "{status}");
}

#[rocket::async_test]
async fn an_order_for_a_customer_outside_japan_says_not_subject_to_consumption_tax_not_zero_percent() {
    let app = spawn_app().await;
    let seller = signed_in(&app, "exmp").await;
    let cust = customer(&app, &seller, "US").await;
    let quote = accepted_quote(&app, &seller, &cust, 500).await;
    let order = place_from_page(&app, &quote, "invoice").await;
    let (_, view) = call(&app, "GET", &format!("/api/v1/orders/{order}"), &seller.token, Value::Null).await;
    assert_eq!(view["tax_treatment"], "not_subject", "{view}");

    let (status, ja) = get(&app, &format!("/app/orders/{order}?lang=ja")).await;
    assert_eq!(status, Status::Ok);
    assert!(ja.contains("不課税") && !ja.contains("消費税（0%）"), "{ja}");
    let (_, en) = get(&app, &format!("/app/orders/{order}?lang=en")).await;
    assert!(!en.contains("(0%)"), "{en}");
    reconciles(&app).await;
}
