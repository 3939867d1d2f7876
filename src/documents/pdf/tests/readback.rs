//! PDFs read back by the programs customers' tools are built on (`#[ignore]`d, they need
//! poppler-utils, qpdf and zbar-tools): the extracted text, the structure check and the QR code.

use super::font::FontKit;
use super::*;

/// The text poppler extracts from `bytes`, after `qpdf --check` has passed on the same file.
fn pdftotext(bytes: &[u8], name: &str) -> String {
    let path = std::env::temp_dir().join(format!("flexportal-pdf-{}-{name}.pdf", std::process::id()));
    std::fs::write(&path, bytes).expect("write pdf");
    let check = std::process::Command::new("qpdf").arg("--check").arg(&path).output().expect("run qpdf");
    let out = std::process::Command::new("pdftotext").arg(&path).arg("-").output().expect("run pdftotext");
    let _ = std::fs::remove_file(&path);
    assert!(check.status.success(), "qpdf --check {name}: {}", String::from_utf8_lossy(&check.stdout));
    assert!(out.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8 text")
}

/// Every kind in both languages, and the documents that stress layout and text handling.
fn every_document() -> Vec<(String, CommercialDocument)> {
    let mut docs = Vec::new();
    for kind in KINDS {
        for lang in [Lang::Ja, Lang::En] {
            let mut doc = if lang == Lang::Ja { sample(lang) } else { sample_en() };
            doc.kind = kind;
            docs.push((format!("{kind:?}-{lang:?}"), doc));
        }
    }
    let mut long = sample(Lang::Ja);
    long.lines = vec![line("Autodesk Flex トークン", "100", "¥300", "¥30,000"); 60];
    docs.extend([
        ("hostile".to_owned(), hostile()),
        ("stress".to_owned(), stress()),
        ("long".to_owned(), long),
    ]);
    docs
}

#[test]
#[ignore = "needs qpdf and pdftotext"]
fn every_document_passes_qpdf_check() {
    for (name, doc) in every_document() {
        let text = pdftotext(&render(&doc).expect("render"), &name);
        assert!(text.contains(labels::labels_for(&doc).title), "{name}: {text}");
    }
}

#[test]
#[ignore = "needs qpdf and pdftotext"]
fn the_unhinted_font_program_prints_exactly_the_text_the_full_font_prints() {
    let full = FontKit::with_program(IPAEX_GOTHIC, IPAEX_GOTHIC.into()).expect("full font");
    for (name, doc) in every_document() {
        let qr = paint::QrModules::encode(&clean(&doc.verify_url, false, usize::MAX)).expect("qr");
        let pages = layout::layout(&doc, &full).expect("layout");
        let with_full_font = paint::paint(&doc, &pages, &full, &qr).expect("paint");
        let with_unhinted = render(&doc).expect("render");
        assert!(with_unhinted.len() < with_full_font.len(), "{name}: hinting was dropped");
        assert_eq!(
            pdftotext(&with_unhinted, &format!("{name}-unhinted")),
            pdftotext(&with_full_font, &format!("{name}-full")),
            "{name}"
        );
    }
}

#[test]
#[ignore = "needs pdftotext (poppler-utils)"]
fn extracted_text_contains_the_key_fields() {
    let doc = sample(Lang::Ja);
    let text = pdftotext(&render(&doc).expect("render"), "ja");
    for needle in [
        "御見積書",
        "Q-2025-000123",
        "¥178,750",
        "株式会社テスト設計事務所",
        "T7000012050002",
        "見積番号",
        "件名",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
    assert!(text.contains("設計部 佐藤 花子 様") && !text.contains("御中"), "御中 beside 様:\n{text}");
    assert!(text.contains("（第2版）"), "{text}");
    let text = pdftotext(&render(&sample_en()).expect("render"), "en");
    for needle in ["Quotation", "Q-2025-000123", "¥178,750", "Example Design Office Co., Ltd."] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
}

#[test]
#[ignore = "needs pdftotext (poppler-utils)"]
fn a_company_without_a_contact_is_addressed_onchu_and_a_first_issue_has_no_revision_mark() {
    let mut doc = sample(Lang::Ja);
    doc.attention = None;
    doc.revision = Some(1);
    let text = pdftotext(&render(&doc).expect("render"), "onchu");
    assert!(text.contains("株式会社テスト設計事務所 御中"), "{text}");
    assert!(!text.contains('様') && !text.contains("第1版"), "{text}");
    let mut doc = sample_en();
    doc.revision = Some(1);
    let text = pdftotext(&render(&doc).expect("render"), "attn");
    assert!(text.contains("Attn:") && !text.contains("Rev. 1"), "{text}");
}

#[test]
#[ignore = "needs pdftotext (poppler-utils)"]
fn details_statements_and_bank_lines_are_printed() {
    let mut doc = sample(Lang::Ja);
    doc.kind = DocumentKind::Receipt;
    doc.details = vec![("お支払方法".to_owned(), "銀行振込".to_owned())];
    doc.under_total = vec!["但し Autodesk Flex トークン代として".to_owned()];
    doc.payment_details = vec!["みずほ銀行 丸の内支店 普通 1234567".to_owned()];
    let text = pdftotext(&render(&doc).expect("render"), "details");
    for needle in [
        "お支払方法",
        "銀行振込",
        "但し Autodesk Flex トークン代として",
        "上記正に領収いたしました。",
        "お振込先",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
}

#[test]
#[ignore = "needs pdftotext (poppler-utils)"]
fn hostile_text_is_extracted_literally() {
    let text = pdftotext(&render(&hostile()).expect("render"), "hostile");
    assert!(text.contains("<img src=x onerror=alert(1)>"), "{text}");
    assert!(text.contains("%%EOF /Type /Page"), "{text}");
    assert!(!text.contains('\u{1b}'));
}

#[test]
#[ignore = "writes sample PDFs for visual inspection"]
fn dump_samples() {
    let dir = std::env::temp_dir().join("flexportal-pdf-samples");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let mut long = sample(Lang::Ja);
    long.kind = DocumentKind::Invoice;
    long.lines = (0..40)
        .map(|i| line(&format!("Autodesk Flex トークン 追加購入 第{i}回分"), "100", "¥300", "¥30,000"))
        .collect();
    for (name, doc) in [
        ("ja", sample(Lang::Ja)),
        ("en", sample_en()),
        ("hostile", hostile()),
        ("long", long),
        ("stress", stress()),
    ] {
        std::fs::write(dir.join(format!("{name}.pdf")), render(&doc).expect("render")).expect("write");
    }
}

#[test]
#[ignore = "needs pdftoppm (poppler-utils) and zbarimg (zbar-tools)"]
fn the_printed_qr_code_reads_back_as_the_verify_url() {
    let doc = sample(Lang::Ja);
    let dir = std::env::temp_dir().join(format!("flexportal-qr-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let pdf = dir.join("doc.pdf");
    std::fs::write(&pdf, render(&doc).expect("render")).expect("write pdf");
    let png = dir.join("page");
    let status = std::process::Command::new("pdftoppm")
        .args(["-png", "-r", "200", "-singlefile"])
        .arg(&pdf)
        .arg(&png)
        .status()
        .expect("run pdftoppm");
    assert!(status.success());
    let out = std::process::Command::new("zbarimg")
        .args(["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable"])
        .arg(dir.join("page.png"))
        .output()
        .expect("run zbarimg");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(out.status.success(), "no QR code found: {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), doc.verify_url);
}
