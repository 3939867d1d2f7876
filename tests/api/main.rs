#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Integration tests: one binary, a fresh database and portal per test, run in parallel.
//! Set `FLEXPORTAL_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test` to run them all on
//! PostgreSQL (a new database per test, dropped afterwards).

mod access_control;
mod access_log;
mod account_rules;
mod accounts;
mod cli;
#[path = "../common/mod.rs"]
mod common;
mod copied_binary;
mod csrf;
mod csrf_by_route;
mod customer_link;
mod customer_pages;
mod database_unavailable;
mod demo_directory;
mod directory;
mod directory_restart;
mod document_prefixes;
mod documents;
mod expiry_warnings;
mod health;
mod helpers;
mod jobs;
mod layers;
mod limits;
mod mail;
mod no_server_errors;
mod order_pages;
mod orders;
mod outbox_page;
mod page_forms;
mod partner_admin;
mod partner_import;
mod partner_import_concurrency;
mod partner_invoice_terms;
mod price_book;
mod price_book_in_force;
mod price_book_pages;
mod quote_acceptance_mails;
mod quote_revisions;
mod quote_send_checks;
mod quotes;
mod schema;
mod security_map;
mod stored_records;
mod tenancy;
mod tokens;
mod totp;
mod trial;
mod workspace_pages;
