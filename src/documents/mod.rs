//! PDF rendering of quotes, invoices, delivery notes and receipts.

pub mod pdf;
