//! The workspace page of a customer's developers, through its forms only: linked from the customer
//! page, in Japanese and English; adding, changing the cap, re-sending and revoking, each with its
//! CSRF token; bad input shown beside the field with what was typed kept.

use rocket::http::{ContentType, Status};
use serde_json::json;

use super::{assign, assignments_of};
use crate::helpers::{form, spawn_app};
use crate::quotes::{call, customer, reseller};
use crate::workspace_pages::{get, location, signed_in, submit, text};

#[rocket::async_test]
async fn the_developers_page_is_linked_from_the_customer_and_speaks_both_languages() {
    let app = spawn_app().await;
    let seller = signed_in(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    assign(
        &app,
        &seller,
        &cust,
        json!({"autodesk_id": "dev@example.com", "name": "<b>Dev</b>", "token_cap": 1500}),
    )
    .await;
    let (_, customer_page) = get(&app, &format!("/app/customers/{cust}")).await;
    let page = format!("/app/customers/{cust}/developers");
    assert!(
        customer_page.contains(&format!("href=\"{}\"", page.replace('/', "&#x2F;")))
            || customer_page.contains(&format!("href=\"{page}\"")),
        "{customer_page}"
    );

    let (status, ja) = get(&app, &format!("{page}?lang=ja")).await;
    assert_eq!(status, Status::Ok);
    for expected in ["開発者", "dev@example.com", "招待中", "開発者を追加", "招待を再送", "取り消す"]
    {
        assert!(ja.contains(expected), "{expected} in the Japanese page");
    }
    assert!(ja.contains("&lt;b&gt;Dev&lt;&#x2F;b&gt;") && !ja.contains("<b>Dev"), "names are escaped");
    let (_, en) = get(&app, &format!("{page}?lang=en")).await;
    for expected in ["Developers", "Invited", "Add a developer", "Re-send the invitation", "Revoke", "1500"] {
        assert!(en.contains(expected), "{expected} in the English page");
    }
}

#[rocket::async_test]
async fn a_developer_is_added_changed_re_sent_and_revoked_through_the_forms() {
    let app = spawn_app().await;
    let seller = signed_in(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let page = format!("/app/customers/{cust}/developers");
    let fields = [("autodesk_id", " New.Dev@Example.com "), ("name", "新 開発"), ("token_cap", "１，０００")];
    let done = location(&submit(&app, &page, &page, &fields).await);
    assert_eq!(done, format!("{page}?done=created"));
    let (_, html) = get(&app, &format!("{done}&lang=en")).await;
    assert!(html.contains("The developer was added and the invitation was sent."), "{html}");
    let (_, list) = call(&app, "GET", &assignments_of(&cust), &seller.token, json!(null)).await;
    let row = &list["items"][0];
    assert_eq!(
        (row["autodesk_id"].as_str(), row["token_cap"].as_str()),
        (Some("new.dev@example.com"), Some("1000"))
    );
    let id = row["id"].as_str().unwrap();

    let edit = format!("{page}/{id}");
    let done = location(&submit(&app, &page, &edit, &[("name", ""), ("token_cap", "250")]).await);
    assert_eq!(done, format!("{page}?done=saved"));
    let (_, one) =
        call(&app, "GET", &format!("{}/{id}", assignments_of(&cust)), &seller.token, json!(null)).await;
    assert_eq!((&one["name"], one["token_cap"].as_str()), (&json!(null), Some("250")));

    let done = location(&submit(&app, &page, &format!("{edit}/resend"), &[]).await);
    assert_eq!(done, format!("{page}?done=resent"));
    assert_eq!(crate::quote_acceptance_mails::outbox(&app).await.len(), 2, "the invitation went twice");

    let response = submit(&app, &page, &format!("{edit}/revoke"), &[]).await;
    assert_eq!(response.status(), Status::UnprocessableEntity, "revoking needs the box ticked");
    let done = location(&submit(&app, &page, &format!("{edit}/revoke"), &[("confirm", "true")]).await);
    assert_eq!(done, format!("{page}?done=revoked"));
    let (_, html) = get(&app, &format!("{page}?lang=en")).await;
    assert!(html.contains("Revoked") && !html.contains(&format!("id=\"revoke-{id}\"")), "{html}");
}

#[rocket::async_test]
async fn bad_input_is_shown_beside_the_field_with_what_was_typed() {
    let app = spawn_app().await;
    let seller = signed_in(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let page = format!("/app/customers/{cust}/developers");
    let response =
        submit(&app, &format!("{page}?lang=en"), &page, &[("autodesk_id", "nobody"), ("token_cap", "0")])
            .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let html = text(&response.into_string().await.unwrap());
    assert!(html.contains("id=\"autodesk_id-error\""), "{html}");
    assert!(html.contains("id=\"token_cap-error\""), "{html}");
    assert!(html.contains("value=\"nobody\""), "what was typed is kept");

    let existing = assign(&app, &seller, &cust, json!({"autodesk_id": "dev@example.com"})).await;
    let response = submit(&app, &page, &page, &[("autodesk_id", "DEV@example.com")]).await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let html = response.into_string().await.unwrap();
    assert!(
        html.contains("id=\"autodesk_id-error\"") && html.contains("dev@example.com is already assigned"),
        "{html}"
    );

    let id = existing["id"].as_str().unwrap();
    let response = submit(&app, &page, &format!("{page}/{id}"), &[("token_cap", "1.5")]).await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let html = response.into_string().await.unwrap();
    assert!(html.contains(&format!("id=\"token_cap-{id}-error\"")), "{html}");
    assert!(html.contains("value=\"1.5\""));
    let (_, list) = call(&app, "GET", &assignments_of(&cust), &seller.token, json!(null)).await;
    assert_eq!((list["total"].as_u64(), list["items"][0]["token_cap"].is_null()), (Some(1), true));
}

#[rocket::async_test]
async fn the_forms_need_the_csrf_token_and_another_partners_customer_is_not_found() {
    let app = spawn_app().await;
    let other = reseller(&app, "other").await;
    let theirs = customer(&app, &other, "JP").await;
    let assigned = assign(&app, &other, &theirs, json!({"autodesk_id": "dev@example.com"})).await;
    let seller = signed_in(&app, "exmp").await;
    let mine = customer(&app, &seller, "JP").await;

    let response = app
        .client
        .post(format!("/app/customers/{mine}/developers"))
        .header(ContentType::Form)
        .body(form(&[("autodesk_id", "dev@example.com")]))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Forbidden, "no CSRF token, no change");

    let page = format!("/app/customers/{mine}/developers");
    assert_eq!(get(&app, &format!("/app/customers/{theirs}/developers")).await.0, Status::NotFound);
    let theirs_page = format!("/app/customers/{theirs}/developers");
    let response = submit(&app, &page, &theirs_page, &[("autodesk_id", "x@example.com")]).await;
    assert_eq!(response.status(), Status::NotFound);
    let id = assigned["id"].as_str().unwrap();
    for action in
        [format!("{theirs_page}/{id}"), format!("{theirs_page}/{id}/resend"), format!("{page}/{id}/revoke")]
    {
        let response = submit(&app, &page, &action, &[("confirm", "true"), ("token_cap", "1")]).await;
        assert_eq!(response.status(), Status::NotFound, "{action}");
    }
    let (_, list) = call(&app, "GET", &assignments_of(&theirs), &other.token, json!(null)).await;
    assert_eq!((list["total"].as_u64(), list["items"][0]["status"].as_str()), (Some(1), Some("invited")));
    assert_eq!(crate::quote_acceptance_mails::outbox(&app).await.len(), 1);
}
