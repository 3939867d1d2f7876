//! How a queued message leaves the portal: SMTP in production, `.eml` files in development.
//!
//! Subjects and addresses come from user input. Line breaks in a subject are turned into spaces
//! (so a subject can never start a header of its own); an address that lettre refuses to parse —
//! including one with CR/LF — is a permanent failure, reported and never retried.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment as Part, Mailbox, Message, MultiPart, SinglePart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use crate::config::{Config, MailTransportKind, Profile};
use crate::storage::outbox::OutboxRow;

/// A file a message carries (an issued document's PDF).
#[derive(Debug, Clone)]
pub struct Attachment {
    pub filename: String,
    pub content: Vec<u8>,
}

/// A connection that hangs must not hold a message's delivery lock for long.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

pub enum Transport {
    /// Writes each message as `<random id>.eml` into `dir`.
    File { dir: PathBuf },
    /// Sends through an SMTP server; `server` names it in logs without credentials.
    Smtp { server: String, transport: AsyncSmtpTransport<Tokio1Executor> },
}

#[derive(Debug, thiserror::Error)]
pub enum MailConfigError {
    #[error("mail_from {0:?} is not a mailbox such as `Portal <no-reply@example.com>`")]
    From(String),
    #[error("mail_smtp_url: {0}")]
    SmtpUrl(String),
}

/// Why one message could not be sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// The message itself can never be sent (e.g. an invalid recipient); do not retry.
    #[error("{0}")]
    Permanent(String),
    /// The transport failed (server down, refused, timed out); try again later.
    #[error("{0}")]
    Transient(String),
}

impl Transport {
    pub fn file(dir: impl Into<PathBuf>) -> Self {
        Transport::File { dir: dir.into() }
    }

    /// An SMTP transport for `url` (`smtps://user@host:465`, `smtp://host:587?tls=required`,
    /// `smtp://localhost:25`). The password is never part of the URL: it comes separately, from
    /// the environment.
    ///
    /// # Errors
    /// A malformed URL, a password inside the URL, or a user without a password (or the reverse).
    pub fn smtp(url: &str, password: Option<&str>) -> Result<Self, MailConfigError> {
        let url = url.trim();
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| MailConfigError::SmtpUrl("expected smtp://… or smtps://…".into()))?;
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(authority_end);
        let (user, host) = match authority.rsplit_once('@') {
            Some((userinfo, host)) => (Some(userinfo), host),
            None => (None, authority),
        };
        let password = password.filter(|p| !p.is_empty());
        let full_url = match (user, password) {
            (Some(user), _) if user.contains(':') => {
                return Err(MailConfigError::SmtpUrl(
                    "keep the password out of the URL; set FLEXPORTAL_MAIL_SMTP_PASSWORD".into(),
                ));
            }
            (Some(user), Some(password)) => {
                format!("{scheme}://{user}:{}@{host}{tail}", percent_encode(password))
            }
            (Some(_), None) => {
                return Err(MailConfigError::SmtpUrl(
                    "the URL names a user but FLEXPORTAL_MAIL_SMTP_PASSWORD is not set".into(),
                ));
            }
            (None, Some(_)) => {
                return Err(MailConfigError::SmtpUrl(
                    "FLEXPORTAL_MAIL_SMTP_PASSWORD is set but the URL names no user (smtps://user@host)"
                        .into(),
                ));
            }
            (None, None) => url.to_owned(),
        };
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&full_url)
            .map_err(|e| MailConfigError::SmtpUrl(e.to_string()))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        Ok(Transport::Smtp { server: format!("{scheme}://{host}"), transport })
    }

    fn describe(&self) -> String {
        match self {
            Transport::File { dir } => format!("file ({})", dir.display()),
            Transport::Smtp { server, .. } => format!("smtp ({server})"),
        }
    }

    async fn deliver(&self, message: Message) -> Result<(), SendError> {
        match self {
            Transport::File { dir } => {
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|e| SendError::Transient(format!("mail folder {}: {e}", dir.display())))?;
                AsyncFileTransport::<Tokio1Executor>::new(dir)
                    .send(message)
                    .await
                    .map(|_| ())
                    .map_err(|e| SendError::Transient(e.to_string()))
            }
            Transport::Smtp { transport, .. } => {
                // Every SMTP failure is retried, 5xx answers included: a rejected login or relay
                // is an operator's mistake that should not cost the messages queued meanwhile.
                transport.send(message).await.map(|_| ()).map_err(|e| SendError::Transient(e.to_string()))
            }
        }
    }
}

/// A transport and the sender every message goes out as.
pub struct Mailer {
    from: Mailbox,
    transport: Transport,
}

impl Mailer {
    /// # Errors
    /// `from` is not a valid mailbox.
    pub fn new(from: &str, transport: Transport) -> Result<Self, MailConfigError> {
        let from = from.trim().parse::<Mailbox>().map_err(|_| MailConfigError::From(from.to_owned()))?;
        Ok(Self { from, transport })
    }

    /// The mailer the configuration asks for: files under `<data_dir>/mail/`, or SMTP.
    ///
    /// # Errors
    /// A bad sender address or SMTP URL.
    pub fn from_config(config: &Config) -> Result<Self, MailConfigError> {
        let transport = match config.mail_transport {
            MailTransportKind::File => {
                if config.profile == Profile::Production {
                    tracing::warn!(
                        "mail_transport is \"file\" in production: messages are written to the data folder, not sent"
                    );
                }
                Transport::file(config.data_dir.join("mail"))
            }
            MailTransportKind::Smtp => {
                Transport::smtp(&config.mail_smtp_url, config.mail_smtp_password.as_deref())?
            }
        };
        Self::new(&config.mail_from, transport)
    }

    /// Where messages go, for logs (never with credentials).
    pub fn describe(&self) -> String {
        self.transport.describe()
    }

    /// Sends one queued message as plain UTF-8 text, with `attachments` as PDF files after it.
    ///
    /// # Errors
    /// [`SendError::Permanent`] when the message cannot be built; [`SendError::Transient`] when the
    /// transport failed.
    pub async fn send(
        &self,
        row: &OutboxRow,
        attachments: &[Attachment],
        now: DateTime<Utc>,
    ) -> Result<(), SendError> {
        let message = self.compose(row, attachments, now)?;
        self.transport.deliver(message).await
    }

    fn compose(
        &self,
        row: &OutboxRow,
        attachments: &[Attachment],
        now: DateTime<Utc>,
    ) -> Result<Message, SendError> {
        let to = row
            .to_address
            .trim()
            .parse::<Mailbox>()
            .map_err(|e| SendError::Permanent(format!("invalid recipient address: {e}")))?;
        // Derived from the outbox id, so every retry of one message carries the same id and a
        // receiving server can recognise a duplicate.
        let message_id = format!("<{}@{}>", row.id, self.from.email.domain());
        let builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(one_line(&row.subject))
            .date(SystemTime::from(now))
            .message_id(Some(message_id))
            // RFC 3834: tells autoresponders not to answer a machine.
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("Auto-Submitted"),
                "auto-generated".to_owned(),
            ));
        let built = if attachments.is_empty() {
            builder.header(ContentType::TEXT_PLAIN).body(row.body_text.clone())
        } else {
            let pdf = ContentType::parse("application/pdf")
                .map_err(|e| SendError::Permanent(format!("content type: {e}")))?;
            let text = SinglePart::builder().header(ContentType::TEXT_PLAIN).body(row.body_text.clone());
            let parts = attachments.iter().fold(MultiPart::mixed().singlepart(text), |parts, file| {
                parts.singlepart(Part::new(file.filename.clone()).body(file.content.clone(), pdf.clone()))
            });
            builder.multipart(parts)
        };
        built.map_err(|e| SendError::Permanent(format!("message could not be built: {e}")))
    }
}

/// The text on one line: every run of control characters (CR, LF, tab…) becomes one space.
fn one_line(text: &str) -> String {
    text.split(char::is_control).map(str::trim).filter(|part| !part.is_empty()).collect::<Vec<_>>().join(" ")
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn a_subject_with_line_breaks_becomes_one_line() {
        assert_eq!(one_line("Quote\r\nBcc: attacker@example.com"), "Quote Bcc: attacker@example.com");
        assert_eq!(one_line("お見積り\n\tQ-2026-0001 "), "お見積り Q-2026-0001");
    }

    #[test]
    fn the_smtp_password_comes_from_outside_the_url() {
        assert!(Transport::smtp("smtps://mailer@smtp.example.com:465", Some("p@ss:word/")).is_ok());
        assert!(Transport::smtp("smtp://localhost:25", None).is_ok());
        assert!(Transport::smtp("smtps://mailer:secret@smtp.example.com", None).is_err());
        assert!(Transport::smtp("smtps://mailer@smtp.example.com", None).is_err());
        assert!(Transport::smtp("smtp://localhost:25", Some("secret")).is_err());
        assert!(Transport::smtp("localhost:25", None).is_err());
    }

    #[test]
    fn logs_name_the_server_without_credentials() {
        let transport = Transport::smtp("smtps://mailer@smtp.example.com:465", Some("hunter2-long")).unwrap();
        assert_eq!(transport.describe(), "smtp (smtps://smtp.example.com:465)");
    }

    #[test]
    fn the_sender_must_be_a_mailbox() {
        assert!(
            Mailer::new("Flex Partner Portal <no-reply@flexportal.example>", Transport::file("x")).is_ok()
        );
        assert!(Mailer::new("not an address", Transport::file("x")).is_err());
    }
}
