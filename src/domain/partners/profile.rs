//! A partner profile as entered (by the operator, a partner admin, or a CSV row) and its parse into
//! a valid profile: every field checked, every bad field named.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::Partner;
use super::search_index::Tier;
use crate::domain::contact::{CompanyName, Email, PhoneNumber};
use crate::domain::error::{FieldError, FieldErrors, Result};
use crate::domain::pricing::DiscountPercent;
use crate::domain::region::{Country, Language, Region, Service};
use crate::domain::registration_number::RegistrationNumber;
use crate::domain::slug::Slug;
use crate::domain::web_url::WebUrl;

const DESCRIPTION_MAX_CHARS: usize = 2_000;
const MAX_CODES: usize = 60;
const BANK_DETAILS_MAX_LINES: usize = 6;
const BANK_DETAILS_MAX_LINE_CHARS: usize = 80;
/// Payment is due at most this many days after the invoice date.
pub const MAX_PAYMENT_DUE_DAYS: u16 = 120;
pub const DEFAULT_PAYMENT_DUE_DAYS: u16 = 30;

/// Raw input, as text. Empty strings mean "not given".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartnerInput {
    pub slug: String,
    pub name_ja: String,
    pub name_en: String,
    pub description_ja: String,
    pub description_en: String,
    pub tier: String,
    pub csn: String,
    /// Empty: the default from the slug (on creation) or the current prefix (on update).
    pub document_prefix: String,
    pub country: String,
    pub regions: Vec<String>,
    pub languages: Vec<String>,
    pub services: Vec<String>,
    pub website: String,
    pub email: String,
    pub phone: String,
    pub postal_code: String,
    pub address: String,
    pub payment_terms: String,
    pub bank_details: String,
    /// Empty means the default, 30 days.
    pub payment_due_days: String,
    pub invoice_registration_number: String,
    pub max_discount_percent: String,
    pub flex_signed_on: String,
    pub flex_expires_on: String,
    pub published: bool,
}

/// A profile whose every field passed its parser.
#[derive(Debug, Clone)]
pub struct ValidPartner {
    pub slug: String,
    pub name_ja: String,
    pub name_en: String,
    pub description_ja: String,
    pub description_en: String,
    pub tier: Tier,
    pub csn: String,
    /// `None`: not given, for the caller to assign or keep.
    pub document_prefix: Option<String>,
    pub country: String,
    pub regions: Vec<String>,
    pub languages: Vec<String>,
    pub services: Vec<String>,
    pub website: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub postal_code: Option<String>,
    pub address: Option<String>,
    pub payment_terms: Option<String>,
    pub bank_details: Option<String>,
    pub payment_due_days: u16,
    pub invoice_registration_number: Option<String>,
    pub max_discount: DiscountPercent,
    pub flex_signed_on: Option<NaiveDate>,
    pub flex_expires_on: Option<NaiveDate>,
    pub published: bool,
}

impl PartnerInput {
    /// The input that reproduces a stored partner (the base for partial updates).
    pub fn from_row(row: &Partner) -> Self {
        Self {
            slug: row.slug.clone(),
            name_ja: row.name_ja.clone(),
            name_en: row.name_en.clone(),
            description_ja: row.description_ja.clone(),
            description_en: row.description_en.clone(),
            tier: row.tier.as_str().to_owned(),
            csn: row.csn.clone(),
            document_prefix: row.document_prefix.clone(),
            country: row.country.clone(),
            regions: row.regions.clone(),
            languages: row.languages.clone(),
            services: row.services.clone(),
            website: row.website.clone().unwrap_or_default(),
            email: row.email.clone().unwrap_or_default(),
            phone: row.phone.clone().unwrap_or_default(),
            postal_code: row.postal_code.clone().unwrap_or_default(),
            address: row.address.clone().unwrap_or_default(),
            payment_terms: row.payment_terms.clone().unwrap_or_default(),
            bank_details: row.bank_details.clone().unwrap_or_default(),
            payment_due_days: row.payment_due_days.to_string(),
            invoice_registration_number: row.invoice_registration_number.clone().unwrap_or_default(),
            max_discount_percent: row.max_discount.get().to_string(),
            flex_signed_on: row.flex_signed_on.map(|d| d.to_string()).unwrap_or_default(),
            flex_expires_on: row.flex_expires_on.map(|d| d.to_string()).unwrap_or_default(),
            published: row.published,
        }
    }

    /// Checks every field and reports all problems at once.
    ///
    /// # Errors
    /// `Validation` naming each bad field (API names, e.g. `flex_agreement.expires_on`).
    pub fn parse(&self) -> Result<ValidPartner> {
        let mut errors = FieldErrors::new();
        let slug = errors.check(Slug::parse("slug", &self.slug));
        let name_ja = errors.check(CompanyName::parse("name_ja", &self.name_ja));
        let name_en = errors.check(CompanyName::parse("name_en", &self.name_en));
        let description_ja = errors.check(description("description_ja", &self.description_ja));
        let description_en = errors.check(description("description_en", &self.description_en));
        let tier = errors.check(self.tier.parse::<Tier>().map_err(|_| {
            FieldError::new(
                "tier",
                "invalid",
                "Choose platinum, gold, silver or authorized.",
                "プラチナ・ゴールド・シルバー・オーソライズドから選択してください。",
            )
        }));
        let csn = errors.check(parse_csn(&self.csn));
        let document_prefix = optional(&self.document_prefix)
            .and_then(|p| errors.check(crate::domain::numbering::parse_prefix("document_prefix", p)));
        let country = errors.check(Country::parse("country", &self.country));
        let mut regions = Vec::new();
        if let Some(country) = country {
            for (i, code) in self.regions.iter().filter(|c| !c.trim().is_empty()).enumerate() {
                if let Some(region) = errors.check(Region::parse_in(format!("regions[{i}]"), code, country)) {
                    regions.push(region.code().to_owned());
                }
            }
        }
        let languages = codes_of(&mut errors, "languages", &self.languages, |f, c| {
            Language::parse(f, c).map(|l| l.code())
        });
        let services =
            codes_of(&mut errors, "services", &self.services, |f, c| Service::parse(f, c).map(|s| s.code()));
        if self.languages.iter().all(|l| l.trim().is_empty()) {
            errors.push(FieldError::new(
                "languages",
                "required",
                "Choose at least one language.",
                "対応言語を1つ以上選択してください。",
            ));
        }
        if regions.len() > MAX_CODES {
            errors.push(FieldError::new(
                "regions",
                "too_many",
                "Too many regions.",
                "地域の数が多すぎます。",
            ));
        }
        let website = optional(&self.website)
            .and_then(|w| errors.check(WebUrl::parse("website", w)))
            .map(|w| w.as_str().to_owned());
        let email = optional(&self.email)
            .and_then(|e| errors.check(Email::parse("email", e)))
            .map(|e| e.as_str().to_owned());
        let phone = errors
            .check(PhoneNumber::parse_optional("phone", &self.phone))
            .flatten()
            .map(|p| p.as_str().to_owned());
        let mut bounded = |field: &'static str, text: &str, max: usize| {
            optional(text)
                .and_then(|t| errors.check(crate::domain::contact::BoundedText::parse(field, t, 1, max)))
                .map(|t| t.into_inner())
        };
        let postal_code = bounded("postal_code", &self.postal_code, 16);
        let address = bounded("address", &self.address, 300);
        let payment_terms = bounded("payment_terms", &self.payment_terms, 300);
        let bank_details = errors.check(parse_bank_details(&self.bank_details)).flatten();
        let payment_due_days = errors.check(parse_due_days(&self.payment_due_days));
        let invoice_registration_number = optional(&self.invoice_registration_number)
            .and_then(|n| errors.check(RegistrationNumber::parse("invoice_registration_number", n)))
            .map(|n| n.as_str().to_owned());
        let discount_text =
            if self.max_discount_percent.trim().is_empty() { "0" } else { &self.max_discount_percent };
        let max_discount =
            errors.check(DiscountPercent::parse("max_discount_percent", discount_text, Decimal::ONE_HUNDRED));
        let signed_on = optional(&self.flex_signed_on)
            .and_then(|d| errors.check(parse_date("flex_agreement.signed_on", d)));
        let expires_on = optional(&self.flex_expires_on)
            .and_then(|d| errors.check(parse_date("flex_agreement.expires_on", d)));
        match (signed_on, expires_on) {
            (Some(s), Some(e)) if e < s => errors.push(FieldError::new(
                "flex_agreement.expires_on",
                "before_signed_on",
                "The agreement cannot end before it is signed.",
                "特約の終了日は締結日より後にしてください。",
            )),
            (Some(_), None) if optional(&self.flex_expires_on).is_none() => errors.push(FieldError::new(
                "flex_agreement.expires_on",
                "required",
                "Give the date the agreement ends.",
                "特約の終了日を入力してください。",
            )),
            (None, Some(_)) if optional(&self.flex_signed_on).is_none() => errors.push(FieldError::new(
                "flex_agreement.signed_on",
                "required",
                "Give the date the agreement was signed.",
                "特約の締結日を入力してください。",
            )),
            _ => {}
        }
        errors.into_result()?;
        let missing =
            || crate::domain::error::Error::internal(std::io::Error::other("parsed partner field missing"));
        Ok(ValidPartner {
            slug: slug.ok_or_else(missing)?.as_str().to_owned(),
            name_ja: name_ja.ok_or_else(missing)?.as_str().to_owned(),
            name_en: name_en.ok_or_else(missing)?.as_str().to_owned(),
            description_ja: description_ja.ok_or_else(missing)?,
            description_en: description_en.ok_or_else(missing)?,
            tier: tier.ok_or_else(missing)?,
            csn: csn.ok_or_else(missing)?,
            document_prefix,
            country: country.ok_or_else(missing)?.code().to_owned(),
            regions,
            languages,
            services,
            website,
            email,
            phone,
            postal_code,
            address,
            payment_terms,
            bank_details,
            payment_due_days: payment_due_days.ok_or_else(missing)?,
            invoice_registration_number,
            max_discount: max_discount.ok_or_else(missing)?,
            flex_signed_on: signed_on,
            flex_expires_on: expires_on,
            published: self.published,
        })
    }
}

fn optional(text: &str) -> Option<&str> {
    Some(text.trim()).filter(|t| !t.is_empty())
}

fn description(field: &'static str, text: &str) -> Result<String, FieldError> {
    let text = text.trim();
    if text.chars().count() > DESCRIPTION_MAX_CHARS {
        return Err(FieldError::new(
            field,
            "too_long",
            "Use at most 2,000 characters.",
            "2,000文字以内で入力してください。",
        ));
    }
    if text.chars().any(|c| c.is_control() && c != '\n' && c != '\r') {
        return Err(FieldError::new(
            field,
            "invalid_characters",
            "Remove control characters.",
            "制御文字は使用できません。",
        ));
    }
    Ok(text.replace("\r\n", "\n"))
}

/// 振込先 as printed on invoices: up to six lines of up to 80 characters; blank lines around it
/// and spaces at line ends are dropped. Empty means none.
fn parse_bank_details(text: &str) -> Result<Option<String>, FieldError> {
    let text = text.replace("\r\n", "\n");
    let lines: Vec<&str> = text.trim().lines().map(str::trim_end).collect();
    if lines.iter().all(|l| l.is_empty()) {
        return Ok(None);
    }
    if lines.len() > BANK_DETAILS_MAX_LINES {
        return Err(FieldError::new(
            "bank_details",
            "too_many_lines",
            "Use at most 6 lines.",
            "6行以内で入力してください。",
        ));
    }
    if lines.iter().any(|l| l.chars().count() > BANK_DETAILS_MAX_LINE_CHARS) {
        return Err(FieldError::new(
            "bank_details",
            "line_too_long",
            "Use at most 80 characters per line.",
            "1行80文字以内で入力してください。",
        ));
    }
    if lines.iter().any(|l| l.chars().any(char::is_control)) {
        return Err(FieldError::new(
            "bank_details",
            "invalid_characters",
            "Remove control characters.",
            "制御文字は使用できません。",
        ));
    }
    Ok(Some(lines.join("\n")))
}

/// Days from the invoice date to the due date: a whole number from 0 to 120, 30 if not given.
fn parse_due_days(text: &str) -> Result<u16, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(DEFAULT_PAYMENT_DUE_DAYS);
    }
    text.parse::<u16>().ok().filter(|d| *d <= MAX_PAYMENT_DUE_DAYS).ok_or_else(|| {
        FieldError::new(
            "payment_due_days",
            "invalid",
            "Enter a whole number of days from 0 to 120.",
            "0〜120の整数（日数）で入力してください。",
        )
    })
}

/// The Autodesk customer serial number of the partner: digits only.
fn parse_csn(text: &str) -> Result<String, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(FieldError::new("csn", "required", "Enter the CSN.", "CSNを入力してください。"));
    }
    if !(5..=20).contains(&text.len()) || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FieldError::new(
            "csn",
            "invalid",
            "A CSN is 5 to 20 digits.",
            "CSNは5〜20桁の数字です。",
        ));
    }
    Ok(text.to_owned())
}

pub(crate) fn parse_date(field: &'static str, text: &str) -> Result<NaiveDate, FieldError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        FieldError::new(
            field,
            "invalid_date",
            "Enter a date as YYYY-MM-DD.",
            "日付はYYYY-MM-DD形式で入力してください。",
        )
    })
}

fn codes_of(
    errors: &mut FieldErrors,
    field: &'static str,
    input: &[String],
    parse: impl Fn(String, &str) -> Result<&'static str, FieldError>,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, code) in input.iter().filter(|c| !c.trim().is_empty()).take(MAX_CODES).enumerate() {
        if let Some(code) = errors.check(parse(format!("{field}[{i}]"), code))
            && !out.iter().any(|c| c == code)
        {
            out.push(code.to_owned());
        }
    }
    out
}
