//! How partners are shown: the public card (search results, partner page) and the operator's full
//! record, plus the input DTO both the operator API and the partner admin API accept.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use uuid::Uuid;

use super::i18n::Lang;
use crate::domain::partners::Partner;
use crate::domain::partners::{PartnerDoc, PartnerInput, is_flex_eligible};
use crate::domain::region::{Country, Language, Region, Service};

#[derive(Debug, Serialize)]
pub struct Labeled {
    pub code: String,
    pub name: String,
}

fn labels(codes: &[String], name: impl Fn(&str) -> Option<&'static str>) -> Vec<Labeled> {
    codes
        .iter()
        .map(|c| Labeled { code: c.clone(), name: name(c).map_or_else(|| c.clone(), str::to_owned) })
        .collect()
}

pub fn region_labels(codes: &[String], lang: Lang) -> Vec<Labeled> {
    labels(codes, |c| Region::parse("region", c).ok().and_then(|r| r.name(lang.code())))
}

pub fn language_labels(codes: &[String], lang: Lang) -> Vec<Labeled> {
    labels(codes, |c| Language::from_code(c).map(|l| l.name(lang.code())))
}

pub fn service_labels(codes: &[String], lang: Lang) -> Vec<Labeled> {
    labels(codes, |c| Service::from_code(c).map(|s| s.name(lang.code())))
}

pub fn country_name(code: &str, lang: Lang) -> String {
    Country::from_code(code).map_or_else(|| code.to_owned(), |c| c.name(lang.code()).to_owned())
}

/// A partner as the public sees it (API shape of `GET /api/v1/partners`).
#[derive(Debug, Serialize)]
pub struct PublicPartner<'a> {
    pub id: Uuid,
    pub slug: &'a str,
    pub name: &'a str,
    pub name_ja: &'a str,
    pub name_en: &'a str,
    pub tier: &'static str,
    pub flex_eligible: bool,
    pub country: &'a str,
    pub regions: &'a [String],
    pub languages: &'a [String],
    pub services: &'a [String],
    pub website: Option<&'a str>,
}

impl<'a> PublicPartner<'a> {
    pub fn of(doc: &'a PartnerDoc, lang: Lang, today: NaiveDate) -> Self {
        Self {
            id: doc.id,
            slug: &doc.slug,
            name: if lang == Lang::Ja { &doc.name_ja } else { &doc.name_en },
            name_ja: &doc.name_ja,
            name_en: &doc.name_en,
            tier: doc.tier.as_str(),
            flex_eligible: is_flex_eligible(doc, today),
            country: &doc.country,
            regions: &doc.regions,
            languages: &doc.languages,
            services: &doc.services,
            website: doc.website.as_deref(),
        }
    }
}

#[derive(Debug, Serialize, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct FlexAgreement {
    pub signed_on: String,
    pub expires_on: String,
}

/// The operator's full record of a partner.
#[derive(Debug, Serialize)]
pub struct PartnerRecord {
    pub id: Uuid,
    pub slug: String,
    pub name_ja: String,
    pub name_en: String,
    pub description_ja: String,
    pub description_en: String,
    pub tier: String,
    pub csn: String,
    pub document_prefix: String,
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
    pub max_discount_percent: String,
    pub flex_agreement: Option<FlexAgreement>,
    pub flex_eligible: bool,
    pub published: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl PartnerRecord {
    pub fn of(row: &Partner, today: NaiveDate) -> Self {
        Self {
            id: row.id,
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
            website: row.website.clone(),
            email: row.email.clone(),
            phone: row.phone.clone(),
            postal_code: row.postal_code.clone(),
            address: row.address.clone(),
            payment_terms: row.payment_terms.clone(),
            bank_details: row.bank_details.clone(),
            payment_due_days: row.payment_due_days,
            invoice_registration_number: row.invoice_registration_number.clone(),
            max_discount_percent: row.max_discount.get().to_string(),
            flex_agreement: match (row.flex_signed_on, row.flex_expires_on) {
                (Some(s), Some(e)) => {
                    Some(FlexAgreement { signed_on: s.to_string(), expires_on: e.to_string() })
                }
                _ => None,
            },
            flex_eligible: is_flex_eligible(row, today),
            published: row.published,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// `Some(None)` for an explicit `null`, `None` for an absent field.
pub(crate) fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// A number or a string, kept as text for the exact decimal parser.
fn number_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::Number(n) => Ok(Some(n.to_string())),
        serde_json::Value::String(s) => Ok(Some(s)),
        serde_json::Value::Null => Ok(None),
        other => Err(serde::de::Error::custom(format!("expected a number, found {other}"))),
    }
}

/// Like [`number_text`], telling an explicit `null` (`Some(None)`) from an absent field.
fn nullable_number_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    number_text(d).map(Some)
}

/// A partner as written to the API; absent fields keep their value (PATCH) or stay empty (POST).
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PartnerBody {
    pub slug: Option<String>,
    pub name_ja: Option<String>,
    pub name_en: Option<String>,
    pub description_ja: Option<String>,
    pub description_en: Option<String>,
    pub tier: Option<String>,
    pub csn: Option<String>,
    pub document_prefix: Option<String>,
    pub country: Option<String>,
    pub regions: Option<Vec<String>>,
    pub languages: Option<Vec<String>>,
    pub services: Option<Vec<String>>,
    #[serde(default, deserialize_with = "nullable")]
    pub website: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    pub postal_code: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    pub address: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    pub payment_terms: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    pub bank_details: Option<Option<String>>,
    /// Absent keeps the value; `null` sets the default (30).
    #[serde(default, deserialize_with = "nullable_number_text")]
    pub payment_due_days: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    pub invoice_registration_number: Option<Option<String>>,
    #[serde(default, deserialize_with = "number_text")]
    pub max_discount_percent: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub flex_agreement: Option<Option<FlexAgreement>>,
    pub published: Option<bool>,
}

impl PartnerBody {
    /// Writes the given fields onto `input`.
    pub fn apply(self, input: &mut PartnerInput) {
        let set = |target: &mut String, value: Option<String>| {
            if let Some(value) = value {
                *target = value;
            }
        };
        let set_nullable = |target: &mut String, value: Option<Option<String>>| {
            if let Some(value) = value {
                *target = value.unwrap_or_default();
            }
        };
        set(&mut input.slug, self.slug);
        set(&mut input.name_ja, self.name_ja);
        set(&mut input.name_en, self.name_en);
        set(&mut input.description_ja, self.description_ja);
        set(&mut input.description_en, self.description_en);
        set(&mut input.tier, self.tier);
        set(&mut input.csn, self.csn);
        set(&mut input.document_prefix, self.document_prefix);
        set(&mut input.country, self.country);
        if let Some(v) = self.regions {
            input.regions = v;
        }
        if let Some(v) = self.languages {
            input.languages = v;
        }
        if let Some(v) = self.services {
            input.services = v;
        }
        set_nullable(&mut input.website, self.website);
        set_nullable(&mut input.email, self.email);
        set_nullable(&mut input.phone, self.phone);
        set_nullable(&mut input.postal_code, self.postal_code);
        set_nullable(&mut input.address, self.address);
        set_nullable(&mut input.payment_terms, self.payment_terms);
        set_nullable(&mut input.bank_details, self.bank_details);
        set_nullable(&mut input.payment_due_days, self.payment_due_days);
        set_nullable(&mut input.invoice_registration_number, self.invoice_registration_number);
        set(&mut input.max_discount_percent, self.max_discount_percent);
        if let Some(agreement) = self.flex_agreement {
            let (s, e) = agreement.map_or((String::new(), String::new()), |a| (a.signed_on, a.expires_on));
            input.flex_signed_on = s;
            input.flex_expires_on = e;
        }
        if let Some(published) = self.published {
            input.published = published;
        }
    }
}
