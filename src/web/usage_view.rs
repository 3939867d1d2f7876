//! How usage analytics are shown, on the reseller's usage page and the purchaser's balance link:
//! the balance donut, the daily columns, APIs and developers as ranked bars (each chart an inline
//! SVG with its title and description in the page's language), and the rows of their data tables.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::domain::tokens::TokenAmount;
use crate::domain::usage_analytics::{BalanceSummary, UsageOverview, UsageRow};
use crate::web::charts::bars::{Bar, BarChart, columns, ranked};
use crate::web::charts::donut::{Donut, donut};
use crate::web::i18n::Lang;
use crate::web::pages::workspace_view::{grouped, grouped_tokens, local_time};

/// The ranked charts show this many names; the rest are one bar.
const RANKED_SHOWN: usize = 15;

/// `template` with each `{name}` replaced.
fn fill(template: String, values: &[(&str, &str)]) -> String {
    values.iter().fold(template, |text, (name, value)| text.replace(&format!("{{{name}}}"), value))
}

pub fn donut_chart(lang: Lang, id: &str, balance: &BalanceSummary) -> String {
    let left = balance.left_percent.to_string();
    let description = if balance.valid_purchased.is_positive() {
        fill(
            lang.text("usage.donut_desc"),
            &[
                ("left", &left),
                ("available", &grouped_tokens(balance.available)),
                ("valid", &grouped_tokens(balance.valid_purchased)),
            ],
        )
    } else {
        lang.text("usage.donut_none")
    };
    donut(&Donut {
        id,
        title: &lang.text("usage.donut_title"),
        description: &description,
        left_percent: balance.left_percent,
        colour: balance.colour,
    })
}

pub fn daily_chart(lang: Lang, id: &str, overview: &UsageOverview) -> String {
    let report = &overview.report;
    let texts: Vec<String> = overview.by_day.iter().map(|r| grouped_tokens(r.tokens)).collect();
    let bars: Vec<Bar<'_>> = overview
        .by_day
        .iter()
        .zip(&texts)
        .map(|(row, text)| Bar { label: &row.key, value: row.tokens.to_thousandths(), value_text: text })
        .collect();
    let (from, to) = (report.from.to_string(), report.to.to_string());
    let peak = overview.by_day.iter().max_by(|a, b| a.tokens.cmp(&b.tokens).then(b.key.cmp(&a.key)));
    let description = match peak.filter(|p| p.tokens.is_positive()) {
        Some(peak) => fill(
            lang.text("usage.daily_desc"),
            &[
                ("from", &from),
                ("to", &to),
                ("total", &grouped_tokens(report.total.tokens)),
                ("peak_day", &peak.key),
                ("peak", &grouped_tokens(peak.tokens)),
            ],
        ),
        None => fill(lang.text("usage.daily_none"), &[("from", &from), ("to", &to)]),
    };
    columns(&BarChart {
        id,
        title: &lang.text("usage.daily_title"),
        description: &description,
        unit: &lang.text("usage.unit"),
        bars: &bars,
    })
}

/// The first names as they are and the rest summed into one "others" row.
fn shown_rows(lang: Lang, rows: &[UsageRow]) -> Vec<(String, TokenAmount)> {
    let mut shown: Vec<(String, TokenAmount)> =
        rows.iter().take(RANKED_SHOWN).map(|r| (r.key.clone(), r.tokens)).collect();
    let rest = rows.get(RANKED_SHOWN..).unwrap_or_default();
    if !rest.is_empty() {
        let tokens = TokenAmount::checked_sum(rest.iter().map(|r| r.tokens)).unwrap_or(TokenAmount::ZERO);
        let label = fill(
            lang.text("usage.others"),
            &[("count", &grouped(i64::try_from(rest.len()).unwrap_or(i64::MAX)))],
        );
        shown.push((label, tokens));
    }
    shown
}

/// APIs or developers (`which`: `api` or `developer`) as ranked bars.
pub fn ranked_chart(lang: Lang, id: &str, which: &str, rows: &[UsageRow]) -> String {
    let shown = shown_rows(lang, rows);
    let texts: Vec<String> = shown.iter().map(|(_, t)| grouped_tokens(*t)).collect();
    let bars: Vec<Bar<'_>> = shown
        .iter()
        .zip(&texts)
        .map(|((label, tokens), text)| Bar { label, value: tokens.to_thousandths(), value_text: text })
        .collect();
    let description = match rows.first() {
        Some(top) => fill(
            lang.text(&format!("usage.by_{which}_desc")),
            &[
                ("count", &grouped(i64::try_from(rows.len()).unwrap_or(i64::MAX))),
                ("top", &top.key),
                ("top_tokens", &grouped_tokens(top.tokens)),
            ],
        ),
        None => lang.text("usage.ranked_none"),
    };
    ranked(&BarChart {
        id,
        title: &lang.text(&format!("usage.by_{which}_title")),
        description: &description,
        unit: &lang.text("usage.unit"),
        bars: &bars,
    })
}

fn table(rows: &[UsageRow]) -> Vec<serde_json::Value> {
    rows.iter()
        .map(|r| serde_json::json!({ "key": r.key, "tokens": grouped_tokens(r.tokens), "events": grouped(r.events) }))
        .collect()
}

/// What both pages show: the balance figures and donut, the daily chart and its table, the packs
/// expiring soon. `full` adds the ranked charts, their tables and the token events.
pub fn usage_data(lang: Lang, overview: &UsageOverview, full: bool, now: DateTime<Utc>) -> serde_json::Value {
    let report = &overview.report;
    let tz: Tz = report.time_zone.parse().unwrap_or(chrono_tz::Asia::Tokyo);
    let balance = &report.balance;
    let expiring: Vec<_> = report
        .expiring_90_days
        .iter()
        .map(|p| {
            let days_left = (p.expires_at - now).num_days().max(0);
            serde_json::json!({
                "order_id": p.order_id, "last_day": p.last_day.to_string(), "remaining": grouped_tokens(p.remaining),
                "tokens": grouped_tokens(p.tokens), "days_left": days_left,
            })
        })
        .collect();
    let mut data = serde_json::json!({
        "from": report.from.to_string(), "to": report.to.to_string(), "group_by": report.group_by.as_str(),
        "time_zone": report.time_zone,
        "total": { "tokens": grouped_tokens(report.total.tokens), "events": grouped(report.total.events) },
        "balance": {
            "status": balance.status, "available": grouped_tokens(balance.available),
            "pending": grouped_tokens(balance.pending), "deficit": grouped_tokens(balance.deficit),
            "valid_purchased": grouped_tokens(balance.valid_purchased), "left_percent": balance.left_percent.to_string(),
            "used_percent": balance.used_percent.to_string(), "colour": balance.colour,
        },
        "donut": donut_chart(lang, "balance-donut", balance),
        "daily": daily_chart(lang, "daily-usage", overview),
        "by_day": table(&overview.by_day),
        "expiring": expiring,
    });
    if full {
        let events: Vec<_> = report
            .events
            .iter()
            .map(|e| {
                serde_json::json!({
                    "date": e.date.to_string(), "at": local_time(e.at, tz), "kind": e.kind,
                    "tokens": grouped_tokens(e.tokens), "negative": e.tokens.is_negative(), "reference": e.reference,
                })
            })
            .collect();
        data["by_api_chart"] = ranked_chart(lang, "usage-by-api", "api", &overview.by_api).into();
        data["by_developer_chart"] =
            ranked_chart(lang, "usage-by-developer", "developer", &overview.by_developer).into();
        data["by_api"] = table(&overview.by_api).into();
        data["by_developer"] = table(&overview.by_developer).into();
        data["events"] = events.into();
    }
    data
}
