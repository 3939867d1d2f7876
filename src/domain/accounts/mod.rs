//! Accounts and sessions: creating users, signing in and out, and proving who a request comes from.

pub mod password;
pub mod tokens;
pub mod totp;
mod users;

pub use users::{NewUser, change_password, create_user, list_users};

use std::time::Duration;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::Portal;
use super::actor::{Actor, Origin, Role};
use super::audit::{self, AuditEvent};
use super::error::{Error, Result};
use crate::storage::{self, sessions::SessionRow};
use tokens::Audience;

/// How a session is carried: a browser cookie (idle timeout applies) or an API bearer token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Browser,
    Api,
}

impl SessionKind {
    fn as_str(self) -> &'static str {
        match self {
            SessionKind::Browser => "browser",
            SessionKind::Api => "api",
        }
    }
}

/// A freshly issued session token.
#[derive(Debug)]
pub struct IssuedSession {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub expires_in_secs: i64,
    pub locale: String,
}

/// Signs in with e-mail and password. Unknown accounts and wrong passwords fail identically
/// (same error, same work); repeated failures lock the account and the client for a while.
///
/// # Errors
/// `Unauthorized` for bad credentials, `RateLimited` when a limit is reached, `CodeNeeded` when
/// the account uses TOTP (see [`login_with_code`]).
pub async fn login(
    portal: &Portal,
    email: &str,
    password: &str,
    kind: SessionKind,
    origin: &Origin,
) -> Result<IssuedSession> {
    login_with_code(portal, email, password, None, kind, origin).await
}

/// Signs in with e-mail, password and, for accounts that use TOTP, a one-time or recovery code.
///
/// # Errors
/// As [`login`]; with a code given, `CodeWrong` whether the password or the code was wrong.
pub async fn login_with_code(
    portal: &Portal,
    email: &str,
    password: &str,
    code: Option<&str>,
    kind: SessionKind,
    origin: &Origin,
) -> Result<IssuedSession> {
    let config = &portal.config;
    let email = email.trim().to_lowercase();
    let account_key = format!("login-failures:{email}");
    let client_key = format!("login-client:{}", origin.client_ip.as_deref().unwrap_or("unknown"));
    let failure_window = Duration::from_secs(config.login_failure_window_seconds);
    portal.limiter.hit(&client_key, config.login_attempts_per_client_per_minute, Duration::from_secs(60))?;
    portal.limiter.check(&account_key, config.login_failures_per_account, failure_window)?;

    let user = if email.len() <= 254 {
        storage::users::find_by_email(portal.db.conn(), &email).await.map_err(Error::internal)?
    } else {
        None
    };
    let user = user.filter(|u| u.active);
    let verified = portal.hasher.verify(user.as_ref().map(|u| u.password_hash.as_str()), password).await?;
    let now = portal.clock.now();
    let Some(user) = user.filter(|_| verified.ok) else {
        portal.limiter.record(&account_key, failure_window);
        tracing::warn!(target: "auth", client_ip = ?origin.client_ip, request_id = ?origin.request_id, "login failed");
        let tx = portal.db.write().await.map_err(Error::internal)?;
        let event = AuditEvent {
            action: "login.failed",
            subject_type: "user",
            subject_id: None,
            detail: serde_json::json!({ "email": email }),
        };
        audit::record(&*tx, now, None, None, origin, event).await?;
        tx.commit().await.map_err(Error::internal)?;
        return Err(if code.is_some() { Error::CodeWrong } else { Error::Unauthorized });
    };
    portal.limiter.clear(&account_key);
    totp::check_at_sign_in(portal, user.id, &user.email, code, origin).await?;

    let rehash = if verified.needs_rehash { Some(portal.hasher.hash(password).await?) } else { None };
    open_session(portal, user, rehash, kind, origin).await
}

/// The code step of a two-step sign-in: `pending` is the token `CodeNeeded` carried after the
/// password step, and is bound to that account.
///
/// # Errors
/// `Unauthorized` when the pending token is invalid or expired (start again); `CodeWrong`,
/// `RateLimited` as for [`login_with_code`].
pub async fn complete_login(
    portal: &Portal,
    pending: &str,
    code: &str,
    kind: SessionKind,
    origin: &Origin,
) -> Result<IssuedSession> {
    let user_id = totp::pending_user(portal, pending)?;
    let user = storage::users::find(portal.db.conn(), user_id)
        .await
        .map_err(Error::internal)?
        .filter(|u| u.active)
        .ok_or(Error::Unauthorized)?;
    totp::check_at_sign_in(portal, user.id, &user.email, Some(code), origin).await?;
    open_session(portal, user, None, kind, origin).await
}

/// Opens a session for a user whose credentials were checked, storing a stronger hash if one was made.
async fn open_session(
    portal: &Portal,
    user: storage::users::UserRow,
    rehash: Option<String>,
    kind: SessionKind,
    origin: &Origin,
) -> Result<IssuedSession> {
    let config = &portal.config;
    let now = portal.clock.now();
    let lifetime = match kind {
        SessionKind::Browser => chrono::Duration::hours(config.session_absolute_hours),
        SessionKind::Api => chrono::Duration::minutes(config.api_token_minutes),
    };
    let session_id = Uuid::new_v4();
    let expires_at = now + lifetime;
    let tx = portal.db.write().await.map_err(Error::internal)?;
    if let Some(hash) = rehash {
        storage::users::set_password_hash(&*tx, user.id, hash, now, false).await.map_err(Error::internal)?;
    }
    storage::sessions::insert(
        &*tx,
        SessionRow {
            id: session_id,
            user_id: user.id,
            kind: kind.as_str().into(),
            created_at: now,
            last_seen_at: now,
            expires_at,
            revoked_at: None,
            client_ip: origin.client_ip.clone(),
        },
    )
    .await
    .map_err(Error::internal)?;
    let event = AuditEvent {
        action: "login.succeeded",
        subject_type: "user",
        subject_id: Some(user.id.to_string()),
        detail: serde_json::json!({ "kind": kind.as_str() }),
    };
    audit::record(&*tx, now, None, Some(&user.email), origin, event).await?;
    tx.commit().await.map_err(Error::internal)?;
    tracing::info!(target: "auth", user_id = %user.id, client_ip = ?origin.client_ip, request_id = ?origin.request_id, "login succeeded");

    let token = portal.signer.issue(Audience::Session, &user.id.to_string(), session_id, now, expires_at)?;
    Ok(IssuedSession { token, expires_at, expires_in_secs: lifetime.num_seconds(), locale: user.locale })
}

/// Proves who presents `token`: a valid signature for the session audience, a live unrevoked
/// session, not idle too long, and an active user.
///
/// # Errors
/// `Unauthorized` for anything less.
pub async fn authenticate(portal: &Portal, token: &str) -> Result<Actor> {
    let now = portal.clock.now();
    let claims = portal.signer.verify(token, Audience::Session, now)?;
    let (session, user) = storage::sessions::find_with_user(portal.db.conn(), claims.jti)
        .await
        .map_err(Error::internal)?
        .ok_or(Error::Unauthorized)?;
    let idle_limit = chrono::Duration::minutes(portal.config.session_idle_minutes);
    let idle = session.kind == SessionKind::Browser.as_str() && now - session.last_seen_at > idle_limit;
    if session.revoked_at.is_some()
        || session.expires_at <= now
        || idle
        || !user.active
        || user.id.to_string() != claims.sub
    {
        return Err(Error::Unauthorized);
    }
    let role = Role::parse(&user.role).ok_or(Error::Unauthorized)?;
    if now - session.last_seen_at > chrono::Duration::minutes(1) {
        storage::sessions::touch(portal.db.conn(), session.id, now).await.map_err(Error::internal)?;
    }
    Ok(Actor {
        user_id: user.id,
        email: user.email,
        display_name: user.display_name,
        role,
        partner_id: user.partner_id,
        session_id: session.id,
    })
}

/// Ends the actor's session: the token stops working at once, wherever it was copied to.
///
/// # Errors
/// Database failures.
pub async fn logout(portal: &Portal, actor: &Actor, origin: &Origin) -> Result<()> {
    let now = portal.clock.now();
    let tx = portal.db.write().await.map_err(Error::internal)?;
    storage::sessions::revoke(&*tx, actor.session_id, now).await.map_err(Error::internal)?;
    let event = AuditEvent {
        action: "logout",
        subject_type: "user",
        subject_id: Some(actor.user_id.to_string()),
        detail: serde_json::json!({}),
    };
    audit::record(&*tx, now, Some(actor), None, origin, event).await?;
    tx.commit().await.map_err(Error::internal)
}

/// Remembers the language a signed-in user chose.
///
/// # Errors
/// Database failures.
pub async fn set_locale(portal: &Portal, actor: &Actor, locale: &str) -> Result<()> {
    storage::users::set_locale(portal.db.conn(), actor.user_id, locale).await.map_err(Error::internal)
}
