//! The embedded IPAex Gothic font: parsed once per process, it turns text into positioned
//! glyphs, measures it, and wraps or truncates it to a width.

use std::sync::OnceLock;

use krilla::Data;
use krilla::text::{Font, GlyphId, KrillaGlyph};
use skrifa::charmap::Charmap;
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::{FontRef, MetadataProvider};

use super::{IPAEX_GOTHIC, unhinted};

const ELLIPSIS: char = '…';

/// The font in the two forms needed: krilla's handle for embedding, and skrifa's tables
/// for measuring. Glyphs are positioned here rather than by krilla's own shaper so that the
/// widths used for wrapping and right alignment are exactly the ones drawn.
pub(super) struct FontKit {
    pub(super) pdf: Font,
    charmap: Charmap<'static>,
    metrics: GlyphMetrics<'static>,
}

/// Text ready to draw: the string plus one glyph per character, advances in em units.
#[derive(Debug, Clone)]
pub(super) struct Run {
    pub(super) text: String,
    pub(super) glyphs: Vec<KrillaGlyph>,
    pub(super) width_em: f32,
}

static KIT: OnceLock<Option<FontKit>> = OnceLock::new();

/// The shared font; `None` only if the embedded file is corrupt.
pub(super) fn kit() -> Option<&'static FontKit> {
    KIT.get_or_init(|| FontKit::load(IPAEX_GOTHIC)).as_ref()
}

impl FontKit {
    fn load(data: &'static [u8]) -> Option<Self> {
        // The embedded program leaves out hinting (see `unhinted`); the full font is the
        // fallback should that ever fail on a replaced font file.
        let program = unhinted::strip(data).map_or_else(|| Data::from(data), Data::from);
        Self::with_program(data, program)
    }

    /// Measures with `data` and embeds `program`, which must have the same glyphs and metrics.
    pub(super) fn with_program(data: &'static [u8], program: Data) -> Option<Self> {
        let font_ref = FontRef::new(data).ok()?;
        let charmap = font_ref.charmap();
        // A 1-ppem size makes skrifa report advances in em units.
        let metrics = font_ref.glyph_metrics(Size::new(1.0), LocationRef::default());
        let pdf = Font::new(program, 0)?;
        Some(Self { pdf, charmap, metrics })
    }

    fn glyph(&self, c: char) -> (GlyphId, f32) {
        // Characters the font lacks (emoji, rare scripts) fall back to .notdef, which keeps
        // the PDF valid and shows a visible box instead of silently dropping them.
        let gid = self.charmap.map(c).unwrap_or_default();
        let advance = self.metrics.advance_width(gid).unwrap_or(0.5);
        (GlyphId::new(gid.to_u32()), advance)
    }

    pub(super) fn char_width(&self, c: char) -> f32 {
        self.glyph(c).1
    }

    /// Width in points of `text` at `size`.
    pub(super) fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.char_width(c)).sum::<f32>() * size
    }

    pub(super) fn shape(&self, text: &str) -> Run {
        let mut glyphs = Vec::with_capacity(text.len());
        let mut width_em = 0.0;
        for (start, c) in text.char_indices() {
            let (gid, advance) = self.glyph(c);
            width_em += advance;
            glyphs.push(KrillaGlyph::new(gid, advance, 0.0, 0.0, 0.0, start..start + c.len_utf8(), None));
        }
        Run { text: text.to_owned(), glyphs, width_em }
    }

    /// Cuts `text` to fit `max_width` points, marking the cut with an ellipsis.
    pub(super) fn truncate(&self, text: &str, size: f32, max_width: f32) -> String {
        if self.width(text, size) <= max_width {
            return text.to_owned();
        }
        let budget = max_width / size - self.char_width(ELLIPSIS);
        let mut used = 0.0;
        let mut out = String::new();
        for c in text.chars() {
            used += self.char_width(c);
            if used > budget {
                break;
            }
            out.push(c);
        }
        let mut out = out.trim_end().to_owned();
        out.push(ELLIPSIS);
        out
    }

    /// Breaks `text` into lines no wider than `max_width` points. Breaks fall after spaces,
    /// between CJK characters (respecting the basic kinsoku rules) and after URL separators;
    /// a word longer than the line is split anywhere. `'\n'` forces a break.
    pub(super) fn wrap(&self, text: &str, size: f32, max_width: f32) -> Vec<String> {
        let limit = max_width / size;
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            self.wrap_paragraph(paragraph, limit, &mut lines);
        }
        lines
    }

    /// `wrap`, keeping at most `max_lines` lines and marking any cut with an ellipsis.
    pub(super) fn wrap_limited(
        &self,
        text: &str,
        size: f32,
        max_width: f32,
        max_lines: usize,
    ) -> Vec<String> {
        let mut lines = self.wrap(text, size, max_width);
        if lines.len() > max_lines {
            lines.truncate(max_lines);
            if let Some(last) = lines.last_mut() {
                let marked = format!("{last}{ELLIPSIS}");
                *last = self.truncate(&marked, size, max_width);
                if !last.ends_with(ELLIPSIS) {
                    last.push(ELLIPSIS);
                }
            }
        }
        lines
    }

    fn wrap_paragraph(&self, paragraph: &str, limit: f32, lines: &mut Vec<String>) {
        let chars: Vec<(char, f32)> = paragraph.chars().map(|c| (c, self.char_width(c))).collect();
        if chars.is_empty() {
            lines.push(String::new());
            return;
        }
        let mut start = 0;
        let mut i = 0;
        let mut width = 0.0;
        let mut last_break = None;
        while i < chars.len() {
            let (c, w) = chars[i];
            if i > start && can_break(chars[i - 1].0, c) {
                last_break = Some(i);
            }
            if width + w > limit && i > start {
                let cut = last_break.filter(|&b| b > start).unwrap_or(i);
                lines.push(collect(&chars[start..cut]).trim_end().to_owned());
                start = cut;
                while start < chars.len() && chars[start].0 == ' ' {
                    start += 1;
                }
                i = start;
                width = 0.0;
                last_break = None;
                continue;
            }
            width += w;
            i += 1;
        }
        if start < chars.len() || lines.is_empty() {
            lines.push(collect(&chars[start..]).trim_end().to_owned());
        }
    }
}

fn collect(chars: &[(char, f32)]) -> String {
    chars.iter().map(|&(c, _)| c).collect()
}

fn is_wide(c: char) -> bool {
    c >= '\u{2E80}'
}

/// Characters that must not begin a line (行頭禁則).
fn no_line_start(c: char) -> bool {
    "、。，．・：；？！ー）」』】〕〉》］｝〟ゝゞ々ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ‐–—…‥,.;:!?)]}%"
        .contains(c)
}

/// Characters that must not end a line (行末禁則).
fn no_line_end(c: char) -> bool {
    "（「『【〔〈《［｛〝([{".contains(c)
}

fn can_break(prev: char, next: char) -> bool {
    if next == ' ' {
        return false;
    }
    if prev == ' ' {
        return true;
    }
    if no_line_start(next) || no_line_end(prev) {
        return false;
    }
    is_wide(prev) || is_wide(next) || "/-?&=_".contains(prev)
}

/// Makes arbitrary user text safe to lay out: control characters and bidi overrides go
/// (tabs and, unless `keep_newlines`, line breaks become spaces) and the length is capped
/// so hostile input cannot make layout expensive.
pub(super) fn clean(text: &str, keep_newlines: bool, max_chars: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max_chars.saturating_mul(4)));
    let mut count = 0;
    for c in text.chars() {
        if count >= max_chars {
            out.push(ELLIPSIS);
            break;
        }
        let mapped = match c {
            '\n' if keep_newlines => Some('\n'),
            '\r' if keep_newlines => None,
            '\t' | '\n' | '\r' => Some(' '),
            c if c.is_control() => None,
            '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => None,
            c => Some(c),
        };
        if let Some(c) = mapped {
            out.push(c);
            count += 1;
        }
    }
    out
}
