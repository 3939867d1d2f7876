//! The normalised text each document is matched against, without keeping a second copy of it.
//!
//! Most fields are already their own normal form (Japanese text as typed) or differ from it only in
//! ASCII case (English names and descriptions). Those are searched where they are, in the shown
//! document: exactly, or blind to ASCII case. Only the rare field that normalisation changes in any
//! other way (full-width Latin, half-width katakana, runs of spaces) is kept normalised here.

use memchr::memmem::Finder;
use serde::{Deserialize, Serialize};

use super::model::PartnerDoc;
use super::search_text::{FIELD_SEPARATOR, normalize};

/// Searchable fields in the order they are verified: a check stops at the first hit, so names
/// (what people type) go first and the Japanese description, the longest in bytes, goes last.
const FIELDS: usize = 5;

fn fields(doc: &PartnerDoc) -> [&str; FIELDS] {
    [&doc.name_ja, &doc.name_en, &doc.slug, &doc.description_en, &doc.description_ja]
}

/// Bit `i` of a document's flags: field `i` is its own normal form.
const fn exact(i: usize) -> u16 {
    1 << i
}

/// Bit `FIELDS + i`: field `i` differs from its normal form only in ASCII case.
const fn ascii_case(i: usize) -> u16 {
    1 << (FIELDS + i)
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct DocTexts {
    /// Per document, how each field is searched (see [`exact`] and [`ascii_case`]).
    how: Vec<u16>,
    /// Per document, the normal forms of the fields searched neither way, joined by the field
    /// separator; empty (and unallocated) for almost every document.
    folded: Vec<Box<str>>,
}

/// A query term prepared once for checking many documents.
pub(super) struct Term {
    finder: Finder<'static>,
    /// Whether the term holds an ASCII letter; without one, a case-blind search is an exact one.
    has_ascii_letter: bool,
}

impl Term {
    /// `term` is a normalised query term: no ASCII capitals, no field separator.
    pub(super) fn new(term: &str) -> Self {
        Term {
            finder: Finder::new(term.as_bytes()).into_owned(),
            has_ascii_letter: term.bytes().any(|b| b.is_ascii_alphabetic()),
        }
    }

    fn in_exact(&self, field: &str) -> bool {
        self.finder.find(field.as_bytes()).is_some()
    }

    /// Whether the term occurs in the ASCII-lowercased `field`, without lowercasing it. The term
    /// has no capitals, so comparing case-blind equals comparing with the lowercased field; bytes
    /// of multi-byte chars are never ASCII letters, so they compare exactly.
    fn in_ascii_case(&self, field: &str) -> bool {
        if !self.has_ascii_letter {
            return self.in_exact(field);
        }
        let (hay, needle) = (field.as_bytes(), self.finder.needle());
        let Some(&first) = needle.first() else { return true };
        let (lower, upper) = (first.to_ascii_lowercase(), first.to_ascii_uppercase());
        memchr::memchr2_iter(lower, upper, hay)
            .any(|at| hay.get(at..at + needle.len()).is_some_and(|w| w.eq_ignore_ascii_case(needle)))
    }
}

impl DocTexts {
    pub(super) fn build(docs: &[PartnerDoc]) -> Self {
        let mut texts =
            DocTexts { how: Vec::with_capacity(docs.len()), folded: Vec::with_capacity(docs.len()) };
        for doc in docs {
            let mut how = 0u16;
            let mut folded = String::new();
            for (i, field) in fields(doc).into_iter().enumerate() {
                let normal = normalize(field);
                if normal == field {
                    how |= exact(i);
                } else if field.len() == normal.len() && field.eq_ignore_ascii_case(&normal) {
                    how |= ascii_case(i);
                } else {
                    if !folded.is_empty() {
                        folded.push(FIELD_SEPARATOR);
                    }
                    folded.push_str(&normal);
                }
            }
            texts.how.push(how);
            texts.folded.push(folded.into_boxed_str());
        }
        texts
    }

    /// Whether the normalised text of document `ord` (`doc`) contains `term` within one field.
    pub(super) fn contains(&self, ord: usize, doc: &PartnerDoc, term: &Term) -> bool {
        let how = self.how.get(ord).copied().unwrap_or(0);
        let shown = fields(doc).into_iter().enumerate().any(|(i, field)| {
            (how & exact(i) != 0 && term.in_exact(field))
                || (how & ascii_case(i) != 0 && term.in_ascii_case(field))
        });
        shown || self.folded.get(ord).is_some_and(|f| term.in_exact(f))
    }

    /// Calls `f` with the chars of each normalised field of document `ord` (`doc`), one field at a
    /// time.
    pub(super) fn for_each_field(
        &self,
        ord: usize,
        doc: &PartnerDoc,
        mut f: impl FnMut(&mut dyn Iterator<Item = char>),
    ) {
        let how = self.how.get(ord).copied().unwrap_or(0);
        for (i, field) in fields(doc).into_iter().enumerate() {
            if how & exact(i) != 0 {
                f(&mut field.chars());
            } else if how & ascii_case(i) != 0 {
                f(&mut field.chars().map(|c| c.to_ascii_lowercase()));
            }
        }
        if let Some(folded) = self.folded.get(ord).filter(|t| !t.is_empty()) {
            for field in folded.split(FIELD_SEPARATOR) {
                f(&mut field.chars());
            }
        }
    }

    pub(super) fn heap_bytes(&self) -> usize {
        self.how.capacity() * size_of::<u16>()
            + self.folded.capacity() * size_of::<Box<str>>()
            + self.folded.iter().map(|t| t.len()).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(name_ja: &str, name_en: &str, description_en: &str) -> PartnerDoc {
        PartnerDoc {
            id: uuid::Uuid::nil(),
            slug: "tokyo-tech".into(),
            name_ja: name_ja.into(),
            name_en: name_en.into(),
            description_ja: "東京の販売店です。".into(),
            description_en: description_en.into(),
            tier: super::super::model::Tier::Gold,
            country: "JP".into(),
            regions: Vec::new(),
            languages: Vec::new(),
            services: Vec::new(),
            website: None,
            published: true,
            flex_signed_on: None,
            flex_expires_on: None,
        }
    }

    fn fields_of(texts: &DocTexts, d: &PartnerDoc) -> Vec<String> {
        let mut out = Vec::new();
        texts.for_each_field(0, d, |chars| out.push(chars.collect()));
        out
    }

    #[test]
    fn only_fields_that_normalisation_changes_beyond_ascii_case_are_copied() {
        let docs = [doc("東京テック", "Tokyo Tech", "Sells FLEX tokens.")];
        let texts = DocTexts::build(&docs);
        assert_eq!(texts.folded[0].len(), 0, "nothing copied for text as typed");
        assert_eq!(texts.how[0] & 0b11111, 0b10101, "name_ja, slug and description_ja are exact");
        assert_eq!(texts.how[0] >> FIELDS, 0b01010, "name_en and description_en differ in case only");
        let mut fields = fields_of(&texts, &docs[0]);
        fields.sort();
        assert_eq!(
            fields,
            ["sells flex tokens.", "tokyo tech", "tokyo-tech", "東京の販売店です。", "東京テック"]
        );

        let odd = [doc("ﾄｳｷｮｳ  テック", "Ｔｏｋｙｏ Tech", "Tokyo")];
        let texts = DocTexts::build(&odd);
        assert_eq!(&*texts.folded[0], "トウキョウ テック\ntokyo tech");
        assert!(texts.contains(0, &odd[0], &Term::new("トウキョウ テ")));
        assert!(texts.contains(0, &odd[0], &Term::new("yo te")));
    }

    #[test]
    fn a_case_blind_field_matches_terms_as_its_lowercase_form_would() {
        let d = doc("東京", "ACME ünïcode TOKYO", "x");
        let texts = DocTexts::build(std::slice::from_ref(&d));
        assert!(texts.folded[0].is_empty(), "searched in place");
        let lower = "acme ünïcode tokyo";
        for term in ["acme", "cme ü", "ünïcode", "e t", "tokyo", "e", " ", "kyo"] {
            assert!(texts.contains(0, &d, &Term::new(term)), "{term}");
            assert!(lower.contains(term));
        }
        for term in ["acmé", "unïcode", "tokyoo", "東京x"] {
            assert!(!texts.contains(0, &d, &Term::new(term)), "{term}");
        }
    }
}
