//! The two mails an acceptance through the customer's link causes, queued in the acceptance's
//! transaction: the reseller is told (in its first language, or Japanese), and the customer gets
//! a confirmation (in the quote's language) naming the SHA-256 of the PDF they accepted.

use chrono::{DateTime, Utc};

use super::Quote;
use crate::domain::Portal;
use crate::domain::customers::Customer;
use crate::domain::error::Result;
use crate::domain::money::Money;
use crate::domain::partners::Partner;
use crate::mail::{self, Message};
use crate::storage::{self, WriteTx};

/// Queues both mails for `quote`, just accepted by `name`.
///
/// # Errors
/// Database failures.
pub(super) async fn queue(
    portal: &Portal,
    tx: &WriteTx,
    quote: &Quote,
    name: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let partner = storage::partners::find(&**tx, quote.partner_id).await?;
    let customer = storage::customers::find(&**tx, quote.partner_id, quote.customer_id).await?;
    let (Some(partner), Some(customer)) = (partner, customer) else { return Ok(()) };
    let number = quote.number.clone().unwrap_or_default();
    let total = Money::from_minor(quote.totals.total_minor, quote.currency);
    let sha256 = quote.pdf_sha256.clone().unwrap_or_default();
    if let Some(email) = partner.email.clone() {
        let url = format!("{}/app/quotes/{}", portal.config.public_base_url.trim_end_matches('/'), quote.id);
        let (subject, body) = if partner.mail_language() == "en" {
            (
                format!("Quote {number} (rev. {}) was accepted by {}", quote.revision, customer.company_name),
                format!(
                    "{} accepted quote {number} (revision {}) through their link.\nAccepted by: {name}\nTotal: {total} (tax included)\nPDF SHA-256: {sha256}\n\nPlace the order: {url}\n",
                    customer.company_name, quote.revision
                ),
            )
        } else {
            (
                format!("【見積書承諾】{number}（第{}版）{}", quote.revision, customer.company_name),
                format!(
                    "{} が見積書 {number}（第{}版）をリンクから承諾しました。\n承諾者: {name}\n合計金額: {total}（税込）\nPDF の SHA-256: {sha256}\n\n注文の手続きへ: {url}\n",
                    customer.company_name, quote.revision
                ),
            )
        };
        let message = Message {
            to: email,
            subject,
            body,
            kind: "quote.accepted.partner",
            related_id: Some(quote.id.to_string()),
        };
        mail::enqueue(&**tx, message, now).await?;
    }
    mail::enqueue(&**tx, confirmation(quote, &partner, &customer, name, &number, total, &sha256), now)
        .await?;
    Ok(())
}

fn confirmation(
    quote: &Quote,
    partner: &Partner,
    customer: &Customer,
    name: &str,
    number: &str,
    total: Money,
    sha256: &str,
) -> Message {
    let (subject, body) = if quote.language == "en" {
        (
            format!("You accepted quotation {number} from {}", partner.name_en),
            format!(
                "Dear {},\n\nThank you. Quotation {number} (revision {}) from {} was accepted by {name}, and {} has been notified.\nTotal: {total} (tax included)\nSHA-256 of the PDF you accepted: {sha256}\n\nKeep this mail: the hash identifies the exact document you agreed to.\n",
                customer.addressee_en(),
                quote.revision,
                partner.name_en,
                partner.name_en
            ),
        )
    } else {
        (
            format!("【ご承諾の確認】御見積書 {number}（{}）", partner.name_ja),
            format!(
                "{}\n\n{}の御見積書 {number}（第{}版）を {name} 様のお名前でご承諾いただきました。販売店へ通知済みです。\n合計金額: {total}（税込）\nご承諾いただいた PDF の SHA-256: {sha256}\n\nこのハッシュ値はご承諾いただいた文書そのものを特定します。本メールは保管してください。\n",
                customer.addressee_ja(),
                partner.name_ja,
                quote.revision
            ),
        )
    };
    Message {
        to: customer.email.clone(),
        subject,
        body,
        kind: "quote.accepted.customer",
        related_id: Some(quote.id.to_string()),
    }
}
