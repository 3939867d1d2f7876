//! Demo directories: the generator is deterministic and realistic, every partner it makes is
//! valid, and `demo-data` and the first start write them.

use std::collections::HashSet;

use flexportal::domain::actor::Origin;
use flexportal::domain::partners::PartnerInput;
use flexportal::domain::partners::demo::{SHOWCASE_SLUG, generate, seed_directory};
use flexportal::domain::region::Prefecture;
use flexportal::storage::partners as store;

use crate::cli::flexportal;
use crate::common::{Options, fresh_config, fresh_portal};

fn share(partners: &[PartnerInput], test: impl Fn(&PartnerInput) -> bool) -> f64 {
    partners.iter().filter(|p| test(p)).count() as f64 / partners.len() as f64
}

fn is_katakana(c: char) -> bool {
    ('\u{30A0}'..='\u{30FF}').contains(&c)
}

#[test]
fn a_seed_always_gives_the_same_directory_and_another_seed_another() {
    let first = generate(500, 42);
    assert_eq!(first, generate(500, 42));
    assert_ne!(first, generate(500, 43));
    assert_eq!(generate(300, 42), first[..300], "a smaller directory is the start of a larger one");
    // Pinned so that a change of platform or of the generator's arithmetic cannot go unnoticed.
    let pinned: Vec<(&str, &str)> = first[..2].iter().map(|p| (p.slug.as_str(), p.csn.as_str())).collect();
    assert_eq!(pinned, [("shimane-sigma-2a905x", "9138148629"), ("aomori-bridge-28uq86", "9135802950")]);
}

#[test]
fn every_generated_partner_passes_the_profile_parser() {
    for (count, seed) in [(3_000, 7), (2_000, 42)] {
        for (index, input) in generate(count, seed).iter().enumerate() {
            if let Err(e) = input.parse() {
                panic!("partner {index} of seed {seed} is invalid: {e:?}\n{input:#?}");
            }
        }
    }
}

#[test]
fn generated_partners_name_their_prefecture_or_city_in_both_languages() {
    for partner in generate(2_000, 42) {
        assert!(partner.description_ja.contains("架空"), "{}", partner.description_ja);
        assert!(partner.description_en.contains("fictional"), "{}", partner.description_en);
        assert!(partner.name_ja.chars().any(is_katakana), "{}", partner.name_ja);
        assert!(partner.regions.iter().all(|r| r.starts_with(&format!("{}-", partner.country))));
        if partner.country != "JP" {
            continue;
        }
        assert!((1..=3).contains(&partner.regions.len()), "{:?}", partner.regions);
        let home = Prefecture::from_code(&partner.regions[0]).unwrap();
        let short_ja = home.name_ja().trim_end_matches(['都', '府', '県']);
        let short_ja = if home.name_ja() == "北海道" { "北海道" } else { short_ja };
        assert!(partner.name_ja.contains(short_ja), "{} / {}", partner.name_ja, home.name_ja());
        assert!(partner.name_en.contains(home.name_en()), "{} / {}", partner.name_en, home.name_en());
        assert!(partner.description_ja.contains(home.name_ja()), "{}", partner.description_ja);
        assert!(partner.description_en.contains(home.name_en()), "{}", partner.description_en);
    }
}

#[test]
fn generated_slugs_and_csns_are_unique() {
    let partners = generate(20_000, 42);
    let slugs: HashSet<&str> = partners.iter().map(|p| p.slug.as_str()).collect();
    let csns: HashSet<&str> = partners.iter().map(|p| p.csn.as_str()).collect();
    assert_eq!((slugs.len(), csns.len()), (partners.len(), partners.len()));
    assert!(partners.iter().all(|p| p.csn.len() == 10 && p.csn.bytes().all(|b| b.is_ascii_digit())));
    assert!(partners.iter().all(|p| p.website.is_empty() || p.website.ends_with(".example/")));
    assert!(partners.iter().all(|p| p.email.is_empty() || p.email.ends_with(".example")));
}

#[test]
fn a_generated_directory_looks_like_the_reseller_channel() {
    let partners = generate(10_000, 42);
    let japan: Vec<PartnerInput> = partners.iter().filter(|p| p.country == "JP").cloned().collect();
    let within = |value: f64, low: f64, high: f64| assert!((low..=high).contains(&value), "{value}");
    within(japan.len() as f64 / partners.len() as f64, 0.70, 0.80);
    within(share(&partners, |p| p.tier == "platinum"), 0.12, 0.18);
    within(share(&partners, |p| p.tier == "gold"), 0.31, 0.39);
    within(share(&partners, |p| p.tier == "silver"), 0.26, 0.34);
    within(share(&partners, |p| p.tier == "authorized"), 0.16, 0.24);
    within(share(&partners, |p| p.published), 0.93, 0.97);
    within(share(&partners, |p| p.services.iter().any(|s| s == "flex_tokens")), 0.80, 0.95);
    within(share(&japan, |p| p.languages.iter().any(|l| l == "ja")), 0.93, 1.0);
    within(share(&japan, |p| p.languages.iter().any(|l| l == "en")), 0.40, 0.70);
    within(share(&japan, |p| !p.invoice_registration_number.is_empty()), 0.55, 0.75);
    let eligible_tier: Vec<PartnerInput> =
        partners.iter().filter(|p| p.tier == "platinum" || p.tier == "gold").cloned().collect();
    within(share(&eligible_tier, |p| p.flex_expires_on.as_str() > "2029"), 0.70, 0.90);
    within(
        share(&eligible_tier, |p| !p.flex_expires_on.is_empty() && p.flex_expires_on.as_str() < "2024"),
        0.05,
        0.15,
    );
    within(share(&eligible_tier, |p| p.flex_signed_on.is_empty()), 0.05, 0.15);

    let signed = partners.iter().filter(|p| !p.flex_signed_on.is_empty());
    assert!(
        signed.clone().all(|p| p.services.iter().any(|s| s == "flex_tokens")),
        "signers sell Flex tokens"
    );

    let homes: HashSet<String> =
        generate(300, 42).iter().filter(|p| p.country == "JP").map(|p| p.regions[0].clone()).collect();
    assert_eq!(homes.len(), 47, "even the first-start directory covers every prefecture");
    let countries: HashSet<&str> = partners.iter().map(|p| p.country.as_str()).collect();
    for country in ["US", "GB", "DE", "SG", "AU", "KR", "TW"] {
        assert!(countries.contains(country), "{country}");
    }
}

#[rocket::async_test]
async fn a_seeded_directory_is_searchable_and_seeding_it_again_adds_nothing() {
    let (portal, _db) = fresh_portal(&Options::default()).await;
    let mut seen = Vec::new();
    let written = seed_directory(&portal, 1_200, 5, |done| seen.push(done)).await.unwrap();
    assert_eq!((written, seen), (1_200, vec![1_000, 1_200]));
    let published = generate(1_200, 5).iter().filter(|p| p.published).count();
    assert_eq!(portal.directory.snapshot().len(), published);
    assert_eq!(seed_directory(&portal, 1_300, 5, |_| {}).await.unwrap(), 100);
    assert_eq!(store::list(portal.db.conn(), None, 0, 1).await.unwrap().1, 1_300);
}

#[rocket::async_test]
async fn demo_data_on_the_command_line_writes_the_partners_it_is_asked_for() {
    let (config, _db) = fresh_config(&Options::default()).await;
    let output =
        flexportal(&config).args(["demo-data", "--partners", "50", "--customers", "3"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("wrote 50 partners (seed 42)"), "{stdout}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("customers are not available yet"));

    let output = flexportal(&config).args(["demo-data", "--partners", "50"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("wrote 0 partners") && stdout.contains("50 were already present"), "{stdout}");

    let portal = flexportal::open(config.clone()).await.unwrap();
    let (rows, total) = store::list(portal.db.conn(), None, 0, 100).await.unwrap();
    assert_eq!(total, 50);
    let expected: HashSet<String> = generate(50, 42).into_iter().map(|p| p.csn).collect();
    assert_eq!(rows.into_iter().map(|r| r.csn).collect::<HashSet<_>>(), expected);
}

#[rocket::async_test]
async fn the_first_start_brings_a_directory_and_a_showcase_partner_with_staff_logins() {
    let options = Options { extra: vec![("demo_data", serde_json::json!(true))], ..Options::default() };
    let (portal, _db) = fresh_portal(&options).await;
    let logins = flexportal::seed_demo(&portal).await.unwrap();
    let roles: Vec<&str> = logins.iter().map(|l| l.role).collect();
    assert_eq!(roles, ["admin", "partner_admin", "partner_sales"]);
    assert_eq!(store::list(portal.db.conn(), None, 0, 1).await.unwrap().1, 301);

    let showcase = store::find_by_slug(portal.db.conn(), SHOWCASE_SLUG).await.unwrap().unwrap();
    assert_eq!(
        (showcase.tier.as_str(), showcase.regions.first().map(String::as_str)),
        ("platinum", Some("JP-13"))
    );
    assert!(flexportal::domain::partners::is_flex_eligible(&showcase, portal.today()));
    let found = portal.directory.snapshot();
    assert!(found.get_by_slug(SHOWCASE_SLUG).unwrap().is_some());

    let staff = &logins[1];
    let session = flexportal::domain::accounts::login(
        &portal,
        &staff.email,
        &staff.password,
        flexportal::domain::accounts::SessionKind::Api,
        &Origin::default(),
    )
    .await;
    assert!(session.is_ok());
    assert!(flexportal::seed_demo(&portal).await.unwrap().is_empty(), "only on an empty database");
}
