//! Typed configuration: the only reader of configuration files and the environment.
//!
//! Layers, later wins: the built-in `config/default.toml` (embedded so the binary runs from anywhere),
//! the profile's section of it, then `FLEXPORTAL_*` environment variables. The secret key is read from
//! `FLEXPORTAL_SECRET_KEY` or `<data_dir>/secret.key`, and generated there on first start outside
//! production.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use figment::Figment;
use figment::providers::{Env, Format, Toml};
use serde::Deserialize;

const DEFAULTS: &str = include_str!("../config/default.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    Development,
    Test,
    Production,
}

impl Profile {
    pub fn name(self) -> &'static str {
        match self {
            Profile::Development => "development",
            Profile::Test => "test",
            Profile::Production => "production",
        }
    }
}

/// How outgoing mail leaves the portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MailTransportKind {
    /// Each message becomes an `.eml` file under `<data_dir>/mail/` (development).
    File,
    /// Sent through the server named by `mail_smtp_url`.
    Smtp,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Config {
    #[serde(skip_deserializing, default = "default_profile")]
    pub profile: Profile,
    pub address: String,
    pub port: u16,
    pub data_dir: PathBuf,
    pub database_url: String,
    pub database_max_connections: u32,
    pub log_level: String,
    pub log_format: String,
    pub client_ip_header: String,
    /// How many proxies in front of the portal append to `client_ip_header`; the client is the
    /// entry this many places from the right (1: a single reverse proxy).
    pub client_ip_trusted_hops: usize,
    pub secure_cookies: bool,
    pub session_idle_minutes: i64,
    pub session_absolute_hours: i64,
    pub api_token_minutes: i64,
    pub login_failures_per_account: u32,
    pub login_failure_window_seconds: u64,
    pub login_attempts_per_client_per_minute: u32,
    /// Failed sign-ins on one account, from all clients together, before each further attempt on
    /// it is slowed down (doubling from 250 ms up to `login_slowdown_max_ms`); 0 turns it off.
    pub login_slowdown_after_failures: u32,
    pub login_slowdown_max_ms: u64,
    /// Password-change attempts per user and per client; 0 turns the limit off.
    pub password_changes_per_hour: u32,
    /// Document verification lookups (`/verify/<code>`) per client; 0 turns the limit off.
    pub verify_lookups_per_client_per_minute: u32,
    /// Developers' invitation links (`/i/<token>` and its API) opened per client; 0 turns it off.
    pub invitation_lookups_per_client_per_minute: u32,
    /// Keys each in-process rate-limit map may track before it sweeps and evicts.
    pub rate_limit_max_keys: usize,
    /// 0 turns the limit off.
    pub search_requests_per_client_per_minute: u32,
    /// Token estimates and rate look-ups (API and page) per client; 0 turns the limit off.
    pub estimates_per_client_per_minute: u32,
    pub quote_requests_per_client_per_hour: u32,
    pub password_hash_concurrency: usize,
    pub demo_data: bool,
    pub public_base_url: String,
    /// The operator's time zone, for business dates such as Flex agreement days.
    pub time_zone: String,
    /// Fixes "now" for trying expiry and grace periods end to end; refused in production.
    #[serde(default)]
    pub fake_now: Option<DateTime<Utc>>,
    #[serde(default)]
    pub secret_key: Option<String>,
    /// The bearer token `/metrics` asks for; a secret, set through `FLEXPORTAL_METRICS_TOKEN`.
    /// Unset: `/metrics` is open outside production and answers 401 in production.
    #[serde(default)]
    pub metrics_token: Option<String>,
    pub mail_transport: MailTransportKind,
    /// The sender of every message, e.g. `Flex Partner Portal <no-reply@flexportal.example>`.
    pub mail_from: String,
    /// `smtps://user@host:465` (implicit TLS), `smtp://host:587?tls=required` (STARTTLS) or
    /// `smtp://localhost:25` (no TLS, for a relay on the same machine).
    pub mail_smtp_url: String,
    /// A secret: only ever set through `FLEXPORTAL_MAIL_SMTP_PASSWORD`.
    #[serde(default)]
    pub mail_smtp_password: Option<String>,
    /// How often the background jobs (quote expiry, mail delivery) run; 0 turns the runner off.
    pub jobs_interval_seconds: u64,
    /// How long after placement an order nobody fulfilled is fulfilled by the sweep (the seed's
    /// "up to 24 hours").
    #[serde(default = "default_auto_fulfil_after_hours")]
    pub auto_fulfil_after_hours: u64,
    /// Development only: read templates and static files from `<assets_dir>/templates` and
    /// `<assets_dir>/static` instead of the copies built into the binary.
    #[serde(default)]
    pub assets_dir: Option<PathBuf>,
}

fn default_profile() -> Profile {
    Profile::Development
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration: {0}")]
    Invalid(String),
    #[error("configuration: {0}")]
    Figment(#[from] Box<figment::Error>),
    #[error("secret key file {path}: {source}")]
    SecretFile { path: PathBuf, source: std::io::Error },
}

impl Config {
    /// Reads the configuration for the profile named by `FLEXPORTAL_PROFILE` (development by default).
    ///
    /// # Errors
    /// An unknown profile, a malformed value, or `fake_now` in production.
    pub fn load() -> Result<Self, ConfigError> {
        let profile = match std::env::var("FLEXPORTAL_PROFILE").as_deref() {
            Ok("production") => Profile::Production,
            Ok("test") => Profile::Test,
            Ok("development") | Err(_) => Profile::Development,
            Ok(other) => return Err(ConfigError::Invalid(format!("unknown profile {other:?}"))),
        };
        // Global, so that a variable also beats the profile's own section of default.toml (a
        // default-profile provider would lose to `[production] address = "0.0.0.0"`).
        Self::from_figment(profile, Env::prefixed("FLEXPORTAL_").split("__").global())
    }

    /// The configuration for a profile with explicit overrides instead of the environment (tests).
    /// Overrides beat the profile's section only when they are global (`Serialized::globals`).
    ///
    /// # Errors
    /// As [`Config::load`].
    pub fn for_profile(profile: Profile, overrides: impl figment::Provider) -> Result<Self, ConfigError> {
        Self::from_figment(profile, overrides)
    }

    fn from_figment(profile: Profile, overrides: impl figment::Provider) -> Result<Self, ConfigError> {
        let figment =
            Figment::new().merge(Toml::string(DEFAULTS).nested()).select(profile.name()).merge(overrides);
        let mut config: Config = figment.extract().map_err(Box::new)?;
        config.profile = profile;
        if profile == Profile::Production && config.fake_now.is_some() {
            return Err(ConfigError::Invalid("FLEXPORTAL_FAKE_NOW is not allowed in production".into()));
        }
        if config.password_hash_concurrency == 0 {
            config.password_hash_concurrency = 1;
        }
        Ok(config)
    }

    /// The database to use: the configured URL, or the embedded SQLite file in the data folder.
    pub fn database_url(&self) -> String {
        if self.database_url.trim().is_empty() {
            format!("sqlite://{}?mode=rwc", self.data_dir.join("flexportal.db").display())
        } else {
            self.database_url.clone()
        }
    }

    /// The secret from which signing keys are derived: from the environment, or the data folder.
    /// Outside production a missing key is generated into `<data_dir>/secret.key` (mode 0600).
    ///
    /// # Errors
    /// Production without a key, a key shorter than 32 bytes, or an unreadable key file.
    pub fn load_secret_key(&self) -> Result<(Vec<u8>, SecretSource), ConfigError> {
        let production = self.profile == Profile::Production;
        if let Some(key) = self.secret_key.as_deref().filter(|k| !k.is_empty()) {
            return decode_secret(key, production).map(|k| (k, SecretSource::Environment));
        }
        let path = self.data_dir.join("secret.key");
        match std::fs::read_to_string(&path) {
            Ok(text) => decode_secret(text.trim(), production).map(|k| (k, SecretSource::File(path))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if self.profile == Profile::Production {
                    return Err(ConfigError::Invalid(
                        "production needs FLEXPORTAL_SECRET_KEY or <data_dir>/secret.key (32+ random bytes, base64)"
                            .into(),
                    ));
                }
                let key = generate_secret_file(&path)?;
                Ok((key, SecretSource::Generated(path)))
            }
            Err(source) => Err(ConfigError::SecretFile { path, source }),
        }
    }
}

#[derive(Debug)]
pub enum SecretSource {
    Environment,
    File(PathBuf),
    Generated(PathBuf),
}

/// The key must be base64 (standard or URL-safe, padded or not) of at least 32 bytes, as
/// `openssl rand -base64 32` prints. A passphrase (text that is not such base64) is refused in
/// production, where its few bits of entropy would sign every session; elsewhere its bytes are used
/// as they are, so development and tests can name a readable key.
fn decode_secret(text: &str, production: bool) -> Result<Vec<u8>, ConfigError> {
    use base64::Engine;
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    let text = text.trim();
    let decoded =
        [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD].iter().find_map(|e| e.decode(text).ok());
    let bytes = match decoded {
        Some(bytes) => bytes,
        None if production => {
            return Err(ConfigError::Invalid(
                "secret_key is not base64: production needs 32+ random bytes in base64 (e.g. `openssl rand -base64 32`), not a passphrase"
                    .into(),
            ));
        }
        None => text.as_bytes().to_vec(),
    };
    if bytes.len() < 32 {
        return Err(ConfigError::Invalid(format!(
            "secret_key holds {} bytes; it needs at least 32 random bytes in base64 (e.g. `openssl rand -base64 32`)",
            bytes.len()
        )));
    }
    Ok(bytes)
}

fn generate_secret_file(path: &Path) -> Result<Vec<u8>, ConfigError> {
    use base64::Engine;
    use rand::RngCore;
    use std::io::Write;
    let wrap = |source| ConfigError::SecretFile { path: path.to_path_buf(), source };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(wrap)?;
    }
    let mut key = vec![0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut key);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(wrap)?;
    file.write_all(base64::engine::general_purpose::STANDARD.encode(&key).as_bytes()).map_err(wrap)?;
    Ok(key)
}

fn default_auto_fulfil_after_hours() -> u64 {
    24
}

#[cfg(test)]
mod tests {
    use super::*;
    use figment::providers::Serialized;

    fn production_with_key(key: &str) -> Config {
        let dir = std::env::temp_dir().join("flexportal-config-test-never-written");
        Config::for_profile(
            Profile::Production,
            Serialized::globals(serde_json::json!({ "secret_key": key, "data_dir": dir })),
        )
        .unwrap()
    }

    #[test]
    fn production_refuses_a_passphrase_as_the_secret_key_with_a_clear_message() {
        let config = production_with_key("correct horse battery staple and more words!");
        let message = config.load_secret_key().unwrap_err().to_string();
        assert!(message.contains("base64") && message.contains("passphrase"), "{message}");
    }

    #[test]
    fn a_short_key_is_refused_everywhere() {
        // 16 bytes of base64.
        let message =
            production_with_key("AAECAwQFBgcICQoLDA0ODw==").load_secret_key().unwrap_err().to_string();
        assert!(message.contains("16 bytes") && message.contains("at least 32"), "{message}");
    }

    #[test]
    fn production_accepts_32_random_bytes_in_base64_padded_or_url_safe() {
        let (key, source) =
            production_with_key("q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=").load_secret_key().unwrap();
        assert_eq!(key.len(), 32);
        assert!(matches!(source, SecretSource::Environment));
        let (key, _) =
            production_with_key("q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80").load_secret_key().unwrap();
        assert_eq!(key.len(), 32);
        let (key, _) =
            production_with_key("_-_-EjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80").load_secret_key().unwrap();
        assert_eq!(key.len(), 32);
    }
}
