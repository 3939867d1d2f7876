//! The demo data a newcomer starts with holds orders in each state, made through the use cases, and
//! reconciles.

use flexportal::domain::actor::{Actor, Role};
use flexportal::domain::balance::{customer_balance, reconcile_all};
use flexportal::domain::documents::DocumentKind;
use flexportal::domain::orders::{OrderFilter, OrderStatus, get_order, list_orders};
use flexportal::domain::paging::PageRequest;
use flexportal::domain::partners::demo::SHOWCASE_SLUG;
use flexportal::domain::tokens::TokenAmount;

use crate::common::{Options, fresh_portal};

#[rocket::async_test]
async fn the_demo_data_has_orders_in_every_state_and_reconciles() {
    let options = Options { extra: vec![("demo_data", serde_json::json!(true))], ..Options::default() };
    let (portal, _db) = fresh_portal(&options).await;
    flexportal::seed_demo(&portal).await.unwrap();
    let report = reconcile_all(&portal).await.unwrap();
    assert!(report.is_ok(), "{report}");

    let showcase =
        flexportal::storage::partners::find_by_slug(portal.db.conn(), SHOWCASE_SLUG).await.unwrap().unwrap();
    let staff = Actor {
        user_id: uuid::Uuid::new_v4(),
        email: "reader@demo-tokyo.example".into(),
        display_name: "Reader".into(),
        role: Role::PartnerSales,
        partner_id: Some(showcase.id),
        session_id: uuid::Uuid::new_v4(),
    };
    let filter = OrderFilter { page: PageRequest::new(1, 100), ..OrderFilter::default() };
    let all = list_orders(&portal, &staff, filter).await.unwrap();
    let mut views = Vec::new();
    for summary in &all.items {
        views.push(get_order(&portal, &staff, summary.id).await.unwrap());
    }
    let has = |kind: DocumentKind, view: &flexportal::domain::orders::OrderView| {
        view.documents.iter().any(|d| d.kind == kind)
    };
    assert!(
        views.iter().any(|v| v.status == OrderStatus::Placed && v.payments.is_empty()),
        "placed and unpaid"
    );
    assert!(
        views.iter().any(|v| v.status == OrderStatus::Placed && has(DocumentKind::Receipt, v)),
        "paid, waiting for fulfilment"
    );
    assert!(
        views.iter().any(|v| v.status == OrderStatus::Fulfilled && v.pack.is_some()),
        "fulfilled with its pack"
    );
    assert!(
        views.iter().any(|v| v.status == OrderStatus::Cancelled && has(DocumentKind::CreditNote, v)),
        "cancelled with its credit note"
    );
    let mut expiring = TokenAmount::ZERO;
    for customer in views.iter().map(|v| v.customer.id).collect::<std::collections::BTreeSet<_>>() {
        let balance = customer_balance(&portal, &staff, customer).await.unwrap();
        expiring = expiring.checked_add(balance.expiring_90_days).unwrap();
    }
    assert!(expiring.is_positive(), "a pack expires within 90 days");
    let (_, accepted) =
        flexportal::domain::quotes::list_quotes(&portal, &staff, Some("accepted"), None, 1, 10)
            .await
            .unwrap();
    assert_eq!(accepted, 1, "one accepted quote waits for its order");
}

#[rocket::async_test]
async fn demo_usage_is_applied_through_ingestion_once_with_a_weekday_rhythm_and_reconciles() {
    // An afternoon in UTC, when a working day in Tokyo has already ended: the rhythm must follow
    // the customer's calendar whatever the hour the demo is made.
    let at =
        chrono::DateTime::parse_from_rfc3339("2026-12-02T15:00:00Z").unwrap().with_timezone(&chrono::Utc);
    let options = Options {
        extra: vec![("demo_data", serde_json::json!(true))],
        fake_now: Some(at),
        ..Options::default()
    };
    let (portal, _db) = fresh_portal(&options).await;
    flexportal::seed_demo(&portal).await.unwrap();
    let mut last = 0;
    let applied = flexportal::domain::demo_usage::seed_showcase_usage(&portal, 2_500, 7, |done| last = done)
        .await
        .unwrap();
    assert_eq!((applied, last), (2_500, 2_500), "every generated event is valid and applied");
    let again = flexportal::domain::demo_usage::seed_showcase_usage(&portal, 2_500, 7, |_| ()).await.unwrap();
    assert_eq!(again, 0, "the same seed again finds every event a duplicate");
    let report = reconcile_all(&portal).await.unwrap();
    assert!(report.is_ok(), "{report}");

    use flexportal::storage::entities::{usage_daily, usage_event};
    use sea_orm::{EntityTrait, PaginatorTrait};
    let events = usage_event::Entity::find().all(portal.db.conn()).await.unwrap();
    assert_eq!(events.len(), 2_500 + 600, "the first start's 600 events and these");
    let weekend = events
        .iter()
        .filter(|e| {
            let day = e.occurred_at.with_timezone(&chrono_tz::Asia::Tokyo).date_naive();
            matches!(chrono::Datelike::weekday(&day), chrono::Weekday::Sat | chrono::Weekday::Sun)
        })
        .count();
    assert!(weekend * 8 < events.len(), "weekends are quiet: {weekend} of {}", events.len());
    assert!(usage_daily::Entity::find().count(portal.db.conn()).await.unwrap() > 50, "daily roll-ups kept");
}
