//! One generated partner: everything about partner `index` of the directory for a seed, drawn from
//! its own stream.

use super::super::profile::PartnerInput;
use super::split_mix::{SplitMix64, mix};
use super::words::{self, CITIES, CITY_WEIGHTS, PREFECTURE_WEIGHTS, Place, STEMS, SUFFIXES};
use crate::domain::region::{Country, Prefecture, Service};
use crate::domain::registration_number::check_digit;

/// CSNs are `9` + a two-digit block chosen by the seed + seven digits, one per partner.
const CSN_BLOCK: u64 = 10_000_000;
/// Multiplier that scatters the seven digits; coprime to 10^7, so no two partners share them.
const CSN_STRIDE: u64 = 7_654_321;

/// Partner `index` of the directory for `seed`.
pub(super) fn partner_at(seed: u64, index: u64) -> PartnerInput {
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
