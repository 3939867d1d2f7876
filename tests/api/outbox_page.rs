//! The operator's outbox page: every queued and sent message with its text, outside production only.

use rocket::http::Status;
use uuid::Uuid;

use crate::common::Options;
use crate::helpers::{spawn_app, spawn_app_with};
use crate::mail::queue;

#[rocket::async_test]
async fn the_operator_sees_queued_mail_and_its_text_escaped() {
    let app = spawn_app().await;
    app.user("ops@example.com", "admin").await;
    let id =
        queue(app.portal(), "buyer@example.com", "Quote <b>42</b>", "Dear buyer,\n<script>alert(1)</script>")
            .await;
    app.browser_login("ops@example.com").await;

    let response = app.client.get("/admin/outbox").dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    let html = response.into_string().await.unwrap();
    assert!(html.contains("href=\"/admin/outbox\""), "the nav links the outbox");
    assert!(html.contains("buyer@example.com") && html.contains("test.message"));
    assert!(html.contains("Quote &lt;b&gt;42&lt;&#x2F;b&gt;"), "{html}");

    let response = app.client.get(format!("/admin/outbox/{id}")).dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    let html = response.into_string().await.unwrap();
    assert!(html.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;"));
    assert!(!html.contains("<script>alert(1)"));

    let missing = app.client.get(format!("/admin/outbox/{}", Uuid::new_v4())).dispatch().await;
    assert_eq!(missing.status(), Status::NotFound);
}

#[rocket::async_test]
async fn partner_staff_cannot_open_the_outbox() {
    let app = spawn_app().await;
    let partner = crate::common::partner("exmp").create(app.portal()).await;
    crate::common::make_user(app.portal(), "sales@example.com", "partner_sales", Some(partner.id)).await;
    let id = queue(app.portal(), "buyer@example.com", "Your quote", "Hello").await;
    app.browser_login("sales@example.com").await;

    assert_eq!(app.client.get("/admin/outbox").dispatch().await.status(), Status::Forbidden);
    assert_eq!(app.client.get(format!("/admin/outbox/{id}")).dispatch().await.status(), Status::Forbidden);
    let home = app.client.get("/app").dispatch().await.into_string().await.unwrap();
    assert!(!home.contains("/admin/outbox"));
}

#[rocket::async_test]
async fn the_outbox_page_does_not_exist_in_production() {
    let options = Options { profile: Some(flexportal::config::Profile::Production), ..Default::default() };
    let app = spawn_app_with(options).await;
    app.user("ops@example.com", "admin").await;
    let id = queue(app.portal(), "buyer@example.com", "Your quote", "Hello").await;
    app.browser_login("ops@example.com").await;

    let users = app.client.get("/admin/users").dispatch().await;
    assert_eq!(users.status(), Status::Ok, "signed in as the operator");
    assert!(!users.into_string().await.unwrap().contains("/admin/outbox"), "no link in the nav");
    assert_eq!(app.client.get("/admin/outbox").dispatch().await.status(), Status::NotFound);
    assert_eq!(app.client.get(format!("/admin/outbox/{id}")).dispatch().await.status(), Status::NotFound);
}
