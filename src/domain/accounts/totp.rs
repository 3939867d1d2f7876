//! Two-step sign-in with RFC 6238 one-time codes: enrolling (a pending secret confirmed with a
//! code), the ten single-use recovery codes, checking a code at sign-in (±1 step, never the same
//! step twice), disabling, and a partner's requirement that its staff use it.
//!
//! Secrets are sealed (ChaCha20-Poly1305 under a key derived from the portal secret, bound to the
//! account) and are shown only while pending; recovery codes are kept as keyed hashes.

use std::time::Duration;

use base64::Engine;
use chrono::{DateTime, Utc};
use rand::RngCore;
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, Nonce, UnboundKey};
use totp_rs::{Algorithm, Builder, Totp};
use uuid::Uuid;

use super::tokens::Audience;
use crate::domain::Portal;
use crate::domain::actor::{Actor, Origin, Role};
use crate::domain::audit::{self, AuditEvent};
use crate::domain::error::{Error, FieldError, FieldErrors, Result};
use crate::domain::keys::mac;
use crate::storage::{self, totp::StoredTotp};

/// Shown in authenticator apps next to the account name (must not contain `:`).
const ISSUER: &str = "Flex Partner Portal";
const SECRET_BYTES: usize = 20;
const RECOVERY_CODE_COUNT: usize = 10;
/// Unambiguous letters and digits (no 0/o, 1/l/i).
const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
/// How long the password step of a two-step sign-in stays good for the code step.
const PENDING_SIGN_IN_MINUTES: i64 = 5;
/// Longer input is no code of ours; refusing it early keeps hashing and limiter keys small.
const MAX_CODE_LEN: usize = 32;

/// A pending secret, shown once so the user can add it to an authenticator app.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Enrollment {
    /// Base32, as authenticator apps take it when typed in.
    pub secret: String,
    pub otpauth_url: String,
}

/// Where an account stands with two-step sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct TotpStatus {
    pub enabled: bool,
    pub pending: bool,
    pub recovery_codes_left: u64,
    /// The account's partner requires TOTP of its staff.
    pub required: bool,
}

fn authenticator(secret: Vec<u8>, account: &str) -> Result<Totp> {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(secret)
        .with_issuer(Some(ISSUER))
        .with_account_name(account.replace(':', "_"))
        .build()
        .map_err(|e| Error::Internal(format!("TOTP parameters refused: {e}").into()))
}

fn sealing_key(portal: &Portal) -> Result<LessSafeKey> {
    UnboundKey::new(&CHACHA20_POLY1305, &portal.keys.totp)
        .map(LessSafeKey::new)
        .map_err(|_| Error::Internal("TOTP sealing key has the wrong length".into()))
}

/// Seals a secret for one account: the account id is the associated data, so a sealed secret
/// copied onto another account's row does not open.
fn seal(portal: &Portal, user_id: Uuid, secret: &[u8]) -> Result<String> {
    let mut nonce = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let mut sealed = secret.to_vec();
    sealing_key(portal)?
        .seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(user_id.as_bytes()),
            &mut sealed,
        )
        .map_err(|_| Error::Internal("sealing the TOTP secret failed".into()))?;
    let mut stored = nonce.to_vec();
    stored.extend_from_slice(&sealed);
    Ok(base64::engine::general_purpose::STANDARD.encode(stored))
}

fn open(portal: &Portal, user_id: Uuid, stored: &str) -> Result<Vec<u8>> {
    let corrupt = || Error::Internal(format!("the TOTP secret of user {user_id} does not open").into());
    let mut bytes = base64::engine::general_purpose::STANDARD.decode(stored).map_err(|_| corrupt())?;
    if bytes.len() < 12 {
        return Err(corrupt());
    }
    let mut sealed = bytes.split_off(12);
    let nonce = Nonce::try_assume_unique_for_key(&bytes).map_err(|_| corrupt())?;
    let secret = sealing_key(portal)?
        .open_in_place(nonce, Aad::from(user_id.as_bytes()), &mut sealed)
        .map_err(|_| corrupt())?;
    Ok(secret.to_vec())
}

fn normalize(code: &str) -> Option<String> {
    let code: String =
        code.chars().filter(|c| !c.is_whitespace() && *c != '-').flat_map(char::to_lowercase).collect();
    (!code.is_empty() && code.len() <= MAX_CODE_LEN).then_some(code)
}

fn recovery_hash(portal: &Portal, user_id: Uuid, normalized: &str) -> String {
    // A key of its own, so the sealing key is used for nothing but sealing.
    let key = mac(&portal.keys.totp, b"flexportal/totp/recovery-codes");
    let digest = mac(&key, format!("{user_id}:{normalized}").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn new_recovery_code() -> String {
    let mut rng = rand::rngs::OsRng;
    let mut pick = || RECOVERY_ALPHABET[(rng.next_u32() as usize) % RECOVERY_ALPHABET.len()] as char;
    let first: String = (0..5).map(|_| pick()).collect();
    let second: String = (0..5).map(|_| pick()).collect();
    format!("{first}-{second}")
}

fn unix_seconds(at: DateTime<Utc>) -> u64 {
    u64::try_from(at.timestamp()).unwrap_or(0)
}

fn failure_key(user_id: Uuid) -> String {
    format!("totp-failures:{user_id}")
}

fn failure_window(portal: &Portal) -> Duration {
    Duration::from_secs(portal.config.login_failure_window_seconds)
}

/// Code attempts are limited per account like passwords: a run of wrong codes answers 429.
fn check_attempts(portal: &Portal, user_id: Uuid) -> Result<()> {
    portal.limiter.check(
        &failure_key(user_id),
        portal.config.login_failures_per_account,
        failure_window(portal),
    )
}

fn record_failure(portal: &Portal, user_id: Uuid) {
    portal.limiter.record(&failure_key(user_id), failure_window(portal));
}

async fn stored(portal: &Portal, user_id: Uuid) -> Result<Option<StoredTotp>> {
    storage::totp::find(portal.db.conn(), user_id).await.map_err(Error::internal)
}

/// Checks a six-digit code or a recovery code against an enabled secret and spends it inside
/// `tx`: the step (or the recovery code) is consumed by a conditional update, so the same code is
/// accepted once even when two requests race. Audits the use of a recovery code.
async fn spend_code(
    portal: &Portal,
    tx: &storage::WriteTx,
    user_id: Uuid,
    email: &str,
    totp: &StoredTotp,
    code: &str,
    origin: &Origin,
) -> Result<bool> {
    let Some(code) = normalize(code) else { return Ok(false) };
    let now = portal.clock.now();
    if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
        let secret = open(portal, user_id, &totp.secret_sealed)?;
        let Some(step) = authenticator(secret, email)?.check(&code, unix_seconds(now)) else {
            return Ok(false);
        };
        let step = i64::try_from(step).map_err(Error::internal)?;
        let fresh = storage::totp::accept_step(&**tx, user_id, step).await?;
        return Ok(fresh);
    }
    let hash = recovery_hash(portal, user_id, &code);
    if !storage::totp::use_recovery_code(&**tx, user_id, &hash, now).await? {
        return Ok(false);
    }
    let left = storage::totp::unused_recovery_codes(&**tx, user_id).await?;
    let event = AuditEvent {
        action: "totp.recovery_code_used",
        subject_type: "user",
        subject_id: Some(user_id.to_string()),
        detail: serde_json::json!({ "recovery_codes_left": left }),
    };
    audit::record(&**tx, now, None, Some(email), origin, event).await?;
    tracing::info!(target: "auth", %user_id, recovery_codes_left = left, request_id = ?origin.request_id, "recovery code used");
    Ok(true)
}

/// Where the actor stands with two-step sign-in.
///
/// # Errors
/// Database failures.
pub async fn status(portal: &Portal, actor: &Actor) -> Result<TotpStatus> {
    let found = stored(portal, actor.user_id).await?;
    let enabled = found.as_ref().is_some_and(|t| t.enabled);
    let recovery_codes_left = if enabled {
        storage::totp::unused_recovery_codes(portal.db.conn(), actor.user_id).await?
    } else {
        0
    };
    Ok(TotpStatus {
        enabled,
        pending: found.is_some_and(|t| !t.enabled),
        recovery_codes_left,
        required: partner_requires(portal, actor).await?,
    })
}

async fn partner_requires(portal: &Portal, actor: &Actor) -> Result<bool> {
    match actor.partner_id.filter(|_| actor.role.needs_partner()) {
        Some(partner_id) => {
            storage::totp::partner_requires(portal.db.conn(), partner_id).await.map_err(Error::internal)
        }
        None => Ok(false),
    }
}

/// Whether the actor's partner requires TOTP and the actor has not enabled it yet: such a
/// session may do nothing but enable it (or sign out).
///
/// # Errors
/// Database failures.
pub async fn enrollment_due(portal: &Portal, actor: &Actor) -> Result<bool> {
    if !partner_requires(portal, actor).await? {
        return Ok(false);
    }
    Ok(!stored(portal, actor.user_id).await?.is_some_and(|t| t.enabled))
}

/// Starts enrolling: a new pending secret replaces any earlier pending one. It is not required at
/// sign-in until confirmed with a code.
///
/// # Errors
/// `Conflict` when TOTP is already enabled (disable it first).
pub async fn begin(portal: &Portal, actor: &Actor, origin: &Origin) -> Result<Enrollment> {
    let mut secret = vec![0u8; SECRET_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    let sealed = seal(portal, actor.user_id, &secret)?;
    let authenticator = authenticator(secret, &actor.email)?;
    let now = portal.clock.now();
    let tx = portal.db.write().await?;
    if !storage::totp::replace_pending(&*tx, actor.user_id, sealed, now).await? {
        return Err(already_enabled());
    }
    let event = AuditEvent {
        action: "totp.enrollment_started",
        subject_type: "user",
        subject_id: Some(actor.user_id.to_string()),
        detail: serde_json::json!({}),
    };
    audit::record(&*tx, now, Some(actor), None, origin, event).await?;
    tx.commit().await?;
    Ok(Enrollment {
        secret: authenticator.secret().to_base32(),
        otpauth_url: authenticator.to_url().map_err(|e| Error::Internal(e.to_string().into()))?,
    })
}

/// The pending secret again (for the enrolment page, which shows it until it is confirmed).
///
/// # Errors
/// `NotFound` when nothing is pending.
pub async fn pending(portal: &Portal, actor: &Actor) -> Result<Enrollment> {
    let found = stored(portal, actor.user_id).await?.filter(|t| !t.enabled).ok_or(Error::NotFound)?;
    let authenticator = authenticator(open(portal, actor.user_id, &found.secret_sealed)?, &actor.email)?;
    Ok(Enrollment {
        secret: authenticator.secret().to_base32(),
        otpauth_url: authenticator.to_url().map_err(|e| Error::Internal(e.to_string().into()))?,
    })
}

fn already_enabled() -> Error {
    Error::conflict(
        "Two-step sign-in is already enabled. Disable it first to set up a new authenticator.",
        "2段階認証は既に有効です。新しい認証アプリを設定するには、先に無効にしてください。",
    )
}

fn wrong_code() -> Error {
    Error::field(
        "code",
        "wrong",
        "The code is wrong or has already been used. Enter the current 6-digit code.",
        "コードが正しくないか、既に使用されています。現在の6桁のコードを入力してください。",
    )
}

/// Confirms the pending secret with a code from the authenticator app and enables it.
///
/// Returns the ten recovery codes: they are shown this once and stored only as hashes.
///
/// # Errors
/// `Validation` (field `code`) for a wrong code; `Conflict` when nothing is pending or TOTP is
/// already enabled; `RateLimited` after repeated wrong codes.
pub async fn confirm(portal: &Portal, actor: &Actor, origin: &Origin, code: &str) -> Result<Vec<String>> {
    check_attempts(portal, actor.user_id)?;
    let found = stored(portal, actor.user_id).await?;
    let Some(found) = found.filter(|t| !t.enabled) else {
        return Err(if stored(portal, actor.user_id).await?.is_some() {
            already_enabled()
        } else {
            Error::conflict(
                "Start setting up two-step sign-in first.",
                "先に2段階認証の設定を開始してください。",
            )
        });
    };
    let now = portal.clock.now();
    let secret = open(portal, actor.user_id, &found.secret_sealed)?;
    let step = normalize(code)
        .and_then(|code| authenticator(secret, &actor.email).ok()?.check(&code, unix_seconds(now)));
    let Some(step) = step else {
        record_failure(portal, actor.user_id);
        return Err(wrong_code());
    };
    let step = i64::try_from(step).map_err(Error::internal)?;
    let codes: Vec<String> = (0..RECOVERY_CODE_COUNT).map(|_| new_recovery_code()).collect();
    let hashes = codes.iter().map(|c| recovery_hash(portal, actor.user_id, &c.replace('-', ""))).collect();
    let tx = portal.db.write().await?;
    if !storage::totp::enable(&*tx, actor.user_id, step, now).await? {
        return Err(already_enabled());
    }
    storage::totp::replace_recovery_codes(&*tx, actor.user_id, hashes).await?;
    let event = AuditEvent {
        action: "totp.enabled",
        subject_type: "user",
        subject_id: Some(actor.user_id.to_string()),
        detail: serde_json::json!({ "recovery_codes": RECOVERY_CODE_COUNT }),
    };
    audit::record(&*tx, now, Some(actor), None, origin, event).await?;
    tx.commit().await?;
    portal.limiter.clear(&failure_key(actor.user_id));
    tracing::info!(target: "auth", user_id = %actor.user_id, request_id = ?origin.request_id, "TOTP enabled");
    Ok(codes)
}

/// Disables two-step sign-in; needs the password and a current code (or a recovery code).
///
/// # Errors
/// `Validation` naming `password` and/or `code` when wrong; `Conflict` when TOTP is not enabled;
/// `RateLimited` after repeated failures.
pub async fn disable(
    portal: &Portal,
    actor: &Actor,
    origin: &Origin,
    password: &str,
    code: &str,
) -> Result<()> {
    check_attempts(portal, actor.user_id)?;
    let Some(found) = stored(portal, actor.user_id).await?.filter(|t| t.enabled) else {
        return Err(Error::conflict("Two-step sign-in is not enabled.", "2段階認証は有効になっていません。"));
    };
    let user = storage::users::find(portal.db.conn(), actor.user_id).await?.ok_or(Error::Unauthorized)?;
    let password_ok = portal.hasher.verify(Some(&user.password_hash), password).await?.ok;
    let now = portal.clock.now();
    let tx = portal.db.write().await?;
    // The code is only spent when the password is right, so a wrong password wastes no code.
    let code_ok =
        password_ok && spend_code(portal, &tx, actor.user_id, &actor.email, &found, code, origin).await?;
    if !(password_ok && code_ok) {
        drop(tx);
        record_failure(portal, actor.user_id);
        let mut errors = FieldErrors::new();
        if !password_ok {
            errors.push(FieldError::new(
                "password",
                "wrong",
                "The password is wrong.",
                "パスワードが正しくありません。",
            ));
        } else {
            errors.push(FieldError::new(
                "code",
                "wrong",
                "The code is wrong or has already been used.",
                "コードが正しくないか、既に使用されています。",
            ));
        }
        return errors.into_result();
    }
    if !storage::totp::remove(&*tx, actor.user_id).await? {
        return Err(Error::conflict("Two-step sign-in is not enabled.", "2段階認証は有効になっていません。"));
    }
    let event = AuditEvent {
        action: "totp.disabled",
        subject_type: "user",
        subject_id: Some(actor.user_id.to_string()),
        detail: serde_json::json!({}),
    };
    audit::record(&*tx, now, Some(actor), None, origin, event).await?;
    tx.commit().await?;
    portal.limiter.clear(&failure_key(actor.user_id));
    tracing::info!(target: "auth", user_id = %actor.user_id, request_id = ?origin.request_id, "TOTP disabled");
    Ok(())
}

/// The second step of signing in, once the password was right: nothing for accounts without TOTP;
/// otherwise the code is required, checked and spent.
///
/// # Errors
/// `CodeNeeded` (carrying a short-lived token for the browser's code step) when no code was given;
/// `CodeWrong` for a wrong or used code; `RateLimited` after repeated wrong codes.
pub(super) async fn check_at_sign_in(
    portal: &Portal,
    user_id: Uuid,
    email: &str,
    code: Option<&str>,
    origin: &Origin,
) -> Result<()> {
    let Some(found) = stored(portal, user_id).await?.filter(|t| t.enabled) else { return Ok(()) };
    let Some(code) = code.filter(|c| !c.trim().is_empty()) else {
        let now = portal.clock.now();
        let expires = now + chrono::Duration::minutes(PENDING_SIGN_IN_MINUTES);
        let pending = portal.signer.issue(
            Audience::PendingSignIn,
            &user_id.to_string(),
            Uuid::new_v4(),
            now,
            expires,
        )?;
        return Err(Error::CodeNeeded { pending });
    };
    check_attempts(portal, user_id)?;
    let tx = portal.db.write().await?;
    if !spend_code(portal, &tx, user_id, email, &found, code, origin).await? {
        record_failure(portal, user_id);
        tracing::warn!(target: "auth", %user_id, client_ip = ?origin.client_ip, request_id = ?origin.request_id, "sign-in code wrong");
        // Only someone who knew the password gets here: worth an entry in the audit trail.
        let event = AuditEvent {
            action: "login.code_failed",
            subject_type: "user",
            subject_id: Some(user_id.to_string()),
            detail: serde_json::json!({}),
        };
        audit::record(&*tx, portal.clock.now(), None, Some(email), origin, event).await?;
        tx.commit().await?;
        return Err(Error::CodeWrong);
    }
    tx.commit().await?;
    portal.limiter.clear(&failure_key(user_id));
    Ok(())
}

/// The user a pending sign-in token (from `CodeNeeded`) was issued for.
///
/// # Errors
/// `Unauthorized` for anything but a valid, unexpired pending sign-in token.
pub(super) fn pending_user(portal: &Portal, pending: &str) -> Result<Uuid> {
    let claims = portal.signer.verify(pending, Audience::PendingSignIn, portal.clock.now())?;
    claims.sub.parse().map_err(|_| Error::Unauthorized)
}

/// Sets whether the partner admin's partner requires TOTP of all its staff.
///
/// # Errors
/// `Forbidden` for anyone but a partner admin.
pub async fn set_partner_requirement(
    portal: &Portal,
    actor: &Actor,
    origin: &Origin,
    required: bool,
) -> Result<()> {
    if actor.role != Role::PartnerAdmin {
        return Err(Error::Forbidden);
    }
    let partner_id = actor.partner()?;
    let now = portal.clock.now();
    let tx = portal.db.write().await?;
    storage::totp::set_partner_requirement(&*tx, partner_id, required, now).await?;
    let event = AuditEvent {
        action: "partner.totp_requirement_changed",
        subject_type: "partner",
        subject_id: Some(partner_id.to_string()),
        detail: serde_json::json!({ "required": required }),
    };
    audit::record(&*tx, now, Some(actor), None, origin, event).await?;
    tx.commit().await.map_err(Error::internal)
}

/// Whether the actor's partner requires TOTP of its staff.
///
/// # Errors
/// `Forbidden` for the operator, who belongs to no partner.
pub async fn partner_requirement(portal: &Portal, actor: &Actor) -> Result<bool> {
    actor.partner()?;
    partner_requires(portal, actor).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_normalized_and_bounded() {
        assert_eq!(normalize(" 123 456 ").as_deref(), Some("123456"));
        assert_eq!(normalize("ABCDE-FGHJK").as_deref(), Some("abcdefghjk"));
        assert_eq!(normalize(""), None);
        assert_eq!(normalize(&"1".repeat(100)), None);
    }

    #[test]
    fn recovery_codes_are_ten_characters_from_an_unambiguous_alphabet() {
        let code = new_recovery_code();
        assert_eq!(code.len(), 11);
        assert!(code.replace('-', "").bytes().all(|b| RECOVERY_ALPHABET.contains(&b)));
    }
}
