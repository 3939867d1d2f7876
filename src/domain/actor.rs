//! Who is acting: the verified identity every use case receives, and the roles it can hold.

use uuid::Uuid;

use super::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    PartnerAdmin,
    PartnerSales,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::PartnerAdmin, Role::PartnerSales];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::PartnerAdmin => "partner_admin",
            Role::PartnerSales => "partner_sales",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == text.trim())
    }

    /// Partner staff act for exactly one partner; the operator acts for none.
    pub fn needs_partner(self) -> bool {
        matches!(self, Role::PartnerAdmin | Role::PartnerSales)
    }
}

/// A signed-in user as proven by a valid, unrevoked session.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub partner_id: Option<Uuid>,
    pub session_id: Uuid,
}

impl Actor {
    /// The partner a reseller acts for: tenancy always comes from here, never from the request.
    ///
    /// # Errors
    /// `Forbidden` for the operator, who belongs to no partner.
    pub fn partner(&self) -> Result<Uuid> {
        self.partner_id.filter(|_| self.role.needs_partner()).ok_or(Error::Forbidden)
    }

    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

/// Where a request came from, for audit entries and limits; filled in by the web layer.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub client_ip: Option<String>,
    pub request_id: Option<String>,
}
