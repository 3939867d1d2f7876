//! A shown field kept as the difference from its normalised form, which the index holds anyway for
//! matching. Most of what normalisation changes is ASCII case ("Tokyo" → "tokyo"), so most fields
//! come back from the normalised text and a few bytes of edits; a field the edits cannot describe
//! is kept whole. Every encoding is decoded and compared with the field before it is kept, so what
//! comes back is always the field as it was.
//!
//! A field's edits: their count, then each edit as the bytes of normalised text copied before it,
//! and what it does — upper-case the next n ASCII bytes, or put given text in place of the next n
//! bytes. The rest of the normalised field follows the last edit unchanged. Numbers are LEB128.

use unicode_normalization::UnicodeNormalization;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Edit {
    /// The next `len` bytes of normalised text, ASCII letters upper-cased.
    Upper { at: usize, len: usize },
    /// The next `len` bytes of normalised text replaced by `with`.
    Replace { at: usize, len: usize, with: String },
}

/// Appends to `out` what [`decode`] needs to turn `normalised` back into `shown`.
pub(super) fn encode(normalised: &str, shown: &str, out: &mut Vec<u8>) {
    let mark = out.len();
    if let Some(edits) = edits(normalised, shown) {
        write_edits(&edits, out);
        let mut check = &out[mark..];
        if decode(normalised, &mut check).as_deref() == Some(shown) && check.is_empty() {
            return;
        }
        out.truncate(mark);
    }
    let whole = [Edit::Replace { at: 0, len: normalised.len(), with: shown.to_owned() }];
    write_edits(&whole, out);
}

/// Rebuilds a shown field from its normalised form and the edits at the front of `recipe`, which is
/// advanced past them. `None` when the edits do not fit the text (a damaged snapshot).
pub(super) fn decode(normalised: &str, recipe: &mut &[u8]) -> Option<String> {
    let count = read_number(recipe)?;
    let mut out = String::with_capacity(normalised.len() + 8);
    let mut rest = normalised;
    for _ in 0..count {
        let gap = read_number(recipe)?;
        out.push_str(rest.get(..gap)?);
        rest = rest.get(gap..)?;
        let op = read_number(recipe)?;
        let (len, upper) = (op >> 1, op & 1 == 0);
        let taken = rest.get(..len)?;
        rest = rest.get(len..)?;
        if upper {
            out.push_str(&taken.to_ascii_uppercase());
        } else {
            out.push_str(read_text(recipe)?);
        }
    }
    out.push_str(rest);
    Some(out)
}

/// Edits that turn `normalised` into `shown`, char by char; `None` where the two cannot be lined up
/// that way (NFKC composing across chars, say), and the field is then kept whole.
fn edits(normalised: &str, shown: &str) -> Option<Vec<Edit>> {
    let mut edits: Vec<Edit> = Vec::new();
    let mut at = 0;
    let mut chars = shown.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        let rest = normalised.get(at..)?;
        if c.is_whitespace() {
            let mut end = start + c.len_utf8();
            while let Some(&(i, w)) = chars.peek().filter(|(_, w)| w.is_whitespace()) {
                end = i + w.len_utf8();
                chars.next();
            }
            let run = shown.get(start..end)?;
            // Normalisation trims the ends and turns every inner run into one space.
            let len = usize::from(start > 0 && end < shown.len());
            if len == 1 && !rest.starts_with(' ') {
                return None;
            }
            if run != " " || len == 0 {
                push(&mut edits, Edit::Replace { at, len, with: run.to_owned() });
            }
            at += len;
        } else if rest.starts_with(c) {
            at += c.len_utf8();
        } else if c.is_ascii_uppercase()
            && rest.as_bytes().first().copied() == u8::try_from(c.to_ascii_lowercase()).ok()
        {
            push(&mut edits, Edit::Upper { at, len: 1 });
            at += 1;
        } else {
            let folded: String = std::iter::once(c).nfkc().collect::<String>().to_lowercase();
            if folded.is_empty() || !rest.starts_with(&folded) {
                return None;
            }
            push(&mut edits, Edit::Replace { at, len: folded.len(), with: c.to_string() });
            at += folded.len();
        }
    }
    (at == normalised.len()).then_some(edits)
}

/// Adds an edit, joining it to the previous one of the same kind when they touch.
fn push(edits: &mut Vec<Edit>, edit: Edit) {
    match (edits.last_mut(), edit) {
        (Some(Edit::Upper { at, len }), Edit::Upper { at: next, len: more }) if *at + *len == next => {
            *len += more;
        }
        (Some(Edit::Replace { at, len, with }), Edit::Replace { at: next, len: more, with: text })
            if *at + *len == next =>
        {
            *len += more;
            with.push_str(&text);
        }
        (_, edit) => edits.push(edit),
    }
}

fn write_edits(edits: &[Edit], out: &mut Vec<u8>) {
    write_number(edits.len(), out);
    let mut copied = 0;
    for edit in edits {
        match edit {
            Edit::Upper { at, len } => {
                write_number(at - copied, out);
                write_number(len << 1, out);
                copied = at + len;
            }
            Edit::Replace { at, len, with } => {
                write_number(at - copied, out);
                write_number(len << 1 | 1, out);
                write_number(with.len(), out);
                out.extend_from_slice(with.as_bytes());
                copied = at + len;
            }
        }
    }
}

pub(super) fn write_number(mut n: usize, out: &mut Vec<u8>) {
    while n >= 0x80 {
        out.push((n as u8 & 0x7F) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

pub(super) fn read_number(input: &mut &[u8]) -> Option<usize> {
    let mut n: usize = 0;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = input.split_first()?;
        *input = rest;
        n |= usize::from(byte & 0x7F).checked_shl(shift)?;
        if byte < 0x80 {
            return Some(n);
        }
    }
    None
}

pub(super) fn read_text<'a>(input: &mut &'a [u8]) -> Option<&'a str> {
    let len = read_number(input)?;
    let bytes = input.get(..len)?;
    *input = input.get(len..)?;
    std::str::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::super::search_text::normalize;
    use super::*;

    fn round_trip(shown: &str) -> usize {
        let normalised = normalize(shown);
        let mut recipe = Vec::new();
        encode(&normalised, shown, &mut recipe);
        let mut read = recipe.as_slice();
        assert_eq!(decode(&normalised, &mut read).as_deref(), Some(shown), "{shown:?}");
        assert!(read.is_empty(), "{shown:?} left {read:?}");
        recipe.len()
    }

    #[test]
    fn every_field_comes_back_exactly_as_it_was_shown() {
        for shown in [
            "",
            "tokyo",
            "Tokyo CAD Solutions K.K.",
            "東京都を中心に、Autodesk Flex トークンの見積・購入を支援します（研修・導入支援）。",
            "  padded   with\tspaces \n",
            "ＴＯＫＹＯ　ｿﾘｭｰｼｮﾝ",
            "ｶﾞｲﾄﾞ and ㈱ and ﬁne",
            "ÉCOLE Straße İstanbul ǅ",
            "line one\r\nline two",
            "\u{3000}全角スペース\u{3000}",
        ] {
            round_trip(shown);
        }
    }

    #[test]
    fn a_field_that_differs_from_its_normalised_form_only_in_ascii_case_costs_a_few_bytes() {
        let shown = "A fictional reseller based in Tokyo, helping teams quote and buy Autodesk Flex tokens.";
        assert!(round_trip(shown) <= 16, "{}", round_trip(shown));
        assert_eq!(round_trip("already normalised"), 1);
    }

    #[test]
    fn damaged_edits_are_refused_not_misread() {
        let normalised = "tokyo";
        for recipe in [&[][..], &[1], &[1, 9, 0], &[1, 0, 99], &[1, 0, 3, 5, b'a'], &[1, 0, 3, 1, 0xFF]] {
            let mut read = recipe;
            assert_eq!(decode(normalised, &mut read), None, "{recipe:?}");
        }
        // A replacement may not split a char of the normalised text.
        let mut read = &[1u8, 0, 3, 1, b'x'][..];
        assert_eq!(decode("東京", &mut read), None);
    }
}
