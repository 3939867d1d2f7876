//! Pieces of the search page that many pages share, rendered by Tera once and kept as bytes: each
//! partner's card (per directory generation, language and day: everything a card shows depends on
//! those) and the options of each select list of the search form (per language and chosen
//! option). A page splices them in instead of walking twenty cards and about eighty options
//! through the template on every request; that walk was most of a first render's cost. Tera
//! renders the pieces with escaping on, exactly as it renders the page.

use std::sync::{Arc, LazyLock};

use chrono::NaiveDate;
use serde::Serialize;
use uuid::Uuid;

use crate::cache::BoundedCache;
use crate::domain::error::Error;
use crate::domain::partners::is_flex_eligible;
use crate::domain::partners::search_index::{Hit, PartnerDoc};
use crate::web::choices;
use crate::web::i18n::Lang;
use crate::web::partner_view::{country_name, language_labels, region_labels, service_labels};
use crate::web::search_params::SearchParams;
use crate::web::view::{Template, Views, describe};

#[derive(Serialize)]
pub struct Card<'a> {
    slug: &'a str,
    name: &'a str,
    other_name: &'a str,
    tier: &'static str,
    flex_eligible: bool,
    country: String,
    regions: Vec<String>,
    languages: Vec<String>,
    services: Vec<String>,
}

/// A partner as its card and its page show it.
pub fn card(doc: &PartnerDoc, lang: Lang, today: NaiveDate) -> Card<'_> {
    let (name, other_name) =
        if lang == Lang::Ja { (&doc.name_ja, &doc.name_en) } else { (&doc.name_en, &doc.name_ja) };
    Card {
        slug: &doc.slug,
        name,
        other_name,
        tier: doc.tier.as_str(),
        flex_eligible: is_flex_eligible(doc, today),
        country: country_name(&doc.country, lang),
        regions: region_labels(&doc.regions, lang).into_iter().map(|l| l.name).collect(),
        languages: language_labels(&doc.languages, lang).into_iter().map(|l| l.name).collect(),
        services: service_labels(&doc.services, lang).into_iter().map(|l| l.name).collect(),
    }
}

/// The select lists of the search form, each named by its query parameter.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub enum FormList {
    Region,
    Country,
    Language,
    Service,
    Tier,
}

impl FormList {
    pub const ALL: [FormList; 5] =
        [FormList::Region, FormList::Country, FormList::Language, FormList::Service, FormList::Tier];

    /// The parameter, and the name under which the page template finds the list's options.
    pub fn field(self) -> &'static str {
        match self {
            FormList::Region => "region",
            FormList::Country => "country",
            FormList::Language => "language",
            FormList::Service => "service",
            FormList::Tier => "tier",
        }
    }

    fn chosen(self, params: &SearchParams) -> Option<&str> {
        match self {
            FormList::Region => params.region.as_deref(),
            FormList::Country => params.country.as_deref(),
            FormList::Language => params.language.as_deref(),
            FormList::Service => params.service.as_deref(),
            FormList::Tier => params.tier.as_deref(),
        }
    }

    /// `{code, name}` for every option in `lang`; they never change, so they are built once.
    fn choices(self, lang: Lang) -> &'static serde_json::Value {
        static BOTH: LazyLock<[[serde_json::Value; 5]; 2]> = LazyLock::new(|| {
            [Lang::Ja, Lang::En].map(|lang| FormList::ALL.map(|list| list.build_choices(lang)))
        });
        &BOTH[usize::from(lang == Lang::En)][self as usize]
    }

    /// Prefectures are the region list; tiers are named from the catalogue, as the page names them.
    fn build_choices(self, lang: Lang) -> serde_json::Value {
        match self {
            FormList::Region => choices::prefectures(lang),
            FormList::Country => choices::countries(lang),
            FormList::Language => choices::languages(lang),
            FormList::Service => choices::services(lang),
            FormList::Tier => serde_json::Value::Array(
                choices::tiers()
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(serde_json::Value::as_str)
                    .map(|t| serde_json::json!({ "code": t, "name": lang.text(&format!("tiers.{t}")) }))
                    .collect(),
            ),
        }
    }
}

#[derive(PartialEq, Eq, Hash)]
struct CardKey {
    directory: u64,
    id: Uuid,
    lang: Lang,
    today: NaiveDate,
}

/// The chosen option is kept as its code only when it is one of the list's, so the keys are
/// bounded by the lists themselves whatever visitors type.
#[derive(PartialEq, Eq, Hash)]
struct OptionsKey {
    list: FormList,
    lang: Lang,
    chosen: Option<String>,
}

pub struct SearchFragments {
    cards: BoundedCache<CardKey, Arc<str>>,
    options: BoundedCache<OptionsKey, Arc<str>>,
}

/// Cards per generation of the cache: a card is about 500 bytes, so all of them stay under 5 MiB.
const CARDS: usize = 4096;
/// More than every (language, list, chosen option) there is: 2 × (48 + 11 + 9 + 6 + 5).
const OPTION_LISTS: usize = 256;

impl Default for SearchFragments {
    fn default() -> Self {
        SearchFragments { cards: BoundedCache::new(CARDS), options: BoundedCache::new(OPTION_LISTS) }
    }
}

/// A page or fragment that failed to render: the template's whole error chain is logged.
pub fn render_failed(e: tera::Error) -> Error {
    tracing::error!(error = %describe(&e), "the search page failed to render");
    Error::internal(e)
}

/// A fragment template's final line break ends the file, not the fragment.
fn fragment(rendered: String) -> Arc<str> {
    Arc::from(rendered.strip_suffix('\n').unwrap_or(&rendered))
}

impl SearchFragments {
    /// The result cards of `hits` as the page's result list shows them, one after the other; a
    /// partner is rebuilt from the index only when its card is not kept.
    ///
    /// # Errors
    /// The card template failed to render, or the index could not give a partner back.
    pub fn cards(
        &self,
        views: &Views,
        hits: &[Hit<'_>],
        directory: u64,
        lang: Lang,
        today: NaiveDate,
    ) -> Result<String, Error> {
        let mut out = String::with_capacity(hits.len() * 640);
        for hit in hits {
            let key = CardKey { directory, id: hit.id, lang, today };
            let html = match self.cards.get(&key) {
                Some(html) => html,
                None => {
                    let doc = hit.doc()?;
                    let context = serde_json::json!({ "p": card(&doc, lang, today) });
                    let html =
                        fragment(render(views, "directory/card", lang, context).map_err(render_failed)?);
                    self.cards.insert(key, html.clone());
                    html
                }
            };
            // Each card sits on its own line, indented as the result list is.
            out.push('\n');
            out.push_str(&html);
            out.push_str("\n    ");
        }
        Ok(out)
    }

    /// The `<option>`s of `list` with the one `params` chose marked as selected.
    ///
    /// # Errors
    /// The options template failed to render.
    pub fn options(
        &self,
        views: &Views,
        list: FormList,
        params: &SearchParams,
        lang: Lang,
    ) -> Result<Arc<str>, tera::Error> {
        let choices = list.choices(lang);
        let chosen = list.chosen(params).filter(|code| {
            choices.as_array().is_some_and(|all| all.iter().any(|c| c["code"].as_str() == Some(code)))
        });
        let key = OptionsKey { list, lang, chosen: chosen.map(str::to_owned) };
        if let Some(html) = self.options.get(&key) {
            return Ok(html);
        }
        let data = serde_json::json!({ "choices": choices.clone(), "chosen": chosen });
        let html = fragment(render(views, "directory/options", lang, data)?);
        self.options.insert(key, html.clone());
        Ok(html)
    }
}

fn render(
    views: &Views,
    name: &'static str,
    lang: Lang,
    data: serde_json::Value,
) -> Result<String, tera::Error> {
    let map = match data {
        serde_json::Value::Object(map) => map,
        _ => serde_json::Map::new(),
    };
    Template::with_map(name, map, lang).render_with(views)
}
