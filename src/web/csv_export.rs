//! CSV downloads that open safely in a spreadsheet: UTF-8 with a byte-order mark (so Excel reads
//! Japanese text as UTF-8), CRLF line ends and quoting as RFC 4180 has them, and every cell that a
//! spreadsheet would take for a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage
//! return) prefixed with `'` so it stays text.

use rocket::Responder;
use rocket::http::{ContentType, Header};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// `cell` as a spreadsheet must show it: text, never a formula.
pub fn neutralised(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

fn quoted(cell: &str, out: &mut String) {
    let cell = neutralised(cell);
    if cell.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&cell.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(&cell);
    }
}

/// The whole document: a header line, then one line per row.
pub fn document<R: AsRef<str>>(header: &[&str], rows: impl IntoIterator<Item = Vec<R>>) -> Vec<u8> {
    let mut text = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        for (i, cell) in cells.enumerate() {
            if i > 0 {
                text.push(',');
            }
            quoted(cell, &mut text);
        }
        text.push_str("\r\n");
    };
    line(&mut header.iter().copied());
    for row in rows {
        line(&mut row.iter().map(AsRef::as_ref));
    }
    let mut bytes = Vec::with_capacity(BOM.len() + text.len());
    bytes.extend_from_slice(BOM);
    bytes.extend_from_slice(text.as_bytes());
    bytes
}

/// A CSV document offered for download under `name`.
#[derive(Responder)]
pub struct CsvFile {
    inner: (ContentType, Vec<u8>),
    disposition: Header<'static>,
}

impl CsvFile {
    pub fn new(name: &str, bytes: Vec<u8>) -> Self {
        let safe: String =
            name.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')).collect();
        let csv = ContentType::new("text", "csv").with_params(("charset", "utf-8"));
        Self {
            inner: (csv, bytes),
            disposition: Header::new("Content-Disposition", format!("attachment; filename=\"{safe}\"")),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_kept_as_text() {
        for hostile in ["=cmd|' /C calc'!A0", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralised(hostile), format!("'{hostile}"));
        }
        for plain in ["md-api", "2027-01-05", "12.5", "", "a=b"] {
            assert_eq!(neutralised(plain), plain);
        }
    }

    #[test]
    fn the_document_has_a_bom_crlf_lines_and_quotes_where_needed() {
        let bytes =
            document(&["api", "tokens"], vec![vec!["a,\"b\"", "1.5"], vec!["=1+1", "2"], vec!["設計", "0"]]);
        assert!(bytes.starts_with(BOM));
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert_eq!(text, "api,tokens\r\n\"a,\"\"b\"\"\",1.5\r\n'=1+1,2\r\n設計,0\r\n");
    }
}
