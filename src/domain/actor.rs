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
    /// The request's `Idempotency-Key` (or a form's one-time nonce), as sent: writes that create
    /// money or tokens do their work once per key and answer a retry with the first response.
    pub idempotency_key: Option<String>,
}

impl Origin {
    /// The client as a rate-limit key: an IPv4 address as it is, an IPv6 address by its /64 (one
    /// subscriber usually holds a whole /64, so single addresses would be free to rotate), and
    /// `unknown` when the address is not known.
    pub fn client_key(&self) -> String {
        match self.client_ip.as_deref().map(str::parse::<std::net::IpAddr>) {
            Some(Ok(ip)) => limit_key(ip),
            Some(Err(_)) | None => "unknown".to_owned(),
        }
    }
}

/// See [`Origin::client_key`].
pub fn limit_key(ip: std::net::IpAddr) -> String {
    match ip {
        std::net::IpAddr::V4(v4) => v4.to_string(),
        std::net::IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                let prefix = std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                format!("{prefix}/64")
            }
        },
    }
}
