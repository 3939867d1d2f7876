//! Users and their sessions as the domain sees them, read from storage into typed records.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::domain::actor::Role;

/// A person who signs in: the operator or a member of a partner's staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    /// The PHC string of the password's Argon2id hash.
    pub password_hash: String,
    pub role: Role,
    pub partner_id: Option<Uuid>,
    pub locale: String,
    pub active: bool,
    pub password_changed_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// How a session is carried: a browser cookie (idle timeout applies) or an API bearer token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Browser,
    Api,
}

impl SessionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionKind::Browser => "browser",
            SessionKind::Api => "api",
        }
    }

    pub fn parse(text: &str) -> Option<SessionKind> {
        [SessionKind::Browser, SessionKind::Api].into_iter().find(|k| k.as_str() == text)
    }
}

/// One sign-in: revoked at logout, password change or a new sign-in in the same browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: Uuid,
    pub user_id: Uuid,
    pub kind: SessionKind,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub client_ip: Option<String>,
}
