//! Demo orders for the showcase partner: customers, accepted quotes and orders in each state — placed
//! and unpaid, paid, fulfilled, cancelled with its credit note, and a pack bought ten months ago that
//! expires within 90 days — all made through the same use cases as the pages, so their documents,
//! packs and ledger are real and the reconciliation passes. One accepted quote waits for its order.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::Portal;
use super::actor::{Actor, Origin};
use super::clock::Clock;
use super::customers::{self, Customer, CustomerInput};
use super::error::Result;
use super::orders::{self, PaymentMethod, PlaceOrder, RecordPayment};
use super::quotes::{self, LineInput, QuoteInput};
use super::rate_limit::RateLimiter;

/// How long before "now" the oldest demo pack was bought: its year ends within 90 days.
const OLD_PACK_DAYS: i64 = 300;

/// The same portal with its clock fixed at `at`, for demo history that happened in the past.
fn portal_at(portal: &Portal, at: DateTime<Utc>) -> Portal {
    Portal {
        config: portal.config.clone(),
        db: portal.db.clone(),
        clock: Clock::fixed(at),
        keys: portal.keys.clone(),
        signer: portal.signer.clone(),
        hasher: portal.hasher.clone(),
        limiter: RateLimiter::with_max_keys(portal.config.rate_limit_max_keys),
        directory: portal.directory.clone(),
        time_zone: portal.time_zone,
    }
}

async fn customer(
    portal: &Portal,
    staff: &Actor,
    company: &str,
    contact: &str,
    language: &str,
) -> Result<Customer> {
    let slug: String = company.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_lowercase();
    let domain = if slug.is_empty() { "customer".to_owned() } else { slug };
    let input = CustomerInput {
        company_name: company.into(),
        contact_name: contact.into(),
        email: format!("buyer@{domain}.example"),
        country: "JP".into(),
        language: language.into(),
        time_zone: "Asia/Tokyo".into(),
        purchaser_autodesk_id: format!("autodesk@{domain}.example"),
        ..CustomerInput::default()
    };
    customers::create_customer(portal, staff, &Origin::default(), &input).await
}

/// A quote for `tokens` tokens, sent and accepted on the customer's behalf.
async fn accepted_quote(portal: &Portal, staff: &Actor, customer: &Customer, tokens: u32) -> Result<Uuid> {
    let origin = Origin::default();
    let input = QuoteInput {
        customer_id: Some(customer.id),
        lines: vec![LineInput { tokens: tokens.into(), discount_percent: None }],
        ..QuoteInput::default()
    };
    let quote = quotes::create_quote(portal, staff, &origin, &input).await?;
    quotes::send_quote(portal, staff, &origin, quote.id).await?;
    quotes::accept_on_behalf(portal, staff, &origin, quote.id, "注文書を受領（デモ）").await?;
    Ok(quote.id)
}

async fn order(portal: &Portal, staff: &Actor, quote: Uuid, method: PaymentMethod) -> Result<Uuid> {
    let input = PlaceOrder { quote_id: Some(quote), payment_method: method.as_str().into() };
    Ok(orders::place_order(portal, staff, &Origin::default(), input).await?.id)
}

/// Creates the demo customers, quotes and orders for the showcase partner's sales user `staff`.
///
/// # Errors
/// Any use case refusing (the demo data would be inconsistent) or database failures.
pub async fn seed_orders(portal: &Portal, staff: &Actor) -> Result<()> {
    let origin = Origin::default();
    let now = portal.clock.now();

    // Ten months ago: a customer's first pack, fulfilled the next day and now close to its end.
    let then = portal_at(portal, now - Duration::days(OLD_PACK_DAYS));
    let kensetsu = customer(&then, staff, "株式会社サンプル建設", "佐藤 花子", "ja").await?;
    let quote = accepted_quote(&then, staff, &kensetsu, 2_000).await?;
    let old = order(&then, staff, quote, PaymentMethod::BankTransfer).await?;
    let paid_on = then.clock.now().date_naive();
    orders::record_payment(
        &then,
        staff,
        &origin,
        old,
        RecordPayment { paid_on, method: PaymentMethod::BankTransfer },
    )
    .await?;
    then.clock.set(then.clock.now() + Duration::days(1));
    orders::fulfil_order(&then, staff, &origin, old, Some("ADSK-DEMO-0001".into())).await?;

    // This month: fulfilled, paid by card (its receipt issued at once).
    let quote = accepted_quote(portal, staff, &kensetsu, 500).await?;
    let fulfilled = order(portal, staff, quote, PaymentMethod::Card).await?;
    orders::fulfil_order(portal, staff, &origin, fulfilled, Some("ADSK-DEMO-0002".into())).await?;

    // Another customer, reading English: one order paid and waiting for fulfilment, one placed and
    // unpaid, one cancelled before fulfilment (its credit note issued).
    let design = customer(portal, staff, "Example Design KK", "Alex Smith", "en").await?;
    let quote = accepted_quote(portal, staff, &design, 1_000).await?;
    let paid = order(portal, staff, quote, PaymentMethod::BankTransfer).await?;
    let today = now.with_timezone(&design.time_zone).date_naive();
    orders::record_payment(
        portal,
        staff,
        &origin,
        paid,
        RecordPayment { paid_on: today, method: PaymentMethod::BankTransfer },
    )
    .await?;
    let quote = accepted_quote(portal, staff, &design, 300).await?;
    order(portal, staff, quote, PaymentMethod::Invoice).await?;
    let quote = accepted_quote(portal, staff, &design, 200).await?;
    let cancelled = order(portal, staff, quote, PaymentMethod::Invoice).await?;
    orders::cancel_order(portal, staff, &origin, cancelled, "数量の誤りのため再見積（デモ）".into()).await?;

    // An accepted quote waiting for its order, for trying the "place order" button.
    accepted_quote(portal, staff, &kensetsu, 100).await?;
    Ok(())
}
