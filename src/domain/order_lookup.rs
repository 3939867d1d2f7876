//! Finding an order from where a reseller stands (the quote it was placed from), and the balance a
//! purchaser's link shows together with the language the customer reads.

use uuid::Uuid;

use super::Portal;
use super::actor::Actor;
use super::balance::{self, BalanceView};
use super::error::{Error, Result};
use super::orders::{self, OrderFilter, OrderSummary};
use super::paging::{MAX_PER_PAGE, PageRequest};
use super::quotes;

/// The order placed from quote `quote_id`, if any: a quote is ordered at most once.
///
/// # Errors
/// `NotFound` for another partner's quote.
pub async fn order_for_quote(portal: &Portal, actor: &Actor, quote_id: Uuid) -> Result<Option<OrderSummary>> {
    let quote = quotes::get_quote(portal, actor, quote_id).await?;
    let mut page = 1;
    loop {
        let filter = OrderFilter {
            status: None,
            customer: Some(quote.customer.id),
            page: PageRequest::new(page, MAX_PER_PAGE),
        };
        let found = orders::list_orders(portal, actor, filter).await?;
        let seen = page * MAX_PER_PAGE;
        let done = found.items.is_empty() || seen >= found.total;
        for summary in found.items {
            let order = orders::get_order(portal, actor, summary.id).await?;
            if order.quote.id == quote_id {
                return Ok(Some(summary));
            }
        }
        if done {
            return Ok(None);
        }
        page += 1;
    }
}

/// The balance a purchaser's read-only link shows, and the customer's document language (`ja` or
/// `en`) for showing it.
///
/// # Errors
/// `NotFound` for a malformed or forged link.
pub async fn linked_balance(portal: &Portal, token: &str) -> Result<(BalanceView, String)> {
    let view = balance::balance_by_link(portal, token).await?;
    let customer = crate::storage::customers::find_any(portal.db.conn(), view.customer_id)
        .await?
        .ok_or(Error::NotFound)?;
    Ok((view, customer.language))
}
