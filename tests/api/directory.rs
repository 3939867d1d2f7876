//! The public partner directory: Japanese and Latin text search, filters, Flex eligibility,
//! clamping of hostile parameters, and escaping of partner text.

use std::collections::BTreeSet;

use rocket::http::Status;

use crate::common::{Options, partner};
use crate::helpers::{TestApp, spawn_app, spawn_app_with};

async fn slugs(app: &TestApp, query: &str) -> BTreeSet<String> {
    let response = app.client.get(format!("/api/v1/partners?{query}")).dispatch().await;
    assert_eq!(response.status(), Status::Ok, "{query}");
    let body: serde_json::Value = response.into_json().await.unwrap();
    body["items"].as_array().unwrap().iter().map(|p| p["slug"].as_str().unwrap().to_owned()).collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

async fn directory_app() -> TestApp {
    let app = spawn_app().await;
    let portal = app.portal();
    partner("tokyo-demo")
        .names("東京デモテック株式会社", "Tokyo Demo Tech KK")
        .describe("東京都を拠点とする販売店です。", "A reseller based in Tokyo.")
        .regions(&["JP-13"])
        .create(portal)
        .await;
    partner("tohoku-sys")
        .names("東北システム株式会社", "Tohoku Systems KK")
        .describe("宮城県の販売店です。", "A reseller in Miyagi.")
        .regions(&["JP-04"])
        .create(portal)
        .await;
    partner("example-kk")
        .names("株式会社エグザンプル", "Example KK")
        .describe("大阪府を中心に活動しています。", "Based in Osaka.")
        .regions(&["JP-27", "JP-28"])
        .languages(&["ja", "en"])
        .services(&["flex_tokens", "aps_consulting"])
        .create(portal)
        .await;
    partner("osaka-ja-only")
        .names("なにわ商事株式会社", "Naniwa Trading KK")
        .describe("大阪府の販売店です。", "Osaka reseller.")
        .regions(&["JP-27"])
        .languages(&["ja"])
        .create(portal)
        .await;
    partner("osaka-training")
        .names("梅田ラーニング株式会社", "Umeda Learning KK")
        .describe("大阪府の研修会社です。", "Osaka training company.")
        .regions(&["JP-27"])
        .languages(&["ja", "en"])
        .services(&["training"])
        .create(portal)
        .await;
    app
}

#[rocket::async_test]
async fn japanese_text_finds_exactly_the_partners_that_contain_it() {
    let app = directory_app().await;
    assert_eq!(slugs(&app, "q=%E6%9D%B1%E4%BA%AC").await, set(&["tokyo-demo"]), "東京");
    assert_eq!(slugs(&app, "q=%E6%9D%B1").await, set(&["tokyo-demo", "tohoku-sys"]), "東");
    assert_eq!(slugs(&app, "q=%E3%82%A8%E3%82%B0%E3%82%B6").await, set(&["example-kk"]), "エグザ");
    assert_eq!(slugs(&app, "q=%E5%A4%A7%E9%98%AA%E5%BA%9C").await.len(), 3, "大阪府");
}

#[rocket::async_test]
async fn latin_text_matches_regardless_of_case_and_width() {
    let app = directory_app().await;
    assert_eq!(slugs(&app, "q=tokyo").await, set(&["tokyo-demo"]));
    assert_eq!(slugs(&app, "q=TOKYO").await, set(&["tokyo-demo"]));
    // ＴＯＫＹＯ in full-width letters.
    assert_eq!(slugs(&app, "q=%EF%BC%B4%EF%BC%AF%EF%BC%AB%EF%BC%B9%EF%BC%AF").await, set(&["tokyo-demo"]));
    assert_eq!(slugs(&app, "q=osaka+training").await, set(&["osaka-training"]), "every word must match");
}

#[rocket::async_test]
async fn region_language_and_service_filters_combine() {
    let app = directory_app().await;
    assert_eq!(slugs(&app, "region=JP-27&language=en&service=flex_tokens").await, set(&["example-kk"]));
    assert_eq!(slugs(&app, "region=JP-27").await, set(&["example-kk", "osaka-ja-only", "osaka-training"]));
    let body: serde_json::Value =
        app.client.get("/api/v1/partners?region=JP-27").dispatch().await.into_json().await.unwrap();
    assert_eq!(body["total"], 3);
    assert_eq!(body["facets"]["language"]["en"], 2);
    assert_eq!(body["facets"]["service"]["flex_tokens"], 2);
    assert_eq!(body["facets"]["region"]["JP-28"], 1);
}

#[rocket::async_test]
async fn results_come_platinum_first_then_by_name_and_paginate() {
    let app = spawn_app().await;
    for (slug, tier, name) in
        [("b-gold", "gold", "B Gold"), ("a-gold", "gold", "A Gold"), ("z-plat", "platinum", "Z Platinum")]
    {
        partner(slug).tier(tier).names(name, name).create(app.portal()).await;
    }
    let body: serde_json::Value =
        app.client.get("/api/v1/partners?per_page=2").dispatch().await.into_json().await.unwrap();
    let order: Vec<&str> =
        body["items"].as_array().unwrap().iter().map(|p| p["slug"].as_str().unwrap()).collect();
    assert_eq!(order, ["z-plat", "a-gold"]);
    assert_eq!((body["total"].as_u64(), body["page"].as_u64()), (Some(3), Some(1)));
    let body: serde_json::Value =
        app.client.get("/api/v1/partners?per_page=2&page=2").dispatch().await.into_json().await.unwrap();
    assert_eq!(body["items"][0]["slug"], "b-gold");
}

#[rocket::async_test]
async fn lapsed_unsigned_lower_tier_and_unpublished_partners_are_never_flex_eligible() {
    let app = spawn_app().await;
    let portal = app.portal();
    partner("current-gold").create(portal).await;
    partner("expired").flex("2020-04-01", "2021-03-31").create(portal).await;
    partner("not-yet").flex("2030-04-01", "2031-03-31").create(portal).await;
    partner("silver").tier("silver").create(portal).await;
    partner("authorized").tier("authorized").create(portal).await;
    partner("hidden").unpublished().create(portal).await;
    assert_eq!(slugs(&app, "").await, set(&["current-gold"]), "flex=true is the default");
    let body: serde_json::Value =
        app.client.get("/api/v1/partners?flex=false").dispatch().await.into_json().await.unwrap();
    for item in body["items"].as_array().unwrap() {
        let eligible = item["flex_eligible"].as_bool().unwrap();
        assert_eq!(eligible, item["slug"] == "current-gold", "{}", item["slug"]);
        assert_ne!(item["slug"], "hidden", "unpublished partners are not listed");
    }
    assert_eq!(body["total"], 5);
    assert_eq!(app.client.get("/api/v1/partners/hidden").dispatch().await.status(), Status::NotFound);
    assert_eq!(app.client.get("/partners/hidden").dispatch().await.status(), Status::NotFound);
}

#[rocket::async_test]
async fn eligibility_ends_after_the_last_agreement_day_in_japan() {
    let last_minute = chrono::DateTime::parse_from_rfc3339("2026-12-31T23:59:59+09:00").unwrap().to_utc();
    let app = spawn_app_with(Options { fake_now: Some(last_minute), ..Default::default() }).await;
    partner("ending").flex("2025-01-01", "2026-12-31").create(app.portal()).await;
    assert_eq!(slugs(&app, "").await, set(&["ending"]));
    let html = app.client.get("/partners/ending").dispatch().await.into_string().await.unwrap();
    assert!(html.contains("id=\"request-quote\""));

    app.portal().clock.set(last_minute + chrono::Duration::seconds(1));
    assert!(slugs(&app, "").await.is_empty());
    let html = app.client.get("/partners/ending").dispatch().await.into_string().await.unwrap();
    assert!(!html.contains("id=\"request-quote\"") && html.contains("id=\"not-eligible\""));
}

#[rocket::async_test]
async fn hostile_search_parameters_are_clamped_or_refused_never_a_500() {
    let app = directory_app().await;
    let percents = "%25".repeat(1000);
    let response = app.client.get(format!("/api/v1/partners?q={percents}")).dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    let body: serde_json::Value = response.into_json().await.unwrap();
    assert_eq!(body["total"], 0);
    let response = app.client.get(format!("/partners?q={percents}")).dispatch().await;
    assert_eq!(response.status(), Status::Ok);

    let body: serde_json::Value =
        app.client.get("/api/v1/partners?per_page=100000").dispatch().await.into_json().await.unwrap();
    assert_eq!(body["per_page"], 100);
    let body: serde_json::Value = app
        .client
        .get("/api/v1/partners?per_page=0&page=999999999999")
        .dispatch()
        .await
        .into_json()
        .await
        .unwrap();
    assert_eq!((body["per_page"].as_u64(), body["items"].as_array().map(Vec::len)), (Some(1), Some(0)));

    for (query, field) in
        [("page=abc", "page"), ("tier=king", "tier"), ("flex=maybe", "flex"), ("region=%3Cx%3E", "region")]
    {
        let response = app.client.get(format!("/api/v1/partners?{query}")).dispatch().await;
        assert_eq!(response.status(), Status::UnprocessableEntity, "{query}");
        let body = crate::helpers::problem(response).await;
        assert_eq!(body["errors"][0]["field"], field);
        let page = app.client.get(format!("/partners?{query}")).dispatch().await;
        assert_eq!(page.status(), Status::UnprocessableEntity, "page {query}");
    }
}

#[rocket::async_test]
async fn a_partner_named_like_markup_shows_as_text_on_every_page() {
    let app = spawn_app().await;
    app.user("ops@example.com", "admin").await;
    let evil = "<img src=x onerror=alert(1)>";
    let row = partner("evil").names(evil, evil).describe(evil, evil).create(app.portal()).await;
    app.browser_login("ops@example.com").await;
    for path in [
        "/partners?flex=false",
        "/partners/evil",
        "/?q=img",
        "/admin/partners",
        &format!("/admin/partners/{}", row.id),
    ] {
        for lang in ["ja", "en"] {
            let response = app
                .client
                .get(format!("{path}{}lang={lang}", if path.contains('?') { "&" } else { "?" }))
                .dispatch()
                .await;
            assert_eq!(response.status(), Status::Ok, "{path}");
            let html = response.into_string().await.unwrap();
            assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"), "{path} shows the name as text");
            assert!(!html.contains("<img src=x"), "{path} must not contain live markup");
        }
    }
}

#[rocket::async_test]
async fn the_search_page_and_partner_page_speak_both_languages() {
    let app = directory_app().await;
    let html = app.client.get("/partners?region=JP-27&lang=ja").dispatch().await.into_string().await.unwrap();
    assert!(html.contains("株式会社エグザンプル") && html.contains("大阪府") && html.contains("Flex 見積可"));
    let html = app.client.get("/partners?region=JP-27&lang=en").dispatch().await.into_string().await.unwrap();
    assert!(html.contains("Example KK") && html.contains("Osaka") && html.contains("Can quote Flex"));
    let html = app.client.get("/partners/example-kk?lang=en").dispatch().await.into_string().await.unwrap();
    assert!(html.contains("Request a quote") && html.contains("Based in Osaka."));
}

async fn page(app: &TestApp, path: &str) -> String {
    app.client.get(path.to_owned()).dispatch().await.into_string().await.unwrap()
}

#[rocket::async_test]
async fn the_search_page_follows_directory_changes_and_the_day() {
    let last_minute = chrono::DateTime::parse_from_rfc3339("2026-12-31T23:59:59+09:00").unwrap().to_utc();
    let app = spawn_app_with(Options { fake_now: Some(last_minute), ..Default::default() }).await;
    partner("ending")
        .names("終了商事", "Ending Trading")
        .flex("2025-01-01", "2026-12-31")
        .create(app.portal())
        .await;
    // Asked twice so that the second answer comes from whatever the portal kept of the first.
    for _ in 0..2 {
        let html = page(&app, "/partners?lang=en").await;
        assert!(html.contains("Ending Trading") && html.contains("Can quote Flex"));
        let json: serde_json::Value =
            serde_json::from_str(&page(&app, "/api/v1/partners?lang=en").await).unwrap();
        assert_eq!(json["items"][0]["name"], "Ending Trading");
        assert_eq!(json["facets"]["tier"]["gold"], 1);
    }

    partner("newcomer")
        .names("新参テック", "Newcomer Tech")
        .flex("2025-01-01", "2027-12-31")
        .create(app.portal())
        .await;
    let html = page(&app, "/partners?lang=en").await;
    assert!(html.contains("Newcomer Tech"), "a partner added since the last visit is listed at once");
    let json: serde_json::Value =
        serde_json::from_str(&page(&app, "/api/v1/partners?lang=en").await).unwrap();
    assert_eq!(json["total"], 2);
    assert_eq!(json["facets"]["tier"]["gold"], 2);

    app.portal().clock.set(last_minute + chrono::Duration::seconds(1));
    let html = page(&app, "/partners?lang=en").await;
    assert!(
        !html.contains("Ending Trading"),
        "the lapsed agreement drops out of the Flex listing the next day"
    );
    let json: serde_json::Value =
        serde_json::from_str(&page(&app, "/api/v1/partners?lang=en&flex=false").await).unwrap();
    let ending = json["items"].as_array().unwrap().iter().find(|p| p["slug"] == "ending").cloned().unwrap();
    assert_eq!(ending["flex_eligible"], false);
}

#[rocket::async_test]
async fn a_signed_in_visitor_never_sees_or_leaves_behind_someone_elses_page() {
    let app = spawn_app().await;
    app.user("ops@example.com", "admin").await;
    partner("tokyo-demo").names("東京デモ", "Tokyo Demo").create(app.portal()).await;
    let anonymous = app.client.get("/partners?lang=en").dispatch().await.into_string().await.unwrap();
    assert!(anonymous.contains("href=\"/login\"") && !anonymous.contains("action=\"/logout\""));

    app.browser_login("ops@example.com").await;
    let signed_in = app.client.get("/partners?lang=en").dispatch().await.into_string().await.unwrap();
    assert!(signed_in.contains("action=\"/logout\""), "a signed-in visitor gets a page of their own");
    assert!(signed_in.contains("Tokyo Demo"));

    let csrf = app.csrf_from("/partners?lang=en").await;
    let response = app
        .client
        .post("/logout")
        .header(rocket::http::ContentType::Form)
        .body(crate::helpers::form(&[("_csrf", &csrf)]))
        .dispatch()
        .await;
    assert!(response.status().class().is_redirection() || response.status() == Status::Ok);
    let after = app.client.get("/partners?lang=en").dispatch().await.into_string().await.unwrap();
    assert!(!after.contains("action=\"/logout\"") && !after.contains("ops@example.com"));
}
