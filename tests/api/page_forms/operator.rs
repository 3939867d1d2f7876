//! The operator's pages: a partner's regions picked from lists, the audit log as people read it.

use rocket::http::{ContentType, Status};
use serde_json::json;

use crate::common::Options;
use crate::helpers::{form, spawn_app, spawn_app_with};

fn partner_form<'a>(csrf: &'a str, extra: &[(&'static str, &'a str)]) -> String {
    let mut fields = vec![
        ("_csrf", csrf),
        ("slug", "chiba-cad"),
        ("csn", "5550008888"),
        ("name_ja", "千葉キャド株式会社"),
        ("name_en", "Chiba CAD KK"),
        ("tier", "gold"),
        ("country", "JP"),
        ("languages", "ja"),
        ("services", "flex_tokens"),
        ("max_discount_percent", "5"),
        ("flex_signed_on", "2024-04-01"),
        ("flex_expires_on", "2099-03-31"),
        ("published", "true"),
    ];
    fields.extend_from_slice(extra);
    form(&fields)
}

#[rocket::async_test]
async fn the_operator_picks_a_partners_prefectures_from_a_list_and_may_type_their_names() {
    let app = spawn_app().await;
    app.user("ops@example.com", "admin").await;
    app.browser_login("ops@example.com").await;
    let html = app.client.get("/admin/partners/new?lang=ja").dispatch().await.into_string().await.unwrap();
    assert!(
        html.contains("<input type=\"checkbox\" name=\"prefectures\" value=\"JP-12\"")
            && html.contains("千葉県"),
        "the 47 prefectures are a list to tick"
    );
    let csrf = crate::helpers::extract_csrf(&html);
    let body = partner_form(
        &csrf,
        &[("prefectures", "JP-12"), ("prefectures", "JP-13"), ("regions", "神奈川県、 Saitama")],
    );
    let response = app.client.post("/admin/partners").header(ContentType::Form).body(body).dispatch().await;
    assert_eq!(response.status(), Status::SeeOther);
    let location = response.headers().get_one("Location").unwrap().to_owned();
    let public: serde_json::Value =
        app.client.get("/api/v1/partners/chiba-cad").dispatch().await.into_json().await.unwrap();
    assert_eq!(public["regions"], json!(["JP-12", "JP-13", "JP-14", "JP-11"]), "{public}");
    // The edit page ticks what was saved; nothing is left over in the typed field.
    let html = app.client.get(location).dispatch().await.into_string().await.unwrap();
    for code in ["JP-11", "JP-12", "JP-13", "JP-14"] {
        assert!(html.contains(&format!("value=\"{code}\" checked")), "{code}");
    }
    assert!(html.contains("id=\"regions\" name=\"regions\" value=\"\""));
    // A name that is no prefecture is refused with the field named.
    let body = partner_form(&csrf, &[("regions", "千葉市")]);
    let response =
        app.client.post("/admin/partners?lang=ja").header(ContentType::Form).body(body).dispatch().await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert!(response.into_string().await.unwrap().contains("id=\"regions-error\""));
}

#[rocket::async_test]
async fn the_audit_log_reads_in_tokyo_time_with_action_names_and_request_ids_that_differ() {
    let at =
        chrono::DateTime::parse_from_rfc3339("2026-11-30T20:00:00Z").unwrap().with_timezone(&chrono::Utc);
    let app = spawn_app_with(Options { fake_now: Some(at), ..Options::default() }).await;
    app.user("ops@example.com", "admin").await;
    app.browser_login("ops@example.com").await;
    let csrf = app.csrf_from("/admin/users").await;
    for email in ["one@example.com", "two@example.com"] {
        let fields = [
            ("_csrf", csrf.as_str()),
            ("email", email),
            ("display_name", "Someone"),
            ("role", "admin"),
            ("password", crate::common::PASSWORD),
            ("locale", "ja"),
        ];
        let response =
            app.client.post("/admin/users").header(ContentType::Form).body(form(&fields)).dispatch().await;
        assert_eq!(response.status(), Status::SeeOther);
    }
    for (lang, signed_in, created) in
        [("ja", "サインイン成功", "ユーザー作成"), ("en", "Signed in", "User created")]
    {
        let html =
            app.client.get(format!("/admin/audit?lang={lang}")).dispatch().await.into_string().await.unwrap();
        // The events happened at 20:00 UTC; a random token on the page may well contain "UTC".
        assert!(
            html.contains("2026-12-01 05:00:00 JST") && !html.contains("2026-11-30 20:00"),
            "{lang}: {html}"
        );
        assert!(
            html.contains(&format!(">{signed_in}<")) && html.contains(&format!(">{created}<")),
            "{lang}: {html}"
        );
        let shown: Vec<&str> = html
            .split("class=\"request-id\"")
            .skip(1)
            .filter_map(|rest| rest.split('>').nth(1)?.split('<').next())
            .filter(|id| !id.is_empty())
            .collect();
        assert!(shown.len() >= 3, "{lang}: {shown:?}");
        let mut distinct = shown.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), shown.len(), "{lang}: every request shows a different id: {shown:?}");
    }
}
