//! The order documents as their reader sees them: what each one says, in Japanese and English, from
//! the accepted quote's own amounts. The text put into the document is checked without outside
//! programs; the PDF read back with `pdftotext` (and checked with `qpdf`) is `#[ignore]`d.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use chrono::{NaiveDate, TimeZone, Utc};
use uuid::Uuid;

use super::*;
use crate::documents::pdf::{self as pdf_doc, CommercialDocument};
use crate::domain::money::Currency;
use crate::domain::partners::Tier;
use crate::domain::pricing::DiscountPercent;
use crate::domain::quantity::TokenQuantity;
use crate::domain::quotes::{QuoteStatus, QuoteTotals};
use crate::domain::tokens::expiry;

fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn partner(registration: Option<&str>) -> Partner {
    Partner {
        id: Uuid::nil(),
        slug: "exmp".to_owned(),
        csn: "5100000001".to_owned(),
        name_ja: "株式会社エグザンプル".to_owned(),
        name_en: "Example K.K.".to_owned(),
        description_ja: String::new(),
        description_en: String::new(),
        tier: Tier::Gold,
        country: "JP".to_owned(),
        regions: vec!["JP-13".to_owned()],
        languages: vec!["ja".to_owned()],
        services: Vec::new(),
        website: None,
        email: Some("sales@exmp.example".to_owned()),
        phone: Some("03-1234-5678".to_owned()),
        postal_code: Some("100-0005".to_owned()),
        address: Some("東京都千代田区丸の内1-1-1".to_owned()),
        payment_terms: Some("月末締め翌月末払い".to_owned()),
        invoice_registration_number: registration.map(str::to_owned),
        document_prefix: "EXMP".to_owned(),
        bank_details: None,
        payment_due_days: 30,
        max_discount: DiscountPercent::from_hundredths(1000).unwrap(),
        flex_signed_on: None,
        flex_expires_on: None,
        published: true,
        created_at: at(2026, 1, 1, 0),
        updated_at: at(2026, 1, 1, 0),
    }
}

fn customer(language: &str) -> Customer {
    Customer {
        id: Uuid::nil(),
        partner_id: Uuid::nil(),
        company_name: "株式会社さくら設計".to_owned(),
        department: Some("設計部".to_owned()),
        contact_name: "山田 太郎".to_owned(),
        email: "yamada@sakura.example".to_owned(),
        phone: None,
        postal_code: Some("530-0001".to_owned()),
        address: Some("大阪府大阪市北区梅田2-2-2".to_owned()),
        country: "JP".to_owned(),
        language: language.to_owned(),
        time_zone: chrono_tz::Asia::Tokyo,
        purchaser_autodesk_id: "buyer@sakura.example".to_owned(),
        trial_started_on: None,
        created_at: at(2026, 1, 1, 0),
        updated_at: at(2026, 1, 1, 0),
    }
}

/// 1,000 tokens at ¥300 with 5% off: ¥285,000, tax ¥28,500, total ¥313,500.
fn quote() -> (Quote, Vec<QuoteLine>) {
    let id = Uuid::from_u128(1);
    let quote = Quote {
        id,
        partner_id: Uuid::nil(),
        customer_id: Uuid::nil(),
        request_target_id: None,
        root_id: id,
        revision: 1,
        number: Some("EXMP-Q-2027-00007".to_owned()),
        status: QuoteStatus::Ordered,
        currency: Currency::Jpy,
        valid_days: 30,
        valid_until: Some(at(2027, 3, 20, 15)),
        notes: String::new(),
        totals: QuoteTotals {
            subtotal_minor: 285_000,
            tax_minor: 28_500,
            total_minor: 313_500,
            tax_rate_hundredths: 1000,
            tax_rounding: "down".to_owned(),
        },
        language: "ja".to_owned(),
        sent_at: Some(at(2027, 2, 17, 1)),
        pdf_sha256: None,
        link_token_hash: None,
        responded_at: Some(at(2027, 2, 27, 1)),
        accepted_name: Some("山田 太郎".to_owned()),
        accepted_ip: None,
        accepted_pdf_sha256: None,
        accepted_by_user_id: None,
        response_reason: None,
        created_by: Uuid::nil(),
        created_at: at(2027, 2, 17, 0),
        updated_at: at(2027, 2, 27, 1),
    };
    let line = QuoteLine {
        id: Uuid::from_u128(2),
        quote_id: id,
        position: 1,
        tokens: TokenQuantity::new(1000).unwrap(),
        discount: DiscountPercent::from_hundredths(500).unwrap(),
        unit_price_e4: 3_000_000,
        amount_minor: 285_000,
    };
    (quote, vec![line])
}

/// An order placed on 28 February 2027 at 10:00 in Tokyo (01:00 UTC).
fn paper(kind: DocumentKind, language: &str) -> OrderPaper {
    let (quote, lines) = quote();
    let placed = at(2027, 2, 28, 1);
    let tz = chrono_tz::Asia::Tokyo;
    OrderPaper {
        kind,
        number: format!("EXMP-{}-2027-00001", kind.letter()),
        order_number: "EXMP-O-2027-00001".to_owned(),
        quote,
        lines,
        partner: partner(Some("T7000012050002")),
        customer: customer(language),
        time_zone: tz,
        issued_at: placed,
        transaction_date: day(2027, 2, 28),
        verify_code: "Q7K49XPM2D".to_owned(),
        public_base_url: "https://portal.example/".to_owned(),
        staff_name: Some("佐藤 花子".to_owned()),
        payment_due: Some(day(2027, 3, 31)),
        bank_details: vec![
            "みずほ銀行 丸の内支店".to_owned(),
            "普通 1234567".to_owned(),
            "カ）エグザンプル".to_owned(),
        ],
        tokens: TokenAmount::from_tokens(1000).unwrap(),
        pack_expires_at: Some(expiry::expires_at(placed, tz)),
        paid_on: Some(day(2027, 3, 10)),
        payment_method: Some(PaymentMethod::BankTransfer),
        credited_invoice: Some("EXMP-I-2027-00001".to_owned()),
        credited_invoice_date: Some(day(2027, 2, 28)),
        reason: Some("ご発注の取り消し".to_owned()),
    }
}

/// Everything the document prints, one string per field, to search in.
fn text_of(doc: &CommercialDocument) -> String {
    let mut parts = vec![doc.number.clone(), doc.issued_on.clone()];
    parts.extend(doc.valid_until.clone());
    parts.extend(doc.details.iter().map(|(label, value)| format!("{label} {value}")));
    parts.push(doc.issuer.name.clone());
    parts.extend(doc.issuer.lines.clone());
    parts.extend(doc.issuer.registration_number.clone());
    parts.push(doc.addressee.name.clone());
    parts.extend(doc.addressee.lines.clone());
    parts.extend(doc.attention.clone());
    parts.extend(doc.subject.clone());
    parts.extend(doc.under_total.clone());
    for line in &doc.lines {
        parts.push(format!("{} {} {} {}", line.description, line.quantity, line.unit_price, line.amount));
    }
    parts.push(doc.subtotal.clone());
    for tax in &doc.tax_lines {
        parts.push(format!("{} {} {}", tax.label, tax.base, tax.tax));
    }
    parts.push(doc.total.clone());
    parts.extend(doc.payment_details.clone());
    parts.extend(doc.notes.clone());
    parts.extend(doc.terms.clone());
    parts.join("\n")
}

fn document_of(paper: &OrderPaper) -> CommercialDocument {
    document(paper).expect("an order document")
}

fn detail<'a>(doc: &'a CommercialDocument, label: &str) -> Option<&'a str> {
    doc.details.iter().find(|(l, _)| l == label).map(|(_, v)| v.as_str())
}

#[test]
fn a_qualified_invoice_shows_the_six_items_the_due_date_and_where_to_pay() {
    let doc = document_of(&paper(DocumentKind::Invoice, "ja"));
    assert_eq!(doc.kind, pdf_doc::DocumentKind::Invoice);
    assert_eq!(doc.issuer.name, "株式会社エグザンプル");
    assert_eq!(doc.issuer.registration_number.as_deref(), Some("T7000012050002"));
    assert!(doc.issuer.lines.iter().any(|l| l == "担当: 佐藤 花子"), "{:?}", doc.issuer.lines);
    assert_eq!(detail(&doc, "取引年月日"), Some("2027年2月28日"));
    assert_eq!(detail(&doc, "注文番号"), Some("EXMP-O-2027-00001"));
    assert_eq!(doc.valid_until.as_deref(), Some("2027年3月31日"), "お支払期限");
    assert_eq!(doc.issued_on, "2027年2月28日");
    // What was supplied: list price, then the 値引 row, each 数量 × 単価 = 金額.
    assert_eq!(doc.lines[0].description, "Autodesk Flex トークン");
    assert_eq!(doc.lines[0].quantity, "1,000 トークン");
    assert_eq!(doc.lines[0].unit_price, "¥300");
    assert_eq!(doc.lines[0].amount, "¥300,000");
    assert_eq!(doc.lines[1].description, "値引（5%）");
    assert_eq!(doc.lines[1].amount, "-¥15,000");
    // Totals per rate, exactly the quote's.
    assert_eq!(doc.tax_lines.len(), 1);
    assert_eq!(doc.tax_lines[0].label, "10%対象");
    assert_eq!(doc.tax_lines[0].base, "¥285,000");
    assert_eq!(doc.tax_lines[0].tax, "¥28,500");
    assert_eq!(doc.subtotal, "¥285,000");
    assert_eq!(doc.total, "¥313,500");
    // The recipient: a named contact is 様, so no 御中.
    assert_eq!(doc.addressee.name, "株式会社さくら設計");
    assert_eq!(doc.attention.as_deref(), Some("設計部 山田 太郎"));
    assert_eq!(doc.payment_details, ["みずほ銀行 丸の内支店", "普通 1234567", "カ）エグザンプル"]);
    let text = text_of(&doc);
    assert!(text.contains("振込手数料は貴社にてご負担ください"), "{text}");
    assert!(text.contains("1円未満切り捨て"), "{text}");
    assert!(!text.contains("適格請求書ではありません"), "{text}");
}

#[test]
fn an_invoice_without_a_registration_number_says_it_is_not_a_qualified_invoice() {
    let mut paper = paper(DocumentKind::Invoice, "ja");
    paper.partner.invoice_registration_number = None;
    let doc = document_of(&paper);
    assert_eq!(doc.issuer.registration_number, None);
    assert!(doc.under_total.iter().any(|s| s == "本書は適格請求書ではありません（登録番号なし）"), "{doc:?}");
    paper.customer.language = "en".to_owned();
    paper.partner.invoice_registration_number = Some("  ".to_owned());
    let doc = document_of(&paper);
    assert_eq!(doc.issuer.registration_number, None);
    assert!(
        doc.under_total
            .iter()
            .any(|s| s == "Not a qualified invoice (the issuer has no registration number)"),
        "{doc:?}"
    );
}

#[test]
fn an_invoice_without_bank_details_has_no_transfer_block() {
    let mut paper = paper(DocumentKind::Invoice, "ja");
    paper.bank_details = vec!["  ".to_owned()];
    paper.payment_due = None;
    let doc = document_of(&paper);
    assert!(doc.payment_details.is_empty());
    assert_eq!(doc.valid_until, None);
    assert!(!text_of(&doc).contains("振込手数料"), "{doc:?}");
}

#[test]
fn an_english_invoice_speaks_english() {
    let doc = document_of(&paper(DocumentKind::Invoice, "en"));
    assert_eq!(doc.issuer.name, "Example K.K.");
    assert_eq!(detail(&doc, "Transaction date"), Some("28 Feb 2027"));
    assert_eq!(detail(&doc, "Order No."), Some("EXMP-O-2027-00001"));
    assert_eq!(doc.valid_until.as_deref(), Some("31 Mar 2027"));
    assert_eq!(doc.tax_lines[0].label, "10% taxable");
    assert_eq!(doc.lines[1].description, "Discount (5%)");
    assert_eq!(doc.lines[0].quantity, "1,000 tokens");
    let text = text_of(&doc);
    assert!(text.contains("Bank transfer fees are borne by the customer"), "{text}");
    assert!(text.contains("rounded down to ¥1"), "{text}");
    assert!(!text.contains("振込手数料") && !text.contains("消費税"), "{text}");
}

#[test]
fn a_customer_outside_japan_is_invoiced_outside_japanese_tax() {
    let mut paper = paper(DocumentKind::Invoice, "ja");
    paper.quote.totals.tax_rate_hundredths = 0;
    paper.quote.totals.tax_minor = 0;
    paper.quote.totals.total_minor = 285_000;
    let doc = document_of(&paper);
    assert_eq!(doc.tax_lines[0].label, "不課税（日本の消費税の対象外）");
    assert_eq!(doc.tax_lines[0].tax, "¥0");
    let text = text_of(&doc);
    assert!(!text.contains("0%対象") && !text.contains("消費税は0%"), "{text}");
}

#[test]
fn a_company_without_a_contact_is_addressed_onchu() {
    let mut paper = paper(DocumentKind::Invoice, "ja");
    paper.customer.contact_name = " ".to_owned();
    let doc = document_of(&paper);
    assert_eq!(doc.attention, None, "御中 is printed when nobody is named");
    paper.customer.department = None;
    paper.customer.contact_name = "山田 太郎".to_owned();
    assert_eq!(document_of(&paper).attention.as_deref(), Some("山田 太郎"));
}

#[test]
fn a_delivery_note_shows_the_tokens_the_last_day_they_can_be_used_and_where_they_go() {
    let doc = document_of(&paper(DocumentKind::DeliveryNote, "ja"));
    assert_eq!(doc.kind, pdf_doc::DocumentKind::DeliveryNote);
    assert_eq!(doc.valid_until.as_deref(), Some("2028年2月28日"), "bought 2027-02-28 in Tokyo");
    assert_eq!(detail(&doc, "納品数量"), Some("1,000 トークン"));
    assert_eq!(detail(&doc, "注文番号"), Some("EXMP-O-2027-00001"));
    assert!(
        doc.addressee.lines.iter().any(|l| l == "トークン付与先 Autodesk ID: buyer@sakura.example"),
        "{:?}",
        doc.addressee.lines
    );
    assert_eq!(doc.total, "¥313,500");
    assert_eq!(doc.tax_lines[0].tax, "¥28,500");
    assert!(doc.payment_details.is_empty());
    let en = document_of(&paper(DocumentKind::DeliveryNote, "en"));
    assert_eq!(en.valid_until.as_deref(), Some("28 Feb 2028"));
    assert_eq!(detail(&en, "Tokens delivered"), Some("1,000 tokens"));
}

#[test]
fn the_expiry_date_is_the_customers_local_day() {
    // Bought at 23:30 on 28 February in Los Angeles, which is already 1 March in UTC.
    let mut paper = paper(DocumentKind::DeliveryNote, "en");
    let tz = chrono_tz::America::Los_Angeles;
    let placed = Utc.with_ymd_and_hms(2027, 3, 1, 7, 30, 0).unwrap();
    paper.time_zone = tz;
    paper.issued_at = placed;
    paper.pack_expires_at = Some(expiry::expires_at(placed, tz));
    let doc = document_of(&paper);
    assert_eq!(doc.issued_on, "28 Feb 2027");
    assert_eq!(doc.valid_until.as_deref(), Some("28 Feb 2028"));
}

#[test]
fn a_receipt_shows_the_amount_received_what_for_when_and_how() {
    let doc = document_of(&paper(DocumentKind::Receipt, "ja"));
    assert_eq!(doc.kind, pdf_doc::DocumentKind::Receipt);
    assert_eq!(doc.total, "¥313,500");
    assert_eq!(doc.under_total, ["但し Autodesk Flex トークン代として"]);
    assert_eq!(doc.valid_until.as_deref(), Some("2027年3月10日"), "領収日");
    assert_eq!(detail(&doc, "お支払方法"), Some("銀行振込"));
    assert_eq!(doc.issuer.registration_number.as_deref(), Some("T7000012050002"));
    assert_eq!(doc.tax_lines[0].label, "10%対象");
    assert_eq!(doc.tax_lines[0].tax, "¥28,500");
    let en = document_of(&paper(DocumentKind::Receipt, "en"));
    assert_eq!(en.under_total, ["for Autodesk Flex tokens"]);
    assert_eq!(detail(&en, "Paid by"), Some("Bank transfer"));
    let mut card = paper(DocumentKind::Receipt, "ja");
    card.payment_method = Some(PaymentMethod::Card);
    assert_eq!(detail(&document_of(&card), "お支払方法"), Some("クレジットカード"));
}

#[test]
fn a_credit_note_names_the_invoice_it_returns_and_prints_amounts_returned() {
    let doc = document_of(&paper(DocumentKind::CreditNote, "ja"));
    assert_eq!(doc.kind, pdf_doc::DocumentKind::CreditNote);
    assert_eq!(detail(&doc, "対象請求書"), Some("EXMP-I-2027-00001"));
    assert_eq!(detail(&doc, "請求書発行日"), Some("2027年2月28日"));
    assert_eq!(detail(&doc, "注文番号"), Some("EXMP-O-2027-00001"));
    assert_eq!(doc.tax_lines[0].label, "10%対象");
    assert_eq!(doc.tax_lines[0].base, "¥285,000");
    assert_eq!(doc.tax_lines[0].tax, "¥28,500");
    assert_eq!(doc.total, "¥313,500");
    assert!(!doc.total.starts_with('-') && !doc.subtotal.starts_with('-'));
    assert!(doc.notes.iter().any(|n| n == "返還理由: ご発注の取り消し"), "{:?}", doc.notes);
    let mut no_reason = paper(DocumentKind::CreditNote, "en");
    no_reason.reason = Some("  ".to_owned());
    let en = document_of(&no_reason);
    assert_eq!(detail(&en, "Credited invoice"), Some("EXMP-I-2027-00001"));
    assert!(!text_of(&en).contains("Reason"), "{en:?}");
}

#[test]
fn a_quote_is_not_an_order_document() {
    assert!(document(&paper(DocumentKind::Quote, "ja")).is_err());
}

fn pdftotext(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("document.pdf");
    std::fs::write(&path, bytes).expect("write pdf");
    let check = std::process::Command::new("qpdf").arg("--check").arg(&path).output().expect("run qpdf");
    assert!(check.status.success(), "qpdf --check: {}", String::from_utf8_lossy(&check.stdout));
    let out = std::process::Command::new("pdftotext").arg(&path).arg("-").output().expect("run pdftotext");
    assert!(out.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&out.stderr));
    // Squeezed: layout breaks lines and spaces where it likes.
    String::from_utf8(out.stdout).expect("utf-8 text").split_whitespace().collect::<Vec<_>>().join(" ")
}

fn read(paper: &OrderPaper) -> String {
    pdftotext(&render(paper).expect("render"))
}

fn assert_says(text: &str, needles: &[&str]) {
    for needle in needles {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
}

#[test]
#[ignore = "needs pdftotext and qpdf; run by .ci/run"]
fn the_printed_invoice_reads_as_a_qualified_invoice() {
    let text = read(&paper(DocumentKind::Invoice, "ja"));
    assert_says(
        &text,
        &[
            "請求書",
            "EXMP-I-2027-00001",
            "登録番号: T7000012050002",
            "取引年月日",
            "2027年2月28日",
            "お支払期限",
            "2027年3月31日",
            "注文番号",
            "EXMP-O-2027-00001",
            "10%対象",
            "¥285,000",
            "¥28,500",
            "¥313,500",
            "値引（5%）",
            "税抜",
            "お振込先",
            "普通 1234567",
            "設計部 山田 太郎 様",
            "株式会社エグザンプル",
        ],
    );
    assert!(!text.contains("御中"), "御中 beside 様:\n{text}");
    let mut paper = paper(DocumentKind::Invoice, "ja");
    paper.partner.invoice_registration_number = None;
    paper.customer.contact_name = String::new();
    let text = read(&paper);
    assert_says(&text, &["本書は適格請求書ではありません（登録番号なし）", "株式会社さくら設計 御中"]);
    assert!(!text.contains('様') && !text.contains("登録番号:"), "{text}");
}

#[test]
#[ignore = "needs pdftotext and qpdf; run by .ci/run"]
fn the_printed_english_invoice() {
    let text = read(&paper(DocumentKind::Invoice, "en"));
    assert_says(
        &text,
        &[
            "Invoice",
            "Registration No.: T7000012050002",
            "Transaction date",
            "Payment due",
            "31 Mar 2027",
            "10% taxable",
            "¥28,500",
            "Bank transfer to",
            "Attn: 設計部 山田 太郎",
        ],
    );
}

#[test]
#[ignore = "needs pdftotext and qpdf; run by .ci/run"]
fn the_printed_delivery_note_shows_when_the_tokens_expire() {
    let text = read(&paper(DocumentKind::DeliveryNote, "ja"));
    assert_says(
        &text,
        &[
            "納品書",
            "トークン有効期限",
            "2028年2月28日",
            "1,000 トークン",
            "buyer@sakura.example",
            "EXMP-O-2027-00001",
        ],
    );
    let text = read(&paper(DocumentKind::DeliveryNote, "en"));
    assert_says(&text, &["Delivery note", "Tokens valid until", "28 Feb 2028", "1,000 tokens"]);
}

#[test]
#[ignore = "needs pdftotext and qpdf; run by .ci/run"]
fn the_printed_receipt_says_what_was_received_and_for_what() {
    let text = read(&paper(DocumentKind::Receipt, "ja"));
    assert_says(
        &text,
        &[
            "領収書",
            "¥313,500",
            "但し Autodesk Flex トークン代として",
            "上記正に領収いたしました。",
            "領収日",
            "2027年3月10日",
            "銀行振込",
            "T7000012050002",
            "10%対象",
            "¥28,500",
        ],
    );
    let text = read(&paper(DocumentKind::Receipt, "en"));
    assert_says(&text, &["Receipt", "for Autodesk Flex tokens", "Date received", "10 Mar 2027"]);
}

#[test]
#[ignore = "needs pdftotext and qpdf; run by .ci/run"]
fn the_printed_credit_note_names_the_invoice_it_returns() {
    let text = read(&paper(DocumentKind::CreditNote, "ja"));
    assert_says(
        &text,
        &[
            "適格返還請求書",
            "EXMP-I-2027-00001",
            "返還金額（税込）",
            "¥313,500",
            "返還消費税",
            "¥28,500",
            "ご発注の取り消し",
        ],
    );
    assert!(!text.contains("-¥313,500") && !text.contains("-¥28,500"), "{text}");
    let text = read(&paper(DocumentKind::CreditNote, "en"));
    assert_says(&text, &["Credit note", "Credited invoice", "EXMP-I-2027-00001", "Tax returned"]);
}

#[test]
#[ignore = "writes sample PDFs for visual inspection"]
fn dump_order_samples() {
    let dir = std::env::temp_dir().join("flexportal-order-samples");
    std::fs::create_dir_all(&dir).expect("mkdir");
    for kind in
        [DocumentKind::Invoice, DocumentKind::DeliveryNote, DocumentKind::Receipt, DocumentKind::CreditNote]
    {
        for lang in ["ja", "en"] {
            let name = format!("{}-{lang}.pdf", kind.as_str());
            std::fs::write(dir.join(name), render(&paper(kind, lang)).expect("render")).expect("write");
        }
    }
}
