//! Render time of a realistic one-page quote with QR code, in Japanese and in English, and of
//! the two documents every order renders while it holds its partner's document counters: the
//! invoice (請求書) and the delivery note (納品書).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use flexportal::documents::pdf::{CommercialDocument, DocumentKind, Lang, Line, Party, TaxLine, render};

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

fn line(description: &str, quantity: &str, unit_price: &str, amount: &str) -> Line {
    Line {
        description: description.to_owned(),
        quantity: quantity.to_owned(),
        unit_price: unit_price.to_owned(),
        amount: amount.to_owned(),
    }
}

fn quote_ja() -> CommercialDocument {
    CommercialDocument {
        kind: DocumentKind::Quote,
        lang: Lang::Ja,
        number: "Q-2025-000123".to_owned(),
        revision: Some(2),
        issued_on: "2025年6月2日".to_owned(),
        valid_until: Some("2025年7月2日".to_owned()),
        details: Vec::new(),
        issuer: Party {
            name: "株式会社サンプルリセラー".to_owned(),
            lines: strings(&[
                "〒100-0005 東京都千代田区丸の内1-1-1 サンプルビル12F",
                "TEL 03-1234-5678",
                "sales@example.co.jp",
                "担当: 山田 太郎",
            ]),
            registration_number: Some("T7000012050002".to_owned()),
        },
        addressee: Party {
            name: "株式会社テスト設計事務所".to_owned(),
            lines: strings(&["〒530-0001 大阪府大阪市北区梅田2-2-2"]),
            registration_number: None,
        },
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

fn quote_en() -> CommercialDocument {
    let mut doc = quote_ja();
    doc.lang = Lang::En;
    doc.issued_on = "2 June 2025".to_owned();
    doc.valid_until = Some("2 July 2025".to_owned());
    doc.issuer.name = "Sample Reseller K.K.".to_owned();
    doc.issuer.lines = strings(&[
        "Sample Bldg. 12F, 1-1-1 Marunouchi, Chiyoda-ku, Tokyo 100-0005",
        "+81 3-1234-5678",
        "sales@example.co.jp",
    ]);
    doc.addressee.name = "Example Design Office Co., Ltd.".to_owned();
    doc.addressee.lines = strings(&["2-2-2 Umeda, Kita-ku, Osaka 530-0001"]);
    doc.attention = Some("Hanako Sato, Design Dept.".to_owned());
    doc.subject = Some("Autodesk Flex tokens".to_owned());
    doc.lines[0].description = "Autodesk Flex tokens (valid for 1 year from purchase)".to_owned();
    doc.lines[1].description = "Volume discount (5%)".to_owned();
    doc.lines[2].description = "Onboarding support (remote, 2 hours)".to_owned();
    doc.tax_lines[0].label = "Taxable at 10%".to_owned();
    doc.notes = strings(&["Payment by bank transfer by the end of the month following the invoice."]);
    doc.terms = strings(&["Flex tokens expire one year after purchase.", "Minimum order: 100 tokens."]);
    doc
}

/// The invoice an order of `quote_ja` issues: order number, transaction date, bank details.
fn invoice_ja() -> CommercialDocument {
    let mut doc = quote_ja();
    doc.kind = DocumentKind::Invoice;
    doc.number = "EXMP-I-2025-00123".to_owned();
    doc.revision = None;
    doc.valid_until = Some("2025年7月31日".to_owned());
    doc.details = vec![
        ("注文番号".to_owned(), "EXMP-O-2025-00123".to_owned()),
        ("取引年月日".to_owned(), "2025年6月2日".to_owned()),
    ];
    doc.payment_details = strings(&["みずほ銀行 丸の内支店 普通 1234567", "カ）サンプルリセラー"]);
    doc.notes = Vec::new();
    doc.terms = strings(&[
        "お支払期限: 請求書発行月の翌月末",
        "振込手数料は貴社にてご負担ください。",
        "消費税10%対象 ¥162,500 消費税 ¥16,250",
    ]);
    doc.verify_code = "I3HD-8WQK-5T".to_owned();
    doc.verify_url = "https://portal.example.jp/verify/I3HD-8WQK-5T".to_owned();
    doc
}

/// The delivery note of the same order: tokens delivered and their last valid day.
fn delivery_note_ja() -> CommercialDocument {
    let mut doc = invoice_ja();
    doc.kind = DocumentKind::DeliveryNote;
    doc.number = "EXMP-D-2025-00123".to_owned();
    doc.valid_until = Some("2026年6月1日".to_owned());
    doc.details.push(("納品数量".to_owned(), "500 トークン".to_owned()));
    doc.payment_details = Vec::new();
    doc.terms = strings(&[
        "トークンは有効期限の日の終わりまで使用できます。未使用分は失効します。",
        "消費税10%対象 ¥162,500 消費税 ¥16,250",
    ]);
    doc.verify_code = "D9MX-2LPR-7C".to_owned();
    doc.verify_url = "https://portal.example.jp/verify/D9MX-2LPR-7C".to_owned();
    doc
}

fn bench(c: &mut Criterion) {
    let ja = quote_ja();
    let en = quote_en();
    // Parse the embedded font outside the measurement; it happens once per process.
    let _ = render(&ja);
    c.bench_function("render_quote_ja", |b| b.iter(|| render(black_box(&ja))));
    c.bench_function("render_quote_en", |b| b.iter(|| render(black_box(&en))));
    let invoice = invoice_ja();
    let delivery_note = delivery_note_ja();
    c.bench_function("render_invoice_ja", |b| b.iter(|| render(black_box(&invoice))));
    c.bench_function("render_delivery_note_ja", |b| b.iter(|| render(black_box(&delivery_note))));
}

criterion_group!(benches, bench);
criterion_main!(benches);
