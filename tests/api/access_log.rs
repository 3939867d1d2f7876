//! Secrets stay out of the logs: the access log shows a customer's quote link as `[redacted]`,
//! whichever page, PDF or API call it was used on; refusals (401/403) name who was refused.

use std::io::Write;
use std::sync::{Arc, Mutex};

use rocket::http::{ContentType, Status};
use serde_json::{Value, json};

use crate::helpers::{TestApp, bearer, spawn_app};
use crate::quotes::{call, customer, draft, reseller};

/// Everything logged on this thread while the guard lives, as JSON lines.
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn capture_logs() -> (Arc<Mutex<Vec<u8>>>, tracing::subscriber::DefaultGuard) {
    let buffer = Arc::new(Mutex::new(Vec::new()));
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || Captured(writer.clone()))
        .finish();
    (buffer, tracing::subscriber::set_default(subscriber))
}

fn lines(buffer: &Arc<Mutex<Vec<u8>>>) -> Vec<Value> {
    let text = String::from_utf8(buffer.lock().unwrap().clone()).unwrap();
    text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

async fn sent_quote_token(app: &TestApp) -> String {
    let seller = reseller(app, "exmp").await;
    let cust = customer(app, &seller, "JP").await;
    let quote = draft(app, &seller, &cust, json!([{"tokens": 100}])).await;
    let path = format!("/api/v1/quotes/{}/send", quote["id"].as_str().unwrap());
    let (status, sent) = call(app, "POST", &path, &seller.token, json!({})).await;
    assert_eq!(status, Status::Ok, "{sent}");
    sent["public_url"].as_str().unwrap().rsplit('/').next().unwrap().to_owned()
}

// One thread runs the test and every task it starts, so the thread-local log capture sees every
// line (Rocket's test runtime has a worker thread of its own, where lines could go uncaptured).
#[tokio::test(flavor = "current_thread")]
async fn the_access_log_never_shows_a_customer_link_token() {
    let app = spawn_app().await;
    let token = sent_quote_token(&app).await;
    let (buffer, _guard) = capture_logs();

    for path in [
        format!("/q/{token}"),
        format!("/q/{token}/pdf"),
        format!("/api/v1/public/quotes/{token}"),
        format!("/api/v1/public/quotes/{token}/pdf"),
        format!("//q/{token}"),
        format!("/q/{token}/no-such-page"),
    ] {
        app.client.get(path).dispatch().await;
    }
    // Refused and failed writes are logged too.
    app.client.post(format!("/q/{token}/accept")).header(ContentType::Form).body("name=x").dispatch().await;
    app.client
        .post(format!("/api/v1/public/quotes/{token}/accept"))
        .header(ContentType::JSON)
        .body(r#"{"name":""}"#)
        .dispatch()
        .await;

    let logged = lines(&buffer);
    let access: Vec<&Value> = logged.iter().filter(|l| l["target"] == "http").collect();
    assert!(access.len() >= 8, "one access line per request: {logged:?}");
    let text = String::from_utf8(buffer.lock().unwrap().clone()).unwrap();
    assert!(!text.contains(&token), "the token appears in the log:\n{text}");
    let paths: Vec<&str> = access.iter().filter_map(|l| l["fields"]["path"].as_str()).collect();
    assert!(paths.contains(&"\"/q/[redacted]/pdf\""), "{paths:?}");
    assert!(paths.contains(&"\"/api/v1/public/quotes/[redacted]\""), "{paths:?}");
    assert!(paths.contains(&"\"/q/[redacted]/accept\""), "{paths:?}");
}

// One thread runs the test and every task it starts, so the thread-local log capture sees every
// line (Rocket's test runtime has a worker thread of its own, where lines could go uncaptured).
#[tokio::test(flavor = "current_thread")]
async fn refusals_are_logged_with_the_actor_and_partner_when_known() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let user = flexportal::storage::users::find_by_email(app.portal().db.conn(), "sales@exmp.example")
        .await
        .unwrap()
        .unwrap();
    let (buffer, _guard) = capture_logs();

    let response = app.client.get("/api/v1/admin/users").header(bearer(&seller.token)).dispatch().await;
    assert_eq!(response.status(), Status::Forbidden);
    let response = app.client.get("/api/v1/admin/users").dispatch().await;
    assert_eq!(response.status(), Status::Unauthorized);

    let refused: Vec<Value> =
        lines(&buffer).into_iter().filter(|l| l["fields"]["message"] == "access refused").collect();
    assert_eq!(refused.len(), 2, "{refused:?}");
    let forbidden = &refused[0]["fields"];
    assert_eq!(forbidden["status"], 403);
    assert_eq!(forbidden["actor"], user.id.to_string());
    assert_eq!(forbidden["partner"], seller.partner_id.to_string());
    assert_eq!(refused[0]["level"], "WARN");
    let unauthorized = &refused[1]["fields"];
    assert_eq!(unauthorized["status"], 401);
    assert_eq!(unauthorized["actor"], "-");
    assert!(unauthorized["request_id"].as_str().is_some_and(|id| !id.is_empty()));
}
