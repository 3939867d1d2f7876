//! How the workspace pages read: the landing page's counts, the nav, lists with search and pages,
//! both languages, and customer text shown as text wherever it appears.

use rocket::http::Status;

use super::{editor_from_request, get, linked_ids, location, signed_in, submit, write_quote};
use crate::helpers::spawn_app;

#[rocket::async_test]
async fn the_landing_page_counts_new_requests_drafts_and_quotes_awaiting_an_answer() {
    let app = spawn_app().await;
    signed_in(&app, "exmp").await;
    super::request_from_public(&app, "exmp", "First KK", 100).await;
    let (_, customer, editor) = editor_from_request(&app, "exmp", "Second KK").await;
    let sent = write_quote(&app, &editor, &customer, &[("100", "")]).await;
    let page = format!("/app/quotes/{sent}");
    submit(&app, &page, &format!("{page}/send"), &[("confirm", "true")]).await;
    write_quote(&app, &editor, &customer, &[("200", "")]).await;
    write_quote(&app, &editor, &customer, &[("300", "")]).await;

    let (status, html) = get(&app, "/app?lang=en").await;
    assert_eq!(status, Status::Ok);
    assert!(html.contains("id=\"welcome\"") && html.contains("id=\"role\">Partner sales<"));
    let count = |id: &str| {
        let at = html.find(&format!("id=\"{id}\"")).unwrap();
        html[at..].split("stat-number\">").nth(1).unwrap().split('<').next().unwrap().to_owned()
    };
    // "First KK" is new; "Second KK" is in progress since its customer was made.
    assert_eq!(
        (count("count-new-requests"), count("count-drafts"), count("count-awaiting")),
        ("1".into(), "2".into(), "1".into())
    );
    for link in ["href=\"/app/requests\"", "href=\"/app/customers\"", "href=\"/app/quotes\""] {
        assert!(html.contains(link), "the nav links {link}");
    }
}

#[rocket::async_test]
async fn customers_are_searched_and_listed_page_by_page() {
    let app = spawn_app().await;
    signed_in(&app, "exmp").await;
    get(&app, "/app?lang=en").await;
    for i in 0..22 {
        let name = format!("Kunde {i:02} KK");
        let fields = [
            ("company_name", name.as_str()),
            ("contact_name", "Taro Yamada"),
            ("email", "taro@customer.example"),
            ("country", "JP"),
            ("language", "en"),
            ("time_zone", "Asia/Tokyo"),
            ("purchaser_autodesk_id", "buyer@customer.example"),
        ];
        let response = submit(&app, "/app/customers/new", "/app/customers", &fields).await;
        assert!(location(&response).ends_with("?done=created"));
    }
    let (_, first) = get(&app, "/app/customers").await;
    assert_eq!(linked_ids(&first, "/app/customers/").len(), 20);
    assert!(first.contains("Page 1 of 2") && first.contains("22 in all"));
    let (_, second) = get(&app, "/app/customers?page=2").await;
    assert_eq!(linked_ids(&second, "/app/customers/").len(), 2);
    let (_, found) = get(&app, "/app/customers?q=Kunde+07").await;
    assert!(found.contains("Kunde 07 KK") && !found.contains("Kunde 08 KK"));
    assert!(found.contains("1 in all"));
}

#[rocket::async_test]
async fn every_workspace_page_renders_in_japanese_and_in_english() {
    let app = spawn_app().await;
    signed_in(&app, "exmp").await;
    let (request, customer, editor) = editor_from_request(&app, "exmp", "株式会社サンプル顧客").await;
    let quote = write_quote(&app, &editor, &customer, &[("100", "")]).await;
    let sent = write_quote(&app, &editor, &customer, &[("200", "")]).await;
    let sent_page = format!("/app/quotes/{sent}");
    submit(&app, &sent_page, &format!("{sent_page}/send"), &[("confirm", "true")]).await;
    let pages = [
        ("/app".to_owned(), "対応が必要なもの", "What needs your attention"),
        ("/app/requests".to_owned(), "振り分け理由", "Routing reason"),
        (format!("/app/requests/{request}"), "メッセージ", "Message"),
        ("/app/customers".to_owned(), "新しい顧客", "New customer"),
        ("/app/customers/new".to_owned(), "タイムゾーン", "Time zone"),
        (format!("/app/customers/{customer}"), "見積書を作成", "Write a quote"),
        ("/app/quotes".to_owned(), "有効期限", "Valid until"),
        (editor.clone(), "割引率（%）", "Discount (%)"),
        (format!("/app/quotes/{quote}"), "顧客に送付", "Send to the customer"),
        (sent_page.clone(), "顧客用リンク", "The customer's link"),
    ];
    for (path, ja, en) in pages {
        for (lang, expected) in [("ja", ja), ("en", en)] {
            let separator = if path.contains('?') { '&' } else { '?' };
            let (status, html) = get(&app, &format!("{path}{separator}lang={lang}")).await;
            assert_eq!(status, Status::Ok, "{path} in {lang}");
            assert!(html.contains(&format!("<html lang=\"{lang}\">")), "{path} in {lang}");
            let readable = super::text(&html);
            assert!(readable.contains(expected), "{path} in {lang} lacks {expected}");
        }
    }
}

#[rocket::async_test]
async fn markup_in_a_customer_name_is_shown_as_text_on_every_page() {
    let app = spawn_app().await;
    signed_in(&app, "exmp").await;
    let markup = "<img src=x onerror=alert(1)>";
    super::request_from_public(&app, "exmp", markup, 100).await;
    let (_, inbox) = get(&app, "/app/requests").await;
    let request = linked_ids(&inbox, "/app/requests/").remove(0);
    let detail = format!("/app/requests/{request}");
    let editor = location(&submit(&app, &detail, &format!("{detail}/quote"), &[]).await);
    let (_, html) = get(&app, &editor).await;
    let customer = super::field_value(&html, "customer_id");
    let quote = write_quote(&app, &editor, &customer, &[("100", "")]).await;
    let quote_page = format!("/app/quotes/{quote}");
    let notes = [("lines[0].tokens", "100"), ("notes", "<script>alert(2)</script>")];
    submit(&app, &quote_page, &quote_page, &notes).await;

    for path in [
        "/app/requests".to_owned(),
        detail,
        "/app/customers".to_owned(),
        format!("/app/customers/{customer}"),
        editor,
        "/app/quotes".to_owned(),
        quote_page,
    ] {
        let (status, html) = get(&app, &path).await;
        assert_eq!(status, Status::Ok, "{path}");
        // The page's own scripts are `<script src=…>`; the notes' markup would be `<script>`.
        assert!(!html.contains("<img") && !html.contains("<script>"), "raw markup on {path}");
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"), "the name is shown as text on {path}");
    }
}
