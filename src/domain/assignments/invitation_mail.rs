//! The invitation mail to the developer (their Autodesk ID), in the customer's language, queued in
//! the transaction that adds the assignment or renews its invitation.

use chrono::{DateTime, Utc};

use super::Assignment;
use crate::domain::Portal;
use crate::domain::customers::Customer;
use crate::domain::error::{Error, Result};
use crate::domain::partners::Partner;
use crate::mail::{self, Message};
use crate::storage::{self, WriteTx};

/// Queues the invitation for `row` with the link for `token`.
///
/// # Errors
/// Database failures.
pub(super) async fn queue(
    portal: &Portal,
    tx: &WriteTx,
    row: &Assignment,
    customer: &Customer,
    token: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let partner = storage::partners::find(&**tx, row.partner_id).await?.ok_or(Error::NotFound)?;
    let url = format!("{}/i/{token}", portal.config.public_base_url.trim_end_matches('/'));
    mail::enqueue(&**tx, message(row, customer, &partner, &url), now).await?;
    Ok(())
}

fn message(row: &Assignment, customer: &Customer, partner: &Partner, url: &str) -> Message {
    let until = row
        .invite_expires_at
        .map(|at| at.with_timezone(&customer.time_zone).format("%Y-%m-%d %H:%M %Z").to_string())
        .unwrap_or_default();
    let id = row.autodesk_id.as_str();
    let company = &customer.company_name;
    let (subject, body) = if customer.language == "en" {
        let to = row.name.as_deref().unwrap_or(id);
        let by = &partner.name_en;
        (
            format!("Invitation: use {company}'s Autodesk Flex tokens with your Autodesk ID"),
            format!(
                "Dear {to},\n\n{by} invites you, on behalf of {company}, to use the company's Autodesk Flex tokens with your Autodesk ID ({id}).\nOpen this link and press \"Accept\" to start:\n\n{url}\n\nThe link works until {until}. If it has expired, please ask {by} to send the invitation again.\nIf you do not expect this invitation, you can ignore this mail.\n"
            ),
        )
    } else {
        let to = row.name.as_deref().map_or_else(|| format!("{id} 様"), |name| format!("{name} 様"));
        let by = &partner.name_ja;
        (
            format!("【Autodesk Flex】{company} のトークン利用へのご招待"),
            format!(
                "{to}\n\n{by} より、{company} の Autodesk Flex トークンをあなたの Autodesk ID（{id}）でご利用いただくための招待をお送りします。\n次のリンクを開き、「承諾する」を押してください。\n\n{url}\n\nリンクの有効期限は {until} です。期限が切れた場合は、{by} に招待の再送をご依頼ください。\nお心当たりのない場合は、このメールを破棄してください。\n"
            ),
        )
    };
    Message {
        to: id.to_owned(),
        subject,
        body,
        kind: "assignment.invitation",
        related_id: Some(row.id.to_string()),
    }
}
