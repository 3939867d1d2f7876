//! The jobs runner and `flexportal sweep`: what runs in the background, what the command prints,
//! and the settings that decide where mail goes.

use chrono::Duration;
use rocket::http::Status;
use serde_json::json;

use crate::common::{Options, fresh_config, fresh_portal};
use crate::helpers::spawn_app_with;
use crate::mail::{body, eml_files, header, queue, row};
use crate::quotes::{call, customer, reseller};

fn sweep(config: &flexportal::config::Config, profile: &str) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_flexportal"));
    command
        .arg("sweep")
        .env("FLEXPORTAL_PROFILE", profile)
        .env("FLEXPORTAL_DATABASE_URL", config.database_url())
        .env("FLEXPORTAL_DATA_DIR", &config.data_dir)
        .env("FLEXPORTAL_SECRET_KEY", config.secret_key.clone().unwrap_or_default())
        .env("FLEXPORTAL_LOG", "error");
    command
}

#[rocket::async_test]
async fn sweep_delivers_queued_mail_and_prints_what_it_did() {
    let (config, _db) = fresh_config(&Options::default()).await;
    let portal = flexportal::open(config.clone()).await.unwrap();
    queue(&portal, "buyer@example.com", "Your quote", "Hello").await;

    let output = sweep(&config, "test").output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("expired quotes: 0, mail sent: 1, failed: 0"), "{stdout}");
    assert_eq!(eml_files(&config.data_dir.join("mail")).len(), 1);
}

#[rocket::async_test]
async fn mail_settings_from_the_environment_beat_the_production_defaults() {
    let (config, _db) = fresh_config(&Options::default()).await;
    let portal = flexportal::open(config.clone()).await.unwrap();
    queue(&portal, "buyer@example.com", "Your quote", "Hello").await;

    // Production sends through SMTP by default; the variable switches it to files.
    let output = sweep(&config, "production").env("FLEXPORTAL_MAIL_TRANSPORT", "file").output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("mail sent: 1, failed: 0"));
    assert_eq!(eml_files(&config.data_dir.join("mail")).len(), 1);
}

#[rocket::async_test]
async fn the_server_delivers_queued_mail_in_the_background() {
    let options = Options { extra: vec![("jobs_interval_seconds", 1.into())], ..Default::default() };
    let app = spawn_app_with(options).await;
    let id = queue(app.portal(), "buyer@example.com", "Your quote", "Hello").await;
    for _ in 0..100 {
        if row(app.portal(), id).await.sent_at.is_some() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the background runner did not deliver the message within 10 s");
}

#[rocket::async_test]
async fn invalid_mail_settings_stop_the_server_before_it_starts() {
    let options = Options {
        extra: vec![
            ("mail_transport", "smtp".into()),
            ("mail_smtp_url", "smtps://mailer@smtp.example.com".into()),
        ],
        ..Default::default()
    };
    let (portal, _db) = fresh_portal(&options).await;
    let started = rocket::local::asynchronous::Client::tracked(flexportal::rocket(portal)).await;
    let error = started.expect_err("a user without FLEXPORTAL_MAIL_SMTP_PASSWORD is refused");
    assert!(matches!(error.kind(), rocket::error::ErrorKind::FailedFairings(_)));
}

#[rocket::async_test]
async fn a_sent_quote_is_mailed_to_the_customer_and_expired_by_the_jobs_after_its_validity() {
    let sent_at = chrono::DateTime::parse_from_rfc3339("2026-12-01T10:00:00+09:00").unwrap().to_utc();
    let app = spawn_app_with(Options { fake_now: Some(sent_at), ..Default::default() }).await;
    let seller = reseller(&app, "exmp").await;
    let buyer = customer(&app, &seller, "JP").await;
    let (_, quote) = call(
        &app,
        "POST",
        "/api/v1/quotes",
        &seller.token,
        json!({"customer_id": buyer, "lines": [{"tokens": 100}], "valid_days": 14}),
    )
    .await;
    let id = quote["id"].as_str().unwrap();
    let (status, sent) =
        call(&app, "POST", &format!("/api/v1/quotes/{id}/send"), &seller.token, json!({})).await;
    assert_eq!(status, Status::Ok, "{sent}");
    let jobs = app.client.rocket().state::<flexportal::jobs::Jobs>().unwrap();

    let report = jobs.run_once().await;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!((report.expired_quotes, report.mail.failed), (0, 0));
    let files = eml_files(&app.portal().config.data_dir.join("mail"));
    let to_customer: Vec<_> = files
        .iter()
        .filter(|eml| header(eml, "To").is_some_and(|to| to.contains("yamada@customer.example")))
        .collect();
    assert_eq!(to_customer.len(), 1, "the customer gets one message");
    let link = sent["public_url"].as_str().unwrap();
    assert!(body(to_customer[0]).contains(link), "the mail carries the quote link");

    app.portal().clock.set(sent_at + Duration::days(15));
    let report = jobs.run_once().await;
    assert_eq!((report.expired_quotes, report.mail.sent), (1, 0));
    let token = app.token("sales@exmp.example").await;
    let (_, stored) = call(&app, "GET", &format!("/api/v1/quotes/{id}"), &token, json!({})).await;
    assert_eq!(stored["status"], "expired");
}
