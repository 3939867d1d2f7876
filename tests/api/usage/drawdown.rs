//! Drawdown in Autodesk's order, the deficit beyond the balance, and what the ledger, the balance
//! and reconciliation say about it.

use rocket::http::Status;

use super::{at, developer, event, outcomes, pack, remaining, send};
use crate::common::{Options, reconcile};
use crate::helpers::spawn_app_with;
use crate::orders::{balance, ledger};
use crate::quotes::{customer, reseller};

const DEV: &str = "dev@customer.example";

#[rocket::async_test]
async fn consuming_120_takes_50_from_b_and_70_from_a_then_half_a_token_more_from_a() {
    let app =
        spawn_app_with(Options { fake_now: Some(at("2027-01-10T12:00:00+09:00")), ..Default::default() })
            .await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    developer(&app, &seller, &cust, DEV).await;
    let a = pack(&app, &seller, &cust, 100, "2026-06-01T10:00:00+09:00", "2027-06-01T15:00:00Z").await;
    let b = pack(&app, &seller, &cust, 50, "2026-06-01T11:00:00+09:00", "2027-06-01T15:00:00Z").await;
    let c = pack(&app, &seller, &cust, 500, "2026-09-01T10:00:00+09:00", "2027-09-01T15:00:00Z").await;

    let (status, body) =
        send(&app, &seller, &cust, vec![event("u-1", "2027-01-10T09:00:00+09:00", DEV, "120")]).await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(outcomes(&body), ["applied"]);
    assert_eq!(
        (body["applied"].as_u64(), body["duplicate"].as_u64(), body["rejected"].as_u64()),
        (Some(1), Some(0), Some(0))
    );
    assert_eq!(
        (body["results"][0]["charged"].as_str(), body["results"][0]["uncharged"].as_str()),
        (Some("120"), Some("0"))
    );
    let shown = balance(&app, &seller, &cust).await;
    assert_eq!(
        (remaining(&shown, a), remaining(&shown, b), remaining(&shown, c)),
        ("30".into(), "0".into(), "500".into())
    );

    let (status, body) = send(
        &app,
        &seller,
        &cust,
        vec![event("u-2", "2027-01-10T10:00:00+09:00", "DEV@Customer.Example ", "0.5")],
    )
    .await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(outcomes(&body), ["applied"], "the Autodesk ID is matched without case or blanks");
    let shown = balance(&app, &seller, &cust).await;
    assert_eq!(
        (remaining(&shown, a), remaining(&shown, b), remaining(&shown, c)),
        ("29.5".into(), "0".into(), "500".into())
    );
    assert_eq!(shown["available"], "529.5");
    assert_eq!((shown["deficit"].as_str(), shown["status"].as_str()), (Some("0"), Some("active")));
    assert_eq!(shown["used_12_months"], "120.5");

    let entries = ledger(&app, &seller, &cust).await;
    let usage: Vec<(String, String, String)> = entries
        .iter()
        .filter(|e| e["kind"] == "consumption")
        .map(|e| {
            (
                e["pack_id"].as_str().unwrap().to_owned(),
                e["tokens"].as_str().unwrap().to_owned(),
                e["reference"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(usage.len(), 3, "{entries:?}");
    assert_eq!((usage[0].0.as_str(), usage[0].1.as_str()), (a.to_string().as_str(), "-0.5"), "newest first");
    let first: Vec<_> = usage[1..].iter().map(|(p, t, _)| (p.clone(), t.clone())).collect();
    assert!(
        first.contains(&(b.to_string(), "-50".into())) && first.contains(&(a.to_string(), "-70".into())),
        "{first:?}"
    );
    assert!(usage.iter().all(|u| u.2.starts_with("usage:")));
    assert_eq!(usage[1].2, usage[2].2, "one batch, one reference");
    reconcile(app.portal()).await;
}

#[rocket::async_test]
async fn usage_beyond_the_balance_is_applied_and_becomes_deficit_in_grace() {
    let app =
        spawn_app_with(Options { fake_now: Some(at("2027-01-10T12:00:00+09:00")), ..Default::default() })
            .await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    developer(&app, &seller, &cust, DEV).await;
    let a = pack(&app, &seller, &cust, 100, "2026-06-01T10:00:00+09:00", "2027-06-01T15:00:00Z").await;
    let events = vec![
        event("u-1", "2027-01-10T09:00:00+09:00", DEV, "80"),
        event("u-2", "2027-01-10T09:10:00+09:00", DEV, "30.25"),
        event("u-3", "2027-01-10T09:20:00+09:00", DEV, "5"),
    ];
    let (status, body) = send(&app, &seller, &cust, events).await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(outcomes(&body), ["applied", "applied", "applied"]);
    let parts: Vec<(&str, &str)> = body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["charged"].as_str().unwrap(), r["uncharged"].as_str().unwrap()))
        .collect();
    assert_eq!(parts, [("80", "0"), ("20", "10.25"), ("0", "5")]);
    let shown = balance(&app, &seller, &cust).await;
    assert_eq!(remaining(&shown, a), "0");
    assert_eq!((shown["available"].as_str(), shown["deficit"].as_str()), (Some("0"), Some("15.25")));
    assert_eq!(shown["status"], "grace");
    let entries = ledger(&app, &seller, &cust).await;
    let kinds: Vec<(&str, &str)> =
        entries.iter().map(|e| (e["kind"].as_str().unwrap(), e["tokens"].as_str().unwrap())).collect();
    assert_eq!(&kinds[..2], &[("deficit", "-15.25"), ("consumption", "-100")]);
    reconcile(app.portal()).await;
}

/// A customer with a pack of 100 whose developer used 12.5 tokens on 2027-01-10; the books agree.
async fn one_event_applied() -> (crate::helpers::TestApp, String) {
    let app =
        spawn_app_with(Options { fake_now: Some(at("2027-01-10T12:00:00+09:00")), ..Default::default() })
            .await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    developer(&app, &seller, &cust, DEV).await;
    pack(&app, &seller, &cust, 100, "2026-06-01T10:00:00+09:00", "2027-06-01T15:00:00Z").await;
    let (status, _) =
        send(&app, &seller, &cust, vec![event("u-1", "2027-01-10T09:00:00+09:00", DEV, "12.5")]).await;
    assert_eq!(status, Status::Ok);
    reconcile(app.portal()).await;
    (app, cust)
}

#[rocket::async_test]
async fn reconciliation_fails_on_a_daily_roll_up_changed_behind_the_events_back_and_names_it() {
    use sea_orm::ConnectionTrait;
    let (app, cust) = one_event_applied().await;
    app.portal().db.conn().execute_unprepared("UPDATE usage_daily SET tokens = tokens + 1").await.unwrap();
    let report = flexportal::domain::balance::reconcile_all(app.portal()).await.unwrap();
    let problem = report.first_broken.expect("a discrepancy");
    assert!(problem.contains(&cust) && problem.contains("daily usage of dev@customer.example"), "{problem}");
    assert!(problem.contains("12501") && problem.contains("12500"), "{problem}");
}

#[rocket::async_test]
async fn reconciliation_fails_on_a_coarser_roll_up_that_disagrees_with_the_daily_one_and_names_it() {
    use sea_orm::ConnectionTrait;
    let (app, cust) = one_event_applied().await;
    let db = app.portal().db.conn();
    // Each change, what the report must name, and how to put it back for the next.
    let broken = [
        (
            "UPDATE usage_rollups SET events = events + 1 WHERE dimension = 'developer' AND grain = 'month'",
            "developer usage by month",
            "UPDATE usage_rollups SET events = events - 1 WHERE dimension = 'developer' AND grain = 'month'",
        ),
        (
            "UPDATE usage_rollups SET period = '2027-01-11' WHERE dimension = 'total'",
            "usage on 2027-01-1",
            "UPDATE usage_rollups SET period = '2027-01-10' WHERE dimension = 'total'",
        ),
        ("DELETE FROM usage_rollups WHERE dimension = 'api' AND grain = 'day'", "api usage by day", ""),
    ];
    for (sql, named, undo) in broken {
        db.execute_unprepared(sql).await.unwrap();
        let report = flexportal::domain::balance::reconcile_all(app.portal()).await.unwrap();
        let problem = report.first_broken.expect("a discrepancy");
        assert!(problem.contains(&cust) && problem.contains(named), "{sql}: {problem}");
        if !undo.is_empty() {
            db.execute_unprepared(undo).await.unwrap();
            reconcile(app.portal()).await;
        }
    }
}
