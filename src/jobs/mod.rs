//! Background jobs: quote expiry, the token sweep (automatic fulfilment, pack expiry, idempotency
//! purge and reconciliation) and outbox delivery, run together by [`Jobs::run_once`] — every
//! `jobs_interval_seconds` by the runner the server starts, or once by `flexportal sweep`.
//!
//! Every job is safe to run on several instances at once (conditional updates), so each instance
//! runs its own runner and no leader needs electing.

pub mod outbox;
pub mod quotes;

use std::sync::Arc;

use crate::domain::Portal;
use crate::domain::balance;
use crate::domain::clock::Clock;
use crate::mail::{MailConfigError, Mailer};
use crate::storage::Db;

pub use outbox::{DeliveryReport, deliver_outbox};
pub use quotes::expire_quotes;

/// What the jobs need, taken from the portal so that a background task can own it.
#[derive(Clone)]
pub struct Jobs {
    db: Db,
    clock: Clock,
    mailer: Arc<Mailer>,
    auto_fulfil_after: chrono::Duration,
}

/// What one run did. A job that failed is named in `errors`; the others still ran.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SweepReport {
    pub expired_quotes: u64,
    pub tokens: balance::SweepReport,
    pub mail: DeliveryReport,
    pub errors: Vec<String>,
}

impl SweepReport {
    /// Whether the run changed anything worth a log line.
    pub fn did_something(&self) -> bool {
        self.expired_quotes > 0
            || self.tokens.did_something()
            || self.mail.sent > 0
            || self.mail.failed > 0
            || !self.errors.is_empty()
    }
}

impl std::fmt::Display for SweepReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "expired quotes: {}, mail sent: {}, failed: {}\n{}",
            self.expired_quotes, self.mail.sent, self.mail.failed, self.tokens
        )
    }
}

impl Jobs {
    /// The jobs with the mailer the configuration asks for.
    ///
    /// # Errors
    /// The mail settings are invalid.
    pub fn new(portal: &Portal) -> Result<Self, MailConfigError> {
        Ok(Self::with_mailer(portal, Mailer::from_config(&portal.config)?))
    }

    pub fn with_mailer(portal: &Portal, mailer: Mailer) -> Self {
        let hours = i64::try_from(portal.config.auto_fulfil_after_hours).unwrap_or(24);
        Self {
            db: portal.db.clone(),
            clock: portal.clock.clone(),
            mailer: Arc::new(mailer),
            auto_fulfil_after: chrono::Duration::hours(hours),
        }
    }

    /// Runs every job once. Quotes expire first, so that mail about a quote sees its final state.
    pub async fn run_once(&self) -> SweepReport {
        let mut report = SweepReport::default();
        match expire_quotes(&self.db, &self.clock).await {
            Ok(expired) => report.expired_quotes = expired,
            Err(e) => report.errors.push(format!("quote expiry: {e}")),
        }
        match balance::sweep_at(&self.db, self.clock.now(), self.auto_fulfil_after).await {
            Ok(tokens) => {
                if let Some(problem) = &tokens.reconciliation.first_broken {
                    report.errors.push(format!("reconciliation: {problem}"));
                }
                report.tokens = tokens;
            }
            Err(e) => report.errors.push(format!("token sweep: {e}")),
        }
        match deliver_outbox(&self.db, &self.mailer, self.clock.now()).await {
            Ok(mail) => report.mail = mail,
            Err(e) => report.errors.push(format!("mail delivery: {e}")),
        }
        report
    }
}

/// Runs every job once with the configured mailer (what `flexportal sweep` does).
///
/// # Errors
/// The mail settings are invalid.
pub async fn run_once(portal: &Portal) -> Result<SweepReport, MailConfigError> {
    Ok(Jobs::new(portal)?.run_once().await)
}

/// Runs the jobs every `interval` until `shutdown` completes. A run that fails, or even panics, is
/// logged and the next one comes as usual: the server never goes down with a job.
pub fn spawn_runner(
    jobs: Jobs,
    interval: std::time::Duration,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) {
    tracing::info!(every_seconds = interval.as_secs(), mail = %jobs.mailer.describe(), "background jobs started");
    tokio::spawn(async move {
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                () = &mut shutdown => break,
                () = tokio::time::sleep(interval) => {}
            }
            let run = jobs.clone();
            match tokio::spawn(async move { run.run_once().await }).await {
                Ok(report) => log_report(&report),
                Err(e) => {
                    tracing::error!(error = %e, "a background job run panicked; the next run goes ahead")
                }
            }
        }
        tracing::info!("background jobs stopped");
    });
}

fn log_report(report: &SweepReport) {
    for error in &report.errors {
        tracing::error!(error = %error, "background job failed");
    }
    if report.did_something() {
        tracing::info!(
            expired_quotes = report.expired_quotes,
            orders_fulfilled = report.tokens.auto_fulfilled,
            packs_expired = report.tokens.expired_packs,
            expiry_warnings = report.tokens.expiry_warnings,
            mail_sent = report.mail.sent,
            mail_failed = report.mail.failed,
            "background jobs ran"
        );
    } else {
        tracing::debug!("background jobs ran; nothing to do");
    }
}
