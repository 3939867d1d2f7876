//! The font program krilla embeds: IPAex Gothic without its TrueType hinting instructions and
//! glyph names, rebuilt once per process.
//!
//! Nearly half of the font's glyph data is hinting bytecode, and its `post` table names all
//! 12,239 glyphs. krilla copies both into every document's font subset, and the subset is
//! compressed on every render, so they cost time on every PDF while nothing reads them: viewers
//! rasterise the outlines at their own resolution, and text is extracted through the ToUnicode
//! map, not glyph names. Outlines, metrics, glyph ids and the character map stay as they are,
//! so every character the font has still prints, with the same widths.

use skrifa::FontRef;
use skrifa::raw::types::Tag;

/// Tables read only by a hinting interpreter.
const HINTING_TABLES: [Tag; 3] = [Tag::new(b"cvt "), Tag::new(b"fpgm"), Tag::new(b"prep")];
const GLYF: Tag = Tag::new(b"glyf");
const LOCA: Tag = Tag::new(b"loca");
const HEAD: Tag = Tag::new(b"head");
const MAXP: Tag = Tag::new(b"maxp");
const POST: Tag = Tag::new(b"post");

/// Composite glyph component flags (OpenType `glyf` table).
const ARGS_ARE_WORDS: u16 = 0x0001;
const HAS_SCALE: u16 = 0x0008;
const MORE_COMPONENTS: u16 = 0x0020;
const HAS_XY_SCALE: u16 = 0x0040;
const HAS_TWO_BY_TWO: u16 = 0x0080;
const HAS_INSTRUCTIONS: u16 = 0x0100;

/// Offsets in `head`: the whole-file checksum adjustment and the `loca` format.
const HEAD_CHECKSUM_ADJUSTMENT: usize = 8;
const HEAD_INDEX_TO_LOC_FORMAT: usize = 50;

/// `font` without hinting; `None` if it is not a TrueType-outline font this code understands.
pub(super) fn strip(font: &[u8]) -> Option<Vec<u8>> {
    let face = FontRef::new(font).ok()?;
    let table = |tag: Tag| face.table_data(tag).map(|data| data.as_bytes());
    let (head, maxp, loca, glyf) = (table(HEAD)?, table(MAXP)?, table(LOCA)?, table(GLYF)?);
    let num_glyphs = usize::from(be16(maxp, 4)?);
    let long_loca = be16(head, HEAD_INDEX_TO_LOC_FORMAT)? == 1;
    let offset = |gid: usize| -> Option<usize> {
        if long_loca {
            be32(loca, gid * 4).map(|o| o as usize)
        } else {
            be16(loca, gid * 2).map(|o| usize::from(o) * 2)
        }
    };

    let mut new_glyf = Vec::with_capacity(glyf.len());
    let mut new_loca = Vec::with_capacity((num_glyphs + 1) * 4);
    for gid in 0..num_glyphs {
        new_loca.extend_from_slice(&u32::try_from(new_glyf.len()).ok()?.to_be_bytes());
        let data = glyf.get(offset(gid)?..offset(gid + 1)?)?;
        if !data.is_empty() {
            outline(data, &mut new_glyf)?;
            new_glyf.resize(new_glyf.len().next_multiple_of(4), 0);
        }
    }
    new_loca.extend_from_slice(&u32::try_from(new_glyf.len()).ok()?.to_be_bytes());

    let mut new_head = head.to_vec();
    new_head.get_mut(HEAD_CHECKSUM_ADJUSTMENT..HEAD_CHECKSUM_ADJUSTMENT + 4)?.fill(0);
    new_head
        .get_mut(HEAD_INDEX_TO_LOC_FORMAT..HEAD_INDEX_TO_LOC_FORMAT + 2)?
        .copy_from_slice(&1u16.to_be_bytes());
    // maxTwilightPoints … maxSizeOfInstructions: nothing is left for an interpreter to run.
    let mut new_maxp = maxp.to_vec();
    if let Some(limits) = new_maxp.get_mut(16..28) {
        limits.fill(0);
    }
    // Version 3 keeps the header (italic angle, underline, fixed pitch) and drops the names.
    let mut new_post = post_header(table(POST)?)?;
    new_post.get_mut(0..4)?.copy_from_slice(&0x0003_0000u32.to_be_bytes());

    let mut tables = Vec::new();
    for record in face.table_directory.table_records() {
        let tag = record.tag();
        let data = match tag {
            t if HINTING_TABLES.contains(&t) => continue,
            GLYF => std::mem::take(&mut new_glyf),
            LOCA => std::mem::take(&mut new_loca),
            HEAD => std::mem::take(&mut new_head),
            MAXP => std::mem::take(&mut new_maxp),
            POST => std::mem::take(&mut new_post),
            t => table(t)?.to_vec(),
        };
        tables.push((tag, data));
    }
    assemble(be32(font, 0)?, &tables)
}

/// The first 32 bytes of `post`, shared by every version.
fn post_header(post: &[u8]) -> Option<Vec<u8>> {
    post.get(..32).map(<[u8]>::to_vec)
}

/// Appends one glyph description to `out` without its instructions.
fn outline(data: &[u8], out: &mut Vec<u8>) -> Option<()> {
    let contours = be16(data, 0)? as i16;
    if contours >= 0 {
        // Header, end points, instruction length, instructions, then flags and coordinates.
        let length_at = 10 + 2 * usize::from(contours.unsigned_abs());
        let instructions = usize::from(be16(data, length_at)?);
        out.extend_from_slice(data.get(..length_at)?);
        out.extend_from_slice(&0u16.to_be_bytes());
        out.extend_from_slice(data.get(length_at + 2 + instructions..)?);
        return Some(());
    }
    // A composite: components up to the last one, whose instructions (if any) follow it.
    let mut flag_offsets = Vec::new();
    let mut at = 10;
    let end = loop {
        let flags = be16(data, at)?;
        flag_offsets.push(at);
        let next = at + component_len(flags);
        if flags & MORE_COMPONENTS == 0 {
            break next;
        }
        at = next;
    };
    let start = out.len();
    out.extend_from_slice(data.get(..end)?);
    for at in flag_offsets {
        let flags = be16(out, start + at)? & !HAS_INSTRUCTIONS;
        out.get_mut(start + at..start + at + 2)?.copy_from_slice(&flags.to_be_bytes());
    }
    Some(())
}

/// Bytes of one composite component: flags, glyph id, offsets and the optional transform.
fn component_len(flags: u16) -> usize {
    let arguments = if flags & ARGS_ARE_WORDS != 0 { 4 } else { 2 };
    let transform = if flags & HAS_TWO_BY_TWO != 0 {
        8
    } else if flags & HAS_XY_SCALE != 0 {
        4
    } else if flags & HAS_SCALE != 0 {
        2
    } else {
        0
    };
    4 + arguments + transform
}

/// Writes an OpenType file: table directory, tables (4-byte aligned) and checksums.
fn assemble(sfnt_version: u32, tables: &[(Tag, Vec<u8>)]) -> Option<Vec<u8>> {
    let count = u16::try_from(tables.len()).ok()?;
    let power = if count == 0 { 0 } else { 1u16 << (15 - count.leading_zeros()) };
    let search_range = power.checked_mul(16)?;
    let entry_selector = power.checked_ilog2().unwrap_or(0) as u16;
    let mut out = Vec::new();
    out.extend_from_slice(&sfnt_version.to_be_bytes());
    for field in [count, search_range, entry_selector, (count * 16).checked_sub(search_range)?] {
        out.extend_from_slice(&field.to_be_bytes());
    }
    let mut offset = 12 + 16 * tables.len();
    let mut head_at = None;
    for (tag, data) in tables {
        out.extend_from_slice(&tag.to_be_bytes());
        out.extend_from_slice(&checksum(data).to_be_bytes());
        out.extend_from_slice(&u32::try_from(offset).ok()?.to_be_bytes());
        out.extend_from_slice(&u32::try_from(data.len()).ok()?.to_be_bytes());
        if *tag == HEAD {
            head_at = Some(offset);
        }
        offset += data.len().next_multiple_of(4);
    }
    for (_, data) in tables {
        out.extend_from_slice(data);
        out.resize(out.len().next_multiple_of(4), 0);
    }
    let adjustment = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
    let at = head_at? + HEAD_CHECKSUM_ADJUSTMENT;
    out.get_mut(at..at + 4)?.copy_from_slice(&adjustment.to_be_bytes());
    Some(out)
}

/// The OpenType table checksum: the sum of big-endian words, the last one zero-padded.
fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, chunk| {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

fn be16(data: &[u8], at: usize) -> Option<u16> {
    data.get(at..at + 2).map(|b| u16::from_be_bytes([b[0], b[1]]))
}

fn be32(data: &[u8], at: usize) -> Option<u32> {
    data.get(at..at + 4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

#[cfg(test)]
mod tests;
