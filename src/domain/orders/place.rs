//! Placing an order from an accepted quote, once: the quote goes `accepted → ordered` by a
//! conditional update, and in the same transaction the order is numbered, its invoice and delivery
//! note (and, for card payment, its receipt) issued, its token pack created pending with a
//! `purchase` entry, the customer's mail queued and the audit entry written.

use chrono::Datelike;
use uuid::Uuid;

use super::issue::{self, Context};
use super::view::assemble;
use super::{Order, OrderStatus, OrderView, Payment, PaymentMethod, PlaceOrder};
use crate::domain::Portal;
use crate::domain::actor::{Actor, Origin};
use crate::domain::audit::{self, AuditEvent};
use crate::domain::balance::{NewEntry, Pack, post};
use crate::domain::documents::DocumentKind;
use crate::domain::error::{Error, FieldError, FieldErrors, Result};
use crate::domain::idempotency::{self, Begin};
use crate::domain::numbering;
use crate::domain::partners::is_flex_eligible;
use crate::domain::quotes::{Quote, QuoteStatus};
use crate::domain::tokens::TokenAmount;
use crate::domain::tokens::expiry::expires_at;
use crate::domain::tokens::reconcile::{EntryKind, PackStatus};
use crate::mail;
use crate::storage::{self, orders as store, quotes, tokens};

/// Why a quote cannot be ordered, in words for the reseller.
fn not_orderable(status: QuoteStatus) -> Error {
    let (en, ja) = match status {
        QuoteStatus::Ordered => {
            ("An order was already placed for this quote.", "この見積は既に注文済みです。")
        }
        QuoteStatus::Draft => (
            "This quote is a draft: send it and have it accepted before ordering.",
            "この見積は下書きです。送付して承諾を得てから注文してください。",
        ),
        QuoteStatus::Sent => {
            ("The customer has not accepted this quote yet.", "この見積はまだ顧客に承諾されていません。")
        }
        QuoteStatus::Expired => {
            ("This quote expired without being accepted.", "この見積は承諾されないまま有効期限が切れました。")
        }
        QuoteStatus::Withdrawn => ("This quote was withdrawn.", "この見積は取り下げられています。"),
        QuoteStatus::Declined => ("The customer declined this quote.", "この見積は顧客に辞退されています。"),
        QuoteStatus::Superseded => (
            "A newer revision replaced this quote; order from the accepted revision.",
            "この見積には新しい版があります。承諾された版から注文してください。",
        ),
        QuoteStatus::Accepted => ("This quote cannot be ordered now.", "現在この見積は注文できません。"),
    };
    Error::conflict(en, ja)
}

fn parse(input: &PlaceOrder) -> Result<(Uuid, PaymentMethod)> {
    let mut errors = FieldErrors::new();
    if input.quote_id.is_none() {
        errors.push(FieldError::new(
            "quote_id",
            "required",
            "Choose the accepted quote to order.",
            "注文する承諾済みの見積を指定してください。",
        ));
    }
    let method = PaymentMethod::parse(input.payment_method.trim());
    if method.is_none() {
        errors.push(FieldError::new(
            "payment_method",
            "invalid",
            "Choose invoice, bank_transfer or card.",
            "支払方法は invoice、bank_transfer、card のいずれかを指定してください。",
        ));
    }
    errors.into_result()?;
    match (input.quote_id, method) {
        (Some(quote), Some(method)) => Ok((quote, method)),
        _ => Err(Error::Internal("parsed order input is incomplete".into())),
    }
}

/// Places the order for an accepted quote on the customer's behalf.
///
/// # Errors
/// `Validation` (422) for a missing quote, an unknown payment method or a bad `Idempotency-Key`;
/// `NotFound` for another partner's quote; `Conflict` (409) when the quote is not accepted or was
/// ordered already, the partner's Flex agreement is not in force today (Asia/Tokyo), the customer
/// has no purchaser Autodesk ID, or a request with the same key is still running.
pub async fn place_order(
    portal: &Portal,
    actor: &Actor,
    origin: &Origin,
    input: PlaceOrder,
) -> Result<OrderView> {
    let partner_id = actor.partner()?;
    let (quote_id, method) = parse(&input)?;
    let db = portal.db.conn();
    let hash = idempotency::request_hash(&["place_order", &quote_id.to_string(), method.as_str()]);
    let guard = match idempotency::begin(db, origin.idempotency_key.as_deref(), partner_id, hash).await? {
        Begin::Replay(view) => return Ok(view),
        Begin::Fresh(guard) => guard,
    };

    let now = portal.clock.now();
    let quote = quotes::find(db, partner_id, quote_id).await?.ok_or(Error::NotFound)?;
    let status = quote.status_at(now);
    if status != QuoteStatus::Accepted {
        return Err(not_orderable(status));
    }
    let partner = storage::partners::find(db, partner_id).await?.ok_or(Error::NotFound)?;
    let tokyo_today = now.with_timezone(&chrono_tz::Asia::Tokyo).date_naive();
    if !is_flex_eligible(&partner, tokyo_today) {
        return Err(Error::conflict(
            "Your partner cannot sell Flex today: a published Platinum/Gold partner with a Flex agreement in force is required.",
            "現在 Flex を販売できません（公開中で Flex 特約が有効なプラチナ／ゴールド販売店である必要があります）。",
        ));
    }
    let customer =
        storage::customers::find(db, partner_id, quote.customer_id).await?.ok_or(Error::NotFound)?;
    if customer.purchaser_autodesk_id.trim().is_empty() {
        return Err(Error::conflict(
            "The customer has no purchaser Autodesk ID; add it to the customer before ordering.",
            "顧客に購入者の Autodesk ID が登録されていません。注文する前に顧客情報に登録してください。",
        ));
    }
    let lines = quotes::lines(db, quote.id).await?;
    let tokens = TokenAmount::checked_sum(
        lines.iter().filter_map(|l| TokenAmount::from_tokens(i64::from(l.tokens.get()))),
    )
    .filter(|t| t.is_positive())
    .ok_or_else(|| Error::Internal(format!("quote {} has no tokens to order", quote.id).into()))?;

    let tx = portal.db.write().await?;
    if let Some(answer) = idempotency::claim_in(guard.as_ref(), &tx, now).await? {
        drop(tx);
        return answer;
    }
    if !quotes::mark_ordered(&*tx, quote.id, now).await? {
        let current = quotes::find(&*tx, partner_id, quote.id).await?.ok_or(Error::NotFound)?;
        return Err(not_orderable(current.status_at(now)));
    }
    let year = now.with_timezone(&portal.time_zone).year();
    let mut kinds = vec![DocumentKind::Invoice, DocumentKind::DeliveryNote];
    if method == PaymentMethod::Card {
        kinds.push(DocumentKind::Receipt);
    }
    // Every number in one round trip; the counters stay locked until commit.
    let (number, document_numbers) =
        numbering::next_order_numbers(&tx, partner_id, &partner.document_prefix, year, &kinds).await?;
    let order = Order {
        id: Uuid::new_v4(),
        partner_id,
        customer_id: customer.id,
        quote_id: quote.id,
        number,
        payment_method: method,
        status: OrderStatus::Placed,
        currency: quote.currency,
        subtotal_minor: quote.totals.subtotal_minor,
        tax_minor: quote.totals.tax_minor,
        total_minor: quote.totals.total_minor,
        tax_rate_hundredths: quote.totals.tax_rate_hundredths,
        tokens,
        autodesk_order_ref: None,
        placed_by: actor.user_id,
        placed_at: now,
        fulfilled_at: None,
        fulfilled_by: None,
        cancelled_at: None,
        cancel_reason: None,
        updated_at: now,
    };
    let pack = Pack {
        id: Uuid::new_v4(),
        partner_id,
        customer_id: customer.id,
        order_id: order.id,
        tokens,
        remaining: tokens,
        status: PackStatus::Pending,
        purchased_at: now,
        available_at: None,
        expires_at: expires_at(now, customer.time_zone),
    };
    let context = Context {
        order: order.clone(),
        quote: ordered(quote),
        lines,
        partner: partner.clone(),
        customer: customer.clone(),
        staff_name: Some(actor.display_name.clone()),
        pack_expires_at: Some(pack.expires_at),
    };
    let payment = (method == PaymentMethod::Card).then(|| Payment {
        id: Uuid::new_v4(),
        partner_id,
        order_id: order.id,
        paid_on: context.transaction_date(),
        method,
        amount_minor: order.total_minor,
        recorded_by: Some(actor.user_id),
        recorded_at: now,
    });
    let mut papers = vec![
        context.paper(portal, DocumentKind::Invoice, now),
        context.paper(portal, DocumentKind::DeliveryNote, now),
    ];
    if let Some(payment) = &payment {
        papers.push(issue::receipt_paper(portal, &context, now, payment.paid_on, payment.method));
    }
    for (paper, number) in papers.iter_mut().zip(document_numbers) {
        paper.number = number;
    }
    // The PDFs render on other threads while the rest of the order is written.
    let rendering = issue::Rendering::start(papers);
    store::insert(&*tx, &order).await?;
    tokens::insert_pack(&*tx, &pack).await?;
    let purchase = NewEntry {
        pack_id: Some(pack.id),
        kind: EntryKind::Purchase,
        tokens,
        reference: format!("order:{}", order.number),
        reason: None,
        actor_user_id: Some(actor.user_id),
    };
    post(&tx, partner_id, customer.id, &[purchase], now).await?;
    if let Some(payment) = &payment {
        store::insert_payment(&*tx, payment).await?;
    }
    let documents = rendering.store(&tx, &order).await?;
    let attached: Vec<Uuid> = documents.iter().map(|d| d.id).collect();
    mail::enqueue_with_documents(
        &*tx,
        issue::customer_mail(portal, &context, &documents, "order.placed"),
        &attached,
        now,
    )
    .await?;
    let event = AuditEvent {
        action: "order.placed",
        subject_type: "order",
        subject_id: Some(order.id.to_string()),
        detail: serde_json::json!({
            "number": order.number,
            "quote_id": order.quote_id,
            "payment_method": method.as_str(),
            "total_minor": order.total_minor,
            "tokens": tokens.to_string(),
            "documents": documents.iter().map(|d| serde_json::json!({"kind": d.kind, "number": d.number, "sha256": d.sha256})).collect::<Vec<_>>(),
        }),
    };
    audit::record(&*tx, now, Some(actor), None, origin, event).await?;
    let view = assemble(portal, &order, &customer, &context.quote, &documents, Some(&pack), payment.as_ref());
    idempotency::complete_in(guard.as_ref(), &tx, 201, &view).await?;
    tx.commit().await?;
    Ok(view)
}

fn ordered(quote: Quote) -> Quote {
    Quote { status: QuoteStatus::Ordered, ..quote }
}
