//! The vocabulary of generated demo partners: places, name parts, phrases and the weights that
//! make a directory look like Japan's reseller channel (dense in the big cities, present everywhere).

/// Relative weight of each prefecture in JIS order (Hokkaido first): roughly the population in
/// hundreds of thousands, with Tokyo, Osaka and Aichi raised because resellers cluster there.
#[rustfmt::skip]
pub const PREFECTURE_WEIGHTS: [u32; 47] = [
    52, 12, 12, 23, 10, 11, 18, 29, 19, 19, 73, 63, 300, 92, 22, 10, 11, 8, 8, 20, 20, 36, 100, 18,
    14, 26, 120, 55, 13, 9, 6, 7, 19, 28, 13, 7, 10, 13, 7, 51, 8, 13, 17, 11, 11, 16, 15,
];

/// A city abroad: its country, ISO 3166-2 region and name in English and Japanese.
pub struct City {
    pub country: &'static str,
    pub region: &'static str,
    pub en: &'static str,
    pub ja: &'static str,
}

#[rustfmt::skip]
pub const CITIES: [City; 21] = [
    City { country: "US", region: "US-CA", en: "San Francisco", ja: "サンフランシスコ" },
    City { country: "US", region: "US-NY", en: "New York", ja: "ニューヨーク" },
    City { country: "US", region: "US-WA", en: "Seattle", ja: "シアトル" },
    City { country: "US", region: "US-TX", en: "Austin", ja: "オースティン" },
    City { country: "US", region: "US-MA", en: "Boston", ja: "ボストン" },
    City { country: "GB", region: "GB-LND", en: "London", ja: "ロンドン" },
    City { country: "GB", region: "GB-MAN", en: "Manchester", ja: "マンチェスター" },
    City { country: "DE", region: "DE-BY", en: "Munich", ja: "ミュンヘン" },
    City { country: "DE", region: "DE-BE", en: "Berlin", ja: "ベルリン" },
    City { country: "DE", region: "DE-HH", en: "Hamburg", ja: "ハンブルク" },
    City { country: "SG", region: "SG-01", en: "Singapore", ja: "シンガポール" },
    City { country: "AU", region: "AU-NSW", en: "Sydney", ja: "シドニー" },
    City { country: "AU", region: "AU-VIC", en: "Melbourne", ja: "メルボルン" },
    City { country: "KR", region: "KR-11", en: "Seoul", ja: "ソウル" },
    City { country: "KR", region: "KR-26", en: "Busan", ja: "釜山" },
    City { country: "TW", region: "TW-TPE", en: "Taipei", ja: "台北" },
    City { country: "TW", region: "TW-TXG", en: "Taichung", ja: "台中" },
    City { country: "FR", region: "FR-IDF", en: "Paris", ja: "パリ" },
    City { country: "FR", region: "FR-ARA", en: "Lyon", ja: "リヨン" },
    City { country: "CA", region: "CA-ON", en: "Toronto", ja: "トロント" },
    City { country: "CA", region: "CA-BC", en: "Vancouver", ja: "バンクーバー" },
];

/// Weight of each entry of [`CITIES`]: the US and the larger APS markets first.
#[rustfmt::skip]
pub const CITY_WEIGHTS: [u32; 21] = [8, 6, 5, 3, 3, 8, 4, 5, 4, 3, 10, 6, 4, 7, 3, 7, 3, 4, 2, 3, 2];

/// What a country's partners speak besides English, its legal-form suffix and phone prefix.
pub fn country_traits(country: &str) -> (Option<&'static str>, &'static str, &'static str) {
    match country {
        "US" => (None, "Inc.", "+1"),
        "GB" => (None, "Ltd", "+44"),
        "DE" => (Some("de"), "GmbH", "+49"),
        "SG" => (Some("zh"), "Pte. Ltd.", "+65"),
        "AU" => (None, "Pty Ltd", "+61"),
        "KR" => (Some("ko"), "Co., Ltd.", "+82"),
        "TW" => (Some("zh"), "Co., Ltd.", "+886"),
        "FR" => (Some("fr"), "SAS", "+33"),
        _ => (None, "Inc.", "+1"),
    }
}

/// Name stems: katakana and their romanised reading.
#[rustfmt::skip]
pub const STEMS: [(&str, &str); 24] = [
    ("アーキ", "Archi"), ("ビルド", "Build"), ("クリエイト", "Create"), ("ネクスト", "Next"),
    ("フォルム", "Forma"), ("ミライ", "Mirai"), ("ソリッド", "Solid"), ("ブリッジ", "Bridge"),
    ("キューブ", "Cube"), ("ノヴァ", "Nova"), ("シグマ", "Sigma"), ("バーテックス", "Vertex"),
    ("エグザ", "Exa"), ("ライン", "Line"), ("テラ", "Terra"), ("オービット", "Orbit"),
    ("デモテック", "Demo Tech"), ("サンプル", "Sample"), ("ミドリ", "Midori"), ("カケハシ", "Kakehashi"),
    ("ツナギ", "Tsunagi"), ("ヒカリ", "Hikari"), ("モデル", "Model"), ("メッシュ", "Mesh"),
];

/// Name endings: katakana and English.
#[rustfmt::skip]
pub const SUFFIXES: [(&str, &str); 10] = [
    ("ソリューションズ", "Solutions"), ("エンジニアリング", "Engineering"), ("システムズ", "Systems"),
    ("テクノロジーズ", "Technologies"), ("デザイン", "Design"), ("ラボ", "Lab"),
    ("デジタル", "Digital"), ("ワークス", "Works"), ("パートナーズ", "Partners"), ("ネットワークス", "Networks"),
];

/// How a partner's place is written in its names and descriptions.
pub struct Place {
    pub country: &'static str,
    /// In names: `東京`, `Tokyo`; `シアトル`, `Seattle`.
    pub name_ja: &'static str,
    pub name_en: &'static str,
    /// In descriptions: `東京都`, `Tokyo, Japan`; `アメリカ合衆国・シアトル`, `Seattle, United States`.
    pub described_ja: String,
    pub described_en: String,
}

/// Japanese and English descriptions, from the place, the tier and the services offered.
pub fn descriptions(
    template: usize,
    place: &Place,
    tier: (&str, &str),
    services: (&str, &str),
) -> (String, String) {
    let (ja, en) = (&place.described_ja, &place.described_en);
    let (tier_ja, tier_en) = tier;
    let (services_ja, services_en) = services;
    match template % 3 {
        0 => (
            format!(
                "{ja}を中心に、Autodesk Flex トークンの見積・購入を支援する架空の販売店です。\
                 {services_ja}に対応しています。"
            ),
            format!(
                "A fictional reseller based in {en}, helping teams quote and buy Autodesk Flex \
                 tokens. Offers {services_en}."
            ),
        ),
        1 => (
            format!(
                "{ja}の設計・製造チームに向けて、APS の従量課金と Flex トークンの導入を\
                 お手伝いする架空の{tier_ja}パートナーです。"
            ),
            format!(
                "A fictional {tier_en} partner serving design and manufacturing teams in {en}, \
                 from APS pay-as-you-go billing to Flex tokens."
            ),
        ),
        _ => (
            format!(
                "{ja}に拠点を置く架空の認定パートナーです。Flex トークンのお見積りから\
                 開発者の Autodesk ID への割り当てまでご案内します（{services_ja}）。"
            ),
            format!(
                "A fictional certified partner in {en}: from a Flex token quote to assigning \
                 tokens to your developers' Autodesk IDs ({services_en})."
            ),
        ),
    }
}

/// The part of a prefecture's Japanese name used in company names: `東京都` → `東京`, `北海道` kept.
pub fn prefecture_short_ja(name_ja: &'static str) -> &'static str {
    if name_ja == "北海道" {
        return name_ja;
    }
    name_ja.strip_suffix(['都', '府', '県']).unwrap_or(name_ja)
}

/// Tier names as descriptions use them.
pub fn tier_words(tier: &str) -> (&'static str, &'static str) {
    match tier {
        "platinum" => ("プラチナ", "Platinum"),
        "gold" => ("ゴールド", "Gold"),
        "silver" => ("シルバー", "Silver"),
        _ => ("オーソライズド", "Authorized"),
    }
}

/// Fictional banks for the demo partners' transfer details.
pub const BANKS: [&str; 5] =
    ["デモ銀行", "サンプル信託銀行", "架空第一銀行", "例示ネット銀行", "みほん信用金庫"];

pub const BRANCHES: [&str; 6] =
    ["本店営業部", "東京営業部", "新宿支店", "大阪支店", "名古屋支店", "福岡支店"];
