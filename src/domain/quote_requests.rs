//! Quote requests from the public: sent to one chosen partner or routed to up to three eligible
//! partners (platinum before gold, then the one with the fewest open requests, then by slug), with
//! the reason of each match stored for the reseller; a reference for the requester; e-mails.

use std::time::Duration;

use rand::Rng;
use uuid::Uuid;

use super::Portal;
use super::actor::{Actor, Origin};
use super::audit::{self, AuditEvent};
use super::contact::{AutodeskId, CompanyName, Email, PersonName};
use super::customers::{self, input_from_request};
use super::error::{Error, FieldError, FieldErrors, Result};
use super::partners::{PartnerDoc, SearchQuery, Tier};
use super::quantity::TokenQuantity;
use super::region::{Country, Language, Region};
use crate::domain::customers::Customer;
use crate::domain::documents::printed;
use crate::domain::partners::Partner;
use crate::domain::tokens::TokenAmount;
use crate::mail::{self, Message};
use crate::storage::quote_requests as store;

mod confirmation;
pub mod reason;
pub mod receipt;
mod record;

pub use record::{QuoteRequest, RequestStatus, RequestTarget};

use confirmation::confirmation;
use reason::RoutingReason;

const MAX_ROUTED: usize = 3;
const MESSAGE_MAX_CHARS: usize = 2_000;

/// A request as submitted (JSON or form), still unparsed.
#[derive(Debug, Clone, Default)]
pub struct RequestInput {
    pub partner: Option<String>,
    pub company: String,
    pub contact_name: String,
    pub email: String,
    pub autodesk_id: String,
    pub tokens: serde_json::Value,
    pub country: String,
    pub region: String,
    pub language: String,
    pub message: String,
    /// A field people never see; bots fill it in.
    pub website: String,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Routed {
    pub slug: String,
    pub name: String,
    pub reason: String,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Submitted {
    pub reference: String,
    pub status: &'static str,
    pub routed_to: Vec<Routed>,
}

struct ValidRequest {
    company: String,
    contact_name: String,
    email: String,
    autodesk_id: String,
    tokens: TokenQuantity,
    country: String,
    region: Option<String>,
    language: String,
    message: String,
}

fn parse(input: &RequestInput) -> Result<ValidRequest> {
    let mut errors = FieldErrors::new();
    let company = errors.check(CompanyName::parse("company", &input.company));
    let contact_name = errors.check(PersonName::parse("contact_name", &input.contact_name));
    let email = errors.check(Email::parse("email", &input.email));
    let autodesk_id = errors.check(AutodeskId::parse("autodesk_id", &input.autodesk_id));
    let tokens = errors.check(TokenQuantity::from_json("tokens", &input.tokens));
    let country = errors.check(Country::parse("country", &input.country));
    let region = match (input.region.trim(), country) {
        ("", _) => None,
        (code, Some(country)) => {
            errors.check(Region::parse_in("region", code, country)).map(|r| r.code().to_owned())
        }
        (_, None) => None,
    };
    let language = errors.check(Language::parse("language", &input.language));
    let message = input.message.trim();
    if message.chars().count() > MESSAGE_MAX_CHARS {
        errors.push(FieldError::new(
            "message",
            "too_long",
            "Use at most 2,000 characters.",
            "2,000文字以内で入力してください。",
        ));
    }
    errors.into_result()?;
    match (company, contact_name, email, autodesk_id, tokens, country, language) {
        (
            Some(company),
            Some(contact_name),
            Some(email),
            Some(autodesk_id),
            Some(tokens),
            Some(country),
            Some(language),
        ) => Ok(ValidRequest {
            company: company.as_str().to_owned(),
            contact_name: contact_name.as_str().to_owned(),
            email: email.as_str().to_owned(),
            autodesk_id: autodesk_id.as_str().to_owned(),
            tokens,
            country: country.code().to_owned(),
            region,
            language: language.code().to_owned(),
            message: message.chars().filter(|c| !c.is_control() || *c == '\n').collect(),
        }),
        _ => Err(Error::internal(std::io::Error::other("parsed request field missing"))),
    }
}

fn reference() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    let code: String = (0..10).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect();
    format!("QR-{code}")
}

/// The eligible partners for a routed request, best first, with the reason for each.
async fn route(portal: &Portal, request: &ValidRequest) -> Result<Vec<(PartnerDoc, String)>> {
    let index = portal.directory.snapshot();
    let today = portal.today();
    let query = SearchQuery {
        country: Some(request.country.clone()),
        region: request.region.clone(),
        language: Some(request.language.clone()),
        service: Some("flex_tokens".into()),
        flex_only: true,
        per_page: 100,
        ..SearchQuery::default()
    };
    // The index returns platinum before gold already; only those two tiers can be eligible.
    let mut candidates = Vec::new();
    let mut page = 1;
    loop {
        let result = index.search(&SearchQuery { page, ..query.clone() }, today);
        for hit in &result.items {
            candidates.push(hit.doc()?);
        }
        if candidates.len() >= result.total || result.items.is_empty() || candidates.len() >= 1_000 {
            break;
        }
        page += 1;
    }
    let mut ranked = Vec::with_capacity(candidates.len());
    for doc in candidates {
        let open = store::count_in(portal.db.conn(), doc.id, &RequestStatus::OPEN).await?;
        ranked.push((doc, open));
    }
    ranked.sort_by(|(a, open_a), (b, open_b)| {
        a.tier.cmp(&b.tier).then(open_a.cmp(open_b)).then(a.slug.cmp(&b.slug))
    });
    Ok(ranked
        .into_iter()
        .take(MAX_ROUTED)
        .map(|(doc, open)| {
            let reason = RoutingReason::Routed {
                platinum: doc.tier == Tier::Platinum,
                area: request.region.clone().unwrap_or_else(|| request.country.clone()),
                language: request.language.clone(),
                open,
            };
            (doc, reason.code())
        })
        .collect())
}

/// Accepts a request from the public.
///
/// # Errors
/// `Validation` for bad fields (or when no eligible partner serves the region and language),
/// `NotFound` for an unknown or ineligible chosen partner, `RateLimited`.
pub async fn submit(portal: &Portal, origin: &Origin, input: &RequestInput) -> Result<Submitted> {
    let client = format!("quote-request:{}", origin.client_key());
    portal.limiter.hit(
        &client,
        portal.config.quote_requests_per_client_per_hour,
        Duration::from_secs(3600),
    )?;
    let request = parse(input)?;
    if !input.website.trim().is_empty() {
        // Answer as if accepted so a bot learns nothing; store nothing.
        tracing::warn!(client_ip = ?origin.client_ip, "quote request dropped: honeypot field filled");
        return Ok(Submitted { reference: reference(), status: "received", routed_to: Vec::new() });
    }
    let targets: Vec<(PartnerDoc, String)> =
        match input.partner.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(slug) => {
                let index = portal.directory.snapshot();
                let doc =
                    index.get_by_slug(slug)?.filter(|d| super::partners::is_flex_eligible(d, portal.today()));
                let doc = doc.ok_or(Error::NotFound)?;
                vec![(doc, RoutingReason::Chosen.code())]
            }
            None => route(portal, &request).await?,
        };
    if targets.is_empty() {
        return Err(Error::field(
            "region",
            "no_partner",
            "No partner that can quote Flex serves this region and language yet. Try the whole country or English.",
            "この地域・言語で Flex の見積ができる販売店がまだありません。国全体または英語でお試しください。",
        ));
    }
    let now = portal.clock.now();
    let row = QuoteRequest {
        id: Uuid::new_v4(),
        reference: reference(),
        company: request.company,
        contact_name: request.contact_name,
        email: request.email,
        autodesk_id: request.autodesk_id,
        tokens: request.tokens,
        country: request.country,
        region: request.region,
        language: request.language,
        message: request.message,
        client_ip: origin.client_ip.clone(),
        created_at: now,
    };
    let tx = portal.db.write().await?;
    store::insert_request(&*tx, &row).await?;
    let mut routed = Vec::new();
    for (doc, reason) in &targets {
        let target = RequestTarget {
            id: Uuid::new_v4(),
            quote_request_id: row.id,
            partner_id: doc.id,
            reason: reason.clone(),
            status: RequestStatus::New,
            customer_id: None,
            created_at: now,
            updated_at: now,
        };
        store::insert_target(&*tx, &target).await?;
        let name = if row.language == "ja" { doc.name_ja.clone() } else { doc.name_en.clone() };
        routed.push(Routed { slug: doc.slug.clone(), name, reason: reason::reason_text(reason, "en") });
        if let Some(partner) = crate::storage::partners::find(&*tx, doc.id).await?
            && let Some(email) = partner.email.clone()
        {
            let message = routed_mail(portal, &row, &partner, reason, email);
            mail::enqueue(&*tx, message, now).await?;
        }
    }
    mail::enqueue(&*tx, confirmation(portal, &row, &routed), now).await?;
    let event = AuditEvent {
        action: "quote_request.submitted",
        subject_type: "quote_request",
        subject_id: Some(row.id.to_string()),
        detail: serde_json::json!({ "reference": row.reference, "tokens": row.tokens, "routed_to": routed.iter().map(|r| &r.slug).collect::<Vec<_>>() }),
    };
    audit::record(&*tx, now, None, Some(&row.email), origin, event).await?;
    tx.commit().await?;
    Ok(Submitted { reference: row.reference, status: "received", routed_to: routed })
}

/// The mail telling a reseller a request was routed to it, in the reseller's language.
fn routed_mail(portal: &Portal, row: &QuoteRequest, partner: &Partner, reason: &str, to: String) -> Message {
    let lang = partner.mail_language();
    let tokens = printed::tokens_text(TokenAmount::from(row.tokens), lang);
    let why = reason::reason_text(reason, lang);
    let inbox = format!("{}/app/requests", portal.config.public_base_url);
    let (subject, body) = if lang == "en" {
        (
            format!("[Flex Partner Portal] New quote request {} ({tokens})", row.reference),
            format!(
                "A new quote request was routed to you.\n\nReference: {}\nCompany: {}\nTokens: {tokens}\nWhy you: {why}\n\nOpen your inbox: {inbox}\n",
                row.reference, row.company
            ),
        )
    } else {
        (
            format!("[Flex パートナーポータル] 新しい見積依頼 {}（{tokens}）", row.reference),
            format!(
                "新しい見積依頼が届きました。\n\n受付番号: {}\n会社名: {}\nトークン数: {tokens}\n選ばれた理由: {why}\n\n受信箱を開く: {inbox}\n",
                row.reference, row.company
            ),
        )
    };
    Message { to, subject, body, kind: "quote_request.routed", related_id: Some(row.id.to_string()) }
}

/// The actor's inbox.
///
/// # Errors
/// `Forbidden` for the operator; `Validation` for an unknown status filter.
pub async fn inbox(
    portal: &Portal,
    actor: &Actor,
    status: Option<&str>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<(RequestTarget, QuoteRequest)>, u64)> {
    let partner = actor.partner()?;
    let status = status.map(parse_status).transpose()?;
    Ok(store::inbox(portal.db.conn(), partner, status, (page.max(1) - 1) * per_page, per_page).await?)
}

fn parse_status(text: &str) -> Result<RequestStatus> {
    RequestStatus::parse(text.trim()).ok_or_else(|| {
        Error::field(
            "status",
            "invalid",
            "Use new, in_progress, quoted or declined.",
            "new / in_progress / quoted / declined のいずれかを指定してください。",
        )
    })
}

/// # Errors
/// `NotFound` for another partner's request.
pub async fn get(portal: &Portal, actor: &Actor, id: Uuid) -> Result<(RequestTarget, QuoteRequest)> {
    let partner = actor.partner()?;
    store::find_target(portal.db.conn(), partner, id).await?.ok_or(Error::NotFound)
}

/// Moves an inbox item on (`in_progress`, `declined`; `quoted` is set when a quote is sent).
///
/// # Errors
/// `NotFound`; `Validation` for an unknown status; `Conflict` when the item is already quoted.
pub async fn set_status(
    portal: &Portal,
    actor: &Actor,
    origin: &Origin,
    id: Uuid,
    status: &str,
) -> Result<(RequestTarget, QuoteRequest)> {
    let partner = actor.partner()?;
    let status = parse_status(status)?;
    get(portal, actor, id).await?;
    let now = portal.clock.now();
    let tx = portal.db.write().await?;
    let from: &[RequestStatus] = match status {
        RequestStatus::Quoted => &RequestStatus::OPEN,
        _ => &[RequestStatus::New, RequestStatus::InProgress, RequestStatus::Declined],
    };
    if !store::set_status(&*tx, partner, id, from, status, now).await? {
        return Err(Error::conflict("This request has already been quoted.", "この依頼は見積済みです。"));
    }
    let event = AuditEvent {
        action: "quote_request.status",
        subject_type: "quote_request_target",
        subject_id: Some(id.to_string()),
        detail: serde_json::json!({ "status": status }),
    };
    audit::record(&*tx, now, Some(actor), None, origin, event).await?;
    tx.commit().await?;
    get(portal, actor, id).await
}

/// The customer for an inbox item: the one already linked, or a new one made from the request.
///
/// # Errors
/// `NotFound`; `Validation` if the request's details do not make a valid customer.
pub async fn customer_for(portal: &Portal, actor: &Actor, origin: &Origin, id: Uuid) -> Result<Customer> {
    let partner = actor.partner()?;
    let (target, request) = get(portal, actor, id).await?;
    if let Some(customer) = target.customer_id {
        return customers::get_customer(portal, actor, customer).await;
    }
    let row = customers::new_row(portal, partner, &input_from_request(&request))?;
    let tx = portal.db.write().await?;
    let row = customers::insert_audited(&tx, actor, origin, row).await?;
    // Linking is conditional: when two clicks race, the second finds the first one's customer
    // linked, drops its own (its transaction is never committed) and answers with that one.
    if !store::link_customer(&*tx, target.id, row.id, portal.clock.now()).await? {
        drop(tx);
        let (target, _) = get(portal, actor, id).await?;
        let linked = target.customer_id.ok_or_else(|| {
            Error::internal(std::io::Error::other("request target lost its customer while linking"))
        })?;
        return customers::get_customer(portal, actor, linked).await;
    }
    let now = portal.clock.now();
    store::set_status(&*tx, partner, target.id, &[RequestStatus::New], RequestStatus::InProgress, now)
        .await?;
    tx.commit().await?;
    Ok(row)
}
