//! Free-text behaviour of the partner search index, plus the fixtures and brute-force reference the
//! other test files check against.

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use uuid::Uuid;

use super::*;

mod listing;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

fn doc(slug: &str, name_ja: &str, name_en: &str, tier: Tier) -> PartnerDoc {
    PartnerDoc {
        id: Uuid::from_u128(slug.bytes().fold(7u128, |h, b| h.wrapping_mul(131).wrapping_add(u128::from(b)))),
        slug: slug.to_owned(),
        name_ja: name_ja.to_owned(),
        name_en: name_en.to_owned(),
        description_ja: String::new(),
        description_en: String::new(),
        tier,
        country: "JP".to_owned(),
        regions: strings(&["JP-13"]),
        languages: strings(&["ja"]),
        services: strings(&["consulting"]),
        website: None,
        published: true,
        flex_signed_on: None,
        flex_expires_on: None,
    }
}

fn with_desc(mut d: PartnerDoc, ja: &str, en: &str) -> PartnerDoc {
    d.description_ja = ja.to_owned();
    d.description_en = en.to_owned();
    d
}

fn text(t: &str) -> SearchQuery {
    SearchQuery { text: Some(t.to_owned()), per_page: MAX_PER_PAGE, ..SearchQuery::default() }
}

fn slugs(r: &SearchResult<'_>) -> Vec<String> {
    let mut v: Vec<String> = r.items.iter().map(|h| h.doc().unwrap().slug).collect();
    v.sort();
    v
}

const TODAY: (i32, u32, u32) = (2025, 6, 1);

fn today() -> NaiveDate {
    day(TODAY.0, TODAY.1, TODAY.2)
}

fn text_fixture() -> SearchIndex {
    SearchIndex::build(vec![
        doc("tokyo-cad", "東京キャド株式会社", "Tokyo CAD", Tier::Gold),
        with_desc(doc("minato", "港デザイン", "Minato Design", Tier::Silver), "東京都港区の設計事務所", ""),
        doc("tohoku", "東北テック", "Tohoku Tech", Tier::Platinum),
        doc("kyoto", "京都ソフト", "Kyoto Soft", Tier::Gold),
        doc("spaced", "東 京", "Spaced", Tier::Authorized),
        with_desc(
            doc("fw", "ＡＢＣ商事", "ABC Trading", Tier::Silver),
            "",
            "Offices in ＴＯＫＹＯ and Osaka",
        ),
        doc("example", "株式会社エグザンプル", "Example KK", Tier::Authorized),
        doc("halfwidth", "ｿﾘｯﾄﾞﾜｰｸｽ", "Solid Works Reseller", Tier::Authorized),
        with_desc(doc("split", "東", "京 Systems", Tier::Silver), "", ""),
        with_desc(
            doc("pct", "満足度100%", "Rocket 🚀 Partners", Tier::Silver),
            "",
            "under_score back\\slash",
        ),
    ])
}

#[test]
fn kanji_bigram_matches_only_docs_containing_it() {
    let idx = text_fixture();
    assert_eq!(slugs(&idx.search(&text("東京"), today())), ["minato", "tokyo-cad"]);
    assert_eq!(slugs(&idx.search(&text("東北"), today())), ["tohoku"]);
    // 東京都 contains 京都 too.
    assert_eq!(slugs(&idx.search(&text("京都"), today())), ["kyoto", "minato"]);
}

#[test]
fn single_char_uses_unigrams() {
    let idx = text_fixture();
    let r = idx.search(&text("東"), today());
    assert_eq!(slugs(&r), ["minato", "spaced", "split", "tohoku", "tokyo-cad"]);
}

#[test]
fn latin_is_case_and_width_insensitive() {
    let idx = text_fixture();
    for q in ["tokyo", "Tokyo", "TOKYO", "ＴＯＫＹＯ", "ｔｏｋｙｏ", "  tokyo  "] {
        assert_eq!(slugs(&idx.search(&text(q), today())), ["fw", "tokyo-cad"], "query {q:?}");
    }
    assert_eq!(slugs(&idx.search(&text("abc"), today())), ["fw"]);
}

#[test]
fn katakana_fragments_match_including_half_width() {
    let idx = text_fixture();
    assert_eq!(slugs(&idx.search(&text("エグザ"), today())), ["example"]);
    assert_eq!(slugs(&idx.search(&text("ｴｸﾞｻﾞ"), today())), ["example"]);
    assert_eq!(slugs(&idx.search(&text("ソリッド"), today())), ["halfwidth"]);
    assert_eq!(slugs(&idx.search(&text("グザンプ"), today())), ["example"]);
    assert!(idx.search(&text("エグザンプルズ"), today()).items.is_empty());
}

#[test]
fn terms_never_match_across_fields() {
    let idx = text_fixture();
    // "split" has 東 at the end of name_ja and 京 at the start of name_en.
    assert!(!slugs(&idx.search(&text("東京"), today())).contains(&"split".to_owned()));
    assert!(!slugs(&idx.search(&text("東京 systems"), today())).contains(&"split".to_owned()));
    assert_eq!(slugs(&idx.search(&text("東 systems"), today())), ["split"]);
}

#[test]
fn all_terms_must_match() {
    let idx = text_fixture();
    assert_eq!(slugs(&idx.search(&text("東京 cad"), today())), ["tokyo-cad"]);
    assert!(idx.search(&text("東京 kyoto"), today()).items.is_empty());
}

#[test]
fn odd_characters_are_plain_text() {
    let idx = text_fixture();
    assert_eq!(slugs(&idx.search(&text("%"), today())), ["pct"]);
    assert_eq!(slugs(&idx.search(&text("100%"), today())), ["pct"]);
    assert_eq!(slugs(&idx.search(&text("_"), today())), ["pct"]);
    assert_eq!(slugs(&idx.search(&text("\\"), today())), ["pct"]);
    assert_eq!(slugs(&idx.search(&text("🚀"), today())), ["pct"]);
    assert!(idx.search(&text("%%"), today()).items.is_empty());
    assert!(idx.search(&text("\u{0}"), today()).items.is_empty());
}

#[test]
fn blank_text_is_no_text() {
    let idx = text_fixture();
    let r = idx.search(&text(" \u{3000} "), today());
    assert_eq!(r.total, idx.len());
}

#[test]
fn thousand_percent_signs_are_fast_and_empty() {
    let idx = text_fixture();
    let q = text(&"%".repeat(1000));
    let started = Instant::now();
    let r = idx.search(&q, today());
    assert!(started.elapsed() < Duration::from_millis(50));
    assert_eq!(r.total, 0);
    let long = text(&"東京".repeat(5000));
    assert_eq!(idx.search(&long, today()).total, 0);
}

fn filter_fixture() -> Vec<PartnerDoc> {
    let combos: [(&[&str], &[&str], &[&str]); 6] = [
        (&["JP-27"], &["ja", "en"], &["flex_tokens", "training"]),
        (&["JP-27", "JP-13"], &["EN"], &["FLEX_TOKENS"]),
        (&["JP-27"], &["ja"], &["flex_tokens"]),
        (&["JP-13"], &["en"], &["flex_tokens"]),
        (&["jp-27"], &["en"], &["consulting"]),
        (&["JP-01"], &["ja", "zh"], &["training"]),
    ];
    let tiers = [Tier::Authorized, Tier::Platinum, Tier::Silver, Tier::Gold];
    (0..48)
        .map(|i| {
            let (regions, languages, services) = combos[i % combos.len()];
            let mut d = doc(&format!("p{i:02}"), "販売店", &format!("Partner {}", 47 - i), tiers[i % 4]);
            d.regions = strings(regions);
            d.languages = strings(languages);
            d.services = strings(services);
            d
        })
        .collect()
}

fn reference(docs: &[PartnerDoc], q: &SearchQuery, today: NaiveDate) -> Vec<String> {
    let has = |codes: &[String], want: &Option<String>| {
        want.as_deref().is_none_or(|w| codes.iter().any(|c| c.eq_ignore_ascii_case(w.trim())))
    };
    let terms = q.text.as_deref().map(search_text::query_terms).unwrap_or_default();
    let mut hits: Vec<&PartnerDoc> = docs
        .iter()
        .filter(|d| d.published)
        .filter(|d| has(std::slice::from_ref(&d.country), &q.country))
        .filter(|d| {
            has(&d.regions, &q.region) && has(&d.languages, &q.language) && has(&d.services, &q.service)
        })
        .filter(|d| q.tier.is_none_or(|t| d.tier == t))
        .filter(|d| !q.flex_only || is_flex_eligible(d, today))
        .filter(|d| {
            let fields =
                [&d.name_ja, &d.name_en, &d.description_ja, &d.description_en, &d.slug].map(|f| normalize(f));
            terms.iter().all(|t| fields.iter().any(|f| f.contains(t.as_str())))
        })
        .collect();
    hits.sort_by_key(|d| (d.tier, d.name_en.to_lowercase(), d.slug.clone()));
    hits.into_iter().map(|d| d.slug.clone()).collect()
}

fn all_pages(idx: &SearchIndex, q: &SearchQuery) -> Vec<String> {
    let mut out = Vec::new();
    for page in 1.. {
        let r = idx.search(&SearchQuery { page, ..q.clone() }, today());
        if r.items.is_empty() {
            break;
        }
        out.extend(r.items.iter().map(|h| h.doc().unwrap().slug));
    }
    out
}

/// Keys lowercased, because the reference cannot know which spelling the index shows.
fn folded(f: &Facets) -> Facets {
    let fold = |v: &[(String, usize)]| {
        let mut v: Vec<(String, usize)> = v.iter().map(|(k, n)| (k.to_ascii_lowercase(), *n)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v
    };
    Facets {
        tier: f.tier.clone(),
        language: fold(&f.language),
        region: fold(&f.region),
        service: fold(&f.service),
    }
}

fn reference_facets(docs: &[PartnerDoc], hits: &[String]) -> Facets {
    let hit_docs: Vec<&PartnerDoc> = docs.iter().filter(|d| hits.contains(&d.slug)).collect();
    let count = |pick: fn(&PartnerDoc) -> &Vec<String>| {
        let mut counts: Vec<(String, usize)> = Vec::new();
        for d in &hit_docs {
            let mut seen: Vec<String> = Vec::new();
            for code in pick(d) {
                let key = code.to_ascii_lowercase();
                if seen.contains(&key) {
                    continue;
                }
                seen.push(key.clone());
                match counts.iter_mut().find(|(k, _)| k.eq_ignore_ascii_case(&key)) {
                    Some(entry) => entry.1 += 1,
                    None => counts.push((code.clone(), 1)),
                }
            }
        }
        sorted_facet(counts.into_iter())
    };
    let tiers = Tier::ALL.map(|t| (t, hit_docs.iter().filter(|d| d.tier == t).count()));
    Facets {
        tier: sorted_facet(tiers.into_iter()),
        language: count(|d| &d.languages),
        region: count(|d| &d.regions),
        service: count(|d| &d.services),
    }
}

#[test]
fn normalize_folds_width_case_and_space() {
    assert_eq!(normalize("ＴＯＫＹＯ"), "tokyo");
    assert_eq!(normalize("ｶﾀｶﾅ"), "カタカナ");
    assert_eq!(normalize("  Autodesk\u{3000}\t Flex \n"), "autodesk flex");
    assert_eq!(search_text::query_terms(&"x".repeat(500)), ["x".repeat(MAX_QUERY_CHARS)]);
    assert_eq!(search_text::query_terms("a b a"), ["a", "b"]);
    assert_eq!(search_text::query_terms("東 東京 京都 京"), ["東京", "京都"]);
    assert_eq!(search_text::query_terms("1 2 3 4 5 6 7 8 9 10").len(), search_text::MAX_QUERY_TERMS);
    assert_eq!("gold".parse::<Tier>(), Ok(Tier::Gold));
    assert_eq!(" PLATINUM ".parse::<Tier>(), Ok(Tier::Platinum));
    assert!("bronze".parse::<Tier>().is_err());
}

/// Random documents over a tiny alphabet make overlapping grams common, so any gap between the
/// index and a plain substring scan shows up quickly.
#[test]
fn agrees_with_brute_force_on_random_directories() {
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let alphabet: Vec<char> = "東京北都エグザンプルab Ａｂ".chars().collect();
    let word = |len: usize, next: &mut dyn FnMut(usize) -> usize| -> String {
        (0..len).map(|_| alphabet[next(alphabet.len())]).collect()
    };
    let tiers = Tier::ALL;
    let regions = ["JP-13", "JP-27", "JP-01"];
    let docs: Vec<PartnerDoc> = (0..300)
        .map(|i| {
            let mut d =
                doc(&format!("d{i}"), &word(next(6), &mut next), &word(next(6), &mut next), tiers[next(4)]);
            d.description_ja = word(next(12), &mut next);
            d.regions = vec![regions[next(3)].to_owned()];
            d.published = next(10) != 0;
            d.flex_signed_on = Some(day(2025, 1, 1 + next(28) as u32));
            d.flex_expires_on = Some(day(2025, 6, 1 + next(28) as u32));
            d
        })
        .collect();
    let idx = SearchIndex::build(docs.clone());
    for round in 0..400 {
        let terms = 1 + next(2);
        let t: Vec<String> = (0..terms).map(|_| word(1 + next(4), &mut next)).collect();
        let q = SearchQuery {
            text: Some(t.join(" ")),
            region: (round % 3 == 0).then(|| regions[next(3)].to_owned()),
            flex_only: round % 5 == 0,
            per_page: MAX_PER_PAGE,
            ..SearchQuery::default()
        };
        let expected = reference(&docs, &q, today());
        let r = idx.search(&q, today());
        let got: Vec<String> = r.items.iter().map(|h| h.doc().unwrap().slug).collect();
        assert_eq!(got, expected[..expected.len().min(MAX_PER_PAGE as usize)], "query {q:?}");
        assert_eq!(r.total, expected.len());
        assert_eq!(folded(&r.facets), folded(&reference_facets(&docs, &expected)), "facets for {q:?}");
        // The same query again, a later page: its total and facets come from the summary kept
        // above, and only the matches up to this page are gathered.
        let later = SearchQuery { page: 2, per_page: 7, ..q.clone() };
        let r2 = idx.search(&later, today());
        let got: Vec<String> = r2.items.iter().map(|h| h.doc().unwrap().slug).collect();
        assert_eq!(got, expected[expected.len().min(7)..expected.len().min(14)], "page 2 of {q:?}");
        assert_eq!(r2.total, expected.len());
        assert_eq!(r2.facets, r.facets);
    }
}

#[test]
fn a_repeated_query_follows_the_day_for_eligibility() {
    let mut ending = doc("ending", "終了", "Ending", Tier::Gold);
    ending.flex_signed_on = Some(day(2025, 1, 1));
    ending.flex_expires_on = Some(today());
    let mut lasting = doc("lasting", "継続", "Lasting", Tier::Gold);
    lasting.flex_signed_on = Some(day(2025, 1, 1));
    lasting.flex_expires_on = Some(day(2026, 1, 1));
    let idx = SearchIndex::build(vec![ending, lasting]);
    let q = SearchQuery { flex_only: true, ..SearchQuery::default() };
    for _ in 0..2 {
        assert_eq!(slugs(&idx.search(&q, today())), ["ending", "lasting"]);
        let tomorrow = today().succ_opt().unwrap();
        let r = idx.search(&q, tomorrow);
        assert_eq!(slugs(&r), ["lasting"], "the day after the agreement ends");
        assert_eq!(r.total, 1);
        assert_eq!(r.facets.tier, [(Tier::Gold, 1)]);
    }
}
