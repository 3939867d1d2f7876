//! Fixed wording printed on documents, per document kind and language.

use super::{DocumentKind, Lang};

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

fn japanese(kind: DocumentKind) -> Labels {
    let number = match kind {
        DocumentKind::Quote => "見積番号",
        DocumentKind::Invoice => "請求番号",
        DocumentKind::DeliveryNote => "納品番号",
        DocumentKind::Receipt => "領収番号",
    };
    let (title, greeting, total_box, valid_until) = match kind {
        DocumentKind::Quote => {
            ("御見積書", "下記の通り御見積申し上げます。", "御見積金額（税込）", "有効期限")
        }
        DocumentKind::Invoice => {
            ("請求書", "下記の通りご請求申し上げます。", "ご請求金額（税込）", "お支払期限")
        }
        DocumentKind::DeliveryNote => {
            ("納品書", "下記の通り納品いたしました。", "納品金額（税込）", "有効期限")
        }
        DocumentKind::Receipt => {
            ("領収書", "下記の金額を正に領収いたしました。", "領収金額（税込）", "有効期限")
        }
    };
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
        col_amount: "金額",
        subtotal: "小計（税抜）",
        tax: "消費税",
        total: "合計",
        notes: "備考",
        terms: "取引条件",
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
            "Valid until",
        ),
        DocumentKind::Receipt => (
            "Receipt",
            "We acknowledge receipt of the amount below.",
            "Amount received (tax incl.)",
            "Valid until",
        ),
    };
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
        col_amount: "Amount",
        subtotal: "Subtotal (excl. tax)",
        tax: "Tax",
        total: "Total",
        notes: "Notes",
        terms: "Terms",
        verify_code: "Verification code",
        verify_hint: "Scan the QR code or open the URL below to verify this document.",
        continued: " (continued)",
    }
}
