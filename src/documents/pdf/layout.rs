//! Page model and pagination: the drawing operations of each page, the text primitives the
//! sections use, page breaks with a continuation header, and the footers.

use super::font::{FontKit, Run, clean};
use super::labels::{Labels, labels_for};
use super::{CommercialDocument, MAX_PAGES, RenderError, sections};

/// A4 portrait in points.
pub(super) const PAGE_W: f32 = 595.28;
pub(super) const PAGE_H: f32 = 841.89;
pub(super) const MARGIN: f32 = 42.0;
pub(super) const LEFT: f32 = MARGIN;
pub(super) const RIGHT: f32 = PAGE_W - MARGIN;
pub(super) const CONTENT_W: f32 = RIGHT - LEFT;
const QR_SIZE: f32 = 70.0;
/// Space reserved at the bottom of the first page for the verification block.
const FIRST_FOOTER: f32 = QR_SIZE + 22.0;
/// Space reserved at the bottom of later pages for the page number line.
const OTHER_FOOTER: f32 = 28.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Rgb(pub(super) u8, pub(super) u8, pub(super) u8);

pub(super) const INK: Rgb = Rgb(33, 37, 41);
pub(super) const MUTED: Rgb = Rgb(96, 103, 112);
pub(super) const ACCENT: Rgb = Rgb(28, 54, 92);
pub(super) const RULE: Rgb = Rgb(196, 202, 211);
pub(super) const TINT: Rgb = Rgb(242, 245, 249);
pub(super) const WHITE: Rgb = Rgb(255, 255, 255);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Weight {
    Regular,
    Bold,
}

#[derive(Debug, Clone)]
pub(super) enum Op {
    /// `y` is the baseline.
    Text {
        x: f32,
        y: f32,
        size: f32,
        run: Run,
        color: Rgb,
        weight: Weight,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<Rgb>,
        stroke: Option<(Rgb, f32)>,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        color: Rgb,
    },
    /// The verification QR code, `size` points square with its top-left corner at (x, y).
    Qr {
        x: f32,
        y: f32,
        size: f32,
    },
    Link {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        url: String,
    },
}

/// Baseline for text of `size` whose em box starts at `top`.
pub(super) fn baseline(top: f32, size: f32) -> f32 {
    top + size * 0.88
}

pub(super) struct Pager<'a> {
    pub(super) kit: &'a FontKit,
    pub(super) doc: &'a CommercialDocument,
    pub(super) labels: Labels,
    pub(super) pages: Vec<Vec<Op>>,
    /// Index of the page being drawn on.
    page: usize,
    /// Top of the free space on the current page.
    pub(super) y: f32,
}

impl<'a> Pager<'a> {
    pub(super) fn push(&mut self, op: Op) {
        if let Some(ops) = self.pages.get_mut(self.page) {
            ops.push(op);
        }
    }

    pub(super) fn text(&mut self, x: f32, y: f32, size: f32, text: &str, color: Rgb, weight: Weight) -> f32 {
        let run = self.kit.shape(text);
        let width = run.width_em * size;
        self.push(Op::Text { x, y, size, run, color, weight });
        width
    }

    pub(super) fn text_right(
        &mut self,
        right: f32,
        y: f32,
        size: f32,
        text: &str,
        color: Rgb,
        weight: Weight,
    ) {
        let x = right - self.kit.width(text, size);
        self.text(x, y, size, text, color, weight);
    }

    pub(super) fn text_center(&mut self, cx: f32, y: f32, size: f32, text: &str, color: Rgb, weight: Weight) {
        let x = cx - self.kit.width(text, size) / 2.0;
        self.text(x, y, size, text, color, weight);
    }

    /// Shrinks `text` down to `min_size` to fit `max_width`, then truncates it.
    pub(super) fn fit(&self, text: &str, size: f32, min_size: f32, max_width: f32) -> (String, f32) {
        let natural = self.kit.width(text, size);
        if natural <= max_width {
            return (text.to_owned(), size);
        }
        // Slightly under the exact ratio so rounding cannot push the text over and cut it.
        let shrunk = (size * max_width / natural * 0.999).max(min_size);
        (self.kit.truncate(text, shrunk, max_width), shrunk)
    }

    pub(super) fn rect(
        &mut self,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<Rgb>,
        stroke: Option<(Rgb, f32)>,
    ) {
        self.push(Op::Rect { x, y, w, h, fill, stroke });
    }

    pub(super) fn hline(&mut self, x1: f32, x2: f32, y: f32, width: f32, color: Rgb) {
        self.push(Op::Line { x1, y1: y, x2, y2: y, width, color });
    }

    /// The document number with its revision, if any.
    pub(super) fn number(&self) -> String {
        let mut number = clean(&self.doc.number, false, 100);
        if let Some(mark) =
            self.doc.revision.and_then(|revision| self.labels.revision(self.doc.lang, revision))
        {
            number.push_str(&mark);
        }
        number
    }

    /// Lowest y content may reach on the current page.
    pub(super) fn bottom(&self) -> f32 {
        let footer = if self.page == 0 { FIRST_FOOTER } else { OTHER_FOOTER };
        PAGE_H - MARGIN - footer
    }

    /// Starts a new page unless `height` more points fit; returns whether it did.
    pub(super) fn ensure(&mut self, height: f32) -> Result<bool, RenderError> {
        if self.y + height <= self.bottom() {
            return Ok(false);
        }
        self.new_page()?;
        Ok(true)
    }

    fn new_page(&mut self) -> Result<(), RenderError> {
        if self.pages.len() >= MAX_PAGES {
            return Err(RenderError::TooLong);
        }
        self.pages.push(Vec::new());
        self.page = self.pages.len() - 1;
        let title = format!("{}{}", self.labels.title, self.labels.continued);
        let top = MARGIN;
        self.text(LEFT, baseline(top, 12.0), 12.0, &title, ACCENT, Weight::Bold);
        let number = format!("{} {}", self.labels.number, self.number());
        let (number, size) = self.fit(&number, 9.0, 6.0, CONTENT_W / 2.0);
        self.text_right(RIGHT, baseline(top + 2.0, 9.0), size, &number, MUTED, Weight::Regular);
        self.hline(LEFT, RIGHT, top + 19.0, 0.8, ACCENT);
        self.y = top + 30.0;
        Ok(())
    }

    fn footers(&mut self) {
        let total = self.pages.len();
        let code = clean(&self.doc.verify_code, false, 200);
        for index in 0..total {
            self.page = index;
            let page_no = format!("{} / {}", index + 1, total);
            let foot = baseline(PAGE_H - MARGIN - 7.0, 8.0);
            self.text_right(RIGHT, foot, 8.0, &page_no, MUTED, Weight::Regular);
            if index == 0 {
                self.verification_block(&code);
            } else {
                let line = format!("{}: {}", self.labels.verify_code, code);
                let (line, size) = self.fit(&line, 8.0, 6.0, CONTENT_W - 60.0);
                self.text(LEFT, foot, size, &line, MUTED, Weight::Regular);
            }
        }
    }

    fn verification_block(&mut self, code: &str) {
        let top = PAGE_H - MARGIN - QR_SIZE;
        self.hline(LEFT, RIGHT, top - 12.0, 0.5, RULE);
        self.push(Op::Qr { x: LEFT, y: top, size: QR_SIZE });
        let x = LEFT + QR_SIZE + 14.0;
        let width = RIGHT - 70.0 - x;
        let label = format!("{}: ", self.labels.verify_code);
        let label_w = self.text(x, baseline(top + 4.0, 9.0), 9.0, &label, MUTED, Weight::Regular);
        let (code, code_size) = self.fit(code, 10.0, 6.0, width - label_w);
        self.text(x + label_w, baseline(top + 3.0, 10.0), code_size, &code, INK, Weight::Bold);
        let hint = self.kit.truncate(self.labels.verify_hint, 7.5, width);
        self.text(x, baseline(top + 22.0, 7.5), 7.5, &hint, MUTED, Weight::Regular);
        let url = clean(&self.doc.verify_url, false, 1000);
        let lines = self.kit.wrap_limited(&url, 8.0, width, 3);
        let mut y = top + 36.0;
        let mut widest: f32 = 0.0;
        for line in &lines {
            widest = widest.max(self.text(x, baseline(y, 8.0), 8.0, line, ACCENT, Weight::Regular));
            y += 11.0;
        }
        if is_web_url(&url) {
            self.push(Op::Link { x: LEFT, y: top, w: QR_SIZE, h: QR_SIZE, url: url.clone() });
            self.push(Op::Link { x, y: top + 35.0, w: widest, h: y - top - 35.0, url });
        }
    }
}

fn is_web_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")) && !url.contains(char::is_whitespace)
}

/// Lays out every page of `doc`.
pub(super) fn layout(doc: &CommercialDocument, kit: &FontKit) -> Result<Vec<Vec<Op>>, RenderError> {
    let labels = labels_for(doc);
    let mut pager = Pager { kit, doc, labels, pages: vec![Vec::new()], page: 0, y: MARGIN };
    sections::header(&mut pager);
    sections::table(&mut pager)?;
    sections::summary(&mut pager)?;
    let payment_details = pager.labels.payment_details;
    sections::list(&mut pager, payment_details, &doc.payment_details)?;
    let notes = pager.labels.notes;
    sections::list(&mut pager, notes, &doc.notes)?;
    let terms = pager.labels.terms;
    sections::list(&mut pager, terms, &doc.terms)?;
    pager.footers();
    Ok(pager.pages)
}
