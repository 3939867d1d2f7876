//! Turns laid-out pages into PDF bytes with krilla, and draws the QR code as vector
//! rectangles.

use krilla::Document;
use krilla::action::LinkAction;
use krilla::annotation::{Annotation, LinkAnnotation, Target};
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Transform};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, LineJoin, Stroke};
use krilla::surface::Surface;
use qrcode::canvas::{Canvas, MaskPattern};
use qrcode::{Color, EcLevel};

use super::font::{FontKit, clean};
use super::labels::labels_for;
use super::layout::{Op, PAGE_H, PAGE_W, Rgb, Weight};
use super::{CommercialDocument, Lang, MAX_URL_BYTES, RenderError};

/// Stroke width of synthetic bold, as a fraction of the font size: the font has one weight.
const BOLD_STROKE: f32 = 0.028;

/// The QR code's dark modules, row-major, `width` modules square.
pub(super) struct QrModules {
    pub(super) width: usize,
    pub(super) dark: Vec<bool>,
}

impl QrModules {
    pub(super) fn encode(data: &str) -> Result<Self, RenderError> {
        if data.len() > MAX_URL_BYTES {
            return Err(RenderError::Qr(format!("longer than {MAX_URL_BYTES} bytes")));
        }
        let qr = |e: qrcode::types::QrError| RenderError::Qr(e.to_string());
        let bits = qrcode::bits::encode_auto(data.as_bytes(), EcLevel::M).map_err(qr)?;
        let version = bits.version();
        let (data, ec) =
            qrcode::ec::construct_codewords(&bits.into_bytes(), version, EcLevel::M).map_err(qr)?;
        let mut canvas = Canvas::new(version, EcLevel::M);
        canvas.draw_all_functional_patterns();
        canvas.draw_data(&data, &ec);
        // One fixed mask instead of scoring all eight: any mask gives a valid code that every
        // reader decodes, and choosing the best costs more than the rest of the code together.
        canvas.apply_mask(MaskPattern::Checkerboard);
        let dark = canvas.into_colors().into_iter().map(|c| c == Color::Dark).collect();
        let width = usize::try_from(version.width()).map_err(|e| RenderError::Qr(e.to_string()))?;
        Ok(Self { width, dark })
    }

    /// Dark areas as rectangles `(column, row, width, height)` in modules: horizontal runs,
    /// merged downwards while the next row repeats the same run. Far fewer rectangles than
    /// modules keeps the content stream small (it is compressed on every render) and avoids
    /// hairline seams between neighbouring modules in some viewers.
    pub(super) fn rectangles(&self) -> Vec<(usize, usize, usize, usize)> {
        let mut done = Vec::new();
        let mut open: Vec<(usize, usize, usize, usize)> = Vec::new();
        for (row, cells) in self.dark.chunks(self.width.max(1)).enumerate() {
            let mut next = Vec::new();
            let mut col = 0;
            while col < cells.len() {
                if !cells[col] {
                    col += 1;
                    continue;
                }
                let start = col;
                while col < cells.len() && cells[col] {
                    col += 1;
                }
                let len = col - start;
                match open.iter().position(|r| r.0 == start && r.2 == len) {
                    Some(i) => {
                        let (c, r, w, h) = open.swap_remove(i);
                        next.push((c, r, w, h + 1));
                    }
                    None => next.push((start, row, len, 1)),
                }
            }
            done.append(&mut open);
            open = next;
        }
        done.append(&mut open);
        done.sort_unstable();
        done
    }

    fn draw(&self, surface: &mut Surface, x: f32, y: f32, size: f32) {
        if self.width == 0 {
            return;
        }
        let module = size / self.width as f32;
        let mut path = PathBuilder::new();
        for (col, row, w, h) in self.rectangles() {
            if let Some(rect) = Rect::from_xywh(col as f32, row as f32, w as f32, h as f32) {
                path.push_rect(rect);
            }
        }
        if let Some(path) = path.finish() {
            // Module-unit coordinates are small integers, much shorter to serialize.
            surface.push_transform(&Transform::from_row(module, 0.0, 0.0, module, x, y));
            surface.set_stroke(None);
            surface.set_fill(Some(fill(Rgb(0, 0, 0))));
            surface.draw_path(&path);
            surface.pop();
        }
    }
}

fn color(c: Rgb) -> rgb::Color {
    rgb::Color::new(c.0, c.1, c.2)
}

fn fill(c: Rgb) -> Fill {
    Fill { paint: color(c).into(), opacity: NormalizedF32::ONE, rule: Default::default() }
}

fn stroke(c: Rgb, width: f32) -> Stroke {
    Stroke { paint: color(c).into(), width, line_join: LineJoin::Round, ..Default::default() }
}

pub(super) fn paint(
    doc: &CommercialDocument,
    pages: &[Vec<Op>],
    kit: &FontKit,
    qr: &QrModules,
) -> Result<Vec<u8>, RenderError> {
    let mut document = Document::new();
    let title = format!("{} {}", labels_for(doc).title, clean(&doc.number, false, 100));
    let language = match doc.lang {
        Lang::Ja => "ja",
        Lang::En => "en",
    };
    document.set_metadata(
        Metadata::new().title(title).language(language.to_owned()).creator("flexportal".to_owned()),
    );
    for ops in pages {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or(RenderError::Geometry)?;
        let mut page = document.start_page_with(settings);
        let mut links = Vec::new();
        let mut surface = page.surface();
        for op in ops {
            match op {
                Op::Link { x, y, w, h, url } => {
                    if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
                        links.push((rect, url.clone()));
                    }
                }
                other => draw(&mut surface, other, kit, qr)?,
            }
        }
        surface.finish();
        for (rect, url) in links {
            let target = Target::Action(LinkAction::new(url).into());
            page.add_annotation(Annotation::new_link(LinkAnnotation::new(rect, target), None));
        }
        page.finish();
    }
    document.finish().map_err(|e| RenderError::Pdf(e.to_string()))
}

fn draw(surface: &mut Surface, op: &Op, kit: &FontKit, qr: &QrModules) -> Result<(), RenderError> {
    match op {
        Op::Text { x, y, size, run, color: c, weight } => {
            surface.set_fill(Some(fill(*c)));
            let outline = match weight {
                Weight::Bold => Some(stroke(*c, size * BOLD_STROKE)),
                Weight::Regular => None,
            };
            surface.set_stroke(outline);
            surface.draw_glyphs(
                Point::from_xy(*x, *y),
                &run.glyphs,
                kit.pdf.clone(),
                &run.text,
                *size,
                false,
            );
        }
        Op::Rect { x, y, w, h, fill: f, stroke: s } => {
            let rect = Rect::from_xywh(*x, *y, *w, *h).ok_or(RenderError::Geometry)?;
            let mut path = PathBuilder::new();
            path.push_rect(rect);
            let path = path.finish().ok_or(RenderError::Geometry)?;
            surface.set_fill(f.map(fill));
            surface.set_stroke(s.map(|(c, width)| stroke(c, width)));
            surface.draw_path(&path);
        }
        Op::Line { x1, y1, x2, y2, width, color: c } => {
            let mut path = PathBuilder::new();
            path.move_to(*x1, *y1);
            path.line_to(*x2, *y2);
            let path = path.finish().ok_or(RenderError::Geometry)?;
            surface.set_fill(None);
            surface.set_stroke(Some(stroke(*c, *width)));
            surface.draw_path(&path);
        }
        Op::Qr { x, y, size } => qr.draw(surface, *x, *y, *size),
        Op::Link { .. } => {}
    }
    Ok(())
}
