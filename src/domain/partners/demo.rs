//! Deterministic demo directories: clearly fictional partners, three in four in Japan's 47
//! prefectures and the rest in other APS markets, for demos, first starts and benchmarks.
//!
//! Randomness comes from SplitMix64 (Steele, Lea and Flood, 2014), written out in `split_mix`
//! rather than taken from `rand`: the same `(count, seed)` must give the same directory on every
//! platform and with every version of the crate, which `rand`'s `StdRng` does not promise. Each
//! partner draws from its own stream keyed by `(seed, index)`, so a directory of 300 is the first
//! 300 of a directory of 100,000, and running `demo-data` again with a larger count only adds
//! partners.

mod split_mix;
mod words;

use uuid::Uuid;

use super::Partner;
use super::manage::{default_prefix, row_from, save};
use super::profile::PartnerInput;
use crate::domain::Portal;
use crate::domain::actor::Origin;
use crate::domain::audit::{self, AuditEvent};
use crate::domain::error::{Error, Result};
use crate::domain::numbering::PrefixAllocator;
use crate::domain::region::{Country, Prefecture, Service};
use crate::domain::registration_number::check_digit;
use crate::storage::partners as store;
use split_mix::{SplitMix64, mix};
use words::{CITIES, CITY_WEIGHTS, PREFECTURE_WEIGHTS, Place, STEMS, SUFFIXES};

/// CSNs are `9` + a two-digit block chosen by the seed + seven digits, one per partner.
const CSN_BLOCK: u64 = 10_000_000;
/// Multiplier that scatters the seven digits; coprime to 10^7, so no two partners share them.
const CSN_STRIDE: u64 = 7_654_321;
/// The most partners one seed can produce without repeating a CSN.
pub const MAX_PARTNERS: usize = 10_000_000;
/// Partners written per transaction (22 columns × 1,000 rows stays under SQLite's bound values).
const SEED_BATCH: usize = 1_000;

/// The first `count` partners (at most [`MAX_PARTNERS`]) of the directory for `seed`. Every one
/// passes [`PartnerInput::parse`] and has a unique slug and CSN.
pub fn generate(count: usize, seed: u64) -> Vec<PartnerInput> {
    (0..count.min(MAX_PARTNERS) as u64).map(|index| partner_at(seed, index)).collect()
}

/// The search documents of [`generate`]'s partners, as the directory would load them once stored:
/// for measuring the search index without a database.
///
/// # Errors
/// `Internal` when a generated partner does not parse (a generator bug).
pub fn generate_docs(count: usize, seed: u64) -> Result<Vec<super::PartnerDoc>> {
    let epoch = chrono::DateTime::UNIX_EPOCH;
    generate(count, seed)
        .into_iter()
        .enumerate()
        .map(|(index, input)| {
            let valid = input.parse().map_err(|e| {
                Error::Internal(format!("generated partner {index} (seed {seed}) is invalid: {e}").into())
            })?;
            Ok(super::doc_of(&row_from(Uuid::new_v4(), valid, String::new(), epoch, epoch)))
        })
        .collect()
}

/// Writes the first `count` partners of the directory for `seed` in batches, skipping any whose
/// slug or CSN is already taken (so running it twice adds nothing); returns how many were written.
/// `progress` hears how many partners have been handled so far.
///
/// # Errors
/// Database failures (batches already committed stay).
pub async fn seed_directory(
    portal: &Portal,
    count: usize,
    seed: u64,
    mut progress: impl FnMut(u64),
) -> Result<u64> {
    let count = count.min(MAX_PARTNERS) as u64;
    let now = portal.clock.now();
    let (mut done, mut written) = (0_u64, 0_u64);
    // Prefixes are handed out before each insert, free against the table and the batch; a partner
    // already there (by slug or CSN) is skipped with the prefix it was offered left unused.
    let mut prefixes = PrefixAllocator::new(store::document_prefixes(portal.db.conn()).await?);
    while done < count {
        let end = (done + SEED_BATCH as u64).min(count);
        let rows = (done..end)
            .map(|index| {
                let valid = partner_at(seed, index).parse().map_err(|e| {
                    Error::Internal(format!("generated partner {index} (seed {seed}) is invalid: {e}").into())
                })?;
                let prefix = prefixes.allocate(&valid.slug);
                Ok(row_from(Uuid::new_v4(), valid, prefix, now, now))
            })
            .collect::<Result<Vec<_>>>()?;
        let tx = portal.db.write().await?;
        let landed = store::insert_many_new(&*tx, rows).await?;
        // An unchanged directory keeps its version, so no instance rebuilds its index for nothing.
        if landed > 0 {
            store::bump_version(&*tx).await?;
        }
        written += landed;
        tx.commit().await?;
        done = end;
        progress(done);
    }
    let tx = portal.db.write().await?;
    let event = AuditEvent {
        action: "partners.demo_generated",
        subject_type: "partner",
        subject_id: None,
        detail: serde_json::json!({ "requested": count, "written": written, "seed": seed }),
    };
    audit::record(&*tx, now, None, None, &Origin::default(), event).await?;
    tx.commit().await?;
    if written > 0 {
        portal.directory.refresh(&portal.db).await?;
    }
    Ok(written)
}

pub const SHOWCASE_SLUG: &str = "demo-tokyo";

/// The one demo partner everybody can find and sign in to: platinum, in Tokyo, Flex-eligible.
pub fn showcase_partner() -> PartnerInput {
    let base = "912345678901";
    let check = check_digit(base.as_bytes()).unwrap_or(0);
    PartnerInput {
        slug: SHOWCASE_SLUG.into(),
        name_ja: "東京デモテック株式会社".into(),
        name_en: "Tokyo Demo Tech KK".into(),
        description_ja: "東京都を中心に、Autodesk Flex トークンの見積・購入を支援する架空の販売店です。\
            デモ用のアカウントで販売店の画面をお試しいただけます。"
            .into(),
        description_en: "A fictional reseller based in Tokyo, helping teams quote and buy Autodesk Flex \
            tokens. Sign in with the demo accounts to try the reseller's side of the portal."
            .into(),
        tier: "platinum".into(),
        csn: "5100000001".into(),
        document_prefix: String::new(),
        country: "JP".into(),
        regions: vec!["JP-13".into(), "JP-14".into(), "JP-11".into()],
        languages: vec!["ja".into(), "en".into()],
        services: ["flex_tokens", "aps_consulting", "app_development", "support"].map(String::from).into(),
        website: "https://demo-tokyo.example/".into(),
        email: "info@demo-tokyo.example".into(),
        phone: "03-0000-0000".into(),
        postal_code: "100-0005".into(),
        address: "東京都千代田区丸の内9-9-9 デモテックビル5F".into(),
        payment_terms: "請求書発行日から30日以内にお振込みください。".into(),
        bank_details: "デモ銀行 東京営業部 普通 1234567\nトウキヨウデモテツク（カ".into(),
        payment_due_days: "30".into(),
        invoice_registration_number: format!("T{check}{base}"),
        max_discount_percent: "20".into(),
        flex_signed_on: "2025-04-01".into(),
        flex_expires_on: "2031-03-31".into(),
        published: true,
    }
}

/// Creates the showcase partner unless its slug exists; returns it either way.
///
/// # Errors
/// Database failures.
pub async fn seed_showcase(portal: &Portal) -> Result<Partner> {
    if let Some(row) = store::find_by_slug(portal.db.conn(), SHOWCASE_SLUG).await? {
        return Ok(row);
    }
    let valid = showcase_partner().parse()?;
    let now = portal.clock.now();
    let tx = portal.db.write().await?;
    let prefix = default_prefix(&tx, &valid.slug).await?;
    let row = row_from(Uuid::new_v4(), valid, prefix, now, now);
    let saved = save(&tx, None, &Origin::default(), row, true).await?;
    tx.commit().await?;
    portal.directory.refresh(&portal.db).await?;
    Ok(saved)
}

/// Partner `index` of the directory for `seed`.
fn partner_at(seed: u64, index: u64) -> PartnerInput {
    let mut rng = SplitMix64(mix(seed) ^ mix(index.wrapping_add(0x5EED)));
    let csn = csn_at(seed, index);
    let (place, place_slug, regions) = place(&mut rng, seed, index);
    let (stem_ja, stem_en) = *rng.pick(&STEMS);
    let (suffix_ja, suffix_en) = *rng.pick(&SUFFIXES);
    // The CSN without its constant leading 9, in base 36: short, and unique because the CSN is.
    let code = base36(csn - 9_000_000_000);
    let slug = format!("{place_slug}-{}-{code}", stem_en.to_lowercase().replace(' ', "-"));
    let (name_ja, name_en) = names(&mut rng, &place, (stem_ja, stem_en), (suffix_ja, suffix_en));
    let tier = ["platinum", "gold", "silver", "authorized"][rng.weighted(&[15, 35, 30, 20])];
    let (flex_signed_on, flex_expires_on) = agreement(&mut rng, tier);
    let services = services(&mut rng, !flex_signed_on.is_empty());
    let services_ja: Vec<&str> = services.iter().map(|s| s.name_ja()).collect();
    let services_en: Vec<String> = services.iter().map(|s| in_sentence(s.name_en())).collect();
    let (description_ja, description_en) = words::descriptions(
        rng.below(3),
        &place,
        words::tier_words(tier),
        (&services_ja.join("・"), &services_en.join(", ")),
    );
    let japanese = place.country == "JP";
    let mut input = PartnerInput {
        name_ja,
        name_en,
        description_ja,
        description_en,
        tier: tier.into(),
        csn: csn.to_string(),
        country: place.country.into(),
        regions,
        languages: languages(&mut rng, place.country),
        services: services.iter().map(|s| s.code().to_owned()).collect(),
        website: if rng.percent(90) { format!("https://www.{slug}.example/") } else { String::new() },
        email: if rng.percent(85) { format!("sales@{slug}.example") } else { String::new() },
        phone: phone(&mut rng, place.country),
        postal_code: String::new(),
        address: String::new(),
        payment_terms: String::new(),
        invoice_registration_number: if japanese && rng.percent(65) {
            registration_number(&mut rng)
        } else {
            String::new()
        },
        max_discount_percent: max_discount(&mut rng, tier),
        flex_signed_on,
        flex_expires_on,
        published: rng.percent(95),
        slug,
        document_prefix: String::new(),
        bank_details: String::new(),
        payment_due_days: String::new(),
    };
    // Drawn last, so that every field above stays what it was before partners had invoice terms.
    (input.bank_details, input.payment_due_days) = invoice_terms(&mut rng, japanese);
    input
}

/// Bank transfer details and days to pay: most Japanese partners give a (fictional) bank
/// account and 30, 45 or 60 days; partners elsewhere mostly leave the bank details out.
fn invoice_terms(rng: &mut SplitMix64, japanese: bool) -> (String, String) {
    let days = ["30", "30", "45", "60", "0"][rng.weighted(&[45, 20, 15, 15, 5])].to_owned();
    if !(japanese && rng.percent(85)) {
        return (String::new(), days);
    }
    let bank = *rng.pick(&words::BANKS);
    let (branch_ja, kind) = (*rng.pick(&words::BRANCHES), if rng.percent(85) { "普通" } else { "当座" });
    let account = 1_000_000 + rng.below(9_000_000);
    (format!("{bank} {branch_ja} {kind} {account}"), days)
}

fn csn_at(seed: u64, index: u64) -> u64 {
    let block = mix(seed) % 100;
    let offset = mix(seed ^ 0xC5) % CSN_BLOCK;
    9_000_000_000 + block * CSN_BLOCK + (index % CSN_BLOCK * CSN_STRIDE + offset) % CSN_BLOCK
}

/// Where the partner is, how its slug starts, and the regions it serves (the home region first).
/// The first 47 partners take one prefecture each, so even a small directory covers all of Japan.
fn place(rng: &mut SplitMix64, seed: u64, index: u64) -> (Place, String, Vec<String>) {
    let prefecture = if index < 47 {
        Prefecture::from_number(((index * 17 + mix(seed) % 47) % 47 + 1) as u8)
    } else if rng.percent(72) {
        Prefecture::from_number(rng.weighted(&PREFECTURE_WEIGHTS) as u8 + 1)
    } else {
        None
    };
    if let Some(prefecture) = prefecture {
        let place = Place {
            country: "JP",
            name_ja: words::prefecture_short_ja(prefecture.name_ja()),
            name_en: prefecture.name_en(),
            described_ja: prefecture.name_ja().to_owned(),
            described_en: format!("{}, Japan", prefecture.name_en()),
        };
        let mut regions = vec![prefecture.code().to_owned()];
        let extra = rng.weighted(&[55, 30, 15]);
        let home = prefecture.code().trim_start_matches("JP-").parse::<i64>().unwrap_or(13);
        // JIS numbers run north to south, so nearby numbers are nearby prefectures.
        for _ in 0..extra {
            let near = (home + rng.below(7) as i64 - 3).clamp(1, 47);
            let code = format!("JP-{near:02}");
            if !regions.contains(&code) {
                regions.push(code);
            }
        }
        return (place, prefecture.name_en().to_lowercase(), regions);
    }
    let city = &CITIES[rng.weighted(&CITY_WEIGHTS)];
    let country = Country::from_code(city.country);
    let country_en = country.map_or(city.country, |c| c.name_en());
    let country_ja = country.map_or(city.country, |c| c.name_ja());
    let place = Place {
        country: city.country,
        name_ja: city.ja,
        name_en: city.en,
        described_ja: if city.ja == country_ja {
            city.ja.to_owned()
        } else {
            format!("{country_ja}・{}", city.ja)
        },
        described_en: if city.en == country_en {
            city.en.to_owned()
        } else {
            format!("{}, {country_en}", city.en)
        },
    };
    let mut regions = vec![city.region.to_owned()];
    if rng.percent(20) {
        let other = rng.pick(&CITIES);
        if other.country == city.country && other.region != city.region {
            regions.push(other.region.to_owned());
        }
    }
    (place, city.en.to_lowercase().replace(' ', "-"), regions)
}

fn names(rng: &mut SplitMix64, place: &Place, stem: (&str, &str), suffix: (&str, &str)) -> (String, String) {
    let ((stem_ja, stem_en), (suffix_ja, suffix_en)) = (stem, suffix);
    let (at_ja, at_en) = (place.name_ja, place.name_en);
    if place.country != "JP" {
        let (_, legal, _) = words::country_traits(place.country);
        return (format!("{stem_ja}{suffix_ja}・{at_ja}"), format!("{stem_en} {suffix_en} {at_en} {legal}"));
    }
    match rng.below(3) {
        0 => (format!("{at_ja}{stem_ja}{suffix_ja}株式会社"), format!("{at_en} {stem_en} {suffix_en} K.K.")),
        1 => (
            format!("株式会社{at_ja}{stem_ja}{suffix_ja}"),
            format!("{at_en} {stem_en} {suffix_en} Co., Ltd."),
        ),
        _ => (format!("{stem_ja}{suffix_ja}{at_ja}合同会社"), format!("{stem_en} {suffix_en} {at_en} LLC")),
    }
}

/// A partner that signed the Flex agreement sells Flex tokens; most others do too.
fn services(rng: &mut SplitMix64, flex_agreement: bool) -> Vec<Service> {
    let chance = |s: &Service| match s {
        Service::FlexTokens if flex_agreement => 100,
        Service::FlexTokens => 80,
        _ => 35,
    };
    let mut chosen: Vec<Service> = Service::iter().filter(|s| rng.percent(chance(s))).collect();
    if chosen.is_empty() {
        chosen.push(Service::Support);
    }
    chosen
}

/// A service name inside an English sentence: `Training` → `training`; `APS consulting` and
/// `Autodesk Flex tokens` keep their capitals.
fn in_sentence(name: &str) -> String {
    let first_word = name.split(' ').next().unwrap_or_default();
    if first_word == "Autodesk" || first_word.chars().all(|c| c.is_ascii_uppercase()) {
        return name.to_owned();
    }
    let mut chars = name.chars();
    chars.next().map(|c| c.to_lowercase().chain(chars).collect()).unwrap_or_default()
}

fn languages(rng: &mut SplitMix64, country: &str) -> Vec<String> {
    let mut languages = Vec::new();
    if country == "JP" {
        if rng.percent(97) {
            languages.push("ja");
        }
        if languages.is_empty() || rng.percent(55) {
            languages.push("en");
        }
        if rng.percent(5) {
            languages.push("zh");
        }
        if rng.percent(3) {
            languages.push("ko");
        }
    } else {
        let (local, _, _) = words::country_traits(country);
        languages.extend(local);
        if local.is_none() || rng.percent(75) {
            languages.push("en");
        }
        if rng.percent(25) {
            languages.push("ja");
        }
    }
    languages.into_iter().map(str::to_owned).collect()
}

/// Dates are fixed rather than relative to today, so a seed always gives the same directory:
/// current agreements run until 2029–2032, expired ones ended by March 2023.
fn agreement(rng: &mut SplitMix64, tier: &str) -> (String, String) {
    let eligible_tier = matches!(tier, "platinum" | "gold");
    let weights = if eligible_tier { [80, 10, 10] } else { [8, 5, 87] };
    let (month, day) = (rng.below(12) + 1, rng.below(28) + 1);
    match rng.weighted(&weights) {
        0 => {
            let year = 2023 + rng.below(4);
            let month = if year == 2026 { month.min(10) } else { month };
            (format!("{year}-{month:02}-{day:02}"), format!("{}-03-31", 2029 + rng.below(4)))
        }
        1 => {
            let year = 2019 + rng.below(3);
            (format!("{year}-{month:02}-{day:02}"), format!("{}-03-31", year + 2))
        }
        _ => (String::new(), String::new()),
    }
}

fn max_discount(rng: &mut SplitMix64, tier: &str) -> String {
    let floor = match tier {
        "platinum" => 15,
        "gold" => 10,
        "silver" => 5,
        _ => 0,
    };
    (floor + rng.below(6)).to_string()
}

fn phone(rng: &mut SplitMix64, country: &str) -> String {
    if !rng.percent(80) {
        return String::new();
    }
    let (a, b) = (rng.below(10_000), rng.below(10_000));
    if country == "JP" {
        return format!("0{}-{a:04}-{b:04}", rng.below(90) + 10);
    }
    let (_, _, calling_code) = words::country_traits(country);
    format!("{calling_code} {:03} {a:04} {b:04}", rng.below(900) + 100)
}

/// A well-formed `T` number: twelve random digits and their check digit.
fn registration_number(rng: &mut SplitMix64) -> String {
    let base: String = (0..12).map(|_| char::from(b'0' + rng.below(10) as u8)).collect();
    let check = check_digit(base.as_bytes()).unwrap_or(0);
    format!("T{check}{base}")
}

fn base36(mut n: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8_lossy(&out).into_owned()
}
