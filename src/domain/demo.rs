//! Demo data for a first start: on an empty database in the development profile, an operator
//! account, a directory of fictional partners and one showcase partner with staff accounts and
//! customers, quotes and orders in each state, so a newcomer can click through both sides of the
//! portal.

use rand::Rng;
use uuid::Uuid;

use super::Portal;
use super::accounts::{NewUser, create_user};
use super::actor::{Actor, Origin, Role};
use super::demo_orders::seed_orders;
use super::error::Result;
use super::partners::demo::{seed_directory, seed_showcase};
use crate::storage;

pub const DEMO_ADMIN_EMAIL: &str = "admin@flexportal.example";
pub const DEMO_PARTNER_ADMIN_EMAIL: &str = "admin@demo-tokyo.example";
pub const DEMO_PARTNER_SALES_EMAIL: &str = "sales@demo-tokyo.example";
/// Big enough for search, facets and pagination to look real; small enough to start in a blink.
const DIRECTORY_PARTNERS: usize = 300;
const DIRECTORY_SEED: u64 = 42;

/// A login created for the demo, to be shown once.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub email: String,
    pub password: String,
    pub role: &'static str,
}

/// Usage events the first start writes for the showcase partner's customers.
const DEMO_USAGE_EVENTS: u64 = 600;

/// Creates the demo data when the database has no users; returns the logins made (none when the
/// database was not empty).
///
/// # Errors
/// Database failures.
pub async fn seed_if_empty(portal: &Portal) -> Result<Vec<DemoLogin>> {
    if storage::users::count(portal.db.conn()).await.map_err(super::error::Error::internal)? > 0 {
        return Ok(Vec::new());
    }
    // Partners first: they are skipped when present, so a start interrupted here can simply retry.
    seed_directory(portal, DIRECTORY_PARTNERS, DIRECTORY_SEED, |_| {}).await?;
    let showcase = seed_showcase(portal).await?;
    let mut logins = Vec::new();
    let mut sales = None;
    for (email, name, role, partner) in [
        (DEMO_ADMIN_EMAIL, "Demo Operator", Role::Admin, None),
        (DEMO_PARTNER_ADMIN_EMAIL, "デモ 管理者", Role::PartnerAdmin, Some(showcase.id)),
        (DEMO_PARTNER_SALES_EMAIL, "デモ 営業", Role::PartnerSales, Some(showcase.id)),
    ] {
        let (login, actor) = create_login(portal, email, name, role, partner).await?;
        if role == Role::PartnerSales {
            sales = Some(actor);
        }
        logins.push(login);
    }
    if let Some(sales) = sales {
        seed_orders(portal, &sales).await?;
        // Developers and three months of usage, so the usage pages have something to show.
        super::demo_usage::seed_showcase_usage(portal, DEMO_USAGE_EVENTS, 42, |_| ()).await?;
    }
    Ok(logins)
}

async fn create_login(
    portal: &Portal,
    email: &str,
    display_name: &str,
    role: Role,
    partner_id: Option<Uuid>,
) -> Result<(DemoLogin, Actor)> {
    let password = random_password();
    let input = NewUser {
        email: email.into(),
        display_name: display_name.into(),
        role: role.as_str().into(),
        partner_id,
        password: password.clone(),
        locale: Some("ja".into()),
    };
    let user = create_user(portal, None, &Origin::default(), input).await?;
    let actor = Actor {
        user_id: user.id,
        email: user.email,
        display_name: user.display_name,
        role,
        partner_id,
        session_id: Uuid::new_v4(),
    };
    Ok((DemoLogin { email: email.into(), password, role: role.as_str() }, actor))
}

fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..16).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect()
}
