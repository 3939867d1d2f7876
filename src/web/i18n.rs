//! The visitor's language (`?lang=`, then the `lang` cookie, then `Accept-Language`; Japanese by
//! default) and the text catalogues the templates read as `tr`.

use std::sync::LazyLock;

use rocket::http::{Cookie, SameSite};
use rocket::request::{FromRequest, Outcome, Request};

static JA: LazyLock<serde_json::Value> = LazyLock::new(|| parse(include_str!("i18n/ja.toml")));
static EN: LazyLock<serde_json::Value> = LazyLock::new(|| parse(include_str!("i18n/en.toml")));

fn parse(text: &str) -> serde_json::Value {
    // The catalogues are compiled in and checked by a test, so a parse failure cannot reach users.
    toml::from_str(text).unwrap_or_default()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Ja,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "ja" => Some(Lang::Ja),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn catalog(self) -> &'static serde_json::Value {
        match self {
            Lang::Ja => &JA,
            Lang::En => &EN,
        }
    }

    /// One text by dotted key (`"errors.not_found"`), or the key itself when missing.
    pub fn text(self, key: &str) -> String {
        key.split('.')
            .try_fold(self.catalog(), |node, part| node.get(part))
            .and_then(|v| v.as_str())
            .map_or_else(|| key.to_owned(), str::to_owned)
    }

    fn from_accept_language(header: &str) -> Option<Lang> {
        header
            .split(',')
            .filter_map(|part| part.split(';').next())
            .find_map(|tag| Lang::parse(tag.trim().split('-').next().unwrap_or_default()))
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Lang {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        Outcome::Success(lang_of(req))
    }
}

/// The language of this request (detected once, then cached for the request).
pub fn lang_of(req: &Request<'_>) -> Lang {
    *req.local_cache(|| detect(req))
}

fn detect(req: &Request<'_>) -> Lang {
    if let Some(lang) = req.query_value::<&str>("lang").and_then(Result::ok).and_then(Lang::parse) {
        let cookie = Cookie::build(("lang", lang.code())).path("/").same_site(SameSite::Lax).http_only(true);
        req.cookies().add(cookie);
        return lang;
    }
    if let Some(lang) = req.cookies().get("lang").and_then(|c| Lang::parse(c.value())) {
        return lang;
    }
    req.headers().get_one("Accept-Language").and_then(Lang::from_accept_language).unwrap_or(Lang::Ja)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(value: &serde_json::Value, prefix: &str, out: &mut Vec<String>) {
        if let Some(map) = value.as_object() {
            for (k, v) in map {
                keys(v, &format!("{prefix}{k}."), out);
            }
        } else {
            out.push(prefix.trim_end_matches('.').to_owned());
        }
    }

    #[test]
    fn both_catalogues_parse_and_have_the_same_keys() {
        let ja: serde_json::Value = toml::from_str(include_str!("i18n/ja.toml")).unwrap();
        let en: serde_json::Value = toml::from_str(include_str!("i18n/en.toml")).unwrap();
        let (mut ja_keys, mut en_keys) = (Vec::new(), Vec::new());
        keys(&ja, "", &mut ja_keys);
        keys(&en, "", &mut en_keys);
        ja_keys.sort();
        en_keys.sort();
        assert!(ja_keys.len() > 20);
        assert_eq!(ja_keys, en_keys);
    }

    #[test]
    fn accept_language_picks_the_first_supported_language() {
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9,ja;q=0.8"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("fr-FR, ja;q=0.5"), Some(Lang::Ja));
        assert_eq!(Lang::from_accept_language("fr"), None);
    }
}
