//! Browser tests: the real `flexportal` binary on a fresh SQLite database, driven through headless
//! Chromium by chromedriver (Debian packages `chromium` and `chromium-driver`). They need those
//! programs, so they are ignored by a plain `cargo test`; `.ci/run` runs them with `--ignored`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;
mod webdriver;

mod customer_quote;
mod directory;
mod narrow_screens;
mod order;
mod request_form;
mod sign_in;
mod totp_sign_in;
mod usage;
