//! The Japanese qualified-invoice issuer registration number (`T` + a 13-digit corporate number).

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::contact::fold_width;
use super::error::FieldError;

/// Always `T` followed by 13 ASCII digits whose first digit checks the other twelve.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegistrationNumber(String);

impl RegistrationNumber {
    /// Accepts `t`, full-width `Ｔ７０００…` and surrounding spaces, as people copy the number from PDFs
    /// and type it with a Japanese input method.
    pub fn parse(field: impl Into<Cow<'static, str>>, input: &str) -> Result<Self, FieldError> {
        let folded: String = input.chars().map(fold_width).collect();
        let text = folded.trim();
        if text.is_empty() {
            return Err(FieldError::new(
                field,
                "required",
                "Enter the registration number.",
                "登録番号を入力してください。",
            ));
        }
        let Some(digit_text) = text.strip_prefix(['T', 't']) else {
            return Err(FieldError::new(
                field,
                "missing_prefix",
                "Start the registration number with T (e.g. T1234567890123).",
                "登録番号は先頭に「T」を付けて入力してください（例: T1234567890123）",
            ));
        };
        if !digit_text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FieldError::new(
                field,
                "not_digits",
                "After the T, enter digits only.",
                "「T」の後は数字のみで入力してください。",
            ));
        }
        let Ok([check, base @ ..]) = <&[u8; 13]>::try_from(digit_text.as_bytes()) else {
            return Err(FieldError::new(
                field,
                "wrong_length",
                "Enter T followed by exactly 13 digits.",
                "「T」に続けて13桁の数字を入力してください。",
            ));
        };
        if Some(check - b'0') != check_digit(base) {
            return Err(FieldError::new(
                field,
                "wrong_check_digit",
                "This registration number does not exist; please check it for typing mistakes.",
                "登録番号が正しくありません。入力内容に誤りがないかご確認ください。",
            ));
        }
        Ok(Self(format!("T{digit_text}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 13-digit corporate number (法人番号) without the `T`.
    pub fn corporate_number(&self) -> &str {
        self.0.get(1..).unwrap_or_default()
    }
}

/// The corporate-number check digit: `9 − (Σ Pᵢ × Qᵢ mod 9)`, where Pᵢ is the i-th of the twelve base digits
/// counted from the right and Qᵢ is 1 for odd i, 2 for even i. `None` unless given twelve ASCII digits.
pub fn check_digit(base: &[u8]) -> Option<u8> {
    if base.len() != 12 || !base.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = base
        .iter()
        .rev()
        .enumerate()
        .map(|(i, digit)| u32::from(digit - b'0') * if i.is_multiple_of(2) { 1 } else { 2 })
        .sum();
    // The sum is at most 12 × 9 × 2, so the remainder and the digit both fit a u8.
    u8::try_from(9 - sum % 9).ok()
}

impl fmt::Display for RegistrationNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for RegistrationNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for RegistrationNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse("registration_number", &text).map_err(|e| serde::de::Error::custom(e.message.en))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const VALID: &str = "T7000012050002";

    fn code(input: &str) -> &'static str {
        RegistrationNumber::parse("registration_number", input)
            .map(|n| panic!("accepted {n}"))
            .unwrap_or_else(|e| e.code)
    }

    #[test]
    fn known_number_is_valid() {
        // Base 000012050002 from the right: 2·1 + 0·2 + 0·1 + 0·2 + 5·1 + 0·2 + 2·1 + 1·2 + 0… = 11;
        // 11 mod 9 = 2; 9 − 2 = 7, the leading digit.
        assert_eq!(check_digit(b"000012050002"), Some(7));
        let number = RegistrationNumber::parse("registration_number", VALID).unwrap();
        assert_eq!((number.as_str(), number.corporate_number()), (VALID, "7000012050002"));
    }

    #[test]
    fn folded_and_lowercase_input() {
        for input in ["Ｔ７００００１２０５０００２", " t7000012050002 ", "\u{3000}T7000012050002\u{3000}"]
        {
            let parsed = RegistrationNumber::parse("registration_number", input).map(|n| n.to_string());
            assert_eq!(parsed, Ok(VALID.to_owned()), "{input:?}");
        }
        assert_eq!(code("Ｔ７０００ ０１２０５０００２"), "not_digits");
    }

    #[test]
    fn each_failure_has_its_own_code() {
        assert_eq!(code(""), "required");
        assert_eq!(code("7000012050002"), "missing_prefix");
        assert_eq!(code("X7000012050002"), "missing_prefix");
        assert_eq!(code("T70000120500O2"), "not_digits");
        assert_eq!(code("T7000-0120-50002"), "not_digits");
        assert_eq!(code("T700001205000"), "wrong_length");
        assert_eq!(code("T70000120500020"), "wrong_length");
        assert_eq!(code("T"), "wrong_length");
        assert_eq!(code("T8000012050002"), "wrong_check_digit");
    }

    /// Every single-digit substitution is caught except one kind: the check digit works modulo 9, so
    /// turning a base digit 0 into 9 or 9 into 0 changes the weighted sum by 9 or 18 and goes unnoticed.
    /// That is a property of the official scheme, not of this parser; the test pins it down exactly.
    #[test]
    fn single_digit_changes_are_refused_except_nine_for_zero() {
        let digits: Vec<u8> = VALID.bytes().skip(1).collect();
        let mut undetected = Vec::new();
        for position in 0..digits.len() {
            for replacement in b'0'..=b'9' {
                if replacement == digits[position] {
                    continue;
                }
                let mut changed = digits.clone();
                changed[position] = replacement;
                let input = format!("T{}", String::from_utf8_lossy(&changed));
                match RegistrationNumber::parse("registration_number", &input) {
                    Err(error) => assert_eq!(error.code, "wrong_check_digit", "{input}"),
                    Ok(_) => undetected.push((position, digits[position], replacement)),
                }
            }
        }
        assert!(!undetected.is_empty());
        for (position, from, to) in undetected {
            assert!(position > 0, "a changed check digit is always caught");
            assert_eq!((from.min(to), from.max(to)), (b'0', b'9'));
        }
    }

    #[test]
    fn serde_roundtrip() {
        let json = serde_json::to_string(&RegistrationNumber::parse("r", VALID).unwrap()).unwrap();
        assert_eq!(json, format!("\"{VALID}\""));
        assert!(serde_json::from_str::<RegistrationNumber>("\"T7000012050003\"").is_err());
    }
}
