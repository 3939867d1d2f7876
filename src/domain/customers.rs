//! A reseller's customer book: the legal name and contact for documents, language and time zone
//! for how documents and dates are shown, the purchaser's Autodesk ID, and when the customer's
//! Autodesk trial began. A reseller only ever sees its own customers.

pub mod trial;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::Portal;
use super::actor::{Actor, Origin};
use super::audit::{self, AuditEvent};
use super::contact::{AutodeskId, CompanyName, Email, PersonName, PhoneNumber};
use super::error::{Error, FieldError, FieldErrors, Result};
use super::region::{Country, Language};
use crate::storage::customers as store;

/// A customer as stored: every field already parsed (the time zone is a real zone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    pub id: Uuid,
    pub partner_id: Uuid,
    pub company_name: String,
    /// The contact's department (部署), printed before the contact's name on documents.
    pub department: Option<String>,
    pub contact_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub postal_code: Option<String>,
    pub address: Option<String>,
    pub country: String,
    pub language: String,
    pub time_zone: chrono_tz::Tz,
    pub purchaser_autodesk_id: String,
    /// The day the customer's Autodesk trial began, as the reseller recorded it.
    pub trial_started_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Customer {
    /// How a Japanese letter addresses the customer: `会社名 氏名 様` with a contact, `会社名 御中`
    /// without one (never both).
    pub fn addressee_ja(&self) -> String {
        if self.contact_name.trim().is_empty() {
            format!("{} 御中", self.company_name)
        } else {
            format!("{} {} 様", self.company_name, self.contact_name)
        }
    }

    /// Whom an English letter greets: the contact, or the company without one.
    pub fn addressee_en(&self) -> &str {
        if self.contact_name.trim().is_empty() { &self.company_name } else { &self.contact_name }
    }
}

/// A customer as entered, still text.
#[derive(Debug, Clone, Default)]
pub struct CustomerInput {
    pub company_name: String,
    pub department: String,
    pub contact_name: String,
    pub email: String,
    pub phone: String,
    pub postal_code: String,
    pub address: String,
    pub country: String,
    pub language: String,
    pub time_zone: String,
    pub purchaser_autodesk_id: String,
    /// `YYYY-MM-DD`; empty for no trial.
    pub trial_started_on: String,
}

impl CustomerInput {
    pub fn from_row(row: &Customer) -> Self {
        Self {
            company_name: row.company_name.clone(),
            department: row.department.clone().unwrap_or_default(),
            contact_name: row.contact_name.clone(),
            email: row.email.clone(),
            phone: row.phone.clone().unwrap_or_default(),
            postal_code: row.postal_code.clone().unwrap_or_default(),
            address: row.address.clone().unwrap_or_default(),
            country: row.country.clone(),
            language: row.language.clone(),
            time_zone: row.time_zone.name().to_owned(),
            purchaser_autodesk_id: row.purchaser_autodesk_id.clone(),
            trial_started_on: row.trial_started_on.map(|d| d.to_string()).unwrap_or_default(),
        }
    }

    /// Parses every field into the row to store (id, owner and times are the caller's).
    ///
    /// # Errors
    /// `Validation` naming each bad field.
    fn parse(
        &self,
        id: Uuid,
        partner_id: Uuid,
        created_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Customer> {
        let mut errors = FieldErrors::new();
        let company = errors.check(CompanyName::parse("company_name", &self.company_name));
        let department = optional_text(&mut errors, "department", &self.department, 200);
        let contact = errors.check(PersonName::parse("contact_name", &self.contact_name));
        let email = errors.check(Email::parse("email", &self.email));
        let phone = errors.check(PhoneNumber::parse_optional("phone", &self.phone)).flatten();
        let postal_code = optional_text(&mut errors, "postal_code", &self.postal_code, 16);
        let address = optional_text(&mut errors, "address", &self.address, 300);
        let country_text = if self.country.trim().is_empty() { "JP" } else { &self.country };
        let country = errors.check(Country::parse("country", country_text));
        let language_text = if self.language.trim().is_empty() { "ja" } else { &self.language };
        let language =
            errors.check(Language::parse("language", language_text).and_then(|l| match l.code() {
                "ja" | "en" => Ok(l),
                _ => Err(FieldError::new(
                    "language",
                    "unsupported",
                    "Documents are issued in Japanese or English.",
                    "帳票は日本語または英語で発行されます。",
                )),
            }));
        let time_zone = errors.check(parse_time_zone(&self.time_zone)).and_then(|tz| tz.parse().ok());
        let autodesk_id =
            errors.check(AutodeskId::parse("purchaser_autodesk_id", &self.purchaser_autodesk_id));
        let local_today = now.with_timezone(&time_zone.unwrap_or(chrono_tz::Asia::Tokyo)).date_naive();
        let trial_started_on =
            errors.check(trial::parse_started_on(&self.trial_started_on, local_today)).flatten();
        errors.into_result()?;
        let (
            Some(company),
            Some(contact),
            Some(email),
            Some(country),
            Some(language),
            Some(time_zone),
            Some(autodesk_id),
        ) = (company, contact, email, country, language, time_zone, autodesk_id)
        else {
            return Err(Error::internal(std::io::Error::other("parsed customer field missing")));
        };
        Ok(Customer {
            id,
            partner_id,
            company_name: company.as_str().to_owned(),
            department,
            contact_name: contact.as_str().to_owned(),
            email: email.as_str().to_owned(),
            phone: phone.map(|p| p.as_str().to_owned()),
            postal_code,
            address,
            country: country.code().to_owned(),
            language: language.code().to_owned(),
            time_zone,
            purchaser_autodesk_id: autodesk_id.as_str().to_owned(),
            trial_started_on,
            created_at,
            updated_at: now,
        })
    }
}

fn optional_text(errors: &mut FieldErrors, field: &'static str, text: &str, max: usize) -> Option<String> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    errors.check(super::contact::BoundedText::parse(field, text, 1, max)).map(|t| t.into_inner())
}

/// An IANA time zone name (`Asia/Tokyo`); empty means the portal's default, Asia/Tokyo.
pub fn parse_time_zone(text: &str) -> Result<String, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok("Asia/Tokyo".into());
    }
    text.parse::<chrono_tz::Tz>().map(|tz| tz.name().to_owned()).map_err(|_| {
        FieldError::new(
            "time_zone",
            "unknown_time_zone",
            "Enter a time zone such as Asia/Tokyo.",
            "Asia/Tokyo のようなタイムゾーン名を入力してください。",
        )
    })
}

/// # Errors
/// `Forbidden` for the operator; `Validation`.
pub async fn create_customer(
    portal: &Portal,
    actor: &Actor,
    origin: &Origin,
    input: &CustomerInput,
) -> Result<Customer> {
    let partner = actor.partner()?;
    let now = portal.clock.now();
    let row = input.parse(Uuid::new_v4(), partner, now, now)?;
    let tx = portal.db.write().await?;
    let row = insert_audited(&tx, actor, origin, row).await?;
    tx.commit().await?;
    Ok(row)
}

/// Inserts a parsed customer with its audit entry in the caller's transaction.
pub(crate) async fn insert_audited(
    tx: &crate::storage::WriteTx,
    actor: &Actor,
    origin: &Origin,
    row: Customer,
) -> Result<Customer> {
    let row = store::insert(&**tx, row).await?;
    trial::record(tx, &row, row.created_at).await?;
    let event = AuditEvent {
        action: "customer.created",
        subject_type: "customer",
        subject_id: Some(row.id.to_string()),
        detail: serde_json::json!({ "company_name": row.company_name, "trial_started_on": row.trial_started_on }),
    };
    audit::record(&**tx, row.created_at, Some(actor), None, origin, event).await?;
    Ok(row)
}

/// The input for a customer made from a quote request (one click in the inbox).
pub fn input_from_request(request: &super::quote_requests::QuoteRequest) -> CustomerInput {
    CustomerInput {
        company_name: request.company.clone(),
        contact_name: request.contact_name.clone(),
        email: request.email.clone(),
        country: request.country.clone(),
        language: request.language.clone(),
        purchaser_autodesk_id: request.autodesk_id.clone(),
        ..CustomerInput::default()
    }
}

/// Parses a customer for insertion inside a larger transaction.
pub(crate) fn new_row(portal: &Portal, partner: Uuid, input: &CustomerInput) -> Result<Customer> {
    let now = portal.clock.now();
    input.parse(Uuid::new_v4(), partner, now, now)
}

/// # Errors
/// `NotFound` for another partner's customer; `Validation`.
pub async fn update_customer(
    portal: &Portal,
    actor: &Actor,
    origin: &Origin,
    id: Uuid,
    edit: impl FnOnce(&mut CustomerInput),
) -> Result<Customer> {
    let partner = actor.partner()?;
    let tx = portal.db.write().await?;
    let existing = store::find(&*tx, partner, id).await?.ok_or(Error::NotFound)?;
    let mut input = CustomerInput::from_row(&existing);
    edit(&mut input);
    let row = input.parse(id, partner, existing.created_at, portal.clock.now())?;
    let row = store::update(&*tx, row).await?;
    trial::record(&tx, &row, row.updated_at).await?;
    let event = AuditEvent {
        action: "customer.updated",
        subject_type: "customer",
        subject_id: Some(id.to_string()),
        detail: serde_json::json!({ "trial_started_on": row.trial_started_on }),
    };
    audit::record(&*tx, row.updated_at, Some(actor), None, origin, event).await?;
    tx.commit().await?;
    Ok(row)
}

/// # Errors
/// `NotFound` for another partner's customer.
pub async fn get_customer(portal: &Portal, actor: &Actor, id: Uuid) -> Result<Customer> {
    let partner = actor.partner()?;
    store::find(portal.db.conn(), partner, id).await?.ok_or(Error::NotFound)
}

/// # Errors
/// `Forbidden` for the operator.
pub async fn list_customers(
    portal: &Portal,
    actor: &Actor,
    text: Option<&str>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<Customer>, u64)> {
    let partner = actor.partner()?;
    Ok(store::list(portal.db.conn(), partner, text, (page.max(1) - 1) * per_page, per_page).await?)
}
