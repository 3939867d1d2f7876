//! HTML pages. Each module owns one area and exposes its routes.

mod account;
mod admin;
mod admin_account_rules;
mod admin_orders;
mod admin_outbox;
mod admin_partners;
mod admin_prices;
mod admin_rates;
mod balance_link;
mod customer_quote;
pub mod directory;
mod estimate;
mod invitation;
mod login;
mod quote_request;
mod workspace;

pub fn routes() -> Vec<rocket::Route> {
    let mut all = Vec::new();
    all.extend(directory::routes());
    all.extend(login::routes());
    all.extend(workspace::routes());
    all.extend(admin::routes());
    all.extend(admin_partners::routes());
    all.extend(admin_prices::routes());
    all.extend(admin_rates::routes());
    all.extend(admin_account_rules::routes());
    all.extend(admin_orders::routes());
    all.extend(balance_link::routes());
    all.extend(admin_outbox::routes());
    all.extend(account::routes());
    all.extend(quote_request::routes());
    all.extend(estimate::routes());
    all.extend(customer_quote::routes());
    all.extend(invitation::routes());
    all
}

pub use admin_outbox::available as outbox_available;
pub use customer_quote::limit_verify;
pub use login::login_page_for;
pub(crate) use workspace::order_list;
pub(crate) use workspace::view as workspace_view;
