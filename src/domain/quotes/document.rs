//! The quote document (御見積書 / Quotation) in the customer's language, and document verification.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use crate::documents::pdf::{self, CommercialDocument, DocumentKind, Lang, Line, Party, TaxLine};
use crate::domain::Portal;
use crate::domain::customers::Customer;
use crate::domain::error::{Error, Result};
use crate::domain::money::Money;
use crate::domain::partners::Partner;
use crate::storage::{self, documents};

use super::pricing::unit_price_from_e4;
pub use super::validity::last_valid_day;
use super::{Quote, QuoteLine};

pub fn format_date(date: NaiveDate, lang: &str) -> String {
    if lang == "ja" {
        date.format("%Y年%-m月%-d日").to_string()
    } else {
        date.format("%-d %b %Y").to_string()
    }
}

fn tokens_text(tokens: i64, lang: &str) -> String {
    let digits = tokens.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if lang == "ja" { format!("{grouped} トークン") } else { format!("{grouped} tokens") }
}

/// Everything the quote PDF shows, owned so it can be rendered off the async workers.
pub struct QuoteDocumentData {
    pub quote: Quote,
    pub lines: Vec<QuoteLine>,
    pub partner: Partner,
    pub customer: Customer,
    pub time_zone: Tz,
    pub issued_at: DateTime<Utc>,
    pub verify_code: String,
    /// Where `/verify/{code}` is served, e.g. `https://portal.example`.
    pub public_base_url: String,
    /// The reseller's staff member in charge (担当), when known.
    pub staff_name: Option<String>,
}

/// How tax was rounded, as the document states it: `税率ごとに合計し1円未満切り捨て`.
fn rounding_note(rounding: &str, currency: crate::domain::money::Currency, lang: &str) -> String {
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

/// The printed rows for one quote line. A discounted line is printed at its list price with a
/// separate 値引 row of the difference, so every row reads 数量 × 単価 = 金額 exactly and the rows
/// add up to the line's amount.
fn printed_lines(line: &QuoteLine, currency: crate::domain::money::Currency, lang: &str) -> Vec<Line> {
    let base = if lang == "ja" { "Autodesk Flex トークン" } else { "Autodesk Flex tokens" };
    let unit_price = unit_price_from_e4(line.unit_price_e4);
    let list_amount = (unit_price * rust_decimal::Decimal::from(line.tokens.get())).normalize();
    let amount = Money::from_minor(line.amount_minor, currency).amount;
    let mut rows = vec![Line {
        description: base.to_owned(),
        quantity: tokens_text(i64::from(line.tokens.get()), lang),
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

/// Renders the quote PDF on a blocking thread, so a large document never stalls other requests.
///
/// # Errors
/// `Internal` when rendering fails (input too long for the layout limits).
pub async fn render_pdf_off_workers(data: QuoteDocumentData) -> Result<Vec<u8>> {
    tokio::task::spawn_blocking(move || render_pdf(&data)).await.map_err(Error::internal)?
}

/// Renders the quote PDF.
///
/// # Errors
/// `Internal` when rendering fails (input too long for the layout limits).
pub fn render_pdf(data: &QuoteDocumentData) -> Result<Vec<u8>> {
    let lang = if data.customer.language == "en" { "en" } else { "ja" };
    let tz = data.time_zone;
    let currency = data.quote.currency;
    let money = |minor: i64| Money::from_minor(minor, currency).to_string();
    let partner_name = if lang == "ja" { &data.partner.name_ja } else { &data.partner.name_en };
    let mut issuer_lines = Vec::new();
    let issuer_address = [
        data.partner
            .postal_code
            .as_deref()
            .map(|p| if lang == "ja" { format!("〒{p}") } else { p.to_owned() }),
        data.partner.address.clone(),
    ];
    let issuer_address: Vec<String> = issuer_address.into_iter().flatten().collect();
    if !issuer_address.is_empty() {
        issuer_lines.push(issuer_address.join(" "));
    }
    issuer_lines.extend(data.partner.phone.iter().map(|p| format!("TEL {p}")));
    issuer_lines.extend(data.partner.email.iter().cloned());
    issuer_lines.extend(data.partner.website.iter().cloned());
    issuer_lines.extend(
        data.staff_name
            .iter()
            .filter(|n| !n.trim().is_empty())
            .map(|name| if lang == "ja" { format!("担当: {name}") } else { format!("Contact: {name}") }),
    );
    let mut addressee_lines = Vec::new();
    addressee_lines.extend(
        data.customer.postal_code.iter().map(|p| if lang == "ja" { format!("〒{p}") } else { p.clone() }),
    );
    addressee_lines.extend(data.customer.address.iter().cloned());
    let autodesk_id = &data.customer.purchaser_autodesk_id;
    if !autodesk_id.trim().is_empty() {
        addressee_lines.push(if lang == "ja" {
            format!("トークン付与先 Autodesk ID: {autodesk_id}")
        } else {
            format!("Tokens go to Autodesk ID: {autodesk_id}")
        });
    }
    // 御中 is for a company without a named person; a named person gets 部署 氏名 様 instead.
    let contact = data.customer.contact_name.trim();
    let attention = (!contact.is_empty()).then(|| match data.customer.department.as_deref().map(str::trim) {
        Some(department) if !department.is_empty() => format!("{department} {contact}"),
        _ => contact.to_owned(),
    });
    let rounding = rounding_note(&data.quote.totals.tax_rounding, currency, lang);
    let payment_terms = data.partner.payment_terms.as_deref().map(str::trim).filter(|t| !t.is_empty());
    let payment_terms = payment_terms.map(|terms| {
        if lang == "ja" { format!("支払条件: {terms}") } else { format!("Payment terms: {terms}") }
    });
    let rate = rust_decimal::Decimal::new(i64::from(data.quote.totals.tax_rate_hundredths), 2).normalize();
    let terms = if lang == "ja" {
        vec![
            "Autodesk Flex トークンの有効期限は購入日から1年間です。未使用分は失効します。".to_owned(),
            "最小購入数は100トークン、以降1トークン単位です。".to_owned(),
            "購入したトークンが利用可能になるまで最大24時間かかる場合があります。".to_owned(),
            format!("消費税は{rate}%、{rounding}（本書1通につき税率ごとに1回端数処理）。"),
        ]
    } else {
        vec![
            "Autodesk Flex tokens expire one year after purchase; unused tokens lapse.".to_owned(),
            "Minimum purchase 100 tokens, then any whole number.".to_owned(),
            "Purchased tokens can take up to 24 hours to become available.".to_owned(),
            format!("Tax at {rate}%, {rounding}, once per rate on this document."),
        ]
    };
    let terms: Vec<String> = payment_terms.into_iter().chain(terms).collect();
    let document = CommercialDocument {
        kind: DocumentKind::Quote,
        lang: if lang == "ja" { Lang::Ja } else { Lang::En },
        number: data.quote.number.clone().unwrap_or_default(),
        revision: u32::try_from(data.quote.revision).ok(),
        subject: Some(
            if lang == "ja" { "Autodesk Flex トークン" } else { "Autodesk Flex tokens" }.to_owned(),
        ),
        issued_on: format_date(data.issued_at.with_timezone(&tz).date_naive(), lang),
        valid_until: data.quote.valid_until.map(|until| format_date(last_valid_day(until, tz), lang)),
        issuer: Party {
            name: partner_name.clone(),
            lines: issuer_lines,
            registration_number: data.partner.invoice_registration_number.clone(),
        },
        addressee: Party {
            name: data.customer.company_name.clone(),
            lines: addressee_lines,
            registration_number: None,
        },
        attention,
        lines: data.lines.iter().flat_map(|line| printed_lines(line, currency, lang)).collect(),
        subtotal: money(data.quote.totals.subtotal_minor),
        tax_lines: vec![TaxLine {
            label: match (data.quote.totals.tax_rate_hundredths == 0, lang == "ja") {
                (true, true) => "不課税（日本の消費税の対象外）".to_owned(),
                (true, false) => "Not subject to Japanese consumption tax".to_owned(),
                (false, true) => format!("{rate}%対象"),
                (false, false) => format!("{rate}% taxable"),
            },
            base: money(data.quote.totals.subtotal_minor),
            tax: money(data.quote.totals.tax_minor),
        }],
        total: money(data.quote.totals.total_minor),
        notes: data.quote.notes.lines().map(str::to_owned).filter(|l| !l.trim().is_empty()).collect(),
        terms,
        verify_code: data.verify_code.clone(),
        verify_url: format!("{}/verify/{}", data.public_base_url.trim_end_matches('/'), data.verify_code),
    };
    pdf::render(&document).map_err(Error::internal)
}

/// What `/verify/{code}` shows about a document.
#[derive(Debug, Serialize)]
pub struct Verification {
    pub kind: String,
    pub number: String,
    pub revision: Option<i32>,
    pub status: String,
    pub issuer: String,
    pub issued_at: DateTime<Utc>,
    /// The issue date as the document itself prints it: in the addressee's time zone.
    pub issued_on: NaiveDate,
    pub time_zone: String,
    /// The document's total as printed, and the addressee's company, for comparing with the paper.
    pub total: Option<String>,
    pub addressee: Option<String>,
    pub sha256: String,
}

/// # Errors
/// `NotFound` for an unknown code.
pub async fn verify(portal: &Portal, code: &str) -> Result<Verification> {
    let code = code.trim().to_ascii_uppercase();
    if code.len() > 16 {
        return Err(Error::NotFound);
    }
    let db = portal.db.conn();
    let document = documents::find_by_code(db, &code).await?.ok_or(Error::NotFound)?;
    let partner = storage::partners::find(db, document.partner_id).await?.ok_or(Error::NotFound)?;
    if document.kind != crate::domain::documents::DocumentKind::Quote {
        return verify_order_document(portal, document, &partner).await;
    }
    let quote = storage::quotes::find(db, document.partner_id, document.subject_id).await?;
    let customer = match &quote {
        Some(q) => storage::customers::find(db, document.partner_id, q.customer_id).await?,
        None => None,
    };
    // The same zone the PDF was dated in.
    let tz: Tz = customer.as_ref().map_or(chrono_tz::Asia::Tokyo, |c| c.time_zone);
    let total = quote.as_ref().map(|q| Money::from_minor(q.totals.total_minor, q.currency).to_string());
    Ok(Verification {
        kind: document.kind.as_str().to_owned(),
        number: document.number,
        revision: quote.as_ref().map(|q| q.revision),
        status: quote
            .map_or_else(|| "issued".to_owned(), |q| q.status_at(portal.clock.now()).as_str().to_owned()),
        issuer: format!("{} / {}", partner.name_ja, partner.name_en),
        issued_at: document.issued_at,
        issued_on: document.issued_at.with_timezone(&tz).date_naive(),
        time_zone: tz.name().to_owned(),
        total,
        addressee: customer.map(|c| c.company_name),
        sha256: document.sha256,
    })
}

/// An order's document (invoice, delivery note, receipt, credit note): its subject is the order,
/// whose status, total and customer it names.
async fn verify_order_document(
    portal: &Portal,
    document: crate::domain::documents::IssuedDocument,
    partner: &Partner,
) -> Result<Verification> {
    let db = portal.db.conn();
    let order = storage::orders::find(db, document.partner_id, document.subject_id).await?;
    let customer = match &order {
        Some(o) => storage::customers::find(db, document.partner_id, o.customer_id).await?,
        None => None,
    };
    let tz: Tz = customer.as_ref().map_or(chrono_tz::Asia::Tokyo, |c| c.time_zone);
    Ok(Verification {
        kind: document.kind.as_str().to_owned(),
        number: document.number,
        revision: None,
        status: order.as_ref().map_or_else(|| "issued".to_owned(), |o| o.status.as_str().to_owned()),
        issuer: format!("{} / {}", partner.name_ja, partner.name_en),
        issued_at: document.issued_at,
        issued_on: document.issued_at.with_timezone(&tz).date_naive(),
        time_zone: tz.name().to_owned(),
        total: order.as_ref().map(|o| Money::from_minor(o.total_minor, o.currency).to_string()),
        addressee: customer.map(|c| c.company_name),
        sha256: document.sha256,
    })
}
