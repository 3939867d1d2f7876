//! Creating users and changing passwords.

use uuid::Uuid;

use super::password::{HashPurpose, NewPassword};
use crate::domain::Portal;
use crate::domain::actor::{Actor, Origin, Role};
use crate::domain::audit::{self, AuditEvent};
use crate::domain::contact::Email;
use crate::domain::error::{Error, FieldError, FieldErrors, Result};
use crate::storage;

use super::User;

/// A user as the operator (or the command line) asks for it, still unparsed.
#[derive(Debug, Clone, Default)]
pub struct NewUser {
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub partner_id: Option<Uuid>,
    pub password: String,
    pub locale: Option<String>,
}

/// The partner a new staff account is created for, named by its slug (the command line's
/// `--partner`).
///
/// # Errors
/// `Validation` on `partner` when no partner has this slug; database failures.
pub async fn partner_id_by_slug(portal: &Portal, slug: &str) -> Result<Uuid> {
    let slug = slug.trim();
    let found = storage::partners::find_by_slug(portal.db.conn(), slug).await?;
    found.map(|p| p.id).ok_or_else(|| {
        Error::Validation(vec![FieldError::new(
            "partner",
            "unknown",
            format!("No partner has the slug {slug:?}."),
            format!("スラッグ {slug:?} の販売店はありません。"),
        )])
    })
}

/// Creates a user; `actor` is `None` only for the command line and first-start demo data.
///
/// # Errors
/// `Validation` naming each bad field (including an e-mail already in use); `Forbidden` when a
/// non-operator tries to create an operator or a user of another partner.
pub async fn create_user(
    portal: &Portal,
    actor: Option<&Actor>,
    origin: &Origin,
    input: NewUser,
) -> Result<User> {
    let mut errors = FieldErrors::new();
    let email = errors.check(Email::parse("email", &input.email));
    let role = errors.check(Role::parse(&input.role).ok_or_else(|| {
        FieldError::new("role", "invalid", "Choose a valid role.", "有効な権限を選択してください。")
    }));
    let password = errors.check(NewPassword::parse("password", &input.password));
    let display_name = input.display_name.trim();
    if display_name.chars().count() > 100 || display_name.chars().any(char::is_control) {
        errors.push(FieldError::new(
            "display_name",
            "invalid",
            "Use at most 100 characters.",
            "100文字以内で入力してください。",
        ));
    }
    if let Some(role) = role
        && role.needs_partner() != input.partner_id.is_some()
    {
        errors.push(FieldError::new(
            "partner",
            "invalid",
            "Partner staff need a partner; operators have none.",
            "販売店スタッフには販売店の指定が必要です（運営者には不要です）。",
        ));
    }
    errors.into_result()?;
    let (Some(email), Some(role), Some(password)) = (email, role, password) else {
        return Err(Error::internal(std::io::Error::other("parsed fields missing after validation")));
    };
    if let Some(actor) = actor {
        let allowed = actor.is_admin()
            || (actor.role == Role::PartnerAdmin
                && role.needs_partner()
                && input.partner_id == actor.partner_id);
        if !allowed {
            return Err(Error::Forbidden);
        }
    }

    let hash = portal.hasher.hash_for(HashPurpose::AccountChange, password.expose()).await?;
    let now = portal.clock.now();
    let display_name =
        if display_name.is_empty() { email.as_str().to_owned() } else { display_name.to_owned() };
    let row = User {
        id: Uuid::new_v4(),
        email: email.as_str().to_owned(),
        display_name,
        password_hash: hash,
        role,
        partner_id: input.partner_id,
        locale: match input.locale.as_deref() {
            Some("en") => "en".into(),
            _ => "ja".into(),
        },
        active: true,
        password_changed_at: now,
        created_at: now,
        updated_at: now,
    };
    let tx = portal.db.write().await?;
    let row = match storage::users::insert(&*tx, row).await {
        Ok(row) => row,
        Err(e) if storage::UniqueViolation::unique_violation(&e).is_some() => {
            return Err(Error::field(
                "email",
                "taken",
                "An account with this e-mail already exists.",
                "このメールアドレスのアカウントは既に存在します。",
            ));
        }
        // The partner named does not exist (or went away meanwhile): a field error, not a 500.
        Err(e) if storage::broke_foreign_key(&e) => {
            return Err(Error::field(
                "partner_id",
                "unknown",
                "No partner with this id exists.",
                "この ID の販売店は存在しません。",
            ));
        }
        Err(e) => return Err(Error::internal(e)),
    };
    let event = AuditEvent {
        action: "user.created",
        subject_type: "user",
        subject_id: Some(row.id.to_string()),
        detail: serde_json::json!({ "email": row.email, "role": row.role, "partner_id": row.partner_id }),
    };
    audit::record(&*tx, now, actor, None, origin, event).await?;
    tx.commit().await?;
    Ok(row)
}

/// A page of users for the operator.
///
/// # Errors
/// `Forbidden` for anyone but the operator.
pub async fn list_users(
    portal: &Portal,
    actor: &Actor,
    page: u64,
    per_page: u64,
) -> Result<(Vec<User>, u64)> {
    if !actor.is_admin() {
        return Err(Error::Forbidden);
    }
    storage::users::list(portal.db.conn(), (page.max(1) - 1) * per_page, per_page)
        .await
        .map_err(Error::internal)
}

/// Changes the actor's own password after checking the current one; every session of the user,
/// including the current one, is revoked. Attempts are limited per user and per client (each
/// costs two Argon2 runs), and hash on their own share of the hashing permits so that they never
/// hold up sign-in.
///
/// # Errors
/// `Validation` for a wrong current password or a new one that fails the policy; `RateLimited`
/// after `password_changes_per_hour` attempts by the user or from the client.
pub async fn change_password(
    portal: &Portal,
    actor: &Actor,
    origin: &Origin,
    current: &str,
    new: &str,
) -> Result<()> {
    let limit = portal.config.password_changes_per_hour;
    if limit > 0 {
        let hour = std::time::Duration::from_secs(3600);
        let user_key = format!("password-change-user:{}", actor.user_id);
        let client_key = format!("password-change-client:{}", origin.client_key());
        portal.limiter.check(&user_key, limit, hour)?;
        portal.limiter.check(&client_key, limit, hour)?;
        portal.limiter.record(&user_key, hour);
        portal.limiter.record(&client_key, hour);
    }
    let user = storage::users::find(portal.db.conn(), actor.user_id).await?.ok_or(Error::Unauthorized)?;
    let verified =
        portal.hasher.verify_for(HashPurpose::AccountChange, Some(&user.password_hash), current).await?;
    let mut errors = FieldErrors::new();
    if !verified.ok {
        errors.push(FieldError::new(
            "current_password",
            "wrong",
            "The current password is wrong.",
            "現在のパスワードが正しくありません。",
        ));
    }
    let new = errors.check(NewPassword::parse("new_password", new));
    errors.into_result()?;
    let Some(new) = new else { return Err(Error::Unauthorized) };
    let hash = portal.hasher.hash_for(HashPurpose::AccountChange, new.expose()).await?;
    let now = portal.clock.now();
    let tx = portal.db.write().await?;
    storage::users::set_password_hash(&*tx, actor.user_id, hash, now, true).await?;
    storage::sessions::revoke_all_for_user(&*tx, actor.user_id, now).await?;
    let event = AuditEvent {
        action: "user.password_changed",
        subject_type: "user",
        subject_id: Some(actor.user_id.to_string()),
        detail: serde_json::json!({}),
    };
    audit::record(&*tx, now, Some(actor), None, origin, event).await?;
    tx.commit().await.map_err(Error::internal)
}
