//! The e-mail that confirms a quote request to the requester, in the request's language.

use super::QuoteRequest;
use super::Routed;
use crate::domain::Portal;
use crate::mail::Message;

pub(super) fn confirmation(portal: &Portal, row: &QuoteRequest, routed: &[Routed]) -> Message {
    let names: Vec<&str> = routed.iter().map(|r| r.name.as_str()).collect();
    let (subject, body) = if row.language == "ja" {
        (
            format!("【Flex パートナーポータル】見積依頼を受け付けました（{}）", row.reference),
            format!(
                "{} {} 様\n\nAutodesk Flex トークン {} トークンの見積依頼を受け付けました。\n受付番号: {}\n依頼先: {}\n\n販売店から見積書をお送りします。\n{}\n",
                row.company,
                row.contact_name,
                row.tokens,
                row.reference,
                names.join("、"),
                portal.config.public_base_url
            ),
        )
    } else {
        (
            format!("[Flex Partner Portal] We received your quote request ({})", row.reference),
            format!(
                "Dear {} ({}),\n\nWe received your request for a quote for {} Autodesk Flex tokens.\nReference: {}\nSent to: {}\n\nThe reseller will send you a written quote.\n{}\n",
                row.contact_name,
                row.company,
                row.tokens,
                row.reference,
                names.join(", "),
                portal.config.public_base_url
            ),
        )
    };
    Message {
        to: row.email.clone(),
        subject,
        body,
        kind: "quote_request.received",
        related_id: Some(row.id.to_string()),
    }
}
