use skrifa::raw::tables::glyf::{CompositeGlyph, Glyph, SimpleGlyph};
use skrifa::raw::{TableProvider, types::GlyphId};
use skrifa::{FontRef, Tag};

use super::{HINTING_TABLES, checksum, strip};
use crate::documents::pdf::IPAEX_GOTHIC;

fn glyphs<'a>(font: &FontRef<'a>) -> Vec<Option<Glyph<'a>>> {
    let glyf = font.glyf().expect("glyf");
    let loca = font.loca(None).expect("loca");
    let count = font.maxp().expect("maxp").num_glyphs();
    (0..u32::from(count)).map(|gid| loca.get_glyf(GlyphId::new(gid), &glyf).expect("glyph")).collect()
}

fn simple_outline(glyph: &SimpleGlyph) -> (Vec<u16>, Vec<(i16, i16, bool)>) {
    let ends = glyph.end_pts_of_contours().iter().map(|e| e.get()).collect();
    let points = glyph.points().map(|p| (p.x, p.y, p.on_curve)).collect();
    (ends, points)
}

fn composite_outline(glyph: &CompositeGlyph) -> Vec<String> {
    glyph.components().map(|c| format!("{:?} {:?} {:?}", c.glyph, c.anchor, c.transform)).collect()
}

#[test]
fn the_embedded_program_keeps_every_outline_and_drops_every_instruction() {
    let stripped = strip(IPAEX_GOTHIC).expect("the embedded font strips");
    let original = FontRef::new(IPAEX_GOTHIC).expect("original");
    let unhinted = FontRef::new(&stripped).expect("stripped font parses");
    let (before, after) = (glyphs(&original), glyphs(&unhinted));
    assert_eq!(before.len(), after.len());
    let mut instructions_before = 0;
    for (gid, (old, new)) in before.iter().zip(&after).enumerate() {
        match (old, new) {
            (None, None) => {}
            (Some(Glyph::Simple(old)), Some(Glyph::Simple(new))) => {
                assert_eq!(simple_outline(old), simple_outline(new), "glyph {gid}");
                assert!(new.instructions().is_empty(), "glyph {gid} keeps instructions");
                instructions_before += old.instructions().len();
            }
            (Some(Glyph::Composite(old)), Some(Glyph::Composite(new))) => {
                assert_eq!(composite_outline(old), composite_outline(new), "glyph {gid}");
                assert!(new.instructions().unwrap_or_default().is_empty(), "glyph {gid} keeps instructions");
            }
            _ => panic!("glyph {gid} changed its kind"),
        }
    }
    assert!(instructions_before > 0, "the original font is hinted, so something was dropped");
    assert!(stripped.len() + instructions_before <= IPAEX_GOTHIC.len());
}

#[test]
fn the_embedded_program_has_no_hinting_tables_nor_glyph_names_and_a_valid_checksum() {
    let stripped = strip(IPAEX_GOTHIC).expect("the embedded font strips");
    let font = FontRef::new(&stripped).expect("stripped font parses");
    for tag in HINTING_TABLES {
        assert!(font.table_data(tag).is_none(), "{tag} is still there");
    }
    assert!(font.table_data(Tag::new(b"cmap")).is_some(), "the character map stays");
    assert_eq!(font.post().expect("post").version().to_major_minor(), (3, 0));
    assert_eq!(checksum(&stripped), 0xB1B0_AFBA, "whole-file checksum");
    let original = FontRef::new(IPAEX_GOTHIC).expect("original");
    let hmtx = |f: &FontRef| f.table_data(Tag::new(b"hmtx")).map(|d| d.as_bytes().to_vec());
    assert_eq!(hmtx(&font), hmtx(&original), "advance widths unchanged");
}
