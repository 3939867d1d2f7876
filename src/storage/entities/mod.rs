//! sea-orm entities, one file per table. Behaviour lives in `domain`, never here.

pub mod audit_entry;
pub mod customer;
pub mod customer_account;
pub mod directory_version;
pub mod document;
pub mod document_counter;
pub mod idempotency_key;
pub mod ledger_entry;
pub mod order;
pub mod outbox_message;
pub mod pack;
pub mod partner;
pub mod partner_totp_policy;
pub mod payment;
pub mod price_tier;
pub mod quote;
pub mod quote_line;
pub mod quote_request;
pub mod quote_request_target;
pub mod session;
pub mod tax_rule;
pub mod user;
pub mod user_recovery_code;
pub mod user_totp;
