//! After placement: fulfilment (the pack becomes available, offsetting a deficit first), payment
//! (the receipt), and cancellation before fulfilment (the pack voided with a `reversal` entry and a
//! credit note for the invoice).

use uuid::Uuid;

use super::issue::{self, Context};
use super::view::load_view;
use super::{Order, OrderStatus, OrderView, Payment, RecordPayment};
use crate::domain::Portal;
use crate::domain::actor::{Actor, Origin};
use crate::domain::audit::{self, AuditEvent};
use crate::domain::balance::{NewEntry, fulfil_pack, post};
use crate::domain::documents::DocumentKind;
use crate::domain::error::{Error, Result};
use crate::domain::idempotency::{self, Begin};
use crate::domain::tokens::reconcile::EntryKind;
use crate::mail;
use crate::storage::{self, Conn, WriteTx, documents, orders as store, tokens};

const REASON_MAX_CHARS: usize = 1000;
const REFERENCE_MAX_CHARS: usize = 100;

fn state_refusal(status: OrderStatus, doing: &str) -> Error {
    match (status, doing) {
        (OrderStatus::Fulfilled, "cancel") => Error::conflict(
            "This order was fulfilled: its tokens are delivered and it can no longer be cancelled.",
            "この注文は納品済みのため取り消せません。",
        ),
        (OrderStatus::Fulfilled, _) => {
            Error::conflict("This order was fulfilled already.", "この注文は納品済みです。")
        }
        (OrderStatus::Cancelled, _) => {
            Error::conflict("This order was cancelled.", "この注文は取り消されています。")
        }
        (OrderStatus::Placed, _) => {
            Error::conflict("This order cannot be changed now.", "現在この注文は変更できません。")
        }
    }
}

/// The partner's order `id`, for a change (the operator only reads orders).
async fn own_order(db: &impl Conn, actor: &Actor, id: Uuid) -> Result<Order> {
    let partner = actor.partner()?;
    store::find(db, partner, id).await?.ok_or(Error::NotFound)
}

async fn context(tx: &WriteTx, order: &Order, staff: Option<String>) -> Result<Context> {
    let db = &**tx;
    let quote = storage::quotes::find(db, order.partner_id, order.quote_id).await?.ok_or(Error::NotFound)?;
    let lines = storage::quotes::lines(db, quote.id).await?;
    let partner = storage::partners::find(db, order.partner_id).await?.ok_or(Error::NotFound)?;
    let customer =
        storage::customers::find(db, order.partner_id, order.customer_id).await?.ok_or(Error::NotFound)?;
    let pack = tokens::pack_of_order(db, order.id).await?;
    Ok(Context {
        order: order.clone(),
        quote,
        lines,
        partner,
        customer,
        staff_name: staff,
        pack_expires_at: pack.map(|p| p.expires_at),
    })
}

/// Marks the order fulfilled (its pack available; a deficit is offset first) with the Autodesk
/// order reference when given.
///
/// # Errors
/// `NotFound` for another partner's order; `Validation` for a reference over 100 characters;
/// `Conflict` unless the order is placed.
pub async fn fulfil_order(
    portal: &Portal,
    actor: &Actor,
    origin: &Origin,
    id: Uuid,
    autodesk_order_ref: Option<String>,
) -> Result<OrderView> {
    let partner = actor.partner()?;
    let reference = autodesk_order_ref.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty());
    if reference
        .as_ref()
        .is_some_and(|r| r.chars().count() > REFERENCE_MAX_CHARS || r.chars().any(char::is_control))
    {
        return Err(Error::field(
            "autodesk_order_ref",
            "invalid",
            "Use at most 100 characters on one line.",
            "1行100文字以内で入力してください。",
        ));
    }
    let db = portal.db.conn();
    let hash = idempotency::request_hash(&["fulfil", &id.to_string(), reference.as_deref().unwrap_or("")]);
    let guard = match idempotency::begin(db, origin.idempotency_key.as_deref(), partner, hash).await? {
        Begin::Replay(view) => return Ok(view),
        Begin::Fresh(guard) => guard,
    };
    let order = own_order(db, actor, id).await?;
    let now = portal.clock.now();
    let tx = portal.db.write().await?;
    if let Some(answer) = idempotency::claim_in(guard.as_ref(), &tx, now).await? {
        drop(tx);
        return answer;
    }
    if !store::mark_fulfilled(&*tx, order.id, Some(actor.user_id), reference.clone(), now).await? {
        let current = store::find(&*tx, partner, id).await?.ok_or(Error::NotFound)?;
        return Err(state_refusal(current.status, "fulfil"));
    }
    let pack = tokens::pack_of_order(&*tx, order.id)
        .await?
        .ok_or_else(|| Error::Internal(format!("order {} has no pack", order.id).into()))?;
    fulfil_pack(&tx, &pack, &format!("order:{}", order.number), Some(actor.user_id), now).await?;
    let event = AuditEvent {
        action: "order.fulfilled",
        subject_type: "order",
        subject_id: Some(order.id.to_string()),
        detail: serde_json::json!({ "number": order.number, "autodesk_order_ref": reference }),
    };
    audit::record(&*tx, now, Some(actor), None, origin, event).await?;
    let current = store::find(&*tx, partner, id).await?.ok_or(Error::NotFound)?;
    let view = load_view(portal, &*tx, &current).await?;
    idempotency::complete_in(guard.as_ref(), &tx, 200, &view).await?;
    tx.commit().await?;
    Ok(view)
}

/// Cancels an order before fulfilment: the pack is voided with a `reversal` entry, the invoice is
/// answered by a credit note (適格返還請求書), and the customer is mailed.
///
/// # Errors
/// `NotFound` for another partner's order; `Validation` without a reason; `Conflict` unless the
/// order is placed (a fulfilled order cannot be cancelled).
pub async fn cancel_order(
    portal: &Portal,
    actor: &Actor,
    origin: &Origin,
    id: Uuid,
    reason: String,
) -> Result<OrderView> {
    let partner = actor.partner()?;
    let reason: String = reason.trim().chars().filter(|c| !c.is_control() || *c == '\n').collect();
    if reason.is_empty() {
        return Err(Error::field(
            "reason",
            "required",
            "Give a reason for the cancellation.",
            "取消の理由を入力してください。",
        ));
    }
    if reason.chars().count() > REASON_MAX_CHARS {
        return Err(Error::field(
            "reason",
            "too_long",
            "Use at most 1,000 characters.",
            "1,000文字以内で入力してください。",
        ));
    }
    let db = portal.db.conn();
    let hash = idempotency::request_hash(&["cancel", &id.to_string(), &reason]);
    let guard = match idempotency::begin(db, origin.idempotency_key.as_deref(), partner, hash).await? {
        Begin::Replay(view) => return Ok(view),
        Begin::Fresh(guard) => guard,
    };
    let order = own_order(db, actor, id).await?;
    let now = portal.clock.now();
    let tx = portal.db.write().await?;
    if let Some(answer) = idempotency::claim_in(guard.as_ref(), &tx, now).await? {
        drop(tx);
        return answer;
    }
    if !store::mark_cancelled(&*tx, order.id, &reason, now).await? {
        let current = store::find(&*tx, partner, id).await?.ok_or(Error::NotFound)?;
        return Err(state_refusal(current.status, "cancel"));
    }
    let pack = tokens::pack_of_order(&*tx, order.id)
        .await?
        .ok_or_else(|| Error::Internal(format!("order {} has no pack", order.id).into()))?;
    // Lock the account first, then void the pack with its reversal entry.
    tokens::ensure_account(&*tx, pack.partner_id, pack.customer_id, now).await?;
    tokens::lock_account(&*tx, pack.customer_id, 0, now).await?;
    if !tokens::void(&*tx, pack.id, pack.tokens).await? {
        return Err(state_refusal(OrderStatus::Fulfilled, "cancel"));
    }
    let reversal = NewEntry {
        pack_id: Some(pack.id),
        kind: EntryKind::Reversal,
        tokens: pack.tokens.checked_neg().unwrap_or_default(),
        reference: format!("order:{}", order.number),
        reason: Some(reason.clone()),
        actor_user_id: Some(actor.user_id),
    };
    post(&tx, pack.partner_id, pack.customer_id, &[reversal], now).await?;
    let cancelled = store::find(&*tx, partner, id).await?.ok_or(Error::NotFound)?;
    let ctx = context(&tx, &cancelled, Some(actor.display_name.clone())).await?;
    let mut credit_notes = Vec::new();
    if let Some(invoice) = documents::latest_for(&*tx, order.id, DocumentKind::Invoice).await? {
        let paper = super::documents::OrderPaper {
            credited_invoice: Some(invoice.number.clone()),
            credited_invoice_date: Some(
                invoice.issued_at.with_timezone(&ctx.customer.time_zone).date_naive(),
            ),
            reason: Some(reason.clone()),
            ..ctx.paper(portal, DocumentKind::CreditNote, now)
        };
        credit_notes = issue::issue(portal, &tx, &cancelled, &ctx.partner, vec![paper]).await?;
    }
    let attached: Vec<Uuid> = credit_notes.iter().map(|d| d.id).collect();
    mail::enqueue_with_documents(
        &*tx,
        issue::customer_mail(portal, &ctx, &credit_notes, "order.cancelled"),
        &attached,
        now,
    )
    .await?;
    let event = AuditEvent {
        action: "order.cancelled",
        subject_type: "order",
        subject_id: Some(order.id.to_string()),
        detail: serde_json::json!({ "number": order.number, "reason": reason, "credit_note": credit_notes.first().map(|d| &d.number) }),
    };
    audit::record(&*tx, now, Some(actor), None, origin, event).await?;
    let view = load_view(portal, &*tx, &cancelled).await?;
    idempotency::complete_in(guard.as_ref(), &tx, 200, &view).await?;
    tx.commit().await?;
    Ok(view)
}

/// Records the order's payment and issues its receipt (unless one was issued, as for a card
/// payment). Recording the same payment again changes nothing and answers the order as it is.
///
/// # Errors
/// `NotFound` for another partner's order; `Validation` for a date in the future (the customer's
/// today); `Conflict` for a cancelled order or a different payment recorded already.
pub async fn record_payment(
    portal: &Portal,
    actor: &Actor,
    origin: &Origin,
    id: Uuid,
    input: RecordPayment,
) -> Result<OrderView> {
    let partner = actor.partner()?;
    let db = portal.db.conn();
    let hash = idempotency::request_hash(&[
        "payment",
        &id.to_string(),
        &input.paid_on.to_string(),
        input.method.as_str(),
    ]);
    let guard = match idempotency::begin(db, origin.idempotency_key.as_deref(), partner, hash).await? {
        Begin::Replay(view) => return Ok(view),
        Begin::Fresh(guard) => guard,
    };
    let order = own_order(db, actor, id).await?;
    let now = portal.clock.now();
    let customer = storage::customers::find(db, partner, order.customer_id).await?.ok_or(Error::NotFound)?;
    if input.paid_on > now.with_timezone(&customer.time_zone).date_naive() {
        return Err(Error::field(
            "paid_on",
            "future",
            "The payment date cannot be in the future.",
            "入金日に未来の日付は指定できません。",
        ));
    }
    if order.status == OrderStatus::Cancelled {
        return Err(state_refusal(OrderStatus::Cancelled, "pay"));
    }
    let tx = portal.db.write().await?;
    if let Some(answer) = idempotency::claim_in(guard.as_ref(), &tx, now).await? {
        drop(tx);
        return answer;
    }
    let payment = Payment {
        id: Uuid::new_v4(),
        partner_id: partner,
        order_id: order.id,
        paid_on: input.paid_on,
        method: input.method,
        amount_minor: order.total_minor,
        recorded_by: Some(actor.user_id),
        recorded_at: now,
    };
    if !store::insert_payment(&*tx, &payment).await? {
        let existing = store::payment_for(&*tx, order.id).await?;
        if existing.is_some_and(|p| p.paid_on == input.paid_on && p.method == input.method) {
            let view = load_view(portal, &*tx, &order).await?;
            idempotency::complete_in(guard.as_ref(), &tx, 200, &view).await?;
            tx.commit().await?;
            return Ok(view);
        }
        return Err(Error::conflict(
            "A different payment was already recorded for this order.",
            "この注文には既に別の入金が記録されています。",
        ));
    }
    let mut receipts = Vec::new();
    if documents::latest_for(&*tx, order.id, DocumentKind::Receipt).await?.is_none() {
        let ctx = context(&tx, &order, Some(actor.display_name.clone())).await?;
        let paper = issue::receipt_paper(portal, &ctx, now, input.paid_on, input.method);
        receipts = issue::issue(portal, &tx, &order, &ctx.partner, vec![paper]).await?;
        let attached: Vec<Uuid> = receipts.iter().map(|d| d.id).collect();
        mail::enqueue_with_documents(
            &*tx,
            issue::customer_mail(portal, &ctx, &receipts, "order.paid"),
            &attached,
            now,
        )
        .await?;
    }
    let event = AuditEvent {
        action: "order.paid",
        subject_type: "order",
        subject_id: Some(order.id.to_string()),
        detail: serde_json::json!({
            "number": order.number,
            "paid_on": input.paid_on,
            "method": input.method.as_str(),
            "amount_minor": order.total_minor,
            "receipt": receipts.first().map(|d| &d.number),
        }),
    };
    audit::record(&*tx, now, Some(actor), None, origin, event).await?;
    let view = load_view(portal, &*tx, &order).await?;
    idempotency::complete_in(guard.as_ref(), &tx, 200, &view).await?;
    tx.commit().await?;
    Ok(view)
}
