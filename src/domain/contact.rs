//! Contact details and free text typed by people: e-mail, Autodesk ID, phone, bounded names, width folding.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::error::FieldError;

/// Full-width ASCII (U+FF01..=U+FF5E) and the ideographic space become plain ASCII, as NFKC would,
/// because Japanese input methods type digits, `@` and `T` full-width unless switched off.
pub fn fold_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// Invisible formatting characters that let a name or address display differently from what it is
/// (bidirectional overrides, zero-width joiners, byte order marks).
pub fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// The wording that differs between a plain e-mail field and an Autodesk ID field.
struct AddressKind {
    invalid_code: &'static str,
    required: (&'static str, &'static str),
    invalid: (&'static str, &'static str),
}

const EMAIL: AddressKind = AddressKind {
    invalid_code: "invalid_email",
    required: ("Enter an e-mail address.", "メールアドレスを入力してください。"),
    invalid: (
        "Enter an e-mail address such as name@example.com.",
        "メールアドレスを正しい形式で入力してください（例: name@example.com）",
    ),
};

const AUTODESK_ID: AddressKind = AddressKind {
    invalid_code: "invalid_autodesk_id",
    required: ("Enter the Autodesk ID.", "Autodesk IDを入力してください。"),
    invalid: (
        "Enter the e-mail address used to sign in to Autodesk, such as name@example.com.",
        "Autodeskへのサインインに使うメールアドレスを入力してください（例: name@example.com）",
    ),
};

const MAX_ADDRESS_CHARS: usize = 254;

fn parse_address(
    field: impl Into<Cow<'static, str>>,
    input: &str,
    kind: &AddressKind,
) -> Result<String, FieldError> {
    let folded: String = input.chars().map(fold_width).collect();
    let text = folded.trim();
    if text.is_empty() {
        return Err(FieldError::new(field, "required", kind.required.0, kind.required.1));
    }
    if text.chars().count() > MAX_ADDRESS_CHARS {
        return Err(FieldError::new(
            field,
            "too_long",
            "Use at most 254 characters.",
            "254文字以内で入力してください。",
        ));
    }
    if !address_is_well_formed(text) {
        return Err(FieldError::new(field, kind.invalid_code, kind.invalid.0, kind.invalid.1));
    }
    Ok(text.to_lowercase())
}

/// Deliberately narrower than RFC 5322: quoted local parts and address literals are refused because
/// no reseller or Autodesk account uses them, and the characters they need are the ones that break mail
/// headers and HTML.
fn address_is_well_formed(text: &str) -> bool {
    let refused = |c: char| {
        c.is_whitespace() || c.is_control() || is_invisible_format(c) || "\"(),:;<>[\\]".contains(c)
    };
    if text.chars().count() < 3 || text.chars().any(refused) {
        return false;
    }
    let Some((local, domain)) = text.split_once('@') else { return false };
    if domain.contains('@') || local.is_empty() || local.chars().count() > 64 {
        return false;
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.chars().count() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

macro_rules! address_type {
    ($(#[$meta:meta])* $name:ident, $kind:expr, $default_field:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            pub fn parse(field: impl Into<Cow<'static, str>>, input: &str) -> Result<Self, FieldError> {
                parse_address(field, input, &$kind).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn domain(&self) -> &str {
                self.0.rsplit_once('@').map_or("", |(_, domain)| domain)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                Self::parse($default_field, &text).map_err(|e| serde::de::Error::custom(e.message.en))
            }
        }
    };
}

address_type!(
    /// A lowercased e-mail address.
    Email,
    EMAIL,
    "email"
);
address_type!(
    /// The e-mail address a customer signs in to Autodesk with; kept apart from `Email` so a contact
    /// address is never mistaken for the account tokens are assigned to.
    AutodeskId,
    AUTODESK_ID,
    "autodesk_id"
);

/// A phone number as the person typed it, limited to what dials: digits, spaces, `+ - ( )`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub const MAX_CHARS: usize = 32;

    /// Blank means "not given", since a phone number is optional wherever it is asked for.
    pub fn parse_optional(
        field: impl Into<Cow<'static, str>>,
        input: &str,
    ) -> Result<Option<Self>, FieldError> {
        let folded: String = input.chars().map(fold_width).map(fold_dash).collect();
        let text = folded.trim();
        if text.is_empty() {
            return Ok(None);
        }
        if text.chars().count() > Self::MAX_CHARS {
            return Err(FieldError::new(
                field,
                "too_long",
                "Use at most 32 characters.",
                "32文字以内で入力してください。",
            ));
        }
        let allowed =
            |(i, c): (usize, char)| c.is_ascii_digit() || " -()".contains(c) || (c == '+' && i == 0);
        let digits = text.chars().filter(char::is_ascii_digit).count();
        if !text.chars().enumerate().all(allowed) || digits < 4 {
            return Err(FieldError::new(
                field,
                "invalid_phone",
                "Enter a phone number using digits, spaces and + - ( ).",
                "電話番号は数字・スペース・+ - ( ) で入力してください。",
            ));
        }
        Ok(Some(Self(text.to_owned())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Japanese keyboards produce several dash look-alikes (and the long-vowel mark) between phone digits.
fn fold_dash(c: char) -> char {
    match c {
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{30FC}' | '\u{FF70}' => '-',
        _ => c,
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Single-line text with a length counted in characters, so a 20-character Japanese company name is
/// not charged three times its length.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct BoundedText(String);

impl BoundedText {
    pub fn parse(
        field: impl Into<Cow<'static, str>>,
        input: &str,
        min: usize,
        max: usize,
    ) -> Result<Self, FieldError> {
        let text = input.trim();
        let chars = text.chars().count();
        if chars == 0 && min > 0 {
            return Err(FieldError::new(field, "required", "This field is required.", "入力してください。"));
        }
        if text.chars().any(|c| c.is_control() || is_invisible_format(c)) {
            return Err(FieldError::new(
                field,
                "invalid_characters",
                "Remove line breaks, tabs and invisible control characters.",
                "改行・タブ・制御文字は使用できません。",
            ));
        }
        if chars < min {
            return Err(FieldError::new(
                field,
                "too_short",
                format!("Enter at least {min} characters."),
                format!("{min}文字以上で入力してください。"),
            ));
        }
        if chars > max {
            return Err(FieldError::new(
                field,
                "too_long",
                format!("Use at most {max} characters."),
                format!("{max}文字以内で入力してください。"),
            ));
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

impl fmt::Display for BoundedText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

macro_rules! bounded_name {
    ($(#[$meta:meta])* $name:ident, $min:literal, $max:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(BoundedText);

        impl $name {
            pub const MAX_CHARS: usize = $max;

            pub fn parse(field: impl Into<Cow<'static, str>>, input: &str) -> Result<Self, FieldError> {
                BoundedText::parse(field, input, $min, $max).map(Self)
            }

            pub fn as_str(&self) -> &str {
                self.0.as_str()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

bounded_name!(
    /// A person's name in whatever script they write it.
    PersonName,
    1,
    100
);
bounded_name!(
    /// A company's registered or trading name.
    CompanyName,
    1,
    200
);

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn code<T: fmt::Debug>(result: Result<T, FieldError>) -> &'static str {
        result.map(|v| panic!("accepted {v:?}")).unwrap_or_else(|e| e.code)
    }

    #[test]
    fn emails() {
        let email = Email::parse("email", "  Taro.Yamada@Example.CO.JP ").unwrap();
        assert_eq!(email.as_str(), "taro.yamada@example.co.jp");
        assert_eq!(email.domain(), "example.co.jp");
        assert_eq!(
            Email::parse("email", "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ").unwrap().as_str(),
            "taro@example.jp"
        );
        assert_eq!(code(Email::parse("email", "")), "required");
        for bad in [
            "a@b",
            "no-at.example.com",
            "a@@b.com",
            "a@b@c.com",
            "@b.com",
            "a b@c.com",
            "a@-b.com",
            "a@b..com",
            ".a@b.com",
            "a..b@c.com",
            "a@b\n.com",
            "a\t@b.com",
            "<a@b.com>",
            "a@b.com\u{202E}",
        ] {
            assert_eq!(code(Email::parse("email", bad)), "invalid_email", "{bad:?}");
        }
        let long = format!("{}@{}.com", "a".repeat(64), "b".repeat(200));
        assert_eq!(code(Email::parse("email", &long)), "too_long");
    }

    #[test]
    fn autodesk_id_has_its_own_code_and_wording() {
        let error = AutodeskId::parse("autodesk_id", "not an address").unwrap_err();
        assert_eq!((error.field.as_ref(), error.code), ("autodesk_id", "invalid_autodesk_id"));
        assert!(error.message.ja.contains("Autodesk"));
        assert!(AutodeskId::parse("autodesk_id", "Hanako@Example.com").is_ok());
        let parsed: AutodeskId = serde_json::from_str(r#""USER@example.com""#).unwrap();
        assert_eq!(parsed.as_str(), "user@example.com");
    }

    #[test]
    fn phones() {
        assert_eq!(PhoneNumber::parse_optional("phone", "  "), Ok(None));
        let phone = PhoneNumber::parse_optional("phone", "０３ー１２３４ー５６７８").unwrap().unwrap();
        assert_eq!(phone.as_str(), "03-1234-5678");
        assert!(PhoneNumber::parse_optional("phone", "+81 (3) 1234-5678").unwrap().is_some());
        assert_eq!(code(PhoneNumber::parse_optional("phone", "03+1234")), "invalid_phone");
        assert_eq!(code(PhoneNumber::parse_optional("phone", "call me")), "invalid_phone");
        assert_eq!(code(PhoneNumber::parse_optional("phone", "12")), "invalid_phone");
        assert_eq!(code(PhoneNumber::parse_optional("phone", &"1".repeat(33))), "too_long");
    }

    #[test]
    fn bounded_text_counts_characters() {
        let name = CompanyName::parse("company", " 株式会社サンプル ").unwrap();
        assert_eq!(name.as_str(), "株式会社サンプル");
        assert!(BoundedText::parse("name", "東京太郎", 1, 4).is_ok());
        let error = BoundedText::parse("name", "東京太郎様", 1, 4).unwrap_err();
        assert_eq!((error.code, error.message.ja.as_ref()), ("too_long", "4文字以内で入力してください。"));
        assert_eq!(code(BoundedText::parse("name", "a", 2, 4)), "too_short");
        assert_eq!(code(PersonName::parse("name", "   ")), "required");
        assert_eq!(code(PersonName::parse("name", "a\nb")), "invalid_characters");
        assert_eq!(code(PersonName::parse("name", "abc\u{202E}def")), "invalid_characters");
        assert_eq!(BoundedText::parse("note", "", 0, 10).map(BoundedText::into_inner), Ok(String::new()));
    }
}
