//! What quotes read: `price_list_on` and `tax_rule_on` give the exact tiers and rule in force on a day,
//! before and after the operator changes them.

use chrono::NaiveDate;
use flexportal::domain::actor::Origin;
use flexportal::domain::error::Error;
use flexportal::domain::money::{Currency, Rounding};
use flexportal::domain::price_book::{
    TaxRuleInput, TierInput, add_tax_rule, add_tier, end_tax_rule, end_tier, price_list_on, tax_rule_on,
};
use flexportal::domain::pricing::{PriceTier, unit_price_for};
use flexportal::domain::quantity::TokenQuantity;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::common::{fresh_portal, operator};
use crate::price_book::{SEEDED_JP_TAX, SEEDED_JPY_100, on_first_of_december};

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn d(text: &str) -> Decimal {
    Decimal::from_str_exact(text).unwrap()
}

fn yen(min_tokens: u32, price: &str) -> PriceTier {
    PriceTier { currency: Currency::Jpy, min_tokens, unit_price: d(price) }
}

#[rocket::async_test]
async fn the_seeded_price_list_prices_the_documented_examples() {
    let (portal, _db) = fresh_portal(&on_first_of_december()).await;
    let today = portal.today();
    assert_eq!(today, day("2026-12-01"));
    let jpy = price_list_on(&portal, Currency::Jpy, today).await.unwrap();
    assert_eq!(jpy, [yen(100, "390"), yen(5000, "380.25"), yen(10_000, "370.5")]);
    let unit = |tokens| unit_price_for(&jpy, Currency::Jpy, TokenQuantity::new(tokens).unwrap()).unwrap();
    assert_eq!(
        (unit(100), unit(4999), unit(5000), unit(10_000)),
        (d("390"), d("390"), d("380.25"), d("370.5"))
    );
    let usd = price_list_on(&portal, Currency::Usd, today).await.unwrap();
    assert_eq!(usd, [PriceTier { currency: Currency::Usd, min_tokens: 100, unit_price: d("3") }]);
    assert!(price_list_on(&portal, Currency::Jpy, day("2023-12-31")).await.unwrap().is_empty());

    let japan = tax_rule_on(&portal, "JP", today).await.unwrap().unwrap();
    assert_eq!(
        (japan.rule.rate, japan.rule.rounding, japan.id.to_string()),
        (d("0.1"), Rounding::Down, SEEDED_JP_TAX.into())
    );
    assert_eq!(tax_rule_on(&portal, "jp", today).await.unwrap(), Some(japan));
    let abroad =
        tax_rule_on(&portal, "US", today).await.unwrap().expect("customers outside Japan have a rule");
    assert_eq!(
        (abroad.rule.rate, abroad.name.as_str()),
        (d("0"), "不課税 / not subject to Japanese consumption tax")
    );
}

#[rocket::async_test]
async fn a_price_change_applies_from_its_first_day_and_the_day_before_keeps_the_old_price() {
    let (portal, _db) = fresh_portal(&on_first_of_december()).await;
    let (ops, origin) = (operator(), Origin::default());
    end_tier(&portal, &ops, &origin, Uuid::parse_str(SEEDED_JPY_100).unwrap(), "2026-12-31").await.unwrap();
    let input = TierInput {
        currency: "JPY".into(),
        min_tokens: "100".into(),
        unit_price: "400".into(),
        effective_from: "2027-01-01".into(),
        ..Default::default()
    };
    let added = add_tier(&portal, &ops, &origin, &input).await.unwrap();
    assert_eq!((added.tier.clone(), added.sample), (yen(100, "400"), false));

    let before = price_list_on(&portal, Currency::Jpy, day("2026-12-31")).await.unwrap();
    assert_eq!(before, [yen(100, "390"), yen(5000, "380.25"), yen(10_000, "370.5")]);
    let after = price_list_on(&portal, Currency::Jpy, day("2027-01-01")).await.unwrap();
    assert_eq!(after, [yen(100, "400"), yen(5000, "380.25"), yen(10_000, "370.5")]);
}

#[rocket::async_test]
async fn a_tax_change_applies_from_its_first_day() {
    let (portal, _db) = fresh_portal(&on_first_of_december()).await;
    let (ops, origin) = (operator(), Origin::default());
    end_tax_rule(&portal, &ops, &origin, Uuid::parse_str(SEEDED_JP_TAX).unwrap(), "2027-03-31")
        .await
        .unwrap();
    let input = TaxRuleInput {
        country: "JP".into(),
        name: "消費税（改定）".into(),
        rate_percent: "8".into(),
        rounding: "half_up".into(),
        effective_from: "2027-04-01".into(),
        effective_to: String::new(),
    };
    add_tax_rule(&portal, &ops, &origin, &input).await.unwrap();
    let before = tax_rule_on(&portal, "JP", day("2027-03-31")).await.unwrap().unwrap();
    assert_eq!((before.rule.rate, before.rule.rounding), (d("0.1"), Rounding::Down));
    let after = tax_rule_on(&portal, "JP", day("2027-04-01")).await.unwrap().unwrap();
    assert_eq!(
        (after.rule.rate, after.rule.rounding, after.name.as_str()),
        (d("0.08"), Rounding::HalfUp, "消費税（改定）")
    );
}

#[rocket::async_test]
async fn partner_staff_cannot_change_the_price_book_through_the_domain_either() {
    let (portal, _db) = fresh_portal(&on_first_of_december()).await;
    let mut staff = operator();
    staff.role = flexportal::domain::actor::Role::PartnerAdmin;
    staff.partner_id = Some(Uuid::new_v4());
    let input = TierInput {
        currency: "JPY".into(),
        min_tokens: "1".into(),
        unit_price: "1".into(),
        effective_from: "2027-01-01".into(),
        ..Default::default()
    };
    let refused = add_tier(&portal, &staff, &Origin::default(), &input).await;
    assert!(matches!(refused, Err(Error::Forbidden)));
    let refused =
        end_tier(&portal, &staff, &Origin::default(), Uuid::parse_str(SEEDED_JPY_100).unwrap(), "2027-01-01")
            .await;
    assert!(matches!(refused, Err(Error::Forbidden)));
}

#[rocket::async_test]
async fn two_overlapping_tiers_added_at_the_same_moment_leave_exactly_one() {
    let (portal, _db) = fresh_portal(&on_first_of_december()).await;
    let (ops, origin) = (operator(), Origin::default());
    let input = TierInput {
        currency: "JPY".into(),
        min_tokens: "20000".into(),
        unit_price: "365".into(),
        effective_from: "2027-01-01".into(),
        ..Default::default()
    };
    let (first, second) =
        tokio::join!(add_tier(&portal, &ops, &origin, &input), add_tier(&portal, &ops, &origin, &input));
    let refused = match (first, second) {
        (Ok(_), Err(refused)) | (Err(refused), Ok(_)) => refused,
        (first, second) => panic!("expected one tier and one refusal, got {first:?} and {second:?}"),
    };
    assert!(matches!(&refused, Error::Validation(errors) if errors[0].code == "overlaps"), "{refused:?}");
    let in_force = price_list_on(&portal, Currency::Jpy, day("2027-01-01")).await.unwrap();
    assert_eq!(in_force.iter().filter(|t| t.min_tokens == 20_000).count(), 1);
}
