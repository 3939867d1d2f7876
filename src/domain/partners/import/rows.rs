//! Reading a partner CSV file: the header, the limits that refuse absurd files, and each row turned
//! into a [`PartnerInput`] with the reasons a bad row is rejected.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::io::{self, Read};

use csv::ByteRecord;

use super::super::profile::{PartnerInput, ValidPartner};
use crate::domain::error::{Error, FieldError};

/// Every column a partner file must have, in the order a template lists them.
pub const COLUMNS: [&str; 19] = [
    "slug",
    "name_ja",
    "name_en",
    "description_ja",
    "description_en",
    "tier",
    "csn",
    "country",
    "regions",
    "languages",
    "services",
    "website",
    "email",
    "phone",
    "invoice_registration_number",
    "max_discount_percent",
    "flex_signed_on",
    "flex_expires_on",
    "published",
];

pub const MAX_FILE_BYTES: u64 = 50 * 1024 * 1024;
pub const MAX_FIELDS_PER_ROW: usize = 100;
pub const MAX_FIELD_CHARS: usize = 10_000;
/// How much of a bad value a rejection reason quotes.
const QUOTED_CHARS: usize = 40;

/// A problem with the whole file: nothing from it is written.
pub(super) fn file_error(code: &'static str, en: String, ja: String) -> Error {
    Error::Validation(vec![FieldError::new("file", code, en, ja)])
}

/// One data row: either its parsed profile or the reason it cannot be taken.
pub(super) struct Row {
    pub line: u64,
    pub csn: String,
    pub parsed: Result<ValidPartner, String>,
}

/// The rows of a partner file, read one at a time after the header has been checked.
pub(super) struct Rows<R: Read> {
    reader: csv::Reader<Source<R>>,
    /// For each entry of [`COLUMNS`], its position in the file's rows.
    positions: [usize; COLUMNS.len()],
    record: ByteRecord,
}

impl<R: Read> Rows<R> {
    pub fn open(input: R) -> Result<Self, Error> {
        let source =
            Source { inner: input, left: MAX_FILE_BYTES, read: 0, newlines: VecDeque::new(), passed: 0 };
        let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(source);
        let mut header = ByteRecord::new();
        if !read(&mut reader, &mut header)? {
            return Err(file_error(
                "empty",
                format!("The file is empty; its first line must name the columns: {}.", COLUMNS.join(",")),
                format!("ファイルが空です。1行目に列名（{}）を記載してください。", COLUMNS.join(",")),
            ));
        }
        check_limits(&header, 1)?;
        let positions = positions(&header)?;
        Ok(Self { reader, positions, record: ByteRecord::new() })
    }

    /// The next row that is not blank, or `None` at the end of the file.
    pub fn next_row(&mut self) -> Result<Option<Row>, Error> {
        loop {
            if !read(&mut self.reader, &mut self.record)? {
                return Ok(None);
            }
            let line = self.first_line();
            check_limits(&self.record, line)?;
            // Spreadsheets leave rows of empty cells (`,,,,`) below the data; they are not rows.
            if self.record.iter().all(|field| field.iter().all(u8::is_ascii_whitespace)) {
                continue;
            }
            return Ok(Some(self.row(line)));
        }
    }

    /// The physical line the record just read starts on. The csv crate's own line count is off
    /// after blank lines and with CRLF endings (what Excel writes), so lines are counted here: the
    /// record ends just before the last byte the reader consumed (its terminator, or its last
    /// character at the end of the file), and starts as many lines earlier as its quoted fields
    /// hold line breaks.
    fn first_line(&mut self) -> u64 {
        let end = self.reader.position().byte().saturating_sub(1);
        let last_line = 1 + self.reader.get_mut().newlines_before(end);
        let inside: usize =
            self.record.iter().map(|field| field.iter().filter(|b| **b == b'\n').count()).sum();
        last_line.saturating_sub(inside as u64)
    }

    fn row(&self, line: u64) -> Row {
        let field = |name: &str| {
            let at = COLUMNS.iter().position(|c| *c == name).and_then(|c| self.positions.get(c).copied());
            let bytes = at.and_then(|at| self.record.get(at)).unwrap_or_default();
            String::from_utf8_lossy(bytes).into_owned()
        };
        let csn = field("csn").trim().to_owned();
        if self.record.len() != COLUMNS.len() {
            let reason = format!("has {} fields but the header has {}", self.record.len(), COLUMNS.len());
            return Row { line, csn, parsed: Err(reason) };
        }
        let list = |name: &str| -> Vec<String> {
            field(name)
                .split([';', '|'])
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
                .collect()
        };
        let published_text = field("published");
        let published = parse_published(&published_text);
        let input = PartnerInput {
            slug: field("slug"),
            name_ja: field("name_ja"),
            name_en: field("name_en"),
            description_ja: field("description_ja"),
            description_en: field("description_en"),
            tier: field("tier"),
            csn: field("csn"),
            document_prefix: String::new(),
            country: field("country"),
            regions: list("regions"),
            languages: list("languages"),
            services: list("services"),
            website: field("website"),
            email: field("email"),
            phone: field("phone"),
            postal_code: String::new(),
            address: String::new(),
            payment_terms: String::new(),
            bank_details: String::new(),
            payment_due_days: String::new(),
            invoice_registration_number: field("invoice_registration_number"),
            max_discount_percent: field("max_discount_percent"),
            flex_signed_on: field("flex_signed_on"),
            flex_expires_on: field("flex_expires_on"),
            published: published.unwrap_or(false),
        };
        let parsed = match (input.parse(), published) {
            (Ok(valid), Ok(_)) => Ok(valid),
            (valid, published) => {
                let fields = valid.err().map(|e| reason_for(&e, &input));
                let published = published.err().map(|()| {
                    format!("published {}: Use true or false (also 1/0, yes/no)", quoted(&published_text))
                });
                Err(fields.into_iter().chain(published).collect::<Vec<_>>().join("; "))
            }
        };
        Row { line, csn, parsed }
    }
}

fn read<R: Read>(reader: &mut csv::Reader<R>, record: &mut ByteRecord) -> Result<bool, Error> {
    reader.read_byte_record(record).map_err(|e| match e.kind() {
        csv::ErrorKind::Io(io) if io.kind() == io::ErrorKind::FileTooLarge => file_error(
            "too_large",
            format!("The file is larger than {} MiB; split it into smaller files.", MAX_FILE_BYTES >> 20),
            format!("ファイルが{} MiBを超えています。分割してください。", MAX_FILE_BYTES >> 20),
        ),
        _ => file_error(
            "unreadable",
            format!("The file could not be read: {e}."),
            format!("ファイルを読み込めませんでした: {e}"),
        ),
    })
}

fn check_limits(record: &ByteRecord, line: u64) -> Result<(), Error> {
    if record.len() > MAX_FIELDS_PER_ROW {
        return Err(file_error(
            "too_many_fields",
            format!("Line {line} has more than {MAX_FIELDS_PER_ROW} fields; this is not a partner file."),
            format!(
                "{line}行目の項目数が{MAX_FIELDS_PER_ROW}を超えています。販売店のファイルではありません。"
            ),
        ));
    }
    for field in record {
        let Ok(text) = std::str::from_utf8(field) else {
            return Err(file_error(
                "not_utf8",
                format!("Line {line} is not UTF-8 text; save the file as \"CSV UTF-8 (comma delimited)\"."),
                format!("{line}行目がUTF-8ではありません。「CSV UTF-8（コンマ区切り）」で保存してください。"),
            ));
        };
        if text.len() > MAX_FIELD_CHARS && text.chars().count() > MAX_FIELD_CHARS {
            return Err(file_error(
                "field_too_long",
                format!("Line {line} has a field longer than {MAX_FIELD_CHARS} characters."),
                format!("{line}行目に{MAX_FIELD_CHARS}文字を超える項目があります。"),
            ));
        }
    }
    Ok(())
}

/// Maps each expected column to its position, refusing unknown, missing and repeated columns.
fn positions(header: &ByteRecord) -> Result<[usize; COLUMNS.len()], Error> {
    let names: Vec<String> = header
        .iter()
        .map(|name| String::from_utf8_lossy(name).trim_start_matches('\u{feff}').trim().to_lowercase())
        .collect();
    let unknown: Vec<String> = names
        .iter()
        .filter(|name| !COLUMNS.contains(&name.as_str()))
        .map(|name| format!("{:?}", shorten(name)))
        .collect();
    let mut positions = [usize::MAX; COLUMNS.len()];
    let mut missing = Vec::new();
    for (column, name) in COLUMNS.iter().enumerate() {
        let mut found = names.iter().enumerate().filter(|(_, n)| n == name).map(|(at, _)| at);
        match (found.next(), found.next()) {
            (Some(at), None) => positions[column] = at,
            (Some(_), Some(_)) => {
                return Err(file_error(
                    "repeated_column",
                    format!("The column {name} appears more than once."),
                    format!("列 {name} が複数あります。"),
                ));
            }
            (None, _) => missing.push(*name),
        }
    }
    if unknown.is_empty() && missing.is_empty() {
        return Ok(positions);
    }
    let (mut en, mut ja) = (Vec::new(), Vec::new());
    if !unknown.is_empty() {
        en.push(format!("Unknown columns: {}.", unknown.join(", ")));
        ja.push(format!("不明な列があります: {}。", unknown.join(", ")));
    }
    if !missing.is_empty() {
        en.push(format!("Missing columns: {}.", missing.join(", ")));
        ja.push(format!("不足している列があります: {}。", missing.join(", ")));
    }
    let columns = COLUMNS.join(",");
    Err(file_error(
        if unknown.is_empty() { "missing_columns" } else { "unknown_columns" },
        format!("{} The header must name exactly these columns, in any order: {columns}.", en.join(" ")),
        format!("{}1行目には次の列を（順不同で）すべて記載してください: {columns}", ja.join("")),
    ))
}

fn parse_published(text: &str) -> Result<bool, ()> {
    match text.trim().to_ascii_lowercase().as_str() {
        "" | "false" | "0" | "no" => Ok(false),
        "true" | "1" | "yes" => Ok(true),
        _ => Err(()),
    }
}

/// The field errors of a row as one English sentence per field, naming the CSV column and quoting
/// the value that was refused.
fn reason_for(error: &Error, input: &PartnerInput) -> String {
    let Error::Validation(fields) = error else { return error.to_string() };
    let list_item = |list: &[String], index: &str| {
        index.trim_end_matches(']').parse::<usize>().ok().and_then(|i| list.get(i)).cloned()
    };
    fields
        .iter()
        .map(|field| {
            let (column, value): (Cow<'_, str>, Option<String>) = match field.field.split_once('[') {
                Some(("regions", i)) => ("regions".into(), list_item(&input.regions, i)),
                Some(("languages", i)) => ("languages".into(), list_item(&input.languages, i)),
                Some(("services", i)) => ("services".into(), list_item(&input.services, i)),
                _ => {
                    let column = match field.field.as_ref() {
                        "flex_agreement.signed_on" => "flex_signed_on",
                        "flex_agreement.expires_on" => "flex_expires_on",
                        other => other,
                    };
                    (column.to_owned().into(), scalar(input, column).map(str::to_owned))
                }
            };
            match value.filter(|v| !v.trim().is_empty()) {
                Some(value) => format!("{column} {}: {}", quoted(&value), sentence(&field.message.en)),
                None => format!("{column}: {}", sentence(&field.message.en)),
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A message without its closing full stop, since the messages of a row are joined with `; `.
pub(super) fn sentence(message: &str) -> &str {
    message.strip_suffix('.').unwrap_or(message)
}

fn scalar<'a>(input: &'a PartnerInput, column: &str) -> Option<&'a str> {
    Some(match column {
        "slug" => &input.slug,
        "name_ja" => &input.name_ja,
        "name_en" => &input.name_en,
        "tier" => &input.tier,
        "csn" => &input.csn,
        "country" => &input.country,
        "website" => &input.website,
        "email" => &input.email,
        "phone" => &input.phone,
        "invoice_registration_number" => &input.invoice_registration_number,
        "max_discount_percent" => &input.max_discount_percent,
        "flex_signed_on" => &input.flex_signed_on,
        "flex_expires_on" => &input.flex_expires_on,
        // Descriptions are long; the message says enough.
        _ => return None,
    })
}

/// A value as it appears in a reason: quoted, control characters escaped, long values cut.
pub(super) fn quoted(value: &str) -> String {
    format!("{:?}", shorten(value.trim()))
}

fn shorten(value: &str) -> Cow<'_, str> {
    if value.chars().count() <= QUOTED_CHARS {
        return value.into();
    }
    let mut cut: String = value.chars().take(QUOTED_CHARS).collect();
    cut.push('…');
    cut.into()
}

/// The file as the csv reader sees it: refused (not truncated) beyond `left` bytes, and with the
/// offsets of its line breaks noted for [`Rows::first_line`].
struct Source<R> {
    inner: R,
    left: u64,
    /// Bytes handed to the csv reader so far.
    read: u64,
    /// Offsets of line breaks handed over but not yet passed by a record.
    newlines: VecDeque<u64>,
    /// Line breaks already passed.
    passed: u64,
}

impl<R> Source<R> {
    /// How many line breaks lie before byte `offset`; offsets must not decrease between calls.
    fn newlines_before(&mut self, offset: u64) -> u64 {
        while self.newlines.front().is_some_and(|at| *at < offset) {
            self.newlines.pop_front();
            self.passed += 1;
        }
        self.passed
    }
}

impl<R: Read> Read for Source<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            let mut probe = [0_u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(io::Error::new(io::ErrorKind::FileTooLarge, "partner file over the size limit")),
            };
        }
        let room = usize::try_from(self.left).unwrap_or(usize::MAX).min(buf.len());
        let count = self.inner.read(&mut buf[..room])?;
        let start = self.read;
        let breaks = buf[..count].iter().enumerate().filter(|(_, b)| **b == b'\n');
        self.newlines.extend(breaks.map(|(i, _)| start + i as u64));
        self.read += count as u64;
        self.left = self.left.saturating_sub(count as u64);
        Ok(count)
    }
}
