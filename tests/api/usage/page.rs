//! The workspace page that uploads a usage CSV: counts and rejected lines with reasons, in both
//! languages; a post without the CSRF token changes nothing.

use rocket::http::{ContentType, Status};

use super::{at, developer, pack};
use crate::common::{Options, reconcile};
use crate::helpers::{TestApp, spawn_app_with};
use crate::orders::balance;
use crate::quotes::{customer, reseller};

const FILE: &str = "event_id,occurred_at,autodesk_id,app,api,units,tokens
p-1,2027-01-09T09:00:00+09:00,dev@customer.example,Viewer,Model Derivative,1,2.5
p-2,2027-01-09T09:00:00+09:00,dev@customer.example,Viewer,Model Derivative,1,1.0001
";

fn multipart(csrf: &str, nonce: &str, file: &str) -> (ContentType, String) {
    let boundary = "usage-boundary-7f3a";
    let part = |name: &str, value: &str| {
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
    };
    let body = format!(
        "{}{}--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"usage.csv\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n--{boundary}--\r\n",
        part("_csrf", csrf),
        part("nonce", nonce)
    );
    (ContentType::new("multipart", "form-data").with_params(("boundary", boundary)), body)
}

async fn post(app: &TestApp, path: &str, csrf: &str, nonce: &str) -> (Status, String) {
    let (content_type, body) = multipart(csrf, nonce, FILE);
    let response = app.client.post(path.to_owned()).header(content_type).body(body).dispatch().await;
    (response.status(), response.into_string().await.unwrap_or_default())
}

#[rocket::async_test]
async fn the_reseller_uploads_a_usage_csv_and_sees_the_counts_and_the_rejected_lines() {
    let app =
        spawn_app_with(Options { fake_now: Some(at("2027-01-10T12:00:00+09:00")), ..Default::default() })
            .await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    developer(&app, &seller, &cust, "dev@customer.example").await;
    pack(&app, &seller, &cust, 100, "2026-06-01T10:00:00+09:00", "2027-06-01T15:00:00Z").await;
    assert_eq!(app.browser_login("sales@exmp.example").await.status(), Status::SeeOther);
    let path = format!("/app/customers/{cust}/usage/upload");
    let csrf = app.csrf_from(&format!("{path}?lang=en")).await;
    assert!(!csrf.is_empty());

    let (status, _) = post(&app, &path, "", "0123456789abcdef0123456789abcdef").await;
    assert_eq!(status, Status::Forbidden, "no CSRF token");
    assert_eq!(balance(&app, &seller, &cust).await["available"], "100", "nothing applied");

    let (status, html) =
        post(&app, &format!("{path}?lang=en"), &csrf, "0123456789abcdef0123456789abcdef").await;
    assert_eq!(status, Status::Ok, "{html}");
    assert!(html.contains(r#"<dd id="upload-applied">1</dd>"#), "{html}");
    assert!(html.contains(r#"<dd id="upload-rejected">1</dd>"#), "{html}");
    assert!(
        html.contains("<td>3</td><td>p-2</td>") && html.contains("Use at most 3 decimal places."),
        "{html}"
    );
    assert_eq!(balance(&app, &seller, &cust).await["available"], "97.5");

    // The same form sent again (a reload): the first answer, nothing applied twice.
    let (status, again) =
        post(&app, &format!("{path}?lang=ja"), &csrf, "0123456789abcdef0123456789abcdef").await;
    assert_eq!(status, Status::Ok);
    assert!(again.contains("却下された行") && again.contains(r#"<dd id="upload-applied">1</dd>"#), "{again}");
    assert!(again.contains("小数点以下は3桁まで"), "{again}");
    assert_eq!(balance(&app, &seller, &cust).await["available"], "97.5");
    reconcile(app.portal()).await;
}
