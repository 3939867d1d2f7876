//! Partner search latency over generated 10,000 and 100,000 partner directories.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use flexportal::domain::partners::search_index::*;
use uuid::Uuid;

/// xorshift64*: deterministic across runs and platforms, so numbers are comparable between commits.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const PREFECTURES: [(&str, &str); 12] = [
    ("東京都", "Tokyo"),
    ("大阪府", "Osaka"),
    ("愛知県", "Aichi"),
    ("神奈川県", "Kanagawa"),
    ("福岡県", "Fukuoka"),
    ("北海道", "Hokkaido"),
    ("宮城県", "Miyagi"),
    ("京都府", "Kyoto"),
    ("兵庫県", "Hyogo"),
    ("広島県", "Hiroshima"),
    ("静岡県", "Shizuoka"),
    ("埼玉県", "Saitama"),
];
const PREFECTURE_CODES: [&str; 12] = [
    "JP-13", "JP-27", "JP-23", "JP-14", "JP-40", "JP-01", "JP-04", "JP-26", "JP-28", "JP-34", "JP-22",
    "JP-11",
];
/// Weights in percent: Tokyo and Osaka dominate, as reseller directories in Japan do.
const PREFECTURE_WEIGHTS: [usize; 12] = [22, 10, 8, 7, 6, 6, 6, 6, 8, 7, 7, 7];
const STEMS: [(&str, &str); 16] = [
    ("アーキ", "Archi"),
    ("ビルド", "Build"),
    ("クリエイト", "Create"),
    ("ネクスト", "Next"),
    ("フォルム", "Forma"),
    ("ミライ", "Mirai"),
    ("ソリッド", "Solid"),
    ("ブリッジ", "Bridge"),
    ("キューブ", "Cube"),
    ("ノヴァ", "Nova"),
    ("シグマ", "Sigma"),
    ("バーテックス", "Vertex"),
    ("エグザ", "Exa"),
    ("ライン", "Line"),
    ("テラ", "Terra"),
    ("オービット", "Orbit"),
];
const SUFFIXES: [(&str, &str); 6] = [
    ("システムズ", "Systems"),
    ("テクノロジー", "Technologies"),
    ("ソリューションズ", "Solutions"),
    ("デザイン", "Design"),
    ("エンジニアリング", "Engineering"),
    ("ラボ", "Lab"),
];
const SERVICES: [(&str, &str, &str); 8] = [
    ("flex_tokens", "Flexトークン", "Flex tokens"),
    ("subscription", "サブスクリプション", "subscriptions"),
    ("training", "トレーニング", "training"),
    ("consulting", "コンサルティング", "consulting"),
    ("bim_implementation", "BIM導入", "BIM implementation"),
    ("cad_support", "CADサポート", "CAD support"),
    ("plm", "PLM構築", "PLM"),
    ("custom_development", "カスタム開発", "custom development"),
];
const PRODUCTS: [&str; 6] = ["AutoCAD", "Revit", "Fusion", "Inventor", "Civil 3D", "Maya"];
const EXTRAS_JA: [&str; 5] = [
    "東京・大阪に営業所があります。",
    "東北地方の建設会社を多数支援しています。",
    "製造業向けの実績が豊富です。",
    "オンライン研修にも対応しています。",
    "",
];
const EXTRAS_EN: [&str; 4] =
    ["Offices in Tokyo and Osaka.", "Serving manufacturers since 1998.", "Remote training available.", ""];

/// Vocabulary for the free-form part of descriptions, so the gram index sees a realistic spread of
/// kanji and Latin pairs rather than only the fixed templates.
const TOPICS_JA: &str = "意匠設計 構造設計 設備設計 施工管理 積算 土木 測量 橋梁 道路 河川 上下水道 プラント \
    機械設計 金型 板金 射出成形 鋳造 溶接 組立 検査 品質保証 生産技術 工程管理 在庫管理 物流 倉庫 \
    自動車部品 航空宇宙 造船 鉄道 家電 半導体 医療機器 食品機械 包装機械 工作機械 ロボット 制御盤 \
    電気設計 配線 回路 基板 照明 空調 衛生 防災 消防 耐震 免震 断熱 省エネ 再生可能 太陽光 風力 \
    映像制作 アニメ ゲーム開発 広告 展示会 内装 家具 住宅 集合住宅 商業施設 病院 学校 庁舎 工場 \
    データ連携 クラウド 点群 写真測量 ドローン 数値解析 流体解析 熱解析 最適化 生成設計 デジタルツイン \
    教育機関 自治体 中小企業 大手ゼネコン 設計事務所 工務店 協力会社 海外拠点 多言語 保守契約 導入研修";
const TOPICS_EN: &str = "architecture structural mechanical electrical plumbing civil surveying bridges roads \
    rivers plants tooling sheet-metal molding casting welding assembly inspection quality production \
    logistics automotive aerospace shipbuilding railway appliances semiconductors medical packaging \
    robotics controls wiring lighting hvac seismic insulation energy solar wind animation games \
    advertising interiors furniture housing retail hospitals schools factories cloud pointcloud drones \
    simulation cfd thermal optimization generative digital-twin education municipalities enterprises";

fn topics<'a>(rng: &mut Rng, pool: &'a str, count: usize) -> Vec<&'a str> {
    let words: Vec<&str> = pool.split_whitespace().collect();
    (0..count).map(|_| *rng.pick(&words)).collect()
}

fn weighted_prefecture(rng: &mut Rng) -> usize {
    let mut roll = rng.below(PREFECTURE_WEIGHTS.iter().sum());
    for (i, w) in PREFECTURE_WEIGHTS.iter().enumerate() {
        if roll < *w {
            return i;
        }
        roll -= w;
    }
    0
}

fn date(days_from_2024: u64) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(2024, 1, 1).and_then(|d| d.checked_add_days(chrono::Days::new(days_from_2024)))
}

fn generate(n: usize, seed: u64) -> Vec<PartnerDoc> {
    let mut rng = Rng(seed | 1);
    (0..n)
        .map(|i| {
            let home = weighted_prefecture(&mut rng);
            let (pref_ja, pref_en) = PREFECTURES[home];
            let (stem_a, stem_b, suffix) = (*rng.pick(&STEMS), *rng.pick(&STEMS), *rng.pick(&SUFFIXES));
            let company = rng.chance(50);
            let name_ja =
                format!("{}{}{}{}", if company { "株式会社" } else { "" }, stem_a.0, stem_b.0, suffix.0);
            let name_en = format!(
                "{}{} {}{}",
                stem_a.1,
                stem_b.1.to_lowercase(),
                suffix.1,
                if company { " K.K." } else { "" }
            );
            let mut regions = vec![PREFECTURE_CODES[home].to_owned()];
            for _ in 0..rng.below(3) {
                let extra = PREFECTURE_CODES[weighted_prefecture(&mut rng)].to_owned();
                if !regions.contains(&extra) {
                    regions.push(extra);
                }
            }
            let mut languages = vec!["ja".to_owned()];
            for (code, percent) in [("en", 45), ("zh", 10), ("ko", 5)] {
                if rng.chance(percent) {
                    languages.push(code.to_owned());
                }
            }
            let services: Vec<_> = SERVICES.iter().filter(|_| rng.chance(30)).collect();
            let lead = services.first().copied().unwrap_or(&SERVICES[3]);
            let product = rng.pick(&PRODUCTS);
            let tier = match rng.below(100) {
                0..3 => Tier::Platinum,
                3..15 => Tier::Gold,
                15..45 => Tier::Silver,
                _ => Tier::Authorized,
            };
            let signed = rng.below(700) as u64;
            PartnerDoc {
                id: Uuid::from_u64_pair(seed, i as u64),
                slug: format!("{}{}-{}-{i}", stem_a.1, stem_b.1, suffix.1).to_lowercase(),
                name_ja,
                name_en,
                description_ja: format!(
                    "{pref_ja}を拠点に、{}を中心に{product}の導入を支援しています。{}得意分野：{}。",
                    lead.1,
                    rng.pick(&EXTRAS_JA),
                    topics(&mut rng, TOPICS_JA, 4).join("、")
                ),
                description_en: format!(
                    "Based in {pref_en}, we help teams adopt {product} through {}. {} Focus: {}.",
                    lead.2,
                    rng.pick(&EXTRAS_EN),
                    topics(&mut rng, TOPICS_EN, 4).join(", ")
                ),
                tier,
                country: "JP".to_owned(),
                regions,
                languages,
                services: services.iter().map(|s| s.0.to_owned()).collect(),
                website: rng.chance(80).then(|| format!("https://partner{i}.example.jp")),
                published: rng.chance(95),
                flex_signed_on: rng.chance(60).then(|| date(signed)).flatten(),
                flex_expires_on: rng.chance(60).then(|| date(signed + 365)).flatten(),
            }
        })
        .collect()
}

fn queries(rare_name: &str) -> Vec<(&'static str, SearchQuery)> {
    let text = |t: &str| SearchQuery { text: Some(t.to_owned()), ..SearchQuery::default() };
    vec![
        ("text_東京", text("東京")),
        ("text_tokyo", text("tokyo")),
        ("text_katakana_ブリッ", text("ブリッ")),
        ("text_rare_name", text(rare_name)),
        ("text_1000_percent", text(&"%".repeat(1000))),
        // Six terms (the cap) that every partner matches: each needs a substring check per document.
        ("text_worst_6_common_terms", text("based teams adopt through の導入を 支援しています")),
        ("text_single_char_e", text("e")),
        (
            "filter_jp27_en_flex_tokens",
            SearchQuery {
                region: Some("JP-27".to_owned()),
                language: Some("en".to_owned()),
                service: Some("flex_tokens".to_owned()),
                ..SearchQuery::default()
            },
        ),
        ("no_query_first_page", SearchQuery::default()),
        ("flex_only", SearchQuery { flex_only: true, ..SearchQuery::default() }),
    ]
}

fn bench_search(c: &mut Criterion) {
    let Some(today) = NaiveDate::from_ymd_opt(2025, 6, 1) else { return };
    let mut group = c.benchmark_group("partner_search");
    group.sample_size(50).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(1));
    for n in [10_000, 100_000] {
        let docs = generate(n, 0x5EED_F1E7);
        let rare_name = docs.get(777).map(|d| d.name_ja.clone()).unwrap_or_default();
        let started = Instant::now();
        let index = SearchIndex::build(docs);
        eprintln!(
            "n={n}: published={} build={:?} heap≈{:.1} MiB",
            index.len(),
            started.elapsed(),
            index.heap_bytes() as f64 / (1024.0 * 1024.0)
        );
        for (label, q) in queries(&rare_name) {
            eprintln!("  {label}: total={}", index.search(&q, today).total);
            // The first time a query is asked: its total and facets are counted over every match.
            group.bench_with_input(BenchmarkId::new(format!("{label}/first"), n), &q, |b, q| {
                b.iter(|| {
                    index.forget_summaries();
                    black_box(index.search(black_box(q), today)).total
                })
            });
            // Asked again (another visitor, the next page): only the page's matches are gathered.
            group.bench_with_input(BenchmarkId::new(format!("{label}/again"), n), &q, |b, q| {
                b.iter(|| black_box(index.search(black_box(q), today)).total)
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench_search);
criterion_main!(benches);
