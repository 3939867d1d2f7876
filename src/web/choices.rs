//! The option lists that forms offer (countries, prefectures, languages, services, tiers), with
//! their names in the visitor's language, in the shape the templates loop over: `{code, name}`.

use serde::Serialize;
use serde_json::Value;

use super::i18n::Lang;
use crate::domain::partners::Tier;
use crate::domain::region::{Country, Language, Prefecture, Service};

#[derive(Serialize)]
struct Choice {
    code: &'static str,
    name: &'static str,
}

fn list(items: impl Iterator<Item = Choice>) -> Value {
    Value::Array(items.map(|c| serde_json::json!(c)).collect())
}

pub fn countries(lang: Lang) -> Value {
    list(Country::iter().map(|c| Choice { code: c.code(), name: c.name(lang.code()) }))
}

pub fn prefectures(lang: Lang) -> Value {
    list(
        Prefecture::iter().map(|p| Choice {
            code: p.code(),
            name: if lang == Lang::Ja { p.name_ja() } else { p.name_en() },
        }),
    )
}

pub fn languages(lang: Lang) -> Value {
    list(Language::iter().map(|c| Choice { code: c.code(), name: c.name(lang.code()) }))
}

pub fn services(lang: Lang) -> Value {
    list(Service::iter().map(|c| Choice { code: c.code(), name: c.name(lang.code()) }))
}

/// Tier codes; templates name them through the `tiers` catalogue section.
pub fn tiers() -> Value {
    Value::Array(Tier::ALL.iter().map(|t| Value::from(t.as_str())).collect())
}

/// A region as an operator may type it: an ISO 3166-2 code (`JP-12`), or a prefecture's name in
/// Japanese or English (`千葉県`, `千葉`, `Chiba`) → its code. Anything else is passed on as typed, for
/// the domain's parser to refuse with the field named.
pub fn region_code(typed: &str) -> String {
    let typed = typed.trim();
    let bare = |name: &'static str| name.strip_suffix(['都', '府', '県']).unwrap_or(name);
    Prefecture::iter()
        .find(|p| {
            typed == p.name_ja() || typed == bare(p.name_ja()) || typed.eq_ignore_ascii_case(p.name_en())
        })
        .map_or_else(|| typed.to_owned(), |p| p.code().to_owned())
}

/// Whether `code` is one of Japan's prefectures (the ones the forms offer as a list).
pub fn is_prefecture(code: &str) -> bool {
    Prefecture::iter().any(|p| p.code() == code)
}
