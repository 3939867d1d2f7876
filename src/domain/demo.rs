//! Demo data for a first start: on an empty database in the development profile, an operator
//! account (and, as the product grows, partners and their customers) so a newcomer can click through.

use rand::Rng;

use super::Portal;
use super::accounts::{NewUser, create_user};
use super::actor::Origin;
use super::error::Result;
use crate::storage;

pub const DEMO_ADMIN_EMAIL: &str = "admin@flexportal.example";

/// A login created for the demo, to be shown once.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub email: String,
    pub password: String,
    pub role: &'static str,
}

/// Creates the demo accounts when the database has no users; returns the logins made (none when
/// the database was not empty).
///
/// # Errors
/// Database failures.
pub async fn seed_if_empty(portal: &Portal) -> Result<Vec<DemoLogin>> {
    if storage::users::count(portal.db.conn()).await.map_err(super::error::Error::internal)? > 0 {
        return Ok(Vec::new());
    }
    let password = random_password();
    let input = NewUser {
        email: DEMO_ADMIN_EMAIL.into(),
        display_name: "Demo Operator".into(),
        role: "admin".into(),
        partner_id: None,
        password: password.clone(),
        locale: Some("ja".into()),
    };
    create_user(portal, None, &Origin::default(), input).await?;
    Ok(vec![DemoLogin { email: DEMO_ADMIN_EMAIL.into(), password, role: "admin" }])
}

fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..16).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect()
}
