//! One acceptance per quote: of all the revisions of a quote, at most one is ever accepted.
//! Sending a revision supersedes the sent ones before it, and is refused once an earlier one
//! has been accepted; a superseded revision can no longer be accepted, by link or on behalf.

use rocket::http::{ContentType, Status};
use serde_json::{Value, json};

use crate::helpers::{TestApp, problem, spawn_app};
use crate::quotes::{Reseller, call, customer, draft, reseller};

fn link_token(sent: &Value) -> String {
    sent["public_url"].as_str().unwrap().rsplit('/').next().unwrap().to_owned()
}

async fn send(app: &TestApp, seller: &Reseller, id: &str) -> (Status, Value) {
    call(app, "POST", &format!("/api/v1/quotes/{id}/send"), &seller.token, json!({})).await
}

async fn status_of(app: &TestApp, seller: &Reseller, id: &str) -> String {
    let (status, quote) = call(app, "GET", &format!("/api/v1/quotes/{id}"), &seller.token, json!({})).await;
    assert_eq!(status, Status::Ok, "{quote}");
    quote["status"].as_str().unwrap().to_owned()
}

async fn accept_by_link<'a>(app: &'a TestApp, token: &str) -> rocket::local::asynchronous::LocalResponse<'a> {
    app.client
        .post(format!("/api/v1/public/quotes/{token}/accept"))
        .header(ContentType::JSON)
        .body(json!({"name": "山田 太郎", "agree": true}).to_string())
        .dispatch()
        .await
}

/// How many rows a table holds, read straight from the database.
pub async fn count(app: &TestApp, table: &str) -> i64 {
    use sea_orm::ConnectionTrait;
    let conn = app.portal().db.conn();
    let sql = format!("SELECT COUNT(*) AS n FROM {table}");
    let row = conn
        .query_one_raw(sea_orm::Statement::from_string(conn.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

/// A sent revision 1 and a draft revision 2 of the same quote: (r1 id, r1 link token, r2 id).
async fn sent_quote_with_draft_revision(app: &TestApp, seller: &Reseller) -> (String, String, String) {
    let jp = customer(app, seller, "JP").await;
    let quote = draft(app, seller, &jp, json!([{"tokens": 100}])).await;
    let r1 = quote["id"].as_str().unwrap().to_owned();
    let (status, sent) = send(app, seller, &r1).await;
    assert_eq!(status, Status::Ok, "{sent}");
    let (status, revision) =
        call(app, "POST", &format!("/api/v1/quotes/{r1}/revise"), &seller.token, json!({})).await;
    assert_eq!(status, Status::Created, "{revision}");
    (r1, link_token(&sent), revision["id"].as_str().unwrap().to_owned())
}

#[rocket::async_test]
async fn a_revision_cannot_be_sent_once_the_customer_accepted_an_earlier_one() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let (r1, r1_token, r2) = sent_quote_with_draft_revision(&app, &seller).await;
    let accepted = accept_by_link(&app, &r1_token).await;
    assert_eq!(accepted.status(), Status::Ok);

    let response = app
        .client
        .post(format!("/api/v1/quotes/{r2}/send"))
        .header(crate::helpers::bearer(&seller.token))
        .header(ContentType::JSON)
        .body("{}")
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Conflict);
    let body = problem(response).await;
    assert!(body["detail"].as_str().unwrap().contains("承諾"), "the reseller is told why: {body}");

    assert_eq!(status_of(&app, &seller, &r1).await, "accepted", "the acceptance stands");
    assert_eq!(status_of(&app, &seller, &r2).await, "draft", "nothing of the refused send was kept");
    let public: Value = app
        .client
        .get(format!("/api/v1/public/quotes/{r1_token}"))
        .dispatch()
        .await
        .into_json()
        .await
        .unwrap();
    assert_eq!(public["status"], "accepted");
}

#[rocket::async_test]
async fn a_refused_send_uses_no_document_number_and_sends_no_mail() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let (_r1, r1_token, r2) = sent_quote_with_draft_revision(&app, &seller).await;
    assert_eq!(accept_by_link(&app, &r1_token).await.status(), Status::Ok);
    let before = (count(&app, "outbox").await, count(&app, "documents").await);
    let (status, _) = send(&app, &seller, &r2).await;
    assert_eq!(status, Status::Conflict);
    assert_eq!((count(&app, "outbox").await, count(&app, "documents").await), before);

    let jp = customer(&app, &seller, "JP").await;
    let other = draft(&app, &seller, &jp, json!([{"tokens": 100}])).await;
    let (status, sent) = send(&app, &seller, other["id"].as_str().unwrap()).await;
    assert_eq!(status, Status::Ok);
    assert!(sent["number"].as_str().unwrap().ends_with("-00002"), "no number was used up: {sent}");
}

#[rocket::async_test]
async fn a_superseded_revision_cannot_be_accepted_by_link_or_on_behalf() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let (r1, r1_token, r2) = sent_quote_with_draft_revision(&app, &seller).await;
    let (status, sent2) = send(&app, &seller, &r2).await;
    assert_eq!(status, Status::Ok, "{sent2}");
    assert_eq!(status_of(&app, &seller, &r1).await, "superseded");

    assert_eq!(accept_by_link(&app, &r1_token).await.status(), Status::Conflict);
    let (status, body) = call(
        &app,
        "POST",
        &format!("/api/v1/quotes/{r1}/accept-on-behalf"),
        &seller.token,
        json!({"reason": "PO by mail"}),
    )
    .await;
    assert_eq!(status, Status::Conflict, "{body}");
    assert_eq!(status_of(&app, &seller, &r1).await, "superseded");

    let accepted = accept_by_link(&app, &link_token(&sent2)).await;
    assert_eq!(accepted.status(), Status::Ok, "the latest revision is the one to accept");
}

#[rocket::async_test]
async fn a_revision_cannot_be_sent_once_an_earlier_one_was_accepted_on_behalf() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let (r1, _token, r2) = sent_quote_with_draft_revision(&app, &seller).await;
    let (status, body) = call(
        &app,
        "POST",
        &format!("/api/v1/quotes/{r1}/accept-on-behalf"),
        &seller.token,
        json!({"reason": "PO by fax"}),
    )
    .await;
    assert_eq!(status, Status::Ok, "{body}");
    let (status, body) = send(&app, &seller, &r2).await;
    assert_eq!(status, Status::Conflict, "{body}");
    assert_eq!(status_of(&app, &seller, &r2).await, "draft");
}

/// Sending revision 2 and accepting revision 1 at the same moment: whichever lands first wins,
/// the other is refused, and the quote never ends with an acceptance and a live later revision.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sending_a_revision_and_accepting_the_earlier_one_at_once_let_exactly_one_win() {
    use flexportal::domain::quotes::{
        AcceptInput, LineInput, QuoteInput, accept_public, create_quote, get_quote, revise_quote, send_quote,
    };
    let (portal, _db, actor, origin, customer_id) = crate::quotes::concurrent_fixture().await;
    let input = QuoteInput {
        customer_id: Some(customer_id),
        lines: vec![LineInput { tokens: json!(100), discount_percent: None }],
        ..Default::default()
    };
    let r1 = create_quote(&portal, &actor, &origin, &input).await.unwrap().id;
    let sent = send_quote(&portal, &actor, &origin, r1).await.unwrap();
    let r1_token = sent.public_url.rsplit('/').next().unwrap().to_owned();
    let r2 = revise_quote(&portal, &actor, &origin, r1).await.unwrap().id;
    let sender = {
        let (portal, actor, origin) = (portal.clone(), actor.clone(), origin.clone());
        tokio::spawn(async move { send_quote(&portal, &actor, &origin, r2).await.map(|_| ()) })
    };
    let acceptor = {
        let (portal, origin) = (portal.clone(), origin.clone());
        tokio::spawn(async move {
            let input = AcceptInput { name: "山田 太郎".into(), agree: true, pdf_sha256: None };
            accept_public(&portal, &origin, &r1_token, &input).await.map(|_| ())
        })
    };
    let sent = sender.await.unwrap();
    let accepted = acceptor.await.unwrap();
    assert!(sent.is_ok() != accepted.is_ok(), "exactly one wins: send {sent:?}, accept {accepted:?}");
    let status = |quote: flexportal::domain::quotes::QuoteView| serde_json::to_value(quote.status).unwrap();
    let r1_status = status(get_quote(&portal, &actor, r1).await.unwrap());
    let r2_status = status(get_quote(&portal, &actor, r2).await.unwrap());
    if accepted.is_ok() {
        assert_eq!((r1_status, r2_status), (json!("accepted"), json!("draft")));
    } else {
        assert_eq!((r1_status, r2_status), (json!("superseded"), json!("sent")));
    }
}
