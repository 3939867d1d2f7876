//! flexportal: the portal through which certified resellers sell Autodesk Flex tokens.
//!
//! This file is the one place that wires the layers together: configuration → storage → domain →
//! web. Tests and the binary build the application through [`open`] and [`rocket`].

pub mod cache;
pub mod config;
pub mod documents;
pub mod domain;
pub mod jobs;
pub mod mail;
pub mod storage;
pub mod web;

use std::path::Path;

use rocket::{Build, Rocket};

use config::{Config, ConfigError, SecretSource};
use domain::Portal;
use domain::demo::DemoLogin;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("database: {0}")]
    Database(#[from] storage::Error),
    #[error("start-up: {0}")]
    Domain(#[from] domain::error::Error),
    #[error("data folder {0}: {1}")]
    DataDir(String, std::io::Error),
}

/// Connects the database, applies migrations and builds the domain services.
///
/// # Errors
/// Bad configuration, an unreachable database or a failed migration.
pub async fn open(config: Config) -> Result<Portal, StartError> {
    std::fs::create_dir_all(&config.data_dir)
        .map_err(|e| StartError::DataDir(config.data_dir.display().to_string(), e))?;
    let (secret, source) = config.load_secret_key()?;
    match source {
        SecretSource::Generated(path) => {
            tracing::warn!(path = %path.display(), "generated a new secret key (mode 0600); production must set its own")
        }
        SecretSource::File(path) => {
            tracing::info!(path = %path.display(), "secret key read from the data folder")
        }
        SecretSource::Environment => tracing::info!("secret key read from the environment"),
    }
    if config.profile == config::Profile::Production
        && config.metrics_token.as_deref().is_none_or(str::is_empty)
    {
        tracing::warn!("FLEXPORTAL_METRICS_TOKEN is not set: /metrics answers 401 to every scraper");
    }
    let db = storage::Db::connect(&config.database_url(), config.database_max_connections).await?;
    db.migrate().await?;
    let portal = Portal::new(config, db, &secret)?;
    portal.directory.refresh(&portal.db).await?;
    Ok(portal)
}

/// On an empty database with demo data enabled, creates the demo accounts and writes their
/// logins to `<data_dir>/demo-logins.txt` (0600). Returns the logins to print once.
///
/// # Errors
/// Database or file failures.
pub async fn seed_demo(portal: &Portal) -> Result<Vec<DemoLogin>, StartError> {
    if !portal.config.demo_data {
        return Ok(Vec::new());
    }
    let logins = domain::demo::seed_if_empty(portal).await?;
    if !logins.is_empty() {
        let path = portal.config.data_dir.join("demo-logins.txt");
        let text: String =
            logins.iter().map(|l| format!("{}\t{}\t{}\n", l.role, l.email, l.password)).collect();
        write_private(&path, &text).map_err(|e| StartError::DataDir(path.display().to_string(), e))?;
    }
    Ok(logins)
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(text.as_bytes())
}

/// The web application around a ready [`Portal`].
pub fn rocket(portal: Portal) -> Rocket<Build> {
    let config = &portal.config;
    let figment = rocket::Config::figment()
        .merge(("address", config.address.clone()))
        .merge(("port", config.port))
        // The client address comes from the socket unless `client_ip_header` names a trusted proxy header.
        .merge(("ip_header", false))
        .merge(("log_level", "off"))
        .merge(("cli_colors", false))
        .merge(("limits.form", "64 KiB"))
        .merge(("limits.json", "1 MiB"))
        .merge(("limits.string", "64 KiB"))
        .merge(("limits.bytes", "10 MiB"))
        .merge(("limits.data-form", "10 MiB"))
        .merge(("limits.file", "10 MiB"));
    let hsts = config.secure_cookies;
    let assets = web::assets::Assets::from_setting(config.assets_dir.as_deref());
    let refresher = rocket::fairing::AdHoc::on_liftoff("directory refresher", |rocket| {
        Box::pin(async move {
            if let Some(portal) = rocket.state::<Portal>() {
                domain::partners::spawn_refresher(portal.directory.clone(), portal.db.clone());
            }
        })
    });
    web::mount(rocket::custom(figment).manage(portal), assets, hsts)
        .attach(refresher)
        .attach(jobs_fairing())
        .attach(jobs_runner())
}

/// Builds the mailer at ignition, so that bad mail settings stop the server before it listens.
fn jobs_fairing() -> rocket::fairing::AdHoc {
    rocket::fairing::AdHoc::try_on_ignite("mail and background jobs", |rocket| {
        Box::pin(async move {
            match rocket.state::<Portal>().map(jobs::Jobs::new) {
                Some(Ok(jobs)) => Ok(rocket.manage(jobs)),
                Some(Err(e)) => {
                    tracing::error!(error = %e, "mail settings are invalid");
                    Err(rocket)
                }
                None => Err(rocket),
            }
        })
    })
}

fn jobs_runner() -> rocket::fairing::AdHoc {
    rocket::fairing::AdHoc::on_liftoff("background jobs runner", |rocket| {
        Box::pin(async move {
            let (Some(portal), Some(jobs)) = (rocket.state::<Portal>(), rocket.state::<jobs::Jobs>()) else {
                return;
            };
            match portal.config.jobs_interval_seconds {
                0 => tracing::info!("background jobs are off (jobs_interval_seconds = 0)"),
                seconds => jobs::spawn_runner(
                    jobs.clone(),
                    std::time::Duration::from_secs(seconds),
                    rocket.shutdown(),
                ),
            }
        })
    })
}
