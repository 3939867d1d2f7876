//! Test harness shared by the API and browser test binaries: every test gets its own fresh
//! database (SQLite in a temp folder, or a new PostgreSQL database when
//! `FLEXPORTAL_TEST_DATABASE_URL` points at a server, dropped afterwards) and its own portal.
#![allow(dead_code)]

use chrono::{DateTime, Utc};
use figment::providers::Serialized;
use flexportal::config::{Config, Profile};
use flexportal::domain::Portal;
use flexportal::domain::accounts::{NewUser, create_user};
use flexportal::domain::actor::Origin;
use uuid::Uuid;

pub const PASSWORD: &str = "correct horse battery staple";

/// Where a test's database lives; dropping it removes the database.
pub enum TestDb {
    Sqlite(tempfile::TempDir),
    Postgres { admin_url: String, name: String, _dir: tempfile::TempDir },
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let TestDb::Postgres { admin_url, name, .. } = self {
            let (admin_url, name) = (admin_url.clone(), name.clone());
            // Dropping happens outside any async context we can rely on: use a runtime of our own.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                runtime.block_on(async {
                    use sea_orm::ConnectionTrait;
                    if let Ok(conn) = sea_orm::Database::connect(&admin_url).await {
                        let _ = conn
                            .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                            .await;
                        let _ = conn.close().await;
                    }
                });
            })
            .join();
        }
    }
}

/// Settings a test may change before the portal is built.
#[derive(Default, Clone)]
pub struct Options {
    pub fake_now: Option<DateTime<Utc>>,
    pub profile: Option<Profile>,
    pub extra: Vec<(&'static str, serde_json::Value)>,
}

/// A fresh database and the configuration pointing at it.
pub async fn fresh_config(options: &Options) -> (Config, TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let (database_url, db) = match std::env::var("FLEXPORTAL_TEST_DATABASE_URL") {
        Ok(admin_url) if !admin_url.is_empty() => {
            let name = format!("fp_test_{}", Uuid::new_v4().simple());
            {
                use sea_orm::ConnectionTrait;
                let conn = sea_orm::Database::connect(&admin_url).await.expect("PostgreSQL for tests");
                conn.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.unwrap();
                conn.close().await.unwrap();
            }
            let base = admin_url.rsplit_once('/').map(|(base, _)| base).unwrap_or(&admin_url).to_owned();
            (format!("{base}/{name}"), TestDb::Postgres { admin_url, name, _dir: dir })
        }
        _ => {
            let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
            (url, TestDb::Sqlite(dir))
        }
    };
    let data_dir = match &db {
        TestDb::Sqlite(dir) => dir.path().to_path_buf(),
        TestDb::Postgres { _dir, .. } => _dir.path().to_path_buf(),
    };
    let mut overrides = serde_json::json!({
        "database_url": database_url,
        "data_dir": data_dir,
        "database_max_connections": 8,
        // The same bytes as before, now as base64: production refuses a passphrase.
        "secret_key": "dGVzdC1zZWNyZXQta2V5LXdpdGgtYXQtbGVhc3QtdGhpcnR5LXR3by1ieXRlcyEh",
        "demo_data": false,
        "password_hash_concurrency": 2,
    });
    if let Some(at) = options.fake_now {
        overrides["fake_now"] = serde_json::Value::String(at.to_rfc3339());
    }
    for (key, value) in &options.extra {
        overrides[*key] = value.clone();
    }
    let config =
        Config::for_profile(options.profile.unwrap_or(Profile::Test), Serialized::globals(overrides))
            .unwrap();
    (config, db)
}

/// A portal on a fresh database, without the web layer.
pub async fn fresh_portal(options: &Options) -> (Portal, TestDb) {
    let (config, db) = fresh_config(options).await;
    (flexportal::open(config).await.unwrap(), db)
}

/// Creates a user directly through the domain (as the command line does).
pub async fn make_user(portal: &Portal, email: &str, role: &str, partner_id: Option<Uuid>) {
    let input = NewUser {
        email: email.into(),
        display_name: email.split('@').next().unwrap_or(email).into(),
        role: role.into(),
        partner_id,
        password: PASSWORD.into(),
        locale: None,
    };
    create_user(portal, None, &Origin::default(), input).await.unwrap();
}

/// The operator as an actor, for setting up fixtures through the domain's own use cases.
pub fn operator() -> flexportal::domain::actor::Actor {
    flexportal::domain::actor::Actor {
        user_id: Uuid::new_v4(),
        email: "fixture-operator@example.com".into(),
        display_name: "Fixture Operator".into(),
        role: flexportal::domain::actor::Role::Admin,
        partner_id: None,
        session_id: Uuid::new_v4(),
    }
}

/// A partner fixture: `partner("exmp").gold().flex("2024-04-01", "2027-03-31").create(&portal)`.
pub struct PartnerBuilder(pub flexportal::domain::partners::PartnerInput);

pub fn partner(slug: &str) -> PartnerBuilder {
    use std::sync::atomic::{AtomicU64, Ordering};
    static CSN: AtomicU64 = AtomicU64::new(5_550_000_000);
    PartnerBuilder(flexportal::domain::partners::PartnerInput {
        slug: slug.into(),
        name_ja: format!("株式会社{slug}"),
        name_en: format!("{slug} KK"),
        description_ja: "Autodesk Flex トークンの販売".into(),
        description_en: "Sells Autodesk Flex tokens".into(),
        tier: "gold".into(),
        csn: CSN.fetch_add(1, Ordering::Relaxed).to_string(),
        country: "JP".into(),
        regions: vec!["JP-13".into()],
        languages: vec!["ja".into()],
        services: vec!["flex_tokens".into()],
        max_discount_percent: "10".into(),
        flex_signed_on: "2024-04-01".into(),
        flex_expires_on: "2099-03-31".into(),
        published: true,
        ..Default::default()
    })
}

impl PartnerBuilder {
    pub fn tier(mut self, tier: &str) -> Self {
        self.0.tier = tier.into();
        self
    }
    pub fn names(mut self, ja: &str, en: &str) -> Self {
        self.0.name_ja = ja.into();
        self.0.name_en = en.into();
        self
    }
    pub fn describe(mut self, ja: &str, en: &str) -> Self {
        self.0.description_ja = ja.into();
        self.0.description_en = en.into();
        self
    }
    pub fn regions(mut self, regions: &[&str]) -> Self {
        self.0.regions = regions.iter().map(|r| (*r).to_owned()).collect();
        self
    }
    pub fn languages(mut self, languages: &[&str]) -> Self {
        self.0.languages = languages.iter().map(|r| (*r).to_owned()).collect();
        self
    }
    pub fn services(mut self, services: &[&str]) -> Self {
        self.0.services = services.iter().map(|r| (*r).to_owned()).collect();
        self
    }
    pub fn flex(mut self, signed_on: &str, expires_on: &str) -> Self {
        self.0.flex_signed_on = signed_on.into();
        self.0.flex_expires_on = expires_on.into();
        self
    }
    pub fn unpublished(mut self) -> Self {
        self.0.published = false;
        self
    }
    pub async fn create(self, portal: &Portal) -> flexportal::domain::partners::Partner {
        flexportal::domain::partners::create_partner(portal, &operator(), &Origin::default(), &self.0)
            .await
            .unwrap()
    }
}

/// Runs the reconciliation every token test ends with, and fails the test naming what disagrees.
pub async fn reconcile(portal: &Portal) {
    let report = flexportal::domain::balance::reconcile_all(portal).await.expect("reconciliation runs");
    assert!(report.is_ok(), "{report}");
}
