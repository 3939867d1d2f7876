//! Developers' Autodesk IDs assigned to a customer: the reseller adds a developer (an e-mail, with an
//! optional name and monthly token cap), the developer accepts a 7-day invitation, and the reseller
//! may change the name or cap, re-send an invitation that ran out, or revoke the assignment. One live
//! (not revoked) assignment per Autodesk ID and customer; usage is only accepted for active ones.

mod input;
mod invitation;
mod invitation_mail;
mod manage;

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use super::contact::AutodeskId;
use super::error::Result;
use super::tokens::TokenAmount;
use crate::storage::{Conn, assignments as store};

pub use input::{AssignmentChanges, CapInput, NewAssignment};
pub use invitation::{
    INVITATION_DAYS, InvitationView, accept_invitation, invitation, limit_invitation_lookups,
};
pub use manage::{
    create_assignment, get_assignment, list_assignments, resend_invitation, revoke_assignment,
    update_assignment,
};

/// What is stored: `expired` is not a stored state but an invitation read after its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoredStatus {
    Invited,
    Active,
    Revoked,
}

impl StoredStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StoredStatus::Invited => "invited",
            StoredStatus::Active => "active",
            StoredStatus::Revoked => "revoked",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [StoredStatus::Invited, StoredStatus::Active, StoredStatus::Revoked]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// Where an assignment stands at a given moment, as the API and pages show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AssignmentStatus {
    /// Invited; the link still works.
    Invited,
    /// The developer accepted: their usage draws on the customer's tokens.
    Active,
    /// Invited, and the link ran out before it was accepted: the reseller may re-send it.
    Expired,
    Revoked,
}

impl AssignmentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AssignmentStatus::Invited => "invited",
            AssignmentStatus::Active => "active",
            AssignmentStatus::Expired => "expired",
            AssignmentStatus::Revoked => "revoked",
        }
    }
}

/// An assignment as stored, every field parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub id: Uuid,
    pub partner_id: Uuid,
    pub customer_id: Uuid,
    pub autodesk_id: AutodeskId,
    pub name: Option<String>,
    /// A monthly cap: usage above it is still applied, flagged, and the reseller warned.
    pub token_cap: Option<TokenAmount>,
    pub status: StoredStatus,
    /// SHA-256 (hex) of the invitation token; the token itself is only ever in the mail.
    pub invite_token_hash: Option<String>,
    pub invite_expires_at: Option<DateTime<Utc>>,
    pub invited_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Assignment {
    pub fn status_at(&self, now: DateTime<Utc>) -> AssignmentStatus {
        match self.status {
            StoredStatus::Active => AssignmentStatus::Active,
            StoredStatus::Revoked => AssignmentStatus::Revoked,
            StoredStatus::Invited if self.invite_expires_at.is_none_or(|until| until <= now) => {
                AssignmentStatus::Expired
            }
            StoredStatus::Invited => AssignmentStatus::Invited,
        }
    }
}

/// An assignment as the reseller sees it (API and pages).
#[derive(Debug, Clone, Serialize)]
pub struct AssignmentView {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub autodesk_id: String,
    pub name: Option<String>,
    /// Whole tokens per month, as a decimal string; `null` when there is no cap.
    pub token_cap: Option<TokenAmount>,
    pub status: AssignmentStatus,
    pub invited_at: DateTime<Utc>,
    pub invite_expires_at: Option<DateTime<Utc>>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl AssignmentView {
    pub fn of(row: &Assignment, now: DateTime<Utc>) -> Self {
        Self {
            id: row.id,
            customer_id: row.customer_id,
            autodesk_id: row.autodesk_id.as_str().to_owned(),
            name: row.name.clone(),
            token_cap: row.token_cap,
            status: row.status_at(now),
            invited_at: row.invited_at,
            invite_expires_at: row.invite_expires_at,
            accepted_at: row.accepted_at,
            revoked_at: row.revoked_at,
        }
    }
}

/// The developers whose usage may draw on `customer_id`'s tokens, with their monthly caps: every
/// active assignment, in Autodesk ID order.
///
/// # Errors
/// Database failures; `Internal` for a stored row that does not read.
pub async fn active_autodesk_ids(
    db: &impl Conn,
    customer_id: Uuid,
) -> Result<Vec<(String, Option<TokenAmount>)>> {
    let rows = store::active_of_customer(db, customer_id).await?;
    Ok(rows.into_iter().map(|a| (a.autodesk_id.as_str().to_owned(), a.token_cap)).collect())
}
