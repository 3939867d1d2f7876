//! What every document the portal issues prints the same way, whatever its kind: dates in the
//! customer's language, the issuer (with postal address, 担当 and registration number) and the
//! addressee (様 or 御中), the priced lines (a discount as its own 値引 row), the tax per rate
//! (不課税 for customers outside Japan) and how tax was rounded.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::documents::pdf::{Lang, Line, Party, TaxLine};
use crate::domain::customers::Customer;
use crate::domain::money::{Currency, Money};
use crate::domain::partners::Partner;
use crate::domain::price_book::unit_price_from_e4;
use crate::domain::quotes::{QuoteLine, QuoteTotals};
use crate::domain::tokens::TokenAmount;

/// The language a customer's documents are written in: `en` or `ja`.
pub(crate) fn language(customer: &Customer) -> &'static str {
    if customer.language == "en" { "en" } else { "ja" }
}

pub(crate) fn pdf_lang(lang: &str) -> Lang {
    if lang == "en" { Lang::En } else { Lang::Ja }
}

/// Picks the Japanese or the English wording.
pub(crate) fn says(lang: &str, ja: &str, en: &str) -> String {
    if lang == "ja" { ja.to_owned() } else { en.to_owned() }
}

pub fn format_date(date: NaiveDate, lang: &str) -> String {
    if lang == "ja" {
        date.format("%Y年%-m月%-d日").to_string()
    } else {
        date.format("%-d %b %Y").to_string()
    }
}

/// `1,000 トークン` / `1,000 tokens`; a fractional amount keeps its decimals (`0.5 tokens`).
pub(crate) fn tokens_text(tokens: TokenAmount, lang: &str) -> String {
    let plain = tokens.to_decimal().normalize().to_string();
    let (sign, plain) = plain.strip_prefix('-').map_or(("", plain.as_str()), |rest| ("-", rest));
    let (whole, fraction) = plain.split_once('.').map_or((plain, None), |(w, f)| (w, Some(f)));
    let mut grouped = String::from(sign);
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if let Some(fraction) = fraction {
        grouped.push('.');
        grouped.push_str(fraction);
    }
    if lang == "ja" { format!("{grouped} トークン") } else { format!("{grouped} tokens") }
}

/// What is sold, as the 件名 and the line description say it.
pub(crate) fn product(lang: &str) -> String {
    says(lang, "Autodesk Flex トークン", "Autodesk Flex tokens")
}

/// The partner's registration number (`T` + 13 digits), when it has one.
pub(crate) fn registration_number(partner: &Partner) -> Option<String> {
    partner.invoice_registration_number.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned)
}

/// The issuer block: name, postal code and address, phone, e-mail, website, the staff member in
/// charge (担当) and the registration number.
pub(crate) fn issuer(partner: &Partner, staff_name: Option<&str>, lang: &str) -> Party {
    let name = if lang == "ja" { &partner.name_ja } else { &partner.name_en };
    let mut lines = Vec::new();
    let postal =
        partner.postal_code.as_deref().map(|p| if lang == "ja" { format!("〒{p}") } else { p.to_owned() });
    let address: Vec<String> = [postal, partner.address.clone()].into_iter().flatten().collect();
    if !address.is_empty() {
        lines.push(address.join(" "));
    }
    lines.extend(partner.phone.iter().map(|p| format!("TEL {p}")));
    lines.extend(partner.email.iter().cloned());
    lines.extend(partner.website.iter().cloned());
    lines.extend(
        staff_name
            .filter(|n| !n.trim().is_empty())
            .map(|name| if lang == "ja" { format!("担当: {name}") } else { format!("Contact: {name}") }),
    );
    Party { name: name.clone(), lines, registration_number: registration_number(partner) }
}

/// The addressee block and the person it is for: `部署 氏名` (printed `… 様`) when the customer
/// names a contact, none when the company alone is addressed (printed `… 御中`).
pub(crate) fn addressee(customer: &Customer, lang: &str) -> (Party, Option<String>) {
    let mut lines = Vec::new();
    lines
        .extend(customer.postal_code.iter().map(|p| if lang == "ja" { format!("〒{p}") } else { p.clone() }));
    lines.extend(customer.address.iter().cloned());
    let autodesk_id = customer.purchaser_autodesk_id.trim();
    if !autodesk_id.is_empty() {
        lines.push(if lang == "ja" {
            format!("トークン付与先 Autodesk ID: {autodesk_id}")
        } else {
            format!("Tokens go to Autodesk ID: {autodesk_id}")
        });
    }
    // 御中 is for a company without a named person; a named person gets 部署 氏名 様 instead.
    let contact = customer.contact_name.trim();
    let attention = (!contact.is_empty()).then(|| match customer.department.as_deref().map(str::trim) {
        Some(department) if !department.is_empty() => format!("{department} {contact}"),
        _ => contact.to_owned(),
    });
    let party = Party { name: customer.company_name.clone(), lines, registration_number: None };
    (party, attention)
}

/// The printed rows of all lines, in order.
pub(crate) fn printed_lines(lines: &[QuoteLine], currency: Currency, lang: &str) -> Vec<Line> {
    lines.iter().flat_map(|line| printed_line(line, currency, lang)).collect()
}

/// The printed rows for one line. A discounted line is printed at its list price with a separate
/// 値引 row of the difference, so every row reads 数量 × 単価 = 金額 exactly and the rows add up to
/// the line's amount.
fn printed_line(line: &QuoteLine, currency: Currency, lang: &str) -> Vec<Line> {
    let unit_price = unit_price_from_e4(line.unit_price_e4);
    let list_amount = (unit_price * Decimal::from(line.tokens.get())).normalize();
    let amount = Money::from_minor(line.amount_minor, currency).amount;
    let mut rows = vec![Line {
        description: product(lang),
        quantity: tokens_text(TokenAmount::from(line.tokens), lang),
        unit_price: Money::new(unit_price, currency).to_string(),
        amount: Money::new(list_amount, currency).to_string(),
    }];
    if line.discount.to_hundredths() > 0 {
        let pct = line.discount.get().normalize();
        let discount = Money::new((amount - list_amount).normalize(), currency).to_string();
        rows.push(Line {
            description: if lang == "ja" {
                format!("値引（{pct}%）")
            } else {
                format!("Discount ({pct}%)")
            },
            quantity: "1".to_owned(),
            unit_price: discount.clone(),
            amount: discount,
        });
    }
    rows
}

fn rate(totals: &QuoteTotals) -> Decimal {
    Decimal::new(i64::from(totals.tax_rate_hundredths), 2).normalize()
}

/// The taxable base and tax of each rate (`10%対象`), or 不課税 for a customer outside Japan.
pub(crate) fn tax_lines(totals: &QuoteTotals, currency: Currency, lang: &str) -> Vec<TaxLine> {
    let rate = rate(totals);
    let label = match (totals.tax_rate_hundredths == 0, lang == "ja") {
        (true, true) => "不課税（日本の消費税の対象外）".to_owned(),
        (true, false) => "Not subject to Japanese consumption tax".to_owned(),
        (false, true) => format!("{rate}%対象"),
        (false, false) => format!("{rate}% taxable"),
    };
    vec![TaxLine {
        label,
        base: Money::from_minor(totals.subtotal_minor, currency).to_string(),
        tax: Money::from_minor(totals.tax_minor, currency).to_string(),
    }]
}

/// How tax was rounded, as the document states it: `税率ごとに合計し1円未満切り捨て`.
fn rounding_note(rounding: &str, currency: Currency, lang: &str) -> String {
    let unit = Money::from_minor(1, currency).to_string();
    let unit_ja = if unit == "¥1" { "1円".to_owned() } else { unit.clone() };
    match (lang, rounding) {
        ("ja", "half_up") => format!("税率ごとに合計し{unit_ja}未満四捨五入"),
        ("ja", "up") => format!("税率ごとに合計し{unit_ja}未満切り上げ"),
        ("ja", _) => format!("税率ごとに合計し{unit_ja}未満切り捨て"),
        (_, "half_up") => format!("totalled per rate, rounded half up to {unit}"),
        (_, "up") => format!("totalled per rate, rounded up to {unit}"),
        (_, _) => format!("totalled per rate, rounded down to {unit}"),
    }
}

/// The term stating the tax: its rate and rounding, or that the supply is outside Japanese
/// consumption tax.
pub(crate) fn tax_term(totals: &QuoteTotals, currency: Currency, lang: &str) -> String {
    if totals.tax_rate_hundredths == 0 {
        return says(
            lang,
            "日本国外のお客様への提供のため、日本の消費税の対象外（不課税）です。",
            "Supplied to a customer outside Japan: not subject to Japanese consumption tax.",
        );
    }
    let rate = rate(totals);
    let rounding = rounding_note(&totals.tax_rounding, currency, lang);
    if lang == "ja" {
        format!("消費税は{rate}%、{rounding}（本書1通につき税率ごとに1回端数処理）。")
    } else {
        format!("Tax at {rate}%, {rounding}, once per rate on this document.")
    }
}

/// The partner's 支払条件, as a term.
pub(crate) fn payment_terms(partner: &Partner, lang: &str) -> Option<String> {
    let terms = partner.payment_terms.as_deref().map(str::trim).filter(|t| !t.is_empty())?;
    Some(if lang == "ja" { format!("支払条件: {terms}") } else { format!("Payment terms: {terms}") })
}

/// Where `/verify/{code}` is served for this document.
pub(crate) fn verify_url(public_base_url: &str, verify_code: &str) -> String {
    format!("{}/verify/{verify_code}", public_base_url.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn totals(rate_hundredths: i32, rounding: &str) -> QuoteTotals {
        QuoteTotals {
            subtotal_minor: 1000,
            tax_minor: i64::from(rate_hundredths / 10),
            total_minor: 1000 + i64::from(rate_hundredths / 10),
            tax_rate_hundredths: rate_hundredths,
            tax_rounding: rounding.to_owned(),
        }
    }

    #[test]
    fn the_tax_term_states_rate_and_rounding_or_that_the_supply_is_outside_japanese_tax() {
        let jpy = Currency::Jpy;
        assert_eq!(
            tax_term(&totals(1000, "down"), jpy, "ja"),
            "消費税は10%、税率ごとに合計し1円未満切り捨て（本書1通につき税率ごとに1回端数処理）。"
        );
        assert_eq!(
            tax_term(&totals(1000, "half_up"), Currency::Usd, "en"),
            "Tax at 10%, totalled per rate, rounded half up to $0.01, once per rate on this document."
        );
        let outside = tax_term(&totals(0, "down"), jpy, "ja");
        assert!(outside.contains("不課税") && !outside.contains("0%"), "{outside}");
        assert!(tax_term(&totals(0, "down"), jpy, "en").contains("not subject to Japanese consumption tax"));
        assert_eq!(tax_lines(&totals(0, "down"), jpy, "ja")[0].label, "不課税（日本の消費税の対象外）");
    }

    #[test]
    fn token_counts_are_grouped_and_keep_their_decimals() {
        assert_eq!(tokens_text(TokenAmount::from_tokens(1_000_000).unwrap(), "ja"), "1,000,000 トークン");
        assert_eq!(tokens_text(TokenAmount::from_tokens(100).unwrap(), "en"), "100 tokens");
        assert_eq!(tokens_text(TokenAmount::from_thousandths(1_234_500), "en"), "1,234.5 tokens");
    }
}
