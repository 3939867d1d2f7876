//! Tests for PDF rendering: structure, determinism, pagination and hostile input; `readback`
//! reads the PDFs back with external programs.
#![allow(clippy::expect_used)]

mod readback;

use super::font::{clean, kit};
use super::*;

const KINDS: [DocumentKind; 5] = [
    DocumentKind::Quote,
    DocumentKind::Invoice,
    DocumentKind::DeliveryNote,
    DocumentKind::Receipt,
    DocumentKind::CreditNote,
];

const HOSTILE: &str = "<img src=x onerror=alert(1)> ) ( \\ %%EOF /Type /Page 🙂\u{0}\u{7}\u{1b}[31m\u{202e}x";

fn party(name: &str, lines: &[&str], registration: Option<&str>) -> Party {
    Party {
        name: name.to_owned(),
        lines: lines.iter().map(|s| (*s).to_owned()).collect(),
        registration_number: registration.map(str::to_owned),
    }
}

fn line(description: &str, quantity: &str, unit_price: &str, amount: &str) -> Line {
    Line {
        description: description.to_owned(),
        quantity: quantity.to_owned(),
        unit_price: unit_price.to_owned(),
        amount: amount.to_owned(),
    }
}

pub(crate) fn sample(lang: Lang) -> CommercialDocument {
    let strings = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    CommercialDocument {
        kind: DocumentKind::Quote,
        lang,
        number: "Q-2025-000123".to_owned(),
        revision: Some(2),
        issued_on: "2025年6月2日".to_owned(),
        valid_until: Some("2025年7月2日".to_owned()),
        details: Vec::new(),
        issuer: party(
            "株式会社サンプルリセラー",
            &[
                "〒100-0005 東京都千代田区丸の内1-1-1 サンプルビル12F",
                "TEL 03-1234-5678",
                "sales@example.co.jp",
                "担当: 山田 太郎",
            ],
            Some("T7000012050002"),
        ),
        addressee: party("株式会社テスト設計事務所", &["〒530-0001 大阪府大阪市北区梅田2-2-2"], None),
        attention: Some("設計部 佐藤 花子".to_owned()),
        subject: Some("Autodesk Flex トークン".to_owned()),
        under_total: Vec::new(),
        lines: vec![
            line("Autodesk Flex トークン（購入日から1年間有効）", "500", "¥300", "¥150,000"),
            line("Autodesk Flex トークン まとめ購入割引（5%）", "1", "-¥7,500", "-¥7,500"),
            line("導入サポート（リモート、2時間）", "1", "¥20,000", "¥20,000"),
        ],
        subtotal: "¥162,500".to_owned(),
        tax_lines: vec![TaxLine {
            label: "10%対象".to_owned(),
            base: "¥162,500".to_owned(),
            tax: "¥16,250".to_owned(),
        }],
        total: "¥178,750".to_owned(),
        payment_details: Vec::new(),
        notes: strings(&[
            "お支払いは請求書発行月の翌月末までに指定口座へお振込みください。振込手数料は貴社にてご負担願います。",
            "トークンはご入金確認後、貴社のAutodeskアカウントへ付与いたします。",
        ]),
        terms: strings(&[
            "Flexトークンの有効期限は購入日から1年間です。期限を過ぎた未使用トークンは失効します。",
            "最小購入数量は100トークンです。",
        ]),
        verify_code: "Q7K4-9XPM-2D".to_owned(),
        verify_url: "https://portal.example.jp/verify/Q7K4-9XPM-2D".to_owned(),
    }
}

pub(crate) fn sample_en() -> CommercialDocument {
    let mut doc = sample(Lang::En);
    doc.issued_on = "2 June 2025".to_owned();
    doc.valid_until = Some("2 July 2025".to_owned());
    doc.addressee.name = "Example Design Office Co., Ltd.".to_owned();
    doc.attention = Some("Hanako Sato, Design Dept.".to_owned());
    doc.subject = Some("Autodesk Flex tokens".to_owned());
    doc.lines[0].description = "Autodesk Flex tokens (valid for 1 year from purchase)".to_owned();
    doc.lines[1].description = "Volume discount (5%)".to_owned();
    doc.lines[2].description = "Onboarding support (remote, 2 hours)".to_owned();
    doc.tax_lines[0].label = "Taxable at 10%".to_owned();
    doc.notes = vec!["Payment by bank transfer by the end of the month following the invoice.".to_owned()];
    doc.terms = vec![
        "Flex tokens expire one year after purchase.".to_owned(),
        "Minimum order: 100 tokens.".to_owned(),
    ];
    doc
}

fn hostile() -> CommercialDocument {
    let mut doc = sample(Lang::Ja);
    doc.number = HOSTILE.to_owned();
    doc.addressee.name = HOSTILE.to_owned();
    doc.issuer.lines.push(HOSTILE.to_owned());
    doc.lines.push(line(HOSTILE, HOSTILE, HOSTILE, HOSTILE));
    doc.notes.push(HOSTILE.to_owned());
    doc.total = HOSTILE.to_owned();
    doc.verify_code = HOSTILE.to_owned();
    doc.attention = Some(HOSTILE.to_owned());
    doc.subject = Some(HOSTILE.to_owned());
    doc.details = vec![(HOSTILE.to_owned(), HOSTILE.to_owned())];
    doc.under_total = vec![HOSTILE.to_owned()];
    doc.payment_details = vec![HOSTILE.to_owned()];
    doc
}

fn assert_pdf(bytes: &[u8]) {
    assert!(bytes.starts_with(b"%PDF-"), "missing header");
    let tail = String::from_utf8_lossy(&bytes[bytes.len().saturating_sub(16)..]).into_owned();
    assert!(tail.trim_end().ends_with("%%EOF"), "missing trailer: {tail:?}");
}

fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack.windows(needle.len()).filter(|w| *w == needle).count()
}

fn page_count(doc: &CommercialDocument) -> usize {
    let kit = kit().expect("font");
    layout::layout(doc, kit).expect("layout").len()
}

#[test]
fn renders_a_structurally_valid_pdf_with_embedded_font() {
    let bytes = render(&sample(Lang::Ja)).expect("render");
    assert_pdf(&bytes);
    assert!(count(&bytes, b"/FontFile2") == 1, "font embedded once as TrueType");
    assert!(count(&bytes, b"/MediaBox[0 0 595.28 841.89]") == 1, "one A4 page");
    assert!(bytes.len() < 200_000, "font is subset, got {} bytes", bytes.len());
}

#[test]
fn every_kind_and_language_renders() {
    for kind in KINDS {
        for lang in [Lang::Ja, Lang::En] {
            let mut doc = sample(lang);
            doc.kind = kind;
            doc.valid_until = None;
            doc.revision = None;
            assert_pdf(&render(&doc).expect("render"));
        }
    }
}

#[test]
fn output_is_deterministic() {
    let doc = sample(Lang::Ja);
    assert_eq!(render(&doc).expect("first"), render(&doc).expect("second"));
    assert_eq!(render(&sample_en()).expect("first"), render(&sample_en()).expect("second"));
}

#[test]
fn hostile_text_renders() {
    assert_pdf(&render(&hostile()).expect("render"));
}

#[test]
fn empty_document_renders() {
    let mut doc = sample(Lang::En);
    doc.lines.clear();
    doc.tax_lines.clear();
    doc.notes.clear();
    doc.terms.clear();
    doc.issuer = Party::default();
    doc.addressee = Party::default();
    doc.verify_url = String::new();
    assert_pdf(&render(&doc).expect("render"));
}

#[test]
fn many_lines_flow_onto_more_pages() {
    let mut doc = sample(Lang::Ja);
    let item = line("Autodesk Flex トークン", "100", "¥300", "¥30,000");
    doc.lines = vec![item.clone(); 60];
    let pages = page_count(&doc);
    assert!((3..=4).contains(&pages), "60 rows should take 3-4 pages, got {pages}");
    assert_pdf(&render(&doc).expect("render"));
    assert_eq!(page_count(&sample(Lang::Ja)), 1);

    doc.lines = vec![item; 5000];
    assert!(matches!(render(&doc), Err(RenderError::TooLong)));
}

#[test]
fn long_text_wraps_within_width() {
    let kit = kit().expect("font");
    let text = "本見積書に記載の金額は、Autodesk Flexトークンの標準価格に基づき算出しています。".repeat(5)
        + " https://portal.example.jp/verify/averyveryveryveryveryveryveryveryverylongpath";
    for width in [40.0, 120.0, 300.0] {
        let lines = kit.wrap(&text, 9.0, width);
        assert!(lines.len() > 1);
        for l in &lines {
            assert!(kit.width(l, 9.0) <= width + 0.01, "{l:?} wider than {width}");
            assert!(!l.starts_with('、') && !l.starts_with('。'), "kinsoku violated: {l:?}");
        }
        let joined: String = lines.concat();
        assert_eq!(joined.replace(' ', ""), text.replace(' ', ""));
    }
    let limited = kit.wrap_limited(&text, 9.0, 100.0, 2);
    assert_eq!(limited.len(), 2);
    assert!(limited[1].ends_with('…'));
    assert!(kit.width(&limited[1], 9.0) <= 100.01);
}

fn stress() -> CommercialDocument {
    let mut doc = sample(Lang::Ja);
    let long = "とても長い会社名".repeat(40);
    doc.addressee.name = long.clone();
    doc.issuer.name = long.clone();
    doc.issuer.lines = vec![long.clone(); 3];
    doc.attention = Some(long.clone());
    doc.subject = Some(long.clone());
    doc.total = "¥".to_owned() + &"9".repeat(60);
    doc.lines[0].amount = "¥".to_owned() + &"9".repeat(40);
    doc.lines[0].description = long.clone();
    doc.lines[1].description =
        "Autodesk Flex tokens, annual plan, for the design department (Osaka office)".to_owned();
    doc.notes = vec![long.repeat(3)];
    doc.details = vec![(long.clone(), long.clone()), ("取引年月日".to_owned(), long.clone())];
    doc.under_total = vec![long.clone(); 3];
    doc.payment_details = vec![long.repeat(2)];
    doc.verify_url = format!("https://portal.example.jp/verify/{}", "X".repeat(150));
    doc
}

#[test]
fn long_fields_never_leave_the_page() {
    let kit = kit().expect("font");
    for page in layout::layout(&stress(), kit).expect("layout") {
        for op in page {
            if let layout::Op::Text { x, size, run, .. } = op {
                let right = x + run.width_em * size;
                assert!(
                    x >= layout::LEFT - 0.01 && right <= layout::RIGHT + 0.01,
                    "{:?} overflows",
                    run.text
                );
            }
        }
    }
}

#[test]
fn clean_strips_control_and_bidi_characters() {
    assert_eq!(clean("a\u{0}b\u{7}c\u{202e}d\te\nf", false, 100), "abcd e f");
    assert_eq!(clean("a\r\nb", true, 100), "a\nb");
    assert_eq!(clean("abcdef", false, 3), "abc…");
}

#[test]
fn overlong_verification_url_is_an_error() {
    let mut doc = sample(Lang::En);
    doc.verify_url = "https://example.jp/".to_owned() + &"x".repeat(3000);
    assert!(matches!(render(&doc), Err(RenderError::Qr(_))));
}

#[test]
fn a_credit_note_is_titled_qualified_only_when_its_issuer_is_registered() {
    let mut doc = sample(Lang::Ja);
    doc.kind = DocumentKind::CreditNote;
    assert_eq!(labels::labels_for(&doc).title, "適格返還請求書");
    assert_eq!(labels::labels_for(&doc).total, "返還額合計");
    doc.issuer.registration_number = None;
    assert_eq!(labels::labels_for(&doc).title, "返還請求書");
    let ja = labels::labels(DocumentKind::Invoice, Lang::Ja);
    assert_eq!((ja.title, ja.valid_until, ja.closing), ("請求書", "お支払期限", ""));
    let receipt = labels::labels(DocumentKind::Receipt, Lang::Ja);
    assert_eq!(receipt.closing, "上記正に領収いたしました。");
    assert_eq!(labels::labels(DocumentKind::CreditNote, Lang::En).title, "Credit note");
}

#[test]
fn the_revision_mark_starts_at_the_second_issue() {
    let ja = labels::labels(DocumentKind::Quote, Lang::Ja);
    assert_eq!(ja.revision(Lang::Ja, 1), None);
    assert_eq!(ja.revision(Lang::Ja, 2).as_deref(), Some("（第2版）"));
    assert_eq!(ja.number, "見積番号");
    assert!(ja.col_unit_price.contains("税抜") && ja.subtotal.contains("税抜"));
}

#[test]
fn qr_rectangles_cover_exactly_the_dark_modules() {
    let url = "https://portal.example.jp/verify/Q7K4-9XPM-2D";
    let qr = paint::QrModules::encode(url).expect("encode");
    let expected = qr.dark.clone();
    assert!(qr.width >= 21 && (qr.width - 21).is_multiple_of(4), "a QR code is 21 + 4n modules wide");
    let mut painted = vec![0u8; qr.width * qr.width];
    for (col, row, w, h) in qr.rectangles() {
        for r in row..row + h {
            for c in col..col + w {
                painted[r * qr.width + c] += 1;
            }
        }
    }
    assert!(painted.iter().all(|&n| n <= 1), "rectangles overlap");
    assert_eq!(painted.iter().map(|&n| n == 1).collect::<Vec<_>>(), expected);
}
