//! Concurrent usage against one balance: with a deficit allowed every event is applied and the
//! deficit is exactly the excess; with a rule set that forbids a deficit exactly as many events as
//! the balance covers are applied (security.md rule 22). Then grace, suspension and the purchase
//! that settles it.

use chrono::Duration;
use futures::future::join_all;
use rocket::http::{ContentType, Status};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{at, developer, event, pack};
use crate::common::{Options, reconcile};
use crate::helpers::{TestApp, bearer, spawn_app_with};
use crate::orders::{accepted_quote, balance, fulfil, id_of, place, signed_in_again};
use crate::quotes::{Reseller, customer, reseller};
use flexportal::storage::entities::{account_rule, audit_entry};

const DEV: &str = "dev@customer.example";
const NOW: &str = "2027-01-10T12:00:00+09:00";

/// `n` single-event requests of 10 tokens each, all at once; returns each answer's `result`.
async fn concurrent_events(app: &TestApp, seller: &Reseller, cust: &str, n: usize) -> Vec<String> {
    let path = format!("/api/v1/customers/{cust}/usage");
    let requests = (0..n).map(|i| {
        let body = json!({"events": [event(&format!("c-{i}"), "2027-01-10T09:00:00+09:00", DEV, "10")]});
        let request = app.client.post(path.clone()).header(bearer(&seller.token)).header(ContentType::JSON);
        async move {
            let response = request.body(body.to_string()).dispatch().await;
            assert_eq!(response.status(), Status::Ok);
            let body: Value = response.into_json().await.unwrap();
            body["results"][0]["result"].as_str().unwrap().to_owned()
        }
    });
    join_all(requests).await
}

#[rocket::async_test]
async fn sixty_concurrent_events_beyond_the_balance_all_apply_and_the_deficit_is_the_excess_until_a_purchase_settles_it()
 {
    let app = spawn_app_with(Options { fake_now: Some(at(NOW)), ..Default::default() }).await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    developer(&app, &seller, &cust, DEV).await;
    pack(&app, &seller, &cust, 150, "2026-06-01T10:00:00+09:00", "2027-06-01T15:00:00Z").await;
    pack(&app, &seller, &cust, 100, "2026-07-01T10:00:00+09:00", "2027-07-01T15:00:00Z").await;

    let results = concurrent_events(&app, &seller, &cust, 60).await;
    assert!(results.iter().all(|r| r == "applied"), "{results:?}");
    let shown = balance(&app, &seller, &cust).await;
    assert_eq!((shown["available"].as_str(), shown["deficit"].as_str()), (Some("0"), Some("350")));
    assert_eq!(shown["used_12_months"], "600", "what came from packs and what became deficit");
    assert_eq!(shown["status"], "grace");
    reconcile(app.portal()).await;

    // Thirteen days later: still grace; the sweep suspends nobody.
    app.portal().clock.set(at(NOW) + Duration::days(13));
    let report = flexportal::domain::balance::sweep(app.portal()).await.unwrap();
    assert_eq!(report.suspended_accounts, 0);
    let seller = signed_in_again(&app, seller).await;
    assert_eq!(balance(&app, &seller, &cust).await["status"], "grace");
    // Past the 14 days' grace: the sweep marks the account suspended, once.
    app.portal().clock.set(at(NOW) + Duration::days(14) + Duration::minutes(1));
    let report = flexportal::domain::balance::sweep(app.portal()).await.unwrap();
    assert_eq!(report.suspended_accounts, 1);
    assert_eq!(flexportal::domain::balance::sweep(app.portal()).await.unwrap().suspended_accounts, 0);
    let account = flexportal::storage::tokens::find_account(app.portal().db.conn(), cust.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(account.suspended_at, Some(at(NOW) + Duration::days(14) + Duration::minutes(1)));
    let audited = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("account.suspended"))
        .all(app.portal().db.conn())
        .await
        .unwrap();
    assert_eq!(audited.len(), 1, "one audit entry for one suspension, however often the sweep runs");
    assert_eq!(audited[0].subject_id.as_deref(), Some(cust.as_str()));
    assert_eq!(audited[0].partner_id, Some(seller.partner_id), "the reseller's admins see it too");
    let detail: Value = serde_json::from_str(&audited[0].detail).unwrap();
    assert_eq!((&detail["deficit"], &detail["grace_days"]), (&json!("350"), &json!(14)), "{detail}");
    let seller = signed_in_again(&app, seller).await;
    assert_eq!(balance(&app, &seller, &cust).await["status"], "suspended");

    // A purchase of the deficit + 100 settles it.
    let quote = accepted_quote(&app, &seller, &cust, 450).await;
    let (status, order) = place(&app, &seller, &quote, "invoice").await;
    assert_eq!(status, Status::Created, "{order}");
    assert_eq!(balance(&app, &seller, &cust).await["status"], "suspended", "a pending pack settles nothing");
    let (status, _) = fulfil(&app, &seller, &id_of(&order)).await;
    assert_eq!(status, Status::Ok);
    let shown = balance(&app, &seller, &cust).await;
    assert_eq!((shown["available"].as_str(), shown["deficit"].as_str()), (Some("100"), Some("0")));
    assert_eq!(shown["status"], "active");
    let account = flexportal::storage::tokens::find_account(app.portal().db.conn(), cust.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((account.suspended_at, account.deficit_since), (None, None));
    reconcile(app.portal()).await;
}

#[rocket::async_test]
async fn fifty_concurrent_drawdowns_of_10_against_100_with_no_deficit_allowed_apply_exactly_10() {
    let app = spawn_app_with(Options { fake_now: Some(at(NOW)), ..Default::default() }).await;
    account_rule::ActiveModel {
        id: Set(Uuid::new_v4()),
        effective_from: Set(at("2026-04-01T00:00:00Z").date_naive()),
        trial_days: Set(0),
        grace_days: Set(0),
        deficit_allowed: Set(false),
        note: Set(Some("no uncharged usage".into())),
        created_by: Set(None),
        created_at: Set(at(NOW)),
    }
    .insert(app.portal().db.conn())
    .await
    .unwrap();
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    developer(&app, &seller, &cust, DEV).await;
    pack(&app, &seller, &cust, 100, "2026-06-01T10:00:00+09:00", "2027-06-01T15:00:00Z").await;

    let results = concurrent_events(&app, &seller, &cust, 50).await;
    assert_eq!(results.iter().filter(|r| *r == "applied").count(), 10, "{results:?}");
    assert_eq!(results.iter().filter(|r| *r == "rejected").count(), 40, "{results:?}");
    let shown = balance(&app, &seller, &cust).await;
    assert_eq!((shown["available"].as_str(), shown["deficit"].as_str()), (Some("0"), Some("0")));
    assert_eq!(shown["status"], "active");
    reconcile(app.portal()).await;
}
