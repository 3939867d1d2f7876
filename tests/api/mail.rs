//! Mail delivery: the outbox job sends each message once, retries with backoff, keeps Japanese
//! intact and keeps user input out of the headers.

use std::path::Path;
use std::sync::Arc;

use base64::Engine;
use chrono::{DateTime, Duration, TimeZone, Utc};
use flexportal::domain::Portal;
use flexportal::jobs::deliver_outbox;
use flexportal::mail::{self, DeliveryStatus, Mailer, Message, Transport};
use flexportal::storage::outbox::{self, OutboxRow};
use uuid::Uuid;

use crate::common::{Options, fresh_portal};

pub const FROM: &str = "Flex Partner Portal <no-reply@flexportal.example>";

pub fn noon() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap()
}

pub fn at_noon() -> Options {
    Options { fake_now: Some(noon()), ..Default::default() }
}

pub async fn queue(portal: &Portal, to: &str, subject: &str, body: &str) -> Uuid {
    let message = Message {
        to: to.into(),
        subject: subject.into(),
        body: body.into(),
        kind: "test.message",
        related_id: None,
    };
    mail::enqueue(portal.db.conn(), message, portal.clock.now()).await.unwrap();
    let (rows, _) = outbox::list(portal.db.conn(), 0, 100).await.unwrap();
    let mut matching = rows.iter().filter(|row| row.to_address == to);
    let id = matching.next().unwrap().id;
    assert!(matching.next().is_none(), "each test message goes to its own address");
    id
}

pub async fn row(portal: &Portal, id: Uuid) -> OutboxRow {
    outbox::find(portal.db.conn(), id).await.unwrap().unwrap()
}

pub fn file_mailer(portal: &Portal) -> Mailer {
    Mailer::new(FROM, Transport::file(mail_dir(portal))).unwrap()
}

pub fn mail_dir(portal: &Portal) -> std::path::PathBuf {
    portal.config.data_dir.join("mail")
}

pub fn eml_files(dir: &Path) -> Vec<String> {
    match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// The unfolded value of header `name`.
pub fn header(eml: &str, name: &str) -> Option<String> {
    let head = eml.split("\r\n\r\n").next().unwrap();
    let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
    let prefix = format!("{}: ", name.to_ascii_lowercase());
    unfolded
        .split("\r\n")
        .find(|line| line.to_ascii_lowercase().starts_with(&prefix))
        .map(|line| line[prefix.len()..].to_owned())
}

/// Decodes RFC 2047 `=?utf-8?b?…?=` words; the space between two encoded words is not text.
pub fn decode_words(value: &str) -> String {
    let mut bytes = Vec::new();
    let mut previous_encoded = false;
    for (i, token) in value.split_whitespace().enumerate() {
        let encoded = token.to_ascii_lowercase().starts_with("=?utf-8?b?") && token.ends_with("?=");
        if i > 0 && !(encoded && previous_encoded) {
            bytes.push(b' ');
        }
        if encoded {
            let payload = &token["=?utf-8?b?".len()..token.len() - 2];
            bytes.extend(base64::engine::general_purpose::STANDARD.decode(payload).unwrap());
        } else {
            bytes.extend(token.as_bytes());
        }
        previous_encoded = encoded;
    }
    String::from_utf8(bytes).unwrap()
}

pub fn body(eml: &str) -> String {
    let (_, raw) = eml.split_once("\r\n\r\n").unwrap();
    let text = match header(eml, "Content-Transfer-Encoding").as_deref() {
        Some("base64") => {
            let compact: String = raw.split_whitespace().collect();
            String::from_utf8(base64::engine::general_purpose::STANDARD.decode(compact).unwrap()).unwrap()
        }
        _ => raw.to_owned(),
    };
    text.replace("\r\n", "\n")
}

#[rocket::async_test]
async fn a_queued_message_is_delivered_exactly_once_even_when_two_deliveries_run_at_the_same_time() {
    let (portal, _db) = fresh_portal(&at_noon()).await;
    let mut ids = Vec::new();
    for n in 0..5 {
        ids.push(queue(&portal, &format!("buyer{n}@example.com"), "Your quote", "Hello").await);
    }
    let mailer = Arc::new(file_mailer(&portal));
    let runs: Vec<_> = (0..2)
        .map(|_| {
            let (db, mailer) = (portal.db.clone(), mailer.clone());
            tokio::spawn(async move { deliver_outbox(&db, &mailer, noon()).await.unwrap() })
        })
        .collect();
    let mut sent = 0;
    for run in runs {
        let report = run.await.unwrap();
        assert_eq!(report.failed, 0);
        sent += report.sent;
    }
    assert_eq!(sent, 5, "each message is counted by exactly one of the runs");
    assert_eq!(eml_files(&mail_dir(&portal)).len(), 5, "one file per message");
    for id in ids {
        let row = row(&portal, id).await;
        assert_eq!(DeliveryStatus::of(&row), DeliveryStatus::Sent);
        assert_eq!((row.attempts, row.sent_at, row.locked_until), (1, Some(noon()), None));
    }

    let again = deliver_outbox(&portal.db, &mailer, noon() + Duration::hours(1)).await.unwrap();
    assert_eq!(again.sent, 0, "a sent message is never sent again");
    assert_eq!(eml_files(&mail_dir(&portal)).len(), 5);
}

#[rocket::async_test]
async fn of_two_instances_claiming_the_same_message_exactly_one_wins_until_its_lock_expires() {
    let (portal, _db) = fresh_portal(&at_noon()).await;
    let id = queue(&portal, "buyer@example.com", "Your quote", "Hello").await;
    let lock_until = noon() + Duration::minutes(10);
    let (a, b) = tokio::join!(
        outbox::claim(portal.db.conn(), id, noon(), lock_until),
        outbox::claim(portal.db.conn(), id, noon(), lock_until),
    );
    assert!(a.unwrap() ^ b.unwrap(), "exactly one claim succeeds");
    assert!(
        outbox::due(portal.db.conn(), noon(), 10).await.unwrap().is_empty(),
        "a claimed message is not due"
    );

    let after_lock = lock_until + Duration::seconds(1);
    assert!(
        outbox::claim(portal.db.conn(), id, after_lock, after_lock + Duration::minutes(10)).await.unwrap()
    );
}

#[rocket::async_test]
async fn a_transport_failure_records_the_error_and_retries_with_growing_delays_until_it_gives_up() {
    let (portal, _db) = fresh_portal(&at_noon()).await;
    let id = queue(&portal, "buyer@example.com", "Your quote", "Hello").await;
    let unreachable = Mailer::new(FROM, Transport::smtp("smtp://127.0.0.1:1", None).unwrap()).unwrap();

    let report = deliver_outbox(&portal.db, &unreachable, noon()).await.unwrap();
    assert_eq!((report.sent, report.failed), (0, 1));
    let failed = row(&portal, id).await;
    assert_eq!(DeliveryStatus::of(&failed), DeliveryStatus::Retrying);
    assert_eq!(failed.attempts, 1);
    assert_eq!(failed.next_attempt_at, noon() + Duration::minutes(1));
    assert!(failed.last_error.as_deref().is_some_and(|e| !e.is_empty()));
    assert_eq!((failed.sent_at, failed.locked_until), (None, None));

    let too_early = deliver_outbox(&portal.db, &unreachable, noon() + Duration::seconds(59)).await.unwrap();
    assert_eq!(too_early.failed, 0, "not due before its next attempt");

    let second_try = noon() + Duration::minutes(1);
    deliver_outbox(&portal.db, &unreachable, second_try).await.unwrap();
    let failed = row(&portal, id).await;
    assert_eq!(failed.attempts, 2);
    assert_eq!(failed.next_attempt_at, second_try + Duration::minutes(5));

    // Seven attempts have failed; the eighth is the last.
    let last_try = noon() + Duration::days(2);
    outbox::mark_failed(portal.db.conn(), id, 7, last_try, "earlier failure").await.unwrap();
    deliver_outbox(&portal.db, &unreachable, last_try).await.unwrap();
    let given_up = row(&portal, id).await;
    assert_eq!(DeliveryStatus::of(&given_up), DeliveryStatus::Failed);
    assert_eq!(given_up.attempts, 8);
    assert_eq!(given_up.next_attempt_at, outbox::gave_up_at());
    let later =
        deliver_outbox(&portal.db, &file_mailer(&portal), last_try + Duration::days(365)).await.unwrap();
    assert_eq!(later.sent, 0, "a message given up on is not retried");
}

#[rocket::async_test]
async fn a_japanese_subject_and_body_survive_into_the_sent_file() {
    let (portal, _db) = fresh_portal(&at_noon()).await;
    let subject = "お見積りのご案内 Q-2026-0001（株式会社エグザンプル）";
    let text =
        "山田 太郎 様\n\nAutodesk Flex トークン 1,000 のお見積りをお送りします。\n合計: ¥42,900（税込）\n";
    queue(&portal, "山田 太郎 <taro@example.co.jp>", subject, text).await;

    let report = deliver_outbox(&portal.db, &file_mailer(&portal), noon()).await.unwrap();
    assert_eq!(report.sent, 1);
    let files = eml_files(&mail_dir(&portal));
    let eml = &files[0];
    assert!(eml.is_ascii(), "headers and body are transfer-encoded");
    assert_eq!(decode_words(&header(eml, "Subject").unwrap()), subject);
    assert_eq!(body(eml), text);
    assert!(header(eml, "Content-Type").unwrap().to_ascii_lowercase().contains("charset=utf-8"));
    assert!(header(eml, "From").unwrap().contains("no-reply@flexportal.example"));
    assert!(header(eml, "To").unwrap().contains("<taro@example.co.jp>"));
}

#[rocket::async_test]
async fn a_subject_with_a_line_break_is_sent_on_one_line_and_cannot_add_a_header() {
    let (portal, _db) = fresh_portal(&at_noon()).await;
    queue(&portal, "buyer@example.com", "Your quote\r\nBcc: attacker@example.com", "Hello").await;

    let report = deliver_outbox(&portal.db, &file_mailer(&portal), noon()).await.unwrap();
    assert_eq!((report.sent, report.failed), (1, 0));
    let eml = &eml_files(&mail_dir(&portal))[0];
    assert_eq!(decode_words(&header(eml, "Subject").unwrap()), "Your quote Bcc: attacker@example.com");
    assert!(header(eml, "Bcc").is_none());
    assert!(!eml.to_ascii_lowercase().contains("\r\nbcc:"));
}

#[rocket::async_test]
async fn a_recipient_with_a_line_break_is_given_up_on_at_once_and_other_mail_still_goes_out() {
    let (portal, _db) = fresh_portal(&at_noon()).await;
    let bad = queue(&portal, "buyer@example.com\r\nBcc: attacker@example.com", "Your quote", "Hello").await;
    let good = queue(&portal, "other@example.com", "Your quote", "Hello").await;

    let report = deliver_outbox(&portal.db, &file_mailer(&portal), noon()).await.unwrap();
    assert_eq!((report.sent, report.failed), (1, 1));
    let bad = row(&portal, bad).await;
    assert_eq!(DeliveryStatus::of(&bad), DeliveryStatus::Failed);
    assert_eq!((bad.attempts, bad.next_attempt_at), (1, outbox::gave_up_at()));
    assert!(bad.last_error.unwrap().contains("invalid recipient"));
    assert_eq!(DeliveryStatus::of(&row(&portal, good).await), DeliveryStatus::Sent);
    assert_eq!(eml_files(&mail_dir(&portal)).len(), 1);
}
