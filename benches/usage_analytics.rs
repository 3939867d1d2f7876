//! Usage analytics for one customer with the roll-ups of 1,000,000 usage events (365 days × 6 APIs
//! × 25 developers, written directly as `usage_daily` rows) and a few packs: how long the usage API
//! (a whole year by day, by API, by developer; the default 30 days), the usage page, the CSV export
//! and the purchaser's balance page take. Each is asked one request at a time in process (p50 and
//! p99 of many requests), then, when `wrk` is installed, over HTTP with two connections (light load).
//!
//! SQLite by default; PostgreSQL when `FLEXPORTAL_TEST_DATABASE_URL` names a server (a database is
//! created and dropped). `benches/usage_analytics.sh` runs both with a release build.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout, dead_code)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};
use rocket::http::{ContentType, Cookie, Header, Status};
use rocket::local::asynchronous::Client;
use serde_json::{Value, json};
use uuid::Uuid;

use flexportal::domain::tokens::TokenAmount;
use flexportal::domain::usage_analytics::DailyRollup;

const APIS: [(&str, i64); 6] = [
    ("model-derivative", 1),
    ("design-automation-autocad", 40),
    ("design-automation-revit", 120),
    ("automation-api-fusion", 3000),
    ("reality-capture", 800),
    ("viewer-sdk", 2),
];
const DEVELOPERS: i64 = 25;
const DAYS: i64 = 365;
const EVENTS: i64 = 1_000_000;
const REQUESTS: usize = 300;
const PORT: u16 = 8197;

async fn call(client: &Client, method: &str, path: &str, token: &str, body: Value) -> Value {
    let request = match method {
        "POST" => client.post(path.to_owned()),
        _ => client.get(path.to_owned()),
    };
    let response = request
        .header(Header::new("Authorization", format!("Bearer {token}")))
        .header(ContentType::JSON)
        .body(body.to_string())
        .dispatch()
        .await;
    let status = response.status();
    let body: Value = response.into_json().await.unwrap_or(Value::Null);
    assert!(status.code < 300, "{method} {path}: {status} {body}");
    body
}

/// A partner with a sales login, a customer with two packs (one 90 days from its end), and the
/// roll-ups; returns the sales token, the customer id and the balance link's path.
async fn fixture(client: &Client, today: NaiveDate) -> (String, String, String) {
    let portal = client.rocket().state::<flexportal::domain::Portal>().unwrap();
    let mut builder = common::partner("bench");
    builder.0.invoice_registration_number = "T7000012050002".into();
    builder.0.email = "sales@bench.example".into();
    let partner = builder.create(portal).await;
    common::make_user(portal, "sales@bench.example", "partner_sales", Some(partner.id)).await;
    let login = client
        .post("/api/v1/auth/token")
        .header(ContentType::JSON)
        .body(json!({"email": "sales@bench.example", "password": common::PASSWORD}).to_string())
        .dispatch()
        .await;
    let token = login.into_json::<Value>().await.unwrap()["access_token"].as_str().unwrap().to_owned();
    let customer = call(client, "POST", "/api/v1/customers", &token, json!({
        "company_name": "株式会社ベンチ", "contact_name": "山田 太郎", "email": "bench@customer.example",
        "country": "JP", "language": "ja", "time_zone": "Asia/Tokyo", "purchaser_autodesk_id": "buyer@customer.example"}))
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for tokens in [5000, 20000] {
        let quote = call(
            client,
            "POST",
            "/api/v1/quotes",
            &token,
            json!({"customer_id": customer, "lines": [{"tokens": tokens}]}),
        )
        .await;
        let id = quote["id"].as_str().unwrap();
        call(client, "POST", &format!("/api/v1/quotes/{id}/send"), &token, json!({})).await;
        call(
            client,
            "POST",
            &format!("/api/v1/quotes/{id}/accept-on-behalf"),
            &token,
            json!({"reason": "bench"}),
        )
        .await;
        let order = call(
            client,
            "POST",
            "/api/v1/orders",
            &token,
            json!({"quote_id": id, "payment_method": "invoice"}),
        )
        .await;
        call(
            client,
            "POST",
            &format!("/api/v1/orders/{}/fulfil", order["id"].as_str().unwrap()),
            &token,
            json!({}),
        )
        .await;
    }
    let customer_id = Uuid::parse_str(&customer).unwrap();
    let per_row = EVENTS / (DAYS * APIS.len() as i64 * DEVELOPERS);
    let mut extra = EVENTS - per_row * DAYS * APIS.len() as i64 * DEVELOPERS;
    let mut rows = Vec::new();
    for d in 0..DAYS {
        let day = today - chrono::Duration::days(d);
        for (a, (api, thousandths_per_event)) in APIS.iter().enumerate() {
            for dev in 0..DEVELOPERS {
                let events = per_row + i64::from(extra > 0);
                extra -= i64::from(extra > 0);
                // A weekday rhythm and developers of different appetite, deterministic.
                let weight = 1 + (d % 7).min(4) + (dev * 7 + a as i64) % 5;
                rows.push(DailyRollup {
                    customer_id,
                    partner_id: partner.id,
                    day,
                    api: (*api).to_owned(),
                    autodesk_id: format!("developer{dev:02}@customer.example"),
                    tokens: TokenAmount::from_thousandths(events * thousandths_per_event * weight),
                    events,
                });
            }
        }
    }
    let started = Instant::now();
    flexportal::storage::usage_analytics::insert_rollups(portal.db.conn(), &rows).await.unwrap();
    println!(
        "{} roll-up rows ({EVENTS} events) written in {:.1} s",
        rows.len(),
        started.elapsed().as_secs_f64()
    );
    let started = Instant::now();
    insert_raw_events(portal, customer_id, partner.id, today).await;
    println!("{EVENTS} raw usage events written in {:.1} s", started.elapsed().as_secs_f64());
    let link =
        call(client, "GET", &format!("/api/v1/customers/{customer}/balance-link"), &token, json!(null)).await;
    let link = format!("/balance/{}", link["url"].as_str().unwrap().rsplit('/').next().unwrap());
    (token, customer, link)
}

/// The raw events behind the roll-ups, so the tables are as large as a real customer's and any
/// query that touched raw events would show in the timings. One statement generates them.
async fn insert_raw_events(
    portal: &flexportal::domain::Portal,
    customer: Uuid,
    partner: Uuid,
    today: NaiveDate,
) {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let backend = portal.db.backend();
    let (a, b, c, d) = match backend {
        DbBackend::Postgres => ("$1", "$2", "$3", "$4"),
        _ => ("?", "?", "?", "?"),
    };
    let sql = format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {EVENTS}) \
         INSERT INTO usage_events (customer_id, event_id, partner_id, occurred_at, autodesk_id, app, api, \
         units_thousandths, tokens, charged, uncharged, over_cap, batch_id, received_at) \
         SELECT {a}, 'raw-' || i, {b}, {c}, 'developer' || (i % {DEVELOPERS}) || '@customer.example', NULL, \
         'model-derivative', 1000, 1, 1, 0, FALSE, {d}, {c} FROM n"
    );
    let at = today.and_hms_opt(0, 0, 0).unwrap().and_utc() - chrono::Duration::days(1);
    let values = vec![customer.into(), partner.into(), at.into(), Uuid::new_v4().into()];
    let statement = match backend {
        DbBackend::Postgres => Statement::from_sql_and_values(backend, sql, values),
        _ => {
            // SQLite's `?` are positional: the time is bound a second time for `received_at`.
            let mut values = values;
            values.push(at.into());
            Statement::from_sql_and_values(backend, sql, values)
        }
    };
    portal.db.conn().execute_raw(statement).await.unwrap();
}

/// Lets the database finish what a million fresh rows set off before anything is timed: on
/// PostgreSQL the vacuum and statistics autovacuum would otherwise run during the first
/// measurements, and the checkpoint that writes the new pages out; on SQLite the write-ahead log is checkpointed into the database file.
async fn settle(portal: &flexportal::domain::Portal) {
    use sea_orm::{ConnectionTrait, DbBackend};
    let statements: &[&str] = match portal.db.backend() {
        DbBackend::Postgres => &["VACUUM ANALYZE", "CHECKPOINT"],
        _ => &["PRAGMA wal_checkpoint(TRUNCATE)"],
    };
    for sql in statements {
        portal.db.conn().execute_unprepared(sql).await.unwrap();
    }
}

fn percentile(sorted: &[Duration], p: usize) -> Duration {
    sorted[(sorted.len() * p / 100).min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn in_process(client: &Client, name: &str, path: &str, token: &str) {
    let ask = || async {
        let response = client
            .get(path.to_owned())
            // A local request reads cookies only from its jar, not from a raw `Cookie` header.
            .cookie(Cookie::new("fp_session", token.to_owned()))
            .dispatch()
            .await;
        assert_eq!(response.status(), Status::Ok, "{path}");
        response.into_bytes().await.unwrap().len()
    };
    let mut size = 0;
    for _ in 0..20 {
        size = ask().await;
    }
    let mut times = Vec::with_capacity(REQUESTS);
    for _ in 0..REQUESTS {
        let started = Instant::now();
        ask().await;
        times.push(started.elapsed());
    }
    times.sort();
    println!(
        "{name:<44} {:>8.2} {:>8.2} {:>8.2} {:>9}",
        ms(percentile(&times, 50)),
        ms(percentile(&times, 99)),
        ms(times[times.len() - 1]),
        size
    );
}

fn over_http(name: &str, path: &str, token: &str) {
    let output = Command::new("wrk")
        .args(["-t1", "-c2", "-d5s", "--latency", "-H"])
        .arg(format!("Cookie: fp_session={token}"))
        .arg(format!("http://127.0.0.1:{PORT}{path}"))
        .output();
    let Ok(output) = output else { return };
    let text = String::from_utf8_lossy(&output.stdout);
    let field = |key: &str, column: usize| {
        text.lines()
            .find(|l| l.trim_start().starts_with(key))
            .and_then(|l| l.split_whitespace().nth(column))
            .unwrap_or("-")
            .to_owned()
    };
    let non_2xx = field("Non-2xx", 4);
    println!(
        "{name:<44} {:>8} {:>8} {:>10} {:>8}",
        field("50%", 1),
        field("99%", 1),
        field("Requests/sec:", 1),
        if non_2xx == "-" { "0".to_owned() } else { non_2xx }
    );
}

fn main() {
    let runtime =
        rocket::tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(async {
        let now: DateTime<Utc> = "2027-03-31T03:00:00Z".parse().unwrap();
        let options = common::Options {
            fake_now: Some(now),
            extra: vec![("port", json!(PORT)), ("address", json!("127.0.0.1"))],
            ..Default::default()
        };
        let (config, _db) = common::fresh_config(&options).await;
        let portal = flexportal::open(config.clone()).await.unwrap();
        println!("database: {:?}", portal.db.backend());
        let client = Client::untracked(flexportal::rocket(portal)).await.unwrap();
        let today = now.with_timezone(&chrono_tz::Asia::Tokyo).date_naive();
        let (token, customer, link) = fixture(&client, today).await;
        settle(client.rocket().state::<flexportal::domain::Portal>().unwrap()).await;
        let year = format!("from={}&to={today}", today - chrono::Duration::days(DAYS - 1));
        let usage = format!("/api/v1/customers/{customer}/usage");
        let endpoints = [
            ("API, 365 days by day", format!("{usage}?{year}&group_by=day")),
            ("API, 365 days by API", format!("{usage}?{year}&group_by=api")),
            ("API, 365 days by developer", format!("{usage}?{year}&group_by=developer")),
            ("API, default 30 days", usage.clone()),
            ("page, 365 days (4 charts, tables)", format!("/app/customers/{customer}/usage?{year}&lang=ja")),
            ("page, default 30 days", format!("/app/customers/{customer}/usage?lang=en")),
            ("CSV export, 365 days by day", format!("{usage}/export.csv?{year}")),
            ("purchaser's balance page (30 days)", format!("{link}?lang=ja")),
        ];
        println!("\nin process, one request at a time, {REQUESTS} requests each (ms)");
        println!("{:<44} {:>8} {:>8} {:>8} {:>9}", "endpoint", "p50", "p99", "max", "bytes");
        for (name, path) in &endpoints {
            in_process(&client, name, path, &token).await;
        }
        drop(client);
        if Command::new("wrk").arg("--version").output().is_err() {
            println!("\nwrk is not installed: no HTTP run");
            return;
        }
        // The same database, served over TCP by a second portal.
        let portal = flexportal::open(config).await.unwrap();
        let server = flexportal::rocket(portal).ignite().await.unwrap();
        let shutdown = server.shutdown();
        let running = rocket::tokio::spawn(server.launch());
        rocket::tokio::time::sleep(Duration::from_millis(500)).await;
        println!("\nover HTTP, wrk -t1 -c2 -d5s (light load)");
        println!("{:<44} {:>8} {:>8} {:>10} {:>8}", "endpoint", "p50", "p99", "req/s", "non-2xx");
        for (name, path) in &endpoints {
            let (name, path, token) = (name.to_string(), path.clone(), token.clone());
            rocket::tokio::task::spawn_blocking(move || over_http(&name, &path, &token)).await.unwrap();
        }
        shutdown.notify();
        let _ = running.await;
    });
}
