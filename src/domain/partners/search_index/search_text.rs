//! Text folding for partner search: the one normalisation shared by documents and queries, and the
//! unigram/bigram keys the posting index is built from.

use unicode_normalization::UnicodeNormalization;

/// Longest raw query we look at. Partner names are short; anything longer is noise or abuse, and the
/// cap bounds the work a single request can cause (NFKC can expand a char up to 18x, still bounded).
pub const MAX_QUERY_CHARS: usize = 100;

/// Joins the searchable fields of one document. Normalised text never contains whitespace other
/// than a single ASCII space and query terms contain none at all, so no term can match across it.
pub(super) const FIELD_SEPARATOR: char = '\n';

/// Gram keys pack chars into a u64. Unigrams use a high half no char can take (chars stop at
/// U+10FFFF), so a unigram key can never collide with a bigram key.
const UNIGRAM_TAG: u64 = 0x001F_FFFF;

/// NFKC (full-width Latin and half-width katakana fold to their usual forms), lowercase, whitespace
/// collapsed to single spaces and trimmed.
pub fn normalize(text: &str) -> String {
    // ASCII is already in NFKC; skipping the decomposition keeps English fields cheap to index.
    let folded = if text.is_ascii() {
        text.to_ascii_lowercase()
    } else {
        text.nfkc().collect::<String>().to_lowercase()
    };
    let mut out = String::with_capacity(folded.len());
    for word in folded.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Most terms a query is searched by; later ones are ignored. Each term of three or more chars costs
/// a substring check per candidate, and six terms that every partner matches already take ~15-20 ms
/// on a 100k directory; nobody types more than a few words into a directory search.
pub const MAX_QUERY_TERMS: usize = 6;

/// Turns raw user input into the terms that must all occur; empty when nothing searchable is left.
/// The length cap is applied before NFKC so hostile input cannot make normalisation slow. A term
/// contained in another is dropped: the longer one already implies it.
pub fn query_terms(raw: &str) -> Vec<String> {
    let clamped: String = raw.chars().take(MAX_QUERY_CHARS).collect();
    let normalized = normalize(&clamped);
    let mut terms: Vec<&str> =
        normalized.split(' ').filter(|t| !t.is_empty()).take(MAX_QUERY_TERMS).collect();
    terms.sort_by_key(|t| std::cmp::Reverse(t.len()));
    let mut kept: Vec<String> = Vec::with_capacity(terms.len());
    for term in terms {
        if !kept.iter().any(|k| k.contains(term)) {
            kept.push(term.to_owned());
        }
    }
    kept
}

pub(super) fn unigram_key(c: char) -> u64 {
    (UNIGRAM_TAG << 32) | u64::from(c)
}

pub(super) fn bigram_key(a: char, b: char) -> u64 {
    (u64::from(a) << 32) | u64::from(b)
}

/// Keys whose postings hold every document containing `term`. For terms of one or two chars the
/// posting is exact (the text holds that gram within one field); longer terms need verification.
pub(super) fn term_keys(term: &str, out: &mut Vec<u64>) {
    let mut chars = term.chars();
    let Some(mut prev) = chars.next() else { return };
    let mut any_pair = false;
    for c in chars {
        out.push(bigram_key(prev, c));
        prev = c;
        any_pair = true;
    }
    if !any_pair {
        out.push(unigram_key(prev));
    }
}

/// Whether the postings of `term` alone prove a match, so the text check can be skipped.
pub(super) fn posting_is_exact(term: &str) -> bool {
    term.chars().nth(2).is_none()
}

/// Calls `f` with every gram of a document's joined text, repeats included. Grams spanning the
/// field separator are left out: no query term can contain it, so indexing them would only cost
/// memory.
pub(super) fn for_each_gram(text: &str, mut f: impl FnMut(u64)) {
    for field in text.split(FIELD_SEPARATOR) {
        let mut prev: Option<char> = None;
        for c in field.chars() {
            f(unigram_key(c));
            if let Some(p) = prev {
                f(bigram_key(p, c));
            }
            prev = Some(c);
        }
    }
}

/// A multiplicative hasher for gram keys: SipHash dominated index build time, and the keys come
/// from partner records the portal itself publishes, so flooding resistance buys nothing here.
#[derive(Default, Clone, Copy)]
pub(super) struct GramHasher(u64);

impl std::hash::Hasher for GramHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    /// The table indexes buckets by the low bits, which a bare multiply leaves depending only on
    /// the second char of a bigram; folding the high half back in spreads every input bit.
    fn write_u64(&mut self, n: u64) {
        let x = (self.0 ^ n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = x ^ (x >> 32);
    }
}

pub(super) type GramMap<V> = std::collections::HashMap<u64, V, std::hash::BuildHasherDefault<GramHasher>>;
