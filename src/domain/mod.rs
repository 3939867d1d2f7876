//! Business rules and use cases. Takes plain types and an [`actor::Actor`]; knows nothing of HTTP.

pub mod account_rules;
pub mod accounts;
pub mod actor;
pub mod assignments;
pub mod audit;
pub mod balance;
pub mod clock;
pub mod contact;
pub mod customers;
pub mod demo;
pub mod demo_orders;
pub mod demo_usage;
pub mod documents;
pub mod error;
pub mod estimator;
pub mod idempotency;
pub mod keys;
pub mod money;
pub mod numbering;
pub mod order_lookup;
pub mod orders;
pub mod paging;
pub mod partners;
pub mod price_book;
pub mod pricing;
pub mod quantity;
pub mod quote_requests;
pub mod quotes;
pub mod rate_limit;
pub mod region;
pub mod registration_number;
pub mod slug;
pub mod tax;
pub mod tokens;
pub mod usage;
pub mod usage_analytics;
pub mod web_url;

use std::sync::Arc;

use crate::config::Config;
use crate::storage::Db;
use accounts::password::PasswordHasher;
use accounts::tokens::TokenSigner;
use clock::Clock;
use keys::Keys;
use rate_limit::RateLimiter;

/// Everything a use case needs, built once at start and shared by every request.
pub struct Portal {
    pub config: Arc<Config>,
    pub db: Db,
    pub clock: Clock,
    pub keys: Keys,
    pub signer: TokenSigner,
    pub hasher: PasswordHasher,
    pub limiter: RateLimiter,
    pub directory: Arc<partners::Directory>,
    /// The zone in which dates such as Flex agreement days are judged (the operator's).
    pub time_zone: chrono_tz::Tz,
}

impl Portal {
    /// Today's date in the operator's time zone, on the portal clock.
    pub fn today(&self) -> chrono::NaiveDate {
        self.clock.now().with_timezone(&self.time_zone).date_naive()
    }

    /// # Errors
    /// The password hasher could not prepare its dummy hash.
    pub fn new(config: Config, db: Db, secret: &[u8]) -> error::Result<Self> {
        let clock = match config.fake_now {
            Some(at) => Clock::fixed(at),
            None => Clock::system(),
        };
        let keys = Keys::derive(secret);
        let time_zone = config.time_zone.parse().map_err(|_| {
            error::Error::Internal(
                format!("unknown time zone {:?} in configuration", config.time_zone).into(),
            )
        })?;
        Ok(Self {
            signer: TokenSigner::new(&keys.jwt),
            hasher: PasswordHasher::new(config.password_hash_concurrency)?,
            limiter: RateLimiter::with_max_keys(config.rate_limit_max_keys),
            directory: Arc::new(partners::Directory::saved_at(
                config.data_dir.join("directory.index"),
                &config.database_url(),
            )),
            time_zone,
            config: Arc::new(config),
            db,
            clock,
            keys,
        })
    }
}
