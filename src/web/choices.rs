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
