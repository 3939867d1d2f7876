//! The developer's side: the invitation link (`/i/{token}`), 32 random bytes stored only as their
//! SHA-256, valid for 7 days; what the link shows (who invites, for which customer) and accepting
//! it. Accepting twice is harmless; an invitation that ran out asks for a new one; a revoked or
//! unknown link is not found.

use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{Assignment, AssignmentStatus};
use crate::domain::Portal;
use crate::domain::actor::Origin;
use crate::domain::audit::{self, AuditEvent};
use crate::domain::error::{Error, Result};
use crate::storage::{self, assignments as store};

/// How long an invitation link works.
pub const INVITATION_DAYS: i64 = 7;

/// A link token is 43 characters; anything much longer is not one (and is not hashed).
const MAX_TOKEN_CHARS: usize = 100;

/// A fresh invitation: the token for the mail, its hash for the database, and its deadline.
pub(super) struct Invitation {
    pub token: String,
    pub hash: String,
    pub expires_at: DateTime<Utc>,
}

pub(super) fn issue(now: DateTime<Utc>) -> Invitation {
    let mut bytes = [0_u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    Invitation { hash: hash(&token), token, expires_at: now + Duration::days(INVITATION_DAYS) }
}

fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// What the invitation page shows.
#[derive(Debug, Clone, Serialize)]
pub struct InvitationView {
    pub status: AssignmentStatus,
    pub can_accept: bool,
    pub autodesk_id: String,
    pub developer_name: Option<String>,
    pub partner_name_ja: String,
    pub partner_name_en: String,
    pub customer_name: String,
    /// The customer's language: the page speaks it unless the visitor picks another.
    pub language: String,
    pub expires_at: Option<DateTime<Utc>>,
    /// The deadline in the customer's time zone (`YYYY-MM-DD HH:MM TZ`).
    pub expires_local: Option<String>,
    pub accepted_at: Option<DateTime<Utc>>,
}

/// The live assignment a token leads to; revoked and unknown links are both `NotFound`.
async fn by_token(portal: &Portal, token: &str) -> Result<Assignment> {
    if token.is_empty() || token.len() > MAX_TOKEN_CHARS {
        return Err(Error::NotFound);
    }
    let row = store::find_by_token_hash(portal.db.conn(), &hash(token)).await?.ok_or(Error::NotFound)?;
    match row.status_at(portal.clock.now()) {
        AssignmentStatus::Revoked => Err(Error::NotFound),
        _ => Ok(row),
    }
}

async fn view_of(portal: &Portal, row: &Assignment) -> Result<InvitationView> {
    let db = portal.db.conn();
    let customer = storage::customers::find_any(db, row.customer_id).await?.ok_or(Error::NotFound)?;
    let partner = storage::partners::find(db, row.partner_id).await?.ok_or(Error::NotFound)?;
    let status = row.status_at(portal.clock.now());
    Ok(InvitationView {
        status,
        can_accept: status == AssignmentStatus::Invited,
        autodesk_id: row.autodesk_id.as_str().to_owned(),
        developer_name: row.name.clone(),
        partner_name_ja: partner.name_ja,
        partner_name_en: partner.name_en,
        customer_name: customer.company_name,
        language: customer.language,
        expires_at: row.invite_expires_at,
        expires_local: row
            .invite_expires_at
            .map(|at| at.with_timezone(&customer.time_zone).format("%Y-%m-%d %H:%M %Z").to_string()),
        accepted_at: row.accepted_at,
    })
}

/// The invitation behind a link.
///
/// # Errors
/// `NotFound` for an unknown or revoked link.
pub async fn invitation(portal: &Portal, token: &str) -> Result<InvitationView> {
    let row = by_token(portal, token).await?;
    view_of(portal, &row).await
}

fn ran_out(view: &InvitationView) -> Error {
    Error::conflict(
        format!("This invitation has expired. Please ask {} to send it again.", view.partner_name_en),
        format!("この招待は有効期限が切れています。{} に招待の再送をご依頼ください。", view.partner_name_ja),
    )
}

/// The developer accepts through the link: the assignment becomes active. Accepting an accepted
/// invitation answers the same again.
///
/// # Errors
/// `NotFound` for an unknown or revoked link; `Conflict` when the invitation has expired.
pub async fn accept_invitation(portal: &Portal, origin: &Origin, token: &str) -> Result<InvitationView> {
    let row = by_token(portal, token).await?;
    let now = portal.clock.now();
    match row.status_at(now) {
        AssignmentStatus::Active => return view_of(portal, &row).await,
        AssignmentStatus::Expired => return Err(ran_out(&view_of(portal, &row).await?)),
        AssignmentStatus::Revoked => return Err(Error::NotFound),
        AssignmentStatus::Invited => {}
    }
    let tx = portal.db.write().await?;
    if store::mark_accepted(&*tx, row.id, &hash(token), now).await? {
        let event = AuditEvent {
            action: "assignment.accepted",
            subject_type: "assignment",
            subject_id: Some(row.id.to_string()),
            detail: serde_json::json!({
                "customer_id": row.customer_id.to_string(),
                "autodesk_id": row.autodesk_id.as_str(),
            }),
        };
        audit::record(&*tx, now, None, Some(row.autodesk_id.as_str()), origin, event).await?;
        tx.commit().await?;
    } else {
        drop(tx);
    }
    // Whatever happened meanwhile (accepted twice at once, revoked, renewed), the link now says so.
    let current = by_token(portal, token).await?;
    let view = view_of(portal, &current).await?;
    match view.status {
        AssignmentStatus::Active => Ok(view),
        AssignmentStatus::Expired => Err(ran_out(&view)),
        AssignmentStatus::Invited | AssignmentStatus::Revoked => Err(Error::NotFound),
    }
}

/// The per-client limit on invitation links (the page, its form and the API share it).
///
/// # Errors
/// `RateLimited` once the client has opened `invitation_lookups_per_client_per_minute` links.
pub fn limit_invitation_lookups(portal: &Portal, origin: &Origin) -> Result<()> {
    let limit = portal.config.invitation_lookups_per_client_per_minute;
    portal.limiter.per_client("invitation", origin, limit, std::time::Duration::from_secs(60))
}
