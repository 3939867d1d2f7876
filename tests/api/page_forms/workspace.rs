//! The reseller's and operator's pages: sending and withdrawing only once confirmed, error pages
//! that stay signed in, creating a user without doing it twice.

use rocket::http::{ContentType, Status};
use serde_json::json;

use crate::helpers::{TestApp, form, spawn_app};
use crate::quotes::{Reseller, call, customer, draft};

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
