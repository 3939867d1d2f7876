//! The invitation a developer gets: the mail in the customer's language with a 7-day link to
//! `/i/{token}`, accepting through the API or the page (twice is harmless), an expired invitation
//! refused until the reseller re-sends it, revoked and unknown links not found, and the limit per
//! client.

use rocket::http::{ContentType, Status};
use serde_json::{Value, json};

use super::{assign, assignment_path, assignments_of, audit_actions, current};
use crate::helpers::{TestApp, extract_csrf, form, spawn_app, spawn_app_with};
use crate::quote_acceptance_mails::outbox;
use crate::quotes::{call, customer, reseller};

/// The token of the newest invitation mailed to `to`.
pub async fn invitation_token(app: &TestApp, to: &str) -> String {
    let mails = outbox(app).await;
    let (_, _, _, body) = mails
        .iter()
        .rev()
        .find(|(kind, address, _, _)| kind == "assignment.invitation" && address == to)
        .unwrap();
    body.split("/i/").nth(1).unwrap().split_whitespace().next().unwrap().to_owned()
}

/// Posts the invitation page's accept form with `csrf`.
async fn accept_page<'a>(
    app: &'a TestApp,
    token: &str,
    csrf: &str,
) -> rocket::local::asynchronous::LocalResponse<'a> {
    app.client
        .post(format!("/i/{token}/accept"))
        .header(ContentType::Form)
        .body(form(&[("_csrf", csrf)]))
        .dispatch()
        .await
}

pub async fn accept_api(app: &TestApp, token: &str) -> (Status, Value) {
    let response = app
        .client
        .post(format!("/api/v1/public/invitations/{token}/accept"))
        .header(ContentType::JSON)
        .dispatch()
        .await;
    let status = response.status();
    (status, response.into_json().await.unwrap_or(Value::Null))
}

async fn english_customer(app: &TestApp, seller: &crate::quotes::Reseller) -> String {
    let (status, body) = call(app, "POST", "/api/v1/customers", &seller.token, json!({
        "company_name": "Sample Labs Inc.", "contact_name": "Pat Doe", "email": "pat@labs.example",
        "country": "US", "language": "en", "time_zone": "America/New_York", "purchaser_autodesk_id": "pat@labs.example"})).await;
    assert_eq!(status, Status::Created, "{body}");
    body["id"].as_str().unwrap().to_owned()
}

#[rocket::async_test]
async fn the_invitation_mail_goes_to_the_developer_in_the_customers_language() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let ja = customer(&app, &seller, "JP").await;
    let en = english_customer(&app, &seller).await;
    assign(&app, &seller, &ja, json!({"autodesk_id": "Hanako@Example.com", "name": "山田 花子"})).await;
    assign(&app, &seller, &en, json!({"autodesk_id": "pat.dev@labs.example"})).await;

    let mails = outbox(&app).await;
    assert_eq!(mails.len(), 2);
    let (kind, to, subject, body) = &mails[0];
    assert_eq!((kind.as_str(), to.as_str()), ("assignment.invitation", "hanako@example.com"));
    assert!(subject.contains("株式会社サンプル顧客") && subject.contains("招待"), "{subject}");
    for expected in ["山田 花子 様", "株式会社exmp", "hanako@example.com", "承諾する", "JST", "再送"]
    {
        assert!(body.contains(expected), "{expected} in {body}");
    }
    let token = invitation_token(&app, "hanako@example.com").await;
    assert_eq!(token.len(), 43, "32 random bytes, base64url");
    assert!(body.contains(&format!("http://127.0.0.1:8000/i/{token}")), "{body}");

    let (_, to, subject, body) = &mails[1];
    assert_eq!(to, "pat.dev@labs.example");
    assert!(subject.contains("Sample Labs Inc.") && subject.starts_with("Invitation"), "{subject}");
    for expected in
        ["Dear pat.dev@labs.example", "exmp KK", "Accept", "/i/", "EST", "send the invitation again"]
    {
        assert!(body.contains(expected), "{expected} in {body}");
    }
    // Only the SHA-256 of the token is stored.
    use sha2::Digest;
    let hash: String = sha2::Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    let conn = app.portal().db.conn();
    let stored = flexportal::storage::assignments::find_by_token_hash(conn, &hash).await.unwrap().unwrap();
    assert_eq!(stored.invite_token_hash.as_deref(), Some(hash.as_str()));
    assert!(flexportal::storage::assignments::find_by_token_hash(conn, &token).await.unwrap().is_none());
}

#[rocket::async_test]
async fn the_developer_accepts_through_the_api_and_accepting_twice_is_harmless() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let body = assign(&app, &seller, &cust, json!({"autodesk_id": "dev@example.com"})).await;
    let id = body["id"].as_str().unwrap();
    let token = invitation_token(&app, "dev@example.com").await;

    let (status, accepted) = accept_api(&app, &token).await;
    assert_eq!(status, Status::Ok, "{accepted}");
    assert_eq!(accepted["status"], "active");
    assert_eq!(accepted["customer_name"], "株式会社サンプル顧客");
    assert_eq!(accepted["partner_name_en"], "exmp KK");
    let (status, again) = accept_api(&app, &token).await;
    assert_eq!((status, &again["status"]), (Status::Ok, &json!("active")));
    assert_eq!(again["accepted_at"], accepted["accepted_at"], "the first acceptance stands");

    let (_, row) =
        call(&app, "GET", &format!("{}/{id}", assignments_of(&cust)), &seller.token, json!(null)).await;
    assert_eq!(row["status"], "active");
    assert!(row["accepted_at"].is_string());
    assert_eq!(audit_actions(&app, id).await, ["assignment.created", "assignment.accepted"]);
    let (status, _) =
        call(&app, "POST", &format!("{}/{id}/resend", assignments_of(&cust)), &seller.token, json!(null))
            .await;
    assert_eq!(status, Status::Conflict, "an accepted invitation is not re-sent");
}

#[rocket::async_test]
async fn an_expired_invitation_is_refused_until_the_reseller_re_sends_it() {
    let start = chrono::DateTime::parse_from_rfc3339("2026-12-01T09:00:00+09:00")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let app = spawn_app_with(crate::common::Options { fake_now: Some(start), ..Default::default() }).await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let body = assign(&app, &seller, &cust, json!({"autodesk_id": "late@example.com"})).await;
    let id = body["id"].as_str().unwrap();
    let one = format!("{}/{id}", assignments_of(&cust));
    let old = invitation_token(&app, "late@example.com").await;

    app.portal().clock.set(start + chrono::Duration::days(7));
    let seller = crate::orders::signed_in_again(&app, seller).await;
    let (_, row) = call(&app, "GET", &one, &seller.token, json!(null)).await;
    assert_eq!(row["status"], "expired");
    let (status, problem) = accept_api(&app, &old).await;
    assert_eq!(status, Status::Conflict, "{problem}");
    assert!(problem["detail"].as_str().unwrap().contains("再送"), "{problem}");
    let html = app.client.get(format!("/i/{old}?lang=en")).dispatch().await.into_string().await.unwrap();
    assert!(html.contains("This invitation has expired. Please ask exmp KK to send it again."), "{html}");
    assert!(!html.contains("id=\"accept-invitation\""), "no accept button");

    let (status, resent) = call(&app, "POST", &format!("{one}/resend"), &seller.token, json!(null)).await;
    assert_eq!(status, Status::Ok, "{resent}");
    assert_eq!(resent["status"], "invited");
    let until = chrono::DateTime::parse_from_rfc3339(resent["invite_expires_at"].as_str().unwrap()).unwrap();
    assert_eq!(
        until.with_timezone(&chrono::Utc),
        start + chrono::Duration::days(14),
        "7 days from the re-send"
    );
    let fresh = invitation_token(&app, "late@example.com").await;
    assert_ne!(fresh, old);
    assert_eq!(accept_api(&app, &old).await.0, Status::NotFound, "the old link no longer works");
    app.portal().clock.set(start + chrono::Duration::days(8));
    let (status, accepted) = accept_api(&app, &fresh).await;
    assert_eq!((status, &accepted["status"]), (Status::Ok, &json!("active")));
    assert_eq!(
        audit_actions(&app, id).await,
        ["assignment.created", "assignment.invitation_resent", "assignment.accepted"]
    );
}

#[rocket::async_test]
async fn an_open_invitation_can_be_re_sent_and_the_earlier_link_stops_working() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let body = assign(&app, &seller, &cust, json!({"autodesk_id": "dev@example.com"})).await;
    let first = invitation_token(&app, "dev@example.com").await;
    let path = format!("{}/{}/resend", assignments_of(&cust), body["id"].as_str().unwrap());
    let (status, resent) = call(&app, "POST", &path, &seller.token, json!(null)).await;
    assert_eq!((status, &resent["status"]), (Status::Ok, &json!("invited")));
    assert_eq!(outbox(&app).await.len(), 2, "a second mail");
    assert_eq!(app.client.get(format!("/i/{first}")).dispatch().await.status(), Status::NotFound);
    let second = invitation_token(&app, "dev@example.com").await;
    assert_eq!(accept_api(&app, &second).await.0, Status::Ok);
}

#[rocket::async_test]
async fn revoked_and_unknown_invitations_are_not_found() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let body = assign(&app, &seller, &cust, json!({"autodesk_id": "dev@example.com"})).await;
    let token = invitation_token(&app, "dev@example.com").await;
    let path = assignment_path(&cust, &body);
    call(&app, "DELETE", &path, &seller.token, json!(null)).await;
    assert_eq!(accept_api(&app, &token).await.0, Status::NotFound);
    assert_eq!(app.client.get(format!("/i/{token}")).dispatch().await.status(), Status::NotFound);
    for unknown in ["nope", &"x".repeat(43), &"y".repeat(500)] {
        assert_eq!(accept_api(&app, unknown).await.0, Status::NotFound, "{unknown}");
        assert_eq!(app.client.get(format!("/i/{unknown}")).dispatch().await.status(), Status::NotFound);
    }
    // A revoked developer who was active is refused too.
    let body = assign(&app, &seller, &cust, json!({"autodesk_id": "dev@example.com"})).await;
    let token = invitation_token(&app, "dev@example.com").await;
    assert_eq!(accept_api(&app, &token).await.0, Status::Ok);
    call(&app, "DELETE", &assignment_path(&cust, &body), &seller.token, json!(null)).await;
    assert_eq!(accept_api(&app, &token).await.0, Status::NotFound);
}

#[rocket::async_test]
async fn the_developer_accepts_through_the_page_in_the_customers_language() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let body = assign(&app, &seller, &cust, json!({"autodesk_id": "dev@example.com"})).await;
    let token = invitation_token(&app, "dev@example.com").await;

    let response = app.client.get(format!("/i/{token}")).dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(response.headers().get_one("X-Robots-Tag"), Some("noindex, nofollow"));
    let html = response.into_string().await.unwrap();
    for expected in ["株式会社exmp", "株式会社サンプル顧客", "dev@example.com", "承諾する", "招待中"]
    {
        assert!(html.contains(expected), "{expected} in the Japanese page");
    }
    let english = app.client.get(format!("/i/{token}?lang=en")).dispatch().await.into_string().await.unwrap();
    for expected in ["exmp KK", "Invitation to use Autodesk Flex tokens", "Accept", "Invited"] {
        assert!(english.contains(expected), "{expected} in the English page");
    }

    // The form needs its CSRF token.
    let refused =
        app.client.post(format!("/i/{token}/accept")).header(ContentType::Form).body("").dispatch().await;
    assert_eq!(refused.status(), Status::Forbidden);
    let csrf = extract_csrf(&html);
    let response = accept_page(&app, &token, &csrf).await;
    assert_eq!(response.status(), Status::SeeOther);
    let location = response.headers().get_one("Location").unwrap().to_owned();
    assert_eq!(location, format!("/i/{token}?done=accepted"));
    let done = app.client.get(location).dispatch().await.into_string().await.unwrap();
    assert!(done.contains("id=\"invitation-notice\""), "{done}");
    assert!(!done.contains("id=\"accept-invitation\""));
    let row = current(&app, &seller, &cust, &body).await;
    assert_eq!(row["status"], "active");
}

#[rocket::async_test]
async fn reseller_staff_signed_in_cannot_accept_for_the_developer() {
    let app = spawn_app().await;
    let seller = crate::workspace_pages::signed_in(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let body = assign(&app, &seller, &cust, json!({"autodesk_id": "dev@example.com"})).await;
    let token = invitation_token(&app, "dev@example.com").await;
    let html = app.client.get(format!("/i/{token}")).dispatch().await.into_string().await.unwrap();
    let response = accept_page(&app, &token, &extract_csrf(&html)).await;
    assert_eq!(response.status(), Status::Forbidden);
    let response = app
        .client
        .post(format!("/api/v1/public/invitations/{token}/accept"))
        .header(crate::helpers::bearer(&seller.token))
        .header(ContentType::JSON)
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Forbidden);
    let row = current(&app, &seller, &cust, &body).await;
    assert_eq!(row["status"], "invited");
}

#[rocket::async_test]
async fn invitation_links_are_limited_per_client() {
    let options = crate::common::Options {
        extra: vec![("invitation_lookups_per_client_per_minute", 3.into())],
        ..Default::default()
    };
    let app = spawn_app_with(options).await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    assign(&app, &seller, &cust, json!({"autodesk_id": "dev@example.com"})).await;
    let token = invitation_token(&app, "dev@example.com").await;
    for _ in 0..3 {
        assert_eq!(app.client.get(format!("/i/{token}")).dispatch().await.status(), Status::Ok);
    }
    let response = app.client.get(format!("/i/{token}")).dispatch().await;
    assert_eq!(response.status(), Status::TooManyRequests);
    assert!(response.headers().get_one("Retry-After").is_some());
    let (status, _) = accept_api(&app, &token).await;
    assert_eq!(status, Status::TooManyRequests, "the API shares the limit");
}
