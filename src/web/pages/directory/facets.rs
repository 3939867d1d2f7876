//! The facet links beside the results: per group (tier, region, language, service) each value with
//! its count, linking to the search narrowed to it, or widened again for the value already chosen.
//!
//! A link's markup is rendered by Tera once per language, group, value and state
//! (`directory/facet_link`) with two holes, which each request fills: the link's address, escaped
//! with Tera's own HTML escape exactly as the template's autoescape does, and the count, a number.
//! Up to forty links with this query's own addresses and counts were a quarter of a first render's
//! cost when each went through the template.

use crate::web::pagination::query_value;
use std::sync::Arc;

use crate::cache::BoundedCache;
use crate::domain::partners::search_index::Facets;
use crate::domain::partners::{SearchQuery, Tier};
use crate::web::i18n::Lang;
use crate::web::partner_view::{Labeled, language_labels, region_labels, service_labels};
use crate::web::search_params::SearchParams;
use crate::web::view::{Template, Views};

/// At most this many links per facet group; the rest are reached through the filters.
const FACET_LINKS: usize = 12;

/// Stands for a hole while a link is rendered. Escaping leaves it as it is, and no label has it
/// (labels are names from the code tables, or codes of letters, digits and dashes).
const HOLE: &str = "\u{0}";

/// More than every (language, group, value, state) the code tables allow.
const LINKS: usize = 1024;

#[derive(PartialEq, Eq, Hash)]
struct LinkKey {
    lang: Lang,
    field: &'static str,
    code: String,
    active: bool,
}

/// A rendered link cut at its holes: before the address, between address and count, after.
type Pieces = Arc<[Box<str>; 3]>;

pub struct FacetLinks(BoundedCache<LinkKey, Pieces>);

impl Default for FacetLinks {
    fn default() -> Self {
        FacetLinks(BoundedCache::new(LINKS))
    }
}

/// The query string for `params` with one field replaced (or removed with `None`) and the page reset.
pub fn href(params: &SearchParams, field: &str, value: Option<&str>) -> String {
    let current = [
        ("q", &params.q),
        ("country", &params.country),
        ("region", &params.region),
        ("language", &params.language),
        ("service", &params.service),
        ("tier", &params.tier),
        ("flex", &params.flex),
        ("page", &params.page),
    ];
    let mut pairs: Vec<(String, String)> = current
        .iter()
        .filter(|(name, _)| *name != field && *name != "page")
        .filter_map(|(name, value)| {
            value.as_deref().filter(|v| !v.is_empty()).map(|v| ((*name).to_owned(), v.to_owned()))
        })
        .collect();
    if let Some(value) = value {
        pairs.push((field.to_owned(), value.to_owned()));
    }
    let query: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={}", query_value(v))).collect();
    format!("/partners?{}", query.join("&"))
}

/// One facet group as the page lists it: its parameter, the value chosen, and `(code, count)`.
struct Group<'a> {
    field: &'static str,
    current: Option<&'a str>,
    entries: Vec<(&'a str, usize)>,
}

fn top(entries: &[(String, usize)]) -> Vec<(&str, usize)> {
    entries.iter().take(FACET_LINKS).map(|(c, n)| (c.as_str(), *n)).collect()
}

fn label(field: &str, code: &str, lang: Lang) -> String {
    let named = |label: fn(&[String], Lang) -> Vec<Labeled>| {
        label(&[code.to_owned()], lang).pop().map_or_else(|| code.to_owned(), |l| l.name)
    };
    match field {
        "tier" => lang.text(&format!("tiers.{code}")),
        "region" => named(region_labels),
        "language" => named(language_labels),
        _ => named(service_labels),
    }
}

impl FacetLinks {
    /// Each group's `<li>` links, by parameter name (`tier`, `region`, `language`, `service`).
    ///
    /// # Errors
    /// The link template failed to render.
    pub fn groups(
        &self,
        views: &Views,
        params: &SearchParams,
        query: &SearchQuery,
        facets: &Facets,
        lang: Lang,
    ) -> Result<serde_json::Map<String, serde_json::Value>, tera::Error> {
        let groups = [
            Group {
                field: "tier",
                current: query.tier.map(Tier::as_str),
                entries: facets.tier.iter().map(|(t, n)| (t.as_str(), *n)).collect(),
            },
            Group { field: "region", current: query.region.as_deref(), entries: top(&facets.region) },
            Group { field: "language", current: query.language.as_deref(), entries: top(&facets.language) },
            Group { field: "service", current: query.service.as_deref(), entries: top(&facets.service) },
        ];
        let mut out = serde_json::Map::new();
        for group in groups {
            let html = self.group(views, params, &group, lang)?;
            out.insert(group.field.to_owned(), serde_json::Value::String(html));
        }
        Ok(out)
    }

    fn group(
        &self,
        views: &Views,
        params: &SearchParams,
        group: &Group<'_>,
        lang: Lang,
    ) -> Result<String, tera::Error> {
        // Every address of a group is the query without this group's parameter, plus the value.
        let without = href(params, group.field, None);
        let separator = if without.len() > "/partners?".len() { "&" } else { "" };
        let escaped_without = tera::escape_html(&without);
        let mut html = String::with_capacity(group.entries.len() * 160);
        for &(code, count) in &group.entries {
            let active = group.current.is_some_and(|c| c.eq_ignore_ascii_case(code));
            let pieces = self.pieces(views, lang, group.field, code, active)?;
            html.push_str(&pieces[0]);
            html.push_str(&escaped_without);
            if !active {
                html.push_str(&tera::escape_html(&format!(
                    "{separator}{}={}",
                    group.field,
                    query_value(code)
                )));
            }
            html.push_str(&pieces[1]);
            html.push_str(&count.to_string());
            html.push_str(&pieces[2]);
        }
        Ok(html)
    }

    fn pieces(
        &self,
        views: &Views,
        lang: Lang,
        field: &'static str,
        code: &str,
        active: bool,
    ) -> Result<Pieces, tera::Error> {
        let key = LinkKey { lang, field, code: code.to_owned(), active };
        if let Some(pieces) = self.0.get(&key) {
            return Ok(pieces);
        }
        let data = serde_json::json!({ "href": HOLE, "count": HOLE, "active": active, "label": label(field, code, lang) });
        let serde_json::Value::Object(map) = data else {
            return Err(tera::Error::msg("the link data is an object"));
        };
        let rendered = Template::with_map("directory/facet_link", map, lang).render_with(views)?;
        let rendered = rendered.strip_suffix('\n').unwrap_or(&rendered);
        let cut: Vec<&str> = rendered.split(HOLE).collect();
        let [before, between, after] = cut.as_slice() else {
            return Err(tera::Error::msg(format!(
                "the facet link for {field}={code} does not have two holes"
            )));
        };
        let pieces: Pieces = Arc::new([(*before).into(), (*between).into(), (*after).into()]);
        self.0.insert(key, pieces.clone());
        Ok(pieces)
    }
}
