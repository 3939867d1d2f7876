//! The reseller workspace through its HTML pages only, signed in through the login form: from a
//! request in the inbox to a customer, a quote with exact totals, sending, revising, withdrawing
//! and recording an acceptance. Every form carries the CSRF token of the page it is on.

mod refusals;
mod rendering;

use rocket::http::{ContentType, Status};
use rocket::local::asynchronous::LocalResponse;
use serde_json::json;

use crate::helpers::{TestApp, extract_csrf, form, spawn_app};
use crate::quotes::{Reseller, reseller};

/// A reseller whose sales user signed in through the login page (the client keeps the cookie).
pub async fn signed_in(app: &TestApp, slug: &str) -> Reseller {
    let seller = reseller(app, slug).await;
    let response = app.browser_login(&format!("sales@{slug}.example")).await;
    assert_eq!(response.status(), Status::SeeOther, "signed in");
    seller
}

pub async fn get(app: &TestApp, path: &str) -> (Status, String) {
    let response = app.client.get(path.to_owned()).dispatch().await;
    let status = response.status();
    (status, response.into_string().await.unwrap_or_default())
}

/// Opens `page`, then posts `fields` to `action` with the CSRF token from that page's form.
pub async fn submit<'a>(
    app: &'a TestApp,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> LocalResponse<'a> {
    let (status, html) = get(app, page).await;
    assert_eq!(status, Status::Ok, "{page}");
    let csrf = extract_csrf(&html);
    assert!(!csrf.is_empty(), "{page} has a form");
    let mut all = vec![("_csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    app.client.post(action.to_owned()).header(ContentType::Form).body(form(&all)).dispatch().await
}

pub fn location(response: &LocalResponse<'_>) -> String {
    assert_eq!(response.status(), Status::SeeOther, "a redirect after the post");
    response.headers().get_one("Location").unwrap_or_default().to_owned()
}

/// The HTML as a reader sees it (the entities Tera writes for `/` and `&` decoded).
pub fn text(html: &str) -> String {
    html.replace("&#x2F;", "/").replace("&amp;", "&").replace("&quot;", "\"").replace("&#x27;", "'")
}

/// The ids of the links to `{prefix}<id>` on a page, in order.
pub fn linked_ids(html: &str, prefix: &str) -> Vec<String> {
    html.split(&format!("href=\"{prefix}"))
        .skip(1)
        .filter_map(|rest| rest.get(..36))
        .filter(|id| uuid::Uuid::parse_str(id).is_ok())
        .map(str::to_owned)
        .collect()
}

/// The value of the form field `name` on a page.
pub fn field_value(html: &str, name: &str) -> String {
    html.split(&format!("name=\"{name}\" value=\""))
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_owned()
}

/// A request for `tokens` tokens from the public, sent to the partner `slug`.
pub async fn request_from_public(app: &TestApp, slug: &str, company: &str, tokens: u32) -> String {
    let response = app
        .client
        .post("/api/v1/quote-requests")
        .header(ContentType::JSON)
        .body(
            json!({
        "partner": slug, "company": company, "contact_name": "山田 太郎", "email": "yamada@customer.example",
        "autodesk_id": "buyer@customer.example", "tokens": tokens, "country": "JP", "region": "JP-13",
        "language": "ja", "message": "来月から Model Derivative API を使います"})
            .to_string(),
        )
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Created);
    let body: serde_json::Value = response.into_json().await.unwrap();
    body["reference"].as_str().unwrap().to_owned()
}

/// The inbox item, customer and quote editor a reseller reaches from a request in one click.
pub async fn editor_from_request(app: &TestApp, slug: &str, company: &str) -> (String, String, String) {
    request_from_public(app, slug, company, 100).await;
    let (_, inbox) = get(app, "/app/requests").await;
    let request = linked_ids(&inbox, "/app/requests/").remove(0);
    let detail = format!("/app/requests/{request}");
    let response = submit(app, &detail, &format!("{detail}/quote"), &[]).await;
    let editor = location(&response);
    assert_eq!(editor, format!("/app/quotes/new?request={request}"));
    let (status, html) = get(app, &editor).await;
    assert_eq!(status, Status::Ok);
    let customer = field_value(&html, "customer_id");
    assert!(uuid::Uuid::parse_str(&customer).is_ok(), "the editor is for the new customer");
    (request, customer, editor)
}

/// Writes a draft through the editor page and returns its id.
pub async fn write_quote(app: &TestApp, editor: &str, customer: &str, lines: &[(&str, &str)]) -> String {
    let mut fields = vec![("customer_id", customer), ("currency", "JPY"), ("valid_days", "30")];
    let names: Vec<(String, String)> = (0..lines.len())
        .map(|i| (format!("lines[{i}].tokens"), format!("lines[{i}].discount_percent")))
        .collect();
    for ((tokens, discount), (t, d)) in names.iter().zip(lines) {
        fields.push((tokens.as_str(), t));
        fields.push((discount.as_str(), d));
    }
    let response = submit(app, editor, "/app/quotes", &fields).await;
    let target = location(&response);
    let id = target.trim_start_matches("/app/quotes/").trim_end_matches("?done=created").to_owned();
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "{target}");
    id
}

#[rocket::async_test]
async fn a_submitted_request_shows_in_the_inbox_and_its_page_shows_the_message() {
    let app = spawn_app().await;
    signed_in(&app, "exmp").await;
    let reference = request_from_public(&app, "exmp", "株式会社サンプル顧客", 1200).await;
    let (status, html) = get(&app, "/app/requests?lang=en").await;
    assert_eq!(status, Status::Ok);
    for shown in [
        reference.as_str(),
        "株式会社サンプル顧客",
        "1,200",
        "Tokyo",
        "Japanese",
        "New",
        "chosen by the customer",
    ] {
        assert!(html.contains(shown), "{shown} missing from the inbox");
    }
    let (_, filtered) = get(&app, "/app/requests?status=declined").await;
    assert!(!filtered.contains(&reference), "the status filter hides new requests");
    let request = linked_ids(&html, "/app/requests/").remove(0);
    let (status, page) = get(&app, &format!("/app/requests/{request}")).await;
    assert_eq!(status, Status::Ok);
    assert!(page.contains("来月から Model Derivative API を使います"));
    assert!(page.contains("buyer@customer.example"));

    let detail = format!("/app/requests/{request}");
    let response = submit(&app, &detail, &format!("{detail}/status"), &[("status", "in_progress")]).await;
    assert_eq!(location(&response), format!("{detail}?done=in_progress"));
    let (_, page) = get(&app, &format!("{detail}?done=in_progress")).await;
    assert!(page.contains("The request is marked as in progress.") && page.contains("In progress"));
}

#[rocket::async_test]
async fn a_quote_with_two_lines_shows_exact_totals_and_changes_while_it_is_a_draft() {
    let app = spawn_app().await;
    signed_in(&app, "exmp").await;
    get(&app, "/app?lang=en").await;
    let (_, customer, editor) = editor_from_request(&app, "exmp", "株式会社サンプル顧客").await;
    let (_, html) = get(&app, &editor).await;
    assert_eq!(field_value(&html, "lines[0].tokens"), "100", "the requested quantity is filled in");

    let id = write_quote(&app, &editor, &customer, &[("100", ""), ("200", "5")]).await;
    let (status, html) = get(&app, &format!("/app/quotes/{id}?done=created")).await;
    assert_eq!(status, Status::Ok);
    // 100 × ¥390 = ¥39,000; 200 × ¥390 − 5% = ¥74,100; tax 10% once on ¥113,100.
    for shown in ["The draft was created.", "¥390", "¥39,000", "¥74,100", "¥113,100", "¥11,310", "¥124,410"]
    {
        assert!(html.contains(shown), "{shown} missing");
    }
    let page = format!("/app/quotes/{id}");
    let response =
        submit(&app, &page, &page, &[("currency", "JPY"), ("lines[0].tokens", "100"), ("valid_days", "45")])
            .await;
    assert_eq!(location(&response), format!("{page}?done=saved"));
    let (_, html) = get(&app, &page).await;
    assert!(html.contains("¥39,000") && html.contains("¥3,900") && html.contains("¥42,900"));
    assert!(!html.contains("¥124,410"), "the second line is gone");
    assert_eq!(field_value(&html, "valid_days"), "45");
}

#[rocket::async_test]
async fn sending_shows_the_number_the_public_link_and_the_pdf_and_marks_the_request_quoted() {
    let app = spawn_app().await;
    let seller = signed_in(&app, "exmp").await;
    get(&app, "/app?lang=en").await;
    let (request, customer, editor) = editor_from_request(&app, "exmp", "株式会社サンプル顧客").await;
    let fields = [
        ("quote_request_id", request.as_str()),
        ("customer_id", customer.as_str()),
        ("lines[0].tokens", "100"),
        ("currency", "JPY"),
    ];
    let created = location(&submit(&app, &editor, "/app/quotes", &fields).await);
    let id = created.trim_start_matches("/app/quotes/").trim_end_matches("?done=created").to_owned();
    let page = format!("/app/quotes/{id}");

    let response = submit(&app, &page, &format!("{page}/send"), &[("confirm", "true")]).await;
    assert_eq!(location(&response), format!("{page}?done=sent"));
    let (_, html) = get(&app, &format!("{page}?done=sent")).await;
    let year = app.portal().clock.now().format("%Y").to_string();
    assert!(html.contains(&format!("EXMP-Q-{year}-00001")), "the number is shown");
    let (_, api) =
        crate::quotes::call(&app, "GET", &format!("/api/v1/quotes/{id}"), &seller.token, json!({})).await;
    let public_url = api["public_url"].as_str().unwrap();
    assert!(public_url.contains("/q/") && text(&html).contains(public_url), "the link to copy is shown");
    assert!(html.contains(&format!("href=\"{page}/pdf\"")));
    let pdf = app.client.get(format!("{page}/pdf")).dispatch().await;
    assert_eq!(pdf.content_type(), Some(ContentType::PDF));
    assert!(pdf.into_bytes().await.unwrap().starts_with(b"%PDF"));
    assert!(!html.contains("id=\"save-quote\""), "a sent quote has no editor");

    let (_, inbox) = get(&app, "/app/requests").await;
    assert!(inbox.contains("Quoted"));
}

#[rocket::async_test]
async fn revising_makes_a_new_draft_and_withdrawing_closes_the_sent_quote() {
    let app = spawn_app().await;
    signed_in(&app, "exmp").await;
    get(&app, "/app?lang=en").await;
    let (_, customer, editor) = editor_from_request(&app, "exmp", "株式会社サンプル顧客").await;
    let id = write_quote(&app, &editor, &customer, &[("300", "")]).await;
    let page = format!("/app/quotes/{id}");
    submit(&app, &page, &format!("{page}/send"), &[("confirm", "true")]).await;

    let revised = location(&submit(&app, &page, &format!("{page}/revise"), &[]).await);
    assert!(revised.ends_with("?done=revised") && !revised.contains(&id), "{revised}");
    let (_, html) = get(&app, &revised).await;
    assert!(html.contains("revision 2") && html.contains("Draft") && html.contains("id=\"save-quote\""));
    assert_eq!(field_value(&html, "lines[0].tokens"), "300", "the revision starts from the sent lines");

    let response = submit(&app, &page, &format!("{page}/withdraw"), &[("confirm", "true")]).await;
    assert_eq!(location(&response), format!("{page}?done=withdrawn"));
    let (_, html) = get(&app, &format!("{page}?done=withdrawn")).await;
    assert!(html.contains("The quote was withdrawn.") && html.contains("Withdrawn"));
    assert!(!html.contains("id=\"withdraw-quote\""), "nothing left to withdraw");
}

#[rocket::async_test]
async fn recording_acceptance_on_behalf_needs_a_reason_and_then_shows_who_accepted_and_when() {
    let app = spawn_app().await;
    signed_in(&app, "exmp").await;
    get(&app, "/app?lang=en").await;
    let (_, customer, editor) = editor_from_request(&app, "exmp", "株式会社サンプル顧客").await;
    let id = write_quote(&app, &editor, &customer, &[("100", "")]).await;
    let page = format!("/app/quotes/{id}");
    submit(&app, &page, &format!("{page}/send"), &[("confirm", "true")]).await;

    let action = format!("{page}/accept-on-behalf");
    let response = submit(&app, &page, &action, &[("reason", "  ")]).await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let html = response.into_string().await.unwrap();
    assert!(html.contains("id=\"reason-error\"") && html.contains("Give a reason."));

    let response = submit(&app, &page, &action, &[("reason", "注文書を郵送で受領")]).await;
    assert_eq!(location(&response), format!("{page}?done=accepted"));
    let (_, html) = get(&app, &page).await;
    assert!(html.contains("Accepted") && html.contains("id=\"acceptance\""));
    assert!(html.contains("sales") && html.contains("recorded by the reseller"), "who accepted");
    assert!(html.contains("注文書を郵送で受領") && html.contains("Accepted at"), "why and when");
}
