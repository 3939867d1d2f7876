//! Document numbers start with the partner's own prefix, unique across partners: partners whose
//! slugs share their first four letters no longer issue the same numbers, and the operator can
//! choose a partner's prefix for the documents it issues from then on.

use rocket::http::{ContentType, Header, Status};
use sea_orm::sea_query::{Alias, Query};
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};

use crate::common::{Options, fresh_config};
use crate::helpers::{TestApp, bearer, spawn_app};
use crate::quotes::{Reseller, call, customer, draft, reseller};

async fn operator(app: &TestApp) -> String {
    app.user("ops@example.com", "admin").await;
    app.token("ops@example.com").await
}

/// Drafts and sends a quote for a Japanese customer; its number.
async fn send_quote(app: &TestApp, seller: &Reseller) -> String {
    let buyer = customer(app, seller, "JP").await;
    let quote = draft(app, seller, &buyer, json!([{"tokens": 100}])).await;
    let id = quote["id"].as_str().unwrap();
    let (status, sent) =
        call(app, "POST", &format!("/api/v1/quotes/{id}/send"), &seller.token, json!({})).await;
    assert_eq!(status, Status::Ok, "{sent}");
    sent["number"].as_str().unwrap().to_owned()
}

fn year(app: &TestApp) -> String {
    app.portal().clock.now().format("%Y").to_string()
}

async fn patch_partner(
    app: &TestApp,
    token: &str,
    id: uuid::Uuid,
    body: Value,
    lang: &str,
) -> (Status, Value) {
    let response = app
        .client
        .patch(format!("/api/v1/admin/partners/{id}"))
        .header(bearer(token))
        .header(Header::new("Accept-Language", lang.to_owned()))
        .header(ContentType::JSON)
        .body(body.to_string())
        .dispatch()
        .await;
    let status = response.status();
    (status, response.into_json().await.unwrap_or(Value::Null))
}

fn field_error<'a>(body: &'a Value, field: &str) -> Option<&'a Value> {
    body["errors"].as_array()?.iter().find(|e| e["field"] == field)
}

#[rocket::async_test]
async fn two_partners_whose_slugs_share_four_letters_issue_different_quote_numbers() {
    let app = spawn_app().await;
    let cad = reseller(&app, "tokyo-cad").await;
    let cae = reseller(&app, "tokyo-cae").await;
    let year = year(&app);
    assert_eq!(send_quote(&app, &cad).await, format!("TOKY-Q-{year}-00001"));
    assert_eq!(send_quote(&app, &cae).await, format!("TOKY2-Q-{year}-00001"));
    let token = operator(&app).await;
    let (_, record) =
        call(&app, "GET", &format!("/api/v1/admin/partners/{}", cae.partner_id), &token, json!({})).await;
    assert_eq!(record["document_prefix"], "TOKY2");
}

#[rocket::async_test]
async fn the_operator_changes_a_prefix_and_only_later_quotes_use_it() {
    let app = spawn_app().await;
    let seller = reseller(&app, "tokyo-cad").await;
    let year = year(&app);
    let first = send_quote(&app, &seller).await;
    assert_eq!(first, format!("TOKY-Q-{year}-00001"));
    let token = operator(&app).await;
    let (status, record) =
        patch_partner(&app, &token, seller.partner_id, json!({"document_prefix": "tkc1"}), "en").await;
    assert_eq!(status, Status::Ok, "{record}");
    assert_eq!(record["document_prefix"], "TKC1", "entered in lowercase, kept in uppercase");
    assert_eq!(send_quote(&app, &seller).await, format!("TKC1-Q-{year}-00002"));
    let (_, quotes) = call(&app, "GET", "/api/v1/quotes", &seller.token, json!({})).await;
    let numbers: Vec<&str> =
        quotes["items"].as_array().unwrap().iter().filter_map(|q| q["number"].as_str()).collect();
    assert!(numbers.contains(&first.as_str()), "the quote already sent keeps its number: {numbers:?}");
    // Another edit that does not mention the prefix keeps it.
    let (_, record) =
        patch_partner(&app, &token, seller.partner_id, json!({"name_en": "Tokyo CAD KK"}), "en").await;
    assert_eq!(record["document_prefix"], "TKC1");
}

#[rocket::async_test]
async fn a_taken_or_malformed_prefix_is_refused_naming_the_field() {
    let app = spawn_app().await;
    let first = reseller(&app, "alpha").await;
    let second = reseller(&app, "beta").await;
    let token = operator(&app).await;

    let (status, body) =
        patch_partner(&app, &token, second.partner_id, json!({"document_prefix": "ALPH"}), "en").await;
    assert_eq!(status, Status::UnprocessableEntity, "{body}");
    let error = field_error(&body, "document_prefix").expect("the field is named");
    assert_eq!(error["code"], "taken");
    assert!(error["message"].as_str().unwrap().contains("document prefix"), "{error}");
    let (_, body) =
        patch_partner(&app, &token, second.partner_id, json!({"document_prefix": "alph"}), "ja").await;
    let message = field_error(&body, "document_prefix").unwrap_or_else(|| panic!("{body}"))["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.contains("接頭辞"), "{message}");

    for bad in ["A", "TOOLONGPX", "AL-P", "東京", "AB CD"] {
        let (status, body) =
            patch_partner(&app, &token, second.partner_id, json!({"document_prefix": bad}), "en").await;
        assert_eq!(status, Status::UnprocessableEntity, "{bad}: {body}");
        assert_eq!(field_error(&body, "document_prefix").unwrap()["code"], "invalid", "{bad}");
    }

    // Creating a partner with a taken prefix is refused the same way.
    let mut body = json!({"slug": "gamma", "name_ja": "ガンマ株式会社", "name_en": "Gamma KK", "tier": "gold",
        "csn": "5550004321", "country": "JP", "languages": ["ja"], "document_prefix": "BETA"});
    let (status, problem) = call(&app, "POST", "/api/v1/admin/partners", &token, body.clone()).await;
    assert_eq!(status, Status::UnprocessableEntity, "{problem}");
    assert_eq!(field_error(&problem, "document_prefix").unwrap()["code"], "taken");
    body["document_prefix"] = json!("GAM");
    let (status, created) = call(&app, "POST", "/api/v1/admin/partners", &token, body).await;
    assert_eq!((status, created["document_prefix"].as_str()), (Status::Created, Some("GAM")));

    // Nothing changed for the partners involved.
    let (_, record) =
        call(&app, "GET", &format!("/api/v1/admin/partners/{}", second.partner_id), &token, json!({})).await;
    assert_eq!(record["document_prefix"], "BETA");
    let _ = first;
}

#[rocket::async_test]
async fn two_operators_racing_for_one_prefix_get_one_success_and_one_field_error() {
    let app = spawn_app().await;
    let a = reseller(&app, "alpha").await;
    let b = reseller(&app, "beta").await;
    let token = operator(&app).await;
    let (one, two) = tokio::join!(
        patch_partner(&app, &token, a.partner_id, json!({"document_prefix": "SAME"}), "en"),
        patch_partner(&app, &token, b.partner_id, json!({"document_prefix": "SAME"}), "en"),
    );
    let mut statuses = [one.0, two.0];
    statuses.sort_by_key(|s| s.code);
    assert_eq!(statuses, [Status::Ok, Status::UnprocessableEntity], "{} / {}", one.1, two.1);
    let refused = if one.0 == Status::Ok { two.1 } else { one.1 };
    assert_eq!(field_error(&refused, "document_prefix").unwrap()["code"], "taken");
}

#[rocket::async_test]
async fn a_partner_admin_cannot_change_the_document_prefix() {
    let app = spawn_app().await;
    let seller = reseller(&app, "tokyo-cad").await;
    crate::common::make_user(
        app.portal(),
        "boss@tokyo-cad.example",
        "partner_admin",
        Some(seller.partner_id),
    )
    .await;
    let boss = app.token("boss@tokyo-cad.example").await;
    let (status, body) = call(
        &app,
        "PATCH",
        "/api/v1/partner",
        &boss,
        json!({"document_prefix": "MINE", "name_en": "Renamed"}),
    )
    .await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!((body["name_en"].as_str(), body["document_prefix"].as_str()), (Some("Renamed"), Some("TOKY")));
}

#[rocket::async_test]
async fn the_operator_sets_the_prefix_on_the_partner_form() {
    let app = spawn_app().await;
    let taken = reseller(&app, "alpha").await;
    let seller = reseller(&app, "beta").await;
    app.user("ops@example.com", "admin").await;
    app.browser_login("ops@example.com").await;
    let path = format!("/admin/partners/{}", seller.partner_id);
    let html = app.client.get(path.clone()).dispatch().await.into_string().await.unwrap();
    assert!(html.contains(r#"name="document_prefix" value="BETA""#), "the form shows the prefix");
    let csrf = app.csrf_from(&path).await;
    let fields = |prefix: &'static str| {
        vec![
            ("slug", "beta"),
            ("csn", "5550001111"),
            ("name_ja", "ベータ株式会社"),
            ("name_en", "Beta KK"),
            ("tier", "gold"),
            ("country", "JP"),
            ("languages", "ja"),
            ("document_prefix", prefix),
            ("bank_details", "デモ銀行 本店営業部 普通 7654321\r\nベータ（カ"),
            ("payment_due_days", "45"),
        ]
    };
    let post = |prefix: &'static str| {
        let mut all = vec![("_csrf", csrf.as_str())];
        all.extend(fields(prefix));
        app.client.post(path.clone()).header(ContentType::Form).body(crate::helpers::form(&all)).dispatch()
    };
    let response = post("ALPH").await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let html = response.into_string().await.unwrap();
    assert!(html.contains("document_prefix-error"), "the error is shown at the field");
    let response = post("BTA").await;
    assert_eq!(response.status(), Status::SeeOther);
    let token = app.token("ops@example.com").await;
    let (_, record) =
        call(&app, "GET", &format!("/api/v1/admin/partners/{}", seller.partner_id), &token, json!({})).await;
    assert_eq!(record["document_prefix"], "BTA");
    assert_eq!(record["bank_details"], "デモ銀行 本店営業部 普通 7654321\nベータ（カ");
    assert_eq!(record["payment_due_days"], 45);
    let _ = taken;
}

/// Partners created before prefixes existed get distinct ones when the schema gains the column:
/// in order of creation, the first keeps the prefix its slug gave, the later ones are numbered.
#[rocket::async_test]
async fn the_migration_gives_existing_partners_distinct_prefixes_in_order_of_creation() {
    use migrations::MigratorTrait;
    let (config, _db) = fresh_config(&Options::default()).await;
    let conn = Database::connect(config.database_url.clone()).await.unwrap();
    let before = migrations::Migrator::migrations()
        .iter()
        .position(|m| m.name() == "m20261201_000010_partner_document_prefix")
        .unwrap();
    migrations::Migrator::up(&conn, Some(before as u32)).await.unwrap();
    let partners = [
        ("tokyo-cae", "2026-01-02T00:00:00Z", "00000000-0000-4000-8000-000000000002"),
        ("tokyo-cad", "2026-01-01T00:00:00Z", "00000000-0000-4000-8000-000000000003"),
        ("toky", "2026-01-02T00:00:00Z", "00000000-0000-4000-8000-000000000001"),
        ("osaka", "2026-01-03T00:00:00Z", "00000000-0000-4000-8000-000000000004"),
    ];
    for (i, (slug, created, id)) in partners.iter().enumerate() {
        let at: chrono::DateTime<chrono::Utc> = created.parse().unwrap();
        let insert = Query::insert()
            .into_table(Alias::new("partners"))
            .columns(
                [
                    "id",
                    "slug",
                    "csn",
                    "name_ja",
                    "name_en",
                    "description_ja",
                    "description_en",
                    "tier",
                    "country",
                    "regions",
                    "languages",
                    "services",
                    "max_discount_hundredths",
                    "published",
                    "created_at",
                    "updated_at",
                ]
                .map(Alias::new),
            )
            .values_panic([
                uuid::Uuid::parse_str(id).unwrap().into(),
                (*slug).into(),
                format!("555000000{i}").into(),
                "名前".into(),
                "Name".into(),
                "".into(),
                "".into(),
                "gold".into(),
                "JP".into(),
                "JP-13".into(),
                "ja".into(),
                "flex_tokens".into(),
                0.into(),
                false.into(),
                at.into(),
                at.into(),
            ])
            .to_owned();
        conn.execute(&insert).await.unwrap();
    }
    migrations::Migrator::up(&conn, None).await.unwrap();
    let select = Query::select()
        .columns([Alias::new("slug"), Alias::new("document_prefix")])
        .from(Alias::new("partners"))
        .to_owned();
    let mut prefixes: Vec<(String, String)> = conn
        .query_all(&select)
        .await
        .unwrap()
        .iter()
        .map(|row| (row.try_get("", "slug").unwrap(), row.try_get("", "document_prefix").unwrap()))
        .collect();
    prefixes.sort();
    let expected = [("osaka", "OSAK"), ("toky", "TOKY2"), ("tokyo-cad", "TOKY"), ("tokyo-cae", "TOKY3")];
    assert_eq!(prefixes, expected.map(|(s, p)| (s.to_owned(), p.to_owned())));
    conn.close().await.unwrap();
}

#[rocket::async_test]
async fn imported_and_demo_partners_get_distinct_default_prefixes() {
    use crate::partner_import::{csv_file, import, row};
    use flexportal::domain::partners::import::COLUMNS;
    use flexportal::storage::partners as store;

    let (portal, _db) = crate::common::fresh_portal(&Options::default()).await;
    crate::common::partner("tokyo-first").create(&portal).await;
    let file = csv_file(
        &COLUMNS,
        &[
            row("tokyo-cad", "1000000001", &[]),
            row("tokyo-cae", "1000000002", &[]),
            row("osaka", "1000000003", &[]),
        ],
    );
    let report = import(&portal, &file).await.unwrap();
    assert_eq!(report.created, 3, "{report:?}");
    let prefix = |csn: &'static str| {
        let portal = &portal;
        async move { store::find_by_csn(portal.db.conn(), csn).await.unwrap().unwrap().document_prefix }
    };
    assert_eq!([prefix("1000000001").await, prefix("1000000002").await], ["TOKY2", "TOKY3"]);
    assert_eq!(prefix("1000000003").await, "OSAK");
    // A re-import keeps the prefix, even one the operator changed.
    let id = store::find_by_csn(portal.db.conn(), "1000000002").await.unwrap().unwrap().id;
    flexportal::domain::partners::update_partner(
        &portal,
        &crate::common::operator(),
        &flexportal::domain::actor::Origin::default(),
        id,
        |input| input.document_prefix = "TKCAE".into(),
    )
    .await
    .unwrap();
    let report = import(&portal, &file).await.unwrap();
    assert_eq!(report.updated, 3, "{report:?}");
    assert_eq!(prefix("1000000002").await, "TKCAE");

    flexportal::domain::partners::demo::seed_directory(&portal, 1_100, 5, |_| {}).await.unwrap();
    let showcase = flexportal::domain::partners::demo::seed_showcase(&portal).await.unwrap();
    assert_eq!(showcase.document_prefix, "DEMO");
    assert!(showcase.bank_details.is_some(), "the showcase partner has bank details for its invoices");
    let prefixes = store::document_prefixes(portal.db.conn()).await.unwrap();
    let distinct: std::collections::HashSet<&String> = prefixes.iter().collect();
    assert_eq!((prefixes.len(), distinct.len()), (1_105, 1_105));
}
