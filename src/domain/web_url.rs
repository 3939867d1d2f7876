//! Web addresses shown as links (a partner's site): absolute http(s) URLs with a host, nothing scriptable.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::contact::is_invisible_format;
use super::error::FieldError;

/// Scheme and host are lowercased so equal addresses compare equal; path, query and fragment are kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WebUrl {
    url: String,
    host: String,
}

impl WebUrl {
    pub const MAX_CHARS: usize = 2048;

    /// Refuses every scheme but http and https, so a stored link can never run script (`javascript:`),
    /// embed content (`data:`) or leave the web (`ftp:`, `file:`). User info (`https://a.com@b.com`) is
    /// refused too: it makes a link read as one site while going to another.
    pub fn parse(field: impl Into<Cow<'static, str>>, input: &str) -> Result<Self, FieldError> {
        let error = |field, code, en, ja| Err(FieldError::new(field, code, en, ja));
        let text = input.trim();
        if text.is_empty() {
            return error(field.into(), "required", "Enter a web address.", "URLを入力してください。");
        }
        if text.chars().count() > Self::MAX_CHARS {
            return error(
                field.into(),
                "too_long",
                "Use at most 2,048 characters.",
                "2,048文字以内で入力してください。",
            );
        }
        let refused =
            |c: char| c.is_whitespace() || c.is_control() || is_invisible_format(c) || "<>\"`\\".contains(c);
        if text.chars().any(refused) {
            return error(
                field.into(),
                "invalid_characters",
                "Remove spaces and characters such as < > \" \\ from the address.",
                "URLにスペースや < > \" \\ などの文字は使用できません。",
            );
        }
        let (scheme, rest) = text.split_once(':').unwrap_or(("", text));
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            let looks_like_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'-')
                && !rest.starts_with(|c: char| c.is_ascii_digit());
            return if looks_like_scheme {
                error(
                    field.into(),
                    "unsupported_scheme",
                    "Only addresses starting with http:// or https:// are accepted.",
                    "http:// または https:// で始まるURLを入力してください。",
                )
            } else {
                error(
                    field.into(),
                    "missing_scheme",
                    "Start the address with https:// (e.g. https://example.com).",
                    "URLは https:// から始めて入力してください（例: https://example.com）。",
                )
            };
        }
        let missing_host = (
            "missing_host",
            "Enter the full address including the host, e.g. https://example.com.",
            "https://example.com のようにホスト名を含めて入力してください。",
        );
        let Some(after) = rest.strip_prefix("//") else {
            return error(field.into(), missing_host.0, missing_host.1, missing_host.2);
        };
        let (authority, tail) = after.split_at(after.find(['/', '?', '#']).unwrap_or(after.len()));
        if authority.contains('@') {
            return error(
                field.into(),
                "credentials_not_allowed",
                "Remove the user name or password before the @.",
                "URLの「@」より前にあるユーザー名やパスワードを削除してください。",
            );
        }
        let (host, port) = split_host_port(authority);
        if host.is_empty() {
            return error(field.into(), missing_host.0, missing_host.1, missing_host.2);
        }
        if !host_is_valid(host) {
            return error(
                field.into(),
                "invalid_host",
                "Enter a valid host name, e.g. example.com.",
                "ホスト名が正しくありません（例: example.com）",
            );
        }
        if port.is_some_and(|port| !port_is_valid(port)) {
            return error(
                field.into(),
                "invalid_port",
                "The port must be a number from 1 to 65535.",
                "ポート番号は1〜65535の数値で入力してください。",
            );
        }
        if !percent_escapes_are_valid(tail) {
            return error(
                field.into(),
                "invalid_characters",
                "Each % in the address must be followed by two hexadecimal digits.",
                "URL内の「%」の後には16進数2桁が必要です。",
            );
        }
        let host = host.to_lowercase();
        let port = port.map(|port| format!(":{port}")).unwrap_or_default();
        Ok(Self { url: format!("{scheme}://{host}{port}{tail}"), host })
    }

    pub fn as_str(&self) -> &str {
        &self.url
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    pub fn is_https(&self) -> bool {
        self.url.starts_with("https:")
    }
}

fn split_host_port(authority: &str) -> (&str, Option<&str>) {
    if authority.starts_with('[') {
        return match authority.find(']') {
            Some(end) => {
                let (host, rest) = authority.split_at(end + 1);
                (host, rest.strip_prefix(':').or(if rest.is_empty() { None } else { Some(rest) }))
            }
            None => (authority, None),
        };
    }
    match authority.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    }
}

/// A DNS name (internationalised labels allowed), an IPv4 address, or a bracketed IPv6 address.
fn host_is_valid(host: &str) -> bool {
    if let Some(inner) = host.strip_prefix('[') {
        let Some(inner) = inner.strip_suffix(']') else { return false };
        return inner.contains(':') && inner.bytes().all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
    }
    host.chars().count() <= 253
        && host.split('.').all(|label| {
            (1..=63).contains(&label.chars().count())
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

fn port_is_valid(port: &str) -> bool {
    !port.is_empty()
        && port.len() <= 5
        && port.bytes().all(|b| b.is_ascii_digit())
        && port.parse::<u16>().is_ok_and(|port| port > 0)
}

fn percent_escapes_are_valid(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'%')
        .all(|(i, _)| bytes.get(i + 1..i + 3).is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)))
}

impl fmt::Display for WebUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.url)
    }
}

impl Serialize for WebUrl {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.url)
    }
}

impl<'de> Deserialize<'de> for WebUrl {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse("url", &text).map_err(|e| serde::de::Error::custom(e.message.en))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(input: &str) -> Result<String, &'static str> {
        WebUrl::parse("website", input).map(|u| u.to_string()).map_err(|e| e.code)
    }

    #[test]
    fn accepted_and_normalised() {
        assert_eq!(parse("https://example.com"), Ok("https://example.com".to_owned()));
        assert_eq!(
            parse(" HTTPS://Example.COM/Path?Q=1#Top "),
            Ok("https://example.com/Path?Q=1#Top".to_owned())
        );
        assert_eq!(parse("http://localhost:8080/x"), Ok("http://localhost:8080/x".to_owned()));
        assert_eq!(parse("https://例え.jp/パス"), Ok("https://例え.jp/パス".to_owned()));
        assert_eq!(parse("https://[::1]:8443/"), Ok("https://[::1]:8443/".to_owned()));
        assert_eq!(parse("https://192.0.2.1/a%20b"), Ok("https://192.0.2.1/a%20b".to_owned()));
        let url = WebUrl::parse("website", "https://Acme.example/").unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((url.host(), url.is_https()), ("acme.example", true));
    }

    #[test]
    fn refused_schemes() {
        for bad in [
            "javascript:alert(1)",
            "JavaScript://%0aalert(1)",
            "data:text/html,<b>",
            "ftp://example.com",
            "file:///etc/passwd",
            "mailto:a@b.com",
        ] {
            let code = parse(bad).err();
            assert!(
                code == Some("unsupported_scheme") || code == Some("invalid_characters"),
                "{bad}: {code:?}"
            );
        }
        assert_eq!(parse("javascript:alert(1)"), Err("unsupported_scheme"));
        assert_eq!(parse("data:text/plain,hi"), Err("unsupported_scheme"));
        assert_eq!(parse("example.com"), Err("missing_scheme"));
        assert_eq!(parse("example.com:8080/x"), Err("missing_scheme"));
        assert_eq!(parse("www.example.com/path"), Err("missing_scheme"));
    }

    #[test]
    fn refused_shapes() {
        assert_eq!(parse(""), Err("required"));
        assert_eq!(parse(&format!("https://example.com/{}", "a".repeat(2048))), Err("too_long"));
        assert_eq!(parse("https://exa mple.com"), Err("invalid_characters"));
        assert_eq!(parse("https://example.com/\u{0}"), Err("invalid_characters"));
        assert_eq!(parse("https://example.com\\@evil.com"), Err("invalid_characters"));
        assert_eq!(parse("https://example.com/%zz"), Err("invalid_characters"));
        assert_eq!(parse("https:example.com"), Err("missing_host"));
        assert_eq!(parse("https://"), Err("missing_host"));
        assert_eq!(parse("https:///path"), Err("missing_host"));
        assert_eq!(parse("https://user:pw@example.com"), Err("credentials_not_allowed"));
        assert_eq!(parse("https://-bad.com"), Err("invalid_host"));
        assert_eq!(parse("https://a..com"), Err("invalid_host"));
        assert_eq!(parse("https://a_b.com"), Err("invalid_host"));
        assert_eq!(parse("https://[::1"), Err("invalid_host"));
        assert_eq!(parse("https://example.com:0"), Err("invalid_port"));
        assert_eq!(parse("https://example.com:65536"), Err("invalid_port"));
        assert_eq!(parse("https://example.com:"), Err("invalid_port"));
        assert_eq!(parse("https://[::1]x"), Err("invalid_port"));
    }
}
