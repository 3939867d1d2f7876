//! URL-safe identifiers (`acme-cad`): lowercase a–z, 0–9 and single inner hyphens, 2 to 64 characters.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::contact::fold_width;
use super::error::FieldError;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slug(String);

impl Slug {
    pub const MIN_CHARS: usize = 2;
    pub const MAX_CHARS: usize = 64;

    /// Uppercase ASCII and full-width letters are folded rather than refused: the slug is an address,
    /// and `Acme` and `acme` must never become two different partners.
    pub fn parse(field: impl Into<Cow<'static, str>>, input: &str) -> Result<Self, FieldError> {
        let folded: String = input.chars().map(fold_width).collect();
        let text = folded.trim().to_ascii_lowercase();
        if text.is_empty() {
            return Err(FieldError::new(field, "required", "Enter a slug.", "スラッグを入力してください。"));
        }
        if !text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
            return Err(FieldError::new(
                field,
                "invalid_characters",
                "Use only letters a–z, digits and hyphens.",
                "半角英小文字・数字・ハイフンのみ使用できます。",
            ));
        }
        if text.len() < Self::MIN_CHARS {
            return Err(FieldError::new(
                field,
                "too_short",
                "Use at least 2 characters.",
                "2文字以上で入力してください。",
            ));
        }
        if text.len() > Self::MAX_CHARS {
            return Err(FieldError::new(
                field,
                "too_long",
                "Use at most 64 characters.",
                "64文字以内で入力してください。",
            ));
        }
        if text.starts_with('-') || text.ends_with('-') || text.contains("--") {
            return Err(FieldError::new(
                field,
                "invalid_hyphen",
                "Hyphens cannot start or end the slug or appear twice in a row.",
                "ハイフンは先頭・末尾に置けず、連続して使用することもできません。",
            ));
        }
        Ok(Self(text))
    }

    /// A slug derived from a name (`"Acme CAD, Inc."` → `acme-cad-inc`), or `None` when too little of the
    /// name is ASCII (a Japanese company name), in which case the operator has to choose one.
    pub fn suggest(name: &str) -> Option<Self> {
        let mut slug = String::new();
        for c in name.chars().map(fold_width) {
            if c.is_ascii_alphanumeric() {
                slug.push(c.to_ascii_lowercase());
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        slug.truncate(Self::MAX_CHARS);
        Self::parse("slug", slug.trim_end_matches('-')).ok()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Slug {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Slug {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse("slug", &text).map_err(|e| serde::de::Error::custom(e.message.en))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parse(input: &str) -> Result<String, &'static str> {
        Slug::parse("slug", input).map(|s| s.as_str().to_owned()).map_err(|e| e.code)
    }

    #[test]
    fn accepted() {
        assert_eq!(parse("acme-cad"), Ok("acme-cad".to_owned()));
        assert_eq!(parse(" Acme-CAD "), Ok("acme-cad".to_owned()));
        assert_eq!(parse("ａｃｍｅ"), Ok("acme".to_owned()));
        assert_eq!(parse("a1"), Ok("a1".to_owned()));
        assert_eq!(parse(&"a".repeat(64)).map(|s| s.len()), Ok(64));
    }

    #[test]
    fn refused() {
        assert_eq!(parse(""), Err("required"));
        assert_eq!(parse("a"), Err("too_short"));
        assert_eq!(parse(&"a".repeat(65)), Err("too_long"));
        for bad in ["acme_cad", "acme cad", "acmé", "エーシー", "a/b", "a.b"] {
            assert_eq!(parse(bad), Err("invalid_characters"), "{bad}");
        }
        for bad in ["-acme", "acme-", "acme--cad", "--"] {
            assert_eq!(parse(bad), Err("invalid_hyphen"), "{bad}");
        }
    }

    #[test]
    fn suggestions() {
        let suggest = |name| Slug::suggest(name).map(|s| s.to_string());
        assert_eq!(suggest("Acme CAD, Inc."), Some("acme-cad-inc".to_owned()));
        assert_eq!(suggest("  --Foo__Bar--  "), Some("foo-bar".to_owned()));
        assert_eq!(suggest("株式会社サンプル"), None);
        assert_eq!(suggest("株式会社ABC"), Some("abc".to_owned()));
        assert_eq!(suggest(&"ab ".repeat(40)).map(|s| s.len() <= 64 && !s.ends_with('-')), Some(true));
    }

    proptest! {
        #[test]
        fn suggestions_always_parse(name in "\\PC{0,100}") {
            if let Some(slug) = Slug::suggest(&name) {
                prop_assert_eq!(Slug::parse("slug", slug.as_str()), Ok(slug));
            }
        }
    }
}
