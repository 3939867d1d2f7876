//! Places, languages and services chosen from lists: countries, regions and prefectures, languages, services.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::contact::fold_width;
use super::error::FieldError;

/// A closed list with a stable code and a name in each portal language. Codes compare case-insensitively
/// because they arrive from forms, CSV imports and URLs typed by hand.
macro_rules! labeled_enum {
    (
        $(#[$meta:meta])*
        $name:ident {
            unknown: $code:literal, $required_en:literal, $required_ja:literal,
                $unknown_en:literal, $unknown_ja:literal;
            $($variant:ident => $value:literal, $en:literal, $ja:literal;)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn iter() -> impl Iterator<Item = $name> {
                Self::ALL.iter().copied()
            }

            pub fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $value),+
                }
            }

            pub fn name_en(self) -> &'static str {
                match self {
                    $($name::$variant => $en),+
                }
            }

            pub fn name_ja(self) -> &'static str {
                match self {
                    $($name::$variant => $ja),+
                }
            }

            /// The name for a language code, following `Localized::get` (`"ja"` or English).
            pub fn name(self, lang: &str) -> &'static str {
                if lang == "ja" { self.name_ja() } else { self.name_en() }
            }

            pub fn from_code(code: &str) -> Option<Self> {
                let code = code.trim();
                Self::iter().find(|v| v.code().eq_ignore_ascii_case(code))
            }

            pub fn parse(field: impl Into<Cow<'static, str>>, input: &str) -> Result<Self, FieldError> {
                let folded: String = input.chars().map(fold_width).collect();
                if folded.trim().is_empty() {
                    return Err(FieldError::new(field, "required", $required_en, $required_ja));
                }
                let unknown = || FieldError::new(field, $code, $unknown_en, $unknown_ja);
                Self::from_code(&folded).ok_or_else(unknown)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.code())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.code())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let code = String::deserialize(deserializer)?;
                let unknown = || serde::de::Error::custom(format!("unknown code {code:?}"));
                Self::from_code(&code).ok_or_else(unknown)
            }
        }
    };
}

labeled_enum!(
    /// ISO 3166-1 alpha-2 countries the portal serves.
    Country {
        unknown: "unsupported_country", "Choose a country.", "国を選択してください。",
            "Choose a country from the list.", "国をリストから選択してください。";
        Japan => "JP", "Japan", "日本";
        UnitedStates => "US", "United States", "アメリカ合衆国";
        UnitedKingdom => "GB", "United Kingdom", "イギリス";
        Germany => "DE", "Germany", "ドイツ";
        France => "FR", "France", "フランス";
        SouthKorea => "KR", "South Korea", "韓国";
        China => "CN", "China", "中国";
        Taiwan => "TW", "Taiwan", "台湾";
        Singapore => "SG", "Singapore", "シンガポール";
        Australia => "AU", "Australia", "オーストラリア";
        India => "IN", "India", "インド";
        Canada => "CA", "Canada", "カナダ";
        Thailand => "TH", "Thailand", "タイ";
        Vietnam => "VN", "Vietnam", "ベトナム";
        Indonesia => "ID", "Indonesia", "インドネシア";
        Malaysia => "MY", "Malaysia", "マレーシア";
        Philippines => "PH", "Philippines", "フィリピン";
        HongKong => "HK", "Hong Kong", "香港";
        NewZealand => "NZ", "New Zealand", "ニュージーランド";
        Italy => "IT", "Italy", "イタリア";
        Spain => "ES", "Spain", "スペイン";
        Netherlands => "NL", "Netherlands", "オランダ";
        Sweden => "SE", "Sweden", "スウェーデン";
        Switzerland => "CH", "Switzerland", "スイス";
        Brazil => "BR", "Brazil", "ブラジル";
        Mexico => "MX", "Mexico", "メキシコ";
    }
);

labeled_enum!(
    /// Languages a customer or partner can be served in (ISO 639-1).
    Language {
        unknown: "unsupported_language", "Choose a language.", "言語を選択してください。",
            "Choose a language from the list.", "言語をリストから選択してください。";
        Japanese => "ja", "Japanese", "日本語";
        English => "en", "English", "英語";
        Chinese => "zh", "Chinese", "中国語";
        Korean => "ko", "Korean", "韓国語";
        German => "de", "German", "ドイツ語";
        French => "fr", "French", "フランス語";
        Spanish => "es", "Spanish", "スペイン語";
    }
);

labeled_enum!(
    /// What a certified partner offers besides reselling.
    Service {
        unknown: "unknown_service", "Choose a service.", "サービスを選択してください。",
            "Choose a service from the list.", "サービスをリストから選択してください。";
        FlexTokens => "flex_tokens", "Autodesk Flex tokens", "Autodesk Flexトークン";
        ApsConsulting => "aps_consulting", "APS consulting", "APSコンサルティング";
        AppDevelopment => "app_development", "Application development", "アプリケーション開発";
        Training => "training", "Training", "トレーニング";
        Support => "support", "Support", "サポート";
        Implementation => "implementation", "Implementation", "導入支援";
    }
);

/// ISO 3166-2 codes and names of the 47 prefectures, in code order.
#[rustfmt::skip]
const PREFECTURES: [(&str, &str, &str); 47] = [
    ("JP-01", "Hokkaido", "北海道"), ("JP-02", "Aomori", "青森県"), ("JP-03", "Iwate", "岩手県"),
    ("JP-04", "Miyagi", "宮城県"), ("JP-05", "Akita", "秋田県"), ("JP-06", "Yamagata", "山形県"),
    ("JP-07", "Fukushima", "福島県"), ("JP-08", "Ibaraki", "茨城県"), ("JP-09", "Tochigi", "栃木県"),
    ("JP-10", "Gunma", "群馬県"), ("JP-11", "Saitama", "埼玉県"), ("JP-12", "Chiba", "千葉県"),
    ("JP-13", "Tokyo", "東京都"), ("JP-14", "Kanagawa", "神奈川県"), ("JP-15", "Niigata", "新潟県"),
    ("JP-16", "Toyama", "富山県"), ("JP-17", "Ishikawa", "石川県"), ("JP-18", "Fukui", "福井県"),
    ("JP-19", "Yamanashi", "山梨県"), ("JP-20", "Nagano", "長野県"), ("JP-21", "Gifu", "岐阜県"),
    ("JP-22", "Shizuoka", "静岡県"), ("JP-23", "Aichi", "愛知県"), ("JP-24", "Mie", "三重県"),
    ("JP-25", "Shiga", "滋賀県"), ("JP-26", "Kyoto", "京都府"), ("JP-27", "Osaka", "大阪府"),
    ("JP-28", "Hyogo", "兵庫県"), ("JP-29", "Nara", "奈良県"), ("JP-30", "Wakayama", "和歌山県"),
    ("JP-31", "Tottori", "鳥取県"), ("JP-32", "Shimane", "島根県"), ("JP-33", "Okayama", "岡山県"),
    ("JP-34", "Hiroshima", "広島県"), ("JP-35", "Yamaguchi", "山口県"), ("JP-36", "Tokushima", "徳島県"),
    ("JP-37", "Kagawa", "香川県"), ("JP-38", "Ehime", "愛媛県"), ("JP-39", "Kochi", "高知県"),
    ("JP-40", "Fukuoka", "福岡県"), ("JP-41", "Saga", "佐賀県"), ("JP-42", "Nagasaki", "長崎県"),
    ("JP-43", "Kumamoto", "熊本県"), ("JP-44", "Oita", "大分県"), ("JP-45", "Miyazaki", "宮崎県"),
    ("JP-46", "Kagoshima", "鹿児島県"), ("JP-47", "Okinawa", "沖縄県"),
];

/// One of Japan's 47 prefectures, by its position in `PREFECTURES`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Prefecture(usize);

impl Prefecture {
    pub fn iter() -> impl Iterator<Item = Prefecture> {
        (0..PREFECTURES.len()).map(Prefecture)
    }

    /// By JIS number, 1 (Hokkaido) to 47 (Okinawa).
    pub fn from_number(number: u8) -> Option<Self> {
        let index = usize::from(number).checked_sub(1)?;
        (index < PREFECTURES.len()).then_some(Self(index))
    }

    pub fn from_code(code: &str) -> Option<Self> {
        let code = code.trim();
        Self::iter().find(|p| p.code().eq_ignore_ascii_case(code))
    }

    fn row(self) -> (&'static str, &'static str, &'static str) {
        PREFECTURES.get(self.0).copied().unwrap_or(("", "", ""))
    }

    pub fn code(self) -> &'static str {
        self.row().0
    }

    pub fn name_en(self) -> &'static str {
        self.row().1
    }

    pub fn name_ja(self) -> &'static str {
        self.row().2
    }
}

/// An ISO 3166-2 subdivision. Japanese ones must be a real prefecture; elsewhere the code is only checked
/// for shape, since the portal keeps no subdivision lists for other countries.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Region {
    country: Country,
    code: String,
}

impl Region {
    pub fn parse(field: impl Into<Cow<'static, str>>, input: &str) -> Result<Self, FieldError> {
        let folded: String = input.chars().map(fold_width).collect();
        let code = folded.trim().to_ascii_uppercase();
        if code.is_empty() {
            return Err(FieldError::new(field, "required", "Choose a region.", "地域を選択してください。"));
        }
        let parts = code.split_once('-');
        let shaped = parts.is_some_and(|(country, sub)| {
            country.len() == 2
                && country.bytes().all(|b| b.is_ascii_alphabetic())
                && (1..=3).contains(&sub.len())
                && sub.bytes().all(|b| b.is_ascii_alphanumeric())
        });
        let country = parts.and_then(|(country, _)| Country::from_code(country));
        match (shaped, country) {
            (false, _) => Err(FieldError::new(
                field,
                "invalid_region",
                "Enter a region code such as JP-13.",
                "地域コードはJP-13のような形式で入力してください。",
            )),
            (true, None) => Err(FieldError::new(
                field,
                "unsupported_country",
                "This region belongs to a country the portal does not serve.",
                "この地域の国には対応していません。",
            )),
            (true, Some(Country::Japan)) => Prefecture::from_code(&code).map(Self::from).ok_or_else(|| {
                FieldError::new(
                    field,
                    "unknown_prefecture",
                    "Choose a prefecture from the list.",
                    "都道府県をリストから選択してください。",
                )
            }),
            (true, Some(country)) => Ok(Self { country, code }),
        }
    }

    /// As `parse`, but the region must also lie in the country chosen in the same form.
    pub fn parse_in(
        field: impl Into<Cow<'static, str>>,
        input: &str,
        country: Country,
    ) -> Result<Self, FieldError> {
        let field = field.into();
        let region = Self::parse(field.clone(), input)?;
        if region.country != country {
            return Err(FieldError::new(
                field,
                "region_country_mismatch",
                "This region is not in the selected country.",
                "選択した国の地域ではありません。",
            ));
        }
        Ok(region)
    }

    pub fn country(&self) -> Country {
        self.country
    }

    pub fn code(&self) -> &str {
        &self.code
    }

    pub fn prefecture(&self) -> Option<Prefecture> {
        if self.country == Country::Japan { Prefecture::from_code(&self.code) } else { None }
    }

    /// Known only for prefectures; other regions are shown by their code.
    pub fn name(&self, lang: &str) -> Option<&'static str> {
        self.prefecture().map(|p| if lang == "ja" { p.name_ja() } else { p.name_en() })
    }
}

impl From<Prefecture> for Region {
    fn from(prefecture: Prefecture) -> Self {
        Self { country: Country::Japan, code: prefecture.code().to_owned() }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code)
    }
}

impl Serialize for Region {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.code)
    }
}

impl<'de> Deserialize<'de> for Region {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Self::parse("region", &code).map_err(|e| serde::de::Error::custom(e.message.en))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn region_code(input: &str) -> Result<String, &'static str> {
        Region::parse("region", input).map(|r| r.code().to_owned()).map_err(|e| e.code)
    }

    #[test]
    fn lists_are_complete_and_codes_unique() {
        assert_eq!(Country::iter().count(), 26);
        assert_eq!(Language::iter().count(), 7);
        assert_eq!(Service::iter().count(), 6);
        assert_eq!(Prefecture::iter().count(), 47);
        let mut codes: Vec<&str> = Country::iter().map(Country::code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 26);
        for (i, prefecture) in Prefecture::iter().enumerate() {
            assert_eq!(prefecture.code(), format!("JP-{:02}", i + 1));
            assert!(!prefecture.name_en().is_empty() && !prefecture.name_ja().is_empty());
        }
    }

    #[test]
    fn names_in_both_languages() {
        assert_eq!(Country::parse("country", " jp ").map(|c| c.name("ja")), Ok("日本"));
        assert_eq!(Country::parse("country", "ＧＢ").map(|c| c.name("en")), Ok("United Kingdom"));
        assert_eq!(Country::parse("country", "ZZ").map_err(|e| e.code), Err("unsupported_country"));
        assert_eq!(Country::parse("country", "").map_err(|e| e.code), Err("required"));
        assert_eq!(Language::parse("language", "JA").map(Language::name_en), Ok("Japanese"));
        assert_eq!(Language::parse("language", "xx").map_err(|e| e.code), Err("unsupported_language"));
        assert_eq!(Service::from_code("aps_consulting").map(Service::name_ja), Some("APSコンサルティング"));
        assert_eq!(serde_json::to_string(&Service::FlexTokens).unwrap(), r#""flex_tokens""#);
        assert_eq!(serde_json::from_str::<Country>(r#""us""#).unwrap(), Country::UnitedStates);
    }

    #[test]
    fn prefectures() {
        let tokyo = Region::parse("region", "jp-13").unwrap();
        assert_eq!(
            (tokyo.code(), tokyo.name("ja"), tokyo.name("en")),
            ("JP-13", Some("東京都"), Some("Tokyo"))
        );
        assert_eq!(Region::parse("region", "JP-27").unwrap().name("ja"), Some("大阪府"));
        assert_eq!(Prefecture::from_number(1).map(Prefecture::name_ja), Some("北海道"));
        assert_eq!(Prefecture::from_number(47).map(Prefecture::name_en), Some("Okinawa"));
        assert_eq!((Prefecture::from_number(0), Prefecture::from_number(48)), (None, None));
        assert_eq!(region_code("JP-48"), Err("unknown_prefecture"));
        assert_eq!(region_code("JP-1"), Err("unknown_prefecture"));
    }

    #[test]
    fn other_regions_by_shape() {
        assert_eq!(region_code("us-ca"), Ok("US-CA".to_owned()));
        assert_eq!(region_code("GB-ENG"), Ok("GB-ENG".to_owned()));
        assert_eq!(region_code("FR-75"), Ok("FR-75".to_owned()));
        assert_eq!(Region::parse("region", "DE-BY").unwrap().name("en"), None);
        for bad in ["US", "US-", "US-CALI", "USA-CA", "U1-CA", "US-C A", "US_CA"] {
            assert_eq!(region_code(bad), Err("invalid_region"), "{bad}");
        }
        assert_eq!(region_code("ZZ-AB"), Err("unsupported_country"));
        assert_eq!(region_code(""), Err("required"));
        let error = Region::parse_in("region", "US-CA", Country::Japan).unwrap_err();
        assert_eq!((error.field.as_ref(), error.code), ("region", "region_country_mismatch"));
        assert!(Region::parse_in("region", "JP-01", Country::Japan).is_ok());
    }
}
