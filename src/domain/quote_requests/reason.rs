//! Why a request went to a partner, stored as a short code (`chosen`, or
//! `routed:<tier>:<area>:<language>:<open requests>`) and worded in the reader's language when shown.
//! Reasons stored before codes existed are English sentences and are shown as they are.

use crate::domain::region::{Country, Language, Prefecture};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoutingReason {
    /// The customer asked this partner.
    Chosen,
    /// The portal routed the request here.
    Routed { platinum: bool, area: String, language: String, open: u64 },
}

impl RoutingReason {
    pub fn code(&self) -> String {
        match self {
            Self::Chosen => "chosen".to_owned(),
            Self::Routed { platinum, area, language, open } => {
                let tier = if *platinum { "platinum" } else { "gold" };
                format!("routed:{tier}:{area}:{language}:{open}")
            }
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        if code == "chosen" {
            return Some(Self::Chosen);
        }
        let mut parts = code.strip_prefix("routed:")?.split(':');
        let platinum = match parts.next()? {
            "platinum" => true,
            "gold" => false,
            _ => return None,
        };
        let area = parts.next()?.to_owned();
        let language = parts.next()?.to_owned();
        let open = parts.next()?.parse().ok()?;
        parts.next().is_none().then_some(Self::Routed { platinum, area, language, open })
    }

    /// The reason as a sentence in `lang` (`"ja"`, otherwise English).
    pub fn text(&self, lang: &str) -> String {
        let ja = lang == "ja";
        match self {
            Self::Chosen if ja => "お客様が選択".to_owned(),
            Self::Chosen => "chosen by the customer".to_owned(),
            Self::Routed { platinum, area, language, open } => {
                let area_name = Prefecture::from_code(area)
                    .map(|p| if ja { p.name_ja() } else { p.name_en() })
                    .or_else(|| Country::from_code(area).map(|c| c.name(lang)))
                    .unwrap_or(area);
                let language_name = Language::from_code(language).map_or(language.as_str(), |l| l.name(lang));
                match (ja, platinum) {
                    (true, true) => format!(
                        "Flex 特約が有効なプラチナ販売店で、{area_name}・{language_name}に対応（振り分け時の未対応の依頼 {open} 件）"
                    ),
                    (true, false) => format!(
                        "Flex 特約が有効なゴールド販売店で、{area_name}・{language_name}に対応（振り分け時の未対応の依頼 {open} 件）"
                    ),
                    (false, true) => format!(
                        "platinum partner with a current Flex agreement serving {area_name} in {language_name}; {open} open request(s) when routed"
                    ),
                    (false, false) => format!(
                        "gold partner with a current Flex agreement serving {area_name} in {language_name}; {open} open request(s) when routed"
                    ),
                }
            }
        }
    }
}

/// The words for a stored reason in `lang`; a reason stored before codes existed, as it was.
pub fn reason_text(stored: &str, lang: &str) -> String {
    RoutingReason::parse(stored).map_or_else(|| stored.to_owned(), |r| r.text(lang))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_old_sentences_pass_through() {
        let routed =
            RoutingReason::Routed { platinum: false, area: "JP-12".into(), language: "en".into(), open: 3 };
        assert_eq!(routed.code(), "routed:gold:JP-12:en:3");
        assert_eq!(RoutingReason::parse(&routed.code()), Some(routed));
        assert_eq!(reason_text("chosen", "ja"), "お客様が選択");
        assert_eq!(
            reason_text("routed:platinum:JP:ja:0", "en"),
            "platinum partner with a current Flex agreement serving Japan in Japanese; 0 open request(s) when routed"
        );
        assert_eq!(reason_text("chosen by the customer", "ja"), "chosen by the customer");
        assert_eq!(RoutingReason::parse("routed:gold:JP-13:ja:x"), None);
        assert_eq!(RoutingReason::parse("routed:silver:JP-13:ja:1"), None);
    }
}
