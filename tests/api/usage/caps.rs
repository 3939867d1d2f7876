//! A developer over their monthly cap: the usage is applied and flagged, and the reseller is mailed
//! once per developer and month.

use rocket::http::Status;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use super::{assign, at, developer, event, pack, send};
use crate::common::{Options, reconcile};
use crate::helpers::spawn_app_with;
use crate::quotes::{customer, reseller};
use flexportal::storage::entities::outbox_message;

const NOW: &str = "2027-02-20T12:00:00+09:00";

async fn cap_mails(app: &crate::helpers::TestApp) -> Vec<outbox_message::Model> {
    outbox_message::Entity::find()
        .filter(outbox_message::Column::Kind.eq("usage.cap_exceeded"))
        .all(app.portal().db.conn())
        .await
        .unwrap()
}

#[rocket::async_test]
async fn usage_over_the_monthly_cap_is_applied_flagged_and_warned_once_per_developer_and_month() {
    let app = spawn_app_with(Options { fake_now: Some(at(NOW)), ..Default::default() }).await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let capped = "capped@customer.example";
    let until = at(NOW) + chrono::Duration::days(7);
    assign(&app, &seller, &cust, capped, "active", until, Some(25)).await;
    developer(&app, &seller, &cust, "free@customer.example").await;
    pack(&app, &seller, &cust, 500, "2026-06-01T10:00:00+09:00", "2027-06-01T15:00:00Z").await;

    // January (Tokyo time; the last event is 31 January 23:30 in Tokyo, still January there).
    let january = vec![
        event("j-1", "2027-01-05T10:00:00+09:00", capped, "20"),
        event("j-2", "2027-01-31T14:30:00Z", capped, "5"),
        event("j-3", "2027-01-20T10:00:00+09:00", "free@customer.example", "400"),
    ];
    let (status, body) = send(&app, &seller, &cust, january).await;
    assert_eq!(status, Status::Ok, "{body}");
    let flags: Vec<bool> =
        body["results"].as_array().unwrap().iter().map(|r| r["over_cap"].as_bool().unwrap()).collect();
    assert_eq!(flags, [false, false, false], "exactly at the cap is not over it");
    assert!(cap_mails(&app).await.is_empty());

    // February: over within one batch and again in the next; one mail for the month.
    let (_, body) = send(
        &app,
        &seller,
        &cust,
        vec![
            event("f-1", "2027-02-01T09:00:00+09:00", capped, "20"),
            event("f-2", "2027-02-02T09:00:00+09:00", capped, "10"),
        ],
    )
    .await;
    assert_eq!(body["results"][0]["over_cap"], false);
    assert_eq!(
        (body["results"][1]["over_cap"].as_bool(), body["results"][1]["result"].as_str()),
        (Some(true), Some("applied"))
    );
    let (_, body) =
        send(&app, &seller, &cust, vec![event("f-3", "2027-02-03T09:00:00+09:00", capped, "1")]).await;
    assert_eq!(body["results"][0]["over_cap"], true);
    let mails = cap_mails(&app).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to_address, "sales@exmp.example");
    assert!(
        mails[0].body_text.contains(capped) && mails[0].body_text.contains("2027-02"),
        "{}",
        mails[0].body_text
    );
    // January again, late: over January's cap now → January's mail.
    let (_, body) =
        send(&app, &seller, &cust, vec![event("j-4", "2027-01-25T09:00:00+09:00", capped, "0.001")]).await;
    assert_eq!(body["results"][0]["over_cap"], true);
    assert_eq!(cap_mails(&app).await.len(), 2);
    let warnings = flexportal::storage::entities::usage_cap_warning::Entity::find()
        .count(app.portal().db.conn())
        .await
        .unwrap();
    assert_eq!(warnings, 2);
    reconcile(app.portal()).await;
}
