//! Developers' Autodesk IDs assigned to a customer (issue 11): adding (normalised, one live
//! assignment per Autodesk ID), listing, changing the name and cap, revoking and re-sending through
//! the API; another partner's customer is out of reach and the operator may only read. The
//! invitation the developer accepts and the workspace page have their own files.

mod invitations;
mod pages;

use rocket::http::Status;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};
use crate::quotes::{Reseller, call, customer, reseller};

pub fn assignments_of(customer: &str) -> String {
    format!("/api/v1/customers/{customer}/assignments")
}

/// The path of one assignment (as the API answered it) of `customer`.
pub fn assignment_path(customer: &str, assignment: &Value) -> String {
    format!("{}/{}", assignments_of(customer), assignment["id"].as_str().unwrap())
}

/// The assignment as the reseller reads it now.
pub async fn current(app: &TestApp, seller: &Reseller, customer: &str, assignment: &Value) -> Value {
    let (status, body) =
        call(app, "GET", &assignment_path(customer, assignment), &seller.token, json!(null)).await;
    assert_eq!(status, Status::Ok, "{body}");
    body
}

/// Adds `autodesk_id` to the customer; returns the new assignment.
pub async fn assign(app: &TestApp, seller: &Reseller, customer: &str, body: Value) -> Value {
    let (status, body) = call(app, "POST", &assignments_of(customer), &seller.token, body).await;
    assert_eq!(status, Status::Created, "{body}");
    body
}

/// The audit actions recorded for one assignment, oldest first.
pub async fn audit_actions(app: &TestApp, assignment: &str) -> Vec<String> {
    let conn = app.portal().db.conn();
    let rows = conn
        .query_all_raw(Statement::from_sql_and_values(
            conn.get_database_backend(),
            match conn.get_database_backend() {
                sea_orm::DbBackend::Postgres => {
                    "SELECT action FROM audit_log WHERE subject_id = $1 ORDER BY at, action"
                }
                _ => "SELECT action FROM audit_log WHERE subject_id = ? ORDER BY at, action",
            },
            [assignment.into()],
        ))
        .await
        .unwrap();
    rows.iter().map(|r| r.try_get::<String>("", "action").unwrap()).collect()
}

#[rocket::async_test]
async fn a_reseller_adds_a_developer_who_is_invited_for_seven_days() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let now = app.portal().clock.now();
    let body = assign(
        &app,
        &seller,
        &cust,
        json!({"autodesk_id": "  Hanako.Dev@Example.COM ", "name": "山田 花子", "token_cap": 500}),
    )
    .await;
    assert_eq!(body["autodesk_id"], "hanako.dev@example.com", "trimmed and lower-cased");
    assert_eq!(body["name"], "山田 花子");
    assert_eq!(body["token_cap"], "500", "a decimal string in responses");
    assert_eq!(body["status"], "invited");
    assert_eq!(body["accepted_at"], Value::Null);
    assert_eq!(body["revoked_at"], Value::Null);
    let until = chrono::DateTime::parse_from_rfc3339(body["invite_expires_at"].as_str().unwrap()).unwrap();
    assert_eq!((until.with_timezone(&chrono::Utc) - now).num_days(), 7);

    let id = body["id"].as_str().unwrap();
    let (status, one) =
        call(&app, "GET", &format!("{}/{id}", assignments_of(&cust)), &seller.token, json!(null)).await;
    assert_eq!((status, &one), (Status::Ok, &body));
    let (status, list) = call(&app, "GET", &assignments_of(&cust), &seller.token, json!(null)).await;
    assert_eq!(status, Status::Ok);
    assert_eq!(
        (list["total"].as_u64(), list["page"].as_u64(), list["per_page"].as_u64()),
        (Some(1), Some(1), Some(20))
    );
    assert_eq!(list["items"][0], body);
    assert_eq!(audit_actions(&app, id).await, ["assignment.created"]);
}

#[rocket::async_test]
async fn the_list_is_paginated_with_live_assignments_first() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let first = assign(&app, &seller, &cust, json!({"autodesk_id": "first@example.com"})).await;
    for n in 0..3 {
        assign(&app, &seller, &cust, json!({"autodesk_id": format!("dev{n}@example.com")})).await;
    }
    let path = assignment_path(&cust, &first);
    assert_eq!(call(&app, "DELETE", &path, &seller.token, json!(null)).await.0, Status::Ok);
    let (_, page1) =
        call(&app, "GET", &format!("{}?per_page=3", assignments_of(&cust)), &seller.token, json!(null)).await;
    let (_, page2) = call(
        &app,
        "GET",
        &format!("{}?per_page=3&page=2", assignments_of(&cust)),
        &seller.token,
        json!(null),
    )
    .await;
    assert_eq!(page1["total"], 4);
    assert_eq!(page1["items"].as_array().unwrap().len(), 3);
    assert!(page1["items"].as_array().unwrap().iter().all(|a| a["status"] == "invited"));
    assert_eq!(page2["items"].as_array().unwrap().len(), 1);
    assert_eq!(page2["items"][0]["autodesk_id"], "first@example.com", "the revoked one comes last");
}

#[rocket::async_test]
async fn one_live_assignment_per_autodesk_id_and_customer_and_re_adding_after_revoking_works() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let other = customer(&app, &seller, "JP").await;
    let first = assign(&app, &seller, &cust, json!({"autodesk_id": "dev@example.com"})).await;

    let (status, problem) =
        call(&app, "POST", &assignments_of(&cust), &seller.token, json!({"autodesk_id": " DEV@example.com"}))
            .await;
    assert_eq!(status, Status::Conflict, "{problem}");
    assert!(problem["detail"].as_str().unwrap().contains("dev@example.com"), "{problem}");
    // The same developer may work for another customer.
    assign(&app, &seller, &other, json!({"autodesk_id": "dev@example.com"})).await;

    let path = assignment_path(&cust, &first);
    let (status, revoked) = call(&app, "DELETE", &path, &seller.token, json!(null)).await;
    assert_eq!(status, Status::Ok);
    assert_eq!(revoked["status"], "revoked");
    assert!(revoked["revoked_at"].is_string());
    let again = assign(&app, &seller, &cust, json!({"autodesk_id": "dev@example.com"})).await;
    assert_ne!(again["id"], first["id"], "a new assignment");
    assert_eq!(again["status"], "invited");
    let (_, list) = call(&app, "GET", &assignments_of(&cust), &seller.token, json!(null)).await;
    assert_eq!(list["total"], 2);
}

#[rocket::async_test]
async fn concurrent_adds_of_the_same_developer_leave_one_assignment() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let path = assignments_of(&cust);
    let attempts =
        (0..6).map(|_| call(&app, "POST", &path, &seller.token, json!({"autodesk_id": "race@example.com"})));
    let statuses: Vec<Status> =
        futures::future::join_all(attempts).await.into_iter().map(|(s, _)| s).collect();
    assert_eq!(statuses.iter().filter(|s| **s == Status::Created).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| matches!(*s, Status::Created | Status::Conflict)), "{statuses:?}");
    let (_, list) = call(&app, "GET", &path, &seller.token, json!(null)).await;
    assert_eq!(list["total"], 1);
}

#[rocket::async_test]
async fn the_name_and_cap_change_and_null_clears_them() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let body = assign(
        &app,
        &seller,
        &cust,
        json!({"autodesk_id": "dev@example.com", "name": "Dev", "token_cap": 10}),
    )
    .await;
    let path = assignment_path(&cust, &body);

    let (status, changed) = call(&app, "PATCH", &path, &seller.token, json!({"token_cap": 1200})).await;
    assert_eq!(status, Status::Ok, "{changed}");
    assert_eq!((changed["name"].as_str(), changed["token_cap"].as_str()), (Some("Dev"), Some("1200")));
    let (_, changed) = call(&app, "PATCH", &path, &seller.token, json!({"name": "開発 一郎"})).await;
    assert_eq!((changed["name"].as_str(), changed["token_cap"].as_str()), (Some("開発 一郎"), Some("1200")));
    let (_, cleared) =
        call(&app, "PATCH", &path, &seller.token, json!({"name": null, "token_cap": null})).await;
    assert_eq!((&cleared["name"], &cleared["token_cap"]), (&Value::Null, &Value::Null));
    let id = body["id"].as_str().unwrap();
    assert_eq!(
        audit_actions(&app, id).await,
        ["assignment.created", "assignment.updated", "assignment.updated", "assignment.updated"]
    );

    call(&app, "DELETE", &path, &seller.token, json!(null)).await;
    let (status, _) = call(&app, "PATCH", &path, &seller.token, json!({"token_cap": 5})).await;
    assert_eq!(status, Status::Conflict, "a revoked assignment is final");
}

#[rocket::async_test]
async fn bad_input_names_the_field_and_changes_nothing() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let cases = [
        (json!({"autodesk_id": ""}), "autodesk_id", "required"),
        (json!({"autodesk_id": "not an e-mail"}), "autodesk_id", "invalid_autodesk_id"),
        (json!({"autodesk_id": "a@b@example.com"}), "autodesk_id", "invalid_autodesk_id"),
        (json!({"autodesk_id": format!("{}@example.com", "a".repeat(250))}), "autodesk_id", "too_long"),
        (json!({"autodesk_id": "dev@example.com", "token_cap": 0}), "token_cap", "too_small"),
        (json!({"autodesk_id": "dev@example.com", "token_cap": -3}), "token_cap", "too_small"),
        (json!({"autodesk_id": "dev@example.com", "token_cap": 2.5}), "token_cap", "not_a_whole_number"),
        (json!({"autodesk_id": "dev@example.com", "token_cap": "500"}), "token_cap", "not_a_whole_number"),
        (json!({"autodesk_id": "dev@example.com", "token_cap": 5_000_000_000_u64}), "token_cap", "too_large"),
        (json!({"autodesk_id": "dev@example.com", "name": "x".repeat(201)}), "name", "too_long"),
        (json!({"autodesk_id": "dev@example.com", "name": "a\u{202E}b"}), "name", "invalid_characters"),
    ];
    for (body, field, code) in cases {
        let (status, problem) = call(&app, "POST", &assignments_of(&cust), &seller.token, body.clone()).await;
        assert_eq!(status, Status::UnprocessableEntity, "{body}");
        assert_eq!(
            (problem["errors"][0]["field"].as_str(), problem["errors"][0]["code"].as_str()),
            (Some(field), Some(code)),
            "{body}: {problem}"
        );
    }
    let (status, problem) = call(
        &app,
        "POST",
        &assignments_of(&cust),
        &seller.token,
        json!({"autodesk_id": "d@example.com", "role": "x"}),
    )
    .await;
    assert_eq!(
        (status, problem["errors"][0]["field"].as_str()),
        (Status::UnprocessableEntity, Some("role")),
        "unknown fields are refused"
    );
    let (status, _) = call(&app, "POST", &assignments_of(&cust), &seller.token, json!("nonsense")).await;
    assert_eq!(status, Status::UnprocessableEntity);
    let (_, list) = call(&app, "GET", &assignments_of(&cust), &seller.token, json!(null)).await;
    assert_eq!(list["total"], 0, "nothing was added");

    let body = assign(&app, &seller, &cust, json!({"autodesk_id": "dev@example.com", "token_cap": 7})).await;
    let path = assignment_path(&cust, &body);
    let (status, problem) = call(&app, "PATCH", &path, &seller.token, json!({"token_cap": 0})).await;
    assert_eq!(
        (status, problem["errors"][0]["field"].as_str()),
        (Status::UnprocessableEntity, Some("token_cap"))
    );
    let (status, problem) =
        call(&app, "PATCH", &path, &seller.token, json!({"autodesk_id": "other@example.com"})).await;
    assert_eq!(
        (status, problem["errors"][0]["field"].as_str()),
        (Status::UnprocessableEntity, Some("autodesk_id")),
        "the Autodesk ID is not changed, only revoked"
    );
    let (_, still) = call(&app, "GET", &path, &seller.token, json!(null)).await;
    assert_eq!(
        (still["autodesk_id"].as_str(), still["token_cap"].as_str()),
        (Some("dev@example.com"), Some("7"))
    );
}

#[rocket::async_test]
async fn another_partners_customer_and_assignments_are_not_found_and_nothing_changes() {
    let app = spawn_app().await;
    let a = reseller(&app, "alpha").await;
    let b = reseller(&app, "bravo").await;
    let cust = customer(&app, &a, "JP").await;
    let body = assign(&app, &a, &cust, json!({"autodesk_id": "dev@example.com", "token_cap": 9})).await;
    let one = assignment_path(&cust, &body);
    let b_cust = customer(&app, &b, "JP").await;
    let attempts = [
        ("GET", assignments_of(&cust), json!(null)),
        ("POST", assignments_of(&cust), json!({"autodesk_id": "thief@example.com"})),
        ("GET", one.clone(), json!(null)),
        ("PATCH", one.clone(), json!({"token_cap": 1})),
        ("DELETE", one.clone(), json!(null)),
        ("POST", format!("{one}/resend"), json!(null)),
        // A's assignment through B's own customer is not there either.
        ("GET", assignment_path(&b_cust, &body), json!(null)),
        ("DELETE", assignment_path(&b_cust, &body), json!(null)),
    ];
    for (method, path, body) in attempts {
        let (status, _) = call(&app, method, &path, &b.token, body).await;
        assert_eq!(status, Status::NotFound, "{method} {path}");
    }
    let (_, still) = call(&app, "GET", &one, &a.token, json!(null)).await;
    assert_eq!((still["status"].as_str(), still["token_cap"].as_str()), (Some("invited"), Some("9")));
    let (_, list) = call(&app, "GET", &assignments_of(&cust), &a.token, json!(null)).await;
    assert_eq!(list["total"], 1);
    assert_eq!(crate::quote_acceptance_mails::outbox(&app).await.len(), 1, "only A's invitation was mailed");
}

#[rocket::async_test]
async fn the_operator_may_read_assignments_but_not_change_them() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let body = assign(&app, &seller, &cust, json!({"autodesk_id": "dev@example.com"})).await;
    let one = assignment_path(&cust, &body);
    app.user("ops@example.com", "admin").await;
    let ops = app.token("ops@example.com").await;
    let (status, list) = call(&app, "GET", &assignments_of(&cust), &ops, json!(null)).await;
    assert_eq!((status, list["total"].as_u64()), (Status::Ok, Some(1)));
    assert_eq!(call(&app, "GET", &one, &ops, json!(null)).await.0, Status::Ok);
    for (method, path, body) in [
        ("POST", assignments_of(&cust), json!({"autodesk_id": "x@example.com"})),
        ("PATCH", one.clone(), json!({"token_cap": 1})),
        ("DELETE", one.clone(), json!(null)),
        ("POST", format!("{one}/resend"), json!(null)),
    ] {
        assert_eq!(call(&app, method, &path, &ops, body).await.0, Status::Forbidden, "{method} {path}");
    }
}

#[rocket::async_test]
async fn revoking_twice_answers_the_same_and_is_audited_once() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let body = assign(&app, &seller, &cust, json!({"autodesk_id": "dev@example.com"})).await;
    let id = body["id"].as_str().unwrap();
    let path = format!("{}/{id}", assignments_of(&cust));
    let (_, first) = call(&app, "DELETE", &path, &seller.token, json!(null)).await;
    let (status, second) = call(&app, "DELETE", &path, &seller.token, json!(null)).await;
    assert_eq!((status, &second), (Status::Ok, &first));
    assert_eq!(audit_actions(&app, id).await, ["assignment.created", "assignment.revoked"]);
    let (status, problem) = call(&app, "POST", &format!("{path}/resend"), &seller.token, json!(null)).await;
    assert_eq!(status, Status::Conflict, "{problem}");
}

#[rocket::async_test]
async fn active_autodesk_ids_lists_only_accepted_developers_with_their_caps() {
    let app = spawn_app().await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    assign(&app, &seller, &cust, json!({"autodesk_id": "b@example.com", "token_cap": 40})).await;
    assign(&app, &seller, &cust, json!({"autodesk_id": "a@example.com"})).await;
    assign(&app, &seller, &cust, json!({"autodesk_id": "pending@example.com"})).await;
    let revoked = assign(&app, &seller, &cust, json!({"autodesk_id": "gone@example.com"})).await;
    for to in ["a@example.com", "b@example.com", "gone@example.com"] {
        let token = invitations::invitation_token(&app, to).await;
        let (status, _) = invitations::accept_api(&app, &token).await;
        assert_eq!(status, Status::Ok);
    }
    let path = assignment_path(&cust, &revoked);
    call(&app, "DELETE", &path, &seller.token, json!(null)).await;

    let customer_id = uuid::Uuid::parse_str(&cust).unwrap();
    let active = flexportal::domain::assignments::active_autodesk_ids(app.portal().db.conn(), customer_id)
        .await
        .unwrap();
    let shown: Vec<(String, Option<String>)> =
        active.into_iter().map(|(id, cap)| (id, cap.map(|c| c.to_string()))).collect();
    assert_eq!(
        shown,
        [("a@example.com".to_owned(), None), ("b@example.com".to_owned(), Some("40".to_owned()))]
    );
}
