//! The public search answers what it answered when `tests/golden/search/` was written: on the demo
//! directory of seed 7 (2,000 partners, as `flexportal demo-data --partners 2000 --seed 7` writes
//! it) a fixed set of queries gives, byte for byte, the same JSON results and the same search pages
//! in Japanese and in English. Speed work on the search or its pages must not change an answer.
//!
//! What is pinned, and why the comparison can still be exact:
//! - "today" is the portal's clock fixed at [`TODAY`], because Flex eligibility is judged per day;
//! - the language comes from `Accept-Language` on a client that keeps no cookies, so no answer
//!   leans on an earlier one;
//! - partner ids are random UUIDs drawn when the partners are written, so in the JSON each
//!   `"id":"<uuid>"` that is the id of a directory partner is written as `"id":"[id of <slug>]"`;
//!   an id that belongs to no partner is left as it is, and fails the comparison;
//! - an error answer's request id (the `X-Request-Id` of that response) is written `[request-id]`.
//!
//! Anonymous search pages carry no CSRF token, nonce or date, so nothing else is masked. Each
//! page is asked twice, so the kept copy of a page must match as well as its first render.
//!
//! After an intended change of answers or markup, write the files anew and review the diff:
//! `FLEXPORTAL_BLESS=1 cargo test --test api search_golden`.

use std::collections::HashMap;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use rocket::http::{Header, Status};
use rocket::local::asynchronous::Client;

use crate::common::{Options, TestDb, fresh_portal};

const TODAY: &str = "2026-12-01T03:00:00Z";
const PARTNERS: usize = 2_000;
const SEED: u64 = 7;

/// `(file name, query string)`; every query is asked of the JSON API and as a page, in both languages.
const QUERIES: &[(&str, &str)] = &[
    ("landing", ""),
    ("text-kanji-tokyo", "q=%E6%9D%B1%E4%BA%AC"),
    ("text-kanji-osaka-prefecture", "q=%E5%A4%A7%E9%98%AA%E5%BA%9C"),
    ("text-katakana", "q=%E3%82%BD%E3%83%AA%E3%83%A5"),
    ("text-romaji", "q=tokyo"),
    ("text-romaji-fullwidth", "q=%EF%BC%B4%EF%BC%AF%EF%BC%AB%EF%BC%B9%EF%BC%AF"),
    ("text-two-words", "q=aichi+build&flex=false"),
    ("text-english-words", "q=design+solutions"),
    ("text-markup", "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E"),
    ("filter-region", "region=JP-27"),
    ("filter-language", "language=en&flex=false"),
    ("filter-service", "service=training&flex=false"),
    ("filter-country", "country=US&flex=false"),
    ("filter-tier", "tier=silver&flex=false"),
    ("filter-combined", "region=JP-13&language=en&service=flex_tokens&q=%E6%9D%B1%E4%BA%AC"),
    ("flex-on", "flex=true"),
    ("flex-off", "flex=false"),
    ("paging-second-page", "q=tokyo&flex=false&page=2"),
    ("paging-small-pages", "flex=false&per_page=5&page=3"),
    ("paging-past-the-end", "q=tokyo&page=999"),
    ("no-hits", "q=zzqxv"),
    ("no-hits-unknown-region", "region=JP-99"),
    ("invalid-tier", "tier=diamond"),
];

const LANGUAGES: [&str; 2] = ["ja", "en"];

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/search")
}

fn blessing() -> bool {
    std::env::var("FLEXPORTAL_BLESS").is_ok_and(|v| v == "1")
}

/// The portal on a fresh database holding the demo directory, and a client that keeps no cookies.
async fn demo_directory() -> (Client, HashMap<String, String>, TestDb) {
    let today: DateTime<Utc> = TODAY.parse().unwrap();
    let (portal, db) = fresh_portal(&Options { fake_now: Some(today), ..Options::default() }).await;
    flexportal::domain::partners::demo::seed_directory(&portal, PARTNERS, SEED, |_| {}).await.unwrap();
    let ids: HashMap<String, String> = portal
        .directory
        .snapshot()
        .docs()
        .map(|d| d.map(|d| (d.id.to_string(), d.slug)))
        .collect::<Result<_, _>>()
        .unwrap();
    let client = Client::untracked(flexportal::rocket(portal)).await.unwrap();
    (client, ids, db)
}

/// `"id":"<uuid>"` of a directory partner → `"id":"[id of <slug>]"`.
fn name_partner_ids(json: &str, ids: &HashMap<String, String>) -> String {
    const KEY: &str = "\"id\":\"";
    let mut out = String::with_capacity(json.len());
    let mut rest = json;
    while let Some(at) = rest.find(KEY) {
        let (before, after) = rest.split_at(at + KEY.len());
        out.push_str(before);
        match after.get(..36).and_then(|uuid| ids.get(uuid)) {
            Some(slug) => {
                out.push_str(&format!("[id of {slug}]"));
                rest = &after[36..];
            }
            None => rest = after,
        }
    }
    out.push_str(rest);
    out
}

/// Status and body of `path` in `lang`, with the request id of an error answer masked.
async fn answer(client: &Client, path: &str, lang: &'static str) -> (Status, String) {
    let response = client.get(path.to_owned()).header(Header::new("Accept-Language", lang)).dispatch().await;
    let status = response.status();
    let request_id = response.headers().get_one("X-Request-Id").unwrap_or_default().to_owned();
    let body = response.into_string().await.unwrap_or_default();
    let body = if status == Status::Ok || request_id.is_empty() {
        body
    } else {
        body.replace(&request_id, "[request-id]")
    };
    (status, body)
}

#[rocket::async_test]
async fn search_results_and_pages_are_byte_for_byte_the_recorded_ones() {
    let (client, ids, _db) = demo_directory().await;
    if blessing() {
        std::fs::create_dir_all(golden_dir()).unwrap();
    }
    let mut differing = Vec::new();
    for (name, query) in QUERIES {
        let expected_status =
            if name.starts_with("invalid") { Status::UnprocessableEntity } else { Status::Ok };
        let page_path = if query.is_empty() { "/".to_owned() } else { format!("/partners?{query}") };
        for lang in LANGUAGES {
            let (status, json) = answer(&client, &format!("/api/v1/partners?{query}"), lang).await;
            assert_eq!(status, expected_status, "JSON {name} ({lang})");
            let json = name_partner_ids(&json, &ids);
            let (status, first) = answer(&client, &page_path, lang).await;
            assert_eq!(status, expected_status, "page {name} ({lang})");
            let (_, again) = answer(&client, &page_path, lang).await;
            assert_eq!(first, again, "page {name} ({lang}) asked again");
            for (file, body) in
                [(format!("{name}.{lang}.json"), json), (format!("{name}.{lang}.html"), first)]
            {
                let path = golden_dir().join(&file);
                if blessing() {
                    std::fs::write(&path, &body).unwrap();
                } else if std::fs::read_to_string(&path).ok().as_deref() != Some(body.as_str()) {
                    differing.push(file);
                }
            }
        }
    }
    assert!(
        differing.is_empty(),
        "answers differ from tests/golden/search/ ({} files): {differing:?}\n\
         if the change is intended, run with FLEXPORTAL_BLESS=1 and review the diff",
        differing.len()
    );
}

#[test]
fn every_recorded_answer_belongs_to_a_query_of_the_test() {
    // A query dropped from the list must take its files with it, so none goes stale unnoticed.
    let expected: std::collections::BTreeSet<String> = QUERIES
        .iter()
        .flat_map(|(name, _)| {
            LANGUAGES
                .iter()
                .flat_map(move |lang| [format!("{name}.{lang}.json"), format!("{name}.{lang}.html")])
        })
        .collect();
    let Ok(entries) = std::fs::read_dir(golden_dir()) else { return };
    for entry in entries {
        let file = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(expected.contains(&file), "tests/golden/search/{file} belongs to no query");
    }
}
