//! Fixed wording printed on documents, per document kind and language.

use super::{CommercialDocument, DocumentKind, Lang};

pub(super) struct Labels {
    pub(super) title: &'static str,
    pub(super) number: &'static str,
    pub(super) issued_on: &'static str,
    pub(super) valid_until: &'static str,
    pub(super) honorific: &'static str,
    pub(super) subject: &'static str,
    pub(super) greeting: &'static str,
    pub(super) total_box: &'static str,
    pub(super) registration: &'static str,
    pub(super) col_no: &'static str,
    pub(super) col_description: &'static str,
    pub(super) col_quantity: &'static str,
    pub(super) col_unit_price: &'static str,
    pub(super) col_amount: &'static str,
    pub(super) subtotal: &'static str,
    pub(super) tax: &'static str,
    pub(super) total: &'static str,
    pub(super) notes: &'static str,
    pub(super) terms: &'static str,
    /// Title of the bank transfer block (振込先).
    pub(super) payment_details: &'static str,
    /// Printed under the total box after the document's own statements: a receipt's
    /// 上記正に領収いたしました; empty for the other kinds.
    pub(super) closing: &'static str,
    pub(super) verify_code: &'static str,
    pub(super) verify_hint: &'static str,
    pub(super) continued: &'static str,
}

impl Labels {
    /// The mark after the number; none on a first issue (revision 1).
    pub(super) fn revision(&self, lang: Lang, revision: u32) -> Option<String> {
        if revision <= 1 {
            return None;
        }
        Some(match lang {
            Lang::Ja => format!("（第{revision}版）"),
            Lang::En => format!(" (Rev. {revision})"),
        })
    }
}

pub(super) fn labels(kind: DocumentKind, lang: Lang) -> Labels {
    match lang {
        Lang::Ja => japanese(kind),
        Lang::En => english(kind),
    }
}

/// The labels of `doc`: a credit note is a 適格返還請求書 only when its issuer has a registration
/// number, and otherwise a plain 返還請求書.
pub(super) fn labels_for(doc: &CommercialDocument) -> Labels {
    let mut labels = labels(doc.kind, doc.lang);
    if doc.kind == DocumentKind::CreditNote
        && doc.lang == Lang::Ja
        && doc.issuer.registration_number.is_none()
    {
        labels.title = "返還請求書";
    }
    labels
}

fn japanese(kind: DocumentKind) -> Labels {
    let number = match kind {
        DocumentKind::Quote => "見積番号",
        DocumentKind::Invoice => "請求番号",
        DocumentKind::DeliveryNote => "納品番号",
        DocumentKind::Receipt => "領収番号",
        DocumentKind::CreditNote => "返還請求番号",
    };
    let (title, greeting, total_box, valid_until) = match kind {
        DocumentKind::Quote => {
            ("御見積書", "下記の通り御見積申し上げます。", "御見積金額（税込）", "有効期限")
        }
        DocumentKind::Invoice => {
            ("請求書", "下記の通りご請求申し上げます。", "ご請求金額（税込）", "お支払期限")
        }
        DocumentKind::DeliveryNote => {
            ("納品書", "下記の通り納品いたしました。", "納品金額（税込）", "トークン有効期限")
        }
        DocumentKind::Receipt => ("領収書", "", "領収金額（税込）", "領収日"),
        DocumentKind::CreditNote => {
            ("適格返還請求書", "下記の通りご返還申し上げます。", "返還金額（税込）", "返還日")
        }
    };
    let returned = kind == DocumentKind::CreditNote;
    Labels {
        title,
        number,
        issued_on: "発行日",
        valid_until,
        honorific: " 御中",
        subject: "件名",
        greeting,
        total_box,
        registration: "登録番号",
        col_no: "No.",
        col_description: "品名・内容",
        col_quantity: "数量",
        col_unit_price: "単価（税抜）",
        col_amount: if returned { "返還金額" } else { "金額" },
        subtotal: if returned { "返還額小計（税抜）" } else { "小計（税抜）" },
        tax: if returned { "返還消費税" } else { "消費税" },
        total: if returned { "返還額合計" } else { "合計" },
        notes: "備考",
        terms: "取引条件",
        payment_details: "お振込先",
        closing: if kind == DocumentKind::Receipt { "上記正に領収いたしました。" } else { "" },
        verify_code: "検証コード",
        verify_hint: "QRコードまたは下記URLから本書の真正性を確認できます。",
        continued: "（続き）",
    }
}

fn english(kind: DocumentKind) -> Labels {
    let number = match kind {
        DocumentKind::Quote => "Quotation No.",
        DocumentKind::Invoice => "Invoice No.",
        DocumentKind::DeliveryNote => "Delivery No.",
        DocumentKind::Receipt => "Receipt No.",
        DocumentKind::CreditNote => "Credit note No.",
    };
    let (title, greeting, total_box, valid_until) = match kind {
        DocumentKind::Quote => {
            ("Quotation", "We are pleased to quote as follows.", "Quotation total (tax incl.)", "Valid until")
        }
        DocumentKind::Invoice => {
            ("Invoice", "Please remit the amount below.", "Amount due (tax incl.)", "Payment due")
        }
        DocumentKind::DeliveryNote => (
            "Delivery note",
            "We have delivered the following.",
            "Delivered total (tax incl.)",
            "Tokens valid until",
        ),
        DocumentKind::Receipt => ("Receipt", "", "Amount received (tax incl.)", "Date received"),
        DocumentKind::CreditNote => {
            ("Credit note", "We return the amounts below.", "Amount returned (tax incl.)", "Date returned")
        }
    };
    let returned = kind == DocumentKind::CreditNote;
    Labels {
        title,
        number,
        issued_on: "Issue date",
        valid_until,
        honorific: "",
        subject: "Subject",
        greeting,
        total_box,
        registration: "Registration No.",
        col_no: "No.",
        col_description: "Description",
        col_quantity: "Qty",
        col_unit_price: "Price excl. tax",
        col_amount: if returned { "Returned" } else { "Amount" },
        subtotal: if returned { "Returned excl. tax" } else { "Subtotal (excl. tax)" },
        tax: if returned { "Tax returned" } else { "Tax" },
        total: if returned { "Total returned" } else { "Total" },
        notes: "Notes",
        terms: "Terms",
        payment_details: "Bank transfer to",
        closing: if kind == DocumentKind::Receipt { "Received with thanks." } else { "" },
        verify_code: "Verification code",
        verify_hint: "Scan the QR code or open the URL below to verify this document.",
        continued: " (continued)",
    }
}
