//! Usage ingestion throughput: 100 batches of 1,000 events applied through `usage::ingest` for one
//! customer with ten packs of 5,000 tokens (bought through quotes and orders), so the events draw
//! down across packs and the last ones become deficit; on SQLite (a temporary file) or on
//! PostgreSQL when `FLEXPORTAL_BENCH_DATABASE_URL` names a database server (a new database is
//! created there). Prints events per second and the balance afterwards.
//!
//! `CARGO_TARGET_DIR=… cargo bench --bench usage`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::time::Instant;

use chrono::{Duration, Utc};
use figment::providers::Serialized;
use flexportal::config::{Config, Profile};
use flexportal::domain::accounts::{NewUser, create_user};
use flexportal::domain::actor::{Actor, Origin, Role};
use flexportal::domain::usage::{self, UsageEventInput};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use uuid::Uuid;

const BATCHES: usize = 100;
const PER_BATCH: usize = 1000;
const DEVELOPERS: usize = 20;
const APIS: [&str; 3] = ["Model Derivative", "Automation API for Fusion", "Design Automation"];
const PACKS: usize = 10;
const PACK_TOKENS: i64 = 5000;

/// Buys `tokens` for `customer` the way a reseller does: quote, send, accept on the customer's
/// behalf, order, fulfil.
async fn buy(
    portal: &flexportal::domain::Portal,
    actor: &Actor,
    origin: &Origin,
    customer: Uuid,
    tokens: i64,
) {
    use flexportal::domain::{orders, quotes};
    let input = quotes::QuoteInput {
        customer_id: Some(customer),
        lines: vec![quotes::LineInput { tokens: serde_json::json!(tokens), discount_percent: None }],
        ..Default::default()
    };
    let quote = quotes::create_quote(portal, actor, origin, &input).await.unwrap();
    quotes::send_quote(portal, actor, origin, quote.id).await.unwrap();
    quotes::accept_on_behalf(portal, actor, origin, quote.id, "bench").await.unwrap();
    let order = orders::PlaceOrder { quote_id: Some(quote.id), payment_method: "invoice".into() };
    let order = orders::place_order(portal, actor, origin, order).await.unwrap();
    orders::fulfil_order(portal, actor, origin, order.id, None).await.unwrap();
}

async fn database_url(dir: &std::path::Path) -> String {
    match std::env::var("FLEXPORTAL_BENCH_DATABASE_URL") {
        Ok(admin) if !admin.is_empty() => {
            let name = format!("fp_bench_{}", Uuid::new_v4().simple());
            let conn = sea_orm::Database::connect(&admin).await.expect("PostgreSQL");
            conn.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.expect("create database");
            let base = admin.rsplit_once('/').map_or(admin.as_str(), |(base, _)| base).to_owned();
            format!("{base}/{name}")
        }
        _ => format!("sqlite://{}?mode=rwc", dir.join("bench.db").display()),
    }
}

#[allow(clippy::expect_used, clippy::unwrap_used)]
async fn run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = database_url(dir.path()).await;
    let overrides = serde_json::json!({
        "database_url": url, "data_dir": dir.path(), "database_max_connections": 8, "demo_data": false,
        "secret_key": "dGVzdC1zZWNyZXQta2V5LXdpdGgtYXQtbGVhc3QtdGhpcnR5LXR3by1ieXRlcyEh",
    });
    let config = Config::for_profile(Profile::Test, Serialized::globals(overrides)).expect("config");
    let portal = flexportal::open(config).await.expect("portal");
    let operator = Actor {
        user_id: Uuid::new_v4(),
        email: "bench@example.com".into(),
        display_name: "Bench".into(),
        role: Role::Admin,
        partner_id: None,
        session_id: Uuid::new_v4(),
    };
    let origin = Origin::default();
    let input = flexportal::domain::partners::PartnerInput {
        slug: "bench".into(),
        name_ja: "株式会社ベンチ".into(),
        name_en: "Bench KK".into(),
        tier: "gold".into(),
        csn: "5559999999".into(),
        country: "JP".into(),
        regions: vec!["JP-13".into()],
        languages: vec!["ja".into()],
        services: vec!["flex_tokens".into()],
        max_discount_percent: "10".into(),
        flex_signed_on: "2024-04-01".into(),
        flex_expires_on: "2099-03-31".into(),
        published: true,
        ..Default::default()
    };
    let partner =
        flexportal::domain::partners::create_partner(&portal, &operator, &origin, &input).await.unwrap();
    let user = NewUser {
        email: "sales@bench.example".into(),
        display_name: "Sales".into(),
        role: "partner_sales".into(),
        partner_id: Some(partner.id),
        password: "correct horse battery staple".into(),
        locale: None,
    };
    create_user(&portal, None, &origin, user).await.unwrap();
    let row = flexportal::storage::users::find_by_email(portal.db.conn(), "sales@bench.example")
        .await
        .unwrap()
        .unwrap();
    let actor = Actor { user_id: row.id, role: Role::PartnerSales, partner_id: Some(partner.id), ..operator };
    let customer = flexportal::domain::customers::CustomerInput {
        company_name: "Bench Customer".into(),
        contact_name: "N".into(),
        email: "n@customer.example".into(),
        purchaser_autodesk_id: "n@customer.example".into(),
        ..Default::default()
    };
    let customer =
        flexportal::domain::customers::create_customer(&portal, &actor, &origin, &customer).await.unwrap();
    let now = Utc::now();
    for d in 0..DEVELOPERS {
        flexportal::storage::entities::assignment::ActiveModel {
            id: Set(Uuid::new_v4()),
            partner_id: Set(partner.id),
            customer_id: Set(customer.id),
            autodesk_id: Set(format!("dev{d}@customer.example")),
            name: Set(None),
            token_cap: Set(if d == 0 { Some(1_000_000) } else { None }),
            status: Set("active".into()),
            invite_token_hash: Set(None),
            invite_expires_at: Set(None),
            invited_at: Set(now),
            accepted_at: Set(Some(now)),
            revoked_at: Set(None),
            created_by: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(portal.db.conn())
        .await
        .unwrap();
    }
    for _ in 0..PACKS {
        buy(&portal, &actor, &origin, customer.id, PACK_TOKENS).await;
    }
    let start = Instant::now();
    let mut applied = 0;
    for b in 0..BATCHES {
        let events = (0..PER_BATCH)
            .map(|i| {
                let n = b * PER_BATCH + i;
                UsageEventInput {
                    event_id: format!("bench-{n}"),
                    occurred_at: (now - Duration::minutes((n % 40_000) as i64)).to_rfc3339(),
                    autodesk_id: format!("dev{}@customer.example", n % DEVELOPERS),
                    app: Some("Bench".into()),
                    api: APIS[n % APIS.len()].into(),
                    units: Some("1".into()),
                    tokens: format!("0.{:03}", 1 + n % 999),
                }
            })
            .collect();
        let results = usage::ingest(&portal, &actor, &origin, customer.id, events).await.unwrap();
        applied += results.iter().filter(|r| r.result == usage::Outcome::Applied).count();
    }
    let seconds = start.elapsed().as_secs_f64();
    let backend = if url.starts_with("postgres") { "PostgreSQL" } else { "SQLite" };
    println!(
        "{backend}: {applied} events applied in {BATCHES} batches of {PER_BATCH} in {seconds:.2} s = {:.0} events/s",
        applied as f64 / seconds
    );
    let balance = flexportal::domain::balance::customer_balance(&portal, &actor, customer.id).await.unwrap();
    println!(
        "afterwards: available {}, deficit {}, used {}",
        balance.available, balance.deficit, balance.used_12_months
    );
    let report = flexportal::domain::balance::reconcile_all(&portal).await.unwrap();
    println!("{report}");
    drop(portal);
    drop_database(&url).await;
}

/// Drops the PostgreSQL database the run created: left behind, its hundred thousand rows would be
/// vacuumed in the background while the next benchmark measures.
#[allow(clippy::expect_used)]
async fn drop_database(url: &str) {
    let (Ok(admin), Some((_, name))) = (std::env::var("FLEXPORTAL_BENCH_DATABASE_URL"), url.rsplit_once('/'))
    else {
        return;
    };
    if admin.is_empty() {
        return;
    }
    let conn = sea_orm::Database::connect(&admin).await.expect("PostgreSQL");
    conn.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .await
        .expect("drop database");
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build();
    #[allow(clippy::expect_used)]
    runtime.expect("runtime").block_on(run());
}
