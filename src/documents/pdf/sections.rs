//! The blocks of a document, top to bottom: title and parties, line table, totals with the
//! per-rate tax breakdown, and the notes and terms lists.

use super::font::clean;
use super::layout::{
    ACCENT, CONTENT_W, INK, LEFT, MARGIN, MUTED, PAGE_W, Pager, RIGHT, RULE, TINT, WHITE, Weight, baseline,
};
use super::{Lang, Party, RenderError};

/// Longest accepted single field, in characters; longer text is cut before layout.
const FIELD_CHARS: usize = 300;
const PARAGRAPH_CHARS: usize = 2000;
const LEFT_COL_W: f32 = 290.0;
const RIGHT_COL_W: f32 = 200.0;

/// Title, document number and dates, addressee with total box (left), issuer (right).
pub(super) fn header(p: &mut Pager) {
    let top = MARGIN;
    let title = p.labels.title;
    p.text_center(PAGE_W / 2.0, baseline(top, 22.0), 22.0, title, ACCENT, Weight::Bold);
    p.hline(LEFT, RIGHT, top + 31.0, 1.4, ACCENT);
    p.hline(LEFT, RIGHT, top + 33.8, 0.4, ACCENT);
    let body = top + 48.0;
    let left_bottom = addressee_block(p, body);
    let right_bottom = issuer_block(p, body);
    p.y = left_bottom.max(right_bottom) + 18.0;
}

fn addressee_block(p: &mut Pager, top: f32) -> f32 {
    let doc = p.doc;
    // 御中 goes to a company only when no person is named; a named person gets 様 instead.
    let honorific = if doc.attention.is_some() { "" } else { p.labels.honorific };
    let name = clean(&doc.addressee.name, false, FIELD_CHARS);
    let honorific_w = p.kit.width(honorific, 12.0);
    let lines = p.kit.wrap_limited(&name, 14.0, LEFT_COL_W - honorific_w, 2);
    let mut y = top;
    let mut last_w = 0.0;
    for line in &lines {
        last_w = p.text(LEFT, baseline(y, 14.0), 14.0, line, INK, Weight::Bold);
        y += 20.0;
    }
    if !honorific.is_empty() {
        p.text(LEFT + last_w, baseline(y - 18.0, 12.0), 12.0, honorific, INK, Weight::Regular);
    }
    if let Some(attention) = &doc.attention {
        let person = clean(attention, false, FIELD_CHARS);
        let line = match doc.lang {
            Lang::Ja => format!("{person} 様"),
            Lang::En => format!("Attn: {person}"),
        };
        let line = p.kit.truncate(&line, 12.0, LEFT_COL_W);
        p.text(LEFT, baseline(y, 12.0), 12.0, &line, INK, Weight::Regular);
        y += 17.0;
    }
    p.hline(LEFT, LEFT + LEFT_COL_W, y + 1.0, 0.8, INK);
    y += 8.0;
    y = party_details(p, &doc.addressee, LEFT, y, LEFT_COL_W);
    y += 8.0;
    let greeting = p.labels.greeting;
    if !greeting.is_empty() {
        p.text(LEFT, baseline(y, 9.5), 9.5, greeting, INK, Weight::Regular);
        y += 20.0;
    }
    y = total_box(p, y);
    under_total(p, y)
}

/// The document's statements under the total box, then the kind's closing words.
fn under_total(p: &mut Pager, mut y: f32) -> f32 {
    let closing = p.labels.closing;
    let statements = p.doc.under_total.iter().take(6).map(|s| clean(s, false, FIELD_CHARS));
    let lines: Vec<String> = statements.chain((!closing.is_empty()).then(|| closing.to_owned())).collect();
    if !lines.is_empty() {
        y += 6.0;
    }
    for line in lines {
        for wrapped in p.kit.wrap_limited(&line, 9.5, LEFT_COL_W, 2) {
            p.text(LEFT, baseline(y, 9.5), 9.5, &wrapped, INK, Weight::Regular);
            y += 14.0;
        }
    }
    y
}

/// Address, contact and registration lines under a party name; returns the next free y.
fn party_details(p: &mut Pager, party: &Party, x: f32, mut y: f32, width: f32) -> f32 {
    for raw in party.lines.iter().take(8) {
        let line = clean(raw, false, FIELD_CHARS);
        for wrapped in p.kit.wrap_limited(&line, 8.5, width, 2) {
            p.text(x, baseline(y, 8.5), 8.5, &wrapped, MUTED, Weight::Regular);
            y += 12.0;
        }
    }
    if let Some(number) = &party.registration_number {
        let line = format!("{}: {}", p.labels.registration, clean(number, false, 100));
        let line = p.kit.truncate(&line, 8.5, width);
        p.text(x, baseline(y, 8.5), 8.5, &line, MUTED, Weight::Regular);
        y += 12.0;
    }
    y
}

fn total_box(p: &mut Pager, top: f32) -> f32 {
    let height = 38.0;
    p.rect(LEFT, top, LEFT_COL_W, height, Some(TINT), None);
    p.hline(LEFT, LEFT + LEFT_COL_W, top, 1.2, ACCENT);
    p.hline(LEFT, LEFT + LEFT_COL_W, top + height, 1.2, ACCENT);
    let label = p.labels.total_box;
    let label_w = p.text(LEFT + 10.0, top + height / 2.0 + 3.4, 9.5, label, ACCENT, Weight::Bold);
    let total = clean(&p.doc.total, false, 60);
    let (total, size) = p.fit(&total, 18.0, 9.0, LEFT_COL_W - label_w - 30.0);
    p.text_right(LEFT + LEFT_COL_W - 10.0, top + height / 2.0 + size * 0.36, size, &total, INK, Weight::Bold);
    top + height
}

fn issuer_block(p: &mut Pager, top: f32) -> f32 {
    let doc = p.doc;
    let x = RIGHT - RIGHT_COL_W;
    let mut y = top;
    let number = p.number();
    let issued = clean(&doc.issued_on, false, 60);
    let mut meta = vec![(p.labels.number, number), (p.labels.issued_on, issued)];
    if let Some(subject) = &doc.subject {
        meta.push((p.labels.subject, clean(subject, false, 80)));
    }
    if let Some(until) = &doc.valid_until {
        meta.push((p.labels.valid_until, clean(until, false, 60)));
    }
    let mut meta: Vec<(String, String)> = meta.into_iter().map(|(l, v)| (l.to_owned(), v)).collect();
    for (label, value) in doc.details.iter().take(8) {
        let label = p.kit.truncate(&clean(label, false, 40), 9.0, RIGHT_COL_W / 2.0);
        meta.push((label, clean(value, false, 80)));
    }
    let widest = meta.iter().map(|(label, _)| p.kit.width(label, 9.0) + 8.0).fold(0.0, f32::max);
    let label_w = widest.max(if doc.lang == Lang::Ja { 56.0 } else { 66.0 });
    for (label, value) in meta {
        p.text(x, baseline(y, 9.0), 9.0, &label, MUTED, Weight::Regular);
        let (value, size) = p.fit(&value, 9.0, 6.5, RIGHT_COL_W - label_w);
        p.text_right(RIGHT, baseline(y, 9.0), size, &value, INK, Weight::Regular);
        p.hline(x, RIGHT, y + 12.5, 0.4, RULE);
        y += 15.5;
    }
    y += 14.0;
    let name = clean(&doc.issuer.name, false, FIELD_CHARS);
    for line in p.kit.wrap_limited(&name, 11.0, RIGHT_COL_W, 2) {
        p.text(x, baseline(y, 11.0), 11.0, &line, INK, Weight::Bold);
        y += 15.0;
    }
    y += 2.0;
    party_details(p, &doc.issuer, x, y, RIGHT_COL_W)
}

/// Column right edges of the line table: No., description, quantity, unit price, amount.
const COLS: [f32; 5] = [LEFT + 26.0, RIGHT - 242.0, RIGHT - 184.0, RIGHT - 96.0, RIGHT];
const CELL_PAD: f32 = 5.0;
const ROW_LINE: f32 = 12.5;
const MAX_DESCRIPTION_LINES: usize = 3;

fn table_header(p: &mut Pager) {
    let top = p.y;
    p.rect(LEFT, top, CONTENT_W, 18.0, Some(ACCENT), None);
    let titles = [
        p.labels.col_no,
        p.labels.col_description,
        p.labels.col_quantity,
        p.labels.col_unit_price,
        p.labels.col_amount,
    ];
    let mut left = LEFT;
    for (title, right) in titles.into_iter().zip(COLS) {
        p.text_center((left + right) / 2.0, top + 12.4, 8.5, title, WHITE, Weight::Bold);
        left = right;
    }
    p.y = top + 18.0;
}

/// The line items; rows never split, and the header repeats on each new page.
pub(super) fn table(p: &mut Pager) -> Result<(), RenderError> {
    p.ensure(18.0 + 2.0 * ROW_LINE + 2.0 * CELL_PAD)?;
    table_header(p);
    let desc_w = COLS[1] - COLS[0] - 2.0 * CELL_PAD;
    for (index, line) in p.doc.lines.iter().enumerate() {
        let description = clean(&line.description, true, PARAGRAPH_CHARS);
        let wrapped = p.kit.wrap_limited(&description, 9.0, desc_w, MAX_DESCRIPTION_LINES);
        let height = wrapped.len().max(1) as f32 * ROW_LINE + 2.0 * CELL_PAD;
        if p.ensure(height)? {
            table_header(p);
        }
        let top = p.y;
        if index % 2 == 1 {
            p.rect(LEFT, top, CONTENT_W, height, Some(TINT), None);
        }
        let first = baseline(top + CELL_PAD + 1.5, 9.0);
        let number = (index + 1).to_string();
        p.text_center((LEFT + COLS[0]) / 2.0, first, 9.0, &number, MUTED, Weight::Regular);
        for (i, text) in wrapped.iter().enumerate() {
            p.text(COLS[0] + CELL_PAD, first + i as f32 * ROW_LINE, 9.0, text, INK, Weight::Regular);
        }
        let cells = [&line.quantity, &line.unit_price, &line.amount];
        for (k, cell) in cells.into_iter().enumerate() {
            let cell = clean(cell, false, 60);
            let width = COLS[k + 2] - COLS[k + 1] - 2.0 * CELL_PAD;
            let (cell, size) = p.fit(&cell, 9.0, 6.0, width);
            p.text_right(COLS[k + 2] - CELL_PAD, first, size, &cell, INK, Weight::Regular);
        }
        p.hline(LEFT, RIGHT, top + height, 0.5, RULE);
        p.y = top + height;
    }
    p.hline(LEFT, RIGHT, p.y, 0.9, ACCENT);
    p.y += 10.0;
    Ok(())
}

/// Subtotal, the tax base and tax for each rate, and the total, right-aligned under the table.
pub(super) fn summary(p: &mut Pager) -> Result<(), RenderError> {
    let row = 17.0;
    let tax_rows = p.doc.tax_lines.len().min(10);
    let height = row * (2 + 2 * tax_rows) as f32 + 12.0;
    p.ensure(height)?;
    let x = RIGHT - 250.0;
    let value_w = 150.0;
    // (label, value, indent): each rate's tax sits indented under its taxable base.
    let mut rows: Vec<(String, String, f32)> = Vec::new();
    rows.push((p.labels.subtotal.to_owned(), clean(&p.doc.subtotal, false, 60), 0.0));
    for tax in p.doc.tax_lines.iter().take(tax_rows) {
        rows.push((clean(&tax.label, false, 40), clean(&tax.base, false, 60), 0.0));
        rows.push((p.labels.tax.to_owned(), clean(&tax.tax, false, 60), 10.0));
    }
    let mut y = p.y;
    for (label, value, indent) in &rows {
        let label = p.kit.truncate(label, 9.0, 250.0 - value_w - 8.0 - indent);
        p.text(x + 6.0 + indent, baseline(y + 3.5, 9.0), 9.0, &label, MUTED, Weight::Regular);
        let (value, size) = p.fit(value, 9.5, 6.0, value_w);
        p.text_right(RIGHT - 6.0, baseline(y + 3.5, 9.5), size, &value, INK, Weight::Regular);
        p.hline(x, RIGHT, y + row, 0.4, RULE);
        y += row;
    }
    p.rect(x, y, 250.0, row + 4.0, Some(TINT), None);
    p.hline(x, RIGHT, y, 0.9, ACCENT);
    let total_label = p.labels.total;
    p.text(x + 6.0, baseline(y + 5.0, 10.0), 10.0, total_label, ACCENT, Weight::Bold);
    let total = clean(&p.doc.total, false, 60);
    let (total, size) = p.fit(&total, 11.0, 6.0, value_w);
    p.text_right(RIGHT - 6.0, baseline(y + 4.5, 11.0), size, &total, INK, Weight::Bold);
    y += row + 4.0;
    p.hline(x, RIGHT, y, 0.9, ACCENT);
    p.hline(x, RIGHT, y + 2.2, 0.4, ACCENT);
    p.y = y + 18.0;
    Ok(())
}

/// A titled list (notes, terms); items wrap and may continue on the next page.
pub(super) fn list(p: &mut Pager, title: &str, items: &[String]) -> Result<(), RenderError> {
    if items.is_empty() {
        return Ok(());
    }
    let line_h = 12.5;
    p.ensure(18.0 + line_h)?;
    p.rect(LEFT, p.y, 3.0, 13.0, Some(ACCENT), None);
    p.text(LEFT + 8.0, baseline(p.y + 1.5, 9.5), 9.5, title, ACCENT, Weight::Bold);
    p.hline(LEFT, RIGHT, p.y + 16.0, 0.4, RULE);
    p.y += 21.0;
    let indent = 12.0;
    let bullet = if p.doc.lang == Lang::Ja { "・" } else { "•" };
    for item in items {
        let text = clean(item, true, PARAGRAPH_CHARS);
        let lines = p.kit.wrap(&text, 8.5, CONTENT_W - indent);
        for (i, line) in lines.iter().enumerate() {
            p.ensure(line_h)?;
            if i == 0 {
                p.text(LEFT + 2.0, baseline(p.y, 8.5), 8.5, bullet, MUTED, Weight::Regular);
            }
            p.text(LEFT + indent, baseline(p.y, 8.5), 8.5, line, INK, Weight::Regular);
            p.y += line_h;
        }
    }
    p.y += 10.0;
    Ok(())
}
