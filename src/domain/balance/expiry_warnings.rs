//! Warnings before tokens lapse: 90, 30 and 7 days before an available pack with tokens left
//! expires, the purchaser (in the customer's language) and the reseller (in the partner's) are
//! mailed. Each warning goes out exactly once however often the sweep runs and on however many
//! instances: the warning's row and its mails are written in one transaction, and only the
//! transaction that inserted the row queues the mails. A sweep that missed a mark sends only the
//! most urgent warning due and records the earlier ones without a mail.

use chrono::{DateTime, Duration, Utc};

use super::Pack;
use crate::domain::customers::Customer;
use crate::domain::documents::printed::tokens_text;
use crate::domain::error::Result;
use crate::domain::partners::Partner;
use crate::domain::quotes::last_valid_day;
use crate::domain::tokens::reconcile::PackStatus;
use crate::mail::{self, Message};
use crate::storage::{self, Db, WriteTx, expiry_warnings as store, tokens};

/// How many days before expiry each warning goes out, earliest first.
pub const WARNING_DAYS: [u32; 3] = [90, 30, 7];

/// How many packs one sweep warns about per mark; the next run takes the rest.
const BATCH: u64 = 500;

/// The warnings due at `now` for a pack expiring at `expires_at`, earliest first: the last is the
/// one to mail, the others were missed and are only recorded. Empty once it has expired.
pub fn due(expires_at: DateTime<Utc>, now: DateTime<Utc>) -> Vec<u32> {
    if now >= expires_at {
        return Vec::new();
    }
    WARNING_DAYS.into_iter().filter(|days| expires_at - Duration::days(i64::from(*days)) <= now).collect()
}

/// Mails the warnings due at `now` that have not gone out yet; returns how many packs were warned.
///
/// # Errors
/// Database failures.
pub async fn warn_expiring(db: &Db, now: DateTime<Utc>) -> Result<u64> {
    let mut warned = 0;
    // Each mark covers the packs for which it is the most urgent warning due: 7 days covers
    // (now, now + 7 days], 30 days (now + 7 days, now + 30 days], and so on.
    let mut after = now;
    for days in WARNING_DAYS.into_iter().rev() {
        let until = now + Duration::days(i64::from(days));
        let mark = i32::try_from(days).unwrap_or(i32::MAX);
        for pack in store::awaiting(db.conn(), mark, (after, until), BATCH).await? {
            let tx = db.write().await?;
            if warn(&tx, &pack, now).await? {
                tx.commit().await?;
                warned += 1;
            }
        }
        after = until;
    }
    Ok(warned)
}

/// Records the warnings due for `pack` and queues the mails if this transaction recorded the most
/// urgent one; `false` when there was nothing to do.
async fn warn(tx: &WriteTx, pack: &Pack, now: DateTime<Utc>) -> Result<bool> {
    // Re-read: usage may have emptied it or the sweep expired it since the list was taken.
    let Some(pack) = tokens::pack_of_order(&**tx, pack.order_id).await? else { return Ok(false) };
    if pack.status != PackStatus::Available || !pack.remaining.is_positive() {
        return Ok(false);
    }
    let mut due = due(pack.expires_at, now);
    let Some(urgent) = due.pop() else { return Ok(false) };
    if !store::record(&**tx, pack.id, i32::try_from(urgent).unwrap_or(i32::MAX), now).await? {
        return Ok(false);
    }
    for missed in due {
        store::record(&**tx, pack.id, i32::try_from(missed).unwrap_or(i32::MAX), now).await?;
    }
    let Some(customer) = storage::customers::find_any(&**tx, pack.customer_id).await? else {
        return Ok(true);
    };
    let warning = Warning { pack: &pack, customer: &customer, days: urgent };
    mail::enqueue(&**tx, warning.to_purchaser(), now).await?;
    if let Some(partner) = storage::partners::find(&**tx, pack.partner_id).await?
        && let Some(email) = partner.email.clone()
    {
        mail::enqueue(&**tx, warning.to_reseller(&partner, email), now).await?;
    }
    Ok(true)
}

/// What both mails say: the customer, the tokens left and the last day they can be used.
struct Warning<'a> {
    pack: &'a Pack,
    customer: &'a Customer,
    days: u32,
}

impl Warning<'_> {
    fn tokens(&self, lang: &str) -> String {
        tokens_text(self.pack.remaining, lang)
    }

    fn last_day(&self) -> chrono::NaiveDate {
        last_valid_day(self.pack.expires_at, self.customer.time_zone)
    }

    fn to_purchaser(&self) -> Message {
        let customer = self.customer;
        let (days, last_day, zone) = (self.days, self.last_day(), customer.time_zone.name());
        let lang = if customer.language == "en" { "en" } else { "ja" };
        let tokens = self.tokens(lang);
        let (subject, body) = if lang == "en" {
            (
                format!("{tokens} of your Autodesk Flex tokens expire on {last_day}"),
                format!(
                    "Dear {},\n\n{tokens} left in a token pack of {} expire within {days} days.\nLast day they can be used: {last_day} ({zone})\nTokens left: {tokens}\nPack bought: {}\n\nWhat is left at the end of that day lapses and cannot be carried over. Your reseller can help you plan your usage or a new purchase.\n",
                    customer.addressee_en(),
                    customer.company_name,
                    bought_on(self.pack, customer),
                ),
            )
        } else {
            (
                format!("【有効期限のお知らせ】Autodesk Flex トークン {tokens} が {last_day} に失効します"),
                format!(
                    "{}\n\n{} のトークンパックの残り {tokens} が{days}日以内に有効期限を迎えます。\n利用できる最終日: {last_day}（{zone}）\n残りトークン: {tokens}\nパックの購入日: {}\n\n最終日を過ぎた残りは失効し、繰り越しはできません。ご利用の計画や追加購入は販売店にご相談ください。\n",
                    customer.addressee_ja(),
                    customer.company_name,
                    bought_on(self.pack, customer),
                ),
            )
        };
        Message {
            to: customer.email.clone(),
            subject,
            body,
            kind: "pack.expiry_warning.customer",
            related_id: Some(self.pack.id.to_string()),
        }
    }

    fn to_reseller(&self, partner: &Partner, to: String) -> Message {
        let customer = self.customer;
        let (days, last_day, zone) = (self.days, self.last_day(), customer.time_zone.name());
        let lang = partner.mail_language();
        let tokens = self.tokens(lang);
        let (subject, body) = if lang == "en" {
            (
                format!("[Flex Partner Portal] {}: {tokens} expire on {last_day}", customer.company_name),
                format!(
                    "A token pack of your customer {} expires within {days} days with tokens left.\n\nCustomer: {}\nTokens left: {tokens}\nLast day they can be used: {last_day} ({zone})\nPack bought: {}\n\nThe purchaser ({}) was told as well.\n",
                    customer.company_name,
                    customer.company_name,
                    bought_on(self.pack, customer),
                    customer.email,
                ),
            )
        } else {
            (
                format!(
                    "[Flex パートナーポータル] {}：{tokens} が {last_day} に失効します",
                    customer.company_name
                ),
                format!(
                    "お客様 {} のトークンパックが、残りを残したまま{days}日以内に有効期限を迎えます。\n\n顧客: {}\n残りトークン: {tokens}\n利用できる最終日: {last_day}（{zone}）\nパックの購入日: {}\n\n購入者（{}）にも通知しました。\n",
                    customer.company_name,
                    customer.company_name,
                    bought_on(self.pack, customer),
                    customer.email,
                ),
            )
        };
        Message {
            to,
            subject,
            body,
            kind: "pack.expiry_warning.partner",
            related_id: Some(self.pack.id.to_string()),
        }
    }
}

fn bought_on(pack: &Pack, customer: &Customer) -> chrono::NaiveDate {
    pack.purchased_at.with_timezone(&customer.time_zone).date_naive()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn the_warnings_due_are_those_whose_mark_has_passed_until_the_pack_expires() {
        let expires = at("2027-12-01T15:00:00Z");
        assert_eq!(due(expires, expires - Duration::days(91)), Vec::<u32>::new());
        assert_eq!(due(expires, expires - Duration::days(90)), [90]);
        assert_eq!(due(expires, expires - Duration::days(25)), [90, 30]);
        assert_eq!(due(expires, expires - Duration::days(7)), [90, 30, 7]);
        assert_eq!(due(expires, expires - Duration::seconds(1)), [90, 30, 7]);
        assert_eq!(due(expires, expires), Vec::<u32>::new());
    }
}
