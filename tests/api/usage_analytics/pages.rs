//! Usage analytics through the pages: the reseller's usage page in both languages (server-drawn SVG
//! charts, each with a title, a description and a data table, hostile names shown as text, the CSP
//! unchanged), the CSV download with formula cells neutralised, and the purchaser's balance link
//! with the donut, the last 30 days and the packs expiring soon.

use rocket::http::Status;
use serde_json::json;

use super::{today, used};
use crate::common::reconcile;
use crate::helpers::spawn_app_with;
use crate::orders::{accepted_quote, at, fulfil, id_of, place};
use crate::quotes::{call, customer, reseller};
use crate::workspace_pages::{get, signed_in};

const HOSTILE: &str = "<img src=x onerror=alert(1)>";

/// Every inline SVG of a page.
fn svgs(html: &str) -> Vec<&str> {
    html.split("<svg").skip(1).map(|rest| rest.split("</svg>").next().unwrap()).collect()
}

#[rocket::async_test]
async fn the_usage_page_draws_its_charts_with_text_alternatives_in_both_languages_and_escapes_names() {
    let app = spawn_app_with(today()).await;
    let seller = signed_in(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    used(
        &app,
        &seller,
        &cust,
        &[
            ("2027-03-30", HOSTILE, "aiko@customer.example", "12.5", 3),
            ("2027-03-31", "model-derivative", "ben@customer.example", "2", 1),
        ],
    )
    .await;
    let (status, customer_page) = get(&app, &format!("/app/customers/{cust}")).await;
    assert_eq!(status, Status::Ok);
    assert!(
        customer_page.contains(&format!("href=\"/app/customers/{cust}/usage\"")),
        "linked from the customer"
    );

    let response = app.client.get(format!("/app/customers/{cust}/usage?lang=en")).dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    let csp = response.headers().get_one("Content-Security-Policy").unwrap().to_owned();
    assert!(
        csp.contains("script-src 'self'") && csp.contains("style-src 'self'") && !csp.contains("unsafe"),
        "{csp}"
    );
    let html = response.into_string().await.unwrap();
    let charts = svgs(&html);
    assert_eq!(charts.len(), 4, "donut, daily, by API, by developer");
    for svg in &charts {
        assert!(
            svg.contains("role=\"img\"") && svg.contains("<title id=") && svg.contains("<desc id="),
            "{svg}"
        );
        assert!(!svg.contains("style=") && !svg.contains("<script"), "nothing the CSP forbids: {svg}");
    }
    assert!(html.contains("<title id=\"balance-donut-title\">Tokens left</title>"));
    assert!(html.contains("most on 2027-03-30 (12.5 tokens)"), "the daily chart describes itself");
    assert!(
        html.contains("id=\"usage-by-day-table\"") && html.contains("<td>2027-03-02</td>"),
        "every day in the table"
    );
    assert!(html.contains("id=\"usage-by-api-table\"") && html.contains("id=\"usage-by-developer-table\""));
    assert!(!html.contains(HOSTILE), "a hostile API name never becomes markup");
    assert!(
        html.contains("&lt;img src=x onerror=alert(1)&gt;: 12.5 tokens"),
        "it is shown as text in the chart"
    );
    assert!(html.contains(&format!(
        "/api/v1/customers/{cust}/usage/export.csv?from=2027-03-02&amp;to=2027-03-31&amp;group_by=day"
    )));

    let (status, ja) = get(&app, &format!("/app/customers/{cust}/usage?lang=ja&group_by=developer")).await;
    assert_eq!(status, Status::Ok);
    assert!(ja.contains("<title id=\"balance-donut-title\">残りのトークン</title>"), "Japanese chart titles");
    assert!(ja.contains("日別のトークン使用量") && ja.contains("開発者別"), "Japanese headings");
    assert!(ja.contains("group_by=developer"), "the download follows the chosen grouping");

    let (status, refused) =
        get(&app, &format!("/app/customers/{cust}/usage?lang=en&from=2027-03-05&to=2027-03-01")).await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(refused.contains("id=\"from-error\""), "the form names the field");
    assert!(svgs(&refused).is_empty());
}

#[rocket::async_test]
async fn another_partners_customer_has_no_usage_page_for_this_reseller() {
    let app = spawn_app_with(today()).await;
    let owner = reseller(&app, "exmp").await;
    let cust = customer(&app, &owner, "JP").await;
    signed_in(&app, "othr").await;
    for query in ["", "?group_by=week"] {
        let (status, _) = get(&app, &format!("/app/customers/{cust}/usage{query}")).await;
        assert_eq!(status, Status::NotFound, "{query}");
    }
}

#[rocket::async_test]
async fn the_csv_export_neutralises_formulas_in_api_and_developer_names() {
    let app = spawn_app_with(today()).await;
    let seller = signed_in(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    used(
        &app,
        &seller,
        &cust,
        &[
            ("2027-03-30", "=cmd|' /C calc'!A0", "@SUM(1+1)@evil.example", "1.5", 2),
            ("2027-03-31", "-2+3", "+81 dev, \"quoted\"", "0.25", 1),
        ],
    )
    .await;
    let export = |query: &'static str| {
        let path = format!("/api/v1/customers/{cust}/usage/export.csv?{query}");
        let token = seller.token.clone();
        let app = &app;
        async move {
            let response = app.get_with_token(&path, &token).await;
            assert_eq!(response.status(), Status::Ok, "{path}");
            assert_eq!(response.content_type().unwrap().to_string(), "text/csv; charset=utf-8");
            let disposition = response.headers().get_one("Content-Disposition").unwrap().to_owned();
            let bytes = response.into_bytes().await.unwrap();
            assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a BOM for spreadsheets");
            (disposition, String::from_utf8(bytes[3..].to_vec()).unwrap())
        }
    };
    let (disposition, by_api) = export("group_by=api").await;
    assert_eq!(disposition, "attachment; filename=\"usage-2027-03-02-2027-03-31-by-api.csv\"");
    assert_eq!(by_api, "api,tokens,events\r\n'=cmd|' /C calc'!A0,1.5,2\r\n'-2+3,0.25,1\r\n");
    let (_, by_developer) = export("group_by=developer").await;
    assert_eq!(
        by_developer,
        "developer,tokens,events\r\n'@SUM(1+1)@evil.example,1.5,2\r\n\"'+81 dev, \"\"quoted\"\"\",0.25,1\r\n"
    );
    let (_, by_day) = export("from=2027-03-30&to=2027-03-31").await;
    assert_eq!(by_day, "day,tokens,events\r\n2027-03-30,1.5,2\r\n2027-03-31,0.25,1\r\n");

    let response = app.client.get(format!("/api/v1/customers/{cust}/usage/export.csv")).dispatch().await;
    assert_eq!(response.status(), Status::Ok, "the page's link works with the browser session");
}

#[rocket::async_test]
async fn the_balance_link_page_shows_the_donut_the_last_thirty_days_and_packs_expiring_soon() {
    let app = spawn_app_with(today()).await;
    let seller = reseller(&app, "exmp").await;
    let cust = customer(&app, &seller, "JP").await;
    let quote = accepted_quote(&app, &seller, &cust, 100).await;
    let (_, order) = place(&app, &seller, &quote, "invoice").await;
    fulfil(&app, &seller, &id_of(&order)).await;
    // Real usage through ingestion, so the roll-ups, events and ledger agree.
    crate::usage::developer(&app, &seller, &cust, "aiko@customer.example").await;
    let events = vec![
        crate::usage::event("e1", "2027-03-31T09:00:00+09:00", "aiko@customer.example", "2"),
        crate::usage::event("e2", "2027-03-31T10:00:00+09:00", "aiko@customer.example", "2"),
    ];
    let (status, body) = crate::usage::send(&app, &seller, &cust, events).await;
    assert_eq!(status, Status::Ok, "{body}");
    let (_, link) =
        call(&app, "GET", &format!("/api/v1/customers/{cust}/balance-link"), &seller.token, json!(null))
            .await;
    let path = link["url"]
        .as_str()
        .unwrap()
        .split("/balance/")
        .nth(1)
        .map(|t| format!("/balance/{t}?lang=en"))
        .unwrap();

    let (status, html) = get(&app, &path).await;
    assert_eq!(status, Status::Ok);
    let charts = svgs(&html);
    assert_eq!(charts.len(), 2, "the donut and the daily chart");
    assert!(charts[0].contains("donut-green"), "96 of 100 tokens are left");
    assert!(html.contains("<title id=\"daily-usage-title\">Tokens used per day</title>"));
    assert!(html.contains("<td>2027-03-02</td>") && html.contains("<td>2027-03-31</td>"), "the last 30 days");
    assert!(html.contains("No pack with tokens left expires within 90 days."));
    assert!(!html.contains("aiko@customer.example"), "developers are the reseller's view, not the link's");

    app.portal().clock.set(at("2028-01-03T09:00:00+09:00"));
    let (status, later) = get(&app, &path).await;
    assert_eq!(status, Status::Ok);
    let expiring = later.split("id=\"usage-expiring\"").nth(1).unwrap().split("</table>").next().unwrap();
    assert!(
        expiring.contains("<td>2028-03-31</td>") && expiring.contains("<td class=\"num\">100</td>"),
        "{expiring}"
    );
    reconcile(app.portal()).await;
}
