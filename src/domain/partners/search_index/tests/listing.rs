//! Filters, ordering, pagination, facets and flex eligibility.

use super::*;

#[test]
fn code_filters_are_exact_and_case_insensitive() {
    let docs = filter_fixture();
    let idx = SearchIndex::build(docs.clone());
    let q = SearchQuery {
        region: Some("JP-27".into()),
        language: Some("en".into()),
        service: Some("flex_tokens".into()),
        per_page: 7,
        ..SearchQuery::default()
    };
    let expected = reference(&docs, &q, today());
    assert_eq!(expected.len(), 16);
    assert_eq!(all_pages(&idx, &q), expected);
    assert_eq!(idx.search(&q, today()).total, 16);
    let shouty =
        SearchQuery { region: Some("jp-27".into()), service: Some(" FLEX_TOKENS ".into()), ..q.clone() };
    assert_eq!(all_pages(&idx, &shouty), expected);
    let unknown = SearchQuery { region: Some("JP-99".into()), ..q.clone() };
    assert_eq!(idx.search(&unknown, today()).total, 0);
    let blank = SearchQuery { region: Some(String::new()), language: None, service: None, ..q };
    assert_eq!(idx.search(&blank, today()).total, docs.len());
}

#[test]
fn order_is_tier_then_name_then_slug_regardless_of_input_order() {
    let mut docs = vec![
        doc("b", "", "beta", Tier::Silver),
        doc("a2", "", "Alpha", Tier::Silver),
        doc("a1", "", "alpha", Tier::Silver),
        doc("z", "", "Zulu", Tier::Platinum),
        doc("m", "", "mike", Tier::Authorized),
        doc("g", "", "Golf", Tier::Gold),
    ];
    let expected = ["z", "g", "a1", "a2", "b", "m"];
    for _ in 0..docs.len() {
        let idx = SearchIndex::build(docs.clone());
        let got: Vec<String> = idx
            .search(&SearchQuery::default(), today())
            .items
            .iter()
            .map(|h| h.doc().unwrap().slug)
            .collect();
        assert_eq!(got, expected);
        docs.rotate_left(1);
    }
}

#[test]
fn pagination_clamps_and_covers_every_match_once() {
    let docs = filter_fixture();
    let idx = SearchIndex::build(docs.clone());
    let everything = reference(&docs, &SearchQuery::default(), today());
    let q = SearchQuery { per_page: 20, ..SearchQuery::default() };
    let sizes: Vec<usize> =
        (1..=4).map(|page| idx.search(&SearchQuery { page, ..q.clone() }, today()).items.len()).collect();
    assert_eq!(sizes, [20, 20, 8, 0]);
    assert_eq!(all_pages(&idx, &q), everything);
    let beyond = idx.search(&SearchQuery { page: u32::MAX, per_page: u32::MAX, ..q.clone() }, today());
    assert_eq!((beyond.items.len(), beyond.total, beyond.per_page), (0, 48, MAX_PER_PAGE));
    let zero = idx.search(&SearchQuery { page: 0, per_page: 0, ..q.clone() }, today());
    assert_eq!((zero.page, zero.per_page, zero.items.len()), (1, 1, 1));
    assert_eq!(zero.items[0].doc().unwrap().slug, everything[0]);
    let big = idx.search(&SearchQuery { per_page: 1000, ..q }, today());
    assert_eq!((big.per_page, big.items.len()), (MAX_PER_PAGE, 48));
}

#[test]
fn facets_count_the_full_match_set() {
    let docs = filter_fixture();
    let idx = SearchIndex::build(docs.clone());
    let unfiltered = idx.search(&SearchQuery { per_page: 1, ..SearchQuery::default() }, today());
    let all = reference(&docs, &SearchQuery::default(), today());
    assert_eq!(folded(&unfiltered.facets), folded(&reference_facets(&docs, &all)));
    assert_eq!(
        unfiltered.facets.tier,
        [(Tier::Platinum, 12), (Tier::Gold, 12), (Tier::Silver, 12), (Tier::Authorized, 12)]
    );
    let q = SearchQuery { region: Some("JP-27".into()), per_page: 1, ..SearchQuery::default() };
    let r = idx.search(&q, today());
    assert_eq!(folded(&r.facets), folded(&reference_facets(&docs, &reference(&docs, &q, today()))));
    assert_eq!(r.facets.region, [("JP-27".to_owned(), 32), ("JP-13".to_owned(), 8)]);
    // Most common spelling wins, whatever order the documents came in.
    assert_eq!(r.facets.service[0], ("flex_tokens".to_owned(), 24));
    assert!(r.facets.language.contains(&("en".to_owned(), 24)));
}

#[test]
fn flex_only_flips_after_the_last_day() {
    let mut gold = doc("gold", "ゴールド", "Gold KK", Tier::Gold);
    (gold.flex_signed_on, gold.flex_expires_on) = (Some(day(2024, 4, 1)), Some(day(2025, 3, 31)));
    let mut silver = doc("silver", "シルバー", "Silver KK", Tier::Silver);
    (silver.flex_signed_on, silver.flex_expires_on) = (gold.flex_signed_on, gold.flex_expires_on);
    let mut hidden = gold.clone();
    (hidden.slug, hidden.published) = ("hidden".into(), false);
    assert!(is_flex_eligible(&gold, day(2025, 3, 31)) && !is_flex_eligible(&gold, day(2025, 4, 1)));
    assert!(!is_flex_eligible(&hidden, day(2025, 3, 31)));

    let idx = SearchIndex::build(vec![gold, silver, hidden]);
    let q = SearchQuery { flex_only: true, ..SearchQuery::default() };
    let on = |d| slugs(&idx.search(&q, d));
    assert_eq!(on(day(2024, 3, 31)), Vec::<String>::new());
    assert_eq!(on(day(2024, 4, 1)), ["gold"]);
    assert_eq!(on(day(2025, 3, 31)), ["gold"]);
    assert_eq!(on(day(2025, 4, 1)), Vec::<String>::new());
    assert_eq!(idx.search(&SearchQuery { flex_only: true, ..text("ゴールド") }, day(2025, 1, 1)).total, 1);
}

#[test]
fn unpublished_docs_are_not_searchable_or_gettable() {
    let mut hidden = doc("hidden", "東京秘密", "Hidden Tokyo", Tier::Platinum);
    hidden.published = false;
    let idx = SearchIndex::build(vec![hidden, doc("shown", "東京", "Shown", Tier::Gold)]);
    assert_eq!(idx.len(), 1);
    assert!(idx.get_by_slug("hidden").unwrap().is_none());
    assert_eq!(idx.get_by_slug("shown").unwrap().map(|d| d.name_en), Some("Shown".to_owned()));
    assert!(idx.get_by_slug("show").unwrap().is_none() && idx.get_by_slug("zzz").unwrap().is_none());
    assert!(idx.get_by_slug("").unwrap().is_none() && idx.get_by_slug("SHOWN").unwrap().is_none());
    assert_eq!(slugs(&idx.search(&text("東京"), today())), ["shown"]);
    assert_eq!(idx.search(&SearchQuery::default(), today()).facets.tier, [(Tier::Gold, 1)]);
}

#[test]
fn facet_counting_strategies_agree() {
    let idx = SearchIndex::build(filter_fixture());
    for step in [1, 2, 5, 13] {
        let ords: Vec<u32> = (0..idx.len() as u32).step_by(step).collect();
        let bits = postings::to_bits(&ords, idx.len() as u32);
        for field in [&idx.language, &idx.region, &idx.service, &idx.country] {
            assert_eq!(field.facet(&ords, None), field.facet(&ords, Some(&bits)), "step {step}");
        }
    }
}
