//! Accounts and sessions: creating users, signing in and out, and proving who a request comes from.

pub mod password;
mod record;
pub mod tokens;
pub mod totp;
mod users;

pub use record::{Session, SessionKind, User};

pub use users::{NewUser, change_password, create_user, list_users, partner_id_by_slug};

use std::time::Duration;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::Portal;
use super::actor::{Actor, Origin};
use super::audit::{self, AuditEvent};
use super::contact::Email;
use super::error::{Error, FieldError, Result};
use crate::storage;
use tokens::Audience;

/// A freshly issued session token.
#[derive(Debug)]
pub struct IssuedSession {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub expires_in_secs: i64,
    pub locale: String,
}

/// The longest sign-in e-mail there can be an account for (RFC 5321's path limit).
pub const MAX_EMAIL_CHARS: usize = 254;

/// Signs in with e-mail and password. Unknown accounts and wrong passwords fail identically
/// (same error, same work).
///
/// An e-mail longer than any account can have is refused first, before it becomes a limiter key,
/// a lookup or an audit entry. Repeated failures then lock out the client that sends them for
/// that account (`login_failures_per_account` per client and account), never the account itself:
/// the right password from another client still works. Failures from all clients together slow
/// the account down instead, by a small bounded delay before each further attempt.
///
/// # Errors
/// `Validation` for an over-long e-mail, `Unauthorized` for bad credentials, `RateLimited` when
/// a limit is reached, `CodeNeeded` when the account uses TOTP (see [`login_with_code`]).
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
    let email = bounded_email(email)?;
    let client = origin.client_key();
    let client_key = format!("login-client:{client}");
    let pair_key = format!("login-failures:{client}:{email}");
    let account_key = format!("login-account-failures:{email}");
    let failure_window = Duration::from_secs(config.login_failure_window_seconds);
    portal.limiter.hit(&client_key, config.login_attempts_per_client_per_minute, Duration::from_secs(60))?;
    portal.limiter.check(&pair_key, config.login_failures_per_account, failure_window)?;
    let delay = slowdown(
        portal.limiter.count(&account_key, failure_window),
        config.login_slowdown_after_failures,
        config.login_slowdown_max_ms,
    );
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }

    let user = storage::users::find_by_email(portal.db.conn(), &email).await?;
    let user = user.filter(|u| u.active);
    let verified = portal.hasher.verify(user.as_ref().map(|u| u.password_hash.as_str()), password).await?;
    let now = portal.clock.now();
    let Some(user) = user.filter(|_| verified.ok) else {
        portal.limiter.record(&pair_key, failure_window);
        portal.limiter.record(&account_key, failure_window);
        tracing::warn!(target: "auth", client_ip = ?origin.client_ip, request_id = ?origin.request_id, "login failed");
        let tx = portal.db.write().await?;
        let event = AuditEvent {
            action: "login.failed",
            subject_type: "user",
            subject_id: None,
            detail: failed_login_detail(&email),
        };
        audit::record(&*tx, now, None, None, origin, event).await?;
        tx.commit().await?;
        return Err(if code.is_some() { Error::CodeWrong } else { Error::Unauthorized });
    };
    portal.limiter.clear(&pair_key);
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
        .await?
        .filter(|u| u.active)
        .ok_or(Error::Unauthorized)?;
    totp::check_at_sign_in(portal, user.id, &user.email, Some(code), origin).await?;
    open_session(portal, user, None, kind, origin).await
}

/// Opens a session for a user whose credentials were checked, storing a stronger hash if one was made.
async fn open_session(
    portal: &Portal,
    user: User,
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
    let tx = portal.db.write().await?;
    if let Some(hash) = rehash {
        storage::users::set_password_hash(&*tx, user.id, hash, now, false).await?;
    }
    storage::sessions::insert(
        &*tx,
        Session {
            id: session_id,
            user_id: user.id,
            kind,
            created_at: now,
            last_seen_at: now,
            expires_at,
            revoked_at: None,
            client_ip: origin.client_ip.clone(),
        },
    )
    .await?;
    let event = AuditEvent {
        action: "login.succeeded",
        subject_type: "user",
        subject_id: Some(user.id.to_string()),
        detail: serde_json::json!({ "kind": kind.as_str() }),
    };
    audit::record(&*tx, now, None, Some(&user.email), origin, event).await?;
    tx.commit().await?;
    tracing::info!(target: "auth", user_id = %user.id, client_ip = ?origin.client_ip, request_id = ?origin.request_id, "login succeeded");

    let token = portal.signer.issue(Audience::Session, &user.id.to_string(), session_id, now, expires_at)?;
    Ok(IssuedSession { token, expires_at, expires_in_secs: lifetime.num_seconds(), locale: user.locale })
}

/// The sign-in e-mail trimmed and lowercased, or a field error when it is longer than any
/// account's can be. Checked before the text is used for anything else.
fn bounded_email(input: &str) -> Result<String> {
    let trimmed = input.trim();
    if trimmed.len() > MAX_EMAIL_CHARS * 4 || trimmed.chars().nth(MAX_EMAIL_CHARS).is_some() {
        return Err(Error::Validation(vec![FieldError::new(
            "email",
            "too_long",
            "An e-mail address has at most 254 characters.",
            "メールアドレスは254文字以内です。",
        )]));
    }
    Ok(trimmed.to_lowercase())
}

/// What a failed sign-in records about the identifier: the e-mail when it is a plausible address
/// (so the operator can see which account is attacked), otherwise only a short digest of it, so
/// arbitrary text never lands in the audit log.
fn failed_login_detail(email: &str) -> serde_json::Value {
    if Email::parse("email", email).is_ok() {
        serde_json::json!({ "email": email })
    } else {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(email.as_bytes());
        let short: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
        serde_json::json!({ "email_sha256": short })
    }
}

/// The wait before another sign-in attempt on an account that has had `failures` recent failures
/// from all clients: none up to `after`, then 250 ms doubling per failure, never above `max_ms`.
fn slowdown(failures: usize, after: u32, max_ms: u64) -> Duration {
    let after = after as usize;
    if after == 0 || failures < after {
        return Duration::ZERO;
    }
    let doublings = u32::try_from(failures - after).unwrap_or(u32::MAX).min(16);
    Duration::from_millis((250u64 << doublings).min(max_ms))
}

/// Proves who presents `token`: a valid signature for the session audience, a live unrevoked
/// session, not idle too long, and an active user.
///
/// # Errors
/// `Unauthorized` for anything less.
pub async fn authenticate(portal: &Portal, token: &str) -> Result<Actor> {
    let now = portal.clock.now();
    let claims = portal.signer.verify(token, Audience::Session, now)?;
    let (session, user) =
        storage::sessions::find_with_user(portal.db.conn(), claims.jti).await?.ok_or(Error::Unauthorized)?;
    let idle_limit = chrono::Duration::minutes(portal.config.session_idle_minutes);
    let idle = session.kind == SessionKind::Browser && now - session.last_seen_at > idle_limit;
    if session.revoked_at.is_some()
        || session.expires_at <= now
        || idle
        || !user.active
        || user.id.to_string() != claims.sub
    {
        return Err(Error::Unauthorized);
    }
    let role = user.role;
    if now - session.last_seen_at > chrono::Duration::minutes(1) {
        touch_session(portal, session.id, now).await?;
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

/// Records a session's activity through the writer, but only when the writer is free: the
/// last-seen time is best effort (the next request tries again), so a request never waits behind
/// a long write for it, nor writes beside the SQLite writer lock and makes that write fail with
/// "database is locked".
async fn touch_session(portal: &Portal, session_id: Uuid, now: DateTime<Utc>) -> Result<()> {
    let Some(tx) = portal.db.try_write().await? else {
        tracing::debug!(%session_id, "session touch skipped: the writer is busy");
        return Ok(());
    };
    storage::sessions::touch(&*tx, session_id, now).await?;
    tx.commit().await.map_err(Error::internal)
}

/// Ends the actor's session: the token stops working at once, wherever it was copied to.
///
/// # Errors
/// Database failures.
pub async fn logout(portal: &Portal, actor: &Actor, origin: &Origin) -> Result<()> {
    let now = portal.clock.now();
    let tx = portal.db.write().await?;
    storage::sessions::revoke(&*tx, actor.session_id, now).await?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_account_slowdown_starts_late_grows_and_stays_small() {
        assert_eq!(slowdown(0, 10, 2000), Duration::ZERO);
        assert_eq!(slowdown(9, 10, 2000), Duration::ZERO);
        assert_eq!(slowdown(10, 10, 2000), Duration::from_millis(250));
        assert_eq!(slowdown(11, 10, 2000), Duration::from_millis(500));
        assert_eq!(slowdown(13, 10, 2000), Duration::from_millis(2000));
        assert_eq!(slowdown(100_000, 10, 2000), Duration::from_millis(2000));
        assert_eq!(slowdown(100, 0, 2000), Duration::ZERO);
    }

    #[test]
    fn only_plausible_e_mails_reach_the_audit_log_as_text() {
        assert_eq!(failed_login_detail("ops@example.com"), serde_json::json!({ "email": "ops@example.com" }));
        let hashed = failed_login_detail("<script>alert(1)</script>");
        assert!(hashed.get("email").is_none());
        assert_eq!(hashed["email_sha256"].as_str().map(str::len), Some(16));
    }

    #[test]
    fn an_e_mail_longer_than_254_characters_is_refused_by_field() {
        assert!(bounded_email(&format!("{}@example.com", "a".repeat(242))).is_ok());
        match bounded_email(&format!("{}@example.com", "a".repeat(243))) {
            Err(Error::Validation(errors)) => assert_eq!(errors[0].field, "email"),
            other => panic!("expected a field error, got {other:?}"),
        }
        assert!(bounded_email(&"é".repeat(300)).is_err());
    }
}
