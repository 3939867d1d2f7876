//! How the workspace pages show things: times in a time zone, token counts, place and language
//! names, field errors keyed by form field, notices after a redirect, and the reply of a form post.

use crate::web::pagination::query_value;
use crate::web::view::Template;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rocket::Responder;
use rocket::http::Status;
use rocket::response::Redirect;

use crate::domain::error::FieldError;
use crate::domain::region::{Country, Language, Region};
use crate::web::error::field_errors;
use crate::web::i18n::Lang;
use crate::web::page::Page;

/// Where times without a customer are shown (the portal's home market).
pub const DEFAULT_TIME_ZONE: Tz = chrono_tz::Asia::Tokyo;

/// What a form post answers: a redirect after success, or the page again with what went wrong.
#[derive(Responder)]
pub enum FormReply {
    Done(Redirect),
    Again((Status, Template)),
}

pub fn local_time(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%Y-%m-%d %H:%M %Z").to_string()
}

/// `12345` → `12,345`.
pub fn grouped(number: i64) -> String {
    let digits = number.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if number < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A token amount with its whole part grouped: `12345.5` → `12,345.5`.
pub fn grouped_tokens(amount: crate::domain::tokens::TokenAmount) -> String {
    grouped_decimal(&amount.to_string())
}

/// A plain decimal with its whole part grouped: `3000000` → `3,000,000`, `-1234.25` → `-1,234.25`.
pub fn grouped_decimal(text: &str) -> String {
    let (whole, fraction) = text.split_once('.').map_or((text, None), |(w, f)| (w, Some(f)));
    let grouped = whole.parse::<i64>().map_or_else(|_| whole.to_owned(), grouped);
    let grouped = if grouped == "0" && whole.starts_with('-') { "-0".to_owned() } else { grouped };
    match fraction {
        Some(fraction) => format!("{grouped}.{fraction}"),
        None => grouped,
    }
}

/// A day as `YYYY-MM-DD` in a time zone.
pub fn local_date(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%Y-%m-%d").to_string()
}

pub fn country_name(code: &str, lang: Lang) -> String {
    Country::from_code(code).map_or_else(|| code.to_owned(), |c| c.name(lang.code()).to_owned())
}

pub fn language_name(code: &str, lang: Lang) -> String {
    Language::from_code(code).map_or_else(|| code.to_owned(), |l| l.name(lang.code()).to_owned())
}

pub fn region_name(code: &str, lang: Lang) -> String {
    Region::parse("region", code)
        .ok()
        .and_then(|r| r.name(lang.code()))
        .map_or_else(|| code.to_owned(), str::to_owned)
}

/// The first message for each form field, with API field names mapped onto form names by `field`.
pub fn errors_by_field(
    errors: &[FieldError],
    lang: Lang,
    field: impl Fn(&str) -> String,
) -> serde_json::Map<String, serde_json::Value> {
    let mut map = serde_json::Map::new();
    for e in field_errors(errors, lang) {
        map.entry(field(&e.field)).or_insert(serde_json::Value::String(e.message));
    }
    map
}

/// The text confirming what a redirect reported (`?done=sent`), only for the outcomes a page knows.
pub fn notice(page: &Page, section: &str, done: Option<&str>, known: &[&str]) -> Option<String> {
    let done = done.filter(|d| known.contains(d))?;
    Some(page.text(&format!("{section}.done_{done}")))
}

/// Query text for a pager link that keeps the list's filters (`status=new&`).
pub fn pager_params(params: &[(&str, Option<&str>)]) -> String {
    params
        .iter()
        .filter_map(|(name, value)| {
            value.filter(|v| !v.is_empty()).map(|v| format!("{name}={}&", query_value(v)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_counts_are_grouped_by_thousands() {
        assert_eq!(grouped(100), "100");
        assert_eq!(grouped(1_000), "1,000");
        assert_eq!(grouped(1_000_000), "1,000,000");
        assert_eq!(grouped(-12_345), "-12,345");
    }

    #[test]
    fn token_amounts_group_their_whole_part() {
        use crate::domain::tokens::TokenAmount;
        assert_eq!(grouped_tokens(TokenAmount::from_thousandths(12_345_500)), "12,345.5");
        assert_eq!(grouped_tokens(TokenAmount::from_thousandths(-1)), "-0.001");
        assert_eq!(grouped_tokens(TokenAmount::from_thousandths(-1_000_000)), "-1,000");
    }

    #[test]
    fn pager_links_keep_filters_percent_encoded() {
        assert_eq!(pager_params(&[("status", Some("new")), ("q", None)]), "status=new&");
        assert_eq!(pager_params(&[("q", Some("東京 & co"))]), "q=%E6%9D%B1%E4%BA%AC%20%26%20co&");
    }

    #[test]
    fn times_are_shown_in_the_given_zone() {
        let at = DateTime::parse_from_rfc3339("2026-03-31T15:30:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(local_time(at, DEFAULT_TIME_ZONE), "2026-04-01 00:30 JST");
        assert_eq!(local_time(at, chrono_tz::America::New_York), "2026-03-31 11:30 EDT");
    }
}
