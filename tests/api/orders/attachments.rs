//! The customer's order mails carry the issued PDFs themselves, byte for byte the documents whose
//! SHA-256 the portal recorded and `/verify` shows.

use base64::Engine;
use serde_json::Value;
use sha2::Digest;

use super::{accepted_quote, at, place};
use crate::common::{Options, reconcile};
use crate::helpers::spawn_app_with;
use crate::mail::{eml_files, file_mailer, mail_dir};
use crate::quotes::{customer, reseller};

/// The attachments of one `.eml` file: (file name, decoded bytes), in order.
fn pdf_attachments(eml: &str) -> Vec<(String, Vec<u8>)> {
    let eml = eml.replace("\r\n", "\n");
    let boundary = eml
        .lines()
        .find_map(|l| l.split("boundary=").nth(1))
        .map(|b| b.trim_matches('"').to_owned())
        .expect("a multipart message");
    eml.split(&format!("--{boundary}"))
        .filter(|part| part.contains("Content-Type: application/pdf"))
        .map(|part| {
            let (headers, body) = part.split_once("\n\n").expect("headers and body");
            let name = headers
                .split("filename=")
                .nth(1)
                .and_then(|rest| rest.split('"').nth(1))
                .expect("a file name")
                .to_owned();
            let data: String = body.chars().filter(|c| !c.is_whitespace()).collect();
            (name, base64::engine::general_purpose::STANDARD.decode(data).expect("base64"))
        })
        .collect()
}

fn sha256(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[rocket::async_test]
async fn the_order_mail_carries_the_invoice_and_delivery_note_pdfs_named_by_their_numbers() {
    let app =
        spawn_app_with(Options { fake_now: Some(at("2027-03-01T10:00:00+09:00")), ..Default::default() })
            .await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let quote = accepted_quote(&app, &seller, &cust, 500).await;
    let (_, order) = place(&app, &seller, &quote, "invoice").await;

    let portal = app.portal();
    let report =
        flexportal::jobs::deliver_outbox(&portal.db, &file_mailer(portal), portal.clock.now()).await.unwrap();
    assert_eq!(report.failed, 0);
    let mails = eml_files(&mail_dir(portal));
    let order_mail = mails
        .iter()
        .find(|m| m.contains("yamada@customer.example") && m.contains("application/pdf"))
        .expect("the customer's mail");
    let attached = pdf_attachments(order_mail);
    let documents = order["documents"].as_array().unwrap();
    assert_eq!(attached.len(), 2, "invoice and delivery note");
    for ((name, bytes), document) in attached.iter().zip(documents) {
        assert_eq!(name, &format!("{}.pdf", document["number"].as_str().unwrap()));
        assert!(bytes.starts_with(b"%PDF"));
        assert_eq!(Value::from(sha256(bytes)), document["sha256"], "the mail carries the recorded document");
    }
    assert!(order_mail.contains("Content-Type: text/plain"), "the text stays first");
    reconcile(portal).await;
}

#[rocket::async_test]
async fn a_card_order_mail_carries_the_receipt_too() {
    let app =
        spawn_app_with(Options { fake_now: Some(at("2027-03-01T10:00:00+09:00")), ..Default::default() })
            .await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let quote = accepted_quote(&app, &seller, &cust, 300).await;
    let (_, order) = place(&app, &seller, &quote, "card").await;
    let portal = app.portal();
    flexportal::jobs::deliver_outbox(&portal.db, &file_mailer(portal), portal.clock.now()).await.unwrap();
    let mails = eml_files(&mail_dir(portal));
    let order_mail = mails
        .iter()
        .find(|m| m.contains("yamada@customer.example") && m.contains("application/pdf"))
        .unwrap();
    let names: Vec<String> = pdf_attachments(order_mail).into_iter().map(|(name, _)| name).collect();
    assert_eq!(names, ["EXMP-I-2027-00001.pdf", "EXMP-D-2027-00001.pdf", "EXMP-R-2027-00001.pdf"]);
    reconcile(portal).await;
    assert_eq!(order["documents"].as_array().unwrap().len(), 3);
}
