//! Developers' monthly token caps: usage over a cap is still applied (Autodesk reports it as a
//! fact) but flagged, and the reseller is mailed once per developer and calendar month (in the
//! customer's time zone). The warning row's primary key makes it once: only the transaction that
//! inserts it queues the mail.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};

use super::apply::Caps;
use super::event::ValidEvent;
use crate::domain::Portal;
use crate::domain::customers::Customer;
use crate::domain::error::{Error, Result};
use crate::domain::partners::Partner;
use crate::domain::tokens::TokenAmount;
use crate::domain::usage_analytics::rollup::month_of;
use crate::mail::{self, Message};
use crate::storage::{self, WriteTx, usage as store};

struct Crossed {
    autodesk_id: String,
    month: String,
    cap: TokenAmount,
    used: TokenAmount,
}

/// For each of `events` (applied, in order): whether its developer is over their cap for the
/// event's month once it counts. Queues the reseller's warning for each developer and month
/// first crossed.
///
/// # Errors
/// Database failures.
pub(super) async fn flag(
    portal: &Portal,
    tx: &WriteTx,
    customer: &Customer,
    events: &[&ValidEvent],
    caps: &Caps,
    now: DateTime<Utc>,
) -> Result<Vec<bool>> {
    let mut used: HashMap<(&str, NaiveDate), TokenAmount> = HashMap::new();
    let mut flags = Vec::with_capacity(events.len());
    let mut crossed: Vec<Crossed> = Vec::new();
    for event in events {
        let Some(Some(cap)) = caps.get(&event.autodesk_id) else {
            flags.push(false);
            continue;
        };
        let (first, last) = month_of(event.occurred_at.with_timezone(&customer.time_zone).date_naive());
        let so_far = match used.get(&(event.autodesk_id.as_str(), first)) {
            Some(so_far) => *so_far,
            None => store::used_between(&**tx, customer.id, &event.autodesk_id, first, last).await?,
        };
        let total = so_far
            .checked_add(event.tokens)
            .ok_or_else(|| Error::Internal("a developer's monthly usage left the ledger's range".into()))?;
        used.insert((event.autodesk_id.as_str(), first), total);
        let over = total > *cap;
        flags.push(over);
        let month = first.format("%Y-%m").to_string();
        if over {
            match crossed.iter_mut().find(|c| c.autodesk_id == event.autodesk_id && c.month == month) {
                Some(c) => c.used = total,
                None => crossed.push(Crossed {
                    autodesk_id: event.autodesk_id.clone(),
                    month,
                    cap: *cap,
                    used: total,
                }),
            }
        }
    }
    if crossed.is_empty() {
        return Ok(flags);
    }
    let partner = storage::partners::find(&**tx, customer.partner_id).await?;
    for c in crossed {
        if store::record_cap_warning(&**tx, customer.id, &c.autodesk_id, &c.month, now).await?
            && let Some(partner) = &partner
            && let Some(message) = warning(portal, partner, customer, &c)
        {
            mail::enqueue(&**tx, message, now).await?;
        }
    }
    Ok(flags)
}

/// The reseller's mail, in its language; none when the partner has no mail address.
fn warning(portal: &Portal, partner: &Partner, customer: &Customer, c: &Crossed) -> Option<Message> {
    let to = partner.email.clone()?;
    let url = format!(
        "{}/workspace/customers/{}/usage",
        portal.config.public_base_url.trim_end_matches('/'),
        customer.id
    );
    let (subject, body) = if partner.mail_language() == "en" {
        (
            format!("{} went over their monthly token cap at {}", c.autodesk_id, customer.company_name),
            format!(
                "Developer {} of {} has used {} tokens in {}, over their monthly cap of {} tokens.\nThe usage was applied; Autodesk reports it as it happens.\n\nUsage: {url}\n",
                c.autodesk_id, customer.company_name, c.used, c.month, c.cap
            ),
        )
    } else {
        (
            format!("【トークン上限超過】{} {}", customer.company_name, c.autodesk_id),
            format!(
                "{} の開発者 {} の {} の使用量が {} トークンとなり、月間上限 {} トークンを超えました。\n使用量は Autodesk の報告どおり記録済みです。\n\n使用状況: {url}\n",
                customer.company_name, c.autodesk_id, c.month, c.used, c.cap
            ),
        )
    };
    Some(Message { to, subject, body, kind: "usage.cap_exceeded", related_id: Some(customer.id.to_string()) })
}
