//! What the workspace pages refuse, and how: bad input comes back on the form with each message
//! beside its field (422), a state conflict shows the domain's words (409), another partner's
//! objects do not exist (404), and a form without its CSRF token changes nothing (403).

use rocket::http::{ContentType, Status};
use serde_json::json;

use super::{editor_from_request, field_value, get, location, signed_in, submit, write_quote};
use crate::helpers::{form, spawn_app};
use crate::quotes::{call, customer, draft, reseller};

#[rocket::async_test]
async fn bad_quote_input_comes_back_with_each_error_beside_its_field_and_422() {
    let app = spawn_app().await;
    signed_in(&app, "exmp").await;
    get(&app, "/app?lang=en").await;
    let (_, customer, editor) = editor_from_request(&app, "exmp", "株式会社サンプル顧客").await;
    let fields = [
        ("customer_id", customer.as_str()),
        ("currency", "JPY"),
        ("lines[0].tokens", "99"),
        ("lines[1].tokens", ""),
        ("lines[2].tokens", "100"),
        ("lines[2].discount_percent", "15"),
        ("lines[3].tokens", "12.5"),
        ("valid_days", "7"),
    ];
    let response = submit(&app, &editor, "/app/quotes", &fields).await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let html = response.into_string().await.unwrap();
    for (id, message) in [
        ("line-0-tokens-error", "Enter a whole number of at least 100."),
        ("line-2-discount-error", "The discount can be at most 10%."),
        ("line-3-tokens-error", "Tokens are sold in whole numbers; remove the decimals."),
        ("valid_days-error", "A quote is valid for 14 to 180 days."),
    ] {
        let at = html.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("{id} missing"));
        assert!(html[at..].starts_with(&format!("id=\"{id}\">{message}")), "{id}: {message}");
    }
    assert!(!html.contains("line-1-tokens-error"), "the empty row was skipped");
    assert_eq!(field_value(&html, "lines[0].tokens"), "99", "what was typed stays in the form");
    assert_eq!(field_value(&html, "valid_days"), "7");
    let (_, list) = get(&app, "/app/quotes").await;
    assert!(list.contains("No quotes."), "nothing was written");

    for (tokens, message) in [
        ("abc", "Enter the number of tokens in digits."),
        ("-1", "at least 100"),
        ("", "Enter the number of tokens."),
    ] {
        let fields = [("customer_id", customer.as_str()), ("lines[0].tokens", tokens)];
        let response = submit(&app, &editor, "/app/quotes", &fields).await;
        assert_eq!(response.status(), Status::UnprocessableEntity, "{tokens:?}");
        assert!(response.into_string().await.unwrap().contains(message), "{tokens:?}");
    }
}

#[rocket::async_test]
async fn a_quote_without_a_customer_names_the_missing_customer_and_the_bad_lines_together() {
    let app = spawn_app().await;
    signed_in(&app, "exmp").await;
    get(&app, "/app?lang=en").await;
    editor_from_request(&app, "exmp", "株式会社サンプル顧客").await;
    let (_, html) = get(&app, "/app/quotes/new").await;
    assert!(html.contains("<select id=\"customer_id\" name=\"customer_id\""), "a customer is chosen here");
    let response = submit(&app, "/app/quotes/new", "/app/quotes", &[("lines[0].tokens", "abc")]).await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let html = response.into_string().await.unwrap();
    assert!(html.contains("id=\"customer_id-error\">Choose a customer or a quote request."));
    assert!(html.contains("id=\"line-0-tokens-error\">Enter the number of tokens in digits."));
}

#[rocket::async_test]
async fn bad_draft_changes_and_bad_customers_come_back_with_field_errors_and_422() {
    let app = spawn_app().await;
    signed_in(&app, "exmp").await;
    get(&app, "/app?lang=en").await;
    let (_, customer, editor) = editor_from_request(&app, "exmp", "株式会社サンプル顧客").await;
    let id = write_quote(&app, &editor, &customer, &[("100", "")]).await;
    let page = format!("/app/quotes/{id}");
    let response = submit(&app, &page, &page, &[("lines[0].tokens", "100"), ("valid_days", "181")]).await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert!(response.into_string().await.unwrap().contains("id=\"valid_days-error\""));

    let fields = [
        ("company_name", ""),
        ("contact_name", "山田"),
        ("email", "not-an-email"),
        ("time_zone", "Mars/Base"),
    ];
    let response = submit(&app, "/app/customers/new", "/app/customers", &fields).await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let html = response.into_string().await.unwrap();
    for id in ["company_name-error", "email-error", "time_zone-error", "purchaser_autodesk_id-error"] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id} missing");
    }
    assert!(!html.contains("contact_name-error"));
    assert_eq!(field_value(&html, "email"), "not-an-email");

    let edit = format!("/app/customers/{customer}");
    let response =
        submit(&app, &edit, &edit, &[("company_name", "株式会社サンプル顧客"), ("email", "")]).await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert!(response.into_string().await.unwrap().contains("id=\"email-error\""));
}

#[rocket::async_test]
async fn a_quote_action_the_state_forbids_shows_the_reason_with_409() {
    let app = spawn_app().await;
    signed_in(&app, "exmp").await;
    get(&app, "/app?lang=en").await;
    let (_, customer, editor) = editor_from_request(&app, "exmp", "株式会社サンプル顧客").await;
    let id = write_quote(&app, &editor, &customer, &[("100", "")]).await;
    let page = format!("/app/quotes/{id}");
    let response = submit(&app, &page, &format!("{page}/withdraw"), &[("confirm", "true")]).await;
    assert_eq!(response.status(), Status::Conflict);
    assert!(response.into_string().await.unwrap().contains("Only a sent quote can be withdrawn."));
    submit(&app, &page, &format!("{page}/send"), &[("confirm", "true")]).await;
    let response = submit(&app, &page, &page, &[("lines[0].tokens", "500")]).await;
    assert_eq!(response.status(), Status::Conflict, "a sent quote is never edited");
    assert!(response.into_string().await.unwrap().contains("make a new revision"));
}

#[rocket::async_test]
async fn another_partners_request_customer_and_quote_pages_are_404_and_nothing_changes() {
    let app = spawn_app().await;
    let alpha = reseller(&app, "alpha").await;
    super::request_from_public(&app, "alpha", "Alpha Customer", 100).await;
    let (_, inbox) = call(&app, "GET", "/api/v1/quote-requests", &alpha.token, json!({})).await;
    let request = inbox["items"][0]["id"].as_str().unwrap().to_owned();
    let cust = customer(&app, &alpha, "JP").await;
    let sent = draft(&app, &alpha, &cust, json!([{"tokens": 100}])).await["id"].as_str().unwrap().to_owned();
    call(&app, "POST", &format!("/api/v1/quotes/{sent}/send"), &alpha.token, json!({})).await;
    let unsent =
        draft(&app, &alpha, &cust, json!([{"tokens": 200}])).await["id"].as_str().unwrap().to_owned();

    signed_in(&app, "bravo").await;
    for path in [
        format!("/app/requests/{request}"),
        format!("/app/customers/{cust}"),
        format!("/app/quotes/{sent}"),
        format!("/app/quotes/{sent}/pdf"),
        format!("/app/quotes/{unsent}"),
        format!("/app/quotes/new?customer={cust}"),
        format!("/app/quotes/new?request={request}"),
    ] {
        assert_eq!(get(&app, &path).await.0, Status::NotFound, "GET {path}");
    }
    let attempts = [
        (format!("/app/requests/{request}/quote"), vec![]),
        (format!("/app/requests/{request}/status"), vec![("status", "declined")]),
        (format!("/app/customers/{cust}"), vec![("company_name", "Stolen")]),
        (format!("/app/quotes/{unsent}"), vec![("lines[0].tokens", "999")]),
        (format!("/app/quotes/{unsent}/send"), vec![("confirm", "true")]),
        (format!("/app/quotes/{sent}/revise"), vec![]),
        (format!("/app/quotes/{sent}/withdraw"), vec![("confirm", "true")]),
        (format!("/app/quotes/{sent}/accept-on-behalf"), vec![("reason", "x")]),
        ("/app/quotes".to_owned(), vec![("customer_id", cust.as_str()), ("lines[0].tokens", "100")]),
    ];
    for (action, fields) in attempts {
        let response = submit(&app, "/app", &action, &fields).await;
        assert_eq!(response.status(), Status::NotFound, "POST {action}");
    }
    let (_, quote) = call(&app, "GET", &format!("/api/v1/quotes/{sent}"), &alpha.token, json!({})).await;
    assert_eq!(quote["status"], "sent");
    let (_, quote) = call(&app, "GET", &format!("/api/v1/quotes/{unsent}"), &alpha.token, json!({})).await;
    assert_eq!((quote["status"].as_str(), quote["lines"][0]["tokens"].as_i64()), (Some("draft"), Some(200)));
    let (_, c) = call(&app, "GET", &format!("/api/v1/customers/{cust}"), &alpha.token, json!({})).await;
    assert_eq!(c["company_name"], "株式会社サンプル顧客");
    let (_, r) =
        call(&app, "GET", &format!("/api/v1/quote-requests/{request}"), &alpha.token, json!({})).await;
    assert_eq!((r["status"].as_str(), r["customer_id"].as_str()), (Some("new"), None));
    for list in ["/app/requests", "/app/customers", "/app/quotes"] {
        let (_, html) = get(&app, list).await;
        assert!(!html.contains(&cust) && !html.contains(&sent) && !html.contains(&request), "{list}");
    }
}

#[rocket::async_test]
async fn a_workspace_form_without_its_csrf_token_is_refused_with_403_and_changes_nothing() {
    let app = spawn_app().await;
    signed_in(&app, "exmp").await;
    let fields = [
        ("company_name", "株式会社サンプル顧客"),
        ("contact_name", "山田 太郎"),
        ("email", "yamada@customer.example"),
        ("purchaser_autodesk_id", "buyer@customer.example"),
    ];
    let response =
        app.client.post("/app/customers").header(ContentType::Form).body(form(&fields)).dispatch().await;
    assert_eq!(response.status(), Status::Forbidden);
    let (_, list) = get(&app, "/app/customers").await;
    assert!(!list.contains("株式会社サンプル顧客"));
    let response = submit(&app, "/app/customers/new", "/app/customers", &fields).await;
    assert!(location(&response).ends_with("?done=created"), "the same form with its token is accepted");
}

#[rocket::async_test]
async fn the_operator_and_visitors_have_no_reseller_workspace() {
    let app = spawn_app().await;
    for path in ["/app/requests", "/app/customers", "/app/quotes", "/app/quotes/new"] {
        assert_eq!(get(&app, path).await.0, Status::Unauthorized, "{path} without a session");
    }
    app.user("ops@example.com", "admin").await;
    app.browser_login("ops@example.com").await;
    for path in ["/app/requests", "/app/customers", "/app/quotes", "/app/quotes/new"] {
        assert_eq!(get(&app, path).await.0, Status::Forbidden, "{path} for the operator");
    }
    assert_eq!(get(&app, "/app").await.0, Status::Ok, "the operator keeps the landing page");
}

#[rocket::async_test]
async fn odd_addresses_and_filters_are_answered_without_a_server_error() {
    let app = spawn_app().await;
    signed_in(&app, "exmp").await;
    let unknown = "00000000-0000-4000-8000-000000000000";
    for (path, expected) in [
        ("/app/quotes?status=bogus".to_owned(), Status::UnprocessableEntity),
        ("/app/requests?status=bogus".to_owned(), Status::UnprocessableEntity),
        ("/app/customers?page=0&per_page=100000".to_owned(), Status::Ok),
        (format!("/app/quotes/{unknown}"), Status::NotFound),
        (format!("/app/quotes/new?request={unknown}"), Status::NotFound),
    ] {
        assert_eq!(get(&app, &path).await.0, expected, "{path}");
    }
    for path in ["/app/quotes/not-a-quote", "/app/customers?page=abc", "/app/quotes/new?customer=not-a-uuid"]
    {
        assert!(get(&app, path).await.0.code < 500, "{path}");
    }
}

#[rocket::async_test]
async fn a_request_in_a_language_documents_are_not_issued_in_says_why_no_customer_was_made() {
    let app = spawn_app().await;
    signed_in(&app, "exmp").await;
    get(&app, "/app?lang=en").await;
    let response = app
        .client
        .post("/api/v1/quote-requests")
        .header(ContentType::JSON)
        .body(
            json!({
        "partner": "exmp", "company": "Beijing Co", "contact_name": "Li Wei", "email": "li@customer.example",
        "autodesk_id": "li@customer.example", "tokens": 100, "country": "JP", "language": "zh"})
            .to_string(),
        )
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Created);
    let (_, inbox) = get(&app, "/app/requests").await;
    let detail = format!("/app/requests/{}", super::linked_ids(&inbox, "/app/requests/").remove(0));
    let response = submit(&app, &detail, &format!("{detail}/quote"), &[]).await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let html = response.into_string().await.unwrap();
    assert!(
        html.contains("A customer could not be made")
            && html.contains("Documents are issued in Japanese or English.")
    );
    let (_, list) = get(&app, "/app/customers").await;
    assert!(list.contains("No customers yet."));
}
