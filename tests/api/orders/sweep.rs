//! `flexportal sweep` runs the token sweep and reconciliation and says so; a broken pack makes it
//! fail naming the pack. And the invoice's text.

use rocket::http::Status;
use sea_orm::ConnectionTrait;
use serde_json::json;

use super::{accepted_quote, id_of, place};
use crate::helpers::spawn_app;
use crate::quotes::{customer, reseller};

async fn placed_order(portal: &flexportal::domain::Portal) -> flexportal::domain::orders::OrderView {
    use flexportal::domain::{orders, quotes};
    let user = flexportal::storage::users::find_by_email(portal.db.conn(), "sales@exmp.example")
        .await
        .unwrap()
        .unwrap();
    let actor = flexportal::domain::actor::Actor {
        user_id: user.id,
        email: user.email,
        display_name: user.display_name,
        role: flexportal::domain::actor::Role::PartnerSales,
        partner_id: user.partner_id,
        session_id: uuid::Uuid::new_v4(),
    };
    let origin = flexportal::domain::actor::Origin::default();
    let customers =
        flexportal::domain::customers::list_customers(portal, &actor, None, 1, 10).await.unwrap().0;
    let input = quotes::QuoteInput {
        customer_id: Some(customers[0].id),
        lines: vec![quotes::LineInput { tokens: json!(100), discount_percent: None }],
        ..Default::default()
    };
    let quote = quotes::create_quote(portal, &actor, &origin, &input).await.unwrap().id;
    quotes::send_quote(portal, &actor, &origin, quote).await.unwrap();
    quotes::accept_on_behalf(portal, &actor, &origin, quote, "注文書").await.unwrap();
    let input = orders::PlaceOrder { quote_id: Some(quote), payment_method: "invoice".into() };
    orders::place_order(portal, &actor, &origin, input).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flexportal_sweep_reports_reconciliation_ok_and_fails_naming_a_broken_pack() {
    let (portal, _db, _actor, _origin, _customer) = crate::quotes::concurrent_fixture().await;
    let order = placed_order(&portal).await;
    let output = crate::cli::flexportal(&portal.config).arg("sweep").output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("reconciliation: ok"), "{stdout}");

    portal.db.conn().execute_unprepared("UPDATE packs SET remaining = 1").await.unwrap();
    let output = crate::cli::flexportal(&portal.config).arg("sweep").output().unwrap();
    let said =
        format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(!output.status.success(), "{said}");
    let pack = order.pack.unwrap().id.to_string();
    assert!(said.contains("reconciliation: FAILED") && said.contains(&pack), "{said}");
}

fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("invoice.pdf");
    std::fs::write(&path, pdf).unwrap();
    let output = std::process::Command::new("pdftotext").arg(&path).arg("-").output().expect("pdftotext");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[rocket::async_test]
#[ignore = "needs pdftotext (poppler-utils); run by .ci/run"]
async fn the_invoice_pdf_reads_seikyusho_with_its_number_total_and_the_quotes_tax() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let quote = accepted_quote(&app, &seller, &cust, 1000).await;
    let (status, order) = place(&app, &seller, &quote, "invoice").await;
    assert_eq!(status, Status::Created, "{order}");
    let pdf = app
        .client
        .get(format!("/api/v1/orders/{}/documents/invoice.pdf", id_of(&order)))
        .header(crate::helpers::bearer(&seller.token))
        .dispatch()
        .await
        .into_bytes()
        .await
        .unwrap();
    let text = pdf_text(&pdf);
    let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(text.contains("請求書"), "{text}");
    assert!(text.contains("EXMP-I-"), "{text}");
    let grouped = |amount: &str| {
        let n: i64 = amount.parse().unwrap();
        let s = n.to_string();
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    };
    let total = grouped(order["total"]["amount"].as_str().unwrap());
    let tax = grouped(order["tax"]["amount"].as_str().unwrap());
    assert!(digits.contains(&total), "total {total} in:\n{text}");
    assert!(digits.contains(&tax), "tax {tax} in:\n{text}");
}
